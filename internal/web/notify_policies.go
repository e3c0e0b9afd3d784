package web

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/notify"
)

// overduePolicy is the name of the policy the reminders of overdue
// warning acknowledgements follow (app.OverduePolicy; the web package
// does not import the composition root).
const overduePolicy = "warning-overdue"

// policyTargets are the people a step can escalate to.
var policyTargets = []notify.Target{notify.TargetHolder, notify.TargetDeputies, notify.TargetNextDeputy}

// maxPolicySteps is the most steps a policy has (notify.Policy.Validate).
const maxPolicySteps = 20

// policyRow is one escalation policy in the list.
type policyRow struct {
	P        notify.Policy
	Steps    []stepView
	Interval string
	Overdue  bool // used for overdue warning acknowledgements
}

// stepView is a step as the list shows it.
type stepView struct {
	After    string
	Target   notify.Target
	Channels []notify.Kind
}

type policiesPage struct {
	Page
	Rows []policyRow
}

// stepInput is one row of the step table as typed.
type stepInput struct {
	Index    int
	After    string
	Target   string
	Channels []string
}

// Has reports whether the row has a channel ticked.
func (s stepInput) Has(k notify.Kind) bool { return slices.Contains(s.Channels, string(k)) }

// No is the row's number as people count.
func (s stepInput) No() int { return s.Index + 1 }

// Field names an input of the row, as the service names its errors:
// steps[1].after.
func (s stepInput) Field(name string) string { return fmt.Sprintf("steps[%d].%s", s.Index, name) }

// policyForm is the policy editor as typed.
type policyForm struct {
	ID       int64
	Name     string
	Repeat   string
	Interval string
	Steps    []stepInput
}

type policyFormPage struct {
	Page
	formState
	Form    policyForm
	Editing bool
	Targets []notify.Target
	Kinds   []notify.Kind
}

// PolicyTarget names a step's target.
func (p Page) PolicyTarget(t notify.Target) string { return p.Tr.T("warnweb.target." + string(t)) }

// formatDelay writes a delay as the form reads it: 10m, 1h30m, 2h.
func formatDelay(d notify.Duration) string {
	s := time.Duration(d).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// parseDelay reads a delay: a number of minutes, or a duration such as
// 1h30m.
func parseDelay(s string) (notify.Duration, bool) {
	s = strings.TrimSpace(s)
	if n, err := strconv.Atoi(s); err == nil {
		return notify.Duration(time.Duration(n) * time.Minute), true
	}
	d, err := time.ParseDuration(s)
	return notify.Duration(d), err == nil
}

// listPolicies lists the escalation policies.
func (h *handler) listPolicies(w http.ResponseWriter, r *http.Request) {
	ps, err := h.d.Notify.Policies(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := policiesPage{Page: h.base(w, r, "warnweb.policies")}
	for _, pol := range ps {
		row := policyRow{P: pol, Overdue: pol.Name == overduePolicy}
		if pol.Interval > 0 {
			row.Interval = formatDelay(pol.Interval)
		}
		for _, s := range pol.Steps {
			row.Steps = append(row.Steps, stepView{After: formatDelay(s.After), Target: s.Target, Channels: s.Channels})
		}
		p.Rows = append(p.Rows, row)
	}
	h.render(w, r, http.StatusOK, "warning_policies", p)
}

// withBlankSteps numbers the rows and adds empty ones to type new steps
// into, up to the most a policy may have.
func withBlankSteps(steps []stepInput, blanks int) []stepInput {
	for i := 0; i < blanks && len(steps) < maxPolicySteps; i++ {
		steps = append(steps, stepInput{})
	}
	for i := range steps {
		steps[i].Index = i
	}
	return steps
}

func (h *handler) policyFormPage(w http.ResponseWriter, r *http.Request, f policyForm) policyFormPage {
	title := "warnweb.policy_new"
	if f.ID != 0 {
		title = "warnweb.policy_edit"
	}
	f.Steps = withBlankSteps(f.Steps, 2)
	return policyFormPage{Page: h.base(w, r, title), Form: f, Editing: f.ID != 0, Targets: policyTargets, Kinds: notify.Kinds}
}

// newPolicy shows an empty policy editor: notify the holder again, then
// their deputies.
func (h *handler) newPolicy(w http.ResponseWriter, r *http.Request) {
	f := policyForm{Repeat: "0", Steps: []stepInput{{After: "10m", Target: string(notify.TargetHolder)},
		{After: "20m", Target: string(notify.TargetDeputies)}}}
	h.render(w, r, http.StatusOK, "warning_policy_form", h.policyFormPage(w, r, f))
}

// editPolicy shows the editor of a policy.
func (h *handler) editPolicy(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	pol, err := h.d.Notify.Policy(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := policyForm{ID: pol.ID, Name: pol.Name, Repeat: strconv.Itoa(pol.Repeat)}
	if pol.Interval > 0 {
		f.Interval = formatDelay(pol.Interval)
	}
	for _, s := range pol.Steps {
		in := stepInput{After: formatDelay(s.After), Target: string(s.Target)}
		for _, k := range s.Channels {
			in.Channels = append(in.Channels, string(k))
		}
		f.Steps = append(f.Steps, in)
	}
	h.render(w, r, http.StatusOK, "warning_policy_form", h.policyFormPage(w, r, f))
}

// createPolicy stores a new policy.
func (h *handler) createPolicy(w http.ResponseWriter, r *http.Request) { h.savePolicy(w, r, 0) }

// updatePolicy stores changes to a policy; running escalations keep their
// next due time and use the new steps.
func (h *handler) updatePolicy(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.savePolicy(w, r, id)
}

// readSteps reads the step rows, leaving out those left empty, so that
// the numbering of the rows kept is the one the service checks.
func readSteps(r *http.Request) []stepInput {
	var out []stepInput
	for i := 0; i < 2*maxPolicySteps+2; i++ {
		prefix := fmt.Sprintf("steps[%d].", i)
		_, hasAfter := r.PostForm[prefix+"after"]
		_, hasTarget := r.PostForm[prefix+"target"]
		if !hasAfter && !hasTarget {
			break
		}
		in := stepInput{After: strings.TrimSpace(r.PostFormValue(prefix + "after")), Target: r.PostFormValue(prefix + "target"),
			Channels: r.PostForm[prefix+"channels"]}
		if in.After == "" && in.Target == "" && len(in.Channels) == 0 {
			continue
		}
		out = append(out, in)
	}
	return out
}

func (h *handler) savePolicy(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	f := policyForm{ID: id, Name: r.PostFormValue("name"), Repeat: strings.TrimSpace(r.PostFormValue("repeat")),
		Interval: strings.TrimSpace(r.PostFormValue("interval")), Steps: readSteps(r)}
	pol := notify.Policy{ID: id, Name: f.Name}
	var v errs.Validation
	if f.Repeat != "" {
		n, err := strconv.Atoi(f.Repeat)
		if err != nil {
			v.Add("repeat", "must be a whole number")
		}
		pol.Repeat = n
	}
	if f.Interval != "" {
		d, ok := parseDelay(f.Interval)
		if !ok {
			v.Add("interval", "is not a duration such as 30m")
		}
		pol.Interval = d
	}
	for i, in := range f.Steps {
		field := fmt.Sprintf("steps[%d].", i)
		st := notify.Step{Target: notify.Target(in.Target)}
		if in.After == "" {
			v.Add(field+"after", "is required")
		} else if d, ok := parseDelay(in.After); !ok {
			v.Add(field+"after", "is not a duration such as 10m")
		} else {
			st.After = d
		}
		for _, k := range in.Channels {
			st.Channels = append(st.Channels, notify.Kind(k))
		}
		pol.Steps = append(pol.Steps, st)
	}
	err := saveOrReport(&v, pol.Validate, func() (err error) {
		pol, err = h.d.Notify.SavePolicy(ctx, pol)
		return err
	})
	if err != nil {
		p := h.policyFormPage(w, r, f)
		if !filePolicyErrors(p.Page, &p.formState, err) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "warning_policy_form", p)
		return
	}
	h.flash(w, "ok", "common.saved")
	http.Redirect(w, r, "/notify/policies", http.StatusSeeOther)
}

var stepField = regexp.MustCompile(`^steps\[\d+\]\.(after|target|channels)`)

// filePolicyErrors files the policy's field errors next to their inputs:
// steps[1].after under the delay of the second row.
func filePolicyErrors(p Page, fs *formState, err error) bool {
	code := errs.CodeOf(err)
	if code != errs.Invalid && !(code == errs.Conflict && len(errs.FieldsOf(err)) > 0) {
		return false
	}
	for _, fe := range errs.FieldsOf(err) {
		field := fe.Field
		if m := stepField.FindString(field); m != "" {
			field = m // steps[0].channels[1] → steps[0].channels
		}
		msg := policyMessage(p, fe.Field, fe.Message)
		if field == "name" || field == "repeat" || field == "interval" || field == "steps" || stepField.MatchString(field) {
			fs.add(field, msg)
		} else {
			fs.Other = append(fs.Other, fe.Field+": "+msg)
		}
	}
	if len(errs.FieldsOf(err)) == 0 {
		fs.Other = append(fs.Other, localizeMessage(p.Tr, err))
	}
	return true
}

// policyMessage translates the notification service's policy messages
// that the shared rules do not know.
func policyMessage(p Page, field, msg string) string {
	switch {
	case msg == "is not a duration such as 10m", msg == "is not a duration such as 30m":
		return p.Tr.T("warnweb.policy_bad_delay")
	case msg == "must be after the first notification":
		return p.Tr.T("warnweb.policy_after_positive")
	case msg == "steps must be in time order":
		return p.Tr.T("warnweb.policy_steps_order")
	case msg == "needs 1 to 20 steps":
		return p.Tr.T("warnweb.policy_steps_count", maxPolicySteps)
	case field == "repeat" && msg == "must be between 0 and 20":
		return p.Tr.T("warnweb.policy_repeat_range")
	}
	return localizeField(p.Tr, field, msg)
}

// deletePolicy removes a policy; its pending escalations stop.
func (h *handler) deletePolicy(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := h.d.Notify.DeletePolicy(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(w, "ok", "common.deleted")
	http.Redirect(w, r, "/notify/policies", http.StatusSeeOther)
}

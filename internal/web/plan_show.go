package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/plan"
)

// planPage is a plan with one of its versions laid out chapter by
// chapter, its approval record, its version history and the actions the
// viewer may take.
type planPage struct {
	Page
	Plan     plan.Plan
	Version  plan.Version
	Name     string
	Badge    planBadge
	Names    planNames
	UnitName string
	Owner    string
	// Approvers are the plan's approvers as names; Required is how many
	// approvals publish a version.
	Approvers []string
	Required  int
	// Decisions of the shown version, newest round first.
	Decisions []plan.Decision
	Versions  []plan.VersionSummary
	Access    planAccess
	// Latest reports whether the shown version is the plan's newest.
	Latest bool
	// Open is the plan's version on its way (draft, in review, approved),
	// 0 when there is none.
	Open int
	// CanDecide: the viewer may approve or reject the shown version now;
	// DecideRefusal says why a holder of plan.approve may not.
	CanDecide     bool
	DecideRefusal string
	Approvals     int // approvals given in the current round
	Review        string
	ReviewDays    int
	Playbooks     []playbookView
}

// playbookView is a playbook with its tasks in step order.
type playbookView struct {
	*plan.Playbook
	Tasks []plan.Task
}

// OverdueDays is how many days ago the review fell due.
func (p planPage) OverdueDays() int { return -p.ReviewDays }

// Export is the URL of the shown version's document in a format.
func (p planPage) Export(format string) string {
	return "/plans/" + idString(p.Plan.ID) + "/versions/" + strconv.Itoa(p.Version.Number) + "/export?format=" + format + "&lang=" + string(p.Lang)
}

// showPlan shows a plan: its newest version, or ?v=N.
func (h *handler) showPlan(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	number, _ := strconv.Atoi(r.URL.Query().Get("v"))
	p, err := h.planPage(r.Context(), w, r, id, number)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "plan", p)
}

// refusePlanAction shows the plan again with the service's refusal of an
// action (an author approving their own version, a published version
// edited…) at the top, under the status the refusal carries.
func (h *handler) refusePlanAction(w http.ResponseWriter, r *http.Request, id int64, number int, refusal error) {
	var e *errs.Error
	if !errors.As(refusal, &e) || (e.Code != errs.Forbidden && e.Code != errs.Conflict && e.Code != errs.Invalid) {
		h.fail(w, r, refusal)
		return
	}
	p, err := h.planPage(r.Context(), w, r, id, number)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	msg := localizePlanMessage(p.Tr, refusal)
	for _, fe := range e.Fields {
		label := fe.Field
		if key, ok := planFieldLabels[fe.Field]; ok {
			label = p.Tr.T(key)
		}
		msg += " " + label + ": " + localizePlanField(p.Tr, fe.Field, fe.Message)
	}
	p.Flash = &flashMessage{Kind: "error", Text: msg}
	status := http.StatusConflict
	switch e.Code {
	case errs.Forbidden:
		status = http.StatusForbidden
	case errs.Invalid:
		status = http.StatusUnprocessableEntity
	}
	h.render(w, r, status, "plan", p)
}

func (h *handler) planPage(ctx context.Context, w http.ResponseWriter, r *http.Request, id int64, number int) (planPage, error) {
	p := planPage{Page: h.base(w, r, "")}
	pl, err := h.d.Plan.Plan(ctx, id)
	if err != nil {
		return p, err
	}
	if number <= 0 {
		number = pl.LatestVersion
	}
	v, err := h.d.Plan.Version(ctx, id, number)
	if err != nil {
		return p, err
	}
	if p.Versions, err = h.d.Plan.Versions(ctx, id); err != nil {
		return p, err
	}
	unit, err := h.d.Org.Unit(ctx, pl.UnitID)
	if err != nil {
		return p, err
	}
	if p.Names, err = h.planNames(ctx, p.Page, &v); err != nil {
		return p, err
	}
	p.Plan, p.Version = pl, v
	p.Name = p.L(v.Title, v.TitleEn)
	p.Title = p.Name
	p.Badge = p.PlanStatus(v.Status)
	p.UnitName = p.L(unit.Name, unit.NameEn)
	if pl.OwnerID > 0 {
		if people, err := h.d.Org.PeopleByIDs(ctx, []int64{pl.OwnerID}); err == nil {
			if o, ok := people[pl.OwnerID]; ok {
				p.Owner = p.L(o.Name, o.NameEn)
			}
		}
	}
	p.Approvers, p.Required = approverNames(p.Page, pl.Approvers), pl.RequiredApprovals()
	for i := len(v.Decisions) - 1; i >= 0; i-- {
		d := v.Decisions[i]
		p.Decisions = append(p.Decisions, d)
		if d.Round == v.Round && d.Verdict == plan.Approve {
			p.Approvals++
		}
	}
	p.Access = planAccessOf(p.Page, unit.Path)
	p.Latest = v.Number == pl.LatestVersion
	if pl.Status.Open() {
		p.Open = pl.LatestVersion
	}
	if v.Status == plan.InReview && p.Access.Approve {
		if err := plan.MayDecide(&pl, &v, p.principal, unit.Path); err == nil {
			p.CanDecide = true
		} else {
			p.DecideRefusal = localizePlanMessage(p.Tr, err)
		}
	}
	if pl.PublishedVersion > 0 && pl.ReviewDue != "" {
		now := h.d.Clock.Now().UTC()
		today := now.Format(plan.DateLayout)
		if pl.ReviewDue <= now.Add(plan.ReminderWindow).Format(plan.DateLayout) {
			p.Review = "due"
			if pl.ReviewDue < today {
				p.Review = "overdue"
			}
			p.ReviewDays = daysBetween(today, pl.ReviewDue)
		}
	}
	for i := range v.Content.Playbooks {
		pb := &p.Version.Content.Playbooks[i]
		p.Playbooks = append(p.Playbooks, playbookView{Playbook: pb, Tasks: tasksInStepOrder(pb.Tasks)})
	}
	return p, nil
}

// tasksInStepOrder sorts tasks by step, keeping the written order within a
// step.
func tasksInStepOrder(ts []plan.Task) []plan.Task {
	out := append([]plan.Task(nil), ts...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j].Step < out[j-1].Step; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Empty reports whether a chapter of the shown version says nothing.
func (p planPage) Empty(chapter string) bool {
	c := &p.Version.Content
	blank := func(zh, en string) bool { return zh == "" && en == "" }
	switch chapter {
	case "purpose":
		return blank(c.Purpose.Text, c.Purpose.TextEn)
	case "organisation":
		return blank(c.Organisation.Text, c.Organisation.TextEn) && len(c.Organisation.Teams) == 0
	case "risks":
		return blank(c.Risks.Text, c.Risks.TextEn) && len(c.Risks.RiskIDs) == 0
	case "warning":
		return blank(c.Warning.Text, c.Warning.TextEn) && len(c.Warning.Levels) == 0 && len(c.Warning.Reporting) == 0
	case "response":
		return blank(c.ResponseLevels.Text, c.ResponseLevels.TextEn) && len(c.ResponseLevels.Levels) == 0
	case "scenarios":
		return blank(c.Scenarios.Text, c.Scenarios.TextEn) && len(c.Playbooks) == 0
	case "communications":
		return blank(c.Communications.Text, c.Communications.TextEn) && len(c.Communications.Audiences) == 0
	case "resources":
		return blank(c.Resources.Text, c.Resources.TextEn) && len(c.Resources.Items) == 0
	case "recovery":
		return blank(c.Recovery.Text, c.Recovery.TextEn) && len(c.Recovery.Targets) == 0
	case "training":
		return blank(c.Training.Text, c.Training.TextEn) && len(c.Training.Drills) == 0
	case "maintenance":
		return blank(c.Maintenance.Text, c.Maintenance.TextEn)
	}
	return false
}

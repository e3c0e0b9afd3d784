package web

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// planSections are the chapters whose free text the editor shows, in
// document order, with their content field and chapter label.
var planSections = []struct{ Key, Label string }{
	{"purpose", "purpose"},
	{"organisation", "organisation"},
	{"risks", "risks"},
	{"warning", "warning"},
	{"response_levels", "response"},
	{"scenarios", "scenarios"},
	{"communications", "communications"},
	{"resources", "resources"},
	{"recovery", "recovery"},
	{"training", "training"},
	{"maintenance", "maintenance"},
}

// sectionField is the free text of one chapter as typed.
type sectionField struct {
	Key, Label   string
	Text, TextEn string
}

// Name is the form field of the Chinese text; NameEn of the English one.
// They are the service's field paths, so its errors land under them.
func (s sectionField) Name() string   { return "content." + s.Key + ".text" }
func (s sectionField) NameEn() string { return "content." + s.Key + ".text_en" }

// taskRow is one task of a playbook in the editor.
type taskRow struct {
	Step, Title, TitleEn, Role, Label, LabelEn, Detail, DetailEn, TimeLimit string
	Errs                                                                    map[string]string
}

// Err returns the message for a sub-field of the row.
func (t taskRow) Err(field string) string { return t.Errs[field] }

func (t taskRow) blank() bool {
	return t.Title == "" && t.TitleEn == "" && t.Role == "" && t.Label == "" && t.TimeLimit == ""
}

// playbookRow is one playbook in the editor. Ref ties its task rows to it;
// Key identifies an existing playbook, whose triggers, activation,
// resources, messages and recovery targets are kept as they are.
type playbookRow struct {
	Ref, Key              string
	Title, TitleEn        string
	Text, TextEn          string
	Tasks                 []taskRow
	Errs                  map[string]string
	Triggers, Messages    int // what is kept, for the hint
	Resources, Recoveries int
}

// Err returns the message for a sub-field of the row.
func (p playbookRow) Err(field string) string { return p.Errs[field] }

func (p playbookRow) blank() bool {
	return p.Key == "" && p.Title == "" && p.TitleEn == "" && p.Text == "" && p.TextEn == "" && len(p.Tasks) == 0
}

// planForm holds the plan editor as typed: the library fields, the
// draft's title and change note, the chapters' text, the linked risks and
// the playbooks with their tasks.
type planForm struct {
	ID           int64
	Version      int
	Code         string
	Kind         string
	UnitID       string
	OwnerID      string
	ReviewMonths string
	Quorum       string
	Roles        []string // approving roles
	Users        []string // approving accounts
	Title        string
	TitleEn      string
	ChangeNote   string
	Sections     []sectionField
	Risks        []string
	Playbooks    []playbookRow
}

// HasRole reports whether an approving role is ticked.
func (f planForm) HasRole(r string) bool { return slices.Contains(f.Roles, r) }

// HasRisk reports whether a risk is linked.
func (f planForm) HasRisk(id int64) bool { return slices.Contains(f.Risks, idString(id)) }

// planFormPage is the plan editor.
type planFormPage struct {
	Page
	formState
	Form        planForm
	Editing     bool
	Kinds       []option
	Units       []option
	Owners      []option
	Roles       []option // roles that may approve plans
	Users       []option // accounts that may approve plans
	RiskChoices []planRiskChoice
	RoleOptions []option // who may do a task
}

// planRiskChoice is a risk of the register the plan may link.
type planRiskChoice struct {
	ID    int64
	Name  string
	Code  string
	Badge levelBadge
}

var planFormFields = []string{"code", "kind", "unit_id", "owner_id", "review_months", "approvers", "quorum",
	"title", "title_en", "change_note", "content.risks.risk_ids"}

// newPlan shows an empty plan editor.
func (h *handler) newPlan(w http.ResponseWriter, r *http.Request) {
	f := planForm{Kind: string(plan.Special), ReviewMonths: strconv.Itoa(plan.DefaultReviewMonths), Roles: []string{string(authz.Committee)},
		UnitID: r.URL.Query().Get("unit")}
	f.Sections = sectionsOf(plan.Content{})
	p, err := h.planFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "plan_form", p)
}

// editPlan shows the editor of a plan's draft. Only drafts are edited: a
// version in review or approved is withdrawn first, a published one is
// revised through a new draft (the refusal says so).
func (h *handler) editPlan(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	pl, err := h.d.Plan.Plan(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.d.Plan.Version(ctx, id, pl.LatestVersion)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Status != plan.Draft {
		h.refusePlanAction(w, r, id, v.Number, notDraft(v))
		return
	}
	p, err := h.planFormPage(ctx, w, r, formOfPlan(pl, v))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "plan_form", p)
}

// notDraft is the refusal to edit a version that is not a draft, in the
// service's words.
func notDraft(v plan.Version) error {
	if v.Status == plan.Published || v.Status == plan.Superseded {
		return errs.New(errs.Conflict, "version %d is %s and cannot be changed; start a new draft from it", v.Number, v.Status)
	}
	return errs.New(errs.Conflict, "version %d is %s; withdraw it to a draft before changing it", v.Number, strings.ReplaceAll(string(v.Status), "_", " "))
}

func formOfPlan(pl plan.Plan, v plan.Version) planForm {
	f := planForm{ID: pl.ID, Version: v.Number, Code: pl.Code, Kind: string(pl.Kind), UnitID: idString(pl.UnitID),
		ReviewMonths: strconv.Itoa(pl.ReviewMonths), Title: v.Title, TitleEn: v.TitleEn, ChangeNote: v.ChangeNote}
	if pl.OwnerID > 0 {
		f.OwnerID = idString(pl.OwnerID)
	}
	if pl.Quorum > 0 {
		f.Quorum = strconv.Itoa(pl.Quorum)
	}
	for _, a := range pl.Approvers {
		if a.UserID > 0 {
			f.Users = append(f.Users, idString(a.UserID))
		} else {
			f.Roles = append(f.Roles, string(a.Role))
		}
	}
	c := v.Content
	f.Sections = sectionsOf(c)
	for _, id := range c.Risks.RiskIDs {
		f.Risks = append(f.Risks, idString(id))
	}
	for _, pb := range c.Playbooks {
		row := playbookRow{Ref: newReference(), Key: pb.Key, Title: pb.Title, TitleEn: pb.TitleEn, Text: pb.Text, TextEn: pb.TextEn,
			Triggers: len(pb.Triggers), Messages: len(pb.Communications), Resources: len(pb.Resources), Recoveries: len(pb.Recovery)}
		for _, t := range pb.Tasks {
			row.Tasks = append(row.Tasks, taskRow{Step: strconv.Itoa(t.Step), Title: t.Title, TitleEn: t.TitleEn, Role: roleValue(t.Role),
				Label: t.Role.Label, LabelEn: t.Role.LabelEn, Detail: t.Detail, DetailEn: t.DetailEn, TimeLimit: limitValue(t.TimeLimit)})
		}
		f.Playbooks = append(f.Playbooks, row)
	}
	return f
}

func limitValue(m int) string {
	if m <= 0 {
		return ""
	}
	return strconv.Itoa(m)
}

func sectionsOf(c plan.Content) []sectionField {
	text := map[string][2]string{
		"purpose":         {c.Purpose.Text, c.Purpose.TextEn},
		"organisation":    {c.Organisation.Text, c.Organisation.TextEn},
		"risks":           {c.Risks.Text, c.Risks.TextEn},
		"warning":         {c.Warning.Text, c.Warning.TextEn},
		"response_levels": {c.ResponseLevels.Text, c.ResponseLevels.TextEn},
		"scenarios":       {c.Scenarios.Text, c.Scenarios.TextEn},
		"communications":  {c.Communications.Text, c.Communications.TextEn},
		"resources":       {c.Resources.Text, c.Resources.TextEn},
		"recovery":        {c.Recovery.Text, c.Recovery.TextEn},
		"training":        {c.Training.Text, c.Training.TextEn},
		"maintenance":     {c.Maintenance.Text, c.Maintenance.TextEn},
	}
	out := make([]sectionField, len(planSections))
	for i, s := range planSections {
		out[i] = sectionField{Key: s.Key, Label: s.Label, Text: text[s.Key][0], TextEn: text[s.Key][1]}
	}
	return out
}

// setSections writes the chapters' text into content.
func setSections(c *plan.Content, ss []sectionField) {
	for _, s := range ss {
		var zh, en *string
		switch s.Key {
		case "purpose":
			zh, en = &c.Purpose.Text, &c.Purpose.TextEn
		case "organisation":
			zh, en = &c.Organisation.Text, &c.Organisation.TextEn
		case "risks":
			zh, en = &c.Risks.Text, &c.Risks.TextEn
		case "warning":
			zh, en = &c.Warning.Text, &c.Warning.TextEn
		case "response_levels":
			zh, en = &c.ResponseLevels.Text, &c.ResponseLevels.TextEn
		case "scenarios":
			zh, en = &c.Scenarios.Text, &c.Scenarios.TextEn
		case "communications":
			zh, en = &c.Communications.Text, &c.Communications.TextEn
		case "resources":
			zh, en = &c.Resources.Text, &c.Resources.TextEn
		case "recovery":
			zh, en = &c.Recovery.Text, &c.Recovery.TextEn
		case "training":
			zh, en = &c.Training.Text, &c.Training.TextEn
		case "maintenance":
			zh, en = &c.Maintenance.Text, &c.Maintenance.TextEn
		default:
			continue
		}
		*zh, *en = s.Text, s.TextEn
	}
}

// roleValue encodes who does a task for the role select: team:ID,
// team:ID:seat, unit:ID or person:ID; a label alone is "".
func roleValue(r plan.Role) string {
	switch {
	case r.TeamID > 0 && r.TeamRole != "":
		return "team:" + idString(r.TeamID) + ":" + string(r.TeamRole)
	case r.TeamID > 0:
		return "team:" + idString(r.TeamID)
	case r.UnitID > 0:
		return "unit:" + idString(r.UnitID)
	case r.PersonID > 0:
		return "person:" + idString(r.PersonID)
	}
	return ""
}

// parseRole decodes a role select value; ok is false for a value that is
// not one.
func parseRole(s string) (plan.Role, bool) {
	var r plan.Role
	if s == "" {
		return r, true
	}
	parts := strings.Split(s, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return r, false
	}
	id, err := strconv.ParseInt(parts[1], 10, 64)
	if err != nil || id <= 0 {
		return r, false
	}
	switch {
	case parts[0] == "team":
		r.TeamID = id
		if len(parts) == 3 {
			r.TeamRole = org.TeamRole(parts[2])
		}
	case parts[0] == "unit" && len(parts) == 2:
		r.UnitID = id
	case parts[0] == "person" && len(parts) == 2:
		r.PersonID = id
	default:
		return r, false
	}
	return r, true
}

func (h *handler) planFormPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f planForm) (planFormPage, error) {
	title := "planweb.new"
	if f.ID != 0 {
		title = "planweb.edit_draft"
	}
	p := planFormPage{Page: h.base(w, r, title), Form: f, Editing: f.ID != 0}
	for _, k := range plan.Kinds {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.PlanKind(k), Selected: f.Kind == string(k)})
	}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	opts := unitOptions(p.Page, units, f.UnitID, nil)
	for i, u := range units {
		opts[i].Disabled = !p.principal.On(authz.PlanWrite, u.Path)
	}
	p.Units = append([]option{{Value: "", Label: p.Tr.T("common.choose")}}, opts...)
	chosen := []string{f.OwnerID}
	var roles []string
	for _, pb := range f.Playbooks {
		for _, t := range pb.Tasks {
			roles = append(roles, t.Role)
		}
	}
	owners, err := h.candidates(ctx, p.Page, chosen)
	if err != nil {
		return p, err
	}
	p.Owners = append([]option{{Value: "", Label: p.Tr.T("common.none")}}, owners...)
	for i := range p.Owners {
		p.Owners[i].Selected = p.Owners[i].Value == f.OwnerID
	}
	for _, role := range authz.Roles {
		if role.Has(authz.PlanApprove) {
			p.Roles = append(p.Roles, option{Value: string(role), Label: p.Tr.T("role." + string(role)), Selected: f.HasRole(string(role))})
		}
	}
	if p.Users, err = h.approverAccounts(ctx, f.Users); err != nil {
		return p, err
	}
	rs, _, err := h.d.Risk.Risks(ctx, risk.Filter{Limit: 500})
	if err != nil {
		return p, err
	}
	for _, rk := range rs {
		p.RiskChoices = append(p.RiskChoices, planRiskChoice{ID: rk.ID, Name: p.L(rk.Title, rk.TitleEn), Code: rk.Code, Badge: p.RiskLevel(rk.Level)})
	}
	if p.RoleOptions, err = h.planRoleOptions(ctx, p.Page, units, roles); err != nil {
		return p, err
	}
	if len(p.Form.Playbooks) == 0 {
		p.Form.Playbooks = []playbookRow{{Ref: newReference(), Tasks: []taskRow{{Step: "1"}}}}
	}
	return p, nil
}

// approverAccounts lists the accounts that may approve plans, for naming
// approvers: every such account when the viewer manages accounts, else the
// plan's current named approvers (a plan writer need not see the accounts).
func (h *handler) approverAccounts(ctx context.Context, current []string) ([]option, error) {
	var out []option
	seen := map[string]bool{}
	if p, ok := authz.From(ctx); ok && p.Any(authz.UsersManage) {
		users, err := h.d.Identity.ListUsers(ctx)
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			may := false
			for _, g := range u.Grants {
				may = may || g.Role.Has(authz.PlanApprove)
			}
			if !may || u.Disabled {
				continue
			}
			id := idString(u.ID)
			seen[id] = true
			out = append(out, option{Value: id, Label: userLabel(u.DisplayName, u.Username), Selected: slices.Contains(current, id)})
		}
	}
	for _, id := range current {
		if seen[id] {
			continue
		}
		uid, ok := parseID(id)
		if !ok || uid == 0 {
			continue
		}
		label := "#" + id
		if u, err := h.d.Identity.User(ctx, uid); err == nil {
			label = userLabel(u.DisplayName, u.Username)
		}
		out = append(out, option{Value: id, Label: label, Selected: true})
	}
	return out, nil
}

func userLabel(display, username string) string {
	if display == "" || display == username {
		return username
	}
	return display + " (" + username + ")"
}

// planRoleOptions are who a task can be given to: a team, its leader or
// deputy leader, a unit, and whoever the tasks already name (another seat
// of a team, a person), so that saving keeps every task's role.
func (h *handler) planRoleOptions(ctx context.Context, p Page, units []org.Unit, current []string) ([]option, error) {
	teams, err := h.d.Org.Teams(ctx)
	if err != nil {
		return nil, err
	}
	teamName := map[int64]string{}
	out := []option{{Value: "", Label: p.Tr.T("planweb.role_label_only")}}
	for _, t := range teams {
		name := p.L(t.Name, t.NameEn)
		teamName[t.ID] = name
		out = append(out, option{Value: "team:" + idString(t.ID), Label: name})
		for _, seat := range []org.TeamRole{org.RoleLeader, org.RoleDeputyLeader} {
			out = append(out, option{Value: "team:" + idString(t.ID) + ":" + string(seat), Label: name + " · " + p.Tr.T("team_role."+string(seat))})
		}
	}
	for _, u := range units {
		out = append(out, option{Value: "unit:" + idString(u.ID), Label: p.L(u.Name, u.NameEn)})
	}
	have := map[string]bool{}
	for _, o := range out {
		have[o.Value] = true
	}
	var people []int64
	var missing []plan.Role
	for _, v := range current {
		if have[v] {
			continue
		}
		r, ok := parseRole(v)
		if !ok {
			continue
		}
		have[v] = true
		missing = append(missing, r)
		if r.PersonID > 0 {
			people = append(people, r.PersonID)
		}
	}
	known := map[int64]org.Person{}
	if len(people) > 0 {
		if known, err = h.d.Org.PeopleByIDs(ctx, people); err != nil {
			return nil, err
		}
	}
	for _, r := range missing {
		label := ""
		switch {
		case r.TeamID > 0:
			label = teamName[r.TeamID]
			if label == "" {
				label = "#" + idString(r.TeamID)
			}
			if r.TeamRole != "" {
				label += " · " + p.Tr.T("team_role."+string(r.TeamRole))
			}
		case r.PersonID > 0:
			label = "#" + idString(r.PersonID)
			if pr, ok := known[r.PersonID]; ok {
				label = p.L(pr.Name, pr.NameEn)
			}
		default:
			label = "#" + idString(r.UnitID)
		}
		out = append(out, option{Value: roleValue(r), Label: label})
	}
	return out, nil
}

// Selected marks the option of a row's value in a copy of the options.
func (p planFormPage) Selected(opts []option, value string) []option {
	out := make([]option, len(opts))
	for i, o := range opts {
		o.Selected = o.Value == value
		out[i] = o
	}
	return out
}

// createPlan stores a new plan with its first draft.
func (h *handler) createPlan(w http.ResponseWriter, r *http.Request) { h.savePlan(w, r, 0) }

// updatePlan stores the library fields and the draft of a plan.
func (h *handler) updatePlan(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.savePlan(w, r, id)
}

var (
	playbookField = regexp.MustCompile(`^content\.playbooks\[(\d+)\]\.(key|title|title_en|text|text_en)$`)
	taskField     = regexp.MustCompile(`^content\.playbooks\[(\d+)\]\.tasks\[(\d+)\]\.(step|title|title_en|role|time_limit|detail|detail_en)`)
)

func (h *handler) savePlan(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pf := r.PostFormValue
	f := planForm{ID: id, Code: pf("code"), Kind: pf("kind"), UnitID: strings.TrimSpace(pf("unit_id")), OwnerID: strings.TrimSpace(pf("owner_id")),
		ReviewMonths: strings.TrimSpace(pf("review_months")), Quorum: strings.TrimSpace(pf("quorum")), Roles: r.PostForm["approver_role"],
		Users: r.PostForm["approver_user"], Title: pf("title"), TitleEn: pf("title_en"), ChangeNote: pf("change_note"), Risks: r.PostForm["risk_id"]}
	f.Sections = sectionsOf(plan.Content{})
	for i := range f.Sections {
		f.Sections[i].Text, f.Sections[i].TextEn = pf(f.Sections[i].Name()), pf(f.Sections[i].NameEn())
	}
	f.Playbooks = playbookRowsOf(r)

	// The draft's current content: what the editor does not show is kept.
	var (
		pl   plan.Plan
		base plan.Version
		err  error
	)
	if id != 0 {
		if pl, err = h.d.Plan.Plan(ctx, id); err != nil {
			h.fail(w, r, err)
			return
		}
		if base, err = h.d.Plan.Version(ctx, id, pl.LatestVersion); err != nil {
			h.fail(w, r, err)
			return
		}
		if base.Status != plan.Draft {
			h.refusePlanAction(w, r, id, base.Number, notDraft(base))
			return
		}
		f.Version = base.Number
	}

	var v errs.Validation
	pl.Code, pl.Kind = strings.TrimSpace(f.Code), plan.Kind(f.Kind)
	pl.UnitID = formID(&v, "unit_id", f.UnitID, true)
	pl.OwnerID = formID(&v, "owner_id", f.OwnerID, false)
	pl.ReviewMonths = formInt(&v, "review_months", f.ReviewMonths)
	if pl.ReviewMonths == 0 && f.ReviewMonths == "" {
		pl.ReviewMonths = plan.DefaultReviewMonths
	}
	pl.Quorum = formInt(&v, "quorum", f.Quorum)
	pl.Approvers = nil
	for _, u := range f.Users {
		if uid, ok := parseID(u); ok && uid > 0 {
			pl.Approvers = append(pl.Approvers, plan.Approver{UserID: uid})
		}
	}
	for _, role := range f.Roles {
		pl.Approvers = append(pl.Approvers, plan.Approver{Role: authz.Role(role)})
	}
	ver := plan.Version{Title: f.Title, TitleEn: f.TitleEn, ChangeNote: f.ChangeNote, Content: base.Content}
	setSections(&ver.Content, f.Sections)
	ver.Content.Risks.RiskIDs = keepOrder(base.Content.Risks.RiskIDs, f.Risks)
	rowOf, taskOf := buildPlaybooks(&v, &ver.Content, base.Content.Playbooks, f.Playbooks)

	// Check everything before storing anything, so that every mistake is
	// listed at once.
	check := pl
	v.Merge("", check.Validate())
	checkVer := ver
	checkVer.Content = cloneContent(ver.Content)
	v.Merge("", checkVer.Validate())
	err = v.Err()
	if err == nil {
		if id == 0 {
			var created plan.Plan
			created, _, err = h.d.Plan.CreatePlan(ctx, pl, ver)
			id = created.ID
		} else {
			err = h.d.DB.InTx(ctx, func(ctx context.Context) error {
				if _, err := h.d.Plan.UpdatePlan(ctx, pl); err != nil {
					return err
				}
				_, err := h.d.Plan.SaveDraft(ctx, id, base.Number, ver)
				return err
			})
		}
	}
	if err != nil {
		h.planFormError(w, r, f, err, rowOf, taskOf)
		return
	}
	if f.ID == 0 {
		h.flash(w, "ok", "planweb.created")
	} else {
		h.flash(w, "ok", "common.saved")
	}
	http.Redirect(w, r, "/plans/"+idString(id), http.StatusSeeOther)
}

// planFormError shows the editor again with the errors at their fields
// and rows; anything else is the plan page's refusal.
func (h *handler) planFormError(w http.ResponseWriter, r *http.Request, f planForm, err error, rowOf []int, taskOf [][]int) {
	ctx := r.Context()
	p, perr := h.planFormPage(ctx, w, r, f)
	if perr != nil {
		h.fail(w, r, perr)
		return
	}
	var rest []errs.FieldError
	for _, fe := range errs.FieldsOf(err) {
		msg := localizePlanField(p.Tr, fe.Field, fe.Message)
		if m := taskField.FindStringSubmatch(fe.Field); m != nil {
			i, j := atoi(m[1]), atoi(m[2])
			if i < len(rowOf) && j < len(taskOf[i]) {
				row := &p.Form.Playbooks[rowOf[i]].Tasks[taskOf[i][j]]
				if row.Errs == nil {
					row.Errs = map[string]string{}
				}
				if _, dup := row.Errs[m[3]]; !dup {
					row.Errs[m[3]] = msg
				}
				continue
			}
		}
		if m := playbookField.FindStringSubmatch(fe.Field); m != nil {
			if i := atoi(m[1]); i < len(rowOf) {
				row := &p.Form.Playbooks[rowOf[i]]
				if row.Errs == nil {
					row.Errs = map[string]string{}
				}
				row.Errs[m[2]] = msg
				continue
			}
		}
		rest = append(rest, fe)
	}
	fields := append([]string{}, planFormFields...)
	for _, s := range p.Form.Sections {
		fields = append(fields, s.Name(), s.NameEn())
	}
	placed := len(errs.FieldsOf(err)) - len(rest)
	if placed > 0 {
		p.add("playbooks", p.Tr.T("planweb.playbook_errors"))
	}
	if (len(rest) > 0 || placed == 0) && !p.setPlanErr(p.Tr, withFields(err, rest), fields...) {
		if f.ID != 0 {
			h.refusePlanAction(w, r, f.ID, f.Version, err)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, "plan_form", p)
}

// keepOrder returns the ticked ids: those linked before in their order,
// then the newly ticked ones in the order of the form (the register's).
func keepOrder(before []int64, ticked []string) []int64 {
	on := map[int64]bool{}
	var fresh []int64
	for _, s := range ticked {
		if id, ok := parseID(s); ok && id > 0 && !on[id] {
			on[id] = true
			fresh = append(fresh, id)
		}
	}
	var out []int64
	kept := map[int64]bool{}
	for _, id := range before {
		if on[id] && !kept[id] {
			kept[id] = true
			out = append(out, id)
		}
	}
	for _, id := range fresh {
		if !kept[id] {
			out = append(out, id)
		}
	}
	return out
}

// formID reads an id field; blank is 0, and an error unless optional.
func formID(v *errs.Validation, field, s string, required bool) int64 {
	if s == "" {
		if required {
			v.Add(field, "is required")
		}
		return 0
	}
	id, ok := parseID(s)
	if !ok || id <= 0 {
		v.Add(field, "is not a valid choice")
		return 0
	}
	return id
}

// formInt reads a whole number; blank is 0.
func formInt(v *errs.Validation, field, s string) int {
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		v.Add(field, "must be a whole number")
	}
	return n
}

// playbookRowsOf reads the playbook and task rows of the editor.
func playbookRowsOf(r *http.Request) []playbookRow {
	at := func(name string, i int) string {
		s := r.PostForm[name]
		if i < len(s) {
			return strings.TrimSpace(s[i])
		}
		return ""
	}
	var rows []playbookRow
	index := map[string]int{}
	for i, ref := range r.PostForm["pb_ref"] {
		index[ref] = len(rows)
		rows = append(rows, playbookRow{Ref: ref, Key: at("pb_key", i), Title: at("pb_title", i), TitleEn: at("pb_title_en", i),
			Text: at("pb_text", i), TextEn: at("pb_text_en", i)})
	}
	for i, ref := range r.PostForm["task_pb"] {
		j, ok := index[ref]
		if !ok {
			continue
		}
		t := taskRow{Step: at("task_step", i), Title: at("task_title", i), TitleEn: at("task_title_en", i), Role: at("task_role", i),
			Label: at("task_label", i), LabelEn: at("task_label_en", i), Detail: at("task_detail", i), DetailEn: at("task_detail_en", i),
			TimeLimit: at("task_limit", i)}
		rows[j].Tasks = append(rows[j].Tasks, t)
	}
	return rows
}

// buildPlaybooks writes the editor's playbooks into c, keeping what the
// editor does not show of existing playbooks (by key). Blank rows are
// left out; rowOf maps each playbook to its row and taskOf each task to
// its row, for placing errors.
func buildPlaybooks(v *errs.Validation, c *plan.Content, old []plan.Playbook, rows []playbookRow) (rowOf []int, taskOf [][]int) {
	byKey := map[string]plan.Playbook{}
	for _, pb := range old {
		byKey[pb.Key] = pb
	}
	c.Playbooks = nil
	for i, row := range rows {
		var tasks []taskRow
		var taskRows []int
		for j, t := range row.Tasks {
			if !t.blank() {
				tasks = append(tasks, t)
				taskRows = append(taskRows, j)
			}
		}
		if row.Title == "" && row.TitleEn == "" && row.Text == "" && row.TextEn == "" && len(tasks) == 0 {
			continue // a blank row, or a playbook cleared to remove it
		}
		pb := byKey[row.Key]
		if _, known := byKey[row.Key]; !known {
			pb = plan.Playbook{}
		}
		pbIndex := len(c.Playbooks)
		pb.Key, pb.Title, pb.TitleEn, pb.Text, pb.TextEn = row.Key, row.Title, row.TitleEn, row.Text, row.TextEn
		pb.Tasks = nil
		prev := 0
		for k, t := range tasks {
			field := "content.playbooks[" + strconv.Itoa(pbIndex) + "].tasks[" + strconv.Itoa(k) + "]"
			task := plan.Task{Title: t.Title, TitleEn: t.TitleEn, Detail: t.Detail, DetailEn: t.DetailEn}
			if t.Step == "" {
				task.Step = max(prev, 1)
			} else if n, err := strconv.Atoi(t.Step); err != nil {
				v.Add(field+".step", "must be a whole number")
			} else {
				task.Step = n
			}
			prev = task.Step
			if t.TimeLimit != "" {
				if n, err := strconv.Atoi(t.TimeLimit); err != nil {
					v.Add(field+".time_limit", "must be a whole number")
				} else {
					task.TimeLimit = n
				}
			}
			role, ok := parseRole(t.Role)
			if !ok {
				v.Add(field+".role", "is not a valid choice")
			}
			role.Label, role.LabelEn = t.Label, t.LabelEn
			task.Role = role
			pb.Tasks = append(pb.Tasks, task)
		}
		c.Playbooks = append(c.Playbooks, pb)
		rowOf = append(rowOf, i)
		taskOf = append(taskOf, taskRows)
	}
	return rowOf, taskOf
}

// cloneContent copies content deeply enough for Validate, which
// normalises in place.
func cloneContent(c plan.Content) plan.Content {
	s, err := plan.MarshalContent(c)
	if err != nil {
		return c
	}
	out, err := plan.UnmarshalContent(s)
	if err != nil {
		return c
	}
	return out
}

// playbookRowFragment renders one more empty playbook for the editor.
func (h *handler) playbookRowFragment(w http.ResponseWriter, r *http.Request) {
	p, err := h.planFormPage(r.Context(), w, r, planForm{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	row := playbookRow{Ref: newReference(), Tasks: []taskRow{{Step: "1"}}}
	h.renderPartial(w, r, http.StatusOK, "plan_form", "playbook_row", map[string]any{"F": p, "Row": row})
}

// taskRowFragment renders one more empty task row of playbook ?pb=.
func (h *handler) taskRowFragment(w http.ResponseWriter, r *http.Request) {
	ref := r.URL.Query().Get("pb")
	if ref == "" {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	p, err := h.planFormPage(r.Context(), w, r, planForm{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderPartial(w, r, http.StatusOK, "plan_form", "task_row", map[string]any{"F": p, "Ref": ref, "Row": taskRow{}})
}

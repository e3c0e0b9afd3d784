package web

import (
	"context"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/planexport"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// The plan pages share the labels of the plan documents (chapter names,
// statuses, audiences…, keys planexport.*) and add their own (planweb.*).

// planBadge is a status shown as a badge.
type planBadge struct {
	Label string
	Class string
}

// PlanStatus labels a version status.
func (p Page) PlanStatus(s plan.Status) planBadge {
	class := "muted"
	switch s {
	case plan.Draft:
		class = "info"
	case plan.InReview, plan.Approved:
		class = "warn"
	case plan.Published:
		class = "ok"
	}
	return planBadge{Label: p.Tr.T("planexport.status." + string(s)), Class: class}
}

// PlanKind names a plan kind in the page language.
func (p Page) PlanKind(k plan.Kind) string {
	zh, en := k.Name()
	return p.L(zh, en)
}

// Chapter names a chapter of a plan (planexport.ch.*).
func (p Page) Chapter(key string) string { return p.Tr.T("planexport.ch." + key) }

// Minutes writes a time limit or an objective in minutes, in days, hours
// and minutes of the page language; 0 is "—".
func (p Page) Minutes(m int) string {
	if m <= 0 {
		return "—"
	}
	if p.Lang != i18n.ZH {
		return plan.FormatMinutes(m)
	}
	switch {
	case m%(24*60) == 0:
		return strconv.Itoa(m/(24*60)) + " 天"
	case m%60 == 0:
		return strconv.Itoa(m/60) + " 小时"
	case m > 60:
		return strconv.Itoa(m/60) + " 小时 " + strconv.Itoa(m%60) + " 分钟"
	}
	return strconv.Itoa(m) + " 分钟"
}

// RPO writes a recovery point objective; absent is "—", 0 is no loss.
func (p Page) RPO(m *int) string {
	if m == nil {
		return "—"
	}
	if *m == 0 {
		return "0"
	}
	return p.Minutes(*m)
}

// Numeral writes a level as a Roman numeral.
func (p Page) Numeral(l int) string { return plan.LevelNumeral(l) }

// Audience names an audience of communications.
func (p Page) Audience(a plan.Audience) string { return p.Tr.T("planexport.audience." + string(a)) }

// Channels lists message channels.
func (p Page) Channels(cs []plan.Channel) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = p.Channel(c)
	}
	return strings.Join(out, p.listSep())
}

// Channel names one channel.
func (p Page) Channel(c plan.Channel) string {
	key := "planexport.channel." + string(c)
	if i18n.Has(key) {
		return p.Tr.T(key)
	}
	return string(c)
}

// DrillKind names the form of a drill.
func (p Page) DrillKind(k plan.DrillKind) string { return p.Tr.T("planexport.drill." + string(k)) }

// Frequency names how often a drill is held.
func (p Page) Frequency(f plan.Frequency) string { return p.Tr.T("planexport.freq." + string(f)) }

// Quantity writes a resource quantity with its unit; none is "".
func (p Page) Quantity(q float64, unit string) string {
	if q == 0 {
		return unit
	}
	s := strconv.FormatFloat(q, 'f', -1, 64)
	if unit != "" {
		s += " " + unit
	}
	return s
}

func (p Page) listSep() string {
	if p.Lang == i18n.EN {
		return ", "
	}
	return "、"
}

// planNames resolves what a plan's content refers to (teams with their
// members, units, people, risks), in the page language.
type planNames struct {
	p  Page
	lk *planexport.Lookup
}

func (h *handler) planNames(ctx context.Context, p Page, versions ...*plan.Version) (planNames, error) {
	lk, err := planexport.NewLookup(ctx, h.d.Org, h.d.Risk, versions...)
	return planNames{p: p, lk: lk}, err
}

// Team names a team.
func (n planNames) Team(id int64) string {
	t, ok := n.lk.Teams[id]
	if !ok {
		return "#" + idString(id)
	}
	return n.p.L(t.Name, t.NameEn)
}

// Unit names an org unit.
func (n planNames) Unit(id int64) string {
	u, ok := n.lk.Units[id]
	if !ok {
		return "#" + idString(id)
	}
	return n.p.L(u.Name, u.NameEn)
}

// Person names a person.
func (n planNames) Person(id int64) string {
	pr, ok := n.lk.People[id]
	if !ok {
		return "#" + idString(id)
	}
	return n.p.L(pr.Name, pr.NameEn)
}

// Seat names a seat of a team (leader, deputy leader…).
func (n planNames) Seat(r org.TeamRole) string { return n.p.Tr.T("team_role." + string(r)) }

// Holder names who holds a seat of a team, "" when nobody does.
func (n planNames) Holder(teamID int64, r org.TeamRole) string {
	for _, m := range n.lk.Teams[teamID].Members {
		if m.Role == r {
			return n.Person(m.PersonID)
		}
	}
	return ""
}

// Members lists a team's members in the order of their seats.
func (n planNames) Members(teamID int64) []planMember {
	var out []planMember
	for _, seat := range []org.TeamRole{org.RoleLeader, org.RoleDeputyLeader, org.RoleSecretary, org.RoleLiaison, org.RoleMember} {
		for _, m := range n.lk.Teams[teamID].Members {
			if m.Role != seat {
				continue
			}
			pm := planMember{PersonID: m.PersonID, Name: n.Person(m.PersonID), Seat: n.Seat(m.Role)}
			for _, d := range m.Deputies {
				pm.Deputies = append(pm.Deputies, n.Person(d))
			}
			out = append(out, pm)
		}
	}
	return out
}

// planMember is a team member as the plan page lists them.
type planMember struct {
	PersonID int64
	Name     string
	Seat     string
	Deputies []string
}

// Role writes who does something: "Crisis committee Leader (Chen Guodong)",
// a department, a person or a label.
func (n planNames) Role(r plan.Role) string {
	var parts []string
	if r.TeamID > 0 {
		s := n.Team(r.TeamID)
		if r.TeamRole != "" {
			s += " " + n.Seat(r.TeamRole)
			if h := n.Holder(r.TeamID, r.TeamRole); h != "" {
				if n.p.Lang == i18n.EN {
					s += " (" + h + ")"
				} else {
					s += "（" + h + "）"
				}
			}
		}
		parts = append(parts, s)
	}
	if r.UnitID > 0 {
		parts = append(parts, n.Unit(r.UnitID))
	}
	if r.PersonID > 0 {
		parts = append(parts, n.Person(r.PersonID))
	}
	if l := n.p.L(r.Label, r.LabelEn); l != "" {
		parts = append(parts, l)
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, n.p.listSep())
}

// Risk returns a linked risk of the register; ok is false when it is gone
// or out of the viewer's reach.
func (n planNames) Risk(id int64) (risk.Risk, bool) {
	r, ok := n.lk.Risks[id]
	return r, ok
}

// Category names an incident type; empty means any.
func (n planNames) Category(c risk.Category) string {
	if c == "" {
		return n.p.Tr.T("planexport.trigger.any")
	}
	key := "risk.category." + string(c)
	if i18n.Has(key) {
		return n.p.Tr.T(key)
	}
	return string(c)
}

// Trigger writes a playbook trigger as a sentence.
func (n planNames) Trigger(t plan.Trigger) string {
	tr := n.p.Tr
	var rule string
	switch t.Kind {
	case plan.OnIncident:
		rule = tr.T("planexport.trigger.incident", n.Category(t.IncidentType), plan.LevelNumeral(t.Severity))
	case plan.OnWarning:
		rule = tr.T("planexport.trigger.warning", n.Category(t.IncidentType), plan.LevelNumeral(t.WarningLevel))
	default:
		rule = t.Metric + " " + t.Operator.Symbol() + " " + strconv.FormatFloat(t.Value, 'f', -1, 64)
		if t.Unit != "" {
			rule += " " + t.Unit
		}
		if t.Duration > 0 {
			rule += tr.T("planexport.trigger.for", plan.FormatMinutes(t.Duration))
		}
	}
	if note := n.p.L(t.Note, t.NoteEn); note != "" {
		if n.p.Lang == i18n.EN {
			return note + " (" + rule + ")"
		}
		return note + "（" + rule + "）"
	}
	return rule
}

// planAccess is what the viewer may do with a plan, for showing only the
// buttons they may use (the services check again).
type planAccess struct {
	Write   bool // edit drafts, submit, withdraw, publish, start a revision
	Approve bool // holds plan.approve on the plan's unit
}

func planAccessOf(p Page, unitPath string) planAccess {
	return planAccess{Write: p.principal.On(authz.PlanWrite, unitPath), Approve: p.principal.On(authz.PlanApprove, unitPath)}
}

// planPath is the URL of a plan, or of one of its versions.
func planPath(id int64, version int) string {
	u := "/plans/" + idString(id)
	if version > 0 {
		u += "?v=" + strconv.Itoa(version)
	}
	return u
}

// approverNames lists a plan's approvers as the viewer reads them: named
// accounts by name, roles by their translated name.
func approverNames(p Page, as []plan.Approver) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		if a.UserID > 0 {
			out = append(out, a.Name)
			continue
		}
		out = append(out, p.Tr.T("planweb.any_holder", p.Tr.T("role."+string(a.Role))))
	}
	return out
}

// planRiskRef is a linked risk as the plan page shows it.
type planRiskRef struct {
	ID    int64
	Name  string
	Code  string
	Badge levelBadge
	Known bool
}

// RiskRef describes a linked risk; Known is false when it is gone or out
// of the viewer's reach.
func (n planNames) RiskRef(id int64) planRiskRef {
	r, ok := n.lk.Risks[id]
	if !ok {
		return planRiskRef{ID: id, Name: "#" + idString(id)}
	}
	ref := planRiskRef{ID: id, Name: n.p.L(r.Title, r.TitleEn), Code: r.Code, Badge: n.p.RiskLevel(r.Level), Known: true}
	return ref
}

// Inc is i+1, for numbering from 1 in templates.
func (p Page) Inc(i int) int { return i + 1 }

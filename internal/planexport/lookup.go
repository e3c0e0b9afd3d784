// Package planexport lays out plan versions as documents worth printing
// (cover, contents, numbered chapters in the order of GB/T 29639-2020) in
// Chinese or English, writes them as DOCX, PDF or HTML through
// internal/document, and builds the offline crisis pack: a static folder of
// HTML pages and PDFs (published plans, teams with phone numbers and
// deputies, the emergency contact list, playbook checklists) that opens in
// any browser from a USB stick, with no server.
package planexport

import (
	"context"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// Lookup holds the records a plan refers to by id: teams (with their
// members), units, people, risks and the approvers' names.
type Lookup struct {
	Organisation   string // the root unit's name
	OrganisationEn string
	Teams          map[int64]org.Team
	Units          map[int64]org.Unit
	People         map[int64]org.Person
	Risks          map[int64]risk.Risk
}

// RiskReader reads risks of the register; *risk.Service is one.
type RiskReader interface {
	Risk(ctx context.Context, id int64) (risk.Risk, error)
}

// NewLookup loads every team and unit and the people and risks the given
// versions refer to. risks may be nil: linked risks are then listed by id.
func NewLookup(ctx context.Context, o *org.Service, risks RiskReader, versions ...*plan.Version) (*Lookup, error) {
	lk := &Lookup{Teams: map[int64]org.Team{}, Units: map[int64]org.Unit{}, People: map[int64]org.Person{}, Risks: map[int64]risk.Risk{}}
	units, err := o.Units(ctx)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		lk.Units[u.ID] = u
		if u.ParentID == nil && lk.Organisation == "" {
			lk.Organisation, lk.OrganisationEn = u.Name, u.NameEn
		}
	}
	teams, err := o.Teams(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, t := range teams {
		lk.Teams[t.ID] = t
		for _, m := range t.Members {
			ids = append(ids, m.PersonID)
			ids = append(ids, m.Deputies...)
		}
	}
	for _, v := range versions {
		ids = append(ids, contentPeople(&v.Content)...)
	}
	if len(ids) > 0 {
		people, err := o.PeopleByIDs(ctx, ids)
		if err != nil {
			return nil, err
		}
		lk.People = people
	}
	if risks != nil {
		for _, v := range versions {
			for _, id := range v.Content.Risks.RiskIDs {
				if _, ok := lk.Risks[id]; ok {
					continue
				}
				r, err := risks.Risk(ctx, id)
				if err != nil {
					continue // deleted since, or out of reach: listed by id
				}
				lk.Risks[id] = r
			}
		}
	}
	return lk, nil
}

// contentPeople lists the people named in roles of the content.
func contentPeople(c *plan.Content) []int64 {
	var ids []int64
	add := func(r plan.Role) {
		if r.PersonID > 0 {
			ids = append(ids, r.PersonID)
		}
	}
	for _, s := range c.Warning.Reporting {
		add(s.From)
		add(s.To)
	}
	for _, l := range c.ResponseLevels.Levels {
		add(l.Authority)
	}
	for _, a := range c.Communications.Audiences {
		add(a.Owner)
	}
	for _, r := range c.Resources.Items {
		add(r.Owner)
	}
	for _, p := range c.Playbooks {
		add(p.Activation.Authority)
		add(p.Activation.Deputy)
		for _, t := range p.Tasks {
			add(t.Role)
		}
		for _, r := range p.Resources {
			add(r.Owner)
		}
		for _, m := range p.Communications {
			add(m.Sender)
		}
	}
	return ids
}

// namer writes names and fixed words in one language.
type namer struct {
	lk   *Lookup
	lang i18n.Lang
	tr   i18n.Translator
}

func newNamer(lk *Lookup, lang i18n.Lang) namer {
	if lk == nil {
		lk = &Lookup{}
	}
	return namer{lk: lk, lang: lang, tr: i18n.For(lang)}
}

func (n namer) en() bool { return n.lang == i18n.EN }

// pick returns the text in the namer's language, falling back to the other.
func (n namer) pick(zh, en string) string {
	if n.en() && strings.TrimSpace(en) != "" {
		return en
	}
	if strings.TrimSpace(zh) != "" {
		return zh
	}
	return en
}

func (n namer) T(key string, args ...any) string { return n.tr.T("planexport."+key, args...) }

func (n namer) organisation() string { return n.pick(n.lk.Organisation, n.lk.OrganisationEn) }

func (n namer) team(id int64) string {
	if t, ok := n.lk.Teams[id]; ok {
		return n.pick(t.Name, t.NameEn)
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (n namer) unit(id int64) string {
	if u, ok := n.lk.Units[id]; ok {
		return n.pick(u.Name, u.NameEn)
	}
	return "#" + strconv.FormatInt(id, 10)
}

func (n namer) person(id int64) string {
	if p, ok := n.lk.People[id]; ok {
		return p.DisplayName(n.en())
	}
	return "#" + strconv.FormatInt(id, 10)
}

// phone is the first mobile, else fixed, number of a person.
func (n namer) phone(id int64) string {
	p, ok := n.lk.People[id]
	if !ok {
		return ""
	}
	if m := p.Contact(org.ContactMobile); m != "" {
		return m
	}
	return p.Contact(org.ContactPhone)
}

func (n namer) seat(r org.TeamRole) string { return n.tr.T("team_role." + string(r)) }

// holder is who holds a seat of a team, for "综合协调组 组长（王伟）".
func (n namer) holder(teamID int64, r org.TeamRole) string {
	for _, m := range n.lk.Teams[teamID].Members {
		if m.Role == r {
			return n.person(m.PersonID)
		}
	}
	return ""
}

// role writes who does something: "危机管理委员会 组长（陈国栋）", a
// department, a person, or a label.
func (n namer) role(r plan.Role) string {
	var parts []string
	if r.TeamID > 0 {
		s := n.team(r.TeamID)
		if r.TeamRole != "" {
			s += " " + n.seat(r.TeamRole)
			if h := n.holder(r.TeamID, r.TeamRole); h != "" {
				if n.en() {
					s += " (" + h + ")"
				} else {
					s += "（" + h + "）"
				}
			}
		}
		parts = append(parts, s)
	}
	if r.UnitID > 0 {
		parts = append(parts, n.unit(r.UnitID))
	}
	if r.PersonID > 0 {
		parts = append(parts, n.person(r.PersonID))
	}
	if l := n.pick(r.Label, r.LabelEn); l != "" {
		parts = append(parts, l)
	}
	if len(parts) == 0 {
		return n.T("none")
	}
	if n.en() {
		return strings.Join(parts, ", ")
	}
	return strings.Join(parts, "、")
}

func (n namer) level(l int) string { return n.T("level", plan.LevelNumeral(l)) }

func (n namer) kind(k plan.Kind) string {
	zh, en := k.Name()
	return n.pick(zh, en)
}

func (n namer) category(c risk.Category) string {
	if c == "" {
		return n.T("trigger.any")
	}
	key := "risk.category." + string(c)
	if i18n.Has(key) {
		return n.tr.T(key)
	}
	return string(c)
}

// trigger writes a trigger as a sentence; its note, when given, is the
// trigger in the plan's own words and comes first.
func (n namer) trigger(t plan.Trigger) string {
	var rule string
	switch t.Kind {
	case plan.OnIncident:
		rule = n.T("trigger.incident", n.category(t.IncidentType), plan.LevelNumeral(t.Severity))
	case plan.OnWarning:
		rule = n.T("trigger.warning", n.category(t.IncidentType), plan.LevelNumeral(t.WarningLevel))
	default:
		rule = t.Metric + " " + t.Operator.Symbol() + " " + strconv.FormatFloat(t.Value, 'f', -1, 64)
		if t.Unit != "" {
			rule += " " + t.Unit
		}
		if t.Duration > 0 {
			rule += n.T("trigger.for", plan.FormatMinutes(t.Duration))
		}
	}
	if note := n.pick(t.Note, t.NoteEn); note != "" {
		if n.en() {
			return note + " (" + rule + ")"
		}
		return note + "（" + rule + "）"
	}
	return rule
}

func minutes(m int) string {
	if m <= 0 {
		return "—"
	}
	return plan.FormatMinutes(m)
}

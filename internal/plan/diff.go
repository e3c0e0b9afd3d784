package plan

import (
	"fmt"
	"strconv"
	"strings"
)

// Names resolves the ids a plan refers to into names for reading; ids
// without a name are shown as "team #3".
type Names struct {
	Teams  map[int64]string
	Units  map[int64]string
	People map[int64]string
}

func (n Names) name(m map[int64]string, kind string, id int64) string {
	if s, ok := m[id]; ok && s != "" {
		return s
	}
	return kind + " #" + strconv.FormatInt(id, 10)
}

// Role writes a role as one line: "危机管理委员会 leader", "采购部",
// "第一发现人 / first person on the scene".
func (n Names) Role(r Role) string {
	var parts []string
	if r.TeamID > 0 {
		s := n.name(n.Teams, "team", r.TeamID)
		if r.TeamRole != "" {
			s += " " + string(r.TeamRole)
		}
		parts = append(parts, s)
	}
	if r.UnitID > 0 {
		parts = append(parts, n.name(n.Units, "unit", r.UnitID))
	}
	if r.PersonID > 0 {
		parts = append(parts, n.name(n.People, "person", r.PersonID))
	}
	if label := bilingual(r.Label, r.LabelEn); label != "" {
		parts = append(parts, label)
	}
	if len(parts) == 0 {
		return "—"
	}
	return strings.Join(parts, ", ")
}

func bilingual(zh, en string) string {
	switch {
	case zh != "" && en != "" && zh != en:
		return zh + " / " + en
	case zh != "":
		return zh
	}
	return en
}

// Part is one section or playbook of a version written out as lines of
// text, the unit that versions are compared by.
type Part struct {
	Key     string   `json:"key"`
	Kind    string   `json:"kind" enum:"section,playbook"`
	Title   string   `json:"title"`
	TitleEn string   `json:"title_en"`
	Lines   []string `json:"lines"`
}

// sectionTitles are the chapter names, in document order.
var sectionTitles = []struct{ key, zh, en string }{
	{"title", "标题", "Title"},
	{"purpose", "总则", "Purpose and scope"},
	{"organisation", "组织机构及职责", "Organisation and duties"},
	{"risks", "风险描述", "Risk summary"},
	{"warning", "预警及信息报告", "Warning and reporting"},
	{"response_levels", "应急响应分级", "Response levels"},
	{"scenarios", "处置措施", "Scenarios"},
	{"recovery", "后期处置与业务恢复", "Recovery"},
	{"communications", "信息发布与沟通", "Communications"},
	{"resources", "应急保障", "Resources"},
	{"training", "培训与演练", "Training and drills"},
	{"maintenance", "预案管理", "Maintenance"},
}

// SectionTitle returns the Chinese and English name of a section key.
func SectionTitle(key string) (zh, en string) {
	for _, s := range sectionTitles {
		if s.key == key {
			return s.zh, s.en
		}
	}
	return key, key
}

// lines splits text into lines, dropping nothing.
func lines(out []string, prefix, s string) []string {
	if s == "" {
		return out
	}
	for _, l := range strings.Split(s, "\n") {
		out = append(out, prefix+l)
	}
	return out
}

// Parts writes the version out as its sections and playbooks.
func (v *Version) Parts(n Names) (sections, playbooks []Part) {
	c := &v.Content
	text := map[string][]string{}
	text["title"] = []string{v.Title, v.TitleEn}
	put := func(key string, zh, en string, more ...string) {
		var ls []string
		ls = lines(ls, "", zh)
		ls = lines(ls, "", en)
		text[key] = append(ls, more...)
	}
	var more []string
	for _, t := range c.Organisation.Teams {
		s := "team: " + n.name(n.Teams, "team", t.TeamID)
		if t.TeamRole != "" {
			s += " " + string(t.TeamRole)
		}
		more = append(more, s)
		more = lines(more, "  ", t.Duties)
		more = lines(more, "  ", t.DutiesEn)
	}
	put("purpose", c.Purpose.Text, c.Purpose.TextEn)
	put("organisation", c.Organisation.Text, c.Organisation.TextEn, more...)
	more = nil
	for _, id := range c.Risks.RiskIDs {
		more = append(more, "risk #"+strconv.FormatInt(id, 10))
	}
	put("risks", c.Risks.Text, c.Risks.TextEn, more...)
	more = nil
	for _, l := range c.Warning.Levels {
		more = append(more, "level "+LevelNumeral(l.Level)+": "+bilingual(l.Criteria, l.CriteriaEn))
		more = lines(more, "  measures: ", bilingual(l.Measures, l.MeasuresEn))
	}
	for i, s := range c.Warning.Reporting {
		more = append(more, fmt.Sprintf("report %d: %s → %s within %s", i+1, n.Role(s.From), n.Role(s.To), FormatMinutes(s.Within)))
		more = lines(more, "  ", bilingual(s.Content, s.ContentEn))
	}
	put("warning", c.Warning.Text, c.Warning.TextEn, more...)
	more = nil
	for _, l := range c.ResponseLevels.Levels {
		more = append(more, "level "+LevelNumeral(l.Level)+" ("+n.Role(l.Authority)+"): "+bilingual(l.Criteria, l.CriteriaEn))
		more = lines(more, "  measures: ", bilingual(l.Measures, l.MeasuresEn))
	}
	put("response_levels", c.ResponseLevels.Text, c.ResponseLevels.TextEn, more...)
	put("scenarios", c.Scenarios.Text, c.Scenarios.TextEn)
	put("recovery", c.Recovery.Text, c.Recovery.TextEn, targetLines(c.Recovery.Targets)...)
	more = nil
	for _, a := range c.Communications.Audiences {
		chs := make([]string, len(a.Channels))
		for i, ch := range a.Channels {
			chs[i] = string(ch)
		}
		more = append(more, fmt.Sprintf("%s (%s) via %s", a.Audience, n.Role(a.Owner), strings.Join(chs, ", ")))
		more = lines(more, "  ", a.Message)
		more = lines(more, "  ", a.MessageEn)
	}
	put("communications", c.Communications.Text, c.Communications.TextEn, more...)
	put("resources", c.Resources.Text, c.Resources.TextEn, resourceLines(n, c.Resources.Items)...)
	more = nil
	for _, d := range c.Training.Drills {
		s := fmt.Sprintf("drill: %s (%s, %s", bilingual(d.Title, d.TitleEn), d.Kind, d.Frequency)
		if d.Month > 0 {
			s += ", month " + strconv.Itoa(d.Month)
		}
		s += ")"
		if d.Participants != "" {
			s += " — " + d.Participants
		}
		if d.Playbook != "" {
			s += " [" + d.Playbook + "]"
		}
		more = append(more, s)
	}
	put("training", c.Training.Text, c.Training.TextEn, more...)
	put("maintenance", c.Maintenance.Text, c.Maintenance.TextEn)

	for _, s := range sectionTitles {
		ls := text[s.key]
		if ls == nil {
			ls = []string{}
		}
		sections = append(sections, Part{Key: s.key, Kind: "section", Title: s.zh, TitleEn: s.en, Lines: ls})
	}
	for _, p := range c.Playbooks {
		playbooks = append(playbooks, Part{Key: p.Key, Kind: "playbook", Title: p.Title, TitleEn: p.TitleEn, Lines: p.lines(n)})
	}
	return sections, playbooks
}

func targetLines(ts []RecoveryTarget) []string {
	var out []string
	for _, t := range ts {
		s := "recovery: " + bilingual(t.Name, t.NameEn) + " RTO " + FormatMinutes(t.RTO)
		if t.RPO != nil {
			s += " RPO " + FormatMinutes(*t.RPO)
		}
		if t.ProcessID > 0 {
			s += " (process #" + strconv.FormatInt(t.ProcessID, 10) + ")"
		}
		out = append(out, s)
		out = lines(out, "  MBCO: ", bilingual(t.MBCO, t.MBCOEn))
	}
	return out
}

func resourceLines(n Names, rs []Resource) []string {
	var out []string
	for _, r := range rs {
		s := "resource: " + bilingual(r.Name, r.NameEn)
		if r.Quantity > 0 {
			s += " " + strconv.FormatFloat(r.Quantity, 'f', -1, 64)
			if r.Unit != "" {
				s += " " + r.Unit
			}
		}
		if r.Location != "" {
			s += " @ " + r.Location
		}
		if !r.Owner.IsZero() {
			s += " (" + n.Role(r.Owner) + ")"
		}
		out = append(out, s)
		out = lines(out, "  ", bilingual(r.Note, r.NoteEn))
	}
	return out
}

// lines writes a playbook out for comparison.
func (p *Playbook) lines(n Names) []string {
	out := []string{"title: " + bilingual(p.Title, p.TitleEn)}
	out = lines(out, "", p.Text)
	out = lines(out, "", p.TextEn)
	for _, t := range p.Triggers {
		s := "trigger: " + t.Rule()
		if note := bilingual(t.Note, t.NoteEn); note != "" {
			s += " — " + note
		}
		out = append(out, s)
	}
	out = append(out, "activation: "+n.Role(p.Activation.Authority)+"; deputy: "+n.Role(p.Activation.Deputy))
	out = lines(out, "  ", bilingual(p.Activation.Note, p.Activation.NoteEn))
	for _, t := range p.Tasks {
		limit := "no time limit"
		if t.TimeLimit > 0 {
			limit = "within " + FormatMinutes(t.TimeLimit)
		}
		out = append(out, fmt.Sprintf("task %d [%s] %s: %s", t.Step, limit, n.Role(t.Role), bilingual(t.Title, t.TitleEn)))
		out = lines(out, "  ", t.Detail)
		out = lines(out, "  ", t.DetailEn)
	}
	out = append(out, resourceLines(n, p.Resources)...)
	for _, m := range p.Communications {
		s := fmt.Sprintf("message %s %s via %s from %s", m.Audience, m.Lang, m.Channel, n.Role(m.Sender))
		if m.Within > 0 {
			s += " within " + FormatMinutes(m.Within)
		}
		if m.Subject != "" {
			s += ": " + m.Subject
		}
		out = append(out, s)
		out = lines(out, "  ", m.Body)
	}
	return append(out, targetLines(p.Recovery)...)
}

// Change says how a part differs between two versions.
type Change string

// The changes.
const (
	Unchanged Change = "unchanged"
	Changed   Change = "changed"
	Added     Change = "added"
	Removed   Change = "removed"
)

// PartDiff is how one section or playbook differs between two versions.
type PartDiff struct {
	Key     string `json:"key"`
	Kind    string `json:"kind" enum:"section,playbook"`
	Title   string `json:"title"`
	TitleEn string `json:"title_en"`
	Change  Change `json:"change" enum:"unchanged,changed,added,removed"`
	// Lines is the line diff of the part; empty when it is unchanged.
	Lines []Line `json:"lines"`
}

// Diff compares two versions of a plan.
type Diff struct {
	PlanID    int64      `json:"plan_id"`
	From      int        `json:"from"`
	To        int        `json:"to"`
	Sections  []PartDiff `json:"sections"`
	Playbooks []PartDiff `json:"playbooks" doc:"by key: playbooks of the newer version in its order, then those removed"`
	Changed   int        `json:"changed" doc:"number of sections and playbooks changed, added or removed"`
}

func diffPart(from, to *Part) PartDiff {
	var a, b []string
	d := PartDiff{}
	switch {
	case from == nil:
		d.Key, d.Kind, d.Title, d.TitleEn, d.Change = to.Key, to.Kind, to.Title, to.TitleEn, Added
		b = to.Lines
	case to == nil:
		d.Key, d.Kind, d.Title, d.TitleEn, d.Change = from.Key, from.Kind, from.Title, from.TitleEn, Removed
		a = from.Lines
	default:
		d.Key, d.Kind, d.Title, d.TitleEn = to.Key, to.Kind, to.Title, to.TitleEn
		a, b = from.Lines, to.Lines
		d.Change = Unchanged
		if !equalLines(a, b) {
			d.Change = Changed
		}
	}
	d.Lines = []Line{}
	if d.Change != Unchanged {
		d.Lines = LineDiff(a, b)
	}
	return d
}

func equalLines(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Compare returns the differences from version a to version b, section by
// section and playbook by playbook (matched by key).
func Compare(a, b *Version, n Names) Diff {
	d := Diff{PlanID: b.PlanID, From: a.Number, To: b.Number}
	sa, pa := a.Parts(n)
	sb, pb := b.Parts(n)
	for i := range sb {
		pd := diffPart(&sa[i], &sb[i])
		d.Sections = append(d.Sections, pd)
	}
	old := map[string]*Part{}
	for i := range pa {
		old[pa[i].Key] = &pa[i]
	}
	seen := map[string]bool{}
	for i := range pb {
		seen[pb[i].Key] = true
		d.Playbooks = append(d.Playbooks, diffPart(old[pb[i].Key], &pb[i]))
	}
	for i := range pa {
		if !seen[pa[i].Key] {
			d.Playbooks = append(d.Playbooks, diffPart(&pa[i], nil))
		}
	}
	if d.Playbooks == nil {
		d.Playbooks = []PartDiff{}
	}
	for _, p := range append(append([]PartDiff{}, d.Sections...), d.Playbooks...) {
		if p.Change != Unchanged {
			d.Changed++
		}
	}
	return d
}

package planexport

import (
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/plan"
)

// Format is a document format of a plan export.
type Format string

// The export formats.
const (
	DOCX Format = "docx"
	PDF  Format = "pdf"
	HTML Format = "html"
)

// Formats lists the export formats.
var Formats = []Format{DOCX, PDF, HTML}

// ParseFormat reads a format name.
func ParseFormat(s string) (Format, bool) {
	for _, f := range Formats {
		if string(f) == strings.ToLower(strings.TrimSpace(s)) {
			return f, true
		}
	}
	return "", false
}

// ContentType is the media type of a format.
func (f Format) ContentType() string {
	switch f {
	case DOCX:
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case PDF:
		return "application/pdf"
	}
	return "text/html; charset=utf-8"
}

// Write builds the document of a plan version and writes it in the format.
// fonts is needed for PDF only (document.LoadFonts or LazyFonts.Get).
func Write(w io.Writer, f Format, p plan.Plan, v plan.Version, lk *Lookup, lang i18n.Lang, fonts *document.Fonts) error {
	d := Build(p, v, lk, lang)
	switch f {
	case DOCX:
		return document.WriteDOCX(w, d)
	case PDF:
		if fonts == nil {
			return fmt.Errorf("planexport: PDF export needs a CJK font")
		}
		return document.WritePDF(w, d, fonts)
	case HTML:
		return document.WriteHTML(w, d)
	}
	return fmt.Errorf("planexport: unknown format %q", f)
}

// FileName is the download name of a plan version's export:
// "<code or plan-id>-v<n>-<lang>.<format>".
func FileName(p plan.Plan, v plan.Version, lang i18n.Lang, f Format) string {
	return fmt.Sprintf("%s-v%d-%s.%s", slug(p), v.Number, langSuffix(lang), f)
}

func langSuffix(l i18n.Lang) string {
	if l == i18n.ZH {
		return "zh"
	}
	return "en"
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// slug is a file-name-safe name of a plan: its code, else plan-<id>.
func slug(p plan.Plan) string {
	s := strings.Trim(unsafeName.ReplaceAllString(p.Code, "-"), "-.")
	if s == "" {
		return "plan-" + strconv.FormatInt(p.ID, 10)
	}
	return s
}

// Build lays out a plan version: a cover with the plan's kind, version,
// status, approvers and approval date and owner unit, the contents, and
// numbered chapters in the order of GB/T 29639-2020. Texts are taken in
// lang, falling back to the other language where a text has only one.
func Build(p plan.Plan, v plan.Version, lk *Lookup, lang i18n.Lang) *document.Document {
	n := newNamer(lk, lang)
	c := &v.Content
	title := n.pick(v.Title, v.TitleEn)
	if title == "" {
		title = n.pick(p.Title, p.TitleEn)
	}
	d := document.New(lang, title)
	d.Subtitle = n.kind(p.Kind)
	if p.Code != "" {
		d.Subtitle += "  " + p.Code
	}
	d.Meta = document.Meta{Organisation: n.organisation(), Version: strconv.Itoa(v.Number),
		Status: n.T("status." + string(v.Status)), Classification: n.T("classification")}
	if a := approvers(n, p, v); a != "" {
		// The cover has no approver row of its own: the approvers follow the status.
		d.Meta.Status += "  ·  " + n.T("kv.approvers") + " " + a
	}
	if p.UnitID > 0 {
		d.Meta.Owner = n.unit(p.UnitID)
	}
	switch {
	case v.ApprovedAt != nil:
		d.Meta.Date = *v.ApprovedAt
	case v.PublishedAt != nil:
		d.Meta.Date = *v.PublishedAt
	default:
		d.Meta.Date = v.UpdatedAt
	}
	d.Cover, d.TOC, d.NumberHeadings = true, true, true

	b := builder{d: d, n: n}
	// 1 总则
	d.H1(n.T("ch.purpose"))
	b.text(c.Purpose.Text, c.Purpose.TextEn)

	// 2 组织机构及职责
	d.H1(n.T("ch.organisation"))
	b.text(c.Organisation.Text, c.Organisation.TextEn)
	for _, td := range c.Organisation.Teams {
		b.teamDuty(td)
	}

	// 3 风险描述
	d.H1(n.T("ch.risks"))
	b.text(c.Risks.Text, c.Risks.TextEn)
	if len(c.Risks.RiskIDs) > 0 {
		var items []string
		for _, id := range c.Risks.RiskIDs {
			if r, ok := n.lk.Risks[id]; ok {
				s := n.pick(r.Title, r.TitleEn)
				if r.Code != "" {
					s = r.Code + "  " + s
				}
				items = append(items, s+" · "+n.category(r.Category))
			} else {
				items = append(items, "#"+strconv.FormatInt(id, 10))
			}
		}
		d.Bullets(items...)
	}

	// 4 预警及信息报告
	d.H1(n.T("ch.warning"))
	b.text(c.Warning.Text, c.Warning.TextEn)
	if len(c.Warning.Levels) > 0 {
		d.H2(n.T("sec.warning_levels"))
		t := d.Table(n.T("col.level"), n.T("col.criteria"), n.T("col.measures")).Widths(1, 3, 3)
		for _, l := range sortedWarning(c.Warning.Levels) {
			t.Row(levelCell(n, l.Level), document.C(n.pick(l.Criteria, l.CriteriaEn)), document.C(n.pick(l.Measures, l.MeasuresEn)))
		}
	}
	if len(c.Warning.Reporting) > 0 {
		d.H2(n.T("sec.reporting"))
		t := d.Table(n.T("col.step"), n.T("col.from"), n.T("col.to"), n.T("col.within"), n.T("col.content")).
			Widths(0.6, 2, 2, 1, 3).Align(document.Center)
		for i, s := range c.Warning.Reporting {
			t.TextRow(strconv.Itoa(i+1), n.role(s.From), n.role(s.To), minutes(s.Within), n.pick(s.Content, s.ContentEn))
		}
	}

	// 5 应急响应
	d.H1(n.T("ch.response"))
	b.text(c.ResponseLevels.Text, c.ResponseLevels.TextEn)
	if ls := c.ResponseLevels.Levels; len(ls) > 0 {
		ls = append([]plan.ResponseLevel(nil), ls...)
		sort.SliceStable(ls, func(i, j int) bool { return ls[i].Level < ls[j].Level })
		t := d.Table(n.T("col.level"), n.T("col.criteria"), n.T("col.authority"), n.T("col.measures")).Widths(1, 3, 2, 3)
		for _, l := range ls {
			t.Row(levelCell(n, l.Level), document.C(n.pick(l.Criteria, l.CriteriaEn)), document.C(n.role(l.Authority)),
				document.C(n.pick(l.Measures, l.MeasuresEn)))
		}
	}

	// 6 处置措施: one section per playbook
	d.H1(n.T("ch.scenarios"))
	b.text(c.Scenarios.Text, c.Scenarios.TextEn)
	for i := range c.Playbooks {
		b.playbook(&c.Playbooks[i])
	}

	// 7 信息发布与沟通
	d.H1(n.T("ch.communications"))
	b.text(c.Communications.Text, c.Communications.TextEn)
	if len(c.Communications.Audiences) > 0 {
		t := d.Table(n.T("col.audience"), n.T("col.channels"), n.T("col.speaker"), n.T("col.message")).Widths(1.2, 1.5, 2, 4)
		for _, a := range c.Communications.Audiences {
			t.TextRow(n.T("audience."+string(a.Audience)), n.channels(a.Channels...), n.role(a.Owner), n.pick(a.Message, a.MessageEn))
		}
	}

	// 8 应急保障
	d.H1(n.T("ch.resources"))
	b.text(c.Resources.Text, c.Resources.TextEn)
	b.resources(c.Resources.Items)

	// 9 后期处置与业务恢复
	d.H1(n.T("ch.recovery"))
	b.text(c.Recovery.Text, c.Recovery.TextEn)
	b.targets(c.Recovery.Targets)

	// 10 培训与演练
	d.H1(n.T("ch.training"))
	b.text(c.Training.Text, c.Training.TextEn)
	if len(c.Training.Drills) > 0 {
		t := d.Table(n.T("col.drill"), n.T("col.kind"), n.T("col.frequency"), n.T("col.month"), n.T("col.participants")).
			Widths(3, 1.2, 1.2, 0.8, 3).Align(document.Left, document.Center, document.Center, document.Center)
		for _, dr := range c.Training.Drills {
			month := "—"
			if dr.Month > 0 {
				month = strconv.Itoa(dr.Month)
			}
			t.TextRow(n.pick(dr.Title, dr.TitleEn), n.T("drill."+string(dr.Kind)), n.T("freq."+string(dr.Frequency)), month, dr.Participants)
		}
	}

	// 11 预案管理
	d.H1(n.T("ch.maintenance"))
	b.text(c.Maintenance.Text, c.Maintenance.TextEn)
	d.H2(n.T("sec.version"))
	kv := []string{n.T("kv.kind"), n.kind(p.Kind)}
	if p.Code != "" {
		kv = append(kv, n.T("kv.plan_code"), p.Code)
	}
	kv = append(kv, n.tr.T("document.version"), strconv.Itoa(v.Number))
	if v.AuthorName != "" {
		kv = append(kv, n.T("kv.author"), v.AuthorName)
	}
	if a := approvers(n, p, v); a != "" {
		kv = append(kv, n.T("kv.approvers"), a)
	}
	if v.ApprovedAt != nil {
		kv = append(kv, n.T("kv.approved"), v.ApprovedAt.Format(plan.DateLayout))
	}
	if v.PublishedAt != nil {
		kv = append(kv, n.T("kv.published"), v.PublishedAt.Format(plan.DateLayout))
	}
	if v.ReviewDue != "" {
		kv = append(kv, n.T("kv.review_due"), v.ReviewDue)
	}
	if v.ChangeNote != "" {
		kv = append(kv, n.T("kv.change"), plainMarkdown(v.ChangeNote))
	}
	d.KV(kv...)
	return d
}

// approvers names who approved the version (the approval record), else
// who is to approve it.
func approvers(n namer, p plan.Plan, v plan.Version) string {
	var names []string
	for _, dc := range v.Decisions {
		if dc.Verdict == plan.Approve && dc.Round == v.Round && dc.UserName != "" {
			names = append(names, dc.UserName)
		}
	}
	if len(names) == 0 {
		for _, a := range p.Approvers {
			switch {
			case a.Name != "":
				names = append(names, a.Name)
			case a.Role != "":
				names = append(names, string(a.Role))
			}
		}
	}
	sep := "、"
	if n.en() {
		sep = ", "
	}
	return strings.Join(names, sep)
}

func sortedWarning(ls []plan.WarningLevel) []plan.WarningLevel {
	ls = append([]plan.WarningLevel(nil), ls...)
	sort.SliceStable(ls, func(i, j int) bool { return ls[i].Level < ls[j].Level })
	return ls
}

// levelCell is a level in its colour: Ⅰ red, Ⅱ orange, Ⅲ yellow, Ⅳ blue.
func levelCell(n namer, l int) document.Cell {
	c := document.C(n.level(l)).B().Aligned(document.Center)
	switch l {
	case 1:
		return c.Fill(document.LevelRed).Color(document.White)
	case 2:
		return c.Fill(document.LevelOrange).Color(document.White)
	case 3:
		return c.Fill(document.LevelYellow)
	case 4:
		return c.Fill(document.LevelBlue).Color(document.White)
	}
	return c
}

// channels names the channels in the document's language.
func (n namer) channels(cs ...plan.Channel) string {
	s := make([]string, len(cs))
	for i, c := range cs {
		s[i] = n.T("channel." + string(c))
	}
	return strings.Join(s, n.T("sep"))
}

type builder struct {
	d *document.Document
	n namer
}

// text adds a chapter's free text in the builder's language.
func (b builder) text(zh, en string) { addMarkdown(b.d, b.n.pick(zh, en)) }

// teamDuty adds a team of the organisation chapter: its duty in the plan
// and a table of its members with their phones and deputies in order.
func (b builder) teamDuty(td plan.TeamDuty) {
	n, d := b.n, b.d
	title := n.team(td.TeamID)
	if td.TeamRole != "" {
		title += " " + n.seat(td.TeamRole)
	}
	d.H2(title)
	team := n.lk.Teams[td.TeamID]
	if duty := n.pick(td.Duties, td.DutiesEn); duty != "" {
		addMarkdown(d, duty)
	} else if duty := n.pick(team.Duties, team.DutiesEn); duty != "" {
		addMarkdown(d, duty)
	}
	members := membersInOrder(team.Members)
	if len(members) == 0 {
		return
	}
	t := d.Table(n.T("col.role"), n.T("col.name"), n.T("col.title"), n.T("col.phone"), n.T("col.deputies")).Widths(1, 1.2, 1.7, 2.2, 3.2)
	for _, m := range members {
		if td.TeamRole != "" && m.Role != td.TeamRole {
			continue
		}
		p := n.lk.People[m.PersonID]
		var deps []string
		for i, id := range m.Deputies {
			s := strconv.Itoa(i+1) + ". " + n.person(id)
			if ph := n.phone(id); ph != "" {
				s += " " + ph
			}
			deps = append(deps, s)
		}
		t.TextRow(n.seat(m.Role), n.person(m.PersonID), n.pick(p.Title, p.TitleEn), n.phone(m.PersonID), strings.Join(deps, "\n"))
	}
}

// membersInOrder sorts members by seat (leader first) and their order.
func membersInOrder(ms []org.Member) []org.Member {
	rank := map[org.TeamRole]int{}
	for i, r := range org.TeamRoles {
		rank[r] = i
	}
	out := append([]org.Member(nil), ms...)
	sort.SliceStable(out, func(i, j int) bool {
		if rank[out[i].Role] != rank[out[j].Role] {
			return rank[out[i].Role] < rank[out[j].Role]
		}
		return out[i].SortOrder < out[j].SortOrder
	})
	return out
}

// tasksInOrder sorts tasks by step, keeping the written order within a step.
func tasksInOrder(ts []plan.Task) []plan.Task {
	out := append([]plan.Task(nil), ts...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Step < out[j].Step })
	return out
}

// playbook adds a scenario playbook as a section: the scenario, its
// triggers, who activates it, the tasks in order as a checklist table,
// resources, message templates and recovery targets.
func (b builder) playbook(pb *plan.Playbook) {
	n, d := b.n, b.d
	d.H2(n.pick(pb.Title, pb.TitleEn))
	b.text(pb.Text, pb.TextEn)
	if len(pb.Triggers) > 0 {
		d.H3(n.T("sec.triggers"))
		items := make([]string, len(pb.Triggers))
		for i, t := range pb.Triggers {
			items[i] = n.trigger(t)
		}
		d.Bullets(items...)
	}
	a := pb.Activation
	if !a.Authority.IsZero() || !a.Deputy.IsZero() || a.Note != "" || a.NoteEn != "" {
		d.H3(n.T("sec.activation"))
		kv := []string{n.T("kv.authority"), n.role(a.Authority)}
		if !a.Deputy.IsZero() {
			kv = append(kv, n.T("kv.deputy"), n.role(a.Deputy))
		}
		if note := n.pick(a.Note, a.NoteEn); note != "" {
			kv = append(kv, n.T("kv.note"), note)
		}
		d.KV(kv...)
	}
	if len(pb.Tasks) > 0 {
		d.H3(n.T("sec.tasks"))
		t := d.Table("□", n.T("col.step"), n.T("col.task"), n.T("col.who"), n.T("col.limit")).
			Widths(0.4, 0.6, 4, 2.2, 1).Align(document.Center, document.Center, document.Left, document.Left, document.Center)
		parallel := false
		prev := -1
		for _, task := range tasksInOrder(pb.Tasks) {
			text := n.pick(task.Title, task.TitleEn)
			if detail := plainMarkdown(n.pick(task.Detail, task.DetailEn)); detail != "" {
				text += "\n" + detail
			}
			t.Row(document.C("□"), document.C(strconv.Itoa(task.Step)), document.C(text), document.C(n.role(task.Role)), document.C(minutes(task.TimeLimit)))
			parallel = parallel || task.Step == prev
			prev = task.Step
		}
		if parallel {
			d.P(document.Italic(n.T("parallel")))
		}
	}
	if len(pb.Resources) > 0 {
		d.H3(n.T("sec.dispatch"))
		b.resources(pb.Resources)
	}
	if msgs := messagesIn(pb.Communications, n.lang); len(msgs) > 0 {
		d.H3(n.T("sec.messages"))
		t := d.Table(n.T("col.audience"), n.T("col.channels"), n.T("col.speaker"), n.T("col.within"), n.T("col.message")).Widths(1.1, 1, 1.8, 0.9, 4.5)
		for _, m := range msgs {
			body := m.Body
			if m.Subject != "" {
				body = m.Subject + "\n" + body
			}
			t.TextRow(n.T("audience."+string(m.Audience)), n.channels(m.Channel), n.role(m.Sender), minutes(m.Within), body)
		}
	}
	if len(pb.Recovery) > 0 {
		d.H3(n.T("sec.targets"))
		b.targets(pb.Recovery)
	}
}

// messagesIn keeps the templates in the language, or all of them when
// none is written in it.
func messagesIn(ms []plan.Message, lang i18n.Lang) []plan.Message {
	var out []plan.Message
	for _, m := range ms {
		if m.Lang == string(lang) {
			out = append(out, m)
		}
	}
	if len(out) == 0 {
		return ms
	}
	return out
}

func (b builder) resources(rs []plan.Resource) {
	if len(rs) == 0 {
		return
	}
	n := b.n
	t := b.d.Table(n.T("col.resource"), n.T("col.quantity"), n.T("col.location"), n.T("col.keeper"), n.T("kv.note")).
		Widths(2.4, 1, 1.8, 2, 2.4).Align(document.Left, document.Right)
	for _, r := range rs {
		q := ""
		if r.Quantity > 0 {
			q = strconv.FormatFloat(r.Quantity, 'f', -1, 64)
			if r.Unit != "" {
				q += " " + r.Unit
			}
		}
		owner := ""
		if !r.Owner.IsZero() {
			owner = n.role(r.Owner)
		}
		t.TextRow(n.pick(r.Name, r.NameEn), q, r.Location, owner, n.pick(r.Note, r.NoteEn))
	}
}

// targets adds the recovery targets as an RTO/RPO table.
func (b builder) targets(ts []plan.RecoveryTarget) {
	if len(ts) == 0 {
		return
	}
	n := b.n
	t := b.d.Table(n.T("col.process"), n.T("col.rto"), n.T("col.rpo"), n.T("col.mbco")).Widths(2.5, 1.2, 1.2, 3.5).
		Align(document.Left, document.Center, document.Center)
	for _, r := range ts {
		rpo := "—"
		if r.RPO != nil {
			rpo = plan.FormatMinutes(*r.RPO)
			if *r.RPO == 0 {
				rpo = "0"
			}
		}
		t.TextRow(n.pick(r.Name, r.NameEn), minutes(r.RTO), rpo, n.pick(r.MBCO, r.MBCOEn))
	}
}

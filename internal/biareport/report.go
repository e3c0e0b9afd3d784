// Package biareport writes the business impact analysis report (业务影响
// 分析报告): a summary of the inventory and its findings, the recovery
// objectives of every process (MTPD, RTO, RPO, MBCO), the impact of a
// disruption of each process over time as tables by time point and
// category, the RTO gaps with the chain of dependencies that causes each,
// the resources that recover more slowly than the processes need, the
// single points of failure, and the order in which to recover everything.
// It builds a document.Document, so the report comes out as DOCX, PDF or
// HTML.
package biareport

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
)

// Data is what the report shows, read once through the services (so the
// reader's permissions apply).
type Data struct {
	Organisation string
	Settings     bia.Settings
	Processes    []bia.Process
	Resources    []bia.Resource
	Gaps         []bia.Gap
	TooSlow      []bia.Requirement // resources recovering more slowly than required
	SPOFs        []bia.SPOF
	Cycles       []bia.Cycle
	Order        []bia.RecoveryStep // everything, each after what it depends on
	Units        map[int64]org.Unit
	People       map[int64]org.Person
	AsOf         time.Time
}

// Load reads the inventory and the analyses of the dependency graph.
func Load(ctx context.Context, svc *bia.Service, dir *org.Service, asOf time.Time) (Data, error) {
	d := Data{AsOf: asOf, Units: map[int64]org.Unit{}, People: map[int64]org.Person{}}
	var err error
	if d.Settings, err = svc.Settings(ctx); err != nil {
		return d, err
	}
	if d.Processes, err = svc.Processes(ctx, bia.ProcessFilter{}); err != nil {
		return d, err
	}
	if d.Resources, err = svc.Resources(ctx, ""); err != nil {
		return d, err
	}
	if d.Gaps, err = svc.Feasibility(ctx); err != nil {
		return d, err
	}
	reqs, err := svc.RequiredRecovery(ctx, false)
	if err != nil {
		return d, err
	}
	for _, r := range reqs {
		if r.Gap {
			d.TooSlow = append(d.TooSlow, r)
		}
	}
	if d.SPOFs, err = svc.SinglePointsOfFailure(ctx); err != nil {
		return d, err
	}
	if d.Cycles, err = svc.Cycles(ctx); err != nil {
		return d, err
	}
	var all []string
	for _, p := range d.Processes {
		all = append(all, p.Ref())
	}
	for _, r := range d.Resources {
		all = append(all, r.Ref())
	}
	if len(all) > 0 {
		if d.Order, err = svc.RecoveryOrder(ctx, all); err != nil {
			return d, err
		}
	}
	units, err := dir.Units(ctx)
	if err != nil {
		return d, err
	}
	var owners []int64
	for _, p := range d.Processes {
		if p.OwnerID != nil {
			owners = append(owners, *p.OwnerID)
		}
	}
	for _, u := range units {
		d.Units[u.ID] = u
		if u.ParentID == nil && d.Organisation == "" {
			d.Organisation = u.Name
		}
	}
	if len(owners) > 0 {
		if d.People, err = dir.PeopleByIDs(ctx, owners); err != nil {
			return d, err
		}
	}
	return d, nil
}

// levelColor is the fill of an impact level: 5 red, 4 orange, 3 yellow,
// 2 blue, 1 none.
func levelColor(l int) document.Color {
	switch {
	case l >= 5:
		return document.LevelRed
	case l == 4:
		return document.LevelOrange
	case l == 3:
		return document.LevelYellow
	case l == 2:
		return document.LevelBlue
	}
	return ""
}

// Duration writes minutes in the report's language: 4 小时, 1d 6h.
func Duration(tr i18n.Translator, m int) string {
	if m <= 0 {
		return tr.T("biareport.unit.m", 0)
	}
	var parts []string
	for _, u := range []struct {
		n   int
		key string
	}{{10080, "biareport.unit.w"}, {1440, "biareport.unit.d"}, {60, "biareport.unit.h"}, {1, "biareport.unit.m"}} {
		if m >= u.n {
			parts = append(parts, tr.T(u.key, m/u.n))
			m %= u.n
		}
	}
	return strings.Join(parts, " ")
}

// Build lays the report out in one language.
func Build(d Data, lang i18n.Lang) *document.Document {
	tr := i18n.For(lang)
	pick := func(zh, en string) string {
		if lang == i18n.EN && en != "" {
			return en
		}
		return zh
	}
	dur := func(m *int) string {
		if m == nil {
			return "—"
		}
		return Duration(tr, *m)
	}
	node := func(n bia.Node) string {
		name := pick(n.Name, n.NameEn)
		if name == "" {
			name = n.Ref
		}
		if n.Code != "" {
			return n.Code + " " + name
		}
		return name
	}
	proc := func(p bia.Process) string {
		name := pick(p.Name, p.NameEn)
		if p.Code != "" {
			return p.Code + " " + name
		}
		return name
	}
	unitName := func(id int64) string {
		if u, ok := d.Units[id]; ok {
			return pick(u.Name, u.NameEn)
		}
		return "—"
	}
	personName := func(id *int64) string {
		if id == nil {
			return "—"
		}
		if p, ok := d.People[*id]; ok {
			return pick(p.Name, p.NameEn)
		}
		return "—"
	}
	chain := func(ns []bia.Node) string {
		parts := make([]string, len(ns))
		for i, n := range ns {
			parts[i] = node(n)
		}
		return strings.Join(parts, " → ")
	}
	levelName := func(l int) string { return tr.T("biareport.level." + strconv.Itoa(l)) }
	category := func(c bia.Category) string { return tr.T("biareport.category." + string(c)) }

	doc := document.New(lang, tr.T("biareport.title"))
	doc.Subtitle = d.Organisation
	doc.Meta = document.Meta{Organisation: d.Organisation, Date: d.AsOf, Classification: tr.T("biareport.classification")}
	doc.Cover, doc.TOC, doc.NumberHeadings = true, true, true

	// 1 Summary.
	important, withRTO := 0, 0
	for _, p := range d.Processes {
		if p.Important {
			important++
		}
		if p.RTOMinutes != nil {
			withRTO++
		}
	}
	gapProcs := map[int64]bool{}
	for _, g := range d.Gaps {
		gapProcs[g.Process.ID] = true
	}
	doc.H1(tr.T("biareport.summary"))
	doc.P(tr.T("biareport.summary_text", len(d.Processes), important, len(d.Resources), withRTO))
	doc.P(tr.T("biareport.findings_text", len(gapProcs), len(d.TooSlow), len(d.SPOFs), len(d.Cycles)))
	times := make([]string, len(d.Settings.TimePoints))
	for i, t := range d.Settings.TimePoints {
		times[i] = Duration(tr, t)
	}
	doc.Note(tr.T("biareport.method"), tr.T("biareport.method_text", strings.Join(times, tr.T("biareport.list_sep")),
		levelName(d.Settings.Intolerable), d.Settings.Currency))

	// 2 Recovery objectives.
	doc.H1(tr.T("biareport.objectives"))
	ot := doc.Table(tr.T("biareport.process"), tr.T("biareport.unit"), tr.T("biareport.owner"), "MTPD", "RTO", "RPO",
		tr.T("biareport.mbco")).Widths(2.6, 1.5, 1.1, 0.9, 0.9, 0.9, 2.6)
	for _, p := range d.Processes {
		name := proc(p)
		if p.Important {
			name += " ★"
		}
		mtpd := dur(p.MTPDMinutes)
		if p.MTPDDerived {
			mtpd += " *"
		}
		rto := document.C(dur(p.RTOMinutes)).Aligned(document.Center)
		if gapProcs[p.ID] {
			rto = rto.Fill(document.LevelRed).Color(document.White).B()
		}
		ot.Row(document.C(name), document.C(unitName(p.UnitID)), document.C(personName(p.OwnerID)),
			document.C(mtpd).Aligned(document.Center), rto, document.C(dur(p.RPOMinutes)).Aligned(document.Center), document.C(orDash(p.MBCO)))
	}
	ot.Titled(tr.T("biareport.objectives_caption"))

	// 3 Impacts over time, per process.
	doc.H1(tr.T("biareport.impacts"))
	doc.P(tr.T("biareport.impacts_text"))
	for _, p := range d.Processes {
		doc.H2(proc(p))
		if len(p.Impacts) == 0 {
			doc.P(tr.T("biareport.no_impacts"))
			continue
		}
		header := []string{tr.T("biareport.category")}
		widths := []float64{1.8}
		header = append(header, times...)
		for range times {
			widths = append(widths, 1)
		}
		t := doc.Table(header...).Widths(widths...)
		at := map[string]bia.ImpactPoint{}
		for _, ip := range p.Impacts {
			at[string(ip.Category)+"@"+strconv.Itoa(ip.AfterMinutes)] = ip
		}
		var amounts []document.Cell
		hasAmount := false
		for _, c := range bia.Categories {
			row := []document.Cell{document.C(category(c)).B()}
			for _, tp := range d.Settings.TimePoints {
				ip, ok := at[string(c)+"@"+strconv.Itoa(tp)]
				if !ok {
					row = append(row, document.C("—").Aligned(document.Center))
					if c == bia.Financial {
						amounts = append(amounts, document.C("—").Aligned(document.Center))
					}
					continue
				}
				cell := document.C(strconv.Itoa(ip.Level) + " " + levelName(ip.Level)).Aligned(document.Center)
				if col := levelColor(ip.Level); col != "" {
					cell = cell.Fill(col)
					if ip.Level != 3 {
						cell = cell.Color(document.White)
					}
				}
				row = append(row, cell)
				if c == bia.Financial {
					a := "—"
					if ip.Amount != nil {
						a = formatAmount(*ip.Amount)
						hasAmount = true
					}
					amounts = append(amounts, document.C(a).Aligned(document.Center))
				}
			}
			t.Row(row...)
		}
		if hasAmount {
			t.Row(append([]document.Cell{document.C(tr.T("biareport.loss", d.Settings.Currency)).B()}, amounts...)...)
		}
		caption := tr.T("biareport.impact_caption", dur(p.MTPDMinutes), dur(p.RTOMinutes), dur(p.RPOMinutes))
		if p.MTPDDerived {
			caption += " " + tr.T("biareport.mtpd_derived")
		}
		t.Titled(caption)
	}

	// 4 RTO gaps.
	doc.H1(tr.T("biareport.gaps"))
	if len(d.Gaps) == 0 {
		doc.P(tr.T("biareport.no_gaps"))
	} else {
		doc.P(tr.T("biareport.gaps_text"))
		gt := doc.Table(tr.T("biareport.process"), "RTO", tr.T("biareport.bottleneck"), tr.T("biareport.recovery"), tr.T("biareport.chain")).
			Widths(2, 0.8, 2, 0.9, 4)
		for _, g := range d.Gaps {
			gt.Row(document.C(node(g.Process)), document.C(Duration(tr, g.RTOMinutes)).Aligned(document.Center), document.C(node(g.Bottleneck)),
				document.C(Duration(tr, g.RecoveryMinutes)).Aligned(document.Center).Fill(document.LevelRed).Color(document.White).B(),
				document.C(chain(g.Chain)))
		}
	}
	if len(d.TooSlow) > 0 {
		doc.H2(tr.T("biareport.too_slow"))
		doc.P(tr.T("biareport.too_slow_text"))
		st := doc.Table(tr.T("biareport.resource"), tr.T("biareport.required"), tr.T("biareport.required_by"), tr.T("biareport.recovery")).
			Widths(3, 1, 3, 1)
		for _, r := range d.TooSlow {
			st.TextRow(node(r.Node), Duration(tr, r.RequiredMinutes), node(r.By), dur(r.RecoveryMinutes))
		}
	}

	// 5 Single points of failure.
	doc.H1(tr.T("biareport.spofs"))
	if len(d.SPOFs) == 0 {
		doc.P(tr.T("biareport.no_spofs"))
	} else {
		doc.P(tr.T("biareport.spofs_text"))
		sp := doc.Table(tr.T("biareport.resource"), tr.T("biareport.kind"), tr.T("biareport.important_down")).Widths(2.6, 1.2, 5)
		for _, s := range d.SPOFs {
			names := make([]string, len(s.Processes))
			for i, n := range s.Processes {
				names[i] = node(n)
			}
			sp.TextRow(node(s.Resource), tr.T("biareport.kind."+s.Resource.Kind), strings.Join(names, tr.T("biareport.list_sep")))
		}
	}
	if len(d.Cycles) > 0 {
		doc.H2(tr.T("biareport.cycles"))
		for _, c := range d.Cycles {
			names := make([]string, len(c.Nodes))
			for i, n := range c.Nodes {
				names[i] = node(n)
			}
			doc.Bullets(strings.Join(names, " ⇄ "))
		}
	}

	// 6 Recovery order.
	doc.H1(tr.T("biareport.order"))
	doc.P(tr.T("biareport.order_text"))
	if len(d.Order) > 0 {
		rt := doc.Table(tr.T("biareport.step"), tr.T("biareport.recover")).Widths(0.6, 8)
		for _, st := range d.Order {
			names := make([]string, len(st.Nodes))
			for i, n := range st.Nodes {
				names[i] = node(n)
			}
			text := strings.Join(names, tr.T("biareport.list_sep"))
			if st.Cycle {
				text += " (" + tr.T("biareport.together") + ")"
			}
			rt.TextRow(strconv.Itoa(st.Step), text)
		}
	}
	return doc
}

func formatAmount(a float64) string {
	s := strconv.FormatFloat(a, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		return b.String() + "." + frac
	}
	return b.String()
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

// ContentType returns the media type of a format.
func ContentType(format string) string {
	switch format {
	case "docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	case "pdf":
		return "application/pdf"
	}
	return "text/html; charset=utf-8"
}

// FileName is the download name of the report, e.g.
// bia-report-2026-11-30-zh.pdf.
func FileName(asOf time.Time, lang i18n.Lang, format string) string {
	l := "zh"
	if lang == i18n.EN {
		l = "en"
	}
	return fmt.Sprintf("bia-report-%s-%s.%s", asOf.Format(bia.DateLayout), l, format)
}

// Write renders the report in one format; fonts are needed for PDF only.
func Write(w io.Writer, format string, doc *document.Document, fonts *document.Fonts) error {
	switch format {
	case "docx":
		return document.WriteDOCX(w, doc)
	case "pdf":
		return document.WritePDF(w, doc, fonts)
	case "html":
		return document.WriteHTML(w, doc)
	}
	return errs.Field("format", "must be one of docx, pdf, html")
}

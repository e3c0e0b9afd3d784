// Package riskreport writes the risk assessment report (风险评估报告): a
// summary of the register by level and category, the inherent and
// residual heatmaps of one matrix as tables coloured by level, the ranked
// list of the highest risks, a page of detail for every high and critical
// risk, and the treatment actions that are overdue. It builds a
// document.Document, so the report comes out as DOCX, PDF or HTML.
package riskreport

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/continuo-bcm/continuo/internal/document"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// MaxRisks bounds the ranked list of the report; the summary counts every
// risk of the register.
const MaxRisks = 500

// Data is what the report shows, read once through the risk service (so
// the reader's permissions apply).
type Data struct {
	Organisation string
	Matrix       risk.Matrix
	Inherent     risk.Heatmap
	Residual     risk.Heatmap
	Risks        []risk.Risk // ranked, highest level first, at most MaxRisks
	Total        int         // every risk of the register, closed ones included
	Units        map[int64]org.Unit
	People       map[int64]org.Person
	AsOf         time.Time
	Today        string // YYYY-MM-DD, for overdue reviews and actions
}

// Load reads the register for a report on the matrix with the given id
// ("5x5" when empty).
func Load(ctx context.Context, svc *risk.Service, matrixID string, asOf time.Time) (Data, error) {
	if matrixID == "" {
		matrixID = "5x5"
	}
	d := Data{AsOf: asOf, Today: svc.Today(), Units: map[int64]org.Unit{}, People: map[int64]org.Person{}}
	var err error
	if d.Inherent, err = svc.Heatmap(ctx, risk.HeatmapQuery{MatrixID: matrixID, Kind: risk.Inherent}); err != nil {
		return d, err
	}
	if d.Residual, err = svc.Heatmap(ctx, risk.HeatmapQuery{MatrixID: matrixID, Kind: risk.Residual}); err != nil {
		return d, err
	}
	d.Matrix = d.Inherent.Matrix
	if d.Risks, d.Total, err = svc.Risks(ctx, risk.Filter{Limit: MaxRisks}); err != nil {
		return d, err
	}
	units, people, err := svc.Directory(ctx)
	if err != nil {
		return d, err
	}
	for _, u := range units {
		d.Units[u.ID] = u
		if u.ParentID == nil && d.Organisation == "" {
			d.Organisation = u.Name
		}
	}
	for _, p := range people {
		d.People[p.ID] = p
	}
	return d, nil
}

// levelColor is the fill of a level: 红/橙/黄/蓝 for 重大/较大/一般/低.
func levelColor(l risk.Level) document.Color {
	switch l {
	case risk.Critical:
		return document.LevelRed
	case risk.High:
		return document.LevelOrange
	case risk.Medium:
		return document.LevelYellow
	case risk.Low:
		return document.LevelBlue
	}
	return ""
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
	levelName := func(l risk.Level) string {
		zh, en := risk.LevelLabel(l)
		return pick(zh, en)
	}
	unitName := func(id int64) string {
		u, ok := d.Units[id]
		if !ok {
			return "—"
		}
		return pick(u.Name, u.NameEn)
	}
	personName := func(id *int64) string {
		if id == nil {
			return "—"
		}
		p, ok := d.People[*id]
		if !ok {
			return "—"
		}
		return pick(p.Name, p.NameEn)
	}
	levelCell := func(l risk.Level) document.Cell {
		if l == "" {
			return document.C(tr.T("riskreport.not_assessed"))
		}
		c := document.C(levelName(l)).Fill(levelColor(l)).Aligned(document.Center)
		if l == risk.Critical || l == risk.High || l == risk.Low {
			c = c.Color(document.White)
		}
		return c
	}

	doc := document.New(lang, tr.T("riskreport.title"))
	doc.Subtitle = d.Organisation
	doc.Meta = document.Meta{Organisation: d.Organisation, Date: d.AsOf, Classification: tr.T("riskreport.classification")}
	doc.Cover, doc.TOC, doc.NumberHeadings = true, true, true

	// 1 Summary.
	open := 0
	byLevel := map[risk.Level]int{}
	byCategory := map[risk.Category]map[risk.Level]int{}
	for _, r := range d.Risks {
		if r.Status == risk.StatusClosed {
			continue
		}
		open++
		byLevel[r.Level]++
		if byCategory[r.Category] == nil {
			byCategory[r.Category] = map[risk.Level]int{}
		}
		byCategory[r.Category][r.Level]++
	}
	doc.H1(tr.T("riskreport.summary"))
	doc.P(tr.T("riskreport.summary_text", d.Total, open, byLevel[risk.Critical], byLevel[risk.High], pick(d.Matrix.Name, d.Matrix.NameEn)))
	if d.Total > len(d.Risks) {
		doc.Note(tr.T("riskreport.note"), tr.T("riskreport.truncated", len(d.Risks)))
	}
	t := doc.Table(tr.T("riskreport.category"), levelName(risk.Critical), levelName(risk.High), levelName(risk.Medium),
		levelName(risk.Low), tr.T("riskreport.not_assessed")).Widths(3, 1, 1, 1, 1, 1)
	for _, c := range risk.Categories {
		counts := byCategory[c]
		if counts == nil {
			continue
		}
		row := []document.Cell{document.C(tr.T("risk.category." + string(c)))}
		for _, l := range []risk.Level{risk.Critical, risk.High, risk.Medium, risk.Low} {
			row = append(row, document.C(strconv.Itoa(counts[l])).Aligned(document.Center))
		}
		row = append(row, document.C(strconv.Itoa(counts[""])).Aligned(document.Center))
		t.Row(row...)
	}

	// 2 Heatmaps.
	doc.H1(tr.T("riskreport.heatmaps"))
	doc.P(tr.T("riskreport.heatmap_text"))
	for _, hm := range []risk.Heatmap{d.Inherent, d.Residual} {
		doc.H2(tr.T("riskreport.heatmap_" + string(hm.Kind)))
		heatmapTable(doc, hm, pick, tr)
	}
	bands := doc.Table(tr.T("riskreport.level"), tr.T("riskreport.scores")).Widths(1, 2)
	for _, b := range d.Matrix.Bands {
		bands.Row(levelCell(b.Level), document.C(fmt.Sprintf("%d–%d", b.Min, b.Max)))
	}

	// 3 Ranked register.
	doc.H1(tr.T("riskreport.ranked"))
	rt := doc.Table("#", tr.T("riskreport.risk"), tr.T("riskreport.category"), tr.T("riskreport.unit"), tr.T("riskreport.owner"),
		tr.T("riskreport.inherent"), tr.T("riskreport.residual"), tr.T("riskreport.level")).Widths(0.5, 3.4, 1.5, 1.6, 1.1, 1.4, 1.4, 1.0)
	n := 0
	for _, r := range d.Risks {
		if r.Status == risk.StatusClosed {
			continue
		}
		n++
		rt.Row(document.C(strconv.Itoa(n)), document.C(codeTitle(r, pick)), document.C(tr.T("risk.category."+string(r.Category))),
			document.C(unitName(r.UnitID)), document.C(personName(r.OwnerID)), ratingCell(r.Inherent), ratingCell(r.Residual), levelCell(r.Level))
	}

	// 4 High and critical risks in detail.
	doc.H1(tr.T("riskreport.details"))
	detailed := 0
	for _, r := range d.Risks {
		if r.Status == risk.StatusClosed || r.Level.Rank() < risk.High.Rank() {
			continue
		}
		detailed++
		doc.H2(codeTitle(r, pick))
		kv := []string{
			tr.T("riskreport.level"), levelName(r.Level),
			tr.T("riskreport.category"), tr.T("risk.category." + string(r.Category)),
			tr.T("riskreport.unit"), unitName(r.UnitID),
			tr.T("riskreport.owner"), personName(r.OwnerID),
			tr.T("riskreport.cause"), orDash(r.Cause),
			tr.T("riskreport.consequence"), orDash(r.Consequence),
			tr.T("riskreport.controls"), orDash(r.Controls),
			tr.T("riskreport.treatment"), treatmentName(r.Treatment, tr),
			tr.T("riskreport.review_date"), orDash(r.ReviewDate),
		}
		doc.KV(kv...)
		if len(r.Actions) > 0 {
			at := doc.Table(tr.T("riskreport.action"), tr.T("riskreport.owner"), tr.T("riskreport.due"), tr.T("riskreport.done")).Widths(4, 1.5, 1.2, 0.8)
			for _, a := range r.Actions {
				done := tr.T("riskreport.no")
				if a.Done {
					done = tr.T("riskreport.yes")
				}
				at.TextRow(a.Description, personName(a.OwnerID), orDash(a.Due), done)
			}
		}
	}
	if detailed == 0 {
		doc.P(tr.T("riskreport.no_high"))
	}

	// 5 Overdue reviews and actions.
	doc.H1(tr.T("riskreport.overdue"))
	ot := doc.Table(tr.T("riskreport.risk"), tr.T("riskreport.what"), tr.T("riskreport.due"), tr.T("riskreport.owner")).Widths(3, 3, 1.2, 1.3)
	overdue := 0
	for _, r := range d.Risks {
		if r.Status == risk.StatusClosed {
			continue
		}
		if r.ReviewDate != "" && r.ReviewDate < d.Today {
			overdue++
			ot.TextRow(codeTitle(r, pick), tr.T("riskreport.review"), r.ReviewDate, personName(r.OwnerID))
		}
		for _, a := range r.Actions {
			if !a.Done && a.Due != "" && a.Due < d.Today {
				overdue++
				ot.TextRow(codeTitle(r, pick), a.Description, a.Due, personName(a.OwnerID))
			}
		}
	}
	if overdue == 0 {
		doc.Blocks = doc.Blocks[:len(doc.Blocks)-1]
		doc.P(tr.T("riskreport.nothing_overdue"))
	}
	return doc
}

// heatmapTable draws the matrix with the highest likelihood on top, each
// cell filled with its level's colour and holding the number of risks.
func heatmapTable(doc *document.Document, hm risk.Heatmap, pick func(zh, en string) string, tr i18n.Translator) {
	m := hm.Matrix
	header := []string{tr.T("riskreport.likelihood_impact")}
	for _, im := range m.Impact {
		header = append(header, pick(im.Label, im.LabelEn))
	}
	widths := []float64{1.6}
	for range m.Impact {
		widths = append(widths, 1)
	}
	t := doc.Table(header...).Widths(widths...)
	count := map[[2]int]int{}
	for _, c := range hm.Cells {
		count[[2]int{c.Likelihood, c.Impact}] = c.Count
	}
	for li := len(m.Likelihood) - 1; li >= 0; li-- {
		l := m.Likelihood[li]
		row := []document.Cell{document.C(pick(l.Label, l.LabelEn)).B()}
		for _, im := range m.Impact {
			level := m.LevelOf(l.Value * im.Value)
			c := document.C(strconv.Itoa(count[[2]int{l.Value, im.Value}])).Fill(levelColor(level)).Aligned(document.Center).B()
			if level != risk.Medium {
				c = c.Color(document.White)
			}
			row = append(row, c)
		}
		t.Row(row...)
	}
	t.Titled(tr.T("riskreport.heatmap_caption", hm.Total))
}

func codeTitle(r risk.Risk, pick func(zh, en string) string) string {
	title := pick(r.Title, r.TitleEn)
	if r.Code != "" {
		return r.Code + " " + title
	}
	return title
}

func ratingCell(r *risk.Rating) document.Cell {
	if r == nil {
		return document.C("—").Aligned(document.Center)
	}
	return document.C(fmt.Sprintf("%d×%d=%d", r.Likelihood, r.Impact, r.Score)).Aligned(document.Center)
}

func treatmentName(s risk.Strategy, tr i18n.Translator) string {
	if s == "" {
		return tr.T("riskreport.undecided")
	}
	return tr.T("riskreport.strategy." + string(s))
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// Formats are the formats the report is written in.
var Formats = []string{"docx", "pdf", "html"}

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
// risk-assessment-report-2026-11-30-zh.pdf.
func FileName(asOf time.Time, lang i18n.Lang, format string) string {
	l := "zh"
	if lang == i18n.EN {
		l = "en"
	}
	return "risk-assessment-report-" + asOf.Format(risk.DateLayout) + "-" + l + "." + format
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

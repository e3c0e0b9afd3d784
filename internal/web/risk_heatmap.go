package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// heatCell is one cell of the heatmap chart, read by risk.js.
type heatCell struct {
	X     int    `json:"x"` // impact index from 0
	Y     int    `json:"y"` // likelihood index from 0
	Count int    `json:"count"`
	Score int    `json:"score"`
	Color string `json:"color"`
	Label string `json:"label"`
	Href  string `json:"href,omitempty"`
}

// heatChart is the data of the heatmap chart.
type heatChart struct {
	Impacts     []string   `json:"impacts"`     // x axis, lowest first
	Likelihoods []string   `json:"likelihoods"` // y axis, lowest first
	Cells       []heatCell `json:"cells"`
	XName       string     `json:"x_name"`
	YName       string     `json:"y_name"`
	CountLabel  string     `json:"count_label"`
}

// unitTop is the highest ranked risks of one unit.
type unitTop struct {
	Unit  org.Unit
	Name  string
	Open  int // the unit's risks that are not closed
	Risks []riskRow
}

// heatmapPage is the heatmap of a matrix with its filters, the same grid
// as a table, and the top risks by unit.
type heatmapPage struct {
	Page
	MatrixID   string
	Kind       string
	KindLabel  string
	Category   string
	UnitID     string
	Matrices   []option
	Kinds      []option
	Categories []option
	Units      []option
	Grid       grid
	Chart      heatChart
	Total      int
	Bands      []levelBadge
	BandRanges []string
	Top        []unitTop
}

const topPerUnit = 5

// showHeatmap shows where the open risks sit on a matrix, by their current
// inherent or residual rating; each cell links to the register filtered to
// it.
func (h *handler) showHeatmap(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p := heatmapPage{Page: h.base(w, r, "risk.heatmap_title"), Kind: q.Get("kind"), Category: q.Get("category"), UnitID: q.Get("unit")}
	p.Scripts = []string{"echarts.min.js", "risk.js"}
	matrices, err := h.d.Risk.Matrices(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	m := findMatrix(matrices, q.Get("matrix"))
	if m == nil {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	p.MatrixID = m.ID
	if p.Kind != string(risk.Residual) {
		p.Kind = string(risk.Inherent)
	}
	hq := risk.HeatmapQuery{MatrixID: m.ID, Kind: risk.Kind(p.Kind), IDsPerCell: 1}
	if c := risk.Category(p.Category); c.Valid() {
		hq.Category = c
	} else {
		p.Category = ""
	}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if id, ok := parseID(p.UnitID); ok && id > 0 {
		if _, known := unitByID(units, id); known {
			hq.UnitID = id
		}
	}
	if hq.UnitID == 0 {
		p.UnitID = ""
	}
	hm, err := h.d.Risk.Heatmap(ctx, hq)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Total = hm.Total
	p.KindLabel = p.RiskKind(hq.Kind)
	p.Matrices = matrixOptions(p.Page, matrices, m.ID)
	for _, k := range []risk.Kind{risk.Inherent, risk.Residual} {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.RiskKind(k), Selected: string(k) == p.Kind})
	}
	p.Categories = categoryOptions(p.Page, p.Category, p.Tr.T("risk.all_categories"))
	p.Units = append([]option{{Value: "", Label: p.Tr.T("people.all_units")}}, unitOptions(p.Page, units, p.UnitID, nil)...)
	for _, b := range m.Bands {
		p.Bands = append(p.Bands, levelBadge{Level: b.Level, Label: p.L(b.Label, b.LabelEn), Class: levelClass(b.Level)})
		p.BandRanges = append(p.BandRanges, strconv.Itoa(b.Min)+"–"+strconv.Itoa(b.Max))
	}

	counts := map[[2]int]int{}
	for _, c := range hm.Cells {
		counts[[2]int{c.Likelihood, c.Impact}] = c.Count
	}
	cellURL := func(l, i int) string {
		v := url.Values{"kind": {p.Kind}, "matrix": {m.ID}, "likelihood": {strconv.Itoa(l)}, "impact": {strconv.Itoa(i)}}
		if p.Category != "" {
			v.Set("category", p.Category)
		}
		if p.UnitID != "" {
			v.Set("unit", p.UnitID)
		}
		return "/risks?" + v.Encode()
	}
	p.Grid = buildGrid(p.Page, m, func(c *gridCell) {
		c.Count = counts[[2]int{c.Likelihood, c.Impact}]
		c.Href = cellURL(c.Likelihood, c.Impact)
	})
	p.Chart = heatChart{XName: p.Tr.T("risk.impact"), YName: p.Tr.T("risk.likelihood"), CountLabel: p.Tr.T("risk.count"),
		Impacts: []string{}, Likelihoods: []string{}, Cells: []heatCell{}}
	for _, s := range m.Impact {
		p.Chart.Impacts = append(p.Chart.Impacts, p.L(s.Label, s.LabelEn))
	}
	for _, s := range m.Likelihood {
		p.Chart.Likelihoods = append(p.Chart.Likelihoods, p.L(s.Label, s.LabelEn))
	}
	for _, row := range p.Grid.Rows {
		for _, c := range row.Cells {
			hc := heatCell{X: c.Impact - 1, Y: c.Likelihood - 1, Count: c.Count, Score: c.Score, Label: c.Label}
			if b, ok := m.BandOf(c.Score); ok {
				hc.Color = b.Color
			}
			if c.Count > 0 {
				hc.Href = c.Href
			}
			p.Chart.Cells = append(p.Chart.Cells, hc)
		}
	}

	if p.Top, err = h.topByUnit(ctx, p.Page, units, hq, matrices); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "risk_heatmap", p)
}

// topByUnit lists the highest ranked open risks of each unit of the
// chosen subtree (each unit's own risks), units in tree order.
func (h *handler) topByUnit(ctx context.Context, p Page, units []org.Unit, hq risk.HeatmapQuery, matrices []risk.Matrix) ([]unitTop, error) {
	tops, err := h.d.Risk.TopRisks(ctx, risk.TopQuery{UnitID: hq.UnitID, Category: hq.Category, N: topPerUnit})
	if err != nil {
		return nil, err
	}
	names := unitNames(p, units)
	today := h.d.Risk.Today()
	var out []unitTop
	for _, top := range tops {
		t := unitTop{Unit: org.Unit{ID: top.UnitID}, Name: p.L(top.UnitName, top.UnitNameEn), Open: top.Open}
		if n, ok := names[top.UnitID]; ok {
			t.Name = n
		}
		for _, rk := range top.Risks {
			row := riskRow{Risk: rk, Rank: len(t.Risks) + 1, Name: p.L(rk.Title, rk.TitleEn), UnitName: t.Name,
				Overdue: rk.ReviewDate != "" && rk.ReviewDate < today && rk.Status != risk.StatusClosed}
			row.Badge = p.RiskLevel(rk.Level)
			if cur := p.ratingView(matrices, rk.Current()); cur != nil {
				row.Badge = cur.Badge
				row.Inh = cur
			}
			t.Risks = append(t.Risks, row)
		}
		if len(t.Risks) > 0 {
			out = append(out, t)
		}
	}
	return out, nil
}

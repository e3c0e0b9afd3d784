package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
)

const riskPageSize = 25

// riskRow is one line of the ranked register.
type riskRow struct {
	risk.Risk
	Rank      int
	Name      string
	UnitName  string
	OwnerName string
	Badge     levelBadge
	Inh       *ratingView
	Res       *ratingView
	Overdue   bool
}

// riskCellFilter describes the heatmap cell the register is narrowed to.
type riskCellFilter struct {
	Text     string
	ClearURL string
}

// riskListPage is the ranked risk register with its filters.
type riskListPage struct {
	Page
	Query      string
	Category   string
	UnitID     string
	Level      string
	OwnerID    string
	Status     string
	Overdue    bool
	Categories []option
	Units      []option
	Levels     []option
	Owners     []option
	Statuses   []option
	Cell       *riskCellFilter
	// The cell filter, kept in hidden inputs while other filters change.
	Kind, MatrixID, Likelihood, Impact string

	Risks   []riskRow
	Total   int
	PageNo  int
	Pages   int
	PrevURL string
	NextURL string
	Import  bool // the spreadsheet import and export are available
}

// Filtered reports whether any filter is set (for the empty message).
func (p riskListPage) Filtered() bool {
	return p.Query != "" || p.Category != "" || p.UnitID != "" || p.Level != "" || p.OwnerID != "" ||
		p.Status != "" || p.Overdue || p.Kind != ""
}

// values is the query string of the page's filters.
func (p riskListPage) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", p.Query)
	set("category", p.Category)
	set("unit", p.UnitID)
	set("level", p.Level)
	set("owner", p.OwnerID)
	set("status", p.Status)
	if p.Overdue {
		v.Set("overdue", "1")
	}
	set("kind", p.Kind)
	set("matrix", p.MatrixID)
	set("likelihood", p.Likelihood)
	set("impact", p.Impact)
	return v
}

func riskURL(v url.Values) string {
	if len(v) == 0 {
		return "/risks"
	}
	return "/risks?" + v.Encode()
}

// listRisks shows the register ranked by current level and score, highest
// first, with filters; the live filter asks for the results block only.
func (h *handler) listRisks(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	p := riskListPage{Page: h.base(w, r, "risk.title"), Import: riskIOAvailable}
	p.PageNo, _ = strconv.Atoi(q.Get("page"))
	if p.PageNo < 1 {
		p.PageNo = 1
	}
	f, units, matrices, err := h.riskFilter(ctx, &p, q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f.Limit, f.Offset = riskPageSize, (p.PageNo-1)*riskPageSize

	p.Categories = categoryOptions(p.Page, p.Category, p.Tr.T("risk.all_categories"))
	p.Units = append([]option{{Value: "", Label: p.Tr.T("people.all_units")}}, unitOptions(p.Page, units, p.UnitID, nil)...)
	p.Levels = levelOptions(p.Page, p.Level)
	p.Statuses = statusOptions(p.Page, p.Status, p.Tr.T("risk.all_statuses"))
	owners, err := h.candidates(ctx, p.Page, []string{p.OwnerID})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Owners = []option{{Value: "", Label: p.Tr.T("risk.all_owners")}}
	for _, o := range owners {
		o.Selected = o.Value == p.OwnerID
		p.Owners = append(p.Owners, o)
	}

	rs, total, err := h.d.Risk.Risks(ctx, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	unitName, people, err := h.riskNames(ctx, p.Page, rs)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	today := h.d.Risk.Today()
	for i, rk := range rs {
		row := riskRow{Risk: rk, Rank: f.Offset + i + 1, Name: p.L(rk.Title, rk.TitleEn), UnitName: unitName[rk.UnitID],
			Badge: p.RiskLevel(rk.Level), Inh: p.ratingView(matrices, rk.Inherent), Res: p.ratingView(matrices, rk.Residual),
			Overdue: rk.ReviewDate != "" && rk.ReviewDate < today && rk.Status != risk.StatusClosed}
		if cur := rk.Current(); cur != nil {
			row.Badge = p.ratingView(matrices, cur).Badge
		}
		if rk.OwnerID != nil {
			row.OwnerName = people[*rk.OwnerID]
		}
		p.Risks = append(p.Risks, row)
	}
	p.Total = total
	p.Pages = (total + riskPageSize - 1) / riskPageSize
	pageURL := func(n int) string {
		v := p.values()
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		return riskURL(v)
	}
	p.PrevURL, p.NextURL = pageURL(p.PageNo-1), pageURL(p.PageNo+1)
	if isPartial(r) && r.Header.Get("HX-Target") == "risk-results" {
		h.renderPartial(w, r, http.StatusOK, "risk_list", "risk_results", p)
		return
	}
	h.render(w, r, http.StatusOK, "risk_list", p)
}

// riskFilter reads the register's filters from the query into p and the
// service filter. Unknown choices are dropped rather than refused: they
// come from links and bookmarks.
func (h *handler) riskFilter(ctx context.Context, p *riskListPage, q url.Values) (risk.Filter, []org.Unit, []risk.Matrix, error) {
	p.Query, p.Category, p.UnitID, p.Level = strings.TrimSpace(q.Get("q")), q.Get("category"), q.Get("unit"), q.Get("level")
	p.OwnerID, p.Status, p.Overdue = q.Get("owner"), q.Get("status"), q.Get("overdue") != ""
	f := risk.Filter{Query: p.Query, OverdueReview: p.Overdue}
	if c := risk.Category(p.Category); c.Valid() {
		f.Category = c
	} else {
		p.Category = ""
	}
	if l := risk.Level(p.Level); l.Valid() {
		f.Level = l
	} else {
		p.Level = ""
	}
	switch s := risk.Status(p.Status); s {
	case risk.StatusOpen, risk.StatusTreated, risk.StatusAccepted, risk.StatusClosed:
		f.Status = s
	default:
		p.Status = ""
	}
	if id, ok := parseID(p.OwnerID); ok && id > 0 {
		f.OwnerID = id
	} else {
		p.OwnerID = ""
	}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return f, nil, nil, err
	}
	if id, ok := parseID(p.UnitID); ok && id > 0 {
		if _, known := unitByID(units, id); known {
			f.UnitID = id
		}
	}
	if f.UnitID == 0 {
		p.UnitID = ""
	}
	matrices, err := h.d.Risk.Matrices(ctx)
	if err != nil {
		return f, nil, nil, err
	}
	h.cellFilter(p, &f, q, matrices)
	return f, units, matrices, nil

}

// cellFilter reads the heatmap cell a click-through narrows the register
// to (kind, matrix, likelihood, impact) and describes it.
func (h *handler) cellFilter(p *riskListPage, f *risk.Filter, q url.Values, matrices []risk.Matrix) {
	kind := risk.Kind(q.Get("kind"))
	if kind != risk.Inherent && kind != risk.Residual {
		return
	}
	var m *risk.Matrix
	for i := range matrices {
		if matrices[i].ID == q.Get("matrix") {
			m = &matrices[i]
		}
	}
	if m == nil {
		return
	}
	l, _ := strconv.Atoi(q.Get("likelihood"))
	i, _ := strconv.Atoi(q.Get("impact"))
	if l < 0 || l > len(m.Likelihood) {
		l = 0
	}
	if i < 0 || i > len(m.Impact) {
		i = 0
	}
	f.Kind, f.MatrixID, f.Likelihood, f.Impact = kind, m.ID, l, i
	p.Kind, p.MatrixID = string(kind), m.ID
	parts := []string{p.RiskKind(kind), p.L(m.Name, m.NameEn)}
	if l > 0 {
		p.Likelihood = strconv.Itoa(l)
		parts = append(parts, p.Tr.T("risk.likelihood")+" "+p.L(m.Likelihood[l-1].Label, m.Likelihood[l-1].LabelEn))
	}
	if i > 0 {
		p.Impact = strconv.Itoa(i)
		parts = append(parts, p.Tr.T("risk.impact")+" "+p.L(m.Impact[i-1].Label, m.Impact[i-1].LabelEn))
	}
	v := p.values()
	for _, k := range []string{"kind", "matrix", "likelihood", "impact"} {
		v.Del(k)
	}
	p.Cell = &riskCellFilter{Text: strings.Join(parts, " · "), ClearURL: riskURL(v)}
}

package web

import (
	"context"
	"errors"
	"regexp"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// Shared pieces of the risk pages: level badges, choices of the selects,
// the matrix grids and the wording of the risk service's errors.

// levelBadge is a risk level as the pages show it: the Chinese enterprise
// grade (重大/较大/一般/低) or its English name, in the level's colour.
type levelBadge struct {
	Level risk.Level
	Label string
	Class string // lvl-1 (red) … lvl-4 (blue)
}

// levelClass maps a level onto the red/orange/yellow/blue classes of
// app.css (lvl-1 is the most severe).
func levelClass(l risk.Level) string {
	switch l {
	case risk.Critical:
		return "lvl-1"
	case risk.High:
		return "lvl-2"
	case risk.Medium:
		return "lvl-3"
	case risk.Low:
		return "lvl-4"
	}
	return "muted"
}

// RiskLevel returns the badge of a level; an empty level (not yet
// assessed) gives a muted "not assessed" badge.
func (p Page) RiskLevel(l risk.Level) levelBadge {
	if !l.Valid() {
		return levelBadge{Label: p.Tr.T("risk.not_assessed"), Class: "muted"}
	}
	zh, en := risk.LevelLabel(l)
	return levelBadge{Level: l, Label: p.L(zh, en), Class: levelClass(l)}
}

// bandBadge is the badge of a matrix band, with the matrix's own labels.
func (p Page) bandBadge(m *risk.Matrix, score int) levelBadge {
	b, ok := m.BandOf(score)
	if !ok {
		return p.RiskLevel("")
	}
	return levelBadge{Level: b.Level, Label: p.L(b.Label, b.LabelEn), Class: levelClass(b.Level)}
}

// RiskCategory names a category in the page language.
func (p Page) RiskCategory(c risk.Category) string {
	if c == "" {
		return ""
	}
	return p.Tr.T("risk.category." + string(c))
}

// RiskStatus names a status in the page language.
func (p Page) RiskStatus(s risk.Status) string { return p.Tr.T("risk.status." + string(s)) }

// RiskStrategy names a treatment strategy; "" is "not decided".
func (p Page) RiskStrategy(s risk.Strategy) string {
	if s == "" {
		return p.Tr.T("risk.treatment.none")
	}
	return p.Tr.T("risk.treatment." + string(s))
}

// RiskKind names an assessment kind.
func (p Page) RiskKind(k risk.Kind) string { return p.Tr.T("risk.kind." + string(k)) }

func categoryOptions(p Page, selected, blank string) []option {
	out := []option{{Value: "", Label: blank}}
	for _, c := range risk.Categories {
		out = append(out, option{Value: string(c), Label: p.RiskCategory(c), Selected: string(c) == selected})
	}
	return out
}

func statusOptions(p Page, selected, blank string) []option {
	var out []option
	if blank != "" {
		out = append(out, option{Value: "", Label: blank})
	}
	for _, s := range risk.Statuses {
		out = append(out, option{Value: string(s), Label: p.RiskStatus(s), Selected: string(s) == selected})
	}
	return out
}

func levelOptions(p Page, selected string) []option {
	out := []option{{Value: "", Label: p.Tr.T("risk.all_levels")}}
	for i := len(risk.Levels) - 1; i >= 0; i-- {
		l := risk.Levels[i]
		out = append(out, option{Value: string(l), Label: p.RiskLevel(l).Label, Selected: string(l) == selected})
	}
	return out
}

func strategyOptions(p Page, selected string) []option {
	out := []option{{Value: "", Label: p.RiskStrategy(""), Selected: selected == ""}}
	for _, s := range risk.Strategies {
		out = append(out, option{Value: string(s), Label: p.RiskStrategy(s), Selected: string(s) == selected})
	}
	return out
}

func matrixOptions(p Page, ms []risk.Matrix, selected string) []option {
	out := make([]option, 0, len(ms))
	for _, m := range ms {
		out = append(out, option{Value: m.ID, Label: p.L(m.Name, m.NameEn), Selected: m.ID == selected})
	}
	return out
}

// findMatrix returns the matrix with the id, or the 5×5 (else the first)
// when there is none: the default of the pages.
func findMatrix(ms []risk.Matrix, id string) *risk.Matrix {
	for i := range ms {
		if ms[i].ID == id {
			return &ms[i]
		}
	}
	for i := range ms {
		if ms[i].ID == "5x5" {
			return &ms[i]
		}
	}
	if len(ms) > 0 {
		return &ms[0]
	}
	return nil
}

// gridCell is one likelihood × impact cell of a matrix as the pages draw
// it: the assessment grid of the detail page and the heatmap table.
type gridCell struct {
	Likelihood int
	Impact     int
	Score      int
	Badge      levelBadge
	Count      int
	Href       string // the register filtered to the cell (heatmap)
	Value      string // "matrix:likelihood:impact" (assessment grid)
	Checked    bool
	Marks      []string // "inherent"/"residual": where the risk sits now
	Label      string   // e.g. "Likelihood Possible × impact Major: score 12, High"
}

// gridRow is one likelihood of a grid, highest first (the top row).
type gridRow struct {
	Likelihood int
	Label      string
	Cells      []gridCell
}

// grid is a matrix drawn as rows of likelihood (highest on top) by columns
// of impact (lowest on the left).
type grid struct {
	Matrix  *risk.Matrix
	Name    string
	Impacts []string
	Rows    []gridRow
}

// buildGrid lays out a matrix; cell, when given, fills in each cell.
func buildGrid(p Page, m *risk.Matrix, cell func(c *gridCell)) grid {
	g := grid{Matrix: m, Name: p.L(m.Name, m.NameEn)}
	for _, s := range m.Impact {
		g.Impacts = append(g.Impacts, p.L(s.Label, s.LabelEn))
	}
	for l := len(m.Likelihood); l >= 1; l-- {
		row := gridRow{Likelihood: l, Label: p.L(m.Likelihood[l-1].Label, m.Likelihood[l-1].LabelEn)}
		for i := 1; i <= len(m.Impact); i++ {
			c := gridCell{Likelihood: l, Impact: i, Score: l * i, Badge: p.bandBadge(m, l*i)}
			c.Label = p.Tr.T("risk.cell_label", row.Label, g.Impacts[i-1], c.Score, c.Badge.Label)
			if cell != nil {
				cell(&c)
			}
			row.Cells = append(row.Cells, c)
		}
		g.Rows = append(g.Rows, row)
	}
	return g
}

// ratingView is a current rating as the pages show it.
type ratingView struct {
	risk.Rating
	Badge      levelBadge
	Matrix     string
	Likelihood string
	Impact     string
}

func (p Page) ratingView(ms []risk.Matrix, r *risk.Rating) *ratingView {
	if r == nil {
		return nil
	}
	v := &ratingView{Rating: *r, Badge: p.RiskLevel(r.Level), Matrix: r.MatrixID,
		Likelihood: strconv.Itoa(r.Likelihood), Impact: strconv.Itoa(r.Impact)}
	for i := range ms {
		m := &ms[i]
		if m.ID != r.MatrixID {
			continue
		}
		v.Matrix = p.L(m.Name, m.NameEn)
		v.Badge = p.bandBadge(m, r.Score)
		if r.Likelihood >= 1 && r.Likelihood <= len(m.Likelihood) {
			v.Likelihood = p.L(m.Likelihood[r.Likelihood-1].Label, m.Likelihood[r.Likelihood-1].LabelEn)
		}
		if r.Impact >= 1 && r.Impact <= len(m.Impact) {
			v.Impact = p.L(m.Impact[r.Impact-1].Label, m.Impact[r.Impact-1].LabelEn)
		}
	}
	return v
}

// riskRules word the risk service's own messages; the general rules of
// messages.go cover the rest.
var riskRules = []struct {
	re  *regexp.Regexp
	key string
	arg bool // the first group is a number to pass on
	str bool // the first group is a text to pass on
}{
	{regexp.MustCompile(`^must be between 1 and (\d+)( on matrix .+)?$`), "risk.err.range", true, false},
	{regexp.MustCompile(`^must be a date as YYYY-MM-DD$`), "risk.err.date", false, false},
	{regexp.MustCompile(`^must be inherent or residual$`), "validation.choose", false, false},
	{regexp.MustCompile(`^a residual rating needs an inherent rating first$`), "risk.err.residual_first", false, false},
	{regexp.MustCompile(`^must be \S+, the matrix of the inherent rating$`), "risk.err.same_matrix", false, false},
	{regexp.MustCompile(`^no matrix `), "risk.err.no_matrix", false, false},
	{regexp.MustCompile(`^accepted goes with the treatment accept`), "risk.err.accepted", false, false},
	{regexp.MustCompile(`^at most (\d+) actions$`), "risk.err.too_many_actions", true, false},
	{regexp.MustCompile(`^is required with a matrix, likelihood or impact$`), "validation.required", false, false},
	{regexp.MustCompile(`^no process with id (\d+)$`), "risk.err.no_process_id", true, false},
	{regexp.MustCompile(`^no process with code (.+)$`), "risk.err.no_process_code", false, true},
}

// localizeRisk returns err with the risk service's field messages in the
// page language, so that setErr shows them as they are.
func localizeRisk(tr i18n.Translator, err error) error {
	var e *errs.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	cp := *e
	cp.Fields = make([]errs.FieldError, len(e.Fields))
	for i, fe := range e.Fields {
		for _, rule := range riskRules {
			if m := rule.re.FindStringSubmatch(fe.Message); m != nil {
				if rule.arg {
					n, _ := strconv.Atoi(m[1])
					fe.Message = tr.T(rule.key, n)
				} else if rule.str {
					fe.Message = tr.T(rule.key, m[1])
				} else {
					fe.Message = tr.T(rule.key)
				}
				break
			}
		}
		cp.Fields[i] = fe
	}
	return &cp
}

// riskNames gives the unit and people names a list of risks shows.
func (h *handler) riskNames(ctx context.Context, p Page, rs []risk.Risk) (units map[int64]string, people map[int64]string, err error) {
	all, err := h.d.Org.Units(ctx)
	if err != nil {
		return nil, nil, err
	}
	units = unitNames(p, all)
	var ids []int64
	for _, r := range rs {
		if r.OwnerID != nil {
			ids = append(ids, *r.OwnerID)
		}
		for _, a := range r.Actions {
			if a.OwnerID != nil {
				ids = append(ids, *a.OwnerID)
			}
		}
	}
	people = map[int64]string{}
	if len(ids) == 0 {
		return units, people, nil
	}
	found, err := h.d.Org.PeopleByIDs(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	for id, person := range found {
		people[id] = p.L(person.Name, person.NameEn)
	}
	return units, people, nil
}

// unitByID finds a unit in a list.
func unitByID(units []org.Unit, id int64) (org.Unit, bool) {
	for _, u := range units {
		if u.ID == id {
			return u, true
		}
	}
	return org.Unit{}, false
}

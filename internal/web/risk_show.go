package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// assessmentRow is one line of a risk's assessment history.
type assessmentRow struct {
	risk.Assessment
	Badge      levelBadge
	Matrix     string
	Likelihood string
	Impact     string
}

// PredictabilityKey is the catalog key of the predictability, "" when not
// rated.
func (a assessmentRow) PredictabilityKey() string {
	if a.Predictability == nil {
		return ""
	}
	return "risk.predictability." + strconv.Itoa(*a.Predictability)
}

// actionView is a treatment action as the detail page lists it.
type actionView struct {
	risk.Action
	OwnerName string
	Overdue   bool
}

// trendPoint is one assessment on the trend chart.
type trendPoint struct {
	At    string `json:"at"` // RFC 3339
	Score int    `json:"score"`
	Level string `json:"level"`
}

// riskTrend is the data of the trend chart, read by risk.js.
type riskTrend struct {
	Inherent      []trendPoint      `json:"inherent"`
	Residual      []trendPoint      `json:"residual"`
	InherentLabel string            `json:"inherent_label"`
	ResidualLabel string            `json:"residual_label"`
	ScoreLabel    string            `json:"score_label"`
	Colors        map[string]string `json:"colors"` // level → colour
	Max           int               `json:"max"`
}

// assessForm holds the assessment form as typed.
type assessForm struct {
	Kind           string
	MatrixID       string
	Likelihood     string
	Impact         string
	Predictability string
	Note           string
}

// assessGrid is the grid of one matrix in the assessment form.
type assessGrid struct {
	G      grid
	Active bool
}

// riskPage is one risk with its ratings, history, trend and, for those
// who may change it, the assessment form.
type riskPage struct {
	Page
	formState
	Risk        risk.Risk
	Name        string
	UnitName    string
	OwnerName   string
	Processes   []option // affected business processes: id and name
	Badge       levelBadge
	Inh         *ratingView
	Res         *ratingView
	Overdue     bool
	Actions     []actionView
	History     []assessmentRow
	Trend       riskTrend
	CanEdit     bool
	Form        assessForm
	Kinds       []option
	Matrices    []option
	Grids       []assessGrid
	Predictable []option

	// HiddenProcesses counts the linked processes of a viewer who may not
	// see the business impact analysis.
	HiddenProcesses int
}

// showRisk shows a risk.
func (h *handler) showRisk(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	p, err := h.riskPage(r.Context(), w, r, id, assessForm{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "risk", p)
}

func (h *handler) riskPage(ctx context.Context, w http.ResponseWriter, r *http.Request, id int64, f assessForm) (riskPage, error) {
	p := riskPage{Page: h.base(w, r, "")}
	rk, err := h.d.Risk.Risk(ctx, id)
	if err != nil {
		return p, err
	}
	matrices, err := h.d.Risk.Matrices(ctx)
	if err != nil {
		return p, err
	}
	history, err := h.d.Risk.Assessments(ctx, id)
	if err != nil {
		return p, err
	}
	units, people, err := h.riskNames(ctx, p.Page, []risk.Risk{rk})
	if err != nil {
		return p, err
	}
	p.Risk, p.Name = rk, p.L(rk.Title, rk.TitleEn)
	p.Title = p.Name
	p.UnitName = units[rk.UnitID]
	if rk.OwnerID != nil {
		p.OwnerName = people[*rk.OwnerID]
	}
	// The linked processes only, looked up by id: never the whole BIA.
	if len(rk.ProcessIDs) > 0 && h.biaReadable(p.principal) {
		chosen := make([]string, len(rk.ProcessIDs))
		for i, pid := range rk.ProcessIDs {
			chosen[i] = idString(pid)
		}
		if p.Processes, err = h.linkedProcesses(ctx, p.Page, nil, chosen); err != nil {
			return p, err
		}
	} else {
		p.HiddenProcesses = len(rk.ProcessIDs)
	}
	p.Inh, p.Res = p.ratingView(matrices, rk.Inherent), p.ratingView(matrices, rk.Residual)
	p.Badge = p.RiskLevel(rk.Level)
	if cur := p.Res; cur != nil {
		p.Badge = cur.Badge
	} else if p.Inh != nil {
		p.Badge = p.Inh.Badge
	}
	today := h.d.Risk.Today()
	p.Overdue = rk.ReviewDate != "" && rk.ReviewDate < today && rk.Status != risk.StatusClosed
	for _, a := range rk.Actions {
		av := actionView{Action: a, Overdue: !a.Done && a.Due != "" && a.Due < today}
		if a.OwnerID != nil {
			av.OwnerName = people[*a.OwnerID]
		}
		p.Actions = append(p.Actions, av)
	}

	// History, newest first; the chart reads it oldest first.
	p.Trend = riskTrend{InherentLabel: p.RiskKind(risk.Inherent), ResidualLabel: p.RiskKind(risk.Residual),
		ScoreLabel: p.Tr.T("risk.score"), Inherent: []trendPoint{}, Residual: []trendPoint{},
		Colors: map[string]string{string(risk.Low): risk.ColorLow, string(risk.Medium): risk.ColorMedium,
			string(risk.High): risk.ColorHigh, string(risk.Critical): risk.ColorCritical}}
	for _, a := range history {
		rv := p.ratingView(matrices, &risk.Rating{MatrixID: a.MatrixID, Likelihood: a.Likelihood, Impact: a.Impact, Score: a.Score, Level: a.Level})
		p.History = append([]assessmentRow{{Assessment: a, Badge: rv.Badge, Matrix: rv.Matrix, Likelihood: rv.Likelihood, Impact: rv.Impact}}, p.History...)
		pt := trendPoint{At: a.AssessedAt.UTC().Format(time.RFC3339), Score: a.Score, Level: string(a.Level)}
		if a.Kind == risk.Residual {
			p.Trend.Residual = append(p.Trend.Residual, pt)
		} else {
			p.Trend.Inherent = append(p.Trend.Inherent, pt)
		}
		if m := findMatrix(matrices, a.MatrixID); m != nil && m.ID == a.MatrixID && m.MaxScore() > p.Trend.Max {
			p.Trend.Max = m.MaxScore()
		}
	}
	if len(history) > 0 {
		p.Scripts = []string{"echarts.min.js", "risk.js"}
	}

	// Only those who may write on the risk's unit get the edit controls.
	if path, err := h.d.Org.UnitPath(ctx, rk.UnitID); err == nil {
		p.CanEdit = p.principal.On(authz.RiskWrite, path)
	}
	if p.CanEdit {
		h.fillAssessForm(&p, matrices, f)
		if len(p.Scripts) == 0 {
			p.Scripts = []string{"risk.js"}
		}
	}
	return p, nil
}

// fillAssessForm prepares the assessment form: the kind and matrix to
// offer first, and a grid per matrix on which likelihood and impact are
// picked, coloured by level and marked where the risk sits now.
func (h *handler) fillAssessForm(p *riskPage, matrices []risk.Matrix, f assessForm) {
	rk := p.Risk
	if f.Kind == "" {
		f.Kind = string(risk.Inherent)
		if rk.Inherent != nil {
			f.Kind = string(risk.Residual)
		}
	}
	if f.MatrixID == "" {
		if rk.Inherent != nil {
			f.MatrixID = rk.Inherent.MatrixID
		} else if m := findMatrix(matrices, ""); m != nil {
			f.MatrixID = m.ID
		}
	}
	p.Form = f
	for _, k := range []risk.Kind{risk.Inherent, risk.Residual} {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.RiskKind(k), Selected: string(k) == f.Kind})
	}
	p.Matrices = matrixOptions(p.Page, matrices, f.MatrixID)
	p.Predictable = []option{{Value: "", Label: p.Tr.T("risk.predictability.none"), Selected: f.Predictability == ""}}
	for i := 1; i <= risk.MaxPredictability; i++ {
		v := strconv.Itoa(i)
		p.Predictable = append(p.Predictable, option{Value: v, Label: p.Tr.T("risk.predictability." + v), Selected: v == f.Predictability})
	}
	for i := range matrices {
		m := &matrices[i]
		g := buildGrid(p.Page, m, func(c *gridCell) {
			l, im := strconv.Itoa(c.Likelihood), strconv.Itoa(c.Impact)
			c.Value = m.ID + ":" + l + ":" + im
			c.Checked = m.ID == f.MatrixID && l == f.Likelihood && im == f.Impact
			for _, cur := range []struct {
				k  risk.Kind
				rt *risk.Rating
			}{{risk.Inherent, rk.Inherent}, {risk.Residual, rk.Residual}} {
				if cur.rt != nil && cur.rt.MatrixID == m.ID && cur.rt.Likelihood == c.Likelihood && cur.rt.Impact == c.Impact {
					c.Marks = append(c.Marks, string(cur.k))
				}
			}
		})
		p.Grids = append(p.Grids, assessGrid{G: g, Active: m.ID == f.MatrixID})
	}
}

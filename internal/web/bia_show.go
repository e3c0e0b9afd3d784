package web

import (
	"context"
	"net/http"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
)

// biaDependencyView is a dependency as a process page lists it.
type biaDependencyView struct {
	bia.Dependency
	From        bia.Node
	To          bia.Node
	Alternative *bia.Node
	// AsAlternative: the process stands in for To (downstream list).
	AsAlternative bool
}

// biaCurve is the data of the impact chart, read by bia.js.
type biaCurve struct {
	Times       []string         `json:"times"`
	Series      []biaCurveSeries `json:"series"`
	Intolerable int              `json:"intolerable"`
	Levels      []string         `json:"levels"` // names of levels 1..5
	LevelLabel  string           `json:"level_label"`
	TimeLabel   string           `json:"time_label"`
	MTPDIndex   int              `json:"mtpd_index"` // the time point of the MTPD, -1 when none
	MTPDLabel   string           `json:"mtpd_label"`
}

type biaCurveSeries struct {
	Name string `json:"name"`
	Data []*int `json:"data"` // level per time point, null when not rated
}

// biaProcessPage is one process with its values, impacts over time,
// dependencies, RTO feasibility and questionnaires.
type biaProcessPage struct {
	Page
	Process    bia.Process
	Name       string
	UnitName   string
	OwnerName  string
	Settings   bia.Settings
	Impacts    []biaImpactRow // levels and amounts by category and time point
	Curve      biaCurve
	HasImpacts bool
	Upstream   []biaDependencyView
	Downstream []biaDependencyView
	Gaps       []bia.Gap
	Answers    []bia.Answer
	Campaigns  map[int64]string
	CanEdit    bool
}

// showBIAProcess shows a process.
func (h *handler) showBIAProcess(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	p, err := h.biaProcessPage(r.Context(), w, r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "bia_process", p)
}

func (h *handler) biaProcessPage(ctx context.Context, w http.ResponseWriter, r *http.Request, id int64) (biaProcessPage, error) {
	p := biaProcessPage{Page: h.base(w, r, "")}
	pr, err := h.d.BIA.Process(ctx, id)
	if err != nil {
		return p, err
	}
	if p.Settings, err = h.d.BIA.Settings(ctx); err != nil {
		return p, err
	}
	var owners []int64
	if pr.OwnerID != nil {
		owners = append(owners, *pr.OwnerID)
	}
	units, unitName, people, err := h.biaNames(ctx, p.Page, owners)
	if err != nil {
		return p, err
	}
	p.Process, p.Name, p.UnitName = pr, p.L(pr.Name, pr.NameEn), unitName[pr.UnitID]
	p.Title = p.Name
	if pr.OwnerID != nil {
		p.OwnerName = people[*pr.OwnerID]
	}
	if u, ok := unitByID(units, pr.UnitID); ok {
		p.CanEdit = p.principal.On(authz.BIAWrite, u.Path)
	}

	// Impacts: the grid of the current values and the curve per category.
	vf := valuesForm(p.Settings, pr.Values)
	p.Impacts = vf.Rows
	p.HasImpacts = len(pr.Impacts) > 0
	p.Curve = biaCurve{Intolerable: p.Settings.Intolerable, LevelLabel: p.Tr.T("bia.level"), TimeLabel: p.Tr.T("bia.time_after"), MTPDIndex: -1,
		MTPDLabel: "MTPD"}
	for i, t := range p.Settings.TimePoints {
		p.Curve.Times = append(p.Curve.Times, p.BIADuration(t))
		if pr.MTPDMinutes != nil && *pr.MTPDMinutes == t {
			p.Curve.MTPDIndex = i
		}
	}
	for l := 1; l <= bia.MaxLevel; l++ {
		p.Curve.Levels = append(p.Curve.Levels, p.BIALevel(l))
	}
	at := map[string]int{}
	for _, ip := range pr.Impacts {
		at[impactField(ip.Category, ip.AfterMinutes)] = ip.Level
	}
	for _, c := range bia.Categories {
		s := biaCurveSeries{Name: p.BIACategory(c)}
		any := false
		for _, t := range p.Settings.TimePoints {
			if l, ok := at[impactField(c, t)]; ok {
				l := l
				s.Data = append(s.Data, &l)
				any = true
			} else {
				s.Data = append(s.Data, nil)
			}
		}
		if any {
			p.Curve.Series = append(p.Curve.Series, s)
		}
	}

	// Dependencies, named from the graph.
	deps, err := h.d.BIA.Dependencies(ctx, pr.Ref())
	if err != nil {
		return p, err
	}
	nodes, err := h.d.BIA.Nodes(ctx, dependencyRefs(deps)...)
	if err != nil {
		return p, err
	}
	for _, d := range deps {
		dv := biaDependencyView{Dependency: d, From: refNode(nodes, d.From), To: refNode(nodes, d.To)}
		if d.Alternative != "" {
			alt := refNode(nodes, d.Alternative)
			dv.Alternative = &alt
		}
		switch {
		case d.From == pr.Ref():
			p.Upstream = append(p.Upstream, dv)
		default:
			dv.AsAlternative = d.Alternative == pr.Ref()
			p.Downstream = append(p.Downstream, dv)
		}
	}

	feas, err := h.d.BIA.FeasibilityReport(ctx)
	if err != nil {
		return p, err
	}
	if g := feas.GapOf(pr.ID); g != nil {
		p.Gaps = []bia.Gap{*g}
	}
	if p.Answers, err = h.d.BIA.Answers(ctx, bia.AnswerFilter{ProcessID: pr.ID}); err != nil {
		return p, err
	}
	if len(p.Answers) > 0 {
		cs, err := h.d.BIA.Campaigns(ctx)
		if err != nil {
			return p, err
		}
		p.Campaigns = map[int64]string{}
		for _, c := range cs {
			p.Campaigns[c.ID] = p.L(c.Name, c.NameEn)
		}
	}
	p.Scripts = []string{"echarts.min.js", "bia.js"}
	return p, nil
}

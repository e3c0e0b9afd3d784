package web

import (
	"net/http"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/plan"
)

// planDiffPage compares two versions of a plan part by part.
type planDiffPage struct {
	Page
	Plan      plan.Plan
	Name      string
	Diff      plan.Diff
	Versions  []plan.VersionSummary
	FromTitle string
	ToTitle   string
	// ShowAll lists unchanged parts too.
	ShowAll bool
}

// PartTitle names a compared part in the page language.
func (p planDiffPage) PartTitle(d plan.PartDiff) string { return p.L(d.Title, d.TitleEn) }

// ChangeLabel labels how a part changed.
func (p planDiffPage) ChangeLabel(c plan.Change) planBadge {
	class := map[plan.Change]string{plan.Changed: "warn", plan.Added: "ok", plan.Removed: "danger"}[c]
	if class == "" {
		class = "muted"
	}
	return planBadge{Label: p.Tr.T("planweb.change." + string(c)), Class: class}
}

// showPlanDiff compares version ?from= with version ?to=: each section and
// playbook unchanged, changed, added or removed, with a line diff.
func (h *handler) showPlanDiff(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	pl, err := h.d.Plan.Plan(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	from, errFrom := strconv.Atoi(q.Get("from"))
	to, errTo := strconv.Atoi(q.Get("to"))
	if errFrom != nil || errTo != nil {
		http.Redirect(w, r, "/plans/"+idString(id)+"/versions", http.StatusSeeOther)
		return
	}
	d, err := h.d.Plan.Diff(ctx, id, from, to)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	vs, err := h.d.Plan.Versions(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := planDiffPage{Page: h.base(w, r, "planweb.diff_title"), Plan: pl, Diff: d, Versions: vs, ShowAll: q.Get("all") != ""}
	p.Name = p.L(pl.Title, pl.TitleEn)
	for _, v := range vs {
		if v.Number == from {
			p.FromTitle = p.L(v.Title, v.TitleEn)
		}
		if v.Number == to {
			p.ToTitle = p.L(v.Title, v.TitleEn)
		}
	}
	h.render(w, r, http.StatusOK, "plan_diff", p)
}

// Itoa writes a number, for comparing with select values.
func (p planDiffPage) Itoa(n int) string { return strconv.Itoa(n) }

// diffLine is a line of a shown line diff; Skipped > 0 stands for that
// many unchanged lines left out.
type diffLine struct {
	plan.Line
	Skipped int
}

// diffContext is how many unchanged lines are kept around each change.
const diffContext = 2

// Lines shortens a line diff to its changes with diffContext unchanged
// lines around each; longer unchanged runs are folded into one marker.
func (p planDiffPage) Lines(ls []plan.Line) []diffLine {
	keep := make([]bool, len(ls))
	for i, l := range ls {
		if l.Op == plan.Equal {
			continue
		}
		for j := max(i-diffContext, 0); j <= min(i+diffContext, len(ls)-1); j++ {
			keep[j] = true
		}
	}
	var out []diffLine
	skipped := 0
	for i, l := range ls {
		if keep[i] {
			if skipped > 0 {
				out = append(out, diffLine{Skipped: skipped})
				skipped = 0
			}
			out = append(out, diffLine{Line: l})
			continue
		}
		skipped++
	}
	if skipped > 0 {
		out = append(out, diffLine{Skipped: skipped})
	}
	return out
}

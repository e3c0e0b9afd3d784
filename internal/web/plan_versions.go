package web

import (
	"net/http"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/plan"
)

// planVersionsPage lists a plan's versions with a form to compare two.
type planVersionsPage struct {
	Page
	Plan     plan.Plan
	Name     string
	Versions []plan.VersionSummary
	From, To int
}

// listPlanVersions shows every version of a plan, newest first: status,
// author, publication, change note and its documents.
func (h *handler) listPlanVersions(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	pl, err := h.d.Plan.Plan(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	vs, err := h.d.Plan.Versions(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := planVersionsPage{Page: h.base(w, r, "planweb.versions"), Plan: pl, Name: "", Versions: vs}
	p.Name = p.L(pl.Title, pl.TitleEn)
	// By default compare the version in force (or the one before the
	// newest) with the newest.
	p.To = pl.LatestVersion
	p.From = pl.PublishedVersion
	if p.From == 0 || p.From == p.To {
		p.From = max(p.To-1, 1)
	}
	h.render(w, r, http.StatusOK, "plan_versions", p)
}

// Itoa writes a number, for comparing with select values.
func (p planVersionsPage) Itoa(n int) string { return strconv.Itoa(n) }

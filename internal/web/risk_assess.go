package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// assessRisk records an inherent or residual rating of a risk. Likelihood
// and impact come from the cell picked on the grid ("matrix:l:i"), or from
// the likelihood and impact fields when no cell was picked; the service
// computes score and level from the matrix.
func (h *handler) assessRisk(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pf := r.PostFormValue
	f := assessForm{Kind: pf("kind"), MatrixID: pf("matrix_id"), Likelihood: strings.TrimSpace(pf("likelihood")),
		Impact: strings.TrimSpace(pf("impact")), Predictability: strings.TrimSpace(pf("predictability")), Note: pf("note")}
	if cell := pf("cell"); cell != "" {
		// Without scripts every matrix's grid is shown: the cell names its
		// matrix, which then wins over the select.
		if parts := strings.Split(cell, ":"); len(parts) == 3 {
			f.MatrixID, f.Likelihood, f.Impact = parts[0], parts[1], parts[2]
		}
	}
	a := risk.Assessment{RiskID: id, Kind: risk.Kind(f.Kind), MatrixID: f.MatrixID, Note: f.Note}
	var v errs.Validation
	var err error
	if a.Likelihood, err = strconv.Atoi(f.Likelihood); err != nil {
		v.Add("likelihood", "is required")
	}
	if a.Impact, err = strconv.Atoi(f.Impact); err != nil {
		v.Add("impact", "is required")
	}
	if f.Predictability != "" {
		n, err := strconv.Atoi(f.Predictability)
		if err != nil {
			v.Add("predictability", "must be a whole number")
		}
		a.Predictability = &n
	}
	err = v.Err()
	if err == nil {
		_, err = h.d.Risk.Assess(ctx, a)
	}
	if err != nil {
		p, perr := h.riskPage(ctx, w, r, id, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		if !p.CanEdit {
			h.fail(w, r, err)
			return
		}
		if !p.setErr(p.Tr, localizeRisk(p.Tr, err), "kind", "matrix_id", "likelihood", "impact", "predictability", "note") {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "risk", p)
		return
	}
	h.flash(w, "ok", "risk.assessed")
	http.Redirect(w, r, "/risks/"+idString(id)+"#history", http.StatusSeeOther)
}

package web

import (
	"net/http"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/plangen"
)

// generatePlan drafts the chosen input and stores it: the plan in the
// library, its risks in the register and the teams it needs. On success
// it shows what was stored; nothing is stored when anything fails.
func (h *handler) generatePlan(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	f := formOf(r.PostFormValue)
	req, err := f.request()
	if err == nil {
		var res plangen.Result
		deps := plangen.Deps{Tx: h.d.DB, Org: h.d.Org, Risk: h.d.Risk, Plan: h.d.Plan}
		if res, err = plangen.Apply(ctx, deps, req, h.d.Clock.Now().UTC()); err == nil {
			h.flash(w, "ok", "plangen.created", strconv.Itoa(len(res.RiskIDs)), strconv.Itoa(res.Playbooks))
			http.Redirect(w, r, "/plans/"+strconv.FormatInt(res.PlanID, 10), http.StatusSeeOther)
			return
		}
	}
	p, perr := h.plangenPage(ctx, w, r, f)
	if perr != nil {
		h.fail(w, r, perr)
		return
	}
	if !p.setErr(p.Tr, err, plangenFields...) {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, "plangen", p)
}

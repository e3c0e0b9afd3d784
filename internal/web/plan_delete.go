package web

import "net/http"

// deletePlan removes a plan that was never published; published plans
// are kept for the record (the refusal is shown on the plan page).
func (h *handler) deletePlan(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	p, err := h.d.Plan.Plan(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.d.Plan.DeletePlan(r.Context(), id); err != nil {
		h.refusePlanAction(w, r, id, 0, err)
		return
	}
	h.flash(w, "ok", "common.deleted_named", p.Title)
	http.Redirect(w, r, "/plans", http.StatusSeeOther)
}

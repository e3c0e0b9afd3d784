package web

import "net/http"

// confirmPlanReview records that the plan in force was reviewed and still
// holds: its next review falls due one review period from today.
func (h *handler) confirmPlanReview(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	p, err := h.d.Plan.ConfirmReview(r.Context(), id, r.PostFormValue("note"))
	if err != nil {
		h.refusePlanAction(w, r, id, 0, err)
		return
	}
	h.flash(w, "ok", "planweb.review_confirmed", p.ReviewDue)
	http.Redirect(w, r, planPath(id, 0), http.StatusSeeOther)
}

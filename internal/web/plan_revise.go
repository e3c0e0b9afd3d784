package web

import (
	"net/http"
	"strconv"
)

// revisePlan starts a new draft from a version (by default the one in
// force): a published version never changes, its revision is a new
// version. It opens the editor on the new draft.
func (h *handler) revisePlan(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	from, _ := strconv.Atoi(r.PostFormValue("from"))
	v, err := h.d.Plan.NewDraft(r.Context(), id, max(from, 0))
	if err != nil {
		h.refusePlanAction(w, r, id, from, err)
		return
	}
	h.flash(w, "ok", "planweb.draft_started", strconv.Itoa(v.Number), strconv.Itoa(v.BasedOn))
	http.Redirect(w, r, "/plans/"+idString(id)+"/edit", http.StatusSeeOther)
}

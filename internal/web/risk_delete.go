package web

import "net/http"

// deleteRisk removes a risk with its assessment history (the audit log
// keeps its last state). Closing a risk keeps it instead.
func (h *handler) deleteRisk(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := h.d.Risk.DeleteRisk(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(w, "ok", "common.deleted")
	http.Redirect(w, r, "/risks", http.StatusSeeOther)
}

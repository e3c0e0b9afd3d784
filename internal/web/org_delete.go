package web

import (
	"net/http"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
)

// deleteUnit removes a unit nothing refers to; a unit still in use stays
// and the tree page says why.
func (h *handler) deleteUnit(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	u, err := h.d.Org.Unit(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	lang := h.langOf(r)
	name := u.Name
	if lang == i18n.EN && u.NameEn != "" {
		name = u.NameEn
	}
	if err := h.d.Org.DeleteUnit(ctx, id); err != nil {
		if errs.Is(err, errs.Conflict) {
			h.flash(w, "error", "org.in_use_named", name)
			http.Redirect(w, r, "/org", http.StatusSeeOther)
			return
		}
		h.fail(w, r, err)
		return
	}
	h.flash(w, "ok", "common.deleted_named", name)
	http.Redirect(w, r, "/org", http.StatusSeeOther)
}

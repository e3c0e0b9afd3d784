package web

import (
	"net/http"

	"github.com/continuo-bcm/continuo/internal/i18n"
)

// deleteSite removes a site. People at it stay, without a site: a site is
// where people work, not what they belong to.
func (h *handler) deleteSite(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	s, err := h.d.Org.Site(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := s.Name
	if h.langOf(r) == i18n.EN && s.NameEn != "" {
		name = s.NameEn
	}
	if err := h.d.Org.DeleteSite(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(w, "ok", "common.deleted_named", name)
	http.Redirect(w, r, "/sites", http.StatusSeeOther)
}

package web

import (
	"net/http"

	"github.com/continuo-bcm/continuo/internal/errs"
)

// deletePerson removes a person who holds no seat and is nobody's deputy;
// otherwise their page comes back saying where they are still needed.
func (h *handler) deletePerson(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	err := h.d.Org.DeletePerson(ctx, id)
	if errs.Is(err, errs.Conflict) {
		p, perr := h.personPage(ctx, w, r, id)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		p.Flash = &flashMessage{Kind: "error", Text: localizeMessage(p.Tr, err)}
		h.render(w, r, http.StatusConflict, "person", p)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(w, "ok", "common.deleted")
	http.Redirect(w, r, "/people", http.StatusSeeOther)
}

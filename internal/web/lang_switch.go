package web

import (
	"net/http"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/server"
)

// switchLanguage changes the UI language: saved on the account of a
// signed-in user, kept in a cookie for everyone (so the sign-in page
// after signing out speaks the same language).
func (h *handler) switchLanguage(w http.ResponseWriter, r *http.Request) {
	l, ok := i18n.Parse(r.PostFormValue("lang"))
	if !ok {
		h.errorStatus(w, r, http.StatusBadRequest, i18n.T(h.langOf(r), "validation.choose"))
		return
	}
	if u, signedIn := server.UserFrom(r.Context()); signedIn && u.Lang != string(l) {
		lang := string(l)
		_, err := h.d.Identity.UpdateUser(r.Context(), u.ID, identity.UserUpdate{Lang: &lang})
		switch {
		case err == nil:
			h.flash(w, "ok", "profile.language_saved")
		case errs.Is(err, errs.Forbidden):
			// An account without any grant may not edit itself; the
			// cookie still switches its pages.
		default:
			h.fail(w, r, err)
			return
		}
	}
	h.setLangCookie(w, l)
	seeOther(w, r, safeNext(r.PostFormValue("next")))
}

package web

import (
	"net/http"

	"github.com/continuo-bcm/continuo/internal/server"
)

// logout ends the session on the server and in the browser.
func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(server.SessionCookie); err == nil && c.Value != "" {
		if err := h.d.Identity.Logout(r.Context(), c.Value); err != nil {
			h.log.Warn("ending a session", "err", err)
		}
	}
	h.clearCookie(w, server.SessionCookie, "/")
	// Keep the language the user worked in for the sign-in page.
	h.setLangCookie(w, h.langOf(r))
	h.flash(w, "ok", "login.signed_out")
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

package web

import (
	"net"
	"net/http"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/server"
)

// loginPage is the sign-in form.
type loginPage struct {
	Page
	Username string
	Next     string
	Error    string
}

// showLogin shows the sign-in form; with no account yet it sends the
// visitor to the first-run setup instead.
func (h *handler) showLogin(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if n, err := h.d.Identity.CountUsers(ctx); err != nil {
		h.serverError(w, r, err)
		return
	} else if n == 0 {
		http.Redirect(w, r, "/setup", http.StatusSeeOther)
		return
	}
	next := safeNext(r.URL.Query().Get("next"))
	if _, ok := server.UserFrom(ctx); ok {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	h.render(w, r, http.StatusOK, "login", loginPage{Page: h.base(w, r, "login.title"), Next: next})
}

// login checks the credentials, starts a session and goes on to next.
func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	username := r.PostFormValue("username")
	next := safeNext(r.PostFormValue("next"))
	_, secret, err := h.d.Identity.Login(r.Context(), username, r.PostFormValue("password"), remoteHost(r))
	if err != nil {
		p := loginPage{Page: h.base(w, r, "login.title"), Username: username, Next: next}
		status := http.StatusUnauthorized
		switch errs.CodeOf(err) {
		case errs.RateLimited:
			p.Error = p.Tr.T("login.too_many_attempts")
			status = http.StatusTooManyRequests
		case errs.Unauthorized:
			p.Error = p.Tr.T("login.invalid")
		case errs.Forbidden:
			p.Error = p.Tr.T("login.account_disabled")
			status = http.StatusForbidden
		default:
			h.serverError(w, r, err)
			return
		}
		h.render(w, r, status, "login", p)
		return
	}
	h.setSession(w, secret)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// remoteHost is the client address without its port, the key the sign-in
// rate limit counts failures under.
func remoteHost(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

package web

import (
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"net/url"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/sso"
)

// oidcLogin starts a single sign-on: state and nonce go into a short-lived
// cookie for the callback, the browser to the provider.
func (h *handler) oidcLogin(w http.ResponseWriter, r *http.Request) {
	if h.d.OIDC == nil {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	state, nonce := sso.NewState(), sso.NewState()
	v := url.Values{"s": {state}, "n": {nonce}, "next": {safeNext(r.URL.Query().Get("next"))}}
	http.SetCookie(w, &http.Cookie{
		Name:     oidcCookie,
		Value:    base64.RawURLEncoding.EncodeToString([]byte(v.Encode())),
		Path:     "/auth/oidc/",
		MaxAge:   600,
		HttpOnly: true,
		Secure:   h.d.SecureCookies,
		// Lax: the provider sends the browser back with a top-level GET,
		// which carries Lax cookies.
		SameSite: http.SameSiteLaxMode,
	})
	http.Redirect(w, r, h.d.OIDC.AuthCodeURL(state, nonce), http.StatusFound)
}

// oidcCallback finishes a single sign-on: it checks the state, has the
// provider vouch for the person, and signs in the existing account with
// that verified email. Accounts are not created here: an administrator
// creates them (with their roles) first.
func (h *handler) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if h.d.OIDC == nil {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	refuse := func(status int, key string, args ...any) {
		p := loginPage{Page: h.base(w, r, "login.title"), Next: "/"}
		p.Error = p.Tr.T(key, args...)
		h.render(w, r, status, "login", p)
	}
	c, err := r.Cookie(oidcCookie)
	h.clearCookie(w, oidcCookie, "/auth/oidc/")
	if err != nil {
		refuse(http.StatusBadRequest, "login.sso_expired")
		return
	}
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		refuse(http.StatusBadRequest, "login.sso_expired")
		return
	}
	saved, err := url.ParseQuery(string(raw))
	state, nonce := saved.Get("s"), saved.Get("n")
	if err != nil || state == "" || nonce == "" || subtle.ConstantTimeCompare([]byte(state), []byte(q.Get("state"))) != 1 {
		refuse(http.StatusBadRequest, "login.sso_expired")
		return
	}
	if e := q.Get("error"); e != "" {
		h.log.Warn("single sign-on refused by the provider", "error", e, "description", q.Get("error_description"))
		refuse(http.StatusUnauthorized, "login.sso_failed")
		return
	}
	claims, err := h.d.OIDC.Exchange(ctx, q.Get("code"), nonce)
	if err != nil {
		h.log.Warn("single sign-on failed", "err", err)
		status := http.StatusUnauthorized
		if errs.CodeOf(err) == errs.Internal {
			status = http.StatusBadGateway
		}
		refuse(status, "login.sso_failed")
		return
	}
	if !claims.EmailVerified || claims.Email == "" {
		refuse(http.StatusForbidden, "login.sso_unverified")
		return
	}
	u, err := h.d.Identity.UserByEmail(ctx, claims.Email)
	if errs.Is(err, errs.NotFound) {
		refuse(http.StatusForbidden, "login.sso_no_account", claims.Email)
		return
	}
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if u.Disabled {
		refuse(http.StatusForbidden, "login.account_disabled")
		return
	}
	secret, err := h.d.Identity.StartSession(ctx, u.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.setSession(w, secret)
	http.Redirect(w, r, safeNext(saved.Get("next")), http.StatusSeeOther)
}

package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/server"
)

const (
	langCookie  = "lang"
	flashCookie = "continuo_flash"
	oidcCookie  = "continuo_oidc"
)

// setSession gives the browser its session cookie. Max-Age rather than
// Expires: the session's expiry is checked on the server against the
// injected clock, and a relative lifetime cannot disagree with the
// browser's own clock.
func (h *handler) setSession(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{
		Name:     server.SessionCookie,
		Value:    secret,
		Path:     "/",
		MaxAge:   int(identity.SessionTTL / time.Second),
		HttpOnly: true,
		Secure:   h.d.SecureCookies,
		SameSite: http.SameSiteLaxMode,
	})
}

func (h *handler) clearCookie(w http.ResponseWriter, name, path string) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: "", Path: path, MaxAge: -1, HttpOnly: true,
		Secure: h.d.SecureCookies, SameSite: http.SameSiteLaxMode})
}

// setLangCookie remembers the language of an anonymous visitor (and of a
// user after signing out).
func (h *handler) setLangCookie(w http.ResponseWriter, l i18n.Lang) {
	http.SetCookie(w, &http.Cookie{
		Name:     langCookie,
		Value:    string(l),
		Path:     "/",
		MaxAge:   365 * 24 * 3600,
		HttpOnly: true,
		Secure:   h.d.SecureCookies,
		SameSite: http.SameSiteLaxMode,
	})
}

// flashMessage is shown once on the next page. It carries a message key,
// never text, so a forged cookie cannot put words on the page; the
// argument is user data and is escaped like any other.
type flashMessage struct {
	Kind string // ok, error, info, warn
	Text string
}

// flash schedules a message for the next page, typically before a
// redirect after a successful POST.
func (h *handler) flash(w http.ResponseWriter, kind, key string, args ...string) {
	v := url.Values{"k": {kind}, "m": {key}, "a": args}
	http.SetCookie(w, &http.Cookie{
		Name:     flashCookie,
		Value:    base64.RawURLEncoding.EncodeToString([]byte(v.Encode())),
		Path:     "/",
		MaxAge:   60,
		HttpOnly: true,
		Secure:   h.d.SecureCookies,
		SameSite: http.SameSiteLaxMode,
	})
}

// takeFlash reads and clears the flash cookie.
func (h *handler) takeFlash(w http.ResponseWriter, r *http.Request) *flashMessage {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	h.clearCookie(w, flashCookie, "/")
	raw, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil {
		return nil
	}
	v, err := url.ParseQuery(string(raw))
	if err != nil {
		return nil
	}
	key := v.Get("m")
	if !i18n.Has(key) {
		return nil
	}
	kind := v.Get("k")
	switch kind {
	case "ok", "error", "info", "warn":
	default:
		kind = "info"
	}
	lang := h.langOf(r)
	text := i18n.T(lang, key)
	// Only fill in arguments the message has room for.
	if args := v["a"]; len(args) > 0 && strings.Count(strings.ReplaceAll(text, "%%", ""), "%s") == len(args) {
		vals := make([]any, len(args))
		for i, a := range args {
			vals[i] = a
		}
		text = i18n.T(lang, key, vals...)
	}
	return &flashMessage{Kind: kind, Text: text}
}

// safeNext returns next when it is a path on this site, else "/": the
// sign-in redirect must not become an open redirect.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	// After the first slash a second one would start an authority in some
	// browsers ("/%2F%2Fevil" is harmless, "/\\evil" is refused above).
	if strings.HasPrefix(u.Path, "//") {
		return "/"
	}
	return next
}

// seeOther redirects after a POST.
func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

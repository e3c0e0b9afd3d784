// Package server is the HTTP shell: the router that records every route
// with its authorization rule, authentication from session cookies and
// bearer tokens, cross-origin protection, security headers, metrics and
// health endpoints. The web UI and the API register their routes on it.
package server

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
)

// Route is a registered pattern with its rule.
type Route struct {
	Pattern string // "GET /people/{id}"
	Rule    authz.Rule
}

// Router is an http.ServeMux that knows the authorization rule of every
// route and enforces it before the handler runs. A route registered
// without a rule is refused to everyone, and the route test fails.
type Router struct {
	mux    *http.ServeMux
	mu     sync.Mutex
	routes []Route
	// forbidden answers a browser that a rule refuses although signed in;
	// nil means the plain-text refusal of Deny.
	forbidden http.Handler
}

// NewRouter returns an empty router.
func NewRouter() *Router { return &Router{mux: http.NewServeMux()} }

// Handle registers h for pattern ("METHOD /path") under rule.
func (rt *Router) Handle(pattern string, rule authz.Rule, h http.Handler) {
	rt.mu.Lock()
	rt.routes = append(rt.routes, Route{Pattern: pattern, Rule: rule})
	rt.mu.Unlock()
	rt.mux.Handle(pattern, rt.enforce(rule, h))
}

// SetForbiddenPage sets the page a browser gets when a route's rule
// refuses a signed-in user (403), so that the web UI can show it in its own
// layout and language; API requests keep their JSON error. Call it before
// the router serves.
func (rt *Router) SetForbiddenPage(h http.Handler) { rt.forbidden = h }

// HandleFunc registers a handler function.
func (rt *Router) HandleFunc(pattern string, rule authz.Rule, h http.HandlerFunc) {
	rt.Handle(pattern, rule, h)
}

// Routes returns every registered route, sorted by pattern.
func (rt *Router) Routes() []Route {
	rt.mu.Lock()
	defer rt.mu.Unlock()
	out := slices.Clone(rt.routes)
	slices.SortFunc(out, func(a, b Route) int { return strings.Compare(a.Pattern, b.Pattern) })
	return out
}

// ServeHTTP dispatches to the registered routes.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) { rt.mux.ServeHTTP(w, r) }

// Pattern returns the route pattern the mux would pick for r ("" if none);
// used to label metrics without unbounded cardinality.
func (rt *Router) Pattern(r *http.Request) string {
	_, p := rt.mux.Handler(r)
	return p
}

func (rt *Router) enforce(rule authz.Rule, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p *authz.Principal
		if pr, ok := authz.From(r.Context()); ok {
			p = &pr
		}
		if !rule.Defined() {
			Deny(w, r, http.StatusForbidden, errs.Forbidden, "this route has no authorization rule")
			return
		}
		if !rule.Allows(p) {
			if p == nil {
				Deny(w, r, http.StatusUnauthorized, errs.Unauthorized, "sign in first")
				return
			}
			if rt.forbidden != nil && !IsAPI(r) {
				rt.forbidden.ServeHTTP(w, r)
				return
			}
			Deny(w, r, http.StatusForbidden, errs.Forbidden, "you are not allowed to do this")
			return
		}
		h.ServeHTTP(w, r)
	})
}

// IsAPI reports whether the request is for the JSON API.
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// Deny answers a request that may not proceed: JSON for the API, a redirect
// to the sign-in page or a plain page for the browser.
func Deny(w http.ResponseWriter, r *http.Request, status int, code errs.Code, msg string) {
	if IsAPI(r) {
		WriteError(w, status, code, msg, nil)
		return
	}
	if status == http.StatusUnauthorized && wantsHTML(r) {
		if r.Header.Get("HX-Request") == "true" {
			w.Header().Set("HX-Redirect", "/login?next="+urlQueryEscape(r.URL.RequestURI()))
			w.WriteHeader(status)
			return
		}
		http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	http.Error(w, msg, status)
}

// wantsHTML reports whether the client is a browser that can follow a
// redirect to the sign-in page; scrapers and scripts get a plain 401.
func wantsHTML(r *http.Request) bool {
	return r.Header.Get("HX-Request") == "true" || strings.Contains(r.Header.Get("Accept"), "text/html")
}

// ErrorBody is the JSON form of every API error.
type ErrorBody struct {
	Code   errs.Code         `json:"code"`
	Status int               `json:"status"`
	Title  string            `json:"title"`
	Detail string            `json:"detail"`
	Errors []errs.FieldError `json:"errors,omitempty"`
}

// WriteError writes an API error as JSON.
func WriteError(w http.ResponseWriter, status int, code errs.Code, msg string, fields []errs.FieldError) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(ErrorBody{Code: code, Status: status, Title: http.StatusText(status), Detail: msg, Errors: fields})
}

// StatusOf maps a domain error code to its HTTP status.
func StatusOf(code errs.Code) int {
	switch code {
	case errs.Invalid:
		return http.StatusUnprocessableEntity
	case errs.NotFound:
		return http.StatusNotFound
	case errs.Conflict:
		return http.StatusConflict
	case errs.Unauthorized:
		return http.StatusUnauthorized
	case errs.Forbidden:
		return http.StatusForbidden
	case errs.RateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

type userKey struct{}

// WithUser returns a context carrying the signed-in user and their principal.
func WithUser(ctx context.Context, u identity.User) context.Context {
	ctx = context.WithValue(ctx, userKey{}, u)
	return authz.WithPrincipal(ctx, u.Principal())
}

// UserFrom returns the signed-in user, if any.
func UserFrom(ctx context.Context) (identity.User, bool) {
	u, ok := ctx.Value(userKey{}).(identity.User)
	return u, ok
}

package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/i18n"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/server"
	"github.com/continuo-bcm/continuo/internal/web/assets"
)

// Page is what every page template gets: the language, the signed-in user,
// the navigation and a flash message. Page types embed it.
type Page struct {
	Tr           i18n.Translator
	Lang         i18n.Lang
	Langs        []i18n.Lang
	Title        string
	User         *identity.User // nil when anonymous
	Nav          []navGroup
	Path         string // where the language switch returns to
	Flash        *flashMessage
	AssetVersion string
	AppVersion   string // the running release, shown in the footer
	SSO          bool
	// Scripts are extra files under /static/ the page needs after htmx and
	// app.js, e.g. "echarts.min.js" and the page's own chart script.
	Scripts []string

	principal authz.Principal
	loc       *time.Location
}

// base builds the common page data for a request and consumes the flash.
func (h *handler) base(w http.ResponseWriter, r *http.Request, titleKey string) Page {
	lang := h.langOf(r)
	p := Page{
		Tr:           i18n.For(lang),
		Lang:         lang,
		Langs:        i18n.Langs,
		Path:         switchBackTo(r),
		AssetVersion: assets.Version,
		AppVersion:   h.d.Version,
		SSO:          h.d.OIDC != nil,
		loc:          h.loc(),
	}
	if titleKey != "" {
		p.Title = p.Tr.T(titleKey)
	}
	if u, ok := server.UserFrom(r.Context()); ok {
		p.User = &u
		p.principal = u.Principal()
		p.Nav = buildNav(p.principal, r.URL.Path)
	}
	p.Flash = h.takeFlash(w, r)
	return p
}

// Can reports whether the viewer holds a permission somewhere; templates
// use it to hide actions the viewer may not take (the routes and services
// check again).
func (p Page) Can(perm string) bool {
	if p.User == nil {
		return false
	}
	return p.principal.Any(authz.Permission(perm))
}

// L picks the text for the page language: the English text when the page
// is English and there is one, the Chinese (primary) text otherwise.
func (p Page) L(zh, en string) string {
	if p.Lang == i18n.EN && strings.TrimSpace(en) != "" {
		return en
	}
	return zh
}

// Time formats an instant for the viewer's language.
func (p Page) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatTime(t.In(p.loc), p.Lang)
}

// TimePtr formats an optional instant; nil gives "".
func (p Page) TimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return p.Time(*t)
}

// ISOTime is the machine-readable form for <time datetime="…">.
func (p Page) ISOTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func formatTime(t time.Time, lang i18n.Lang) string {
	if lang == i18n.ZH {
		return t.Format("2006年1月2日 15:04 MST")
	}
	return t.Format("2 Jan 2006 15:04 MST")
}

// UserName is the name shown for the signed-in user.
func (p Page) UserName() string {
	if p.User == nil {
		return ""
	}
	if p.User.DisplayName != "" {
		return p.User.DisplayName
	}
	return p.User.Username
}

// loc is the time zone times are shown in: the organisation's (--time-zone).
func (h *handler) loc() *time.Location {
	if h.d.Location != nil {
		return h.d.Location
	}
	return time.Local
}

// switchBackTo is where the language switch returns to: the page itself,
// or the start page after a form was posted (its URL may answer POST only).
func switchBackTo(r *http.Request) string {
	if r.Method == http.MethodGet {
		return r.URL.RequestURI()
	}
	return "/"
}

// trOf is the translator for the request's language.
func (h *handler) trOf(r *http.Request) i18n.Translator { return i18n.For(h.langOf(r)) }

// langOf chooses the page language: the user's setting, then the lang
// cookie, then the browser's Accept-Language.
func (h *handler) langOf(r *http.Request) i18n.Lang {
	if u, ok := server.UserFrom(r.Context()); ok && u.Lang != "" {
		if l, ok := i18n.Parse(u.Lang); ok {
			return l
		}
	}
	if c, err := r.Cookie(langCookie); err == nil {
		if l, ok := i18n.Parse(c.Value); ok {
			return l
		}
	}
	return i18n.Negotiate(r.Header.Get("Accept-Language"))
}

// ---- navigation ----

type navItem struct {
	Key     string // message key under nav.
	Href    string
	Soon    bool
	Current bool
}

type navGroup struct {
	Key   string // message key of the heading; "" for the top entries
	Items []navItem
}

type navDef struct {
	key  string
	href string
	perm authz.Permission
	soon bool
}

type navGroupDef struct {
	key   string
	items []navDef
}

// lifecycle is the navigation: the BCM lifecycle areas in order, then
// administration. Areas not built yet lead to their "coming soon" page.
var lifecycle = []navGroupDef{
	{"", []navDef{{"dashboard", "/", "", false}}},
	{"organise", []navDef{
		{"org_units", "/org", authz.OrgRead, false},
		{"sites", "/sites", authz.OrgRead, false},
		{"people", "/people", authz.OrgRead, false},
		{"teams", "/teams", authz.OrgRead, false},
		{"contact_list", "/contacts", authz.OrgRead, false},
	}},
	{"assess", []navDef{
		{"risk_survey", "/risk-surveys", authz.RiskRead, false},
		{"risks", "/risks", authz.RiskRead, false},
		{"bia", "/bia", authz.BIARead, false},
	}},
	{"plan", []navDef{{"plans", "/plans", authz.PlanRead, false}}},
	{"warn", []navDef{{"warnings", "/warnings", authz.WarningRead, false}}},
	{"respond", []navDef{{"incidents", "/soon/incidents", authz.OrgRead, true}}},
	{"recover", []navDef{{"recovery", "/soon/recovery", authz.OrgRead, true}}},
	{"improve", []navDef{
		{"reviews", "/soon/reviews", authz.OrgRead, true},
		{"corrective_actions", "/soon/corrective_actions", authz.OrgRead, true},
	}},
	{"exercise", []navDef{
		{"exercises", "/soon/exercises", authz.OrgRead, true},
		{"training", "/soon/training", authz.OrgRead, true},
	}},
	{"supervise", []navDef{
		{"kpis", "/soon/kpis", authz.OrgRead, true},
		{"iso22301", "/soon/iso22301", authz.OrgRead, true},
	}},
	{"admin", []navDef{
		{"users", "/admin/users", authz.UsersManage, false},
		{"audit_log", "/audit", authz.AuditRead, false},
	}},
}

// soonAreas maps each area not built yet to its lifecycle group.
var soonAreas = func() map[string]string {
	m := map[string]string{}
	for _, g := range lifecycle {
		for _, it := range g.items {
			if it.soon {
				m[strings.TrimPrefix(it.href, "/soon/")] = g.key
			}
		}
	}
	return m
}()

// buildNav returns the navigation the principal may see, marking the entry
// for the current path.
func buildNav(p authz.Principal, current string) []navGroup {
	var out []navGroup
	for _, g := range lifecycle {
		ng := navGroup{Key: g.key}
		for _, it := range g.items {
			if it.perm != "" && !p.Any(it.perm) {
				continue
			}
			cur := current == it.href || (it.href != "/" && strings.HasPrefix(current, it.href+"/"))
			ng.Items = append(ng.Items, navItem{Key: it.key, Href: it.href, Soon: it.soon, Current: cur})
		}
		if len(ng.Items) > 0 {
			out = append(out, ng)
		}
	}
	return out
}

// MinPassword is the shortest password the identity service accepts.
func (p Page) MinPassword() int { return identity.MinPasswordLen }

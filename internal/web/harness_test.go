package web_test

import (
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// adminPassword is the password of every account the tests create.
const adminPassword = "correct horse battery"

// env is a whole Continuo (the real app handler on a real database)
// served on a loopback listener.
type env struct {
	t     *testing.T
	app   *app.App
	srv   *httptest.Server
	clock *clock.Fake
	root  org.Unit
}

// eachEngine runs fn once per storage engine, each with a fresh app.
func eachEngine(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Helper()
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) { fn(t, newEnv(t, engine, app.Config{})) })
	}
}

func newEnv(t *testing.T, engine store.Engine, cfg app.Config) *env {
	t.Helper()
	ctx := context.Background()
	clk := clock.NewFake(time.Date(2025, 3, 1, 9, 30, 0, 0, time.UTC))
	cfg.DB = storetest.DSN(t, engine)
	// The listener exists before the app, so that the app knows its own
	// URL (single sign-on redirects to it).
	srv := httptest.NewUnstartedServer(nil)
	t.Cleanup(srv.Close)
	cfg.BaseURL = "http://" + srv.Listener.Addr().String()
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler), clk)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	h, _, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	srv.Start()
	return &env{t: t, app: a, srv: srv, clock: clk}
}

// sys is a context acting as the system, for seeding.
func sys() context.Context {
	return authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
}

// seedOrg creates the root unit (group) and returns it.
func (e *env) seedOrg() org.Unit {
	e.t.Helper()
	u, err := e.app.Org.CreateUnit(sys(), org.Unit{Kind: org.KindGroup, Code: "XL", Name: "星联物流集团", NameEn: "Xinglian Logistics Group"})
	if err != nil {
		e.t.Fatal(err)
	}
	e.root = u
	return u
}

// seedUser creates an account with one role on the root unit.
func (e *env) seedUser(username string, role authz.Role) identity.User {
	e.t.Helper()
	if e.root.ID == 0 {
		e.seedOrg()
	}
	u, err := e.app.Identity.CreateUser(sys(), identity.NewUser{Username: username, DisplayName: strings.ToUpper(username[:1]) + username[1:],
		Password: adminPassword, Grants: []authz.Grant{{Role: role, UnitID: e.root.ID}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// seedUnit creates a department under parent.
func (e *env) seedUnit(parent org.Unit, name, nameEn string) org.Unit {
	e.t.Helper()
	u, err := e.app.Org.CreateUnit(sys(), org.Unit{ParentID: &parent.ID, Kind: org.KindDepartment, Name: name, NameEn: nameEn})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

// seedPerson creates a person with a mobile number.
func (e *env) seedPerson(unit org.Unit, name, nameEn, mobile string) org.Person {
	e.t.Helper()
	p, err := e.app.Org.SavePerson(sys(), org.Person{Name: name, NameEn: nameEn, UnitID: unit.ID, Active: true,
		Contacts: []org.ContactMethod{{Kind: org.ContactMobile, Value: mobile}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// countPeople says how many people are stored.
func (e *env) countPeople() int {
	e.t.Helper()
	_, n, err := e.app.Org.People(sys(), org.PeopleFilter{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// client is a browser without JavaScript: it keeps cookies and does not
// follow redirects, so tests see them.
type client struct {
	t    *testing.T
	http *http.Client
	base string
	// header is sent with every request (Accept-Language, Sec-Fetch-Site…).
	header http.Header
}

func (e *env) client() *client {
	jar, _ := cookiejar.New(nil)
	// Browsers ask for HTML; the router redirects them to sign in.
	return &client{t: e.t, base: e.srv.URL, header: http.Header{"Accept": {"text/html,application/xhtml+xml"}},
		http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is what came back.
type response struct {
	status int
	header http.Header
	body   string
}

func (r response) location() string { return r.header.Get("Location") }

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	for k, v := range c.header {
		req.Header[k] = v
	}
	res, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: string(b)}
}

func (c *client) get(path string, hdr ...string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.do(req)
}

func (c *client) post(path string, form url.Values, hdr ...string) response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return c.do(req)
}

// login signs in and fails the test unless it worked.
func (c *client) login(username string) {
	c.t.Helper()
	r := c.post("/login", url.Values{"username": {username}, "password": {adminPassword}})
	if r.status != http.StatusSeeOther || r.location() != "/" {
		c.t.Fatalf("login %s: status %d, location %q\n%s", username, r.status, r.location(), r.body)
	}
}

// cookie returns the value of a cookie the client holds for the server.
func (c *client) cookie(name string) string {
	u, _ := url.Parse(c.base)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

// mustContain checks that the page shows each text: in the markup, or as
// text once the character references html/template writes (&#43; for +)
// are decoded.
func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	text := html.UnescapeString(body)
	for _, w := range wants {
		if !strings.Contains(body, w) && !strings.Contains(text, w) {
			t.Errorf("page does not contain %q", w)
		}
	}
	if t.Failed() {
		t.Logf("page:\n%s", body)
	}
}

func mustNotContain(t *testing.T, body string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(body, n) {
			t.Errorf("page contains %q", n)
		}
	}
}

func wantStatus(t *testing.T, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d\n%s", r.status, status, r.body)
	}
}

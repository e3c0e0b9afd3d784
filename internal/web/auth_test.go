package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/server"
)

func TestSetupOnlyWhileEmpty(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		c := e.client()
		// An empty system sends everyone to the setup page.
		if r := c.get("/"); r.status != http.StatusSeeOther || r.location() != "/setup" {
			t.Fatalf("GET / on an empty system: %d %q", r.status, r.location())
		}
		if r := c.get("/login"); r.location() != "/setup" {
			t.Fatalf("GET /login on an empty system: %d %q", r.status, r.location())
		}
		r := c.get("/setup")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `name="org_name"`, `name="username"`, "First-time setup")

		// Passwords that differ: the form comes back, nothing is stored.
		bad := url.Values{"org_name": {"星联物流集团"}, "org_name_en": {"Xinglian"}, "username": {"chen.admin"},
			"display_name": {"陈立"}, "password": {adminPassword}, "password2": {adminPassword + "x"}}
		r = c.post("/setup", bad)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "The new passwords do not match.", `value="chen.admin"`, `value="星联物流集团"`)
		if n, _ := e.app.Identity.CountUsers(sys()); n != 0 {
			t.Fatalf("%d users after a rejected setup", n)
		}
		if units, _ := e.app.Org.Units(sys()); len(units) != 0 {
			t.Fatalf("%d units after a rejected setup", len(units))
		}

		good := url.Values{"org_name": {"星联物流集团"}, "org_name_en": {"Xinglian Logistics"}, "username": {"chen.admin"},
			"display_name": {"陈立"}, "password": {adminPassword}, "password2": {adminPassword}}
		r = c.post("/setup", good)
		if r.status != http.StatusSeeOther || r.location() != "/" {
			t.Fatalf("setup: %d %q\n%s", r.status, r.location(), r.body)
		}
		// The administrator is signed in, with an admin grant on the new root.
		r = c.get("/")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Welcome, 陈立", "Setup complete.")
		units, err := e.app.Org.Units(sys())
		if err != nil || len(units) != 1 || units[0].Name != "星联物流集团" || units[0].NameEn != "Xinglian Logistics" || units[0].Kind != "group" {
			t.Fatalf("units after setup: %+v %v", units, err)
		}
		users, err := e.app.Identity.ListUsers(sys())
		if err != nil || len(users) != 1 || len(users[0].Grants) != 1 || users[0].Grants[0] != (authz.Grant{Role: authz.Admin, UnitID: units[0].ID}) {
			t.Fatalf("users after setup: %+v %v", users, err)
		}

		// Once an account exists, setup is gone, for everyone.
		for _, cl := range []*client{c, e.client()} {
			if r := cl.get("/setup"); r.status != http.StatusNotFound {
				t.Errorf("GET /setup after setup: %d", r.status)
			}
			if r := cl.post("/setup", good); r.status != http.StatusNotFound {
				t.Errorf("POST /setup after setup: %d", r.status)
			}
		}
		if n, _ := e.app.Identity.CountUsers(sys()); n != 1 {
			t.Fatalf("%d users after a second setup attempt", n)
		}
	})
}

func TestSetupWithExistingOrgAsksNoName(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		root := e.seedOrg()
		c := e.client()
		r := c.get("/setup")
		wantStatus(t, r, http.StatusOK)
		mustNotContain(t, r.body, `name="org_name"`)
		r = c.post("/setup", url.Values{"username": {"admin"}, "password": {adminPassword}, "password2": {adminPassword}})
		wantStatus(t, r, http.StatusSeeOther)
		users, _ := e.app.Identity.ListUsers(sys())
		if len(users) != 1 || users[0].Grants[0].UnitID != root.ID {
			t.Fatalf("admin not granted on the existing root: %+v", users)
		}
	})
}

func TestLogin(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("li.ming", authz.Viewer)
		c := e.client()
		// Anonymous visitors are sent to sign in, and come back after.
		r := c.get("/people?q=wang")
		if r.status != http.StatusSeeOther || r.location() != "/login?next="+url.QueryEscape("/people?q=wang") {
			t.Fatalf("anonymous GET /people: %d %q", r.status, r.location())
		}
		r = c.get("/login?next=" + url.QueryEscape("/people?q=wang"))
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `name="next" value="/people?q=wang"`, "Sign in")

		r = c.post("/login", url.Values{"username": {"li.ming"}, "password": {"wrong password!"}, "next": {"/people"}})
		wantStatus(t, r, http.StatusUnauthorized)
		mustContain(t, r.body, "Invalid username or password.", `value="li.ming"`)
		if c.cookie(server.SessionCookie) != "" {
			t.Fatal("a failed sign-in set a session cookie")
		}

		r = c.post("/login", url.Values{"username": {"li.ming"}, "password": {adminPassword}, "next": {"/people?q=wang"}})
		if r.status != http.StatusSeeOther || r.location() != "/people?q=wang" {
			t.Fatalf("sign-in: %d %q", r.status, r.location())
		}
		ck := r.header.Get("Set-Cookie")
		for _, want := range []string{server.SessionCookie + "=", "Path=/", "Max-Age=43200", "HttpOnly", "SameSite=Lax"} {
			if !strings.Contains(ck, want) {
				t.Errorf("session cookie %q lacks %q", ck, want)
			}
		}
		if strings.Contains(ck, "Secure") {
			t.Errorf("session cookie %q is Secure without SecureCookies", ck)
		}
		wantStatus(t, c.get("/people"), http.StatusOK)

		// Signing out ends the session on the server too.
		secret := c.cookie(server.SessionCookie)
		r = c.post("/logout", nil)
		if r.status != http.StatusSeeOther || r.location() != "/login" {
			t.Fatalf("logout: %d %q", r.status, r.location())
		}
		mustContain(t, c.get("/login").body, "You have been signed out.")
		if _, err := e.app.Identity.Authenticate(sys(), secret); err == nil {
			t.Fatal("the session still works after signing out")
		}
		if r := c.get("/people"); r.status != http.StatusSeeOther {
			t.Fatalf("GET /people after sign-out: %d", r.status)
		}
	})
}

func TestLoginRateLimitedAndTranslated(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("li.ming", authz.Viewer)
		c := e.client()
		c.header.Set("Accept-Language", "zh-CN,zh;q=0.9,en;q=0.5")
		r := c.post("/login", url.Values{"username": {"li.ming"}, "password": {"nope"}})
		wantStatus(t, r, http.StatusUnauthorized)
		mustContain(t, r.body, "用户名或密码错误。", `<html lang="zh-CN">`)
		for i := 0; i < 10; i++ {
			r = c.post("/login", url.Values{"username": {"li.ming"}, "password": {"nope"}})
		}
		wantStatus(t, r, http.StatusTooManyRequests)
		mustContain(t, r.body, "登录失败次数过多，请稍后再试。")
		// Even the right password is refused while the limit holds…
		r = c.post("/login", url.Values{"username": {"li.ming"}, "password": {adminPassword}})
		wantStatus(t, r, http.StatusTooManyRequests)
		// …and works again once the window has passed.
		e.clock.Advance(16 * 60 * 1e9)
		r = c.post("/login", url.Values{"username": {"li.ming"}, "password": {adminPassword}})
		wantStatus(t, r, http.StatusSeeOther)
	})
}

func TestLoginRefusesOpenRedirect(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("li.ming", authz.Viewer)
		for _, next := range []string{
			"https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example", "http:/evil.example",
			"javascript:alert(1)", "evil.example", " //evil.example", "/\t/evil.example", "/\r\nLocation: https://evil.example",
		} {
			c := e.client()
			r := c.post("/login", url.Values{"username": {"li.ming"}, "password": {adminPassword}, "next": {next}})
			if r.status != http.StatusSeeOther || r.location() != "/" {
				t.Errorf("next %q: status %d, redirected to %q", next, r.status, r.location())
			}
			// The form does not carry it either.
			if r := c.get("/login?next=" + url.QueryEscape(next)); strings.Contains(r.body, "evil.example") {
				t.Errorf("login form keeps next %q", next)
			}
		}
		// A local path is kept.
		c := e.client()
		r := c.post("/login", url.Values{"username": {"li.ming"}, "password": {adminPassword}, "next": {"/teams/3?x=1"}})
		if r.location() != "/teams/3?x=1" {
			t.Errorf("local next: %q", r.location())
		}
	})
}

func TestCrossOriginPostRefused(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		c := e.client()
		c.login("admin")
		form := url.Values{"name": {"伪造部门"}, "kind": {"department"}, "parent_id": {idStr(e.root.ID)}}
		r := c.post("/org", form, "Sec-Fetch-Site", "cross-site")
		wantStatus(t, r, http.StatusForbidden)
		r = c.post("/org", form, "Origin", "https://evil.example")
		wantStatus(t, r, http.StatusForbidden)
		r = c.post("/logout", nil, "Sec-Fetch-Site", "cross-site")
		wantStatus(t, r, http.StatusForbidden)
		if units, _ := e.app.Org.Units(sys()); len(units) != 1 {
			t.Fatalf("a cross-site POST created a unit: %d units", len(units))
		}
		// The same form from the same origin works.
		r = c.post("/org", form, "Sec-Fetch-Site", "same-origin")
		wantStatus(t, r, http.StatusSeeOther)
		if units, _ := e.app.Org.Units(sys()); len(units) != 2 {
			t.Fatalf("same-origin POST: %d units", len(units))
		}
	})
}

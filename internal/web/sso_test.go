package web_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/server"
	"github.com/continuo-bcm/continuo/internal/sso/ssotest"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// ssoSignIn runs a single sign-on through the real provider up to the
// callback and returns Continuo's answer to it.
func ssoSignIn(t *testing.T, c *client, op *ssotest.Provider, next string, spoil func(*url.URL)) response {
	t.Helper()
	r := c.get("/auth/oidc/login?next=" + url.QueryEscape(next))
	if r.status != http.StatusFound {
		t.Fatalf("start: %d\n%s", r.status, r.body)
	}
	cb, err := op.Authorize(r.location())
	if err != nil {
		t.Fatal(err)
	}
	if spoil != nil {
		spoil(cb)
	}
	return c.get(cb.RequestURI())
}

func TestSingleSignOn(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			op := ssotest.NewProvider(t)
			e := newEnv(t, engine, app.Config{OIDC: app.OIDCConfig{Issuer: op.Issuer(), ClientID: op.ClientID, ClientSecret: op.ClientSecret}})
			op.SetRedirectURL(e.app.Config.BaseURL + "/auth/oidc/callback")
			e.seedOrg()
			_, err := e.app.Identity.CreateUser(sys(), identity.NewUser{Username: "alice", Email: "alice@example.com", Password: adminPassword,
				Grants: []authz.Grant{{Role: authz.Viewer, UnitID: e.root.ID}}})
			if err != nil {
				t.Fatal(err)
			}

			c := e.client()
			mustContain(t, c.get("/login").body, "Sign in with SSO", `href="/auth/oidc/login?next=%2f"`)

			// Success: the account with the verified email is signed in.
			r := ssoSignIn(t, c, op, "/contacts", nil)
			if r.status != http.StatusSeeOther || r.location() != "/contacts" {
				t.Fatalf("callback: %d %q\n%s", r.status, r.location(), r.body)
			}
			if c.cookie(server.SessionCookie) == "" {
				t.Fatal("no session after single sign-on")
			}
			wantStatus(t, c.get("/contacts"), http.StatusOK)

			// A forged or replayed callback (state not ours) is refused.
			c = e.client()
			r = ssoSignIn(t, c, op, "/", func(u *url.URL) {
				q := u.Query()
				q.Set("state", "forged")
				u.RawQuery = q.Encode()
			})
			wantStatus(t, r, http.StatusBadRequest)
			mustContain(t, r.body, "Please sign in again.")
			// Without the cookie of the browser that started it, too.
			r = e.client().get("/auth/oidc/callback?code=x&state=y")
			wantStatus(t, r, http.StatusBadRequest)

			// The person cancelled at the provider.
			op.FailNextAuthorize("access_denied", "the user cancelled")
			r = ssoSignIn(t, e.client(), op, "/", nil)
			wantStatus(t, r, http.StatusUnauthorized)
			mustContain(t, r.body, "Single sign-on failed.")

			// An unverified email does not identify an account.
			op.SetEmail("alice@example.com", false)
			r = ssoSignIn(t, e.client(), op, "/", nil)
			wantStatus(t, r, http.StatusForbidden)
			mustContain(t, r.body, "did not confirm your email address")

			// No account for the email: refused, and none is created.
			op.SetEmail("bob@example.com", true)
			c = e.client()
			c.header.Set("Accept-Language", "zh-CN")
			r = ssoSignIn(t, c, op, "/", nil)
			wantStatus(t, r, http.StatusForbidden)
			mustContain(t, r.body, "bob@example.com 没有对应的 Continuo 账号")
			if n, _ := e.app.Identity.CountUsers(sys()); n != 1 {
				t.Fatalf("%d accounts after an unknown sign-on", n)
			}
			if c.cookie(server.SessionCookie) != "" {
				t.Fatal("session cookie after a refused sign-on")
			}
		})
	}
}

func TestSingleSignOnOff(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedOrg()
		e.seedUser("admin", authz.Admin)
		c := e.client()
		mustNotContain(t, c.get("/login").body, "Sign in with SSO")
		wantStatus(t, c.get("/auth/oidc/login"), http.StatusNotFound)
		wantStatus(t, c.get("/auth/oidc/callback?code=x&state=y"), http.StatusNotFound)
	})
}

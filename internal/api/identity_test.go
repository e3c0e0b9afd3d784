package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/identity"
)

// tokenResponse is the answer to a token creation.
type tokenResponse struct {
	Token  identity.Token `json:"token"`
	Secret string         `json:"secret"`
}

func TestMe(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "who am I", role: "lead", method: "GET", url: "/me",
			status: 200, contains: []string{`"username":"lead"`, `"grants":[{"role":"department_lead","unit_id":{east}}]`},
			excludes: []string{"password", "argon2"}},
		{name: "who am I without a token", method: "GET", url: "/me", status: 401},
		{name: "change language", role: "viewer", method: "PATCH", url: "/me", body: `{"lang": "zh-CN"}`,
			status: 200, contains: []string{`"lang":"zh-CN"`, `"username":"viewer"`},
			check: func(t *testing.T, e *env, _ response) {
				var u identity.User
				e.json("viewer", "GET", "/me", "", 200, &u)
				if u.Lang != "zh-CN" {
					t.Errorf("language after PATCH /me: %q, want zh-CN", u.Lang)
				}
				// The profile language is the default of the contact list.
				res := e.json("viewer", "GET", "/contact-list", "", 200, nil)
				if !contains(res.body, `"lang":"zh-CN"`) || !contains(res.body, `"role_label":"组长"`) {
					t.Errorf("contact list does not follow the profile language: %s", res.body)
				}
			}},
		{name: "change display name and email", role: "viewer", method: "PATCH", url: "/me",
			body:   `{"display_name": "值班员", "email": "duty@example.com"}`,
			status: 200, contains: []string{`"display_name":"值班员"`, `"email":"duty@example.com"`, `"lang":"zh-CN"`}},
		{name: "unknown language", role: "viewer", method: "PATCH", url: "/me", body: `{"lang": "fr"}`,
			status: 422, contains: []string{`"field":"body.lang"`}},
		{name: "bad email", role: "viewer", method: "PATCH", url: "/me", body: `{"email": "not an address"}`,
			status: 422, contains: []string{`{"field":"body.email","message":"is not a valid email address"}`}},
		{name: "cannot grant oneself roles", role: "viewer", method: "PATCH", url: "/me", body: `{"grants": [{"role": "admin", "unit_id": {group}}]}`,
			status: 422, contains: []string{`"field":"body.grants"`}},
		{name: "change password with a wrong current password", role: "viewer", method: "POST", url: "/me/password",
			body:   `{"current_password": "wrong password!", "new_password": "a much longer secret"}`,
			status: 422, contains: []string{`{"field":"body.current_password","message":"is not your current password"}`}},
		{name: "change password too short", role: "viewer", method: "POST", url: "/me/password",
			body:   `{"current_password": "correct horse battery", "new_password": "short"}`,
			status: 422, contains: []string{`"field":"body.new_password"`}},
		{name: "change password", role: "viewer", method: "POST", url: "/me/password",
			body:   `{"current_password": "correct horse battery", "new_password": "a much longer secret"}`,
			status: 204,
			check: func(t *testing.T, e *env, _ response) {
				if _, _, err := e.app.Identity.Login(sys(), "viewer", "a much longer secret", "192.0.2.1"); err != nil {
					t.Errorf("the new password does not sign in: %v", err)
				}
				// Tokens survive a password change.
				e.json("viewer", "GET", "/me", "", 200, nil)
			}},
		{name: "list my tokens", role: "auditor", method: "GET", url: "/me/tokens",
			status: 200, contains: []string{`"name":"tests"`, `"prefix":"cto_`}, excludes: []string{`"hash"`}},
		{name: "create a token without a name", role: "auditor", method: "POST", url: "/me/tokens", body: `{"expires_in_days": 30}`,
			status: 422, contains: []string{`{"field":"body.name","message":"is required"}`}},
		{name: "create a token with a negative lifetime", role: "auditor", method: "POST", url: "/me/tokens", body: `{"name": "x", "expires_in_days": -1}`,
			status: 422, contains: []string{`"field":"body.expires_in_days"`}},
		{name: "revoke someone else's token", role: "viewer", method: "DELETE", url: "/me/tokens/{admin_token}",
			setup: func(t *testing.T, e *env) {
				var tr tokenResponse
				e.json("admin", "POST", "/me/tokens", `{"name": "admin's"}`, 201, &tr)
				e.ids["admin_token"] = tr.Token.ID
			},
			status: 404,
			check: func(t *testing.T, e *env, _ response) {
				var list struct{ Items []identity.Token }
				e.json("admin", "GET", "/me/tokens", "", 200, &list)
				if len(list.Items) != 2 {
					t.Errorf("admin has %d tokens after another user's revoke attempt, want 2", len(list.Items))
				}
			}},
	})
}

// TestTokenLifecycle follows a token from creation to revocation.
func TestTokenLifecycle(t *testing.T) {
	t.Parallel()
	for _, engine := range engines() {
		t.Run(string(engine), func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, engine)

			var tr tokenResponse
			res := e.json("lead", "POST", "/me/tokens", `{"name": "monitoring", "expires_in_days": 7}`, http.StatusCreated, &tr)
			if tr.Secret == "" || tr.Token.ID == 0 || tr.Token.Name != "monitoring" {
				t.Fatalf("token answer: %s", res.body)
			}
			if want := e.clock.Now().Add(7 * 24 * time.Hour); tr.Token.ExpiresAt == nil || !tr.Token.ExpiresAt.Equal(want) {
				t.Errorf("expires_at %v, want %v", tr.Token.ExpiresAt, want)
			}
			e.tokens["new"] = tr.Secret

			var u identity.User
			e.json("new", "GET", "/me", "", http.StatusOK, &u)
			if u.Username != "lead" {
				t.Errorf("the new token acts as %q, want lead", u.Username)
			}
			// It carries the rights of its user, no more.
			e.json("new", "POST", "/people", `{"name": "甲", "unit_id": {eastops}}`, http.StatusCreated, nil)
			e.json("new", "POST", "/people", `{"name": "乙", "unit_id": {west}}`, http.StatusForbidden, nil)

			var list struct{ Items []identity.Token }
			e.json("lead", "GET", "/me/tokens", "", http.StatusOK, &list)
			if len(list.Items) != 2 {
				t.Errorf("%d tokens listed, want 2", len(list.Items))
			}
			for _, tok := range list.Items {
				if contains([]byte(tok.Prefix), tr.Secret) {
					t.Errorf("a token list shows a whole secret")
				}
			}

			e.json("lead", "DELETE", "/me/tokens/"+itoa(tr.Token.ID), "", http.StatusNoContent, nil)
			res = e.json("new", "GET", "/me", "", http.StatusUnauthorized, nil)
			checkErrorBody(t, res)
			e.json("lead", "DELETE", "/me/tokens/"+itoa(tr.Token.ID), "", http.StatusNotFound, nil)
			e.json("lead", "GET", "/me", "", http.StatusOK, nil)

			// An expired token is refused too.
			e.clock.Advance(8 * 24 * time.Hour)
			var short tokenResponse
			e.json("lead", "POST", "/me/tokens", `{"name": "short", "expires_in_days": 1}`, http.StatusCreated, &short)
			e.tokens["short"] = short.Secret
			e.json("short", "GET", "/me", "", http.StatusOK, nil)
			e.clock.Advance(25 * time.Hour)
			e.json("short", "GET", "/me", "", http.StatusUnauthorized, nil)
		})
	}
}

func TestUsers(t *testing.T) {
	t.Parallel()
	runScenarios(t, []scenario{
		{name: "list as admin", role: "admin", method: "GET", url: "/users",
			status: 200, contains: []string{`"username":"admin"`, `"username":"lead"`, `"role":"auditor"`}, excludes: []string{"argon2"}},
		{name: "list as manager is forbidden", role: "manager", method: "GET", url: "/users", status: 403},
		{name: "create", role: "admin", method: "POST", url: "/users",
			body: `{"username": "duty.officer", "display_name": "值班长", "email": "duty@example.com", "password": "long enough secret",
				"person_id": {bob}, "lang": "zh-CN", "grants": [{"role": "responder", "unit_id": {west}}, {"role": "viewer", "unit_id": {group}}]}`,
			status: 201, contains: []string{`"username":"duty.officer"`, `"person_id":{bob}`, `{"role":"responder","unit_id":{west}}`}, excludes: []string{"long enough secret"},
			check: func(t *testing.T, e *env, res response) {
				if _, _, err := e.app.Identity.Login(sys(), "duty.officer", "long enough secret", "192.0.2.9"); err != nil {
					t.Errorf("the new account cannot sign in: %v", err)
				}
			}},
		{name: "create with a taken username", role: "admin", method: "POST", url: "/users",
			body: `{"username": "viewer", "password": "long enough secret"}`, status: 409, contains: []string{`"field":"body.username"`}},
		{name: "create with a short password and an unknown role", role: "admin", method: "POST", url: "/users",
			body:   `{"username": "x1", "password": "short", "grants": [{"role": "superuser", "unit_id": {group}}]}`,
			status: 422, contains: []string{`"field":"body.grants[0].role"`}},
		{name: "create with a short password", role: "admin", method: "POST", url: "/users",
			body: `{"username": "x1", "password": "short"}`, status: 422, contains: []string{`"field":"body.password"`}},
		{name: "create with a grant on an unknown unit", role: "admin", method: "POST", url: "/users",
			body:   `{"username": "x2", "password": "long enough secret", "grants": [{"role": "viewer", "unit_id": 999999}]}`,
			status: 422, contains: []string{`{"field":"body.grants[0].unit_id","message":"no org unit with id 999999"}`}},
		{name: "get", role: "admin", method: "GET", url: "/users/{lead_id}", status: 200, contains: []string{`"username":"lead"`}},
		{name: "get unknown", role: "admin", method: "GET", url: "/users/999999", status: 404},
		{name: "change grants", role: "admin", method: "PATCH", url: "/users/{viewer_id}",
			body:   `{"grants": [{"role": "bcm_manager", "unit_id": {east}}]}`,
			status: 200, contains: []string{`"grants":[{"role":"bcm_manager","unit_id":{east}}]`},
			check: func(t *testing.T, e *env, _ response) {
				// The new grant applies at once, to the user's existing token.
				e.json("viewer", "POST", "/units", `{"parent_id": {east}, "kind": "department", "name": "华东新部门"}`, 201, nil)
				e.json("viewer", "POST", "/units", `{"parent_id": {west}, "kind": "department", "name": "华西新部门"}`, 403, nil)
			}},
		{name: "link to a person and unlink", role: "admin", method: "PATCH", url: "/users/{lead_id}", body: `{"person_id": 0}`,
			setup: func(t *testing.T, e *env) {
				e.json("admin", "PATCH", "/users/{lead_id}", `{"person_id": {alice}}`, 200, nil)
			},
			status: 200, contains: []string{`"person_id":null`}},
		{name: "disable", role: "admin", method: "PATCH", url: "/users/{auditor_id}", body: `{"disabled": true}`,
			status: 200, contains: []string{`"disabled":true`},
			check: func(t *testing.T, e *env, _ response) {
				e.json("auditor", "GET", "/me", "", http.StatusUnauthorized, nil)
			}},
		{name: "cannot disable oneself", role: "admin", method: "PATCH", url: "/users/{admin_id}", body: `{"disabled": true}`,
			status: 422, contains: []string{"your own account"}},
		{name: "reset a password", role: "admin", method: "POST", url: "/users/{manager_id}/password", body: `{"new_password": "reset by the admin"}`,
			status: 204,
			check: func(t *testing.T, e *env, _ response) {
				if _, _, err := e.app.Identity.Login(sys(), "manager", "reset by the admin", "192.0.2.2"); err != nil {
					t.Errorf("the reset password does not sign in: %v", err)
				}
			}},
		{name: "reset one's own password here is refused", role: "admin", method: "POST", url: "/users/{admin_id}/password",
			body: `{"new_password": "reset by the admin"}`, status: 422, contains: []string{"/me/password"}},
		{name: "create a token for another user", role: "admin", method: "POST", url: "/users/{lead_id}/tokens", body: `{"name": "integration"}`,
			status: 201, contains: []string{`"secret":"cto_`, `"user_id":{lead_id}`, `"expires_at":null`},
			check: func(t *testing.T, e *env, res response) {
				var tr tokenResponse
				decode(t, res.body, &tr)
				e.tokens["integration"] = tr.Secret
				var u identity.User
				e.json("integration", "GET", "/me", "", 200, &u)
				if u.Username != "lead" {
					t.Errorf("the token acts as %q, want lead", u.Username)
				}
			}},
		{name: "create a token for an unknown user", role: "admin", method: "POST", url: "/users/999999/tokens", body: `{"name": "x"}`, status: 404},
		{name: "department lead cannot manage users", role: "lead", method: "POST", url: "/users/{lead_id}/tokens", body: `{"name": "x"}`, status: 403},
	})
}

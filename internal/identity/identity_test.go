package identity_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

type env struct {
	ids   *identity.Service
	org   *org.Service
	clock *clock.Fake
	sys   context.Context
	root  org.Unit
	dept  org.Unit
}

func newEnv(t *testing.T, db *store.DB) env {
	clk := clock.NewFake(time.Date(2026, 1, 10, 8, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	o := org.NewService(db, db, a, clk)
	e := env{ids: identity.NewService(db, o, db, a, clk), org: o, clock: clk, sys: authz.WithPrincipal(context.Background(), authz.SystemPrincipal)}
	var err error
	if e.root, err = o.CreateUnit(e.sys, org.Unit{Kind: org.KindGroup, Name: "集团"}); err != nil {
		t.Fatal(err)
	}
	if e.dept, err = o.CreateUnit(e.sys, org.Unit{Kind: org.KindDepartment, Name: "IT", ParentID: &e.root.ID}); err != nil {
		t.Fatal(err)
	}
	return e
}

func (e env) user(t *testing.T, name string, role authz.Role, unit org.Unit) identity.User {
	t.Helper()
	u, err := e.ids.CreateUser(e.sys, identity.NewUser{Username: name, Password: "correct horse battery", Grants: []authz.Grant{{Role: role, UnitID: unit.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestPasswordHashing(t *testing.T) {
	h, err := identity.HashPassword("s3cret-pässwörd")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("unexpected encoding %q", h)
	}
	if !identity.CheckPassword(h, "s3cret-pässwörd") || identity.CheckPassword(h, "s3cret-passwort") {
		t.Fatal("password check is wrong")
	}
	h2, _ := identity.HashPassword("s3cret-pässwörd")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt missing")
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$x$y$z$w", h[:len(h)-5]} {
		if identity.CheckPassword(bad, "s3cret-pässwörd") {
			t.Fatalf("malformed hash %q accepted", bad)
		}
	}
}

func TestLoginSessionAndExpiry(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		u := e.user(t, "Zhang.Wei", authz.BCMManager, e.root)
		_, secret, err := e.ids.Login(context.Background(), "zhang.wei", "correct horse battery", "10.0.0.1")
		if err != nil {
			t.Fatalf("login (username case-insensitive): %v", err)
		}
		got, err := e.ids.Authenticate(context.Background(), secret)
		if err != nil || got.ID != u.ID {
			t.Fatalf("authenticate: %v", err)
		}
		if len(got.Grants) != 1 || got.Grants[0].UnitPath != e.root.Path {
			t.Fatalf("grant paths not resolved: %+v", got.Grants)
		}
		e.clock.Advance(identity.SessionTTL + time.Second)
		if _, err := e.ids.Authenticate(context.Background(), secret); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("expired session accepted: %v", err)
		}
	})
}

func TestLoginRateLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.user(t, "li.na", authz.Viewer, e.root)
		for i := range 5 {
			_, _, err := e.ids.Login(context.Background(), "li.na", "wrong password!", "10.0.0.2")
			if errs.CodeOf(err) != errs.Unauthorized {
				t.Fatalf("attempt %d: %v", i, err)
			}
		}
		// Even the right password is refused while locked.
		if _, _, err := e.ids.Login(context.Background(), "li.na", "correct horse battery", "10.0.0.3"); errs.CodeOf(err) != errs.RateLimited {
			t.Fatalf("locked account: %v", err)
		}
		e.clock.Advance(16 * time.Minute)
		if _, _, err := e.ids.Login(context.Background(), "li.na", "correct horse battery", "10.0.0.3"); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		// Unknown users fail like wrong passwords.
		if _, _, err := e.ids.Login(context.Background(), "nobody", "whatever-it-is", "10.0.0.4"); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("unknown user: %v", err)
		}
	})
}

func TestDisabledUserCannotSignIn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		u := e.user(t, "wang.fang", authz.Responder, e.root)
		_, secret, err := e.ids.Login(context.Background(), "wang.fang", "correct horse battery", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		yes := true
		if _, err := e.ids.UpdateUser(e.sys, u.ID, identity.UserUpdate{Disabled: &yes}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ids.Authenticate(context.Background(), secret); err == nil {
			t.Fatal("session of a disabled user still works")
		}
		if _, _, err := e.ids.Login(context.Background(), "wang.fang", "correct horse battery", "10.0.0.1"); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("disabled user with the right password: %v", err)
		}
		if _, _, err := e.ids.Login(context.Background(), "wang.fang", "a wrong password", "10.0.0.1"); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("disabled user with a wrong password: %v", err)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		u := e.user(t, "api-bot", authz.Viewer, e.root)
		self := authz.WithPrincipal(context.Background(), u.Principal())
		tok, secret, err := e.ids.CreateToken(self, u.ID, "monitoring", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, identity.TokenPrefix) || !strings.HasPrefix(secret, tok.Prefix) {
			t.Fatalf("secret %q prefix %q", secret, tok.Prefix)
		}
		if got, err := e.ids.Authenticate(context.Background(), secret); err != nil || got.ID != u.ID {
			t.Fatalf("token auth: %v", err)
		}
		other := e.user(t, "other", authz.Viewer, e.root)
		if _, _, err := e.ids.CreateToken(authz.WithPrincipal(context.Background(), other.Principal()), u.ID, "steal", 0); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("token for another user: %v", err)
		}
		if _, _, err := e.ids.CreateToken(self, u.ID, " ", 0); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("empty token name: %v", err)
		}
		e.clock.Advance(25 * time.Hour)
		if _, err := e.ids.Authenticate(context.Background(), secret); err == nil {
			t.Fatal("expired token accepted")
		}
		_, secret2, _ := e.ids.CreateToken(self, u.ID, "forever", 0)
		list, _ := e.ids.ListTokens(self, u.ID)
		if len(list) != 2 {
			t.Fatalf("tokens: %d", len(list))
		}
		if err := e.ids.RevokeToken(self, u.ID, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.ids.Authenticate(context.Background(), secret2); err == nil {
			t.Fatal("revoked token accepted")
		}
	})
}

func TestUserValidationAndScope(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		_, err := e.ids.CreateUser(e.sys, identity.NewUser{Username: "x", Password: "short", Email: "bad@", Grants: []authz.Grant{{Role: "king", UnitID: e.root.ID}}})
		fields := map[string]bool{}
		for _, f := range errs.FieldsOf(err) {
			fields[f.Field] = true
		}
		for _, want := range []string{"username", "password", "email", "grants[0].role"} {
			if !fields[want] {
				t.Errorf("no error for %s in %v", want, err)
			}
		}
		_, err = e.ids.CreateUser(e.sys, identity.NewUser{Username: "ghost", Password: "long enough pw", Grants: []authz.Grant{{Role: authz.Viewer, UnitID: 9999}}})
		if errs.CodeOf(err) != errs.Invalid || errs.FieldsOf(err)[0].Field != "grants[0].unit_id" {
			t.Fatalf("grant on unknown unit: %v", err)
		}
		e.user(t, "taken", authz.Viewer, e.root)
		if _, err := e.ids.CreateUser(e.sys, identity.NewUser{Username: "TAKEN", Password: "long enough pw"}); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("duplicate username: %v", err)
		}
		lead := e.user(t, "lead", authz.DepartmentLead, e.dept)
		leadCtx := authz.WithPrincipal(context.Background(), lead.Principal())
		if _, err := e.ids.CreateUser(leadCtx, identity.NewUser{Username: "new", Password: "long enough pw"}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("department lead creating users: %v", err)
		}
		// Users change their own language and password, not their grants.
		zh := "zh-CN"
		if _, err := e.ids.UpdateUser(leadCtx, lead.ID, identity.UserUpdate{Lang: &zh}); err != nil {
			t.Fatalf("own language: %v", err)
		}
		grants := []authz.Grant{{Role: authz.Admin, UnitID: e.root.ID}}
		if _, err := e.ids.UpdateUser(leadCtx, lead.ID, identity.UserUpdate{Grants: &grants}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("self-promotion: %v", err)
		}
		if err := e.ids.SetPassword(leadCtx, lead.ID, "wrong current", "a brand new password"); errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("password change with wrong current: %v", err)
		}
		if err := e.ids.SetPassword(leadCtx, lead.ID, "correct horse battery", "a brand new password"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.ids.Login(context.Background(), "lead", "a brand new password", "x"); err != nil {
			t.Fatalf("login with new password: %v", err)
		}
	})
}

// TestRevocationReachesEveryProcess signs in through one server process,
// then changes access through another (its own database handle and
// services), and checks that the first process, which keeps the users it
// authenticated, sees every change on the next request.
func TestRevocationReachesEveryProcess(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, engine)
			one := newEnv(t, storetest.Open(t, dsn))
			db2 := storetest.Open(t, dsn)
			clk2 := clock.NewFake(one.clock.Now())
			a2 := audit.NewLog(db2, db2, clk2)
			org2 := org.NewService(db2, db2, a2, clk2)
			two := identity.NewService(db2, org2, db2, a2, clk2)

			u := one.user(t, "zhao.lei", authz.BCMManager, one.dept)
			self := authz.WithPrincipal(ctx, u.Principal())
			_, session, err := one.ids.Login(ctx, "zhao.lei", "correct horse battery", "10.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			tok, token, err := one.ids.CreateToken(self, u.ID, "ci", 0)
			if err != nil {
				t.Fatal(err)
			}
			works := func(secret string) (identity.User, error) {
				t.Helper()
				// Twice: the second answer comes from what the process keeps.
				if _, err := one.ids.Authenticate(ctx, secret); err != nil {
					return identity.User{}, err
				}
				return one.ids.Authenticate(ctx, secret)
			}
			if _, err := works(token); err != nil {
				t.Fatal(err)
			}

			// A grant changed elsewhere.
			grants := []authz.Grant{{Role: authz.Viewer, UnitID: one.root.ID}}
			if _, err := two.UpdateUser(one.sys, u.ID, identity.UserUpdate{Grants: &grants}); err != nil {
				t.Fatal(err)
			}
			got, err := works(session)
			if err != nil || len(got.Grants) != 1 || got.Grants[0].Role != authz.Viewer || got.Grants[0].UnitPath != one.root.Path {
				t.Fatalf("after the grant change: %+v, %v", got.Grants, err)
			}

			// The granted unit moved elsewhere: the grant's path follows.
			sub, err := org2.CreateUnit(one.sys, org.Unit{Kind: org.KindBranch, Name: "华东", ParentID: &one.root.ID})
			if err != nil {
				t.Fatal(err)
			}
			grants = []authz.Grant{{Role: authz.Viewer, UnitID: one.dept.ID}}
			if _, err := two.UpdateUser(one.sys, u.ID, identity.UserUpdate{Grants: &grants}); err != nil {
				t.Fatal(err)
			}
			if _, err := works(token); err != nil {
				t.Fatal(err)
			}
			moved := one.dept
			moved.ParentID = &sub.ID
			if moved, err = org2.UpdateUnit(one.sys, moved); err != nil {
				t.Fatal(err)
			}
			if got, err := works(token); err != nil || got.Grants[0].UnitPath != moved.Path {
				t.Fatalf("after the move: %+v, %v (want path %s)", got.Grants, err, moved.Path)
			}

			// The token revoked elsewhere.
			if err := two.RevokeToken(authz.WithPrincipal(ctx, u.Principal()), u.ID, tok.ID); err != nil {
				t.Fatal(err)
			}
			if _, err := one.ids.Authenticate(ctx, token); errs.CodeOf(err) != errs.Unauthorized {
				t.Fatalf("revoked token: %v", err)
			}

			// Signed out elsewhere.
			if _, err := works(session); err != nil {
				t.Fatal(err)
			}
			if err := two.Logout(ctx, session); err != nil {
				t.Fatal(err)
			}
			if _, err := one.ids.Authenticate(ctx, session); errs.CodeOf(err) != errs.Unauthorized {
				t.Fatalf("signed-out session: %v", err)
			}

			// Disabled elsewhere.
			_, session, err = one.ids.Login(ctx, "zhao.lei", "correct horse battery", "10.0.0.1")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := works(session); err != nil {
				t.Fatal(err)
			}
			yes := true
			if _, err := two.UpdateUser(one.sys, u.ID, identity.UserUpdate{Disabled: &yes}); err != nil {
				t.Fatal(err)
			}
			if _, err := one.ids.Authenticate(ctx, session); errs.CodeOf(err) != errs.Unauthorized {
				t.Fatalf("disabled user: %v", err)
			}
		})
	}
}

// TestKeptSessionStillExpires: a session kept by the process expires on
// time even though nothing in the database changed.
func TestKeptSessionStillExpires(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.user(t, "sun.li", authz.Viewer, e.root)
		_, secret, err := e.ids.Login(context.Background(), "sun.li", "correct horse battery", "10.0.0.1")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.ids.Authenticate(context.Background(), secret); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(identity.SessionTTL - time.Second)
		if _, err := e.ids.Authenticate(context.Background(), secret); err != nil {
			t.Fatalf("a second before expiry: %v", err)
		}
		e.clock.Advance(time.Second)
		if _, err := e.ids.Authenticate(context.Background(), secret); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("expired kept session: %v", err)
		}
	})
}

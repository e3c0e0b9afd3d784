package demo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

type env struct {
	db    *store.DB
	org   *org.Service
	ids   *identity.Service
	audit *audit.Log
	sys   context.Context
}

func newEnv(db *store.DB) *env {
	clk := clock.NewFake(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	o := org.NewService(db, db, a, clk)
	return &env{db: db, org: o, ids: identity.NewService(db, o, db, a, clk), audit: a,
		sys: authz.WithPrincipal(context.Background(), authz.SystemPrincipal)}
}

// snapshot is what a second Load must leave as it was.
type snapshot struct{ units, people, teams, users, audit int }

func (e *env) snapshot(t *testing.T) snapshot {
	t.Helper()
	units, err := e.org.Units(e.sys)
	if err != nil {
		t.Fatal(err)
	}
	_, people, err := e.org.People(e.sys, org.PeopleFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	teams, err := e.org.Teams(e.sys)
	if err != nil {
		t.Fatal(err)
	}
	users, err := e.ids.CountUsers(e.sys)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := e.audit.Verify(e.sys)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("audit chain broken: %+v", rep.Problems)
	}
	return snapshot{len(units), people, len(teams), users, rep.Checked}
}

func TestLoad(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		ctx := context.Background()
		login, loaded, err := demo.Load(ctx, e.org, e.ids, e.db)
		if err != nil {
			t.Fatal(err)
		}
		if !loaded || login != (demo.Login{Username: "admin", Password: "continuo-demo"}) {
			t.Fatalf("Load = %+v, %v; want the admin login and loaded", login, loaded)
		}
		first := e.snapshot(t)

		// People: enough of them, all valid, some reachable on each IM.
		var people []org.Person
		var after int64
		for {
			page, _, err := e.org.People(e.sys, org.PeopleFilter{Limit: 500, AfterID: after})
			if err != nil {
				t.Fatal(err)
			}
			people = append(people, page...)
			if len(page) < 500 {
				break
			}
			after = page[len(page)-1].ID
		}
		if len(people) < 55 {
			t.Fatalf("%d people, want at least 55", len(people))
		}
		im := map[org.ContactKind]int{}
		for _, p := range people {
			if err := p.Validate(); err != nil {
				t.Errorf("%s %s does not validate: %v", p.EmployeeNo, p.Name, err)
			}
			if p.EmployeeNo == "" || p.NameEn == "" || p.TitleEn == "" || p.Contact(org.ContactMobile) == "" {
				t.Errorf("%s %s lacks an employee number, English name, English title or mobile", p.EmployeeNo, p.Name)
			}
			if e := p.Contact(org.ContactEmail); !strings.HasSuffix(e, "@xinglian.example") {
				t.Errorf("%s email %q is not at the example domain", p.Name, e)
			}
			for _, c := range p.Contacts {
				im[c.Kind]++
			}
		}
		for _, k := range []org.ContactKind{org.ContactDingTalk, org.ContactWeCom, org.ContactFeishu} {
			if im[k] == 0 {
				t.Errorf("nobody has a %s id", k)
			}
		}

		// Teams: every kind of seed 000, each led by someone with deputies.
		teams, err := e.org.Teams(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		if len(teams) < 5 {
			t.Fatalf("%d teams, want at least 5", len(teams))
		}
		kinds := map[org.TeamKind]int{}
		byID := map[int64]org.Person{}
		for _, p := range people {
			byID[p.ID] = p
		}
		for _, tm := range teams {
			kinds[tm.Kind]++
			if tm.Duties == "" || tm.DutiesEn == "" || tm.NameEn == "" {
				t.Errorf("team %s lacks duties or an English name", tm.Name)
			}
			leaders := 0
			for _, m := range tm.Members {
				if m.Role != org.RoleLeader {
					continue
				}
				leaders++
				if n := len(m.Deputies); n < 1 || n > 2 {
					t.Errorf("team %s: leader %s has %d deputies, want 1 or 2", tm.Name, byID[m.PersonID].Name, n)
				}
			}
			if leaders != 1 {
				t.Errorf("team %s has %d leaders, want 1", tm.Name, leaders)
			}
		}
		if kinds[org.TeamCommittee] != 1 || kinds[org.TeamCrisisOffice] != 1 || kinds[org.TeamSpecial] < 3 || kinds[org.TeamOnsiteCommand] != 1 {
			t.Errorf("team kinds %v, want a committee, an office, special teams and on-site command", kinds)
		}

		// The contact list starts with the committee chair and their deputy.
		rows, err := e.org.ContactList(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) == 0 {
			t.Fatal("the contact list is empty")
		}
		if r := rows[0]; r.TeamKind != org.TeamCommittee || r.Role != org.RoleLeader || r.Holder.Title != "董事长" || len(r.Deputies) == 0 || r.Deputies[0].Title != "总经理" {
			t.Errorf("first contact row %+v, want the chairman with the general manager as deputy", r)
		}
		liaisons := 0
		for _, r := range rows {
			if r.TeamKind == org.TeamCrisisOffice && r.Role == org.RoleLiaison {
				liaisons++
			}
		}
		if liaisons < 10 {
			t.Errorf("%d liaisons in the crisis office, want one per department", liaisons)
		}

		// Accounts: the admin signs in and holds admin on the root unit; the
		// department lead's grant is on the IT department only.
		u, secret, err := e.ids.Login(ctx, login.Username, login.Password, "192.0.2.1")
		if err != nil {
			t.Fatalf("admin login: %v", err)
		}
		u, err = e.ids.Authenticate(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		root, err := e.org.Unit(e.sys, u.Grants[0].UnitID)
		if err != nil {
			t.Fatal(err)
		}
		if len(u.Grants) != 1 || u.Grants[0].Role != authz.Admin || root.ParentID != nil {
			t.Errorf("admin grants %+v on %+v, want admin on the root unit", u.Grants, root)
		}
		wantRoles := map[string]authz.Role{"office": authz.BCMManager, "committee": authz.Committee, "it-lead": authz.DepartmentLead, "viewer": authz.Viewer, "auditor": authz.Auditor}
		for name, role := range wantRoles {
			u, _, err := e.ids.Login(ctx, name, demo.Password, "192.0.2.1")
			if err != nil {
				t.Errorf("%s login: %v", name, err)
				continue
			}
			if len(u.Grants) != 1 || u.Grants[0].Role != role || u.PersonID == nil {
				t.Errorf("%s: grants %+v, person %v; want %s linked to a person", name, u.Grants, u.PersonID, role)
			}
			if name == "it-lead" {
				unit, err := e.org.Unit(e.sys, u.Grants[0].UnitID)
				if err != nil {
					t.Fatal(err)
				}
				if unit.Code != "XL-IT" || byID[*u.PersonID].EmployeeNo != "XL0601" {
					t.Errorf("it-lead: grant on %s, person %+v", unit.Code, byID[*u.PersonID])
				}
			}
		}

		// The load is in the audit log, and the chain holds.
		if first.audit < first.units+first.people+first.teams+first.users {
			t.Errorf("%d audit entries for %+v", first.audit, first)
		}

		// A second load changes nothing.
		login2, loaded2, err := demo.Load(ctx, e.org, e.ids, e.db)
		if err != nil {
			t.Fatal(err)
		}
		if loaded2 || login2 != login {
			t.Fatalf("second Load = %+v, %v; want not loaded", login2, loaded2)
		}
		if again := e.snapshot(t); again != first {
			t.Fatalf("second Load changed the database: %+v → %+v", first, again)
		}
	})
}

// A load that fails half-way (here: the admin account exists already, and
// accounts come last) leaves no unit, person or team behind.
func TestLoadFailureLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		if _, err := e.ids.CreateUser(e.sys, identity.NewUser{Username: "admin", Password: "an-existing-password"}); err != nil {
			t.Fatal(err)
		}
		before := e.snapshot(t)
		_, loaded, err := demo.Load(context.Background(), e.org, e.ids, e.db)
		if err == nil || loaded {
			t.Fatalf("Load = %v, %v; want a failure", loaded, err)
		}
		if errs.CodeOf(err) != errs.Conflict || !strings.Contains(err.Error(), "admin") {
			t.Errorf("error %v, want a conflict naming the admin account", err)
		}
		if after := e.snapshot(t); after != before {
			t.Fatalf("failed Load left data: %+v → %+v", before, after)
		}
	})
}

package org_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

type env struct {
	db    *store.DB
	org   *org.Service
	audit *audit.Log
	clock *clock.Fake
	sys   context.Context
}

func newEnv(db *store.DB) env {
	clk := clock.NewFake(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	a := audit.NewLog(db, db, clk)
	return env{db: db, org: org.NewService(db, db, a, clk), audit: a, clock: clk,
		sys: authz.WithPrincipal(context.Background(), authz.SystemPrincipal)}
}

func (e env) unit(t *testing.T, parent *int64, kind org.UnitKind, name string) org.Unit {
	t.Helper()
	u, err := e.org.CreateUnit(e.sys, org.Unit{ParentID: parent, Kind: kind, Name: name, NameEn: name + " EN"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (e env) person(t *testing.T, unit int64, name, mobile string) org.Person {
	t.Helper()
	p, err := e.org.SavePerson(e.sys, org.Person{Name: name, UnitID: unit, Active: true,
		Contacts: []org.ContactMethod{{Kind: org.ContactMobile, Value: mobile}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func as(role authz.Role, unit org.Unit) context.Context {
	return authz.WithPrincipal(context.Background(), authz.Principal{UserID: 99, Name: "tester",
		Grants: []authz.Grant{{Role: role, UnitID: unit.ID, UnitPath: unit.Path}}})
}

func TestUnitTreeAndMove(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		root := e.unit(t, nil, org.KindGroup, "集团")
		east := e.unit(t, &root.ID, org.KindBranch, "华东分公司")
		west := e.unit(t, &root.ID, org.KindBranch, "西南分公司")
		ops := e.unit(t, &east.ID, org.KindDepartment, "运营部")
		if want := "/" + itoa(root.ID) + "/" + itoa(east.ID) + "/" + itoa(ops.ID) + "/"; ops.Path != want {
			t.Fatalf("path %q, want %q", ops.Path, want)
		}
		// Move the east branch under west: its department moves with it.
		east.ParentID = &west.ID
		if _, err := e.org.UpdateUnit(e.sys, east); err != nil {
			t.Fatal(err)
		}
		got, err := e.org.Unit(e.sys, ops.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := "/" + itoa(root.ID) + "/" + itoa(west.ID) + "/" + itoa(east.ID) + "/" + itoa(ops.ID) + "/"; got.Path != want {
			t.Fatalf("after move path %q, want %q", got.Path, want)
		}
		// A unit cannot move under its own descendant.
		root.ParentID = &ops.ID
		_, err = e.org.UpdateUnit(e.sys, root)
		if errs.CodeOf(err) != errs.Invalid || errs.FieldsOf(err)[0].Field != "parent_id" {
			t.Fatalf("moving root under its descendant: got %v", err)
		}
		units, err := e.org.Units(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		order := []int64{root.ID, west.ID, east.ID, ops.ID}
		if len(units) != len(order) {
			t.Fatalf("got %d units", len(units))
		}
		for i, u := range units {
			if u.ID != order[i] {
				t.Fatalf("tree order: position %d has %s", i, u.Name)
			}
		}
	})
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

func TestDeleteUnitInUseIsRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		root := e.unit(t, nil, org.KindGroup, "集团")
		dept := e.unit(t, &root.ID, org.KindDepartment, "IT")
		p := e.person(t, dept.ID, "张伟", "+86 138 0000 0001")
		err := e.org.DeleteUnit(e.sys, dept.ID)
		if errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("delete unit with people: %v", err)
		}
		if err := e.org.DeletePerson(e.sys, p.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.org.DeleteUnit(e.sys, dept.ID); err != nil {
			t.Fatalf("delete empty unit: %v", err)
		}
		if _, err := e.org.Unit(e.sys, dept.ID); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("deleted unit still found: %v", err)
		}
	})
}

func TestPersonValidationStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		root := e.unit(t, nil, org.KindGroup, "集团")
		before, _ := e.audit.List(e.sys, audit.Filter{Limit: 500})
		_, err := e.org.SavePerson(e.sys, org.Person{Name: " ", UnitID: root.ID, Contacts: []org.ContactMethod{
			{Kind: org.ContactMobile, Value: "+86 139 0000 0000"},
			{Kind: org.ContactEmail, Value: "not-an-email"},
			{Kind: "fax", Value: "123"},
		}})
		want := map[string]bool{"name": true, "contacts[1].value": true, "contacts[2].kind": true}
		for _, f := range errs.FieldsOf(err) {
			delete(want, f.Field)
		}
		if errs.CodeOf(err) != errs.Invalid || len(want) != 0 {
			t.Fatalf("got %v; fields not reported: %v", err, want)
		}
		_, err = e.org.SavePerson(e.sys, org.Person{Name: "李娜", UnitID: 12345})
		if errs.CodeOf(err) != errs.Invalid || errs.FieldsOf(err)[0].Field != "unit_id" {
			t.Fatalf("unknown unit: %v", err)
		}
		_, total, err := e.org.People(e.sys, org.PeopleFilter{})
		if err != nil || total != 0 {
			t.Fatalf("people after failed saves: %d, %v", total, err)
		}
		after, _ := e.audit.List(e.sys, audit.Filter{Limit: 500})
		if len(after) != len(before) {
			t.Fatalf("audit grew from %d to %d on failed saves", len(before), len(after))
		}
	})
}

func TestDuplicateEmployeeNumber(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		root := e.unit(t, nil, org.KindGroup, "集团")
		if _, err := e.org.SavePerson(e.sys, org.Person{Name: "王芳", EmployeeNo: "E001", UnitID: root.ID}); err != nil {
			t.Fatal(err)
		}
		_, err := e.org.SavePerson(e.sys, org.Person{Name: "刘洋", EmployeeNo: "E001", UnitID: root.ID})
		if errs.CodeOf(err) != errs.Conflict || errs.FieldsOf(err)[0].Field != "employee_no" {
			t.Fatalf("duplicate employee number: %v", err)
		}
	})
}

func TestPeopleSearchAndSubtreeFilter(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		root := e.unit(t, nil, org.KindGroup, "集团")
		east := e.unit(t, &root.ID, org.KindBranch, "华东")
		ops := e.unit(t, &east.ID, org.KindDepartment, "运营部")
		west := e.unit(t, &root.ID, org.KindBranch, "西南")
		e.person(t, ops.ID, "陈静", "+86 138 0000 0011")
		e.person(t, east.ID, "杨磊", "+86 138 0000 0012")
		e.person(t, west.ID, "赵敏", "+86 138 0000 0013")
		_, n, err := e.org.People(e.sys, org.PeopleFilter{UnitID: east.ID})
		if err != nil || n != 2 {
			t.Fatalf("subtree of east: %d, %v", n, err)
		}
		got, n, err := e.org.People(e.sys, org.PeopleFilter{Query: "0013"})
		if err != nil || n != 1 || got[0].Name != "赵敏" || got[0].Contact(org.ContactMobile) != "+86 138 0000 0013" {
			t.Fatalf("search by mobile: %v %d %v", got, n, err)
		}
		// LIKE wildcards in the query are taken literally.
		_, n, _ = e.org.People(e.sys, org.PeopleFilter{Query: "%"})
		if n != 0 {
			t.Fatalf("query %% matched %d people", n)
		}
		page, n, _ := e.org.People(e.sys, org.PeopleFilter{Limit: 2})
		if n != 3 || len(page) != 2 {
			t.Fatalf("paging: total %d, page %d", n, len(page))
		}
		rest, _, _ := e.org.People(e.sys, org.PeopleFilter{Limit: 2, AfterID: page[1].ID})
		if len(rest) != 1 || rest[0].ID <= page[1].ID {
			t.Fatalf("keyset page: %v", rest)
		}
	})
}

func TestTeamsDeputiesAndContactList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		root := e.unit(t, nil, org.KindGroup, "集团")
		chair := e.person(t, root.ID, "周总", "+86 138 0000 0100")
		gm := e.person(t, root.ID, "吴经理", "+86 138 0000 0101")
		vp := e.person(t, root.ID, "郑副总", "+86 138 0000 0102")
		liaison := e.person(t, root.ID, "孙联络", "+86 138 0000 0103")
		office, err := e.org.SaveTeam(e.sys, org.Team{Kind: org.TeamCrisisOffice, Name: "危机管理办公室", UnitID: root.ID,
			Members: []org.Member{{PersonID: liaison.ID, Role: org.RoleLiaison}}})
		if err != nil {
			t.Fatal(err)
		}
		committee, err := e.org.SaveTeam(e.sys, org.Team{Kind: org.TeamCommittee, Name: "危机管理委员会", NameEn: "Crisis management committee", UnitID: root.ID,
			Members: []org.Member{
				{PersonID: vp.ID, Role: org.RoleMember},
				{PersonID: chair.ID, Role: org.RoleLeader, Deputies: []int64{gm.ID, vp.ID}},
			}})
		if err != nil {
			t.Fatal(err)
		}
		got, err := e.org.Team(e.sys, committee.ID)
		if err != nil {
			t.Fatal(err)
		}
		var leader org.Member
		for _, m := range got.Members {
			if m.PersonID == chair.ID {
				leader = m
			}
		}
		if len(leader.Deputies) != 2 || leader.Deputies[0] != gm.ID || leader.Deputies[1] != vp.ID {
			t.Fatalf("deputies not kept in order: %v", leader.Deputies)
		}
		rows, err := e.org.ContactList(e.sys)
		if err != nil {
			t.Fatal(err)
		}
		// Committee first (authority), leader before members, then the office.
		if len(rows) != 3 || rows[0].TeamID != committee.ID || rows[0].Holder.Name != "周总" || rows[2].TeamID != office.ID {
			t.Fatalf("contact list order: %+v", rows)
		}
		if len(rows[0].Deputies) != 2 || rows[0].Deputies[0].Name != "吴经理" || rows[0].Deputies[0].Mobile != "+86 138 0000 0101" {
			t.Fatalf("deputies on contact list: %+v", rows[0].Deputies)
		}
		// A person in a team cannot be deleted.
		if err := e.org.DeletePerson(e.sys, gm.ID); errs.CodeOf(err) != errs.Conflict {
			t.Fatalf("deleting a deputy: %v", err)
		}
		// Own deputy and unknown deputy are refused with field paths.
		_, err = e.org.AddMember(e.sys, committee.ID, org.Member{PersonID: gm.ID, Role: org.RoleMember, Deputies: []int64{gm.ID}})
		if errs.CodeOf(err) != errs.Invalid || errs.FieldsOf(err)[0].Field != "members[2].deputies[0]" {
			t.Fatalf("own deputy: %v", err)
		}
		_, err = e.org.AddMember(e.sys, committee.ID, org.Member{PersonID: gm.ID, Role: org.RoleMember, Deputies: []int64{424242}})
		if errs.CodeOf(err) != errs.Invalid {
			t.Fatalf("unknown deputy: %v", err)
		}
		if _, err := e.org.RemoveMember(e.sys, committee.ID, 424242); errs.CodeOf(err) != errs.NotFound {
			t.Fatalf("removing a non-member: %v", err)
		}
		if _, err := e.org.RemoveMember(e.sys, committee.ID, vp.ID); err != nil {
			t.Fatal(err)
		}
		got, _ = e.org.Team(e.sys, committee.ID)
		if len(got.Members) != 1 {
			t.Fatalf("members after removal: %d", len(got.Members))
		}
	})
}

func TestWriteScopeFollowsSubtree(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(db)
		root := e.unit(t, nil, org.KindGroup, "集团")
		it := e.unit(t, &root.ID, org.KindDepartment, "IT")
		itOps := e.unit(t, &it.ID, org.KindDepartment, "IT运维")
		hr := e.unit(t, &root.ID, org.KindDepartment, "HR")
		lead := as(authz.DepartmentLead, it)
		if _, err := e.org.SavePerson(lead, org.Person{Name: "钱工", UnitID: itOps.ID}); err != nil {
			t.Fatalf("lead writing in own subtree: %v", err)
		}
		if _, err := e.org.SavePerson(lead, org.Person{Name: "孙工", UnitID: hr.ID}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("lead writing in sibling unit: %v", err)
		}
		if _, err := e.org.CreateUnit(lead, org.Unit{ParentID: &it.ID, Kind: org.KindDepartment, Name: "x"}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("department lead creating a unit: %v", err)
		}
		viewer := as(authz.Viewer, root)
		if _, _, err := e.org.People(viewer, org.PeopleFilter{}); err != nil {
			t.Fatalf("viewer reading: %v", err)
		}
		if _, err := e.org.SavePerson(viewer, org.Person{Name: "x", UnitID: root.ID}); errs.CodeOf(err) != errs.Forbidden {
			t.Fatalf("viewer writing: %v", err)
		}
		if _, err := e.org.Units(context.Background()); errs.CodeOf(err) != errs.Unauthorized {
			t.Fatalf("anonymous reading: %v", err)
		}
	})
}

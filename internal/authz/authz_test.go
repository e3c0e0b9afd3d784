package authz

import "testing"

func TestRolePermissionTable(t *testing.T) {
	// Who may do what, as the roles are documented in docs/roles.md.
	table := map[Role]map[Permission]bool{
		Admin:          {OrgRead: true, OrgWrite: true, PeopleWrite: true, TeamsWrite: true, AuditRead: true, AuditVerify: true, UsersManage: true, MetricsRead: true},
		BCMManager:     {OrgRead: true, OrgWrite: true, PeopleWrite: true, TeamsWrite: true},
		Committee:      {OrgRead: true},
		DepartmentLead: {OrgRead: true, PeopleWrite: true},
		Responder:      {OrgRead: true},
		Viewer:         {OrgRead: true},
		Auditor:        {OrgRead: true, AuditRead: true, AuditVerify: true},
	}
	all := []Permission{OrgRead, OrgWrite, PeopleWrite, TeamsWrite, AuditRead, AuditVerify, UsersManage, MetricsRead, SystemBackup}
	for role, perms := range table {
		for _, p := range all {
			want := perms[p] || (role == Admin && p == SystemBackup)
			if got := role.Has(p); got != want {
				t.Errorf("%s has %s = %v, want %v", role, p, got, want)
			}
		}
		if !role.Has(SelfService) {
			t.Errorf("%s cannot manage their own profile", role)
		}
	}
	if len(table) != len(Roles) {
		t.Errorf("table covers %d roles, there are %d", len(table), len(Roles))
	}
}

func TestSubtreeScope(t *testing.T) {
	lead := Principal{UserID: 1, Grants: []Grant{{Role: DepartmentLead, UnitID: 4, UnitPath: "/1/4/"}}}
	cases := []struct {
		path string
		want bool
	}{
		{"/1/4/", true},
		{"/1/4/9/", true},
		{"/1/", false},
		{"/1/5/", false},
		{"/1/40/", false}, // a sibling whose id starts with the same digits
	}
	for _, c := range cases {
		if got := lead.On(PeopleWrite, c.path); got != c.want {
			t.Errorf("people.write on %s = %v, want %v", c.path, got, c.want)
		}
	}
	if lead.On(OrgWrite, "/1/4/") {
		t.Error("a department lead may not edit org units")
	}
	if !lead.Any(OrgRead) || lead.Any(UsersManage) {
		t.Error("Any is wrong")
	}
	if (Principal{Grants: []Grant{{Role: Admin, UnitID: 1}}}).On(OrgWrite, "/1/") {
		t.Error("a grant with no resolved path must not match")
	}
	if !SystemPrincipal.On(UsersManage, "/anything/") {
		t.Error("the system may do everything")
	}
}

func TestRules(t *testing.T) {
	viewer := &Principal{Grants: []Grant{{Role: Viewer, UnitID: 1, UnitPath: "/1/"}}}
	cases := []struct {
		rule Rule
		p    *Principal
		want bool
	}{
		{PublicRule(), nil, true},
		{AuthenticatedRule(), nil, false},
		{AuthenticatedRule(), viewer, true},
		{Needs(OrgRead), viewer, true},
		{Needs(OrgWrite), viewer, false},
		{Needs(OrgRead), nil, false},
		{Rule{}, viewer, false},
	}
	for i, c := range cases {
		if got := c.rule.Allows(c.p); got != c.want {
			t.Errorf("case %d: %+v allows = %v, want %v", i, c.rule, got, c.want)
		}
	}
	if (Rule{}).Defined() {
		t.Error("the empty rule must count as undefined")
	}
}

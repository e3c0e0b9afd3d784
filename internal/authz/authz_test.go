package authz

import "testing"

func TestRolePermissionTable(t *testing.T) {
	// Who may do what, as the roles are documented in docs/roles.md.
	read := map[Permission]bool{OrgRead: true, RiskRead: true, BIARead: true, PlanRead: true, WarningRead: true}
	plus := func(more ...Permission) map[Permission]bool {
		m := map[Permission]bool{}
		for p := range read {
			m[p] = true
		}
		for _, p := range more {
			m[p] = true
		}
		return m
	}
	table := map[Role]map[Permission]bool{
		Admin: plus(OrgWrite, PeopleWrite, TeamsWrite, AuditRead, AuditVerify, UsersManage, MetricsRead,
			RiskWrite, RiskManage, BIAWrite, BIAManage, PlanWrite, PlanApprove, WarningWrite, WarningAck, NotifyManage),
		BCMManager: plus(OrgWrite, PeopleWrite, TeamsWrite, RiskWrite, RiskManage, BIAWrite, BIAManage, PlanWrite,
			WarningWrite, WarningAck, NotifyManage),
		Committee:      plus(PlanApprove),
		DepartmentLead: plus(PeopleWrite, RiskWrite, BIAWrite, WarningAck),
		Responder:      plus(WarningAck),
		Viewer:         plus(),
		Auditor:        plus(AuditRead, AuditVerify),
	}
	all := []Permission{OrgRead, OrgWrite, PeopleWrite, TeamsWrite, AuditRead, AuditVerify, UsersManage, MetricsRead, SystemBackup,
		RiskRead, RiskWrite, RiskManage, BIARead, BIAWrite, BIAManage, PlanRead, PlanWrite, PlanApprove,
		WarningRead, WarningWrite, WarningAck, NotifyManage}
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

// Package authz decides who may do what. A role is granted on an org unit
// and applies to that unit's whole subtree; a principal may hold several
// grants. Every web and API route names the permission it needs, and the
// services check the unit scope of writes again.
package authz

import (
	"context"
	"slices"
	"strings"

	"github.com/continuo-bcm/continuo/internal/errs"
)

// Role is a named set of permissions.
type Role string

// The roles of Continuo.
const (
	Admin          Role = "admin"
	BCMManager     Role = "bcm_manager"
	Committee      Role = "committee"
	DepartmentLead Role = "department_lead"
	Responder      Role = "responder"
	Viewer         Role = "viewer"
	Auditor        Role = "auditor"
)

// Roles lists every role, most powerful first.
var Roles = []Role{Admin, BCMManager, Committee, DepartmentLead, Responder, Viewer, Auditor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Permission is an action on a kind of object.
type Permission string

// The permissions. Read permissions are granted organisation-wide by any
// grant that carries them (in a crisis everyone needs the directory); write
// permissions apply to the subtree of the unit the role was granted on.
const (
	OrgRead      Permission = "org.read"      // units, sites, people, teams, contact list
	OrgWrite     Permission = "org.write"     // create/edit/delete units and sites
	PeopleWrite  Permission = "people.write"  // create/edit/delete people, import
	TeamsWrite   Permission = "teams.write"   // create/edit teams, members, deputies
	AuditRead    Permission = "audit.read"    // the audit log
	UsersManage  Permission = "users.manage"  // accounts and role grants
	SelfService  Permission = "self"          // own profile, password, tokens
	MetricsRead  Permission = "metrics.read"  // Prometheus metrics
	AuditVerify  Permission = "audit.verify"  // run the hash-chain verification
	SystemBackup Permission = "system.backup" // backups
	RiskRead     Permission = "risk.read"     // the risk register, matrices, heatmap
	RiskWrite    Permission = "risk.write"    // create/edit risks, assess them, import, answer surveys
	RiskManage   Permission = "risk.manage"   // matrices, survey campaigns, accepting answers
	BIARead      Permission = "bia.read"      // processes, resources, dependency graph, BIA results
	BIAWrite     Permission = "bia.write"     // edit processes/resources/dependencies, answer BIA questionnaires
	BIAManage    Permission = "bia.manage"    // BIA campaigns, approving answers
	PlanRead     Permission = "plan.read"     // plans, playbooks, exports, the crisis pack
	PlanWrite    Permission = "plan.write"    // draft and edit plans, submit for review, generate
	PlanApprove  Permission = "plan.approve"  // approve or reject a plan version
	WarningRead  Permission = "warning.read"  // indicators, warnings, the warning board
	WarningWrite Permission = "warning.write" // indicators, thresholds, issue/upgrade/lift warnings
	WarningAck   Permission = "warning.ack"   // acknowledge a warning for one's unit and record measures
	NotifyManage Permission = "notify.manage" // channels, templates, escalation policies, delivery log
)

// readAll are the read permissions every role carries: in a crisis
// everyone must see the register, the plans and the warnings.
var readAll = []Permission{OrgRead, SelfService, RiskRead, BIARead, PlanRead, WarningRead}

var rolePermissions = map[Role][]Permission{
	Admin: with(readAll, OrgWrite, PeopleWrite, TeamsWrite, AuditRead, AuditVerify, UsersManage, MetricsRead, SystemBackup,
		RiskWrite, RiskManage, BIAWrite, BIAManage, PlanWrite, PlanApprove, WarningWrite, WarningAck, NotifyManage),
	BCMManager: with(readAll, OrgWrite, PeopleWrite, TeamsWrite,
		RiskWrite, RiskManage, BIAWrite, BIAManage, PlanWrite, WarningWrite, WarningAck, NotifyManage),
	Committee:      with(readAll, PlanApprove),
	DepartmentLead: with(readAll, PeopleWrite, RiskWrite, BIAWrite, WarningAck),
	Responder:      with(readAll, WarningAck),
	Viewer:         with(readAll),
	Auditor:        with(readAll, AuditRead, AuditVerify),
}

func with(base []Permission, more ...Permission) []Permission {
	return append(slices.Clone(base), more...)
}

// PermissionsOf returns the permissions a role carries.
func PermissionsOf(r Role) []Permission { return rolePermissions[r] }

// Has reports whether role r carries permission p.
func (r Role) Has(p Permission) bool { return slices.Contains(rolePermissions[r], p) }

// Grant is a role held on an org unit and its subtree. UnitPath is the
// unit's materialised path ("/1/4/"), filled in when the grant is loaded.
type Grant struct {
	Role     Role   `json:"role"`
	UnitID   int64  `json:"unit_id"`
	UnitPath string `json:"-"`
}

// Principal is who is acting: a signed-in user, a token holder or the system.
type Principal struct {
	UserID int64
	Name   string
	Grants []Grant
	System bool // the CLI and background jobs act as the system
}

// SystemPrincipal is used by the command line and internal jobs.
var SystemPrincipal = Principal{Name: "system", System: true}

// Any reports whether the principal holds permission p on any unit.
func (p Principal) Any(perm Permission) bool {
	if p.System {
		return true
	}
	for _, g := range p.Grants {
		if g.Role.Has(perm) {
			return true
		}
	}
	return false
}

// On reports whether the principal holds permission perm on the unit with
// the given materialised path, through a grant on it or an ancestor.
func (p Principal) On(perm Permission, unitPath string) bool {
	if p.System {
		return true
	}
	for _, g := range p.Grants {
		if g.Role.Has(perm) && g.UnitPath != "" && strings.HasPrefix(unitPath, g.UnitPath) {
			return true
		}
	}
	return false
}

// HasRole reports whether the principal holds role r anywhere.
func (p Principal) HasRole(r Role) bool {
	for _, g := range p.Grants {
		if g.Role == r {
			return true
		}
	}
	return false
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// From returns the principal in ctx and whether there is one.
func From(ctx context.Context) (Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(Principal)
	return p, ok
}

// Require returns a Forbidden error unless the principal in ctx holds perm
// somewhere.
func Require(ctx context.Context, perm Permission) error {
	p, ok := From(ctx)
	if !ok {
		return errs.New(errs.Unauthorized, "not signed in")
	}
	if !p.Any(perm) {
		return errs.New(errs.Forbidden, "permission %s required", perm)
	}
	return nil
}

// RequireOn returns a Forbidden error unless the principal in ctx holds perm
// on the unit with the given path.
func RequireOn(ctx context.Context, perm Permission, unitPath string) error {
	p, ok := From(ctx)
	if !ok {
		return errs.New(errs.Unauthorized, "not signed in")
	}
	if !p.On(perm, unitPath) {
		return errs.New(errs.Forbidden, "permission %s required on this unit", perm)
	}
	return nil
}

// Rule is the authorization rule of a route: either Public (no sign-in,
// such as the login page and health checks), Authenticated (any signed-in
// user) or a permission held somewhere.
type Rule struct {
	Public        bool
	Authenticated bool
	Permission    Permission
}

// Allows reports whether a request by p (nil when anonymous) passes the rule.
func (r Rule) Allows(p *Principal) bool {
	switch {
	case r.Public:
		return true
	case p == nil:
		return false
	case r.Authenticated:
		return true
	case r.Permission != "":
		return p.Any(r.Permission)
	}
	return false
}

// Defined reports whether the rule says anything; an empty rule is a
// forgotten rule.
func (r Rule) Defined() bool { return r.Public || r.Authenticated || r.Permission != "" }

// PublicRule is the rule of routes open to anyone.
func PublicRule() Rule { return Rule{Public: true} }

// AuthenticatedRule is the rule of routes open to any signed-in user.
func AuthenticatedRule() Rule { return Rule{Authenticated: true} }

// Needs is the rule of routes that need a permission.
func Needs(p Permission) Rule { return Rule{Permission: p} }

// Package org holds the organisation Continuo serves: the org unit tree,
// sites, people and how to reach them, and the teams that act in a crisis
// (committee, crisis office, special response teams, on-site command) with
// their members and ordered deputies.
package org

import (
	"context"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
)

// UnitKind is the level of an org unit.
type UnitKind string

// The kinds of org unit.
const (
	KindGroup      UnitKind = "group"
	KindBranch     UnitKind = "branch"
	KindSubsidiary UnitKind = "subsidiary"
	KindDepartment UnitKind = "department"
)

// UnitKinds lists the kinds in order.
var UnitKinds = []UnitKind{KindGroup, KindBranch, KindSubsidiary, KindDepartment}

// Unit is a node of the organisation tree. Path is the materialised path of
// ids from the root ("/1/4/9/"), kept by the store, used for subtree checks.
type Unit struct {
	ID        int64     `json:"id"`
	ParentID  *int64    `json:"parent_id"`
	Kind      UnitKind  `json:"kind"`
	Code      string    `json:"code"`
	Name      string    `json:"name"`
	NameEn    string    `json:"name_en"`
	Path      string    `json:"path"`
	SortOrder int       `json:"sort_order"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the unit's own fields.
func (u *Unit) Validate() error {
	var v errs.Validation
	u.Name = strings.TrimSpace(u.Name)
	u.NameEn = strings.TrimSpace(u.NameEn)
	u.Code = strings.TrimSpace(u.Code)
	v.Required("name", u.Name)
	v.MaxLen("name", u.Name, 200)
	v.MaxLen("name_en", u.NameEn, 200)
	v.MaxLen("code", u.Code, 50)
	if !validKind(u.Kind) {
		v.Add("kind", "must be one of group, branch, subsidiary, department")
	}
	if u.ParentID != nil && *u.ParentID == u.ID && u.ID != 0 {
		v.Add("parent_id", "a unit cannot be its own parent")
	}
	return v.Err()
}

func validKind(k UnitKind) bool {
	for _, x := range UnitKinds {
		if x == k {
			return true
		}
	}
	return false
}

// Site is a physical location: office, warehouse, data centre, plant.
type Site struct {
	ID        int64     `json:"id"`
	UnitID    *int64    `json:"unit_id"`
	Name      string    `json:"name"`
	NameEn    string    `json:"name_en"`
	Address   string    `json:"address"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the site's fields.
func (s *Site) Validate() error {
	var v errs.Validation
	s.Name = strings.TrimSpace(s.Name)
	v.Required("name", s.Name)
	v.MaxLen("name", s.Name, 200)
	v.MaxLen("name_en", s.NameEn, 200)
	v.MaxLen("address", s.Address, 500)
	return v.Err()
}

// ContactKind is a way to reach a person.
type ContactKind string

// The contact kinds.
const (
	ContactEmail    ContactKind = "email"
	ContactMobile   ContactKind = "mobile"
	ContactPhone    ContactKind = "phone"
	ContactDingTalk ContactKind = "dingtalk"
	ContactWeCom    ContactKind = "wecom"
	ContactFeishu   ContactKind = "feishu"
	ContactSlack    ContactKind = "slack"
)

// ContactKinds lists the contact kinds in display order.
var ContactKinds = []ContactKind{ContactMobile, ContactPhone, ContactEmail, ContactDingTalk, ContactWeCom, ContactFeishu, ContactSlack}

// ContactMethod is one address of a person on one channel.
type ContactMethod struct {
	Kind  ContactKind `json:"kind"`
	Value string      `json:"value"`
}

var (
	mobileRe = regexp.MustCompile(`^\+?[0-9][0-9 \-]{5,19}$`)
	idRe     = regexp.MustCompile(`^[A-Za-z0-9_.@:\-]{1,100}$`)
)

// Validate checks the value for its kind.
func (c *ContactMethod) Validate() error {
	var v errs.Validation
	c.Value = strings.TrimSpace(c.Value)
	switch c.Kind {
	case ContactEmail:
		if a, err := mail.ParseAddress(c.Value); err != nil || a.Address != c.Value {
			v.Add("value", "is not a valid email address")
		}
	case ContactMobile, ContactPhone:
		if !mobileRe.MatchString(c.Value) {
			v.Add("value", "is not a valid phone number")
		}
	case ContactDingTalk, ContactWeCom, ContactFeishu, ContactSlack:
		if !idRe.MatchString(c.Value) {
			v.Add("value", "is not a valid %s id", c.Kind)
		}
	default:
		v.Add("kind", "must be one of mobile, phone, email, dingtalk, wecom, feishu, slack")
	}
	return v.Err()
}

// Person is someone in the organisation.
type Person struct {
	ID         int64           `json:"id"`
	EmployeeNo string          `json:"employee_no"`
	Name       string          `json:"name"`
	NameEn     string          `json:"name_en"`
	Title      string          `json:"title"`
	TitleEn    string          `json:"title_en"`
	UnitID     int64           `json:"unit_id"`
	SiteID     *int64          `json:"site_id"`
	Active     bool            `json:"active"`
	Contacts   []ContactMethod `json:"contacts"`
	CreatedAt  time.Time       `json:"created_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// Validate checks the person's fields and contact methods.
func (p *Person) Validate() error {
	var v errs.Validation
	p.Name = strings.TrimSpace(p.Name)
	p.NameEn = strings.TrimSpace(p.NameEn)
	p.EmployeeNo = strings.TrimSpace(p.EmployeeNo)
	v.Required("name", p.Name)
	v.MaxLen("name", p.Name, 100)
	v.MaxLen("name_en", p.NameEn, 100)
	v.MaxLen("employee_no", p.EmployeeNo, 50)
	v.MaxLen("title", p.Title, 100)
	v.MaxLen("title_en", p.TitleEn, 100)
	v.Check(p.UnitID > 0, "unit_id", "is required")
	v.Check(len(p.Contacts) <= 20, "contacts", "at most 20 contact methods")
	for i := range p.Contacts {
		v.Merge(fieldIndex("contacts", i), p.Contacts[i].Validate())
	}
	return v.Err()
}

// Contact returns the first value of the given kind, or "".
func (p *Person) Contact(kind ContactKind) string {
	for _, c := range p.Contacts {
		if c.Kind == kind {
			return c.Value
		}
	}
	return ""
}

// DisplayName returns the name to show in the given language.
func (p *Person) DisplayName(en bool) string {
	if en && p.NameEn != "" {
		return p.NameEn
	}
	return p.Name
}

// TeamKind is what a team is for.
type TeamKind string

// The team kinds.
const (
	TeamCommittee     TeamKind = "committee"
	TeamCrisisOffice  TeamKind = "crisis_office"
	TeamSpecial       TeamKind = "special_team"
	TeamOnsiteCommand TeamKind = "onsite_command"
)

// TeamKinds lists the team kinds in order of authority.
var TeamKinds = []TeamKind{TeamCommittee, TeamCrisisOffice, TeamSpecial, TeamOnsiteCommand}

// TeamRole is a member's role in a team.
type TeamRole string

// The team roles.
const (
	RoleLeader       TeamRole = "leader"
	RoleDeputyLeader TeamRole = "deputy_leader"
	RoleMember       TeamRole = "member"
	RoleLiaison      TeamRole = "liaison"
	RoleSecretary    TeamRole = "secretary"
)

// TeamRoles lists team roles in display order.
var TeamRoles = []TeamRole{RoleLeader, RoleDeputyLeader, RoleSecretary, RoleLiaison, RoleMember}

// Team is a group that acts in a crisis.
type Team struct {
	ID        int64     `json:"id"`
	Kind      TeamKind  `json:"kind"`
	Name      string    `json:"name"`
	NameEn    string    `json:"name_en"`
	UnitID    int64     `json:"unit_id"`
	Duties    string    `json:"duties"`
	DutiesEn  string    `json:"duties_en"`
	SortOrder int       `json:"sort_order"`
	Members   []Member  `json:"members"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Member is a person's seat in a team, with the people who act for them
// when they cannot be reached, in order.
type Member struct {
	PersonID  int64    `json:"person_id"`
	Role      TeamRole `json:"role"`
	Duty      string   `json:"duty"`
	DutyEn    string   `json:"duty_en"`
	Deputies  []int64  `json:"deputies"`
	SortOrder int      `json:"sort_order"`
}

// Validate checks the team, its members and deputies.
func (t *Team) Validate() error {
	var v errs.Validation
	t.Name = strings.TrimSpace(t.Name)
	v.Required("name", t.Name)
	v.MaxLen("name", t.Name, 200)
	v.MaxLen("name_en", t.NameEn, 200)
	v.MaxLen("duties", t.Duties, 4000)
	v.MaxLen("duties_en", t.DutiesEn, 4000)
	v.Check(validTeamKind(t.Kind), "kind", "must be one of committee, crisis_office, special_team, onsite_command")
	v.Check(t.UnitID > 0, "unit_id", "is required")
	seen := map[int64]bool{}
	for i, m := range t.Members {
		f := fieldIndex("members", i)
		v.Check(m.PersonID > 0, f+".person_id", "is required")
		if seen[m.PersonID] {
			v.Add(f+".person_id", "is already a member of this team")
		}
		seen[m.PersonID] = true
		v.Check(validTeamRole(m.Role), f+".role", "must be one of leader, deputy_leader, secretary, liaison, member")
		v.MaxLen(f+".duty", m.Duty, 1000)
		dseen := map[int64]bool{}
		for j, d := range m.Deputies {
			df := fieldIndex(f+".deputies", j)
			switch {
			case d == m.PersonID:
				v.Add(df, "a member cannot be their own deputy")
			case dseen[d]:
				v.Add(df, "is listed twice")
			case d <= 0:
				v.Add(df, "is not a person id")
			}
			dseen[d] = true
		}
	}
	return v.Err()
}

func validTeamKind(k TeamKind) bool {
	for _, x := range TeamKinds {
		if x == k {
			return true
		}
	}
	return false
}

func validTeamRole(r TeamRole) bool {
	for _, x := range TeamRoles {
		if x == r {
			return true
		}
	}
	return false
}

func fieldIndex(name string, i int) string {
	return name + "[" + strconv.Itoa(i) + "]"
}

// PeopleFilter selects people for a list.
type PeopleFilter struct {
	Query   string // matches name, English name, employee number, title, contact values
	UnitID  int64  // 0: all units; otherwise the unit's subtree
	SiteID  int64
	Active  *bool
	Limit   int // 0 means 50; at most 500
	Offset  int
	AfterID int64 // keyset pagination: people with a greater id
}

// Store is the storage the org service needs.
type Store interface {
	CreateUnit(ctx context.Context, u *Unit) error
	UpdateUnit(ctx context.Context, u *Unit) error
	DeleteUnit(ctx context.Context, id int64) error
	UnitByID(ctx context.Context, id int64) (Unit, error)
	ListUnits(ctx context.Context) ([]Unit, error)
	// UnitInUse reports what still refers to a unit (child units, people,
	// teams, sites) so that deleting it can be refused with a reason.
	UnitInUse(ctx context.Context, id int64) (string, error)

	CreateSite(ctx context.Context, s *Site) error
	UpdateSite(ctx context.Context, s *Site) error
	DeleteSite(ctx context.Context, id int64) error
	SiteByID(ctx context.Context, id int64) (Site, error)
	ListSites(ctx context.Context) ([]Site, error)

	CreatePerson(ctx context.Context, p *Person) error
	UpdatePerson(ctx context.Context, p *Person) error
	DeletePerson(ctx context.Context, id int64) error
	PersonByID(ctx context.Context, id int64) (Person, error)
	PeopleByIDs(ctx context.Context, ids []int64) (map[int64]Person, error)
	// ListPeople returns a page of people and the total matching the filter.
	ListPeople(ctx context.Context, f PeopleFilter) ([]Person, int, error)
	PersonByEmployeeNo(ctx context.Context, no string) (Person, error)

	CreateTeam(ctx context.Context, t *Team) error
	UpdateTeam(ctx context.Context, t *Team) error
	DeleteTeam(ctx context.Context, id int64) error
	TeamByID(ctx context.Context, id int64) (Team, error)
	ListTeams(ctx context.Context) ([]Team, error)
}

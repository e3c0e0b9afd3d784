package org

import (
	"context"
	"strings"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Service is the organisation's directory: units, sites, people, teams.
type Service struct {
	store Store
	tx    tx.Runner
	audit *audit.Log
	clock clock.Clock
}

// NewService returns the org service.
func NewService(s Store, t tx.Runner, a *audit.Log, c clock.Clock) *Service {
	return &Service{store: s, tx: t, audit: a, clock: c}
}

// UnitPath returns the materialised path of a unit; it satisfies
// identity.UnitPaths.
func (s *Service) UnitPath(ctx context.Context, id int64) (string, error) {
	u, err := s.store.UnitByID(ctx, id)
	if err != nil {
		return "", err
	}
	return u.Path, nil
}

func (s *Service) requireOnUnit(ctx context.Context, perm authz.Permission, unitID int64, field string) error {
	u, err := s.store.UnitByID(ctx, unitID)
	if errs.Is(err, errs.NotFound) {
		return &errs.Error{Code: errs.Invalid, Message: "invalid input", Fields: []errs.FieldError{{Field: field, Message: "no org unit with this id"}}}
	}
	if err != nil {
		return err
	}
	return authz.RequireOn(ctx, perm, u.Path)
}

// ---- units ----

// Units lists every org unit, in tree order.
func (s *Service) Units(ctx context.Context) ([]Unit, error) {
	if err := authz.Require(ctx, authz.OrgRead); err != nil {
		return nil, err
	}
	return s.store.ListUnits(ctx)
}

// Unit returns one org unit.
func (s *Service) Unit(ctx context.Context, id int64) (Unit, error) {
	if err := authz.Require(ctx, authz.OrgRead); err != nil {
		return Unit{}, err
	}
	return s.store.UnitByID(ctx, id)
}

// CreateUnit adds a unit under its parent. A root unit (no parent) needs
// org.write at the top, which in practice means an administrator or the
// system; a child needs org.write on the parent.
func (s *Service) CreateUnit(ctx context.Context, u Unit) (Unit, error) {
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	now := s.clock.Now()
	u.CreatedAt, u.UpdatedAt = now, now
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if u.ParentID == nil {
			if err := requireRootWrite(ctx); err != nil {
				return err
			}
		} else if err := s.requireOnUnit(ctx, authz.OrgWrite, *u.ParentID, "parent_id"); err != nil {
			return err
		}
		if err := s.store.CreateUnit(ctx, &u); err != nil {
			return err
		}
		return s.audit.Record(ctx, "unit.create", "unit", u.ID, nil, u)
	})
	return u, err
}

func requireRootWrite(ctx context.Context) error {
	p, ok := authz.From(ctx)
	if !ok {
		return errs.New(errs.Unauthorized, "not signed in")
	}
	if p.System || p.HasRole(authz.Admin) {
		return nil
	}
	return errs.New(errs.Forbidden, "only an administrator can create a top-level unit")
}

// UpdateUnit changes a unit; moving it under another parent moves its
// whole subtree. A unit cannot be moved into its own subtree.
func (s *Service) UpdateUnit(ctx context.Context, u Unit) (Unit, error) {
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.UnitByID(ctx, u.ID)
		if err != nil {
			return err
		}
		if err := authz.RequireOn(ctx, authz.OrgWrite, before.Path); err != nil {
			return err
		}
		if !sameParent(before.ParentID, u.ParentID) {
			if u.ParentID == nil {
				if err := requireRootWrite(ctx); err != nil {
					return err
				}
			} else {
				parent, err := s.store.UnitByID(ctx, *u.ParentID)
				if errs.Is(err, errs.NotFound) {
					return errs.Field("parent_id", "no org unit with this id")
				} else if err != nil {
					return err
				}
				if strings.HasPrefix(parent.Path, before.Path) {
					return errs.Field("parent_id", "a unit cannot be moved under itself or its own sub-unit")
				}
				if err := authz.RequireOn(ctx, authz.OrgWrite, parent.Path); err != nil {
					return err
				}
			}
		}
		u.CreatedAt = before.CreatedAt
		u.UpdatedAt = s.clock.Now()
		if err := s.store.UpdateUnit(ctx, &u); err != nil {
			return err
		}
		return s.audit.Record(ctx, "unit.update", "unit", u.ID, before, u)
	})
	return u, err
}

func sameParent(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// DeleteUnit removes a unit that nothing refers to any more.
func (s *Service) DeleteUnit(ctx context.Context, id int64) error {
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.UnitByID(ctx, id)
		if err != nil {
			return err
		}
		if err := authz.RequireOn(ctx, authz.OrgWrite, before.Path); err != nil {
			return err
		}
		if what, err := s.store.UnitInUse(ctx, id); err != nil {
			return err
		} else if what != "" {
			return errs.New(errs.Conflict, "the unit still has %s; move or delete them first", what)
		}
		if err := s.store.DeleteUnit(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "unit.delete", "unit", id, before, nil)
	})
}

// ---- sites ----

// Sites lists every site.
func (s *Service) Sites(ctx context.Context) ([]Site, error) {
	if err := authz.Require(ctx, authz.OrgRead); err != nil {
		return nil, err
	}
	return s.store.ListSites(ctx)
}

// Site returns one site.
func (s *Service) Site(ctx context.Context, id int64) (Site, error) {
	if err := authz.Require(ctx, authz.OrgRead); err != nil {
		return Site{}, err
	}
	return s.store.SiteByID(ctx, id)
}

func (s *Service) requireSiteWrite(ctx context.Context, unitID *int64) error {
	if unitID == nil {
		return authz.Require(ctx, authz.OrgWrite)
	}
	return s.requireOnUnit(ctx, authz.OrgWrite, *unitID, "unit_id")
}

// SaveSite creates (ID 0) or updates a site.
func (s *Service) SaveSite(ctx context.Context, site Site) (Site, error) {
	if err := site.Validate(); err != nil {
		return Site{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.requireSiteWrite(ctx, site.UnitID); err != nil {
			return err
		}
		now := s.clock.Now()
		site.UpdatedAt = now
		if site.ID == 0 {
			site.CreatedAt = now
			if err := s.store.CreateSite(ctx, &site); err != nil {
				return err
			}
			return s.audit.Record(ctx, "site.create", "site", site.ID, nil, site)
		}
		before, err := s.store.SiteByID(ctx, site.ID)
		if err != nil {
			return err
		}
		if err := s.requireSiteWrite(ctx, before.UnitID); err != nil {
			return err
		}
		site.CreatedAt = before.CreatedAt
		if err := s.store.UpdateSite(ctx, &site); err != nil {
			return err
		}
		return s.audit.Record(ctx, "site.update", "site", site.ID, before, site)
	})
	return site, err
}

// DeleteSite removes a site; people at it keep their record without a site.
func (s *Service) DeleteSite(ctx context.Context, id int64) error {
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.SiteByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.requireSiteWrite(ctx, before.UnitID); err != nil {
			return err
		}
		if err := s.store.DeleteSite(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "site.delete", "site", id, before, nil)
	})
}

// ---- people ----

// People lists people matching the filter, with the total count.
func (s *Service) People(ctx context.Context, f PeopleFilter) ([]Person, int, error) {
	if err := authz.Require(ctx, authz.OrgRead); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > 500 {
		f.Limit = 500
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	f.Query = strings.TrimSpace(f.Query)
	return s.store.ListPeople(ctx, f)
}

// Person returns one person.
func (s *Service) Person(ctx context.Context, id int64) (Person, error) {
	if err := authz.Require(ctx, authz.OrgRead); err != nil {
		return Person{}, err
	}
	return s.store.PersonByID(ctx, id)
}

// PeopleByIDs returns the people with the given ids.
func (s *Service) PeopleByIDs(ctx context.Context, ids []int64) (map[int64]Person, error) {
	if err := authz.Require(ctx, authz.OrgRead); err != nil {
		return nil, err
	}
	return s.store.PeopleByIDs(ctx, ids)
}

// SavePerson creates (ID 0) or updates a person. Needs people.write on the
// person's unit (both the old and the new one when moving).
func (s *Service) SavePerson(ctx context.Context, p Person) (Person, error) {
	if err := p.Validate(); err != nil {
		return Person{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		return s.savePerson(ctx, &p)
	})
	return p, err
}

func (s *Service) savePerson(ctx context.Context, p *Person) error {
	if err := s.requireOnUnit(ctx, authz.PeopleWrite, p.UnitID, "unit_id"); err != nil {
		return err
	}
	if p.SiteID != nil {
		if _, err := s.store.SiteByID(ctx, *p.SiteID); errs.Is(err, errs.NotFound) {
			return errs.Field("site_id", "no site with this id")
		} else if err != nil {
			return err
		}
	}
	if p.EmployeeNo != "" {
		other, err := s.store.PersonByEmployeeNo(ctx, p.EmployeeNo)
		if err == nil && other.ID != p.ID {
			return &errs.Error{Code: errs.Conflict, Message: "duplicate employee number", Fields: []errs.FieldError{{Field: "employee_no", Message: "is already used by " + other.Name}}}
		} else if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
	}
	now := s.clock.Now()
	p.UpdatedAt = now
	if p.ID == 0 {
		p.CreatedAt = now
		if err := s.store.CreatePerson(ctx, p); err != nil {
			return err
		}
		return s.audit.Record(ctx, "person.create", "person", p.ID, nil, p)
	}
	before, err := s.store.PersonByID(ctx, p.ID)
	if err != nil {
		return err
	}
	if before.UnitID != p.UnitID {
		if err := s.requireOnUnit(ctx, authz.PeopleWrite, before.UnitID, "unit_id"); err != nil {
			return err
		}
	}
	p.CreatedAt = before.CreatedAt
	if err := s.store.UpdatePerson(ctx, p); err != nil {
		return err
	}
	return s.audit.Record(ctx, "person.update", "person", p.ID, before, p)
}

// DeletePerson removes a person who holds no team seat and is nobody's
// deputy; otherwise it says where they are still needed.
func (s *Service) DeletePerson(ctx context.Context, id int64) error {
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.PersonByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.requireOnUnit(ctx, authz.PeopleWrite, before.UnitID, "unit_id"); err != nil {
			return err
		}
		teams, err := s.store.ListTeams(ctx)
		if err != nil {
			return err
		}
		for _, t := range teams {
			for _, m := range t.Members {
				if m.PersonID == id {
					return errs.New(errs.Conflict, "%s is a member of team %q; remove them from the team first", before.Name, t.Name)
				}
				for _, d := range m.Deputies {
					if d == id {
						return errs.New(errs.Conflict, "%s is a deputy in team %q; replace them first", before.Name, t.Name)
					}
				}
			}
		}
		if err := s.store.DeletePerson(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "person.delete", "person", id, before, nil)
	})
}

// ---- teams ----

// Teams lists every team with its members.
func (s *Service) Teams(ctx context.Context) ([]Team, error) {
	if err := authz.Require(ctx, authz.OrgRead); err != nil {
		return nil, err
	}
	return s.store.ListTeams(ctx)
}

// Team returns one team with its members.
func (s *Service) Team(ctx context.Context, id int64) (Team, error) {
	if err := authz.Require(ctx, authz.OrgRead); err != nil {
		return Team{}, err
	}
	return s.store.TeamByID(ctx, id)
}

// SaveTeam creates (ID 0) or updates a team with its whole member list.
// Every member and deputy must be a known person.
func (s *Service) SaveTeam(ctx context.Context, t Team) (Team, error) {
	if err := t.Validate(); err != nil {
		return Team{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if err := s.requireOnUnit(ctx, authz.TeamsWrite, t.UnitID, "unit_id"); err != nil {
			return err
		}
		if err := s.checkMembers(ctx, t.Members); err != nil {
			return err
		}
		now := s.clock.Now()
		t.UpdatedAt = now
		if t.ID == 0 {
			t.CreatedAt = now
			if err := s.store.CreateTeam(ctx, &t); err != nil {
				return err
			}
			return s.audit.Record(ctx, "team.create", "team", t.ID, nil, t)
		}
		before, err := s.store.TeamByID(ctx, t.ID)
		if err != nil {
			return err
		}
		if before.UnitID != t.UnitID {
			if err := s.requireOnUnit(ctx, authz.TeamsWrite, before.UnitID, "unit_id"); err != nil {
				return err
			}
		}
		t.CreatedAt = before.CreatedAt
		if err := s.store.UpdateTeam(ctx, &t); err != nil {
			return err
		}
		return s.audit.Record(ctx, "team.update", "team", t.ID, before, t)
	})
	return t, err
}

func (s *Service) checkMembers(ctx context.Context, members []Member) error {
	var ids []int64
	for _, m := range members {
		ids = append(ids, m.PersonID)
		ids = append(ids, m.Deputies...)
	}
	known, err := s.store.PeopleByIDs(ctx, ids)
	if err != nil {
		return err
	}
	var v errs.Validation
	for i, m := range members {
		f := fieldIndex("members", i)
		if _, ok := known[m.PersonID]; !ok {
			v.Add(f+".person_id", "no person with id %d", m.PersonID)
		}
		for j, d := range m.Deputies {
			if _, ok := known[d]; !ok {
				v.Add(fieldIndex(f+".deputies", j), "no person with id %d", d)
			}
		}
	}
	return v.Err()
}

// DeleteTeam removes a team.
func (s *Service) DeleteTeam(ctx context.Context, id int64) error {
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.TeamByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.requireOnUnit(ctx, authz.TeamsWrite, before.UnitID, "unit_id"); err != nil {
			return err
		}
		if err := s.store.DeleteTeam(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "team.delete", "team", id, before, nil)
	})
}

// AddMember adds a person to a team, or replaces their seat if present.
func (s *Service) AddMember(ctx context.Context, teamID int64, m Member) (Team, error) {
	return s.editTeam(ctx, teamID, func(t *Team) error {
		for i := range t.Members {
			if t.Members[i].PersonID == m.PersonID {
				if m.SortOrder == 0 {
					m.SortOrder = t.Members[i].SortOrder
				}
				t.Members[i] = m
				return nil
			}
		}
		if m.SortOrder == 0 {
			m.SortOrder = len(t.Members) + 1
		}
		t.Members = append(t.Members, m)
		return nil
	})
}

// RemoveMember takes a person off a team.
func (s *Service) RemoveMember(ctx context.Context, teamID, personID int64) (Team, error) {
	return s.editTeam(ctx, teamID, func(t *Team) error {
		for i := range t.Members {
			if t.Members[i].PersonID == personID {
				t.Members = append(t.Members[:i], t.Members[i+1:]...)
				return nil
			}
		}
		return errs.New(errs.NotFound, "person %d is not a member of this team", personID)
	})
}

func (s *Service) editTeam(ctx context.Context, teamID int64, edit func(*Team) error) (Team, error) {
	var out Team
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		t, err := s.store.TeamByID(ctx, teamID)
		if err != nil {
			return err
		}
		if err := edit(&t); err != nil {
			return err
		}
		out, err = s.SaveTeam(ctx, t)
		return err
	})
	return out, err
}

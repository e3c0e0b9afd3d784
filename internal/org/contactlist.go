package org

import (
	"context"
	"sort"

	"github.com/continuo-bcm/continuo/internal/authz"
)

// ContactEntry is one person on the emergency contact list with the ways
// to reach them.
type ContactEntry struct {
	PersonID int64  `json:"person_id"`
	Name     string `json:"name"`
	NameEn   string `json:"name_en"`
	Title    string `json:"title"`
	TitleEn  string `json:"title_en"`
	Unit     string `json:"unit"`
	UnitEn   string `json:"unit_en"`
	Mobile   string `json:"mobile"`
	Phone    string `json:"phone"`
	Email    string `json:"email"`
	IM       string `json:"im"` // the first of DingTalk, WeCom, Feishu, Slack
}

// ContactRow is one seat on the emergency contact list (应急联络一览表):
// team, role, holder, and the deputies who act when the holder is absent.
type ContactRow struct {
	TeamID   int64          `json:"team_id"`
	TeamKind TeamKind       `json:"team_kind"`
	Team     string         `json:"team"`
	TeamEn   string         `json:"team_en"`
	Role     TeamRole       `json:"role"`
	Duty     string         `json:"duty"`
	DutyEn   string         `json:"duty_en"`
	Holder   ContactEntry   `json:"holder"`
	Deputies []ContactEntry `json:"deputies"`
}

// ContactList builds the emergency contact list: every team in order of
// authority, its members by role, each with their deputies.
func (s *Service) ContactList(ctx context.Context) ([]ContactRow, error) {
	if err := authz.Require(ctx, authz.OrgRead); err != nil {
		return nil, err
	}
	teams, err := s.store.ListTeams(ctx)
	if err != nil {
		return nil, err
	}
	units, err := s.store.ListUnits(ctx)
	if err != nil {
		return nil, err
	}
	unitByID := make(map[int64]Unit, len(units))
	for _, u := range units {
		unitByID[u.ID] = u
	}
	var ids []int64
	for _, t := range teams {
		for _, m := range t.Members {
			ids = append(ids, m.PersonID)
			ids = append(ids, m.Deputies...)
		}
	}
	people, err := s.store.PeopleByIDs(ctx, ids)
	if err != nil {
		return nil, err
	}
	entry := func(id int64) ContactEntry {
		p := people[id]
		u := unitByID[p.UnitID]
		e := ContactEntry{PersonID: id, Name: p.Name, NameEn: p.NameEn, Title: p.Title, TitleEn: p.TitleEn,
			Unit: u.Name, UnitEn: u.NameEn, Mobile: p.Contact(ContactMobile), Phone: p.Contact(ContactPhone), Email: p.Contact(ContactEmail)}
		for _, k := range []ContactKind{ContactDingTalk, ContactWeCom, ContactFeishu, ContactSlack} {
			if v := p.Contact(k); v != "" {
				e.IM = string(k) + ": " + v
				break
			}
		}
		return e
	}
	sort.SliceStable(teams, func(i, j int) bool {
		ki, kj := kindRank(teams[i].Kind), kindRank(teams[j].Kind)
		if ki != kj {
			return ki < kj
		}
		return teams[i].SortOrder < teams[j].SortOrder
	})
	var rows []ContactRow
	for _, t := range teams {
		members := append([]Member(nil), t.Members...)
		sort.SliceStable(members, func(i, j int) bool {
			ri, rj := roleRank(members[i].Role), roleRank(members[j].Role)
			if ri != rj {
				return ri < rj
			}
			return members[i].SortOrder < members[j].SortOrder
		})
		for _, m := range members {
			row := ContactRow{TeamID: t.ID, TeamKind: t.Kind, Team: t.Name, TeamEn: t.NameEn, Role: m.Role, Duty: m.Duty, DutyEn: m.DutyEn, Holder: entry(m.PersonID)}
			for _, d := range m.Deputies {
				row.Deputies = append(row.Deputies, entry(d))
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

func kindRank(k TeamKind) int {
	for i, x := range TeamKinds {
		if x == k {
			return i
		}
	}
	return len(TeamKinds)
}

func roleRank(r TeamRole) int {
	for i, x := range TeamRoles {
		if x == r {
			return i
		}
	}
	return len(TeamRoles)
}

package web

import (
	"net/http"

	"github.com/continuo-bcm/continuo/internal/org"
)

// teamRow is a team in the list.
type teamRow struct {
	org.Team
	UnitName string
	Leader   string
}

// teamGroup is the teams of one kind.
type teamGroup struct {
	Kind  org.TeamKind
	Teams []teamRow
}

// teamListPage lists teams grouped by kind, in order of authority.
type teamListPage struct {
	Page
	Groups []teamGroup
	Count  int
}

// listTeams shows every team, grouped by kind: committee, crisis office,
// special response teams, on-site command.
func (h *handler) listTeams(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := teamListPage{Page: h.base(w, r, "teams.title")}
	teams, err := h.d.Org.Teams(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := unitNames(p.Page, units)
	var leaders []int64
	for _, t := range teams {
		for _, m := range t.Members {
			if m.Role == org.RoleLeader {
				leaders = append(leaders, m.PersonID)
			}
		}
	}
	people, err := h.d.Org.PeopleByIDs(ctx, leaders)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p.Count = len(teams)
	for _, k := range org.TeamKinds {
		g := teamGroup{Kind: k}
		for _, t := range teams {
			if t.Kind != k {
				continue
			}
			row := teamRow{Team: t, UnitName: names[t.UnitID]}
			for _, m := range t.Members {
				if m.Role == org.RoleLeader {
					lp := people[m.PersonID]
					row.Leader = p.L(lp.Name, lp.NameEn)
					break
				}
			}
			g.Teams = append(g.Teams, row)
		}
		p.Groups = append(p.Groups, g)
	}
	h.render(w, r, http.StatusOK, "teams_list", p)
}

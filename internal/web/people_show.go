package web

import (
	"context"
	"net/http"

	"github.com/continuo-bcm/continuo/internal/org"
)

// seat is a team seat of the person shown.
type seat struct {
	TeamID int64
	Team   string
	Role   org.TeamRole
}

// deputyFor is a seat the person shown stands in for.
type deputyFor struct {
	TeamID int64
	Team   string
	Holder string
	Rank   int
}

// personPage is one person with their contacts and crisis roles.
type personPage struct {
	Page
	Person    org.Person
	UnitPath  []string
	SiteName  string
	Seats     []seat
	DeputyFor []deputyFor
}

// showPerson shows a person's details, where they sit in the org tree and
// the teams they serve on or deputise in.
func (h *handler) showPerson(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	p, err := h.personPage(r.Context(), w, r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "person", p)
}

func (h *handler) personPage(ctx context.Context, w http.ResponseWriter, r *http.Request, id int64) (personPage, error) {
	p := personPage{Page: h.base(w, r, "")}
	person, err := h.d.Org.Person(ctx, id)
	if err != nil {
		return p, err
	}
	p.Person = person
	p.Title = p.L(person.Name, person.NameEn)
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	byID := map[int64]org.Unit{}
	for _, u := range units {
		byID[u.ID] = u
	}
	for u, ok := byID[person.UnitID]; ok; {
		p.UnitPath = append([]string{p.L(u.Name, u.NameEn)}, p.UnitPath...)
		if u.ParentID == nil {
			break
		}
		u, ok = byID[*u.ParentID]
	}
	if person.SiteID != nil {
		if s, err := h.d.Org.Site(ctx, *person.SiteID); err == nil {
			p.SiteName = p.L(s.Name, s.NameEn)
		}
	}
	teams, err := h.d.Org.Teams(ctx)
	if err != nil {
		return p, err
	}
	var holders []int64
	for _, t := range teams {
		for _, m := range t.Members {
			if m.PersonID == id {
				p.Seats = append(p.Seats, seat{TeamID: t.ID, Team: p.L(t.Name, t.NameEn), Role: m.Role})
			}
			for i, d := range m.Deputies {
				if d == id {
					p.DeputyFor = append(p.DeputyFor, deputyFor{TeamID: t.ID, Team: p.L(t.Name, t.NameEn), Rank: i + 1})
					holders = append(holders, m.PersonID)
				}
			}
		}
	}
	if len(holders) > 0 {
		people, err := h.d.Org.PeopleByIDs(ctx, holders)
		if err != nil {
			return p, err
		}
		for i := range p.DeputyFor {
			hp := people[holders[i]]
			p.DeputyFor[i].Holder = p.L(hp.Name, hp.NameEn)
		}
	}
	return p, nil
}

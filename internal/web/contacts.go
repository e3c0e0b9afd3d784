package web

import (
	"net/http"

	"github.com/continuo-bcm/continuo/internal/org"
)

// contactView is a person on the contact list in the page language.
type contactView struct {
	PersonID int64
	Name     string
	Title    string
	Unit     string
	Mobile   string
	Phone    string
	Email    string
	IM       string
}

// contactSeat is one line of the list: a seat with its holder and deputies.
type contactSeat struct {
	Role     org.TeamRole
	Duty     string
	Holder   contactView
	Deputies []contactView
}

// contactTeam is one team's block of the list.
type contactTeam struct {
	TeamID int64
	Name   string
	Kind   org.TeamKind
	Seats  []contactSeat
}

// contactsPage is the emergency contact list (应急联络一览表), laid out to
// be printed.
type contactsPage struct {
	Page
	Teams       []contactTeam
	GeneratedAt string
	Seats       int
}

// showContacts shows the emergency contact list grouped by team.
func (h *handler) showContacts(w http.ResponseWriter, r *http.Request) {
	rows, err := h.d.Org.ContactList(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := contactsPage{Page: h.base(w, r, "contacts.title"), Seats: len(rows)}
	p.GeneratedAt = p.Time(h.d.Clock.Now())
	view := func(e org.ContactEntry) contactView {
		return contactView{PersonID: e.PersonID, Name: p.L(e.Name, e.NameEn), Title: p.L(e.Title, e.TitleEn),
			Unit: p.L(e.Unit, e.UnitEn), Mobile: e.Mobile, Phone: e.Phone, Email: e.Email, IM: e.IM}
	}
	for _, row := range rows {
		if len(p.Teams) == 0 || p.Teams[len(p.Teams)-1].TeamID != row.TeamID {
			p.Teams = append(p.Teams, contactTeam{TeamID: row.TeamID, Name: p.L(row.Team, row.TeamEn), Kind: row.TeamKind})
		}
		s := contactSeat{Role: row.Role, Duty: p.L(row.Duty, row.DutyEn), Holder: view(row.Holder)}
		for _, d := range row.Deputies {
			s.Deputies = append(s.Deputies, view(d))
		}
		t := &p.Teams[len(p.Teams)-1]
		t.Seats = append(t.Seats, s)
	}
	h.render(w, r, http.StatusOK, "contacts", p)
}

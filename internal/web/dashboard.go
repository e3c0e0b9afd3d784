package web

import (
	"net/http"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/server"
)

// dashboardPage is the start page: a welcome, the current situation
// (warnings in force, the gravest risks, plans due for review, RTO gaps),
// the size of the organisation and the lifecycle areas.
type dashboardPage struct {
	Page
	Now     situation
	Units   int
	People  int
	Teams   int
	Members int
	Areas   []navGroup
}

// showDashboard is "/": the setup page on an empty system, the sign-in
// page for visitors, the dashboard for users.
func (h *handler) showDashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, ok := server.UserFrom(ctx)
	if !ok {
		n, err := h.d.Identity.CountUsers(ctx)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		if n == 0 {
			http.Redirect(w, r, "/setup", http.StatusSeeOther)
			return
		}
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	p := dashboardPage{Page: h.base(w, r, "nav.dashboard")}
	for _, g := range p.Nav {
		if g.Key != "" && g.Key != "admin" {
			p.Areas = append(p.Areas, g)
		}
	}
	pr := u.Principal()
	var err error
	if p.Now, err = h.situation(ctx, p.Page, pr); err != nil {
		h.fail(w, r, err)
		return
	}
	if pr.Any(authz.OrgRead) {
		units, err := h.d.Org.Units(ctx)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		_, people, err := h.d.Org.People(ctx, org.PeopleFilter{Limit: 1})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		teams, err := h.d.Org.Teams(ctx)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		p.Units, p.People, p.Teams = len(units), people, len(teams)
		for _, t := range teams {
			p.Members += len(t.Members)
		}
	}
	h.render(w, r, http.StatusOK, "dashboard", p)
}

package web

import (
	"net/http"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/identity"
)

// grantView is a role on a unit, named in the page language.
type grantView struct {
	Role authz.Role
	Unit string
}

// userRow is an account in the list.
type userRow struct {
	identity.User
	GrantViews []grantView
}

// usersPage lists the accounts with their roles.
type usersPage struct {
	Page
	Users []userRow
}

// listUsers shows every account with its role grants and status.
func (h *handler) listUsers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := usersPage{Page: h.base(w, r, "users.title")}
	users, err := h.d.Identity.ListUsers(ctx)
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
	for _, u := range users {
		row := userRow{User: u}
		for _, g := range u.Grants {
			row.GrantViews = append(row.GrantViews, grantView{Role: g.Role, Unit: names[g.UnitID]})
		}
		p.Users = append(p.Users, row)
	}
	h.render(w, r, http.StatusOK, "users_list", p)
}

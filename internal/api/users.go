package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
)

// grantBody is a role held on an org unit and its subtree.
type grantBody struct {
	Role   authz.Role `json:"role" enum:"admin,bcm_manager,committee,department_lead,responder,viewer,auditor"`
	UnitID int64      `json:"unit_id" doc:"the role applies to this unit and every unit under it"`
}

func grants(bs []grantBody) []authz.Grant {
	gs := make([]authz.Grant, len(bs))
	for i, b := range bs {
		gs[i] = authz.Grant{Role: b.Role, UnitID: b.UnitID}
	}
	return gs
}

// newUserBody creates an account.
type newUserBody struct {
	Username    string      `json:"username" doc:"2–64 letters, digits or . _ @ -"`
	DisplayName string      `json:"display_name,omitempty"`
	Email       string      `json:"email,omitempty"`
	Password    string      `json:"password" doc:"at least 10 characters"`
	PersonID    *int64      `json:"person_id,omitempty" nullable:"true" doc:"the person in the directory this account belongs to"`
	Lang        string      `json:"lang,omitempty" enum:"zh-CN,en"`
	Grants      []grantBody `json:"grants,omitempty" maxItems:"100"`
}

// userPatchBody changes an account; absent fields stay.
type userPatchBody struct {
	DisplayName *string      `json:"display_name,omitempty"`
	Email       *string      `json:"email,omitempty"`
	PersonID    *int64       `json:"person_id,omitempty" minimum:"0" doc:"0 unlinks the account from its person"`
	Lang        *string      `json:"lang,omitempty" enum:"zh-CN,en"`
	Disabled    *bool        `json:"disabled,omitempty" doc:"a disabled account cannot sign in and its sessions end"`
	Grants      *[]grantBody `json:"grants,omitempty" maxItems:"100" doc:"the complete new list of grants"`
}

// resetPasswordBody sets another user's password.
type resetPasswordBody struct {
	NewPassword string `json:"new_password" doc:"at least 10 characters"`
}

func (h *handlers) registerUsers(api huma.API) {
	tags := []string{"users"}
	manage := authz.Needs(authz.UsersManage)

	register(api, manage, huma.Operation{
		OperationID: "list-users", Method: http.MethodGet, Path: "/users", Tags: tags,
		Summary: "Every account with its role grants",
	}, func(ctx context.Context, _ *struct{}) (*out[items[identity.User]], error) {
		users, err := h.d.Identity.ListUsers(ctx)
		for i := range users {
			users[i] = cleanUser(users[i])
		}
		return list(users, err)
	})

	register(api, manage, huma.Operation{
		OperationID: "create-user", Method: http.MethodPost, Path: "/users", Tags: tags,
		Summary: "Create an account", DefaultStatus: http.StatusCreated,
		Errors: []int{http.StatusConflict},
	}, func(ctx context.Context, in *struct{ Body newUserBody }) (*out[identity.User], error) {
		b := in.Body
		u, err := h.d.Identity.CreateUser(ctx, identity.NewUser{Username: b.Username, DisplayName: b.DisplayName, Email: b.Email,
			Password: b.Password, PersonID: b.PersonID, Lang: b.Lang, Grants: grants(b.Grants)})
		if err != nil {
			return nil, err
		}
		return ok(cleanUser(u))
	})

	register(api, manage, huma.Operation{
		OperationID: "get-user", Method: http.MethodGet, Path: "/users/{id}", Tags: tags,
		Summary: "One account",
	}, func(ctx context.Context, in *idPath) (*out[identity.User], error) {
		u, err := h.d.Identity.User(ctx, in.ID)
		if err != nil {
			return nil, err
		}
		return ok(cleanUser(u))
	})

	register(api, manage, huma.Operation{
		OperationID: "update-user", Method: http.MethodPatch, Path: "/users/{id}", Tags: tags,
		Summary: "Change an account: profile, linked person, grants, disabled",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body userPatchBody
	}) (*out[identity.User], error) {
		b := in.Body
		up := identity.UserUpdate{DisplayName: b.DisplayName, Email: b.Email, PersonID: b.PersonID, Lang: b.Lang, Disabled: b.Disabled}
		if b.Grants != nil {
			gs := grants(*b.Grants)
			up.Grants = &gs
		}
		u, err := h.d.Identity.UpdateUser(ctx, in.ID, up)
		if err != nil {
			return nil, err
		}
		return ok(cleanUser(u))
	})

	register(api, manage, huma.Operation{
		OperationID: "reset-user-password", Method: http.MethodPost, Path: "/users/{id}/password", Tags: tags,
		Summary:     "Set another user's password",
		Description: "Ends the user's browser sessions. To change your own password use POST /me/password.",
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body resetPasswordBody
	}) (*struct{}, error) {
		if u, err := me(ctx); err == nil && u.ID == in.ID {
			return nil, errs.New(errs.Invalid, "to change your own password use POST /me/password with your current password")
		}
		return nil, h.d.Identity.SetPassword(ctx, in.ID, "", in.Body.NewPassword)
	})

	register(api, manage, huma.Operation{
		OperationID: "create-user-token", Method: http.MethodPost, Path: "/users/{id}/tokens", Tags: tags,
		Summary:     "Create an API token for another user; the secret is returned once",
		Description: "For service accounts: the token carries that user's rights.", DefaultStatus: http.StatusCreated,
	}, func(ctx context.Context, in *struct {
		ID   int64 `path:"id" minimum:"1"`
		Body tokenBody
	}) (*out[newToken], error) {
		return h.createToken(ctx, in.ID, in.Body)
	})
}

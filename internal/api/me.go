package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/server"
)

// profileBody changes the caller's own profile; absent fields stay.
type profileBody struct {
	DisplayName *string `json:"display_name,omitempty" maxLength:"100" doc:"the name shown in the interface and the audit log"`
	Email       *string `json:"email,omitempty" doc:"empty to remove"`
	Lang        *string `json:"lang,omitempty" enum:"zh-CN,en" doc:"the language of the interface and of generated documents"`
}

// passwordBody changes the caller's own password.
type passwordBody struct {
	CurrentPassword string `json:"current_password" doc:"the password in use now"`
	NewPassword     string `json:"new_password" doc:"at least 10 characters"`
}

// tokenBody asks for a new API token.
type tokenBody struct {
	Name          string `json:"name" doc:"what the token is for, e.g. \"monitoring\""`
	ExpiresInDays int    `json:"expires_in_days,omitempty" minimum:"0" maximum:"3650" doc:"days until the token stops working; 0 or absent: never"`
}

// newToken is a token just created. The secret is shown only here: the
// server keeps its hash.
type newToken struct {
	Token  identity.Token `json:"token"`
	Secret string         `json:"secret" doc:"send it as Authorization: Bearer <secret>; it cannot be shown again"`
}

// me returns the signed-in user of the request.
func me(ctx context.Context) (identity.User, error) {
	u, found := server.UserFrom(ctx)
	if !found {
		return identity.User{}, errs.New(errs.Unauthorized, "sign in first")
	}
	return u, nil
}

func (h *handlers) registerMe(api huma.API) {
	tags := []string{"me"}
	self := authz.Needs(authz.SelfService)

	register(api, authz.AuthenticatedRule(), huma.Operation{
		OperationID: "get-me", Method: http.MethodGet, Path: "/me", Tags: tags,
		Summary: "The signed-in user, with their role grants",
	}, func(ctx context.Context, _ *struct{}) (*out[identity.User], error) {
		u, err := me(ctx)
		if err != nil {
			return nil, err
		}
		fresh, err := h.d.Identity.User(ctx, u.ID)
		if err != nil {
			return nil, err
		}
		return ok(cleanUser(fresh))
	})

	register(api, self, huma.Operation{
		OperationID: "update-me", Method: http.MethodPatch, Path: "/me", Tags: tags,
		Summary: "Change your display name, email or language",
	}, func(ctx context.Context, in *struct{ Body profileBody }) (*out[identity.User], error) {
		u, err := me(ctx)
		if err != nil {
			return nil, err
		}
		updated, err := h.d.Identity.UpdateUser(ctx, u.ID, identity.UserUpdate{DisplayName: in.Body.DisplayName, Email: in.Body.Email, Lang: in.Body.Lang})
		if err != nil {
			return nil, err
		}
		return ok(cleanUser(updated))
	})

	register(api, self, huma.Operation{
		OperationID: "change-my-password", Method: http.MethodPost, Path: "/me/password", Tags: tags,
		Summary:     "Change your password",
		Description: "Ends your browser sessions; API tokens keep working.",
	}, func(ctx context.Context, in *struct{ Body passwordBody }) (*struct{}, error) {
		u, err := me(ctx)
		if err != nil {
			return nil, err
		}
		return nil, h.d.Identity.SetPassword(ctx, u.ID, in.Body.CurrentPassword, in.Body.NewPassword)
	})

	register(api, self, huma.Operation{
		OperationID: "list-my-tokens", Method: http.MethodGet, Path: "/me/tokens", Tags: tags,
		Summary: "Your API tokens (never their secrets)",
	}, func(ctx context.Context, _ *struct{}) (*out[items[identity.Token]], error) {
		u, err := me(ctx)
		if err != nil {
			return nil, err
		}
		return list(h.d.Identity.ListTokens(ctx, u.ID))
	})

	register(api, self, huma.Operation{
		OperationID: "create-my-token", Method: http.MethodPost, Path: "/me/tokens", Tags: tags,
		Summary: "Create an API token; the secret is returned once", DefaultStatus: http.StatusCreated,
	}, func(ctx context.Context, in *struct{ Body tokenBody }) (*out[newToken], error) {
		u, err := me(ctx)
		if err != nil {
			return nil, err
		}
		return h.createToken(ctx, u.ID, in.Body)
	})

	register(api, self, huma.Operation{
		OperationID: "revoke-my-token", Method: http.MethodDelete, Path: "/me/tokens/{id}", Tags: tags,
		Summary: "Revoke one of your API tokens",
	}, func(ctx context.Context, in *idPath) (*struct{}, error) {
		u, err := me(ctx)
		if err != nil {
			return nil, err
		}
		return nil, h.d.Identity.RevokeToken(ctx, u.ID, in.ID)
	})
}

func (h *handlers) createToken(ctx context.Context, userID int64, in tokenBody) (*out[newToken], error) {
	ttl := time.Duration(in.ExpiresInDays) * 24 * time.Hour
	t, secret, err := h.d.Identity.CreateToken(ctx, userID, in.Name, ttl)
	if err != nil {
		return nil, err
	}
	return ok(newToken{Token: t, Secret: secret})
}

// cleanUser makes the lists of a user empty rather than null.
func cleanUser(u identity.User) identity.User {
	u.Grants = nonNil(u.Grants)
	return u
}

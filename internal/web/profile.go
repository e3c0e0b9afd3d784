package web

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/server"
)

// profilePage is the signed-in user's own settings: language, name and
// email, password, API tokens.
type profilePage struct {
	Page
	Details     formState
	DisplayName string
	Email       string
	Password    formState
	Token       formState
	TokenName   string
	TokenDays   string
	Tokens      []identity.Token
	NewSecret   string
}

// tokenLifetimes are the choices offered for a new token, in days (0:
// does not expire).
var tokenLifetimes = []int{30, 90, 365, 0}

func (h *handler) profilePage(ctx context.Context, w http.ResponseWriter, r *http.Request, u identity.User) (profilePage, error) {
	p := profilePage{Page: h.base(w, r, "profile.title"), DisplayName: u.DisplayName, Email: u.Email, TokenDays: "90"}
	tokens, err := h.d.Identity.ListTokens(ctx, u.ID)
	if err != nil {
		return p, err
	}
	p.Tokens = tokens
	return p, nil
}

// TTLOptions lists the token lifetimes with the chosen one selected.
func (p profilePage) TTLOptions() []option {
	out := make([]option, 0, len(tokenLifetimes))
	for _, d := range tokenLifetimes {
		v := strconv.Itoa(d)
		label := p.Tr.T("profile.token_days", d)
		if d == 0 {
			label = p.Tr.T("profile.token_no_expiry")
		}
		out = append(out, option{Value: v, Label: label, Selected: v == p.TokenDays})
	}
	return out
}

// showProfile shows the user's own settings.
func (h *handler) showProfile(w http.ResponseWriter, r *http.Request) {
	u, _ := server.UserFrom(r.Context())
	p, err := h.profilePage(r.Context(), w, r, u)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "profile", p)
}

// updateProfile saves the user's display name and email.
func (h *handler) updateProfile(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, _ := server.UserFrom(ctx)
	name, email := r.PostFormValue("display_name"), r.PostFormValue("email")
	_, err := h.d.Identity.UpdateUser(ctx, u.ID, identity.UserUpdate{DisplayName: &name, Email: &email})
	if err == nil {
		h.flash(w, "ok", "common.saved")
		http.Redirect(w, r, "/profile", http.StatusSeeOther)
		return
	}
	p, perr := h.profilePage(ctx, w, r, u)
	if perr != nil {
		h.fail(w, r, perr)
		return
	}
	p.DisplayName, p.Email = name, email
	if !p.Details.setErr(p.Tr, err, "display_name", "email") {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, "profile", p)
}

// changePassword changes the user's password given the current one. All
// sessions end with it, so a fresh one replaces this browser's.
func (h *handler) changePassword(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, _ := server.UserFrom(ctx)
	current, next, next2 := r.PostFormValue("current_password"), r.PostFormValue("new_password"), r.PostFormValue("new_password2")
	var err error
	if next != next2 {
		err = &errs.Error{Code: errs.Invalid, Message: "invalid input", Fields: []errs.FieldError{{Field: "new_password2", Message: "do not match"}}}
	} else {
		err = h.d.Identity.SetPassword(ctx, u.ID, current, next)
	}
	if err == nil {
		secret, err := h.d.Identity.StartSession(ctx, u.ID)
		if err != nil {
			h.serverError(w, r, err)
			return
		}
		h.setSession(w, secret)
		h.flash(w, "ok", "profile.password_changed")
		http.Redirect(w, r, "/profile", http.StatusSeeOther)
		return
	}
	p, perr := h.profilePage(ctx, w, r, u)
	if perr != nil {
		h.fail(w, r, perr)
		return
	}
	if !p.Password.setErr(p.Tr, err, "current_password", "new_password", "new_password2") {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, "profile", p)
}

// createToken issues an API token and shows its secret this once.
func (h *handler) createToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u, _ := server.UserFrom(ctx)
	name, days := r.PostFormValue("name"), r.PostFormValue("days")
	n, convErr := strconv.Atoi(days)
	var (
		secret string
		err    error
	)
	if convErr != nil || n < 0 {
		err = &errs.Error{Code: errs.Invalid, Message: "invalid input", Fields: []errs.FieldError{{Field: "days", Message: "must be a whole number"}}}
	} else {
		_, secret, err = h.d.Identity.CreateToken(ctx, u.ID, name, time.Duration(n)*24*time.Hour)
	}
	p, perr := h.profilePage(ctx, w, r, u)
	if perr != nil {
		h.fail(w, r, perr)
		return
	}
	if err != nil {
		p.TokenName, p.TokenDays = name, days
		if !p.Token.setErr(p.Tr, err, "name", "days") {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "profile", p)
		return
	}
	p.NewSecret = secret
	h.render(w, r, http.StatusOK, "profile", p)
}

// revokeToken deletes one of the user's tokens.
func (h *handler) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	u, _ := server.UserFrom(r.Context())
	if err := h.d.Identity.RevokeToken(r.Context(), u.ID, id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(w, "ok", "profile.token_revoked")
	http.Redirect(w, r, "/profile#tokens", http.StatusSeeOther)
}

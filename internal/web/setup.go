package web

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
)

// setupForm is the first administrator and, on an empty database, the
// organisation they administer.
type setupForm struct {
	Username    string
	DisplayName string
	OrgName     string
	OrgNameEn   string
}

type setupPage struct {
	Page
	formState
	Form    setupForm
	NeedOrg bool
}

// errSetupDone is returned when another request finished the setup first.
var errSetupDone = errors.New("setup already done")

// setupContext acts as the system: there is nobody to act as yet.
func setupContext(ctx context.Context) context.Context {
	return authz.WithPrincipal(ctx, authz.SystemPrincipal)
}

// setupState says whether setup is still open and whether the organisation
// must be created too.
func (h *handler) setupState(ctx context.Context) (open, needOrg bool, err error) {
	n, err := h.d.Identity.CountUsers(ctx)
	if err != nil || n > 0 {
		return false, false, err
	}
	units, err := h.d.Org.Units(setupContext(ctx))
	return true, len(units) == 0, err
}

// showSetup shows the first-run form, only while there is no account.
func (h *handler) showSetup(w http.ResponseWriter, r *http.Request) {
	open, needOrg, err := h.setupState(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !open {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.render(w, r, http.StatusOK, "setup", setupPage{Page: h.base(w, r, "setup.title"), NeedOrg: needOrg})
}

// setup creates the root unit (if none), the first administrator with an
// admin grant on it, all in one transaction, and signs them in.
func (h *handler) setup(w http.ResponseWriter, r *http.Request) {
	open, needOrg, err := h.setupState(r.Context())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	if !open {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	p := setupPage{Page: h.base(w, r, "setup.title"), NeedOrg: needOrg}
	p.Form = setupForm{
		Username:    strings.TrimSpace(r.PostFormValue("username")),
		DisplayName: strings.TrimSpace(r.PostFormValue("display_name")),
		OrgName:     strings.TrimSpace(r.PostFormValue("org_name")),
		OrgNameEn:   strings.TrimSpace(r.PostFormValue("org_name_en")),
	}
	password, password2 := r.PostFormValue("password"), r.PostFormValue("password2")
	unit := org.Unit{Kind: org.KindGroup, Name: p.Form.OrgName, NameEn: p.Form.OrgNameEn}

	// Check everything first so that the form lists every problem at once.
	var v errs.Validation
	u := identity.User{Username: p.Form.Username, DisplayName: p.Form.DisplayName}
	v.Merge("", u.Validate())
	if n := len([]rune(password)); n < identity.MinPasswordLen {
		v.Add("password", "must be at least %d characters", identity.MinPasswordLen)
	}
	if password != password2 {
		v.Add("password2", "do not match")
	}
	if needOrg {
		v.Merge("org_", unit.Validate())
	}
	shown := []string{"username", "display_name", "password", "password2", "org_name", "org_name_en"}
	if err := v.Err(); err != nil {
		p.setErr(p.Tr, err, shown...)
		h.render(w, r, http.StatusUnprocessableEntity, "setup", p)
		return
	}

	var user identity.User
	ctx := setupContext(r.Context())
	err = h.d.DB.InTx(ctx, func(ctx context.Context) error {
		// Two set-ups submitted at once must not both create an
		// administrator: the check and the creation hold one lock.
		if err := h.d.DB.Lock(ctx, "setup"); err != nil {
			return err
		}
		if n, err := h.d.Identity.CountUsers(ctx); err != nil {
			return err
		} else if n > 0 {
			return errSetupDone
		}
		units, err := h.d.Org.Units(ctx)
		if err != nil {
			return err
		}
		var rootID int64
		for _, u := range units {
			if u.ParentID == nil {
				rootID = u.ID
				break
			}
		}
		if rootID == 0 {
			created, err := h.d.Org.CreateUnit(ctx, unit)
			if err != nil {
				return prefixFields(err, "org_")
			}
			rootID = created.ID
		}
		user, err = h.d.Identity.CreateUser(ctx, identity.NewUser{
			Username: p.Form.Username, DisplayName: p.Form.DisplayName, Password: password,
			Grants: []authz.Grant{{Role: authz.Admin, UnitID: rootID}},
		})
		return err
	})
	if errors.Is(err, errSetupDone) {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err != nil {
		if p.setErr(p.Tr, err, shown...) {
			h.render(w, r, http.StatusUnprocessableEntity, "setup", p)
			return
		}
		h.fail(w, r, err)
		return
	}
	secret, err := h.d.Identity.StartSession(r.Context(), user.ID)
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	h.setSession(w, secret)
	h.flash(w, "ok", "setup.done")
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// prefixFields renames the fields of an input error, so that the unit's
// "name" shows under the form's "org_name".
func prefixFields(err error, prefix string) error {
	var e *errs.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	out := *e
	out.Fields = make([]errs.FieldError, len(e.Fields))
	for i, f := range e.Fields {
		out.Fields[i] = errs.FieldError{Field: prefix + f.Field, Message: f.Message}
	}
	return &out
}

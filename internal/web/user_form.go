package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
)

// grantRow is one role grant row of the user form.
type grantRow struct {
	Role   string
	UnitID string
	Err    string
}

// userForm holds the account form as typed.
type userForm struct {
	ID          int64
	Username    string
	DisplayName string
	Email       string
	Disabled    bool
	Grants      []grantRow
}

type userFormPage struct {
	Page
	formState
	Form    userForm
	Editing bool
	Units   []option
	// Password holds the errors of the reset-password form.
	Password formState
}

var (
	userFields = []string{"username", "display_name", "email", "password", "password2", "grants["}
	grantField = regexp.MustCompile(`^grants\[(\d+)\]`)
)

// Roles lists the roles for the grant rows.
func (Page) Roles() []authz.Role { return authz.Roles }

func (h *handler) userFormPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f userForm) (userFormPage, error) {
	title := "users.new"
	if f.ID != 0 {
		title = "users.edit"
	}
	p := userFormPage{Page: h.base(w, r, title), Form: f, Editing: f.ID != 0}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	p.Units = unitOptions(p.Page, units, "", nil)
	if len(p.Form.Grants) == 0 {
		p.Form.Grants = []grantRow{{Role: string(authz.Viewer)}}
	}
	return p, nil
}

// newUser shows an empty account form.
func (h *handler) newUser(w http.ResponseWriter, r *http.Request) {
	p, err := h.userFormPage(r.Context(), w, r, userForm{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "user_form", p)
}

// editUser shows an account's form with its grants and the password reset.
func (h *handler) editUser(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	u, err := h.d.Identity.User(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.userFormPage(r.Context(), w, r, formOfUser(u))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "user_form", p)
}

func formOfUser(u identity.User) userForm {
	f := userForm{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, Disabled: u.Disabled}
	for _, g := range u.Grants {
		f.Grants = append(f.Grants, grantRow{Role: string(g.Role), UnitID: idString(g.UnitID)})
	}
	return f
}

// parseGrants reads the grant rows; rows without a unit are ignored.
// rowOf maps the i-th grant back to its row.
func parseGrants(r *http.Request, f *userForm, v *errs.Validation) (grants []authz.Grant, rowOf []int) {
	roles, units := r.PostForm["grant_role"], r.PostForm["grant_unit"]
	for i, role := range roles {
		unit := ""
		if i < len(units) {
			unit = strings.TrimSpace(units[i])
		}
		f.Grants = append(f.Grants, grantRow{Role: role, UnitID: unit})
		uid, ok := parseID(unit)
		if !ok {
			v.Add("grants["+strconv.Itoa(len(grants))+"].unit_id", "no org unit with this id")
		}
		if unit == "" {
			continue
		}
		grants = append(grants, authz.Grant{Role: authz.Role(role), UnitID: uid})
		rowOf = append(rowOf, i)
	}
	return grants, rowOf
}

// placeGrantErrors moves the errors of grants[i] to their form rows.
func placeGrantErrors(p *userFormPage, rowOf []int) {
	for field, msg := range p.Errs {
		m := grantField.FindStringSubmatch(field)
		if m == nil {
			continue
		}
		i, _ := strconv.Atoi(m[1])
		if i < len(rowOf) && rowOf[i] < len(p.Form.Grants) && p.Form.Grants[rowOf[i]].Err == "" {
			p.Form.Grants[rowOf[i]].Err = msg
		}
		delete(p.Errs, field)
		if len(p.Errs) == 0 {
			// Keep the form marked invalid for the summary.
			p.add("grants", msg)
		}
	}
}

// createUser creates an account with its grants.
func (h *handler) createUser(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	f := userForm{Username: r.PostFormValue("username"), DisplayName: r.PostFormValue("display_name"), Email: r.PostFormValue("email")}
	password, password2 := r.PostFormValue("password"), r.PostFormValue("password2")
	var v errs.Validation
	grants, rowOf := parseGrants(r, &f, &v)
	if password != password2 {
		v.Add("password2", "do not match")
	}
	err := v.Err()
	if err == nil {
		var u identity.User
		u, err = h.d.Identity.CreateUser(ctx, identity.NewUser{Username: f.Username, DisplayName: f.DisplayName, Email: f.Email,
			Password: password, Grants: grants})
		if err == nil {
			h.flash(w, "ok", "common.created")
			http.Redirect(w, r, "/admin/users/"+idString(u.ID)+"/edit", http.StatusSeeOther)
			return
		}
	}
	p, perr := h.userFormPage(ctx, w, r, f)
	if perr != nil {
		h.fail(w, r, perr)
		return
	}
	if !p.setErr(p.Tr, err, userFields...) {
		h.fail(w, r, err)
		return
	}
	placeGrantErrors(&p, rowOf)
	h.render(w, r, http.StatusUnprocessableEntity, "user_form", p)
}

// updateUser changes an account's name, email, grants and status.
func (h *handler) updateUser(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	before, err := h.d.Identity.User(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := userForm{ID: id, Username: before.Username, DisplayName: r.PostFormValue("display_name"), Email: r.PostFormValue("email"),
		Disabled: r.PostFormValue("disabled") != ""}
	var v errs.Validation
	grants, rowOf := parseGrants(r, &f, &v)
	err = v.Err()
	if err == nil {
		if grants == nil {
			grants = []authz.Grant{}
		}
		_, err = h.d.Identity.UpdateUser(ctx, id, identity.UserUpdate{DisplayName: &f.DisplayName, Email: &f.Email,
			Disabled: &f.Disabled, Grants: &grants})
		if err == nil {
			h.flash(w, "ok", "common.saved")
			http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
			return
		}
	}
	p, perr := h.userFormPage(ctx, w, r, f)
	if perr != nil {
		h.fail(w, r, perr)
		return
	}
	if !p.setErr(p.Tr, err, userFields...) {
		h.fail(w, r, err)
		return
	}
	placeGrantErrors(&p, rowOf)
	h.render(w, r, http.StatusUnprocessableEntity, "user_form", p)
}

// resetPassword sets another user's password (their sessions end).
func (h *handler) resetPassword(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	ctx := r.Context()
	next, next2 := r.PostFormValue("new_password"), r.PostFormValue("new_password2")
	var err error
	if next != next2 {
		err = &errs.Error{Code: errs.Invalid, Message: "invalid input", Fields: []errs.FieldError{{Field: "new_password2", Message: "do not match"}}}
	} else {
		err = h.d.Identity.SetPassword(ctx, id, "", next)
	}
	if err == nil {
		h.flash(w, "ok", "users.password_reset_done")
		http.Redirect(w, r, "/admin/users/"+idString(id)+"/edit", http.StatusSeeOther)
		return
	}
	u, uerr := h.d.Identity.User(ctx, id)
	if uerr != nil {
		h.fail(w, r, uerr)
		return
	}
	p, perr := h.userFormPage(ctx, w, r, formOfUser(u))
	if perr != nil {
		h.fail(w, r, perr)
		return
	}
	if !p.Password.setErr(p.Tr, err, "new_password", "new_password2") {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, "user_form", p)
}

// grantRow renders one more grant row for the account form.
func (h *handler) grantRow(w http.ResponseWriter, r *http.Request) {
	p := h.base(w, r, "")
	units, err := h.d.Org.Units(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderPartial(w, r, http.StatusOK, sharedSet, "grant_row",
		map[string]any{"P": p, "Row": grantRow{Role: string(authz.Viewer)}, "Units": unitOptions(p, units, "", nil)})
}

package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
)

// unitForm holds the unit form as typed, so that a rejected form comes
// back with the user's input.
type unitForm struct {
	ID        int64
	ParentID  string
	Kind      string
	Code      string
	Name      string
	NameEn    string
	SortOrder string
}

type unitFormPage struct {
	Page
	formState
	Form    unitForm
	Parents []option
	Kinds   []option
	Editing bool
}

var unitFields = []string{"parent_id", "kind", "code", "name", "name_en", "sort_order"}

// unitFormPage builds the form page around f.
func (h *handler) unitFormPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f unitForm) (unitFormPage, error) {
	title := "org.new"
	if f.ID != 0 {
		title = "org.edit"
	}
	p := unitFormPage{Page: h.base(w, r, title), Form: f, Editing: f.ID != 0}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	var self *org.Unit
	for i := range units {
		if units[i].ID == f.ID {
			self = &units[i]
		}
	}
	p.Parents = append([]option{{Value: "", Label: p.Tr.T("org.no_parent")}}, unitOptions(p.Page, units, f.ParentID, self)...)
	for _, k := range org.UnitKinds {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.Tr.T("org_kind." + string(k)), Selected: string(k) == f.Kind})
	}
	return p, nil
}

// newUnit shows an empty unit form, under ?parent= when given.
func (h *handler) newUnit(w http.ResponseWriter, r *http.Request) {
	f := unitForm{ParentID: r.URL.Query().Get("parent"), Kind: string(org.KindDepartment), SortOrder: "0"}
	if f.ParentID == "" {
		f.Kind = string(org.KindGroup)
	}
	p, err := h.unitFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "org_form", p)
}

// editUnit shows the form of an existing unit.
func (h *handler) editUnit(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	u, err := h.d.Org.Unit(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := unitForm{ID: u.ID, Kind: string(u.Kind), Code: u.Code, Name: u.Name, NameEn: u.NameEn, SortOrder: strconv.Itoa(u.SortOrder)}
	if u.ParentID != nil {
		f.ParentID = idString(*u.ParentID)
	}
	p, err := h.unitFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "org_form", p)
}

// createUnit stores a new unit.
func (h *handler) createUnit(w http.ResponseWriter, r *http.Request) {
	h.saveUnit(w, r, 0)
}

// updateUnit stores changes to a unit.
func (h *handler) updateUnit(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.saveUnit(w, r, id)
}

func (h *handler) saveUnit(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	f := unitForm{
		ID:        id,
		ParentID:  strings.TrimSpace(r.PostFormValue("parent_id")),
		Kind:      r.PostFormValue("kind"),
		Code:      r.PostFormValue("code"),
		Name:      r.PostFormValue("name"),
		NameEn:    r.PostFormValue("name_en"),
		SortOrder: strings.TrimSpace(r.PostFormValue("sort_order")),
	}
	u := org.Unit{ID: id, Kind: org.UnitKind(f.Kind), Code: f.Code, Name: f.Name, NameEn: f.NameEn}
	var v errs.Validation
	if pid, ok := parseID(f.ParentID); !ok {
		v.Add("parent_id", "no org unit with this id")
	} else if pid != 0 {
		u.ParentID = &pid
	}
	if f.SortOrder != "" {
		n, err := strconv.Atoi(f.SortOrder)
		v.Check(err == nil, "sort_order", "must be a whole number")
		u.SortOrder = n
	}
	err := saveOrReport(&v, u.Validate, func() (err error) {
		if id == 0 {
			_, err = h.d.Org.CreateUnit(ctx, u)
		} else {
			_, err = h.d.Org.UpdateUnit(ctx, u)
		}
		return err
	})
	if err != nil {
		p, perr := h.unitFormPage(ctx, w, r, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		if !p.setErr(p.Tr, err, unitFields...) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "org_form", p)
		return
	}
	if id == 0 {
		h.flash(w, "ok", "common.created")
	} else {
		h.flash(w, "ok", "common.saved")
	}
	http.Redirect(w, r, "/org", http.StatusSeeOther)
}

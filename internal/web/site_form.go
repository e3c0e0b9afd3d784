package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
)

// siteForm holds the site form as typed, so that a rejected form comes
// back with the user's input.
type siteForm struct {
	ID      int64
	UnitID  string
	Name    string
	NameEn  string
	Address string
}

type siteFormPage struct {
	Page
	formState
	Form    siteForm
	Units   []option
	Editing bool
}

var siteFields = []string{"unit_id", "name", "name_en", "address"}

// siteFormPage builds the form page around f.
func (h *handler) siteFormPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f siteForm) (siteFormPage, error) {
	title := "sites.new"
	if f.ID != 0 {
		title = "sites.edit"
	}
	p := siteFormPage{Page: h.base(w, r, title), Form: f, Editing: f.ID != 0}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	p.Units = append([]option{{Value: "", Label: p.Tr.T("sites.no_unit")}}, unitOptions(p.Page, units, f.UnitID, nil)...)
	return p, nil
}

// newSite shows an empty site form, for ?unit= when given.
func (h *handler) newSite(w http.ResponseWriter, r *http.Request) {
	p, err := h.siteFormPage(r.Context(), w, r, siteForm{UnitID: r.URL.Query().Get("unit")})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "site_form", p)
}

// editSite shows the form of an existing site.
func (h *handler) editSite(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	s, err := h.d.Org.Site(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := siteForm{ID: s.ID, Name: s.Name, NameEn: s.NameEn, Address: s.Address}
	if s.UnitID != nil {
		f.UnitID = idString(*s.UnitID)
	}
	p, err := h.siteFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "site_form", p)
}

// createSite stores a new site.
func (h *handler) createSite(w http.ResponseWriter, r *http.Request) { h.saveSite(w, r, 0) }

// updateSite stores changes to a site.
func (h *handler) updateSite(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.saveSite(w, r, id)
}

func (h *handler) saveSite(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	f := siteForm{
		ID:      id,
		UnitID:  strings.TrimSpace(r.PostFormValue("unit_id")),
		Name:    r.PostFormValue("name"),
		NameEn:  r.PostFormValue("name_en"),
		Address: r.PostFormValue("address"),
	}
	s := org.Site{ID: id, Name: f.Name, NameEn: strings.TrimSpace(f.NameEn), Address: strings.TrimSpace(f.Address)}
	var v errs.Validation
	if uid, ok := parseID(f.UnitID); !ok {
		v.Add("unit_id", "no org unit with this id")
	} else if uid != 0 {
		s.UnitID = &uid
	}
	err := saveOrReport(&v, s.Validate, func() error {
		_, err := h.d.Org.SaveSite(ctx, s)
		return err
	})
	if err != nil {
		p, perr := h.siteFormPage(ctx, w, r, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		if !p.setErr(p.Tr, err, siteFields...) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "site_form", p)
		return
	}
	if id == 0 {
		h.flash(w, "ok", "common.created")
	} else {
		h.flash(w, "ok", "common.saved")
	}
	http.Redirect(w, r, "/sites", http.StatusSeeOther)
}

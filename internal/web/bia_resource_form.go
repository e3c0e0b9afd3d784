package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/errs"
)

// biaResourceForm holds the resource form as typed.
type biaResourceForm struct {
	ID          int64
	Kind        string
	Code        string
	Name        string
	NameEn      string
	Description string
	UnitID      string
	SiteID      string
	OwnerID     string
	Recovery    string
}

type biaResourceFormPage struct {
	Page
	formState
	Form       biaResourceForm
	Kinds      []option
	Units      []option
	Sites      []option
	Candidates []option
	Editing    bool
}

var biaResourceFields = []string{"kind", "code", "name", "name_en", "description", "unit_id", "site_id", "owner_id", "recovery_minutes"}

func (h *handler) biaResourceFormPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f biaResourceForm) (biaResourceFormPage, error) {
	title := "bia.resource_new"
	if f.ID != 0 {
		title = "bia.resource_edit"
	}
	p := biaResourceFormPage{Page: h.base(w, r, title), Form: f, Editing: f.ID != 0}
	for _, k := range bia.ResourceKinds {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: p.BIAKind(string(k)), Selected: string(k) == f.Kind})
	}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	opts := unitOptions(p.Page, units, f.UnitID, nil)
	for i, u := range units {
		opts[i].Disabled = !p.principal.On(authz.BIAWrite, u.Path)
	}
	// No unit: a resource of the whole organisation, kept by the office.
	p.Units = append([]option{{Value: "", Label: p.Tr.T("bia.whole_org"), Disabled: !p.Can(string(authz.BIAManage))}}, opts...)
	sites, err := h.d.Org.Sites(ctx)
	if err != nil {
		return p, err
	}
	p.Sites = []option{{Value: "", Label: p.Tr.T("common.none")}}
	for _, s := range sites {
		v := idString(s.ID)
		p.Sites = append(p.Sites, option{Value: v, Label: p.L(s.Name, s.NameEn), Selected: v == f.SiteID})
	}
	if p.Candidates, err = h.candidates(ctx, p.Page, []string{f.OwnerID}); err != nil {
		return p, err
	}
	return p, nil
}

// newBIAResource shows an empty resource form.
func (h *handler) newBIAResource(w http.ResponseWriter, r *http.Request) {
	f := biaResourceForm{Kind: r.URL.Query().Get("kind")}
	if f.Kind == "" {
		f.Kind = string(bia.Application)
	}
	p, err := h.biaResourceFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "bia_resource_form", p)
}

// editBIAResource shows the form of a resource.
func (h *handler) editBIAResource(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	res, err := h.d.BIA.Resource(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := biaResourceForm{ID: res.ID, Kind: string(res.Kind), Code: res.Code, Name: res.Name, NameEn: res.NameEn,
		Description: res.Description, Recovery: durationInput(res.RecoveryMinutes)}
	if res.UnitID != nil {
		f.UnitID = idString(*res.UnitID)
	}
	if res.SiteID != nil {
		f.SiteID = idString(*res.SiteID)
	}
	if res.OwnerID != nil {
		f.OwnerID = idString(*res.OwnerID)
	}
	p, err := h.biaResourceFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "bia_resource_form", p)
}

// createBIAResource stores a new resource.
func (h *handler) createBIAResource(w http.ResponseWriter, r *http.Request) {
	h.saveBIAResource(w, r, 0)
}

// updateBIAResource stores changes to a resource.
func (h *handler) updateBIAResource(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.saveBIAResource(w, r, id)
}

func (h *handler) saveBIAResource(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pf := r.PostFormValue
	f := biaResourceForm{ID: id, Kind: pf("kind"), Code: pf("code"), Name: pf("name"), NameEn: pf("name_en"),
		Description: pf("description"), UnitID: strings.TrimSpace(pf("unit_id")), SiteID: strings.TrimSpace(pf("site_id")),
		OwnerID: strings.TrimSpace(pf("owner_id")), Recovery: strings.TrimSpace(pf("recovery_minutes"))}
	res := bia.Resource{ID: id, Kind: bia.ResourceKind(f.Kind), Code: f.Code, Name: f.Name, NameEn: f.NameEn, Description: f.Description}
	var v errs.Validation
	optID := func(field, s, msg string) *int64 {
		n, ok := parseID(s)
		if !ok {
			v.Add(field, "%s", msg)
			return nil
		}
		if n == 0 {
			return nil
		}
		return &n
	}
	res.UnitID = optID("unit_id", f.UnitID, "no org unit with this id")
	res.SiteID = optID("site_id", f.SiteID, "no site with this id")
	res.OwnerID = optID("owner_id", f.OwnerID, "is not a person id")
	if m, ok := parseDuration(f.Recovery); ok {
		res.RecoveryMinutes = m
	} else {
		v.Add("recovery_minutes", "must be a duration")
	}
	err := saveOrReport(&v, res.Validate, func() (err error) {
		res, err = h.d.BIA.SaveResource(ctx, res)
		return err
	})
	if err != nil {
		p, perr := h.biaResourceFormPage(ctx, w, r, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		if !p.setErr(p.Tr, localizeBIA(p.Tr, err), biaResourceFields...) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "bia_resource_form", p)
		return
	}
	h.flash(w, "ok", "common.saved")
	http.Redirect(w, r, "/bia/resources?q="+url.QueryEscape(res.Name), http.StatusSeeOther)
}

// deleteBIAResource removes a resource and the dependencies on it.
func (h *handler) deleteBIAResource(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := h.d.BIA.DeleteResource(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(w, "ok", "common.deleted")
	http.Redirect(w, r, "/bia/resources", http.StatusSeeOther)
}

package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/errs"
)

// biaProcessForm holds the process's own fields as typed.
type biaProcessForm struct {
	ID          int64
	Code        string
	Name        string
	NameEn      string
	UnitID      string
	OwnerID     string
	Description string
	Important   bool
}

// biaFormPage is the process form, and (with Answer set) the
// questionnaire: both edit BIA values on the impact grid.
type biaFormPage struct {
	Page
	formState
	Form       biaProcessForm
	Values     biaValuesForm
	Units      []option
	Candidates []option
	Editing    bool
	Answer     *biaAnswerView
}

var biaProcessFields = append([]string{"code", "name", "name_en", "unit_id", "owner_id", "description", "important"}, biaValueFields...)

func (h *handler) biaProcessFormPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f biaProcessForm, vf biaValuesForm) (biaFormPage, error) {
	title := "bia.process_new"
	if f.ID != 0 {
		title = "bia.process_edit"
	}
	p := biaFormPage{Page: h.base(w, r, title), Form: f, Values: vf, Editing: f.ID != 0}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	opts := unitOptions(p.Page, units, f.UnitID, nil)
	for i, u := range units {
		opts[i].Disabled = !p.principal.On(authz.BIAWrite, u.Path)
	}
	p.Units = append([]option{{Value: "", Label: p.Tr.T("common.choose")}}, opts...)
	if p.Candidates, err = h.candidates(ctx, p.Page, []string{f.OwnerID}); err != nil {
		return p, err
	}
	p.Scripts = []string{"bia.js"}
	return p, nil
}

// newBIAProcess shows an empty process form, in ?unit= when given.
func (h *handler) newBIAProcess(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st, err := h.d.BIA.Settings(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.biaProcessFormPage(ctx, w, r, biaProcessForm{UnitID: r.URL.Query().Get("unit")}, valuesForm(st, bia.Values{}))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "bia_form", p)
}

// editBIAProcess shows the form of a process with its current values.
func (h *handler) editBIAProcess(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	pr, err := h.d.BIA.Process(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	st, err := h.d.BIA.Settings(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := biaProcessForm{ID: pr.ID, Code: pr.Code, Name: pr.Name, NameEn: pr.NameEn, UnitID: idString(pr.UnitID),
		Description: pr.Description, Important: pr.Important}
	if pr.OwnerID != nil {
		f.OwnerID = idString(*pr.OwnerID)
	}
	p, err := h.biaProcessFormPage(ctx, w, r, f, valuesForm(st, pr.Values))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "bia_form", p)
}

// createBIAProcess stores a new process.
func (h *handler) createBIAProcess(w http.ResponseWriter, r *http.Request) { h.saveBIAProcess(w, r, 0) }

// updateBIAProcess stores changes to a process and its values.
func (h *handler) updateBIAProcess(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.saveBIAProcess(w, r, id)
}

func (h *handler) saveBIAProcess(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	st, err := h.d.BIA.Settings(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pf := r.PostFormValue
	f := biaProcessForm{ID: id, Code: pf("code"), Name: pf("name"), NameEn: pf("name_en"), UnitID: strings.TrimSpace(pf("unit_id")),
		OwnerID: strings.TrimSpace(pf("owner_id")), Description: pf("description"), Important: pf("important") != ""}
	vf, x, v := readValues(r, st)
	pr := bia.Process{ID: id, Code: f.Code, Name: f.Name, NameEn: f.NameEn, Description: f.Description, Important: f.Important, Values: x}
	if uid, ok := parseID(f.UnitID); ok && uid != 0 {
		pr.UnitID = uid
	} else if f.UnitID == "" {
		v.Add("unit_id", "is required")
	} else {
		v.Add("unit_id", "no org unit with this id")
	}
	if oid, ok := parseID(f.OwnerID); !ok {
		v.Add("owner_id", "is not a person id")
	} else if oid != 0 {
		pr.OwnerID = &oid
	}
	err = v.Err()
	if err != nil {
		// Report the process's own mistakes along with the form's.
		probe := pr
		if verr := probe.Validate(st); verr != nil {
			mergeNew(v, verr)
			err = v.Err()
		}
	} else {
		pr, err = h.d.BIA.SaveProcess(ctx, pr)
	}
	if err != nil {
		p, perr := h.biaProcessFormPage(ctx, w, r, f, vf)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		if !p.setErr(p.Tr, valueErrors(p.Tr, err), biaProcessFields...) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "bia_form", p)
		return
	}
	if id == 0 {
		h.flash(w, "ok", "bia.process_created")
	} else {
		h.flash(w, "ok", "common.saved")
	}
	http.Redirect(w, r, "/bia/processes/"+idString(pr.ID), http.StatusSeeOther)
}

// mergeNew adds the field errors of err that v does not hold yet: the
// form's own reading of a field (a duration it could not read) wins over
// what the domain says of the empty value it stood for.
func mergeNew(v *errs.Validation, err error) {
	have := map[string]bool{}
	for _, fe := range errs.FieldsOf(v.Err()) {
		have[fe.Field] = true
	}
	for _, fe := range errs.FieldsOf(err) {
		if !have[fe.Field] {
			v.Add(fe.Field, "%s", fe.Message)
		}
	}
}

// deleteBIAProcess removes a process with its dependencies and answers.
func (h *handler) deleteBIAProcess(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := h.d.BIA.DeleteProcess(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.flash(w, "ok", "common.deleted")
	http.Redirect(w, r, "/bia", http.StatusSeeOther)
}

// MTPDHint explains the MTPD field: left empty, it is derived, and what
// the impacts as they stand give.
func (p biaFormPage) MTPDHint() string {
	if d := p.Values.DerivedMTPD; d != nil {
		return p.Tr.T("bia.mtpd_hint_derived", p.BIADuration(*d))
	}
	return p.Tr.T("bia.mtpd_hint")
}

package web

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// actionRow is one treatment action of the risk form. Key ties the row's
// "done" checkbox to the row: an unticked box sends nothing.
type actionRow struct {
	Key         string
	Description string
	OwnerID     string
	Due         string
	Done        bool
	Errs        map[string]string // by sub-field: description, owner_id, due
}

// Err returns the message for a sub-field of the row.
func (a actionRow) Err(field string) string { return a.Errs[field] }

// riskForm holds the risk form as typed.
type riskForm struct {
	ID          int64
	Code        string
	Title       string
	TitleEn     string
	Category    string
	UnitID      string
	OwnerID     string
	Cause       string
	Consequence string
	Controls    string
	Treatment   string
	Status      string
	ReviewDate  string
	ProcessIDs  []string
	Actions     []actionRow
}

type riskFormPage struct {
	Page
	formState
	Form       riskForm
	Categories []option
	Units      []option
	Statuses   []option
	Strategies []option
	Candidates []option
	Processes  []option // business processes of the BIA, for the affected ones
	Editing    bool
}

var riskFields = []string{"code", "title", "title_en", "category", "unit_id", "owner_id", "cause", "consequence",
	"controls", "treatment", "status", "review_date", "actions", "process_ids"}

var actionField = regexp.MustCompile(`^actions\[(\d+)\]\.(description|owner_id|due)$`)

func (h *handler) riskFormPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f riskForm) (riskFormPage, error) {
	title := "risk.new"
	if f.ID != 0 {
		title = "risk.edit"
	}
	p := riskFormPage{Page: h.base(w, r, title), Form: f, Editing: f.ID != 0}
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	// Units the viewer may not write on are shown but cannot be chosen.
	opts := unitOptions(p.Page, units, f.UnitID, nil)
	for i, u := range units {
		opts[i].Disabled = !p.principal.On(authz.RiskWrite, u.Path)
	}
	p.Units = append([]option{{Value: "", Label: p.Tr.T("common.choose")}}, opts...)
	p.Categories = categoryOptions(p.Page, f.Category, p.Tr.T("common.choose"))
	p.Statuses = statusOptions(p.Page, f.Status, "")
	p.Strategies = strategyOptions(p.Page, f.Treatment)
	chosen := []string{f.OwnerID}
	for _, a := range f.Actions {
		chosen = append(chosen, a.OwnerID)
	}
	if p.Candidates, err = h.candidates(ctx, p.Page, chosen); err != nil {
		return p, err
	}
	if len(p.Form.Actions) == 0 {
		p.Form.Actions = []actionRow{{Key: newReference()}}
	}
	if p.Processes, err = h.processOptions(ctx, p.Page, units, f.ProcessIDs); err != nil {
		return p, err
	}
	return p, nil
}

// processOptions lists the business processes of the BIA for the risk
// form, by unit, with the chosen ones selected.
func (h *handler) processOptions(ctx context.Context, p Page, units []org.Unit, chosen []string) ([]option, error) {
	if h.d.BIA == nil {
		return nil, nil
	}
	ps, err := h.d.BIA.Processes(ctx, bia.ProcessFilter{})
	if err != nil {
		return nil, err
	}
	names := unitFullNames(p, units)
	sel := map[string]bool{}
	for _, id := range chosen {
		sel[id] = true
	}
	out := make([]option, 0, len(ps))
	for _, pr := range ps {
		label := p.L(pr.Name, pr.NameEn)
		if pr.Code != "" {
			label = pr.Code + " " + label
		}
		if n := names[pr.UnitID]; n != "" {
			label += " · " + n
		}
		out = append(out, option{Value: idString(pr.ID), Label: label, Selected: sel[idString(pr.ID)]})
	}
	return out, nil
}

// newRisk shows an empty risk form, in ?unit= when given.
func (h *handler) newRisk(w http.ResponseWriter, r *http.Request) {
	f := riskForm{UnitID: r.URL.Query().Get("unit"), Status: string(risk.StatusOpen)}
	p, err := h.riskFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "risk_form", p)
}

// editRisk shows the form of an existing risk.
func (h *handler) editRisk(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	rk, err := h.d.Risk.Risk(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := riskForm{ID: rk.ID, Code: rk.Code, Title: rk.Title, TitleEn: rk.TitleEn, Category: string(rk.Category),
		UnitID: idString(rk.UnitID), Cause: rk.Cause, Consequence: rk.Consequence, Controls: rk.Controls,
		Treatment: string(rk.Treatment), Status: string(rk.Status), ReviewDate: rk.ReviewDate}
	for _, pid := range rk.ProcessIDs {
		f.ProcessIDs = append(f.ProcessIDs, idString(pid))
	}
	if rk.OwnerID != nil {
		f.OwnerID = idString(*rk.OwnerID)
	}
	for _, a := range rk.Actions {
		row := actionRow{Key: newReference(), Description: a.Description, Due: a.Due, Done: a.Done}
		if a.OwnerID != nil {
			row.OwnerID = idString(*a.OwnerID)
		}
		f.Actions = append(f.Actions, row)
	}
	p, err := h.riskFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "risk_form", p)
}

// createRisk stores a new risk.
func (h *handler) createRisk(w http.ResponseWriter, r *http.Request) { h.saveRisk(w, r, 0) }

// updateRisk stores changes to a risk's register fields.
func (h *handler) updateRisk(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.saveRisk(w, r, id)
}

func (h *handler) saveRisk(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pf := r.PostFormValue
	f := riskForm{ID: id, Code: pf("code"), Title: pf("title"), TitleEn: pf("title_en"), Category: pf("category"),
		UnitID: strings.TrimSpace(pf("unit_id")), OwnerID: strings.TrimSpace(pf("owner_id")), Cause: pf("cause"),
		Consequence: pf("consequence"), Controls: pf("controls"), Treatment: pf("treatment"), Status: pf("status"),
		ReviewDate: strings.TrimSpace(pf("review_date")), ProcessIDs: r.PostForm["process_ids"]}
	rk := risk.Risk{ID: id, Code: f.Code, Title: f.Title, TitleEn: f.TitleEn, Category: risk.Category(f.Category),
		Cause: strings.TrimSpace(f.Cause), Consequence: strings.TrimSpace(f.Consequence), Controls: strings.TrimSpace(f.Controls),
		Treatment: risk.Strategy(f.Treatment), Status: risk.Status(f.Status), ReviewDate: f.ReviewDate}
	var v errs.Validation
	for _, s := range f.ProcessIDs {
		if pid, ok := parseID(s); ok && pid != 0 {
			rk.ProcessIDs = append(rk.ProcessIDs, pid)
		} else {
			v.Add("process_ids", "no process with id %s", s)
		}
	}
	if uid, ok := parseID(f.UnitID); ok && uid != 0 {
		rk.UnitID = uid
	} else if f.UnitID == "" {
		v.Add("unit_id", "is required")
	} else {
		v.Add("unit_id", "no org unit with this id")
	}
	if oid, ok := parseID(f.OwnerID); !ok {
		v.Add("owner_id", "is not a person id")
	} else if oid != 0 {
		rk.OwnerID = &oid
	}
	// Rows left blank are ignored; rowOf maps the service's action index
	// back to the form row, for placing its errors.
	keys, descs, owners, dues := r.PostForm["action_key"], r.PostForm["action_description"], r.PostForm["action_owner"], r.PostForm["action_due"]
	done := map[string]bool{}
	for _, k := range r.PostForm["action_done"] {
		done[k] = true
	}
	at := func(s []string, i int) string {
		if i < len(s) {
			return strings.TrimSpace(s[i])
		}
		return ""
	}
	var rowOf []int
	for i, key := range keys {
		row := actionRow{Key: key, Description: at(descs, i), OwnerID: at(owners, i), Due: at(dues, i), Done: done[key]}
		f.Actions = append(f.Actions, row)
		if row.Description == "" && row.OwnerID == "" && row.Due == "" {
			continue
		}
		a := risk.Action{Description: row.Description, Due: row.Due, Done: row.Done}
		if oid, ok := parseID(row.OwnerID); ok && oid != 0 {
			a.OwnerID = &oid
		} else if !ok {
			v.Add("actions["+strconv.Itoa(len(rk.Actions))+"].owner_id", "is not a person id")
		}
		rk.Actions = append(rk.Actions, a)
		rowOf = append(rowOf, i)
	}
	err := v.Err()
	if err != nil {
		// Report the risk's own mistakes along with the form's.
		if verr := rk.Validate(); verr != nil {
			v.Merge("", verr)
			err = v.Err()
		}
	} else {
		rk, err = h.d.Risk.SaveRisk(ctx, rk)
	}
	if err != nil {
		p, perr := h.riskFormPage(ctx, w, r, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		err = localizeRisk(p.Tr, err)
		// Action errors go to their rows.
		var rest []errs.FieldError
		for _, fe := range errs.FieldsOf(err) {
			if strings.HasPrefix(fe.Field, "process_ids[") {
				fe.Field = "process_ids"
			}
			m := actionField.FindStringSubmatch(fe.Field)
			if m == nil {
				rest = append(rest, fe)
				continue
			}
			j, _ := strconv.Atoi(m[1])
			if j >= len(rowOf) || rowOf[j] >= len(p.Form.Actions) {
				rest = append(rest, fe)
				continue
			}
			row := &p.Form.Actions[rowOf[j]]
			if row.Errs == nil {
				row.Errs = map[string]string{}
			}
			if _, dup := row.Errs[m[2]]; !dup {
				row.Errs[m[2]] = localizeField(p.Tr, fe.Field, fe.Message)
			}
		}
		if len(rest) == 0 && len(errs.FieldsOf(err)) > 0 && errs.CodeOf(err) == errs.Invalid {
			p.add("actions", "")
		} else if !p.setErr(p.Tr, withFields(err, rest), riskFields...) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "risk_form", p)
		return
	}
	if id == 0 {
		h.flash(w, "ok", "risk.created")
	} else {
		h.flash(w, "ok", "common.saved")
	}
	http.Redirect(w, r, "/risks/"+idString(rk.ID), http.StatusSeeOther)
}

// withFields returns err with its field errors replaced by fields (the
// ones still to be placed).
func withFields(err error, fields []errs.FieldError) error {
	var e *errs.Error
	if !errors.As(err, &e) || len(e.Fields) == 0 {
		return err
	}
	cp := *e
	cp.Fields = fields
	return &cp
}

// actionRowFragment renders one more empty action row for the risk form.
func (h *handler) actionRowFragment(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	p := h.base(w, r, "")
	opts, err := h.candidates(ctx, p, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderPartial(w, r, http.StatusOK, "risk_form", "action_row",
		map[string]any{"P": p, "Row": actionRow{Key: newReference()}, "Options": opts})
}

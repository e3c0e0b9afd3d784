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
	ProcessIDs  []string // the linked processes, by id
	// ProcessCodes is what was typed in the process search box: without
	// JavaScript, process codes separated by commas, linked on saving.
	ProcessCodes string
	Actions      []actionRow
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
	// Linked are the affected processes (a ticked box each: unticking one
	// unlinks it); PickProcesses says whether the viewer may search the
	// BIA for more (bia.read). HiddenLinks counts the links kept for a
	// viewer who may not see the processes.
	Linked        []option
	PickProcesses bool
	NoProcesses   bool // the BIA has no process yet
	HiddenLinks   int
	Editing       bool
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
	if !h.biaReadable(p.principal) {
		p.HiddenLinks = len(f.ProcessIDs)
		return p, nil
	}
	p.PickProcesses = true
	p.Scripts = []string{"risk.js"}
	if p.Linked, err = h.linkedProcesses(ctx, p.Page, units, f.ProcessIDs); err != nil {
		return p, err
	}
	if len(p.Linked) == 0 {
		first, err := h.d.BIA.FindNodes(ctx, bia.NodeQuery{Family: "process", Limit: 1})
		if err != nil {
			return p, err
		}
		p.NoProcesses = len(first) == 0
	}
	return p, nil
}

// biaReadable reports whether the viewer may see the BIA's processes.
func (h *handler) biaReadable(pr authz.Principal) bool {
	return h.d.BIA != nil && pr.Any(authz.BIARead)
}

// linkedProcesses labels the processes with the given ids, in that order,
// ticked: code, name and unit (when units are given). It looks them up in
// the BIA graph held in memory, never lists every process; an id that is
// no process keeps its number as label (the service refuses it).
func (h *handler) linkedProcesses(ctx context.Context, p Page, units []org.Unit, ids []string) ([]option, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	refs := make([]string, len(ids))
	for i, id := range ids {
		refs[i] = "p" + id
	}
	nodes, err := h.d.BIA.Nodes(ctx, refs...)
	if err != nil {
		return nil, err
	}
	names := unitFullNames(p, units)
	out := make([]option, 0, len(ids))
	for i, id := range ids {
		label := "#" + id
		if n, ok := nodes[refs[i]]; ok {
			label = p.NodeName(n)
			if n.UnitID != nil && names[*n.UnitID] != "" {
				label += " · " + names[*n.UnitID]
			}
		}
		out = append(out, option{Value: id, Label: label, Selected: true})
	}
	return out, nil
}

// resolveProcessCodes finds the processes named in text: codes (or
// references such as p12) separated by commas. It returns their ids and
// the codes that name no process.
func (h *handler) resolveProcessCodes(ctx context.Context, text string) (ids []int64, unknown []string, err error) {
	codes := strings.FieldsFunc(text, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == '\n'
	})
	for _, code := range codes {
		code = strings.TrimSpace(code)
		if code == "" {
			continue
		}
		found, err := h.d.BIA.FindNodes(ctx, bia.NodeQuery{Query: code, Family: "process", Limit: 1})
		if err != nil {
			return nil, nil, err
		}
		if len(found) == 1 && (strings.EqualFold(found[0].Code, code) || strings.EqualFold(found[0].Ref, code)) {
			ids = append(ids, found[0].ID)
		} else {
			unknown = append(unknown, code)
		}
	}
	return ids, unknown, nil
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
		ReviewDate: strings.TrimSpace(pf("review_date")), ProcessCodes: strings.TrimSpace(pf("process_q"))}
	rk := risk.Risk{ID: id, Code: f.Code, Title: f.Title, TitleEn: f.TitleEn, Category: risk.Category(f.Category),
		Cause: strings.TrimSpace(f.Cause), Consequence: strings.TrimSpace(f.Consequence), Controls: strings.TrimSpace(f.Controls),
		Treatment: risk.Strategy(f.Treatment), Status: risk.Status(f.Status), ReviewDate: f.ReviewDate}
	var v errs.Validation
	if err := h.riskLinks(ctx, r, &f, &rk, &v); err != nil {
		h.fail(w, r, err)
		return
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
	err := saveOrReport(&v, rk.Validate, func() (err error) {
		rk, err = h.d.Risk.SaveRisk(ctx, rk)
		return err
	})
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

// riskLinks fills the risk's affected processes from the form: the ticked
// ones and those whose codes were typed in the search box. A form without
// the picker (process_links absent) or a viewer who may not see the BIA
// keeps the links the risk has.
func (h *handler) riskLinks(ctx context.Context, r *http.Request, f *riskForm, rk *risk.Risk, v *errs.Validation) error {
	pr, _ := authz.From(ctx)
	if r.PostFormValue("process_links") != "1" || !h.biaReadable(pr) {
		f.ProcessCodes = ""
		if rk.ID == 0 {
			return nil
		}
		old, err := h.d.Risk.Risk(ctx, rk.ID)
		if err != nil {
			return err
		}
		rk.ProcessIDs = old.ProcessIDs
		for _, id := range old.ProcessIDs {
			f.ProcessIDs = append(f.ProcessIDs, idString(id))
		}
		return nil
	}
	seen := map[int64]bool{}
	link := func(id int64) {
		if !seen[id] {
			seen[id] = true
			rk.ProcessIDs = append(rk.ProcessIDs, id)
			f.ProcessIDs = append(f.ProcessIDs, idString(id))
		}
	}
	for _, s := range r.PostForm["process_ids"] {
		if id, ok := parseID(s); ok && id != 0 {
			link(id)
		} else {
			v.Add("process_ids", "no process with id %s", s)
		}
	}
	ids, unknown, err := h.resolveProcessCodes(ctx, f.ProcessCodes)
	if err != nil {
		return err
	}
	for _, id := range ids {
		link(id)
	}
	// The codes found become chips; those not found stay in the box.
	f.ProcessCodes = strings.Join(unknown, ", ")
	if len(unknown) > 0 {
		v.Add("process_ids", "no process with code %s", f.ProcessCodes)
	}
	return nil
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

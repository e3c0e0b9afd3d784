package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/continuo-bcm/continuo/internal/bia"
)

// biaDependencyForm holds the dependency form as typed.
type biaDependencyForm struct {
	ID          int64
	From        string
	To          string
	Alternative string
	Type        string
	Note        string
	Back        string // where to return to, a path on this site
	// The text typed in each picker's search box.
	FromQ, ToQ, AltQ string
}

type biaDependencyFormPage struct {
	Page
	formState
	Form      biaDependencyForm
	FromNode  *bia.Node // the dependent, when fixed
	From      biaPicker
	To        biaPicker
	Alt       biaPicker
	Types     []option
	Editing   bool
	CancelURL string
}

var biaDependencyFields = []string{"from", "to", "alternative", "type", "note"}

func (h *handler) biaDependencyFormPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f biaDependencyForm) (biaDependencyFormPage, error) {
	title := "bia.dependency_new"
	if f.ID != 0 {
		title = "bia.dependency_edit"
	}
	p := biaDependencyFormPage{Page: h.base(w, r, title), Form: f, Editing: f.ID != 0}
	if f.From != "" {
		nodes, err := h.d.BIA.Nodes(ctx, f.From)
		if err != nil {
			return p, err
		}
		if n, ok := nodes[f.From]; ok {
			p.FromNode = &n
		}
	}
	// Pickers list at most biaPickerSize matches of what was typed: the
	// inventory may hold a hundred thousand nodes.
	p.From = biaPicker{P: p.Page, Name: "from", ID: "f-from", Label: p.Tr.T("bia.dependent"), Blank: "common.choose",
		Search: f.FromQ, Selected: f.From}
	p.To = biaPicker{P: p.Page, Name: "to", ID: "f-to", Label: p.Tr.T("bia.depends_on"), Blank: "common.choose",
		Search: f.ToQ, Selected: f.To}
	p.Alt = biaPicker{P: p.Page, Name: "alternative", ID: "f-alternative", Label: p.Tr.T("bia.alternative"),
		Blank: "bia.no_alternative", Search: f.AltQ, Selected: f.Alternative}
	for _, pk := range []*biaPicker{&p.From, &p.To, &p.Alt} {
		if err := pk.fill(ctx, h.d.BIA); err != nil {
			return p, err
		}
	}
	for _, t := range bia.DependencyTypes {
		p.Types = append(p.Types, option{Value: string(t), Label: p.BIADepType(t), Selected: string(t) == f.Type})
	}
	p.CancelURL = f.Back
	if p.CancelURL == "" {
		p.CancelURL = "/bia"
		if p.FromNode != nil {
			p.CancelURL = p.NodeURL(*p.FromNode)
		}
	}
	return p, nil
}

func backOf(s string) string {
	if s == "" {
		return ""
	}
	if b := safeNext(s); b != "/" {
		return b
	}
	return ""
}

// newBIADependency shows an empty dependency form, from ?from= when given.
func (h *handler) newBIADependency(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := biaDependencyForm{From: q.Get("from"), To: q.Get("to"), Type: string(bia.Uses), Back: backOf(q.Get("back"))}
	p, err := h.biaDependencyFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "bia_dependency_form", p)
}

// editBIADependency shows the form of a dependency.
func (h *handler) editBIADependency(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	d, err := h.d.BIA.Dependency(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := biaDependencyForm{ID: d.ID, From: d.From, To: d.To, Alternative: d.Alternative, Type: string(d.Type), Note: d.Note,
		Back: backOf(r.URL.Query().Get("back"))}
	p, err := h.biaDependencyFormPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "bia_dependency_form", p)
}

// createBIADependency stores a new dependency.
func (h *handler) createBIADependency(w http.ResponseWriter, r *http.Request) {
	h.saveBIADependency(w, r, 0)
}

// updateBIADependency stores changes to a dependency.
func (h *handler) updateBIADependency(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.saveBIADependency(w, r, id)
}

func (h *handler) saveBIADependency(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pf := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	f := biaDependencyForm{ID: id, From: pf("from"), To: pf("to"), Alternative: pf("alternative"), Type: pf("type"), Note: pf("note"),
		Back: backOf(pf("back")), FromQ: pf("from_q"), ToQ: pf("to_q"), AltQ: pf("alternative_q")}
	// A node typed in a search box but not chosen in its list (no
	// JavaScript, or the list not opened) is taken when the text names it.
	picked := map[string]string{}
	for _, x := range []struct {
		field  string
		ref    *string
		search string
	}{{"from", &f.From, f.FromQ}, {"to", &f.To, f.ToQ}, {"alternative", &f.Alternative, f.AltQ}} {
		ref, key, err := resolveBIANode(ctx, h.d.BIA, *x.ref, x.search, "")
		if err != nil {
			h.fail(w, r, err)
			return
		}
		*x.ref = ref
		if key != "" {
			picked[x.field] = key
		}
	}
	var d bia.Dependency
	var err error
	if len(picked) == 0 {
		d, err = h.d.BIA.SaveDependency(ctx, bia.Dependency{ID: id, From: f.From, To: f.To, Alternative: f.Alternative,
			Type: bia.DependencyType(f.Type), Note: f.Note})
	}
	if len(picked) > 0 {
		p, perr := h.biaDependencyFormPage(ctx, w, r, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		for _, field := range biaDependencyFields {
			if key, ok := picked[field]; ok {
				p.add(field, p.Tr.T(key, pf(field+"_q")))
			}
		}
		h.render(w, r, http.StatusUnprocessableEntity, "bia_dependency_form", p)
		return
	}
	if err != nil {
		p, perr := h.biaDependencyFormPage(ctx, w, r, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		if !p.setErr(p.Tr, localizeBIA(p.Tr, err), biaDependencyFields...) {
			h.fail(w, r, localizeBIA(p.Tr, err))
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "bia_dependency_form", p)
		return
	}
	h.flash(w, "ok", "common.saved")
	http.Redirect(w, r, h.afterDependency(f.Back, d.From), http.StatusSeeOther)
}

func (h *handler) afterDependency(back, from string) string {
	if back != "" {
		return back
	}
	if ref, ok := bia.ParseRef(from); ok && ref.Process {
		return "/bia/processes/" + idString(ref.ID)
	}
	return "/bia/graph?node=" + from
}

// deleteBIADependency removes a dependency.
func (h *handler) deleteBIADependency(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	d, err := h.d.BIA.Dependency(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.d.BIA.DeleteDependency(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	_ = r.ParseForm()
	h.flash(w, "ok", "common.deleted")
	http.Redirect(w, r, h.afterDependency(backOf(r.PostFormValue("back")), d.From), http.StatusSeeOther)
}

package web

import (
	"context"
	"net/http"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/errs"
)

// biaAnswerView is a questionnaire with what the page shows around it.
type biaAnswerView struct {
	bia.Answer
	Process      bia.Process
	ProcessName  string
	OwnerName    string
	Campaign     bia.Campaign
	CampaignName string
	History      []bia.AnswerEvent
	Dependencies []biaDependencyView
	// CanFill: the viewer may change and submit it now; CanReview: the
	// viewer may approve or return it now.
	CanFill    bool
	CanReview  bool
	CanAddDeps bool
	Comment    string // the review comment as typed
}

// biaAnswerPage builds the questionnaire page; vf replaces the stored
// values when the owner's form comes back with mistakes.
func (h *handler) biaAnswerPage(ctx context.Context, w http.ResponseWriter, r *http.Request, id int64, vf *biaValuesForm) (biaFormPage, error) {
	p := biaFormPage{Page: h.base(w, r, "")}
	a, err := h.d.BIA.Answer(ctx, id)
	if err != nil {
		return p, err
	}
	av := &biaAnswerView{Answer: a}
	if av.Process, err = h.d.BIA.Process(ctx, a.ProcessID); err != nil {
		return p, err
	}
	if av.Campaign, err = h.d.BIA.Campaign(ctx, a.CampaignID); err != nil {
		return p, err
	}
	if av.History, err = h.d.BIA.AnswerHistory(ctx, id); err != nil {
		return p, err
	}
	st, err := h.d.BIA.Settings(ctx)
	if err != nil {
		return p, err
	}
	var owners []int64
	if av.Process.OwnerID != nil {
		owners = append(owners, *av.Process.OwnerID)
	}
	units, _, people, err := h.biaNames(ctx, p.Page, owners)
	if err != nil {
		return p, err
	}
	if av.Process.OwnerID != nil {
		av.OwnerName = people[*av.Process.OwnerID]
	}
	av.ProcessName, av.CampaignName = p.L(av.Process.Name, av.Process.NameEn), p.L(av.Campaign.Name, av.Campaign.NameEn)
	open := av.Campaign.Status == bia.CampaignOpen
	if u, ok := unitByID(units, av.Process.UnitID); ok {
		av.CanAddDeps = p.principal.On(authz.BIAWrite, u.Path)
		av.CanFill = open && a.Status.Editable() && av.CanAddDeps
	}
	av.CanReview = open && a.Status == bia.Submitted && p.Can(string(authz.BIAManage))

	deps, err := h.d.BIA.Dependencies(ctx, av.Process.Ref())
	if err != nil {
		return p, err
	}
	nodes, err := h.d.BIA.Nodes(ctx, dependencyRefs(deps)...)
	if err != nil {
		return p, err
	}
	for _, d := range deps {
		if d.From != av.Process.Ref() {
			continue
		}
		dv := biaDependencyView{Dependency: d, From: refNode(nodes, d.From), To: refNode(nodes, d.To)}
		if d.Alternative != "" {
			alt := refNode(nodes, d.Alternative)
			dv.Alternative = &alt
		}
		av.Dependencies = append(av.Dependencies, dv)
	}
	p.Answer = av
	p.Title = p.Tr.T("bia.questionnaire_of", av.ProcessName)
	if vf != nil {
		p.Values = *vf
	} else {
		p.Values = valuesForm(st, a.Values)
	}
	p.Scripts = []string{"bia.js"}
	return p, nil
}

// showBIAAnswer shows a questionnaire: a form for the owner while it is
// open to them, the review for the office once it is submitted.
func (h *handler) showBIAAnswer(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	p, err := h.biaAnswerPage(r.Context(), w, r, id, nil)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "bia_form", p)
}

// saveBIAAnswer stores the owner's values as a draft and, when the owner
// chose to submit, sends the questionnaire to the office.
func (h *handler) saveBIAAnswer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	st, err := h.d.BIA.Settings(ctx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	vf, x, v := readValues(r, st)
	submit := r.PostFormValue("action") == "submit"
	err = v.Err()
	if err == nil {
		_, err = h.d.BIA.SaveAnswer(ctx, id, x)
	} else if verr := x.Normalize(st); verr != nil {
		mergeNew(v, verr)
		err = v.Err()
	}
	if err == nil && submit {
		_, err = h.d.BIA.Submit(ctx, id)
	}
	if err != nil {
		p, perr := h.biaAnswerPage(ctx, w, r, id, &vf)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		if !p.setErr(p.Tr, valueErrors(p.Tr, err), biaValueFields...) {
			h.fail(w, r, localizeBIA(p.Tr, err))
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "bia_form", p)
		return
	}
	if submit {
		h.flash(w, "ok", "bia.answer_submitted")
	} else {
		h.flash(w, "ok", "bia.answer_saved")
	}
	http.Redirect(w, r, "/bia/answers/"+idString(id), http.StatusSeeOther)
}

// reviewBIAAnswer approves a submitted questionnaire, or returns it to the
// owner with a comment.
func (h *handler) reviewBIAAnswer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	comment := strings.TrimSpace(r.PostFormValue("comment"))
	var a bia.Answer
	var err error
	approve := r.PostFormValue("decision") == "approve"
	switch r.PostFormValue("decision") {
	case "approve":
		a, err = h.d.BIA.Approve(ctx, id, comment)
	case "return":
		a, err = h.d.BIA.Return(ctx, id, comment)
	default:
		err = errs.Field("decision", "must be one of approve, return")
	}
	if err != nil {
		p, perr := h.biaAnswerPage(ctx, w, r, id, nil)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		p.Answer.Comment = comment
		if !p.setErr(p.Tr, localizeBIA(p.Tr, err), "comment") {
			h.fail(w, r, localizeBIA(p.Tr, err))
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "bia_form", p)
		return
	}
	if approve {
		h.flash(w, "ok", "bia.answer_approved")
	} else {
		h.flash(w, "ok", "bia.answer_returned")
	}
	http.Redirect(w, r, "/bia/campaigns/"+idString(a.CampaignID), http.StatusSeeOther)
}

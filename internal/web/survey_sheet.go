package web

import (
	"context"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
)

// answerView is one answer of a sheet as the page shows it: a checklist
// question with its answer, or a risk the department added. Prefix names
// its form fields: "a17.title" for answer 17, "n<key>.title" for a risk
// added on this page.
type answerView struct {
	Prefix      string
	ID          int64
	Number      int
	Added       bool
	Question    string
	Hint        string
	Category    string // label
	CategoryKey string
	Present     string
	RiskID      string
	RiskName    string
	Title       string
	Cause       string
	Consequence string
	Controls    string
	Note        string
	Likelihood  int
	Impact      int
	Proposal    *levelBadge
	State       risksurvey.AnswerState
	Comment     string
	ReviewedBy  string
	ReviewedAt  *time.Time
	AcceptedID  int64
	// Accepted is the rating the risk the office made of the answer
	// carries now (nil when it is not among the unit's risks).
	Accepted   *acceptedRating
	Editable   bool
	Reviewable bool
	Errs       map[string]string

	Likelihoods, Impacts, Risks, Categories []option
}

// acceptedRating is the current rating of the risk an answer became.
type acceptedRating struct {
	Code   string
	Badge  levelBadge
	Rating risk.Rating
	Kind   string // inherent or residual, in words
}

// Err returns the message for one field of the answer.
func (a answerView) Err(field string) string { return a.Errs[field] }

// sheetPage is a department's answer sheet: the form while it answers,
// the review once it has submitted.
type sheetPage struct {
	Page
	formState
	Campaign  risksurvey.Campaign
	Name      string
	UnitName  string
	Progress  risksurvey.Progress
	Answers   []answerView
	Added     []answerView
	Editable  bool
	CanReview bool
	Open      bool
	Matrix    string

	Predictability []option
}

// sheetContext is what building the answer views needs.
type sheetContext struct {
	matrix    risk.Matrix
	questions map[string]risksurvey.Question
	risks     []risk.Risk
}

func (h *handler) loadSheetContext(ctx context.Context, c risksurvey.Campaign, unitID int64) (sheetContext, error) {
	sc := sheetContext{questions: map[string]risksurvey.Question{}}
	var err error
	if sc.matrix, err = h.d.Risk.Matrix(ctx, c.MatrixID); err != nil {
		return sc, err
	}
	for _, q := range c.Questions {
		sc.questions[q.Key] = q
	}
	rs, _, err := h.d.Risk.Risks(ctx, risk.Filter{UnitID: unitID, Limit: 500})
	if err != nil {
		return sc, err
	}
	for _, r := range rs {
		if r.UnitID == unitID {
			sc.risks = append(sc.risks, r)
		}
	}
	return sc, nil
}

// view builds the view of an answer.
func (p Page) answerView(sc *sheetContext, a risksurvey.Answer, prefix string) answerView {
	v := answerView{Prefix: prefix, ID: a.ID, Added: a.QuestionKey == "", CategoryKey: string(a.Category), Category: p.RiskCategory(a.Category),
		Present: string(a.Present), Title: a.Title, Cause: a.Cause, Consequence: a.Consequence, Controls: a.Controls, Note: a.Note,
		Likelihood: a.Likelihood, Impact: a.Impact, State: a.State, Comment: a.ReviewComment, ReviewedBy: a.ReviewedBy, ReviewedAt: a.ReviewedAt,
		Errs: map[string]string{}}
	if q, ok := sc.questions[a.QuestionKey]; ok {
		v.Question, v.Hint = p.L(q.Text, q.TextEn), p.L(q.Hint, q.HintEn)
	}
	if a.AcceptedRiskID != nil {
		v.AcceptedID = *a.AcceptedRiskID
		for i := range sc.risks {
			if r := &sc.risks[i]; r.ID == v.AcceptedID && r.Current() != nil {
				c, kind := r.Current(), risk.Inherent
				if r.Residual != nil {
					kind = risk.Residual
				}
				v.Accepted = &acceptedRating{Code: r.Code, Badge: p.RiskLevel(c.Level), Rating: *c, Kind: p.RiskKind(kind)}
			}
		}
	}
	v.RiskID = ""
	if a.RiskID != nil {
		v.RiskID = idString(*a.RiskID)
	}
	v.Risks = []option{{Value: "", Label: p.Tr.T("survey.new_risk")}}
	for _, r := range sc.risks {
		label := p.L(r.Title, r.TitleEn)
		if r.Code != "" {
			label = r.Code + " " + label
		}
		v.Risks = append(v.Risks, option{Value: idString(r.ID), Label: label, Selected: v.RiskID == idString(r.ID)})
		if v.RiskID == idString(r.ID) {
			v.RiskName = label
		}
	}
	v.Likelihoods = scaleOptions(p, sc.matrix.Likelihood, a.Likelihood, p.Tr.T("survey.not_rated"))
	v.Impacts = scaleOptions(p, sc.matrix.Impact, a.Impact, p.Tr.T("survey.not_rated"))
	v.Categories = categoryOptions(p, string(a.Category), p.Tr.T("common.choose"))
	if a.Likelihood > 0 && a.Impact > 0 && a.Likelihood <= len(sc.matrix.Likelihood) && a.Impact <= len(sc.matrix.Impact) {
		b := p.bandBadge(&sc.matrix, a.Likelihood*a.Impact)
		b.Label = p.Tr.T("survey.proposal_label", a.Likelihood, a.Impact, a.Likelihood*a.Impact, b.Label)
		v.Proposal = &b
	}
	return v
}

// sheetForPage builds the sheet page from a stored sheet.
func (h *handler) sheetForPage(ctx context.Context, w http.ResponseWriter, r *http.Request, sh risksurvey.Sheet) (sheetPage, *sheetContext, error) {
	p := sheetPage{Page: h.base(w, r, ""), Campaign: sh.Campaign, Progress: sh.Progress, Open: sh.Campaign.Status == risksurvey.Open}
	p.Name = p.L(sh.Campaign.Title, sh.Campaign.TitleEn)
	p.UnitName = p.L(sh.Progress.UnitName, sh.Progress.UnitNameEn)
	if n := h.surveyUnitNames(r, p.Page)[sh.Progress.UnitID]; n != "" {
		p.UnitName = n
	}
	p.Title = p.UnitName + " · " + p.Name
	p.Editable = p.Open && sh.Progress.Status.Answerable() && p.principal.On(authz.RiskWrite, sh.Progress.UnitPath)
	p.CanReview = p.principal.Any(authz.RiskManage)
	sc, err := h.loadSheetContext(ctx, sh.Campaign, sh.Progress.UnitID)
	if err != nil {
		return p, nil, err
	}
	p.Matrix = p.L(sc.matrix.Name, sc.matrix.NameEn)
	p.Predictability = []option{{Value: "", Label: p.Tr.T("survey.not_rated")}}
	for i := 1; i <= risk.MaxPredictability; i++ {
		p.Predictability = append(p.Predictability, option{Value: strconv.Itoa(i), Label: p.Tr.T("risk.predictability." + strconv.Itoa(i))})
	}
	n := 0
	for _, a := range sh.Answers {
		v := p.answerView(&sc, a, "a"+idString(a.ID))
		v.Editable = p.Editable && a.State != risksurvey.StateAccepted &&
			!(sh.Progress.Status == risksurvey.Returned && a.State == risksurvey.StateSubmitted)
		v.Reviewable = p.CanReview && a.State == risksurvey.StateSubmitted && a.NeedsReview()
		if v.Added {
			p.Added = append(p.Added, v)
		} else {
			n++
			v.Number = n
			p.Answers = append(p.Answers, v)
		}
	}
	return p, &sc, nil
}

// sheetIDs reads the campaign and unit of the path.
func sheetIDs(r *http.Request) (int64, int64, bool) {
	id, ok1 := pathID(r, "id")
	unit, ok2 := pathID(r, "unit")
	return id, unit, ok1 && ok2
}

// showSheet shows a department's sheet: the answer form to the people
// who write risks on the unit while it is open, and the answers with the
// review buttons to the office.
func (h *handler) showSheet(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, unit, ok := sheetIDs(r)
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	sh, err := h.d.Survey.Sheet(ctx, id, unit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, sc, err := h.sheetForPage(ctx, w, r, sh)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if p.Editable {
		p.Added = append(p.Added, p.blankAdded(sc))
	}
	h.render(w, r, http.StatusOK, "survey_sheet", p)
}

// blankAdded is an empty row for a risk the checklist does not name.
func (p Page) blankAdded(sc *sheetContext) answerView {
	v := p.answerView(sc, risksurvey.Answer{Present: risksurvey.Yes}, "n"+newReference())
	v.Editable = true
	return v
}

// addedRowFragment renders one more empty added-risk row.
func (h *handler) addedRowFragment(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, unit, ok := sheetIDs(r)
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	c, err := h.d.Survey.Campaign(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sc, err := h.loadSheetContext(ctx, c, unit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := h.base(w, r, "")
	h.renderPartial(w, r, http.StatusOK, "survey_sheet", "answer_block", map[string]any{"P": p, "A": p.blankAdded(&sc)})
}

var answerErrField = regexp.MustCompile(`^answers\[(\d+|id=\d+)\]\.?(.*)$`)

// saveSheet stores the department's answers, as a draft or submitted.
func (h *handler) saveSheet(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, unit, ok := sheetIDs(r)
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	submit := r.PostFormValue("action") == "submit"
	var in []risksurvey.AnswerInput
	var prefixes []string
	var v errs.Validation
	typed := map[string]risksurvey.AnswerInput{}
	for _, prefix := range r.PostForm["answer"] {
		get := func(f string) string { return strings.TrimSpace(r.PostFormValue(prefix + "." + f)) }
		a := risksurvey.AnswerInput{Present: risksurvey.Presence(get("present")), Title: get("title"), Category: risk.Category(get("category")),
			Cause: get("cause"), Consequence: get("consequence"), Controls: get("controls"), Note: get("note")}
		for _, x := range []struct {
			f   string
			dst *int
		}{{"likelihood", &a.Likelihood}, {"impact", &a.Impact}} {
			if s := get(x.f); s != "" {
				n, err := strconv.Atoi(s)
				if err != nil || n < 1 {
					v.Add("answers["+strconv.Itoa(len(in))+"]."+x.f, "must be between 1 and 10")
				}
				*x.dst = n
			}
		}
		if rid, ok := parseID(get("risk_id")); ok && rid != 0 {
			a.RiskID = &rid
		}
		if strings.HasPrefix(prefix, "a") {
			n, err := strconv.ParseInt(prefix[1:], 10, 64)
			if err != nil || n <= 0 {
				continue
			}
			a.ID = n
		} else if a.Title == "" && a.RiskID == nil && a.Category == "" && a.Controls == "" && a.Cause == "" &&
			a.Consequence == "" && a.Likelihood == 0 && a.Impact == 0 && a.Note == "" {
			continue // a blank added row
		}
		typed[prefix] = a
		in = append(in, a)
		prefixes = append(prefixes, prefix)
	}
	err := v.Err()
	if err == nil {
		_, err = h.d.Survey.SaveSheet(ctx, id, unit, in, submit)
	}
	if err == nil {
		if submit {
			h.flash(w, "ok", "survey.submitted_ok")
		} else {
			h.flash(w, "ok", "survey.saved_ok")
		}
		http.Redirect(w, r, "/risk-surveys/"+idString(id)+"/units/"+idString(unit), http.StatusSeeOther)
		return
	}
	if code := errs.CodeOf(err); code != errs.Invalid {
		h.surveyFail(w, r, err)
		return
	}
	// Show the form again as typed, each error under its answer.
	sh, serr := h.d.Survey.Sheet(ctx, id, unit)
	if serr != nil {
		h.fail(w, r, serr)
		return
	}
	p, sc, serr := h.sheetForPage(ctx, w, r, sh)
	if serr != nil {
		h.fail(w, r, serr)
		return
	}
	err = localizeSurvey(p.Tr, err)
	byPrefix := map[string]map[string]string{}
	var rest []errs.FieldError
	for _, fe := range errs.FieldsOf(err) {
		m := answerErrField.FindStringSubmatch(fe.Field)
		if m == nil {
			rest = append(rest, fe)
			continue
		}
		prefix := ""
		if strings.HasPrefix(m[1], "id=") {
			prefix = "a" + strings.TrimPrefix(m[1], "id=")
		} else if i, _ := strconv.Atoi(m[1]); i < len(prefixes) {
			prefix = prefixes[i]
		}
		field := m[2]
		if field == "" {
			field = "present"
		}
		if prefix == "" {
			rest = append(rest, fe)
			continue
		}
		if byPrefix[prefix] == nil {
			byPrefix[prefix] = map[string]string{}
		}
		if _, dup := byPrefix[prefix][field]; !dup {
			byPrefix[prefix][field] = localizeField(p.Tr, field, fe.Message)
		}
	}
	// The typed values replace the stored ones.
	apply := func(v *answerView) {
		a, ok := typed[v.Prefix]
		if !ok {
			return
		}
		stored := risksurvey.Answer{ID: v.ID, QuestionKey: "", Present: a.Present, RiskID: a.RiskID, Title: a.Title, Category: a.Category,
			Cause: a.Cause, Consequence: a.Consequence, Controls: a.Controls, Likelihood: a.Likelihood, Impact: a.Impact, Note: a.Note, State: v.State}
		if !v.Added {
			stored.QuestionKey = "x"
		}
		nv := p.answerView(sc, stored, v.Prefix)
		nv.Question, nv.Hint, nv.Number, nv.Added = v.Question, v.Hint, v.Number, v.Added
		if !v.Added {
			nv.Category, nv.CategoryKey = v.Category, v.CategoryKey
		}
		nv.Editable, nv.Comment, nv.ReviewedBy, nv.ReviewedAt = v.Editable, v.Comment, v.ReviewedBy, v.ReviewedAt
		*v = nv
	}
	for i := range p.Answers {
		apply(&p.Answers[i])
		p.Answers[i].Errs = nonNilMap(byPrefix[p.Answers[i].Prefix])
	}
	for i := range p.Added {
		apply(&p.Added[i])
		p.Added[i].Errs = nonNilMap(byPrefix[p.Added[i].Prefix])
	}
	for _, prefix := range prefixes {
		if strings.HasPrefix(prefix, "n") {
			nv := p.answerView(sc, risksurvey.Answer{Present: risksurvey.Yes}, prefix)
			nv.Editable = true
			p.Added = append(p.Added, nv)
			apply(&p.Added[len(p.Added)-1])
			p.Added[len(p.Added)-1].Errs = nonNilMap(byPrefix[prefix])
		}
	}
	p.Other = append(p.Other, p.Tr.T("survey.err.see_answers"))
	if len(rest) > 0 {
		for _, fe := range rest {
			p.Other = append(p.Other, fieldLabel(p.Tr, fe.Field)+": "+localizeField(p.Tr, fe.Field, fe.Message))
		}
	}
	h.render(w, r, http.StatusUnprocessableEntity, "survey_sheet", p)
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// reviewTarget returns where the office goes back to after reviewing an
// answer: its sheet, at the answer.
func (h *handler) reviewTarget(ctx context.Context, answerID int64) string {
	a, err := h.d.Survey.Answer(ctx, answerID)
	if err != nil {
		return "/risk-surveys"
	}
	return "/risk-surveys/" + idString(a.CampaignID) + "/units/" + idString(a.UnitID) + "#answer-" + idString(answerID)
}

// acceptAnswer takes an answer into the register.
func (h *handler) acceptAnswer(w http.ResponseWriter, r *http.Request) {
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
	var acc risksurvey.Acceptance
	acc.Likelihood, _ = strconv.Atoi(r.PostFormValue("likelihood"))
	acc.Impact, _ = strconv.Atoi(r.PostFormValue("impact"))
	if n, err := strconv.Atoi(r.PostFormValue("predictability")); err == nil {
		acc.Predictability = &n
	}
	acc.Note = r.PostFormValue("note")
	target := h.reviewTarget(ctx, id)
	_, rk, err := h.d.Survey.Accept(ctx, id, acc)
	if err != nil {
		h.reviewFailed(w, r, target, err)
		return
	}
	h.flash(w, "ok", "survey.accepted_ok", rk.Title)
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// returnAnswer sends an answer back to the department with a comment.
func (h *handler) returnAnswer(w http.ResponseWriter, r *http.Request) {
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
	target := h.reviewTarget(ctx, id)
	if _, err := h.d.Survey.Return(ctx, id, r.PostFormValue("comment")); err != nil {
		h.reviewFailed(w, r, target, err)
		return
	}
	h.flash(w, "ok", "survey.returned_ok")
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// reviewFailed goes back to the sheet with what was wrong, or shows the
// error page for errors the office cannot correct there.
func (h *handler) reviewFailed(w http.ResponseWriter, r *http.Request, target string, err error) {
	code := errs.CodeOf(err)
	if code != errs.Invalid && code != errs.Conflict {
		h.fail(w, r, err)
		return
	}
	tr := h.trOf(r)
	err = localizeSurvey(tr, err)
	msg := localizeMessage(tr, err)
	if fs := errs.FieldsOf(err); len(fs) > 0 {
		msg = strings.Join(fieldList(tr, fs), "; ")
	}
	h.flash(w, "error", "survey.review_failed", msg)
	http.Redirect(w, r, target, http.StatusSeeOther)
}

package web

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
)

// templateListPage lists the survey checklists.
type templateListPage struct {
	Page
	Templates []templateRow
	CanManage bool
}

type templateRow struct {
	risksurvey.Template
	Name        string
	Description string
}

// listSurveyTemplates shows the checklists.
func (h *handler) listSurveyTemplates(w http.ResponseWriter, r *http.Request) {
	ts, err := h.d.Survey.Templates(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := templateListPage{Page: h.base(w, r, "survey.templates")}
	p.CanManage = p.principal.Any(authz.RiskManage)
	for _, t := range ts {
		p.Templates = append(p.Templates, templateRow{Template: t, Name: p.L(t.Name, t.NameEn), Description: p.L(t.Description, t.DescriptionEn)})
	}
	h.render(w, r, http.StatusOK, "survey_templates", p)
}

// questionRow is one question of the checklist form.
type questionRow struct {
	Key        string
	Category   string
	Text       string
	TextEn     string
	Hint       string
	HintEn     string
	Categories []option
	Errs       map[string]string
}

// Err returns the message for a sub-field of the row.
func (q questionRow) Err(field string) string { return q.Errs[field] }

// templateFormPage is the checklist form.
type templateFormPage struct {
	Page
	formState
	ID            int64
	Builtin       bool
	Name          string
	NameEn        string
	Description   string
	DescriptionEn string
	Questions     []questionRow
}

var templateFields = []string{"name", "name_en", "description", "description_en", "questions"}

func (p Page) questionRow(q risksurvey.Question) questionRow {
	return questionRow{Key: q.Key, Category: string(q.Category), Text: q.Text, TextEn: q.TextEn, Hint: q.Hint, HintEn: q.HintEn,
		Categories: categoryOptions(p, string(q.Category), p.Tr.T("common.choose")), Errs: map[string]string{}}
}

func (h *handler) templateForm(w http.ResponseWriter, r *http.Request, t risksurvey.Template) templateFormPage {
	title := "survey.template_new"
	if t.ID != 0 {
		title = "survey.template_edit"
	}
	p := templateFormPage{Page: h.base(w, r, title), ID: t.ID, Builtin: t.Builtin, Name: t.Name, NameEn: t.NameEn,
		Description: t.Description, DescriptionEn: t.DescriptionEn}
	for _, q := range t.Questions {
		p.Questions = append(p.Questions, p.questionRow(q))
	}
	p.Questions = append(p.Questions, p.questionRow(risksurvey.Question{}))
	return p
}

// newSurveyTemplate shows an empty checklist form, or a copy of the
// checklist ?from= to start from.
func (h *handler) newSurveyTemplate(w http.ResponseWriter, r *http.Request) {
	var t risksurvey.Template
	if id, ok := parseID(r.URL.Query().Get("from")); ok && id != 0 {
		from, err := h.d.Survey.Template(r.Context(), id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		p := h.base(w, r, "")
		t = risksurvey.Template{Name: from.Name + p.Tr.T("survey.copy_suffix"), NameEn: from.NameEn, Description: from.Description,
			DescriptionEn: from.DescriptionEn, Questions: from.Questions}
		if t.NameEn != "" {
			t.NameEn += " (copy)"
		}
	}
	h.render(w, r, http.StatusOK, "survey_template_form", h.templateForm(w, r, t))
}

// editSurveyTemplate shows the form of a checklist.
func (h *handler) editSurveyTemplate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	t, err := h.d.Survey.Template(r.Context(), id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "survey_template_form", h.templateForm(w, r, t))
}

// createSurveyTemplate stores a new checklist.
func (h *handler) createSurveyTemplate(w http.ResponseWriter, r *http.Request) {
	h.saveSurveyTemplate(w, r, 0)
}

// updateSurveyTemplate stores a checklist.
func (h *handler) updateSurveyTemplate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	h.saveSurveyTemplate(w, r, id)
}

var questionField = regexp.MustCompile(`^questions\[(\d+)\]\.(\w+)$`)

func (h *handler) saveSurveyTemplate(w http.ResponseWriter, r *http.Request, id int64) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pf := r.PostFormValue
	t := risksurvey.Template{ID: id, Name: pf("name"), NameEn: pf("name_en"), Description: pf("description"), DescriptionEn: pf("description_en")}
	at := func(name string, i int) string {
		if s := r.PostForm[name]; i < len(s) {
			return strings.TrimSpace(s[i])
		}
		return ""
	}
	var rowOf []int
	keys := r.PostForm["q_key"]
	var rows []risksurvey.Question
	for i := range keys {
		q := risksurvey.Question{Key: at("q_key", i), Category: risk.Category(at("q_category", i)), Text: at("q_text", i), TextEn: at("q_text_en", i),
			Hint: at("q_hint", i), HintEn: at("q_hint_en", i)}
		rows = append(rows, q)
		if q.Text == "" && q.TextEn == "" && q.Hint == "" && q.HintEn == "" {
			continue // a blank row
		}
		t.Questions = append(t.Questions, q)
		rowOf = append(rowOf, i)
	}
	saved, err := h.d.Survey.SaveTemplate(ctx, t)
	if err == nil {
		h.flash(w, "ok", "common.saved")
		http.Redirect(w, r, "/risk-survey-templates#template-"+idString(saved.ID), http.StatusSeeOther)
		return
	}
	if !errs.Is(err, errs.Invalid) {
		h.surveyFail(w, r, err)
		return
	}
	p := h.templateForm(w, r, risksurvey.Template{ID: id, Name: t.Name, NameEn: t.NameEn, Description: t.Description, DescriptionEn: t.DescriptionEn})
	p.Questions = nil
	for _, q := range rows {
		p.Questions = append(p.Questions, p.questionRow(q))
	}
	if len(p.Questions) == 0 {
		p.Questions = append(p.Questions, p.questionRow(risksurvey.Question{}))
	}
	err = localizeSurvey(p.Tr, err)
	var rest []errs.FieldError
	for _, fe := range errs.FieldsOf(err) {
		m := questionField.FindStringSubmatch(fe.Field)
		if m == nil {
			rest = append(rest, fe)
			continue
		}
		j, _ := strconv.Atoi(m[1])
		if j >= len(rowOf) {
			rest = append(rest, fe)
			continue
		}
		row := &p.Questions[rowOf[j]]
		if _, dup := row.Errs[m[2]]; !dup {
			row.Errs[m[2]] = localizeField(p.Tr, m[2], fe.Message)
		}
	}
	if len(rest) == 0 {
		p.add("questions", p.Tr.T("survey.err.see_questions"))
	} else if !p.setErr(p.Tr, withFields(err, rest), templateFields...) {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, "survey_template_form", p)
}

// deleteSurveyTemplate removes a checklist of your own.
func (h *handler) deleteSurveyTemplate(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if err := h.d.Survey.DeleteTemplate(r.Context(), id); err != nil {
		h.surveyFail(w, r, err)
		return
	}
	h.flash(w, "ok", "common.deleted")
	http.Redirect(w, r, "/risk-survey-templates", http.StatusSeeOther)
}

// questionRowFragment renders one more empty question row.
func (h *handler) questionRowFragment(w http.ResponseWriter, r *http.Request) {
	p := h.base(w, r, "")
	h.renderPartial(w, r, http.StatusOK, "survey_template_form", "question_row", map[string]any{"P": p, "Q": p.questionRow(risksurvey.Question{})})
}

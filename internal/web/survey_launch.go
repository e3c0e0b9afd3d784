package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
)

// unitChoice is one unit of the launch form's checklist of departments.
type unitChoice struct {
	ID      int64
	Name    string
	Depth   int
	Checked bool
}

// surveyLaunchPage is the form that launches a campaign.
type surveyLaunchPage struct {
	Page
	formState
	Form      risksurvey.Launch
	Templates []option
	Matrices  []option
	Units     []unitChoice
}

var surveyLaunchFields = []string{"title", "title_en", "description", "template_id", "matrix_id", "due", "unit_ids"}

func (h *handler) surveyLaunchPage(ctx context.Context, w http.ResponseWriter, r *http.Request, f risksurvey.Launch) (surveyLaunchPage, error) {
	p := surveyLaunchPage{Page: h.base(w, r, "survey.launch"), Form: f}
	ts, err := h.d.Survey.Templates(ctx)
	if err != nil {
		return p, err
	}
	p.Templates = []option{{Value: "", Label: p.Tr.T("common.choose")}}
	for _, t := range ts {
		p.Templates = append(p.Templates, option{Value: idString(t.ID), Label: p.L(t.Name, t.NameEn) + " (" + p.Tr.T("survey.n_questions", len(t.Questions)) + ")",
			Selected: t.ID == f.TemplateID})
	}
	ms, err := h.d.Risk.Matrices(ctx)
	if err != nil {
		return p, err
	}
	p.Matrices = matrixOptions(p.Page, ms, f.MatrixID)
	units, err := h.d.Org.Units(ctx)
	if err != nil {
		return p, err
	}
	chosen := map[int64]bool{}
	for _, id := range f.UnitIDs {
		chosen[id] = true
	}
	depth := unitDepths(units)
	for _, u := range units {
		p.Units = append(p.Units, unitChoice{ID: u.ID, Name: p.L(u.Name, u.NameEn), Depth: depth[u.ID], Checked: chosen[u.ID]})
	}
	return p, nil
}

// newSurvey shows the launch form: a checklist, the matrix, the due date
// and the departments.
func (h *handler) newSurvey(w http.ResponseWriter, r *http.Request) {
	f := risksurvey.Launch{MatrixID: "5x5", Due: h.d.Clock.Now().AddDate(0, 0, 14).Format("2006-01-02")}
	if id, ok := parseID(r.URL.Query().Get("template")); ok {
		f.TemplateID = id
	}
	p, err := h.surveyLaunchPage(r.Context(), w, r, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "survey_launch", p)
}

// launchSurvey launches the campaign and opens its page.
func (h *handler) launchSurvey(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.errorStatus(w, r, http.StatusBadRequest, "")
		return
	}
	pf := r.PostFormValue
	f := risksurvey.Launch{Title: pf("title"), TitleEn: pf("title_en"), Description: pf("description"), MatrixID: pf("matrix_id"),
		Due: strings.TrimSpace(pf("due"))}
	var v errs.Validation
	if id, ok := parseID(pf("template_id")); ok {
		f.TemplateID = id
	} else {
		v.Add("template_id", "no checklist with this id")
	}
	for _, s := range r.PostForm["unit_ids"] {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			v.Add("unit_ids", "no org unit with this id")
			continue
		}
		f.UnitIDs = append(f.UnitIDs, id)
	}
	err := v.Err()
	var c risksurvey.Campaign
	if err == nil {
		c, err = h.d.Survey.Launch(ctx, f)
	}
	if err != nil {
		p, perr := h.surveyLaunchPage(ctx, w, r, f)
		if perr != nil {
			h.fail(w, r, perr)
			return
		}
		// Errors of one unit show on the list of units.
		var fields []errs.FieldError
		for _, fe := range errs.FieldsOf(err) {
			if strings.HasPrefix(fe.Field, "unit_ids[") {
				fe.Field = "unit_ids"
			}
			fields = append(fields, fe)
		}
		if !p.setErr(p.Tr, localizeSurvey(p.Tr, withFields(err, fields)), surveyLaunchFields...) {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "survey_launch", p)
		return
	}
	h.flash(w, "ok", "survey.launched_ok")
	http.Redirect(w, r, "/risk-surveys/"+idString(c.ID), http.StatusSeeOther)
}

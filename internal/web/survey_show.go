package web

import (
	"net/http"
	"strconv"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
)

// progressRow is one department of a campaign.
type progressRow struct {
	risksurvey.Progress
	Name      string
	CanAnswer bool
}

// surveyPage is one campaign with the progress of each department.
type surveyPage struct {
	Page
	Campaign  risksurvey.Campaign
	Name      string
	Counts    risksurvey.Counts
	Template  string
	Matrix    string
	Units     []progressRow
	Questions []questionView
	CanManage bool
	Open      bool
}

// questionView is a checklist question in the page language.
type questionView struct {
	Key      string
	Category string
	Text     string
	Hint     string
}

func (p Page) questionView(q risksurvey.Question) questionView {
	return questionView{Key: q.Key, Category: p.RiskCategory(q.Category), Text: p.L(q.Text, q.TextEn), Hint: p.L(q.Hint, q.HintEn)}
}

// showSurvey shows a campaign: its checklist, due date and where each
// department stands; the office reminds late departments and closes it.
func (h *handler) showSurvey(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	c, err := h.d.Survey.Campaign(ctx, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p := surveyPage{Page: h.base(w, r, ""), Campaign: c, Counts: c.Counts(), Open: c.Status == risksurvey.Open}
	p.Name = p.L(c.Title, c.TitleEn)
	p.Title = p.Name
	p.CanManage = p.principal.Any(authz.RiskManage)
	if c.TemplateID != nil {
		if t, err := h.d.Survey.Template(ctx, *c.TemplateID); err == nil {
			p.Template = p.L(t.Name, t.NameEn)
		}
	}
	p.Matrix = c.MatrixID
	if m, err := h.d.Risk.Matrix(ctx, c.MatrixID); err == nil {
		p.Matrix = p.L(m.Name, m.NameEn)
	}
	names := h.surveyUnitNames(r, p.Page)
	for _, u := range c.Units {
		name := names[u.UnitID]
		if name == "" {
			name = p.L(u.UnitName, u.UnitNameEn)
		}
		p.Units = append(p.Units, progressRow{Progress: u, Name: name,
			CanAnswer: p.Open && u.Status.Answerable() && p.principal.On(authz.RiskWrite, u.UnitPath)})
	}
	for _, q := range c.Questions {
		p.Questions = append(p.Questions, p.questionView(q))
	}
	h.render(w, r, http.StatusOK, "survey", p)
}

// closeSurvey closes a campaign to answers.
func (h *handler) closeSurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	if _, err := h.d.Survey.Close(r.Context(), id); err != nil {
		h.surveyFail(w, r, err)
		return
	}
	h.flash(w, "ok", "survey.closed_ok")
	http.Redirect(w, r, "/risk-surveys/"+idString(id), http.StatusSeeOther)
}

// remindSurvey reminds the late departments of a campaign now (at most
// once a day each).
func (h *handler) remindSurvey(w http.ResponseWriter, r *http.Request) {
	id, ok := pathID(r, "id")
	if !ok {
		h.errorStatus(w, r, http.StatusNotFound, "")
		return
	}
	res, err := h.d.Survey.RemindLate(r.Context(), id)
	if err != nil {
		h.surveyFail(w, r, err)
		return
	}
	switch {
	case res.Sent > 0:
		h.flash(w, "ok", "survey.reminded", strconv.Itoa(res.Sent))
	case res.AlreadySent > 0:
		h.flash(w, "info", "survey.reminded_today")
	case len(res.NoRecipients) > 0:
		h.flash(w, "warn", "survey.no_recipients", strconv.Itoa(len(res.NoRecipients)))
	default:
		h.flash(w, "info", "survey.nobody_late")
	}
	http.Redirect(w, r, "/risk-surveys/"+idString(id), http.StatusSeeOther)
}

package risksurvey

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Service runs risk survey campaigns. Accepted answers go into the
// register through the risk service, in the same transaction.
type Service struct {
	store    Store
	tx       tx.Runner
	audit    *audit.Log
	clock    clock.Clock
	risks    *risk.Service
	notifier Notifier
}

// NewService returns the survey service.
func NewService(s Store, t tx.Runner, a *audit.Log, c clock.Clock, risks *risk.Service) *Service {
	return &Service{store: s, tx: t, audit: a, clock: c, risks: risks}
}

// SetNotifier sets where reminders go; without one, RemindLate fails.
func (s *Service) SetNotifier(n Notifier) { s.notifier = n }

// Today is the calendar day of the service's clock, as due dates are
// written.
func (s *Service) Today() string { return s.clock.Now().UTC().Format(risk.DateLayout) }

// ---- templates ----

// Templates lists the checklists, built-in ones first.
func (s *Service) Templates(ctx context.Context) ([]Template, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return nil, err
	}
	return s.store.ListSurveyTemplates(ctx)
}

// Template returns one checklist.
func (s *Service) Template(ctx context.Context, id int64) (Template, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return Template{}, err
	}
	return s.store.SurveyTemplateByID(ctx, id)
}

// SaveTemplate creates (ID 0) or updates a checklist. Campaigns keep the
// questions they were launched with, so editing a checklist changes only
// the campaigns launched after.
func (s *Service) SaveTemplate(ctx context.Context, t Template) (Template, error) {
	if err := authz.Require(ctx, authz.RiskManage); err != nil {
		return Template{}, err
	}
	if err := t.Validate(); err != nil {
		return Template{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		now := s.clock.Now().UTC()
		t.UpdatedAt = now
		if t.ID == 0 {
			t.Code, t.Builtin, t.CreatedAt = "", false, now
			if err := s.store.CreateSurveyTemplate(ctx, &t); err != nil {
				return err
			}
			return s.audit.Record(ctx, "risk_survey_template.create", "risk_survey_template", t.ID, nil, t)
		}
		before, err := s.store.SurveyTemplateByID(ctx, t.ID)
		if err != nil {
			return err
		}
		t.Code, t.Builtin, t.CreatedAt = before.Code, before.Builtin, before.CreatedAt
		if err := s.store.UpdateSurveyTemplate(ctx, &t); err != nil {
			return err
		}
		return s.audit.Record(ctx, "risk_survey_template.update", "risk_survey_template", t.ID, before, t)
	})
	return t, err
}

// DeleteTemplate removes a checklist of your own; built-in checklists stay.
// Campaigns launched with it keep their questions.
func (s *Service) DeleteTemplate(ctx context.Context, id int64) error {
	if err := authz.Require(ctx, authz.RiskManage); err != nil {
		return err
	}
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		before, err := s.store.SurveyTemplateByID(ctx, id)
		if err != nil {
			return err
		}
		if before.Builtin {
			return errs.New(errs.Conflict, "a built-in checklist cannot be deleted; edit it or make your own")
		}
		if err := s.store.DeleteSurveyTemplate(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "risk_survey_template.delete", "risk_survey_template", id, before, nil)
	})
}

// ---- campaigns ----

// Launch is what the office fills in to launch a campaign.
type Launch struct {
	Title       string  `json:"title" maxLength:"300"`
	TitleEn     string  `json:"title_en,omitempty" maxLength:"300"`
	Description string  `json:"description,omitempty" maxLength:"4000" doc:"instructions to the departments"`
	TemplateID  int64   `json:"template_id" doc:"the checklist"`
	MatrixID    string  `json:"matrix_id" doc:"the matrix departments propose likelihood and impact on"`
	Due         string  `json:"due" doc:"due date, YYYY-MM-DD, not before today"`
	UnitIDs     []int64 `json:"unit_ids" maxItems:"1000" doc:"the departments that answer"`
}

// Launch starts a campaign: it copies the checklist's questions and opens
// an answer sheet for every unit. It needs risk.manage.
func (s *Service) Launch(ctx context.Context, in Launch) (Campaign, error) {
	if err := authz.Require(ctx, authz.RiskManage); err != nil {
		return Campaign{}, err
	}
	var v errs.Validation
	in.Title = strings.TrimSpace(in.Title)
	in.TitleEn = strings.TrimSpace(in.TitleEn)
	in.Description = strings.TrimSpace(in.Description)
	in.Due = strings.TrimSpace(in.Due)
	v.Required("title", in.Title)
	v.MaxLen("title", in.Title, 300)
	v.MaxLen("title_en", in.TitleEn, 300)
	v.MaxLen("description", in.Description, 4000)
	if in.Due == "" {
		v.Add("due", "is required")
	} else if _, err := time.Parse(risk.DateLayout, in.Due); err != nil {
		v.Add("due", "must be a date as YYYY-MM-DD")
	} else if in.Due < s.Today() {
		v.Add("due", "must not be in the past")
	}
	v.Check(in.TemplateID > 0, "template_id", "is required")
	v.Check(in.MatrixID != "", "matrix_id", "is required")
	if len(in.UnitIDs) == 0 {
		v.Add("unit_ids", "choose at least one unit")
	}
	v.Check(len(in.UnitIDs) <= 1000, "unit_ids", "at most 1000 units")
	if err := v.Err(); err != nil {
		return Campaign{}, err
	}
	var c Campaign
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		t, err := s.store.SurveyTemplateByID(ctx, in.TemplateID)
		if errs.Is(err, errs.NotFound) {
			v.Add("template_id", "no checklist with this id")
		} else if err != nil {
			return err
		}
		if _, err := s.risks.Matrix(ctx, in.MatrixID); errs.Is(err, errs.NotFound) {
			v.Add("matrix_id", "no matrix %q", in.MatrixID)
		} else if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for i, id := range in.UnitIDs {
			f := "unit_ids[" + strconv.Itoa(i) + "]"
			if seen[id] {
				v.Add(f, "is listed twice")
				continue
			}
			seen[id] = true
			if _, err := s.store.UnitByID(ctx, id); errs.Is(err, errs.NotFound) {
				v.Add(f, "no org unit with this id")
			} else if err != nil {
				return err
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		now := s.clock.Now().UTC()
		p, _ := authz.From(ctx)
		tid := t.ID
		c = Campaign{Title: in.Title, TitleEn: in.TitleEn, Description: in.Description, TemplateID: &tid, Questions: t.Questions,
			MatrixID: in.MatrixID, Due: in.Due, Status: Open, CreatedBy: p.UserID, CreatedByName: p.Name, CreatedAt: now}
		if err := s.store.CreateRiskSurvey(ctx, &c); err != nil {
			return err
		}
		for _, uid := range in.UnitIDs {
			if err := s.store.AddRiskSurveySheet(ctx, c.ID, uid, now); err != nil {
				return err
			}
			for i, q := range c.Questions {
				a := Answer{CampaignID: c.ID, UnitID: uid, QuestionKey: q.Key, Position: i, Category: q.Category, State: StateDraft}
				if err := s.store.CreateRiskSurveyAnswer(ctx, &a); err != nil {
					return err
				}
			}
		}
		summary := struct {
			Campaign
			UnitIDs []int64 `json:"unit_ids"`
		}{c, in.UnitIDs}
		return s.audit.Record(ctx, "risk_survey.launch", "risk_survey", c.ID, nil, summary)
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Campaign(ctx, c.ID)
}

// Campaign returns a campaign with the progress of each department.
func (s *Service) Campaign(ctx context.Context, id int64) (Campaign, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return Campaign{}, err
	}
	c, err := s.store.RiskSurveyByID(ctx, id)
	if err != nil {
		return Campaign{}, err
	}
	return c, s.fillProgress(ctx, &c)
}

func (s *Service) fillProgress(ctx context.Context, c *Campaign) error {
	ps, err := s.store.RiskSurveyProgress(ctx, c.ID)
	if err != nil {
		return err
	}
	today := s.Today()
	for i := range ps {
		ps[i].Questions = len(c.Questions)
		ps[i].Late = c.Status == Open && c.Due < today && ps[i].Status.Answerable()
	}
	c.Units = ps
	return nil
}

// Campaigns lists the campaigns, newest first, with their progress.
func (s *Service) Campaigns(ctx context.Context) ([]Campaign, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return nil, err
	}
	cs, err := s.store.ListRiskSurveys(ctx)
	if err != nil {
		return nil, err
	}
	for i := range cs {
		if err := s.fillProgress(ctx, &cs[i]); err != nil {
			return nil, err
		}
	}
	return cs, nil
}

// Close ends a campaign: no more answers. Answers already submitted can
// still be reviewed.
func (s *Service) Close(ctx context.Context, id int64) (Campaign, error) {
	if err := authz.Require(ctx, authz.RiskManage); err != nil {
		return Campaign{}, err
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		c, err := s.store.RiskSurveyByID(ctx, id)
		if err != nil {
			return err
		}
		if c.Status == Closed {
			return errs.New(errs.Conflict, "the campaign is already closed")
		}
		now := s.clock.Now().UTC()
		if err := s.store.SetRiskSurveyStatus(ctx, id, Closed, &now); err != nil {
			return err
		}
		return s.audit.Record(ctx, "risk_survey.close", "risk_survey", id, map[string]Status{"status": c.Status}, map[string]Status{"status": Closed})
	})
	if err != nil {
		return Campaign{}, err
	}
	return s.Campaign(ctx, id)
}

// ---- answering ----

// Sheet returns a department's answer sheet.
func (s *Service) Sheet(ctx context.Context, campaignID, unitID int64) (Sheet, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return Sheet{}, err
	}
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return Sheet{}, err
	}
	sh := Sheet{Campaign: c}
	i := slices.IndexFunc(c.Units, func(p Progress) bool { return p.UnitID == unitID })
	if i < 0 {
		return Sheet{}, errs.New(errs.NotFound, "the unit is not part of this campaign")
	}
	sh.Progress = c.Units[i]
	if sh.Answers, err = s.store.RiskSurveyAnswers(ctx, campaignID, unitID); err != nil {
		return Sheet{}, err
	}
	return sh, nil
}

// Answer returns one answer.
func (s *Service) Answer(ctx context.Context, id int64) (Answer, error) {
	if err := authz.Require(ctx, authz.RiskRead); err != nil {
		return Answer{}, err
	}
	return s.store.RiskSurveyAnswerByID(ctx, id)
}

// AnswerInput is one answer as a department writes it: ID of a stored
// answer (a checklist question or a risk added before), or 0 for a new
// added risk.
type AnswerInput struct {
	ID          int64         `json:"id,omitempty" doc:"the stored answer; 0 adds a risk the checklist does not name"`
	Present     Presence      `json:"present,omitempty" enum:"yes,no," doc:"is the hazard present? yes, no, or empty while undecided"`
	RiskID      *int64        `json:"risk_id,omitempty" nullable:"true" doc:"an existing risk of the unit this answer confirms or updates"`
	Title       string        `json:"title,omitempty" maxLength:"300"`
	Category    risk.Category `json:"category,omitempty" doc:"default: the question's category"`
	Cause       string        `json:"cause,omitempty" maxLength:"4000"`
	Consequence string        `json:"consequence,omitempty" maxLength:"4000"`
	Controls    string        `json:"controls,omitempty" maxLength:"4000"`
	Likelihood  int           `json:"likelihood,omitempty" minimum:"0" doc:"proposed, on the campaign's matrix"`
	Impact      int           `json:"impact,omitempty" minimum:"0" doc:"proposed, on the campaign's matrix"`
	Note        string        `json:"note,omitempty" maxLength:"4000"`
}

// SaveSheet stores a department's answers (as a draft, or submitted for
// review). It needs risk.write on the unit. Answers already accepted
// cannot change; added risks left out of answers are removed. On submit
// every question must be answered, and every reported risk must have a
// title and a proposed likelihood and impact. Field errors name the
// answer: "answers[3].likelihood".
func (s *Service) SaveSheet(ctx context.Context, campaignID, unitID int64, answers []AnswerInput, submit bool) (Sheet, error) {
	if len(answers) > MaxQuestions*2 {
		return Sheet{}, errs.Field("answers", "at most %d answers", MaxQuestions*2)
	}
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		u, err := s.store.UnitByID(ctx, unitID)
		if err != nil {
			return err
		}
		if err := authz.RequireOn(ctx, authz.RiskWrite, u.Path); err != nil {
			return err
		}
		sh, err := s.Sheet(ctx, campaignID, unitID)
		if err != nil {
			return err
		}
		if sh.Campaign.Status != Open {
			return errs.New(errs.Conflict, "the campaign is closed")
		}
		if !sh.Progress.Status.Answerable() {
			return errs.New(errs.Conflict, "the answers were submitted and wait for the office's review")
		}
		m, err := s.risks.Matrix(ctx, sh.Campaign.MatrixID)
		if err != nil {
			return err
		}
		questions := map[string]Question{}
		for _, q := range sh.Campaign.Questions {
			questions[q.Key] = q
		}
		stored := map[int64]*Answer{}
		for i := range sh.Answers {
			stored[sh.Answers[i].ID] = &sh.Answers[i]
		}
		// Answers the office accepted are settled; on a returned sheet,
		// answers still waiting for review are locked too: only the
		// returned ones (and added risks) change.
		locked := func(a *Answer) bool {
			return a.State == StateAccepted || (sh.Progress.Status == Returned && a.State == StateSubmitted)
		}
		var v errs.Validation
		given := map[int64]bool{}
		var out []*Answer
		pos := len(sh.Campaign.Questions)
		for i, in := range answers {
			f := "answers[" + strconv.Itoa(i) + "]"
			var a *Answer
			if in.ID != 0 {
				a = stored[in.ID]
				if a == nil {
					v.Add(f+".id", "no answer %d on this sheet", in.ID)
					continue
				}
				if given[in.ID] {
					v.Add(f+".id", "is listed twice")
					continue
				}
				given[in.ID] = true
				if locked(a) {
					if changed(a, in) && a.State == StateAccepted {
						v.Add(f, "was accepted into the register and cannot change")
					} else if changed(a, in) {
						v.Add(f, "is waiting for the office's review and cannot change")
					}
					continue
				}
			} else {
				a = &Answer{CampaignID: campaignID, UnitID: unitID, State: StateDraft}
				in.Present = Yes
			}
			if err := s.fill(ctx, a, in, questions, &m, u, submit); errs.Is(err, errs.Invalid) {
				v.Merge(f, err)
				continue
			} else if err != nil {
				return err
			}
			out = append(out, a)
		}
		// Checklist answers not given keep their stored values, and are
		// checked like the others on submit.
		for i := range sh.Answers {
			a := &sh.Answers[i]
			if given[a.ID] || locked(a) {
				continue
			}
			if a.QuestionKey == "" {
				continue // an added risk left out: removed below
			}
			if submit {
				if err := checkComplete(a, &m); err != nil {
					v.Merge(fmt.Sprintf("answers[id=%d]", a.ID), err)
				}
			}
		}
		if err := v.Err(); err != nil {
			return err
		}
		for i := range sh.Answers {
			a := &sh.Answers[i]
			if a.QuestionKey == "" && !given[a.ID] && !locked(a) {
				if err := s.store.DeleteRiskSurveyAnswer(ctx, a.ID); err != nil {
					return err
				}
			}
		}
		for _, a := range out {
			if a.ID == 0 {
				a.Position = pos
				pos++
				if err := s.store.CreateRiskSurveyAnswer(ctx, a); err != nil {
					return err
				}
			}
		}
		// On submit, every unsettled answer goes to review; answers of
		// "no" need no review but count as submitted.
		all, err := s.store.RiskSurveyAnswers(ctx, campaignID, unitID)
		if err != nil {
			return err
		}
		byID := map[int64]*Answer{}
		for _, a := range out {
			byID[a.ID] = a
		}
		for i := range all {
			a := &all[i]
			if upd, ok := byID[a.ID]; ok {
				a = upd
			} else if locked(a) {
				continue
			}
			if a.State == StateAccepted {
				continue
			}
			if submit {
				a.State = StateSubmitted
			}
			if err := s.store.UpdateRiskSurveyAnswer(ctx, a); err != nil {
				return err
			}
		}
		now := s.clock.Now().UTC()
		status, at, by := Draft, (*time.Time)(nil), ""
		if sh.Progress.Status == Returned && !submit {
			status = Returned
		}
		if submit {
			p, _ := authz.From(ctx)
			status, at, by = Submitted, &now, p.Name
			if err := s.settle(ctx, campaignID, unitID, &status); err != nil {
				return err
			}
		}
		if err := s.store.SetRiskSurveySheetStatus(ctx, campaignID, unitID, status, at, by, now); err != nil {
			return err
		}
		action := "risk_survey.save"
		if submit {
			action = "risk_survey.submit"
		}
		return s.audit.Record(ctx, action, "risk_survey", campaignID, nil, map[string]any{"unit_id": unitID, "answers": answers})
	})
	if err != nil {
		return Sheet{}, err
	}
	return s.Sheet(ctx, campaignID, unitID)
}

// changed reports whether an input would change an accepted answer.
func changed(a *Answer, in AnswerInput) bool {
	return (in.Present != "" && in.Present != a.Present) || strings.TrimSpace(in.Title) != a.Title ||
		(in.Category != "" && in.Category != a.Category) || strings.TrimSpace(in.Controls) != a.Controls ||
		in.Likelihood != a.Likelihood || in.Impact != a.Impact
}

// fill copies an input into an answer and checks it.
func (s *Service) fill(ctx context.Context, a *Answer, in AnswerInput, questions map[string]Question, m *risk.Matrix, u org.Unit, submit bool) error {
	var v errs.Validation
	if a.QuestionKey == "" {
		in.Present = Yes
	}
	if in.Present != Unanswered && in.Present != Yes && in.Present != No {
		v.Add("present", "must be yes or no")
	}
	a.Present = in.Present
	a.Title = strings.TrimSpace(in.Title)
	a.Cause = strings.TrimSpace(in.Cause)
	a.Consequence = strings.TrimSpace(in.Consequence)
	a.Controls = strings.TrimSpace(in.Controls)
	a.Note = strings.TrimSpace(in.Note)
	a.Likelihood, a.Impact = in.Likelihood, in.Impact
	a.Category = in.Category
	if a.Category == "" {
		a.Category = questions[a.QuestionKey].Category
	}
	if a.Category == "" && a.QuestionKey == "" {
		v.Add("category", "is required")
	} else if !a.Category.Valid() {
		v.Add("category", "must be one of the risk categories")
	}
	v.MaxLen("title", a.Title, 300)
	v.MaxLen("cause", a.Cause, 4000)
	v.MaxLen("consequence", a.Consequence, 4000)
	v.MaxLen("controls", a.Controls, 4000)
	v.MaxLen("note", a.Note, 4000)
	if a.Likelihood != 0 && (a.Likelihood < 1 || a.Likelihood > len(m.Likelihood)) {
		v.Add("likelihood", "must be between 1 and %d on matrix %s", len(m.Likelihood), m.ID)
	}
	if a.Impact != 0 && (a.Impact < 1 || a.Impact > len(m.Impact)) {
		v.Add("impact", "must be between 1 and %d on matrix %s", len(m.Impact), m.ID)
	}
	a.RiskID = nil
	if in.RiskID != nil && *in.RiskID != 0 {
		r, err := s.risks.Risk(ctx, *in.RiskID)
		if errs.Is(err, errs.NotFound) {
			v.Add("risk_id", "no risk with id %d", *in.RiskID)
		} else if err != nil {
			return err
		} else if r.UnitID != u.ID {
			v.Add("risk_id", "is a risk of another unit")
		} else {
			id := r.ID
			a.RiskID = &id
		}
	}
	if err := v.Err(); err != nil {
		return err
	}
	if submit {
		return checkComplete(a, m)
	}
	return nil
}

// checkComplete checks that an answer can be submitted.
func checkComplete(a *Answer, m *risk.Matrix) error {
	var v errs.Validation
	switch a.Present {
	case Unanswered:
		v.Add("present", "answer yes or no before submitting")
	case Yes:
		if a.RiskID == nil {
			v.Required("title", a.Title)
		}
		if a.Likelihood < 1 || a.Likelihood > len(m.Likelihood) {
			v.Add("likelihood", "must be between 1 and %d on matrix %s", len(m.Likelihood), m.ID)
		}
		if a.Impact < 1 || a.Impact > len(m.Impact) {
			v.Add("impact", "must be between 1 and %d on matrix %s", len(m.Impact), m.ID)
		}
	}
	return v.Err()
}

// settle moves a sheet to completed when nothing is left to review.
func (s *Service) settle(ctx context.Context, campaignID, unitID int64, status *SheetStatus) error {
	all, err := s.store.RiskSurveyAnswers(ctx, campaignID, unitID)
	if err != nil {
		return err
	}
	pending, returned := 0, 0
	for _, a := range all {
		if !a.NeedsReview() {
			continue
		}
		switch a.State {
		case StateSubmitted, StateDraft:
			pending++
		case StateReturned:
			returned++
		}
	}
	// An answer returned puts the sheet back to the department, even
	// while others wait for review: the department corrects it meanwhile.
	switch {
	case returned > 0:
		*status = Returned
	case pending > 0:
		*status = Submitted
	default:
		*status = Completed
	}
	return nil
}

// ---- review ----

// Acceptance is the office's rating when it accepts an answer: by default
// the department's proposal.
type Acceptance struct {
	Likelihood     int    `json:"likelihood,omitempty" minimum:"0" doc:"default: the proposed likelihood"`
	Impact         int    `json:"impact,omitempty" minimum:"0" doc:"default: the proposed impact"`
	Predictability *int   `json:"predictability,omitempty" nullable:"true" doc:"1 hard to foresee, 2 foreseeable with warning signs, 3 well foreseeable"`
	Note           string `json:"note,omitempty" maxLength:"4000"`
}

// Accept takes a submitted answer into the register, in one transaction:
// it creates the risk (or updates the risk the answer names with the
// controls, cause and consequence given) and records an inherent
// assessment on the campaign's matrix. It needs risk.manage.
func (s *Service) Accept(ctx context.Context, answerID int64, acc Acceptance) (Answer, risk.Risk, error) {
	if err := authz.Require(ctx, authz.RiskManage); err != nil {
		return Answer{}, risk.Risk{}, err
	}
	var a Answer
	var r risk.Risk
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		var err error
		if a, err = s.store.RiskSurveyAnswerByID(ctx, answerID); err != nil {
			return err
		}
		if a.State != StateSubmitted || !a.NeedsReview() {
			return errs.New(errs.Conflict, "only a submitted answer that reports a risk can be accepted")
		}
		c, err := s.store.RiskSurveyByID(ctx, a.CampaignID)
		if err != nil {
			return err
		}
		if acc.Likelihood == 0 {
			acc.Likelihood = a.Likelihood
		}
		if acc.Impact == 0 {
			acc.Impact = a.Impact
		}
		if a.RiskID != nil {
			if r, err = s.risks.Risk(ctx, *a.RiskID); errs.Is(err, errs.NotFound) {
				return errs.Field("risk_id", "the risk %d the answer names was deleted", *a.RiskID)
			} else if err != nil {
				return err
			}
			if a.Title != "" && r.Title == "" {
				r.Title = a.Title
			}
			if a.Controls != "" {
				r.Controls = a.Controls
			}
			if a.Cause != "" {
				r.Cause = a.Cause
			}
			if a.Consequence != "" {
				r.Consequence = a.Consequence
			}
		} else {
			r = risk.Risk{Title: a.Title, Category: a.Category, Cause: a.Cause, Consequence: a.Consequence, Controls: a.Controls,
				UnitID: a.UnitID, Status: risk.StatusOpen}
		}
		if r, err = s.risks.SaveRisk(ctx, r); err != nil {
			return err
		}
		note := strings.TrimSpace(acc.Note)
		if note == "" {
			note = "风险排查 " + c.Title
		}
		if _, err := s.risks.Assess(ctx, risk.Assessment{RiskID: r.ID, MatrixID: c.MatrixID, Kind: risk.Inherent,
			Likelihood: acc.Likelihood, Impact: acc.Impact, Predictability: acc.Predictability, Note: note}); err != nil {
			return err
		}
		if r, err = s.risks.Risk(ctx, r.ID); err != nil {
			return err
		}
		p, _ := authz.From(ctx)
		now := s.clock.Now().UTC()
		rid := r.ID
		a.State, a.ReviewedBy, a.ReviewedAt, a.AcceptedRiskID, a.ReviewComment = StateAccepted, p.Name, &now, &rid, ""
		if err := s.store.UpdateRiskSurveyAnswer(ctx, &a); err != nil {
			return err
		}
		if err := s.afterReview(ctx, a, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, "risk_survey.accept", "risk_survey", a.CampaignID, nil,
			map[string]any{"answer_id": a.ID, "unit_id": a.UnitID, "risk_id": r.ID, "likelihood": acc.Likelihood, "impact": acc.Impact})
	})
	return a, r, err
}

// Return sends a submitted answer back to the department with a comment;
// the department corrects it and submits again. It needs risk.manage.
func (s *Service) Return(ctx context.Context, answerID int64, comment string) (Answer, error) {
	if err := authz.Require(ctx, authz.RiskManage); err != nil {
		return Answer{}, err
	}
	comment = strings.TrimSpace(comment)
	if comment == "" {
		return Answer{}, errs.Field("comment", "is required: say what to correct")
	}
	if len([]rune(comment)) > 2000 {
		return Answer{}, errs.Field("comment", "at most 2000 characters")
	}
	var a Answer
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		var err error
		if a, err = s.store.RiskSurveyAnswerByID(ctx, answerID); err != nil {
			return err
		}
		if a.State != StateSubmitted || !a.NeedsReview() {
			return errs.New(errs.Conflict, "only a submitted answer that reports a risk can be returned")
		}
		c, err := s.store.RiskSurveyByID(ctx, a.CampaignID)
		if err != nil {
			return err
		}
		if c.Status != Open {
			return errs.New(errs.Conflict, "the campaign is closed: accept the answer or leave it")
		}
		p, _ := authz.From(ctx)
		now := s.clock.Now().UTC()
		a.State, a.ReviewComment, a.ReviewedBy, a.ReviewedAt = StateReturned, comment, p.Name, &now
		if err := s.store.UpdateRiskSurveyAnswer(ctx, &a); err != nil {
			return err
		}
		if err := s.afterReview(ctx, a, now); err != nil {
			return err
		}
		return s.audit.Record(ctx, "risk_survey.return", "risk_survey", a.CampaignID, nil,
			map[string]any{"answer_id": a.ID, "unit_id": a.UnitID, "comment": comment})
	})
	return a, err
}

// afterReview updates the sheet's status once an answer is reviewed.
func (s *Service) afterReview(ctx context.Context, a Answer, now time.Time) error {
	ps, err := s.store.RiskSurveyProgress(ctx, a.CampaignID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(ps, func(p Progress) bool { return p.UnitID == a.UnitID })
	if i < 0 {
		return errs.New(errs.NotFound, "the unit is not part of this campaign")
	}
	status := ps[i].Status
	if err := s.settle(ctx, a.CampaignID, a.UnitID, &status); err != nil {
		return err
	}
	if status == ps[i].Status {
		return nil
	}
	return s.store.SetRiskSurveySheetStatus(ctx, a.CampaignID, a.UnitID, status, ps[i].SubmittedAt, ps[i].SubmittedBy, now)
}

// ---- reminders ----

// respondentRoles are the roles whose holders on a unit answer its
// surveys: those that may write risks.
func respondentRoles() []authz.Role {
	var out []authz.Role
	for _, r := range authz.Roles {
		if r.Has(authz.RiskWrite) {
			out = append(out, r)
		}
	}
	return out
}

// RemindResult counts what a reminder round did.
type RemindResult struct {
	Sent         int     `json:"sent" doc:"reminders sent now"`
	AlreadySent  int     `json:"already_sent" doc:"late units already reminded today"`
	NoRecipients []int64 `json:"no_recipients" doc:"late units with nobody to remind (no account with risk.write granted on the unit)"`
}

// RemindLate reminds the departments that are late (past the due date of
// an open campaign, answers not submitted) through the notification
// service: at most once a day per campaign and unit, however often it
// runs. campaignID 0 covers every open campaign. It needs risk.manage
// (background jobs act as the system).
func (s *Service) RemindLate(ctx context.Context, campaignID int64) (RemindResult, error) {
	res := RemindResult{NoRecipients: []int64{}}
	if err := authz.Require(ctx, authz.RiskManage); err != nil {
		return res, err
	}
	if s.notifier == nil {
		return res, errs.New(errs.Internal, "no notification service for reminders")
	}
	var cs []Campaign
	if campaignID != 0 {
		c, err := s.Campaign(ctx, campaignID)
		if err != nil {
			return res, err
		}
		cs = []Campaign{c}
	} else {
		var err error
		if cs, err = s.Campaigns(ctx); err != nil {
			return res, err
		}
	}
	today := s.Today()
	roles := respondentRoles()
	for _, c := range cs {
		for _, p := range c.Units {
			if !p.Late {
				continue
			}
			err := s.tx.InTx(ctx, func(ctx context.Context) error {
				u, err := s.store.UnitByID(ctx, p.UnitID)
				if err != nil {
					return err
				}
				to, err := s.store.RiskSurveyRespondents(ctx, u.ID, roles)
				if err != nil {
					return err
				}
				if len(to) == 0 {
					res.NoRecipients = append(res.NoRecipients, u.ID)
					return nil
				}
				sent, err := s.notifier.Remind(ctx, Reminder{Campaign: c, Unit: u, Day: today, Recipients: to})
				if err != nil {
					return err
				}
				if !sent {
					res.AlreadySent++
					return nil
				}
				res.Sent++
				return s.store.SetRiskSurveyReminded(ctx, c.ID, u.ID, today)
			})
			if err != nil {
				return res, fmt.Errorf("remind unit %d of survey %d: %w", p.UnitID, c.ID, err)
			}
		}
	}
	return res, nil
}

package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
)

// ---- checklists ----

const surveyTemplateCols = "id, code, name, name_en, description, description_en, questions, builtin, created_at, updated_at"

func scanSurveyTemplate(sc scanner) (risksurvey.Template, error) {
	var t risksurvey.Template
	var qs []byte
	if err := sc.Scan(&t.ID, &t.Code, &t.Name, &t.NameEn, &t.Description, &t.DescriptionEn, &qs, &t.Builtin, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return t, err
	}
	t.CreatedAt, t.UpdatedAt = t.CreatedAt.UTC(), t.UpdatedAt.UTC()
	t.Questions = []risksurvey.Question{}
	if err := json.Unmarshal(qs, &t.Questions); err != nil {
		return t, fmt.Errorf("survey checklist %d: stored questions: %w", t.ID, err)
	}
	return t, nil
}

func questionsJSON(qs []risksurvey.Question) (string, error) {
	if qs == nil {
		qs = []risksurvey.Question{}
	}
	return jsonText(qs)
}

// ListSurveyTemplates returns the checklists, built-in ones first.
func (db *DB) ListSurveyTemplates(ctx context.Context) ([]risksurvey.Template, error) {
	return queryAll(ctx, db, scanSurveyTemplate, "SELECT "+surveyTemplateCols+" FROM risk_survey_templates ORDER BY builtin DESC, id")
}

// SurveyTemplateByID returns one checklist.
func (db *DB) SurveyTemplateByID(ctx context.Context, id int64) (risksurvey.Template, error) {
	t, err := scanSurveyTemplate(db.queryRow(ctx, "SELECT "+surveyTemplateCols+" FROM risk_survey_templates WHERE id = ?", id))
	return t, notFound(err, "survey checklist")
}

// CreateSurveyTemplate stores a new checklist.
func (db *DB) CreateSurveyTemplate(ctx context.Context, t *risksurvey.Template) error {
	qs, err := questionsJSON(t.Questions)
	if err != nil {
		return err
	}
	id, err := db.insert(ctx, `INSERT INTO risk_survey_templates (code, name, name_en, description, description_en, questions, builtin, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, t.Code, t.Name, t.NameEn, t.Description, t.DescriptionEn, qs, t.Builtin, t.CreatedAt.UTC(), t.UpdatedAt.UTC())
	if err != nil {
		return err
	}
	t.ID = id
	return nil
}

// UpdateSurveyTemplate stores a checklist's names and questions.
func (db *DB) UpdateSurveyTemplate(ctx context.Context, t *risksurvey.Template) error {
	qs, err := questionsJSON(t.Questions)
	if err != nil {
		return err
	}
	res, err := db.exec(ctx, `UPDATE risk_survey_templates SET name = ?, name_en = ?, description = ?, description_en = ?, questions = ?, updated_at = ?
		WHERE id = ?`, t.Name, t.NameEn, t.Description, t.DescriptionEn, qs, t.UpdatedAt.UTC(), t.ID)
	return mustAffect(res, err, "survey checklist")
}

// DeleteSurveyTemplate removes a checklist; campaigns keep their copy of
// its questions.
func (db *DB) DeleteSurveyTemplate(ctx context.Context, id int64) error {
	res, err := db.exec(ctx, "DELETE FROM risk_survey_templates WHERE id = ?", id)
	return mustAffect(res, err, "survey checklist")
}

// ---- campaigns ----

const riskSurveyCols = "id, title, title_en, description, template_id, questions, matrix_id, due, status, created_by, created_by_name, created_at, closed_at"

func scanRiskSurvey(sc scanner) (risksurvey.Campaign, error) {
	var c risksurvey.Campaign
	var tid sql.NullInt64
	var closed sql.NullTime
	var qs []byte
	if err := sc.Scan(&c.ID, &c.Title, &c.TitleEn, &c.Description, &tid, &qs, &c.MatrixID, &c.Due, &c.Status,
		&c.CreatedBy, &c.CreatedByName, &c.CreatedAt, &closed); err != nil {
		return c, err
	}
	c.TemplateID, c.ClosedAt, c.CreatedAt = ptrInt(tid), ptrTime(closed), c.CreatedAt.UTC()
	c.Questions = []risksurvey.Question{}
	if err := json.Unmarshal(qs, &c.Questions); err != nil {
		return c, fmt.Errorf("survey %d: stored questions: %w", c.ID, err)
	}
	return c, nil
}

// CreateRiskSurvey stores a new campaign.
func (db *DB) CreateRiskSurvey(ctx context.Context, c *risksurvey.Campaign) error {
	qs, err := questionsJSON(c.Questions)
	if err != nil {
		return err
	}
	id, err := db.insert(ctx, `INSERT INTO risk_surveys (title, title_en, description, template_id, questions, matrix_id, due, status,
		created_by, created_by_name, created_at, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Title, c.TitleEn, c.Description, nullInt(c.TemplateID), qs, c.MatrixID, c.Due, c.Status, c.CreatedBy, c.CreatedByName,
		c.CreatedAt.UTC(), nullTime(c.ClosedAt))
	if err != nil {
		return err
	}
	c.ID = id
	return nil
}

// RiskSurveyByID returns one campaign, without its progress.
func (db *DB) RiskSurveyByID(ctx context.Context, id int64) (risksurvey.Campaign, error) {
	c, err := scanRiskSurvey(db.queryRow(ctx, "SELECT "+riskSurveyCols+" FROM risk_surveys WHERE id = ?", id))
	return c, notFound(err, "survey")
}

// ListRiskSurveys returns the campaigns, newest first.
func (db *DB) ListRiskSurveys(ctx context.Context) ([]risksurvey.Campaign, error) {
	return queryAll(ctx, db, scanRiskSurvey, "SELECT "+riskSurveyCols+" FROM risk_surveys ORDER BY created_at DESC, id DESC")
}

// SetRiskSurveyStatus opens or closes a campaign.
func (db *DB) SetRiskSurveyStatus(ctx context.Context, id int64, s risksurvey.Status, closedAt *time.Time) error {
	res, err := db.exec(ctx, "UPDATE risk_surveys SET status = ?, closed_at = ? WHERE id = ?", s, nullTime(closedAt), id)
	return mustAffect(res, err, "survey")
}

// ---- sheets ----

// AddRiskSurveySheet adds a department to a campaign.
func (db *DB) AddRiskSurveySheet(ctx context.Context, campaignID, unitID int64, at time.Time) error {
	_, err := db.exec(ctx, "INSERT INTO risk_survey_units (survey_id, unit_id, status, updated_at) VALUES (?, ?, ?, ?)",
		campaignID, unitID, risksurvey.NotStarted, at.UTC())
	return err
}

// RiskSurveyProgress returns the sheets of a campaign with the counts of their
// answers, units in tree order.
func (db *DB) RiskSurveyProgress(ctx context.Context, campaignID int64) ([]risksurvey.Progress, error) {
	return queryAll(ctx, db, func(sc scanner) (risksurvey.Progress, error) {
		var p risksurvey.Progress
		var at sql.NullTime
		err := sc.Scan(&p.CampaignID, &p.UnitID, &p.UnitName, &p.UnitNameEn, &p.UnitPath, &p.Status, &at, &p.SubmittedBy, &p.RemindedOn, &p.Reminders,
			&p.Answered, &p.Present, &p.Accepted, &p.Returned)
		p.SubmittedAt = ptrTime(at)
		return p, err
	}, `SELECT s.survey_id, s.unit_id, u.name, u.name_en, u.path, s.status, s.submitted_at, s.submitted_by, s.reminded_on, s.reminders,
		COALESCE(SUM(CASE WHEN a.question_key <> '' AND a.present <> '' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.present = 'yes' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.state = 'accepted' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN a.state = 'returned' THEN 1 ELSE 0 END), 0)
		FROM risk_survey_units s JOIN units u ON u.id = s.unit_id
		LEFT JOIN risk_survey_answers a ON a.survey_id = s.survey_id AND a.unit_id = s.unit_id
		WHERE s.survey_id = ?
		GROUP BY s.survey_id, s.unit_id, u.name, u.name_en, u.path, s.status, s.submitted_at, s.submitted_by, s.reminded_on, s.reminders
		ORDER BY u.path`, campaignID)
}

// SetRiskSurveySheetStatus records where a department's sheet is.
func (db *DB) SetRiskSurveySheetStatus(ctx context.Context, campaignID, unitID int64, s risksurvey.SheetStatus, submittedAt *time.Time, submittedBy string, at time.Time) error {
	res, err := db.exec(ctx, `UPDATE risk_survey_units SET status = ?, submitted_at = ?, submitted_by = ?, updated_at = ?
		WHERE survey_id = ? AND unit_id = ?`, s, nullTime(submittedAt), submittedBy, at.UTC(), campaignID, unitID)
	return mustAffect(res, err, "survey sheet")
}

// SetRiskSurveyReminded records a reminder sent on day.
func (db *DB) SetRiskSurveyReminded(ctx context.Context, campaignID, unitID int64, day string) error {
	res, err := db.exec(ctx, `UPDATE risk_survey_units SET reminded_on = ?, reminders = reminders + 1 WHERE survey_id = ? AND unit_id = ?`,
		day, campaignID, unitID)
	return mustAffect(res, err, "survey sheet")
}

// ---- answers ----

const riskAnswerCols = `id, survey_id, unit_id, question_key, position, present, risk_id, title, category, cause, consequence, controls,
	likelihood, impact, note, state, review_comment, reviewed_by, reviewed_at, accepted_risk_id`

func scanRiskAnswer(sc scanner) (risksurvey.Answer, error) {
	var a risksurvey.Answer
	var rid, acc sql.NullInt64
	var at sql.NullTime
	err := sc.Scan(&a.ID, &a.CampaignID, &a.UnitID, &a.QuestionKey, &a.Position, &a.Present, &rid, &a.Title, &a.Category, &a.Cause,
		&a.Consequence, &a.Controls, &a.Likelihood, &a.Impact, &a.Note, &a.State, &a.ReviewComment, &a.ReviewedBy, &at, &acc)
	a.RiskID, a.AcceptedRiskID, a.ReviewedAt = ptrInt(rid), ptrInt(acc), ptrTime(at)
	return a, err
}

// RiskSurveyAnswers returns a sheet's answers: checklist order, then added risks.
func (db *DB) RiskSurveyAnswers(ctx context.Context, campaignID, unitID int64) ([]risksurvey.Answer, error) {
	return queryAll(ctx, db, scanRiskAnswer, "SELECT "+riskAnswerCols+" FROM risk_survey_answers WHERE survey_id = ? AND unit_id = ? ORDER BY position, id",
		campaignID, unitID)
}

// RiskSurveyAnswerByID returns one answer.
func (db *DB) RiskSurveyAnswerByID(ctx context.Context, id int64) (risksurvey.Answer, error) {
	a, err := scanRiskAnswer(db.queryRow(ctx, "SELECT "+riskAnswerCols+" FROM risk_survey_answers WHERE id = ?", id))
	return a, notFound(err, "survey answer")
}

// CreateRiskSurveyAnswer stores a new answer.
func (db *DB) CreateRiskSurveyAnswer(ctx context.Context, a *risksurvey.Answer) error {
	id, err := db.insert(ctx, `INSERT INTO risk_survey_answers (survey_id, unit_id, question_key, position, present, risk_id, title, category,
		cause, consequence, controls, likelihood, impact, note, state, review_comment, reviewed_by, reviewed_at, accepted_risk_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		a.CampaignID, a.UnitID, a.QuestionKey, a.Position, a.Present, nullInt(a.RiskID), a.Title, a.Category, a.Cause, a.Consequence,
		a.Controls, a.Likelihood, a.Impact, a.Note, a.State, a.ReviewComment, a.ReviewedBy, nullTime(a.ReviewedAt), nullInt(a.AcceptedRiskID))
	if err != nil {
		return err
	}
	a.ID = id
	return nil
}

// UpdateRiskSurveyAnswer stores an answer's content and review.
func (db *DB) UpdateRiskSurveyAnswer(ctx context.Context, a *risksurvey.Answer) error {
	res, err := db.exec(ctx, `UPDATE risk_survey_answers SET present = ?, risk_id = ?, title = ?, category = ?, cause = ?, consequence = ?,
		controls = ?, likelihood = ?, impact = ?, note = ?, state = ?, review_comment = ?, reviewed_by = ?, reviewed_at = ?, accepted_risk_id = ?
		WHERE id = ?`,
		a.Present, nullInt(a.RiskID), a.Title, a.Category, a.Cause, a.Consequence, a.Controls, a.Likelihood, a.Impact, a.Note, a.State,
		a.ReviewComment, a.ReviewedBy, nullTime(a.ReviewedAt), nullInt(a.AcceptedRiskID), a.ID)
	return mustAffect(res, err, "survey answer")
}

// DeleteRiskSurveyAnswer removes an answer (a risk the department added and took
// back).
func (db *DB) DeleteRiskSurveyAnswer(ctx context.Context, id int64) error {
	res, err := db.exec(ctx, "DELETE FROM risk_survey_answers WHERE id = ?", id)
	return mustAffect(res, err, "survey answer")
}

// RiskSurveyRespondents returns the people linked to active accounts that hold one
// of the roles on exactly the unit.
func (db *DB) RiskSurveyRespondents(ctx context.Context, unitID int64, roles []authz.Role) ([]int64, error) {
	if len(roles) == 0 {
		return []int64{}, nil
	}
	args := []any{unitID}
	for _, r := range roles {
		args = append(args, string(r))
	}
	return db.ids(ctx, `SELECT DISTINCT u.person_id FROM users u JOIN user_grants g ON g.user_id = u.id
		WHERE g.unit_id = ? AND g.role IN (`+placeholders(len(roles))+`) AND u.disabled = ? AND u.person_id IS NOT NULL
		ORDER BY u.person_id`, append(args, false)...)
}

// Package risksurvey runs risk surveys (风险排查): the crisis management
// office launches a campaign to a set of departments with a checklist
// (风险排查清单) and a due date; each department answers every question of
// the checklist (is the hazard present, what controls are in place, what
// likelihood and impact it proposes) and may add risks the checklist does
// not name; the office reviews every answer and accepts it into the risk
// register, as a new or updated risk with an assessment, or returns it with
// a comment. Departments that are late are reminded once a day.
package risksurvey

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// Question is one line of a checklist: a hazard to look for in one
// category, with a hint of what to check.
type Question struct {
	Key      string        `json:"key,omitempty" doc:"stable key of the question within its checklist, e.g. q03"`
	Category risk.Category `json:"category"`
	Text     string        `json:"text" doc:"the question in Chinese"`
	TextEn   string        `json:"text_en,omitempty" doc:"the question in English"`
	Hint     string        `json:"hint,omitempty" doc:"what to look at, in Chinese"`
	HintEn   string        `json:"hint_en,omitempty" doc:"what to look at, in English"`
}

// Template is a survey checklist (风险排查清单) campaigns are launched with.
type Template struct {
	ID            int64      `json:"id"`
	Code          string     `json:"code" doc:"the key of a built-in checklist; empty for your own"`
	Name          string     `json:"name"`
	NameEn        string     `json:"name_en"`
	Description   string     `json:"description"`
	DescriptionEn string     `json:"description_en"`
	Questions     []Question `json:"questions"`
	Builtin       bool       `json:"builtin"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
}

var keyRe = regexp.MustCompile(`^[a-z0-9_-]{1,30}$`)

// MaxQuestions bounds a checklist.
const MaxQuestions = 100

// Validate checks the template and numbers questions without a key.
func (t *Template) Validate() error {
	var v errs.Validation
	t.Name = strings.TrimSpace(t.Name)
	t.NameEn = strings.TrimSpace(t.NameEn)
	t.Description = strings.TrimSpace(t.Description)
	t.DescriptionEn = strings.TrimSpace(t.DescriptionEn)
	v.Required("name", t.Name)
	v.MaxLen("name", t.Name, 200)
	v.MaxLen("name_en", t.NameEn, 200)
	v.MaxLen("description", t.Description, 4000)
	v.MaxLen("description_en", t.DescriptionEn, 4000)
	if len(t.Questions) == 0 {
		v.Add("questions", "at least one question is needed")
	}
	v.Check(len(t.Questions) <= MaxQuestions, "questions", fmt.Sprintf("at most %d questions", MaxQuestions))
	used := map[string]bool{}
	for _, q := range t.Questions {
		used[strings.TrimSpace(q.Key)] = true
	}
	next := 1
	seen := map[string]bool{}
	for i := range t.Questions {
		q := &t.Questions[i]
		f := "questions[" + strconv.Itoa(i) + "]"
		q.Key = strings.TrimSpace(q.Key)
		q.Text = strings.TrimSpace(q.Text)
		q.TextEn = strings.TrimSpace(q.TextEn)
		q.Hint = strings.TrimSpace(q.Hint)
		q.HintEn = strings.TrimSpace(q.HintEn)
		if q.Key == "" {
			for used[fmt.Sprintf("q%02d", next)] {
				next++
			}
			q.Key = fmt.Sprintf("q%02d", next)
			used[q.Key] = true
		}
		if !keyRe.MatchString(q.Key) {
			v.Add(f+".key", "must be 1 to 30 lower-case letters, digits, - or _")
		} else if seen[q.Key] {
			v.Add(f+".key", "is used by another question")
		}
		seen[q.Key] = true
		if !q.Category.Valid() {
			v.Add(f+".category", "must be one of the risk categories")
		}
		v.Required(f+".text", q.Text)
		v.MaxLen(f+".text", q.Text, 1000)
		v.MaxLen(f+".text_en", q.TextEn, 1000)
		v.MaxLen(f+".hint", q.Hint, 2000)
		v.MaxLen(f+".hint_en", q.HintEn, 2000)
	}
	return v.Err()
}

// Status is where a campaign is: open for answers, or closed.
type Status string

// The campaign statuses.
const (
	Open   Status = "open"
	Closed Status = "closed"
)

// SheetStatus is where one department is in a campaign.
type SheetStatus string

// The statuses of a department's answer sheet.
const (
	NotStarted SheetStatus = "not_started" // nothing saved yet
	Draft      SheetStatus = "draft"       // saved, not submitted
	Submitted  SheetStatus = "submitted"   // waiting for the office's review
	Returned   SheetStatus = "returned"    // an answer came back with a comment
	Completed  SheetStatus = "completed"   // every answer reviewed and settled
)

// SheetStatuses lists the sheet statuses in the order of progress.
var SheetStatuses = []SheetStatus{NotStarted, Draft, Returned, Submitted, Completed}

// Answerable reports whether the department may still change its answers.
func (s SheetStatus) Answerable() bool { return s == NotStarted || s == Draft || s == Returned }

// Campaign is one risk survey sent to a set of departments.
type Campaign struct {
	ID            int64      `json:"id"`
	Title         string     `json:"title"`
	TitleEn       string     `json:"title_en"`
	Description   string     `json:"description"`
	TemplateID    *int64     `json:"template_id" doc:"the checklist it was launched with; null once that is deleted"`
	Questions     []Question `json:"questions" doc:"the checklist as it was at launch"`
	MatrixID      string     `json:"matrix_id" doc:"the matrix likelihood and impact are proposed and accepted on"`
	Due           string     `json:"due" doc:"due date, YYYY-MM-DD"`
	Status        Status     `json:"status"`
	CreatedBy     int64      `json:"created_by"`
	CreatedByName string     `json:"created_by_name"`
	CreatedAt     time.Time  `json:"created_at"`
	ClosedAt      *time.Time `json:"closed_at"`
	// Units is the progress of each department, filled by Campaign and
	// Campaigns.
	Units []Progress `json:"units"`
}

// Counts sums up the progress of a campaign's departments.
type Counts struct {
	Units     int `json:"units"`
	Completed int `json:"completed"`
	Submitted int `json:"submitted" doc:"waiting for review"`
	Late      int `json:"late"`
}

// Counts sums the progress of the campaign's departments.
func (c *Campaign) Counts() Counts {
	n := Counts{Units: len(c.Units)}
	for _, u := range c.Units {
		switch u.Status {
		case Completed:
			n.Completed++
		case Submitted:
			n.Submitted++
		}
		if u.Late {
			n.Late++
		}
	}
	return n
}

// Progress is where one department stands in a campaign.
type Progress struct {
	CampaignID  int64       `json:"campaign_id"`
	UnitID      int64       `json:"unit_id"`
	UnitName    string      `json:"unit_name"`
	UnitNameEn  string      `json:"unit_name_en"`
	UnitPath    string      `json:"-"`
	Status      SheetStatus `json:"status"`
	Questions   int         `json:"questions" doc:"questions of the checklist"`
	Answered    int         `json:"answered" doc:"questions answered yes or no"`
	Present     int         `json:"present" doc:"answers that report a risk (yes, and risks added by the department)"`
	Accepted    int         `json:"accepted"`
	Returned    int         `json:"returned"`
	SubmittedAt *time.Time  `json:"submitted_at"`
	SubmittedBy string      `json:"submitted_by"`
	RemindedOn  string      `json:"reminded_on" doc:"day of the last reminder, YYYY-MM-DD"`
	Reminders   int         `json:"reminders"`
	Late        bool        `json:"late" doc:"past the due date and not submitted"`
}

// Presence is a department's answer to "is this hazard present here?".
type Presence string

// The answers to a checklist question.
const (
	Unanswered Presence = ""
	Yes        Presence = "yes"
	No         Presence = "no"
)

// AnswerState is where one answer is in the review.
type AnswerState string

// The states of an answer.
const (
	StateDraft     AnswerState = "draft"
	StateSubmitted AnswerState = "submitted"
	StateAccepted  AnswerState = "accepted"
	StateReturned  AnswerState = "returned"
)

// Answer is a department's answer to one question, or a risk it adds that
// the checklist does not name (QuestionKey empty).
type Answer struct {
	ID          int64    `json:"id"`
	CampaignID  int64    `json:"campaign_id"`
	UnitID      int64    `json:"unit_id"`
	QuestionKey string   `json:"question_key" doc:"the checklist question; empty for a risk the department adds"`
	Position    int      `json:"position"`
	Present     Presence `json:"present" doc:"yes, no or empty while unanswered; always yes for an added risk"`
	// RiskID names a risk of the register that the answer confirms or
	// updates; accepting the answer then updates that risk.
	RiskID         *int64        `json:"risk_id" doc:"an existing risk of the unit this answer confirms or updates"`
	Title          string        `json:"title" doc:"the risk as the department names it"`
	Category       risk.Category `json:"category"`
	Cause          string        `json:"cause"`
	Consequence    string        `json:"consequence"`
	Controls       string        `json:"controls" doc:"controls in place now"`
	Likelihood     int           `json:"likelihood" doc:"proposed likelihood on the campaign's matrix; 0 none"`
	Impact         int           `json:"impact" doc:"proposed impact on the campaign's matrix; 0 none"`
	Note           string        `json:"note"`
	State          AnswerState   `json:"state"`
	ReviewComment  string        `json:"review_comment"`
	ReviewedBy     string        `json:"reviewed_by"`
	ReviewedAt     *time.Time    `json:"reviewed_at"`
	AcceptedRiskID *int64        `json:"accepted_risk_id" doc:"the risk of the register the answer was accepted into"`
}

// NeedsReview reports whether the answer reports a risk the office must
// accept or return.
func (a *Answer) NeedsReview() bool { return a.Present == Yes }

// Sheet is a department's answer sheet in a campaign.
type Sheet struct {
	Campaign Campaign `json:"campaign"`
	Progress Progress `json:"progress"`
	Answers  []Answer `json:"answers" doc:"checklist answers in checklist order, then the risks the department added"`
}

// Reminder is what a late department is reminded of.
type Reminder struct {
	Campaign   Campaign
	Unit       org.Unit
	Day        string // YYYY-MM-DD: one reminder per campaign, unit and day
	Recipients []int64
}

// DedupKey names the reminder of a campaign to a unit on a day, so that
// the notification engine sends it once however often it is asked.
func (r Reminder) DedupKey() string {
	return fmt.Sprintf("risk_survey:%d:%d:%s", r.Campaign.ID, r.Unit.ID, r.Day)
}

// Notifier sends reminders. Remind returns false when the reminder had
// already been sent.
type Notifier interface {
	Remind(ctx context.Context, r Reminder) (sent bool, err error)
}

// Store is the storage the survey service needs.
type Store interface {
	ListSurveyTemplates(ctx context.Context) ([]Template, error)
	SurveyTemplateByID(ctx context.Context, id int64) (Template, error)
	CreateSurveyTemplate(ctx context.Context, t *Template) error
	UpdateSurveyTemplate(ctx context.Context, t *Template) error
	DeleteSurveyTemplate(ctx context.Context, id int64) error

	CreateRiskSurvey(ctx context.Context, c *Campaign) error
	RiskSurveyByID(ctx context.Context, id int64) (Campaign, error)
	ListRiskSurveys(ctx context.Context) ([]Campaign, error)
	SetRiskSurveyStatus(ctx context.Context, id int64, s Status, closedAt *time.Time) error

	// AddRiskSurveySheet adds a department to a campaign, not started.
	AddRiskSurveySheet(ctx context.Context, campaignID, unitID int64, at time.Time) error
	// RiskSurveyProgress returns the sheets of a campaign with their counts, in
	// unit tree order.
	RiskSurveyProgress(ctx context.Context, campaignID int64) ([]Progress, error)
	SetRiskSurveySheetStatus(ctx context.Context, campaignID, unitID int64, s SheetStatus, submittedAt *time.Time, submittedBy string, at time.Time) error
	SetRiskSurveyReminded(ctx context.Context, campaignID, unitID int64, day string) error

	RiskSurveyAnswers(ctx context.Context, campaignID, unitID int64) ([]Answer, error)
	RiskSurveyAnswerByID(ctx context.Context, id int64) (Answer, error)
	CreateRiskSurveyAnswer(ctx context.Context, a *Answer) error
	UpdateRiskSurveyAnswer(ctx context.Context, a *Answer) error
	DeleteRiskSurveyAnswer(ctx context.Context, id int64) error

	// RiskSurveyRespondents returns the people (of active accounts) holding one of
	// the roles on exactly the unit: who answers its surveys.
	RiskSurveyRespondents(ctx context.Context, unitID int64, roles []authz.Role) ([]int64, error)

	UnitByID(ctx context.Context, id int64) (org.Unit, error)
	ListUnits(ctx context.Context) ([]org.Unit, error)
}

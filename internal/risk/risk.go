// Package risk is the risk register (风险数据库/风险登记册): the risks that
// departments find in their surveys, assessed by the crisis office on a
// matrix (likelihood × impact, with optional predictability), ranked, and
// treated (avoid, reduce, transfer, accept). Every assessment is kept, so
// the trend of a risk over time can be shown.
package risk

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
)

// Category is the kind of threat a risk comes from.
type Category string

// The risk categories, as the seeds group them.
const (
	NaturalDisaster   Category = "natural_disaster"
	PublicHealth      Category = "public_health"
	SafetyAccident    Category = "safety_accident"
	CyberSecurity     Category = "cyber_security"
	ITFailure         Category = "it_failure"
	SupplyChain       Category = "supply_chain"
	Utilities         Category = "utilities"
	Personnel         Category = "personnel"
	CustomerComplaint Category = "customer_complaint"
	PublicOpinion     Category = "public_opinion"
	PolicyRegulatory  Category = "policy_regulatory"
	Financial         Category = "financial"
	Other             Category = "other"
)

// Categories lists the categories in display order.
var Categories = []Category{NaturalDisaster, PublicHealth, SafetyAccident, CyberSecurity, ITFailure, SupplyChain,
	Utilities, Personnel, CustomerComplaint, PublicOpinion, PolicyRegulatory, Financial, Other}

// Valid reports whether c is a known category.
func (c Category) Valid() bool { return oneOf(c, Categories) }

// Strategy is how a risk is treated.
type Strategy string

// The treatment strategies (风险应对: 规避、降低、转移、接受).
const (
	Avoid    Strategy = "avoid"
	Reduce   Strategy = "reduce"
	Transfer Strategy = "transfer"
	Accept   Strategy = "accept"
)

// Strategies lists the treatment strategies.
var Strategies = []Strategy{Avoid, Reduce, Transfer, Accept}

// Status is where a risk is in its life.
type Status string

// The risk statuses.
const (
	StatusOpen     Status = "open"     // identified, treatment not yet in place
	StatusTreated  Status = "treated"  // treatment actions in place
	StatusAccepted Status = "accepted" // consciously accepted as it is
	StatusClosed   Status = "closed"   // no longer relevant
)

// Statuses lists the statuses.
var Statuses = []Status{StatusOpen, StatusTreated, StatusAccepted, StatusClosed}

// Kind tells an inherent rating (before controls) from a residual one
// (with the controls and treatment in place).
type Kind string

// The kinds of assessment.
const (
	Inherent Kind = "inherent"
	Residual Kind = "residual"
)

// DateLayout is how dates without time (review dates, due dates) are
// written: they are calendar days, not instants.
const DateLayout = "2006-01-02"

// Action is one step of a risk's treatment.
type Action struct {
	Description string `json:"description"`
	OwnerID     *int64 `json:"owner_id,omitempty" nullable:"true" doc:"the person who carries it out"`
	Due         string `json:"due,omitempty" doc:"due date, YYYY-MM-DD"`
	Done        bool   `json:"done" required:"false"`
}

// Rating is the current rating of a risk of one kind: the latest
// assessment of that kind.
type Rating struct {
	MatrixID   string    `json:"matrix_id"`
	Likelihood int       `json:"likelihood"`
	Impact     int       `json:"impact"`
	Score      int       `json:"score"`
	Level      Level     `json:"level"`
	AssessedAt time.Time `json:"assessed_at"`
}

// Risk is one entry of the register.
type Risk struct {
	ID          int64     `json:"id"`
	Code        string    `json:"code" doc:"your own reference, e.g. R-017; unique when given"`
	Title       string    `json:"title"`
	TitleEn     string    `json:"title_en"`
	Category    Category  `json:"category"`
	Cause       string    `json:"cause" doc:"what could make it happen"`
	Consequence string    `json:"consequence" doc:"what would follow"`
	OwnerID     *int64    `json:"owner_id" doc:"the person answerable for the risk"`
	UnitID      int64     `json:"unit_id" doc:"the org unit the risk belongs to"`
	ProcessIDs  []int64   `json:"process_ids" doc:"affected business processes (business impact analysis)"`
	Controls    string    `json:"controls" doc:"existing controls"`
	Treatment   Strategy  `json:"treatment" doc:"avoid, reduce, transfer or accept; empty while undecided"`
	Actions     []Action  `json:"actions"`
	Status      Status    `json:"status"`
	ReviewDate  string    `json:"review_date" doc:"next review, YYYY-MM-DD"`
	Inherent    *Rating   `json:"inherent" doc:"the latest inherent rating; null before the first assessment"`
	Residual    *Rating   `json:"residual" doc:"the latest residual rating; null until assessed with controls"`
	Level       Level     `json:"level" doc:"the current level: residual when assessed, else inherent; empty before any assessment"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Current returns the rating that counts now: the residual one when the
// risk has been assessed with its controls, else the inherent one.
func (r *Risk) Current() *Rating {
	if r.Residual != nil {
		return r.Residual
	}
	return r.Inherent
}

// Validate checks the risk's own fields; references (unit, owner, people
// of actions) are checked by the service against the directory.
func (r *Risk) Validate() error {
	var v errs.Validation
	r.Code = strings.TrimSpace(r.Code)
	r.Title = strings.TrimSpace(r.Title)
	r.TitleEn = strings.TrimSpace(r.TitleEn)
	r.ReviewDate = strings.TrimSpace(r.ReviewDate)
	v.MaxLen("code", r.Code, 50)
	v.Required("title", r.Title)
	v.MaxLen("title", r.Title, 300)
	v.MaxLen("title_en", r.TitleEn, 300)
	if !r.Category.Valid() {
		v.Add("category", "must be one of %s", join(Categories))
	}
	v.MaxLen("cause", r.Cause, 4000)
	v.MaxLen("consequence", r.Consequence, 4000)
	v.MaxLen("controls", r.Controls, 4000)
	v.Check(r.UnitID > 0, "unit_id", "is required")
	if r.OwnerID != nil && *r.OwnerID <= 0 {
		v.Add("owner_id", "is not a person id")
	}
	if r.Treatment != "" && !oneOf(r.Treatment, Strategies) {
		v.Add("treatment", "must be one of %s, or empty", join(Strategies))
	}
	if r.Status == "" {
		r.Status = StatusOpen
	}
	if !oneOf(r.Status, Statuses) {
		v.Add("status", "must be one of %s", join(Statuses))
	}
	if r.Status == StatusAccepted && r.Treatment != "" && r.Treatment != Accept {
		v.Add("status", "accepted goes with the treatment accept, not %s", r.Treatment)
	}
	checkDate(&v, "review_date", r.ReviewDate)
	seen := map[int64]bool{}
	v.Check(len(r.ProcessIDs) <= 200, "process_ids", "at most 200 processes")
	for i, id := range r.ProcessIDs {
		f := "process_ids[" + strconv.Itoa(i) + "]"
		if id <= 0 {
			v.Add(f, "is not a process id")
		} else if seen[id] {
			v.Add(f, "is listed twice")
		}
		seen[id] = true
	}
	v.Check(len(r.Actions) <= 100, "actions", "at most 100 actions")
	for i := range r.Actions {
		a := &r.Actions[i]
		f := "actions[" + strconv.Itoa(i) + "]"
		a.Description = strings.TrimSpace(a.Description)
		a.Due = strings.TrimSpace(a.Due)
		v.Required(f+".description", a.Description)
		v.MaxLen(f+".description", a.Description, 2000)
		if a.OwnerID != nil && *a.OwnerID <= 0 {
			v.Add(f+".owner_id", "is not a person id")
		}
		checkDate(&v, f+".due", a.Due)
	}
	return v.Err()
}

func checkDate(v *errs.Validation, field, s string) {
	if s == "" {
		return
	}
	if _, err := time.Parse(DateLayout, s); err != nil {
		v.Add(field, "must be a date as YYYY-MM-DD")
	}
}

// Assessment is one rating of a risk, kept for ever: the register's
// history, from which the trend of a risk is drawn.
type Assessment struct {
	ID             int64  `json:"id"`
	RiskID         int64  `json:"risk_id"`
	MatrixID       string `json:"matrix_id"`
	Kind           Kind   `json:"kind"`
	Likelihood     int    `json:"likelihood"`
	Impact         int    `json:"impact"`
	Predictability *int   `json:"predictability" doc:"1 hard to foresee, 2 foreseeable with warning signs, 3 well foreseeable"`
	Score          int    `json:"score"`
	Level          Level  `json:"level"`
	Note           string `json:"note"`
	AssessedBy     int64  `json:"assessed_by" doc:"the user who recorded it; 0 for the system"`
	AssessedByName string `json:"assessed_by_name"`
	// AssessedAt is when the rating was made: now, unless a risk manager
	// records an earlier assessment (from paper records or another tool).
	AssessedAt time.Time `json:"assessed_at"`
}

// MaxPredictability is the top of the predictability scale (可预测性):
// 1 hard to foresee, 2 foreseeable with warning signs, 3 well foreseeable.
const MaxPredictability = 3

// Validate checks the assessment against its matrix and fills in score and
// level.
func (a *Assessment) Validate(m *Matrix) error {
	var v errs.Validation
	if a.Kind != Inherent && a.Kind != Residual {
		v.Add("kind", "must be inherent or residual")
	}
	if a.Predictability != nil && (*a.Predictability < 1 || *a.Predictability > MaxPredictability) {
		v.Add("predictability", "must be between 1 and %d", MaxPredictability)
	}
	a.Note = strings.TrimSpace(a.Note)
	v.MaxLen("note", a.Note, 4000)
	score, level, err := m.Rate(a.Likelihood, a.Impact)
	v.Merge("", err)
	if err := v.Err(); err != nil {
		return err
	}
	a.MatrixID, a.Score, a.Level = m.ID, score, level
	return nil
}

// Filter selects risks for the ranked list.
type Filter struct {
	Query         string   // matches code and titles
	Category      Category // "" for all
	UnitID        int64    // 0: all; otherwise the unit's subtree
	Level         Level    // the current level; "" for all
	OwnerID       int64
	Status        Status
	OverdueReview bool   // review date before Today, risk not closed
	Today         string // YYYY-MM-DD, set by the service from its clock
	// Kind, with MatrixID, Likelihood and Impact, selects the risks of one
	// heatmap cell (or row, or column, when likelihood or impact is 0): the
	// risks whose current rating of that kind is on that matrix at that
	// position. Like the heatmap, it leaves closed risks out.
	Kind       Kind
	MatrixID   string
	Likelihood int
	Impact     int
	Limit      int // 0 means 50; at most 500
	Offset     int
}

// HeatmapQuery selects the ratings a heatmap counts.
type HeatmapQuery struct {
	MatrixID string
	Kind     Kind
	Category Category
	UnitID   int64 // 0: all; otherwise the unit's subtree
	// IDsPerCell bounds the risk ids returned per cell (highest ranked
	// first); counts are always complete.
	IDsPerCell int
}

// Cell is one likelihood × impact cell of a heatmap.
type Cell struct {
	Likelihood int     `json:"likelihood"`
	Impact     int     `json:"impact"`
	Score      int     `json:"score"`
	Level      Level   `json:"level"`
	Count      int     `json:"count"`
	RiskIDs    []int64 `json:"risk_ids" doc:"the risks in the cell, highest ranked first, at most ids_per_cell"`
}

// Heatmap is the grid of a matrix with how many risks sit in each cell.
type Heatmap struct {
	Matrix Matrix `json:"matrix"`
	Kind   Kind   `json:"kind"`
	Cells  []Cell `json:"cells" doc:"every cell of the matrix, likelihood then impact ascending"`
	Total  int    `json:"total"`
}

// TopQuery selects the top risks of each org unit of a subtree.
type TopQuery struct {
	UnitID   int64    // the root of the subtree; 0 for the whole organisation
	Category Category // "" for all; otherwise only risks of this category
	N        int      // risks per unit; 0 means 5, at most 50
}

// UnitTop is the highest ranked open risks of one org unit (its own
// risks, not those of the units under it).
type UnitTop struct {
	UnitID     int64  `json:"unit_id"`
	UnitName   string `json:"unit_name"`
	UnitNameEn string `json:"unit_name_en"`
	UnitPath   string `json:"-"`
	// Open counts the unit's risks that are not closed, assessed or not.
	Open  int    `json:"open" doc:"the unit's risks that are not closed"`
	Risks []Risk `json:"risks" doc:"the highest ranked assessed risks, at most n, highest first"`
}

// ImportItem is one risk of a batch import and the ratings to record for
// it, in order, once it is stored.
type ImportItem struct {
	Risk    Risk         // ID 0: a new risk; otherwise the stored risk to update
	Ratings []Assessment // matrix, kind, likelihood, impact, note
}

// Store is the storage the risk service needs. The directory methods come
// from the org store: a risk belongs to a unit and is owned by people.
type Store interface {
	ListMatrices(ctx context.Context) ([]Matrix, error)
	MatrixByID(ctx context.Context, id string) (Matrix, error)
	CreateMatrix(ctx context.Context, m *Matrix) error
	UpdateMatrix(ctx context.Context, m *Matrix) error
	DeleteMatrix(ctx context.Context, id string) error
	// MatrixUses counts the ratings, assessments and survey campaigns made
	// on a matrix.
	MatrixUses(ctx context.Context, id string) (int, error)

	CreateRisk(ctx context.Context, r *Risk) error
	// UpdateRisk stores the register fields; ratings change only through
	// AddAssessment.
	UpdateRisk(ctx context.Context, r *Risk) error
	// DeleteRisk removes a risk with its assessments.
	DeleteRisk(ctx context.Context, id int64) error
	RiskByID(ctx context.Context, id int64) (Risk, error)
	RiskByCode(ctx context.Context, code string) (Risk, error)
	// ListRisks returns a page of risks, highest level first, and the
	// total matching the filter.
	ListRisks(ctx context.Context, f Filter) ([]Risk, int, error)
	// AddAssessment stores an assessment and makes it the risk's current
	// rating of its kind.
	AddAssessment(ctx context.Context, a *Assessment) error
	// Assessments returns a risk's assessments, oldest first.
	Assessments(ctx context.Context, riskID int64) ([]Assessment, error)
	// HeatmapCells returns the non-empty cells for the query.
	HeatmapCells(ctx context.Context, q HeatmapQuery) ([]Cell, error)
	// RisksByCode returns the stored risks with the given codes, by code.
	RisksByCode(ctx context.Context, codes []string) (map[string]Risk, error)
	// ImportRisks stores a checked batch in the transaction of ctx: each
	// risk, created (ID 0) or updated with its register fields and current
	// ratings as given, and its new assessments. It sets the ids.
	ImportRisks(ctx context.Context, items []ImportItem) error
	// TopRisks returns, for every unit of the subtree that has open
	// risks, its highest ranked assessed ones, units in tree order.
	TopRisks(ctx context.Context, q TopQuery) ([]UnitTop, error)

	// KnownProcesses returns which of the ids are business processes of
	// the business impact analysis.
	KnownProcesses(ctx context.Context, ids []int64) (map[int64]bool, error)

	UnitByID(ctx context.Context, id int64) (org.Unit, error)
	PeopleByIDs(ctx context.Context, ids []int64) (map[int64]org.Person, error)
	ListUnits(ctx context.Context) ([]org.Unit, error)
	ListPeople(ctx context.Context, f org.PeopleFilter) ([]org.Person, int, error)
}

func oneOf[T comparable](x T, set []T) bool {
	for _, s := range set {
		if s == x {
			return true
		}
	}
	return false
}

func join[T ~string](set []T) string {
	parts := make([]string, len(set))
	for i, s := range set {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

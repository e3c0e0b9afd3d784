// Package plangen is the plan generator: from an industry, a company size
// and a region (and optional answers about the organisation) it drafts a
// complete business-continuity plan in the eight steps of seed 001 — risks,
// impact assessment, scenario playbooks, roles, communication, recovery
// objectives, resources, testing and maintenance — plus the prioritisation
// matrix, common risks, training, technology and industry considerations.
//
// The draft is built from a curated knowledge base of JSON files embedded
// in the binary (kb/), which users may extend with their own packs
// (LoadKB). Generation is deterministic: the same input and knowledge base
// give the same draft, in Chinese or English, with the same keys in both
// languages, so that a draft in one language can be matched record by
// record with the draft in the other.
package plangen

import (
	"time"

	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// The languages a draft can be written in.
const (
	LangZh = "zh-CN"
	LangEn = "en"
)

// Input is what the generator is asked for.
type Input struct {
	Industry string `json:"industry" doc:"industry pack id or alias, e.g. ecommerce, banking, healthcare"`
	Size     string `json:"size" doc:"micro, small, medium or large"`
	Region   string `json:"region" doc:"region id, e.g. cn-east, north-america, southeast-asia"`
	Language string `json:"language" doc:"zh-CN or en"`
	// AsOf is the day the drill calendar starts from (the calendar covers
	// the twelve months after it). It is the only time the engine uses.
	AsOf time.Time `json:"as_of"`

	// Optional answers about the organisation.
	CriticalSystems    []string `json:"critical_systems,omitempty" doc:"named systems, e.g. SAP ERP, HIS"`
	PaymentProviders   []string `json:"payment_providers,omitempty"`
	LogisticsProviders []string `json:"logistics_providers,omitempty"`
	Sites              int      `json:"sites,omitempty" doc:"number of sites; 0 when not known"`
	Regulators         []string `json:"regulators,omitempty"`
}

// Ref names a knowledge-base item: its stable key and its name in the
// draft's language.
type Ref struct {
	Key  string `json:"key"`
	Name string `json:"name"`
}

// Draft is a generated plan, in one language.
type Draft struct {
	// Input is what was asked, with the industry, size and region as ids
	// and the language normalised; KBVersion names the knowledge base.
	// With both, the draft can be generated again.
	Input     Input  `json:"input"`
	KBVersion string `json:"kb_version"`

	Industry     Ref    `json:"industry"`
	Size         Ref    `json:"size"`
	Region       Ref    `json:"region"`
	Jurisdiction Ref    `json:"jurisdiction"`
	Language     string `json:"language"`
	AsOf         string `json:"as_of"` // YYYY-MM-DD
	Title        string `json:"title"`
	Summary      string `json:"summary"`
	Approach     string `json:"approach"` // what the size asks of the plan

	Risks         []Risk           `json:"risks"`         // step 1
	Impact        ImpactAssessment `json:"impact"`        // step 2
	Playbooks     []Playbook       `json:"playbooks"`     // step 3
	Organisation  Organisation     `json:"organisation"`  // step 4
	Communication []Communication  `json:"communication"` // step 5
	Recovery      []RecoveryTarget `json:"recovery"`      // step 6
	Resources     []Resource       `json:"resources"`     // step 7
	Maintenance   Maintenance      `json:"maintenance"`   // step 8

	Matrix           PriorityMatrix `json:"matrix"`
	CommonRisks      []CommonRisk   `json:"common_risks"`
	Training         []Training     `json:"training"`
	Technology       []Note         `json:"technology"`
	Considerations   []Note         `json:"considerations"`
	Regulations      []Regulation   `json:"regulations"`
	Regulators       []string       `json:"regulators"`
	EmergencyNumbers string         `json:"emergency_numbers"`
}

// Risk is an identified risk, rated on the 5×5 matrix.
type Risk struct {
	Key          string        `json:"key"`
	Source       string        `json:"source"` // common, industry or region
	Scope        string        `json:"scope"`  // internal or external
	ScopeName    string        `json:"scope_name"`
	Category     risk.Category `json:"category"`
	CategoryName string        `json:"category_name"`
	Title        string        `json:"title"`
	Cause        string        `json:"cause"`
	Consequence  string        `json:"consequence"`
	Likelihood   int           `json:"likelihood"` // 1–5
	Impact       int           `json:"impact"`     // 1–5
	Score        int           `json:"score"`
	Level        risk.Level    `json:"level"`
	LevelName    string        `json:"level_name"`
	Mitigations  []string      `json:"mitigations"`
	Owner        Ref           `json:"owner"`              // a role
	Playbook     string        `json:"playbook,omitempty"` // key of the playbook that answers it
	Months       []int         `json:"months,omitempty"`   // season; empty for all year
}

// ImpactAssessment is the impact table: each critical function rated per
// impact category at each time point after a disruption starts.
type ImpactAssessment struct {
	TimePoints []int       `json:"time_points_minutes"`
	TimeLabels []string    `json:"time_labels"`
	Categories []Ref       `json:"categories"`  // keys are the BIA impact categories
	LevelNames []string    `json:"level_names"` // names of levels 1–5
	Rows       []ImpactRow `json:"rows"`
}

// ImpactRow rates one critical function.
type ImpactRow struct {
	Function Ref          `json:"function"`
	Cells    []ImpactCell `json:"cells"` // one per category, in the order of Categories
	// MTPD is the first time point at which any impact reaches level 4
	// (major); 0 when none does within the table.
	MTPD      int    `json:"mtpd_minutes"`
	MTPDLabel string `json:"mtpd_label"`
}

// ImpactCell is one category's levels over the time points.
type ImpactCell struct {
	Category string `json:"category"`
	Levels   []int  `json:"levels"`
}

// Playbook is a scenario playbook.
type Playbook struct {
	Key        string   `json:"key"`
	Title      string   `json:"title"`
	Trigger    string   `json:"trigger"`
	Activation Ref      `json:"activation"` // the role with the authority to activate it
	Risks      []string `json:"risks"`      // keys of the risks it answers
	Actions    []Action `json:"actions"`
}

// Action is one step of a playbook.
type Action struct {
	Step        int    `json:"step"`
	Owner       Ref    `json:"owner"`
	Text        string `json:"text"`
	Within      int    `json:"within_minutes"` // after activation
	WithinLabel string `json:"within_label"`
}

// Organisation is the response organisation scaled to the company size.
type Organisation struct {
	Teams []Team `json:"teams"`
	Roles []Role `json:"roles"`
}

// Team is a team of the response organisation.
type Team struct {
	Key      string       `json:"key"`
	Kind     org.TeamKind `json:"kind"`
	KindName string       `json:"kind_name"`
	Name     string       `json:"name"`
	Duties   string       `json:"duties"`
	Leader   Ref          `json:"leader"`
	Members  []Ref        `json:"members"`
}

// Role is a role that acts in the plan. Covers lists the roles it holds
// as well, because the organisation is too small to staff them apart.
type Role struct {
	Key    string   `json:"key"`
	Name   string   `json:"name"`
	Duties string   `json:"duties"`
	Teams  []string `json:"teams"` // keys of the teams it sits in
	Covers []Ref    `json:"covers"`
}

// Communication is the strategy for one audience.
type Communication struct {
	Audience    Ref    `json:"audience"`
	Owner       Ref    `json:"owner"`
	Channels    []Ref  `json:"channels"`
	Within      int    `json:"within_minutes"` // first message after activation
	WithinLabel string `json:"within_label"`
	Cadence     string `json:"cadence"`
	Subject     string `json:"subject"`
	// Message is the template; fill-in fields are in square brackets
	// ([时间], [time]) and are completed when the message is sent.
	Message string `json:"message"`
}

// RecoveryTarget is the recovery objective of a critical function.
type RecoveryTarget struct {
	Function  Ref    `json:"function"`
	Important bool   `json:"important"`
	RTO       int    `json:"rto_minutes"`
	RPO       int    `json:"rpo_minutes"`
	MTPD      int    `json:"mtpd_minutes"` // 0 when not reached within the impact table
	RTOLabel  string `json:"rto_label"`
	RPOLabel  string `json:"rpo_label"`
	MTPDLabel string `json:"mtpd_label"`
	MBCO      string `json:"mbco"`
	Strategy  string `json:"strategy"`
	Basis     string `json:"basis"`
}

// Resource is a resource to hold ready.
type Resource struct {
	Key      string `json:"key"`
	Kind     string `json:"kind"` // backup_system, reserve, supply, alternate_supplier, alternate_site
	KindName string `json:"kind_name"`
	Item     string `json:"item"`
	Quantity string `json:"quantity"`
	Owner    Ref    `json:"owner"`
}

// Maintenance is step 8: the drill calendar and the review cadence.
type Maintenance struct {
	ReviewMonths   int      `json:"review_months"`
	ReviewCadence  string   `json:"review_cadence"`
	NextReview     string   `json:"next_review"` // YYYY-MM
	ReviewTriggers []string `json:"review_triggers"`
	Drills         []Drill  `json:"drills"`
}

// Drill is a scheduled exercise.
type Drill struct {
	Key      string `json:"key"`
	Month    string `json:"month"` // YYYY-MM
	Kind     string `json:"kind"`  // tabletop, functional, full_scale
	KindName string `json:"kind_name"`
	Title    string `json:"title"`
	Scope    string `json:"scope"`
	Playbook string `json:"playbook,omitempty"`
}

// PriorityMatrix places the risks on the 5×5 matrix.
type PriorityMatrix struct {
	// Cells are rows of likelihood 5 (top) down to 1, each with impact 1
	// to 5 from left to right.
	Cells [][]MatrixCell `json:"cells"`
	Bands []PriorityBand `json:"bands"`
}

// MatrixCell is one cell of the matrix.
type MatrixCell struct {
	Likelihood int        `json:"likelihood"`
	Impact     int        `json:"impact"`
	Score      int        `json:"score"`
	Level      risk.Level `json:"level"`
	Risks      []string   `json:"risks"`
}

// PriorityBand is a level of the matrix with the response it calls for.
type PriorityBand struct {
	Level    risk.Level `json:"level"`
	Name     string     `json:"name"`
	MinScore int        `json:"min_score"`
	MaxScore int        `json:"max_score"`
	Action   string     `json:"action"`
	Risks    []string   `json:"risks"`
}

// CommonRisk is a row of the "common risks and mitigations" table.
type CommonRisk struct {
	Risk        string `json:"risk"`
	Scenario    string `json:"scenario"`
	Consequence string `json:"consequence"`
	Mitigation  string `json:"mitigation"`
}

// Training is a course of the training plan.
type Training struct {
	Key       string `json:"key"`
	Audience  string `json:"audience"`
	Topic     string `json:"topic"`
	Format    string `json:"format"`
	Frequency string `json:"frequency"`
	Hours     int    `json:"hours"`
}

// Note is a titled paragraph.
type Note struct {
	Key   string `json:"key"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

// Regulation is a rule the plan answers to.
type Regulation struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Requirement string `json:"requirement"`
}

// Package bia is the business impact analysis (业务影响分析, ISO 22301
// 8.2.2, ISO/TS 22317): business processes and the resources they depend
// on, the impact of a disruption over time, the recovery objectives that
// follow (MTPD, RTO, RPO, MBCO), the questionnaire campaigns through which
// process owners state them and the crisis office approves them, and the
// analysis of the dependency graph (package graph) kept in memory by the
// Service.
//
// Durations are whole minutes throughout (rto_minutes, …); a nil duration
// means "not stated". Nodes of the dependency graph are named by
// references: "p12" is process 12, "r7" resource 7.
package bia

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
)

// ResourceKind is the kind of a resource a process depends on.
type ResourceKind string

// The resource kinds. They are the graph's node kinds.
const (
	Application ResourceKind = "application" // IT systems and applications
	Data        ResourceKind = "data"
	Site        ResourceKind = "site" // a site of the organisation (site_id) or another place
	Supplier    ResourceKind = "supplier"
	Equipment   ResourceKind = "equipment"
	Role        ResourceKind = "role" // key people and roles
)

// ResourceKinds lists the resource kinds in display order.
var ResourceKinds = []ResourceKind{Application, Data, Site, Supplier, Equipment, Role}

// Category is an impact category.
type Category string

// The impact categories.
const (
	Financial    Category = "financial" // with an amount in the organisation's currency
	Operational  Category = "operational"
	Reputational Category = "reputational"
	Regulatory   Category = "regulatory" // legal and regulatory
	Customer     Category = "customer"
	Safety       Category = "safety"
)

// Categories lists the impact categories in display order.
var Categories = []Category{Financial, Operational, Reputational, Regulatory, Customer, Safety}

// DependencyType says how one node depends on another.
type DependencyType string

// The dependency types.
const (
	Uses       DependencyType = "uses"        // a process or system uses an application, data or equipment
	HostedOn   DependencyType = "hosted_on"   // an application or data on infrastructure, a data centre, a cloud region
	LocatedAt  DependencyType = "located_at"  // carried out at, or housed in, a site
	SuppliedBy DependencyType = "supplied_by" // a supplier or service provider delivers it
	StaffedBy  DependencyType = "staffed_by"  // needs a key person or role
	Input      DependencyType = "input"       // a process needs the output of another process
	Other      DependencyType = "other"
)

// DependencyTypes lists the dependency types.
var DependencyTypes = []DependencyType{Uses, HostedOn, LocatedAt, SuppliedBy, StaffedBy, Input, Other}

// MaxLevel is the top of the impact scale: 1 negligible … 5 catastrophic.
const MaxLevel = 5

// DateLayout is how calendar days (campaign due dates) are written.
const DateLayout = "2006-01-02"

// Settings are the organisation's BIA conventions.
type Settings struct {
	// TimePoints are the moments after the start of a disruption at which
	// impacts are rated, in minutes, ascending.
	TimePoints []int `json:"time_points_minutes" doc:"the time points impacts are rated at, minutes after the disruption starts, ascending"`
	// Intolerable is the impact level from which a disruption can no longer
	// be tolerated: the MTPD is derived as the first time point where an
	// impact reaches it.
	Intolerable int    `json:"intolerable_level" minimum:"1" maximum:"5" doc:"the impact level (1–5) from which a disruption is intolerable"`
	Currency    string `json:"currency" doc:"the currency of financial impacts, ISO 4217"`
}

// DefaultSettings are 1 h, 4 h, 1 d, 3 d and 1 week, intolerable from
// level 4 (major), amounts in yuan.
func DefaultSettings() Settings {
	return Settings{TimePoints: []int{60, 240, 1440, 4320, 10080}, Intolerable: 4, Currency: "CNY"}
}

// Validate checks the settings.
func (s *Settings) Validate() error {
	var v errs.Validation
	s.Currency = strings.ToUpper(strings.TrimSpace(s.Currency))
	v.Check(len(s.TimePoints) >= 1 && len(s.TimePoints) <= 20, "time_points_minutes", "must list 1 to 20 time points")
	for i, t := range s.TimePoints {
		f := "time_points_minutes[" + strconv.Itoa(i) + "]"
		if t <= 0 {
			v.Add(f, "must be at least 1 minute")
		} else if i > 0 && t <= s.TimePoints[i-1] {
			v.Add(f, "must be later than the time point before it")
		}
	}
	v.Check(s.Intolerable >= 1 && s.Intolerable <= MaxLevel, "intolerable_level", "must be between 1 and 5")
	v.Check(len(s.Currency) == 3, "currency", "must be a three-letter currency code such as CNY")
	return v.Err()
}

// ImpactPoint is the impact of a disruption of one category after a time.
type ImpactPoint struct {
	Category     Category `json:"category" enum:"financial,operational,reputational,regulatory,customer,safety"`
	AfterMinutes int      `json:"after_minutes" doc:"minutes after the disruption starts; one of the configured time points"`
	Level        int      `json:"level" doc:"1 negligible, 2 minor, 3 moderate, 4 major, 5 catastrophic"`
	Amount       *float64 `json:"amount,omitempty" nullable:"true" doc:"financial impacts only: the loss in the configured currency"`
}

// Values are the BIA values of a process: what a questionnaire answer
// states, and what an approved answer makes current.
type Values struct {
	Impacts     []ImpactPoint `json:"impacts"`
	MTPDMinutes *int          `json:"mtpd_minutes" nullable:"true" doc:"maximum tolerable period of disruption; derived from the impacts when not given"`
	MTPDDerived bool          `json:"mtpd_derived" doc:"the MTPD was derived from the impacts (read-only)"`
	RTOMinutes  *int          `json:"rto_minutes" nullable:"true" doc:"recovery time objective; at most the MTPD"`
	RPOMinutes  *int          `json:"rpo_minutes" nullable:"true" doc:"recovery point objective: the data loss tolerated; 0 for none"`
	MBCO        string        `json:"mbco" doc:"minimum business continuity objective: the reduced service level accepted during recovery"`
	PeakPeriods string        `json:"peak_periods" doc:"when a disruption would hurt most, e.g. 11.11 season, month end"`
	MinStaff    *int          `json:"min_staff" nullable:"true" doc:"the fewest people needed to run the process at its MBCO"`
	// MinResources are the minimum resources for recovery, in words.
	MinResources string `json:"min_resources" doc:"the minimum resources needed to recover, beyond the dependencies"`
}

// DeriveMTPD returns the first time point at which an impact reaches the
// intolerable level, or nil when none does.
func DeriveMTPD(impacts []ImpactPoint, intolerable int) *int {
	first := 0
	for _, p := range impacts {
		if p.Level >= intolerable && (first == 0 || p.AfterMinutes < first) {
			first = p.AfterMinutes
		}
	}
	if first == 0 {
		return nil
	}
	return &first
}

// Normalize checks the values against the settings, sorts the impacts and
// derives the MTPD when it is not given (or was derived before: a derived
// value is derived again from the current impacts). Field paths are
// relative to the values.
func (x *Values) Normalize(s Settings) error {
	var v errs.Validation
	x.MBCO = strings.TrimSpace(x.MBCO)
	x.PeakPeriods = strings.TrimSpace(x.PeakPeriods)
	x.MinResources = strings.TrimSpace(x.MinResources)
	v.MaxLen("mbco", x.MBCO, 2000)
	v.MaxLen("peak_periods", x.PeakPeriods, 1000)
	v.MaxLen("min_resources", x.MinResources, 2000)
	if x.MinStaff != nil && *x.MinStaff < 0 {
		v.Add("min_staff", "must not be negative")
	}
	if x.RPOMinutes != nil && *x.RPOMinutes < 0 {
		v.Add("rpo_minutes", "must not be negative")
	}
	if x.RTOMinutes != nil && *x.RTOMinutes <= 0 {
		v.Add("rto_minutes", "must be at least 1 minute")
	}
	if x.MTPDDerived {
		x.MTPDMinutes, x.MTPDDerived = nil, false
	}
	if x.MTPDMinutes != nil && *x.MTPDMinutes <= 0 {
		v.Add("mtpd_minutes", "must be at least 1 minute")
	}
	if x.Impacts == nil {
		x.Impacts = []ImpactPoint{}
	}
	v.Check(len(x.Impacts) <= len(Categories)*len(s.TimePoints), "impacts", "has more ratings than categories × time points")
	type key struct {
		c Category
		t int
	}
	seen := map[key]bool{}
	for i := range x.Impacts {
		p := &x.Impacts[i]
		f := "impacts[" + strconv.Itoa(i) + "]"
		if !slices.Contains(Categories, p.Category) {
			v.Add(f+".category", "must be one of %s", join(Categories))
		}
		if !slices.Contains(s.TimePoints, p.AfterMinutes) {
			v.Add(f+".after_minutes", "must be one of the time points %s", minutesList(s.TimePoints))
		}
		if p.Level < 1 || p.Level > MaxLevel {
			v.Add(f+".level", "must be between 1 and %d", MaxLevel)
		}
		if p.Amount != nil {
			if p.Category != Financial {
				v.Add(f+".amount", "is for financial impacts only")
			} else if *p.Amount < 0 {
				v.Add(f+".amount", "must not be negative")
			}
		}
		k := key{p.Category, p.AfterMinutes}
		if seen[k] {
			v.Add(f, "rates %s at %s twice", p.Category, FormatMinutes(p.AfterMinutes))
		}
		seen[k] = true
	}
	if err := v.Err(); err != nil {
		return err
	}
	slices.SortStableFunc(x.Impacts, func(a, b ImpactPoint) int {
		if c := slices.Index(Categories, a.Category) - slices.Index(Categories, b.Category); c != 0 {
			return c
		}
		return a.AfterMinutes - b.AfterMinutes
	})
	// A disruption does not get better by lasting longer.
	for i := 1; i < len(x.Impacts); i++ {
		a, b := x.Impacts[i-1], x.Impacts[i]
		if a.Category == b.Category && b.Level < a.Level {
			v.Add("impacts", "%s impact falls from %d at %s to %d at %s; it must not decrease over time",
				b.Category, a.Level, FormatMinutes(a.AfterMinutes), b.Level, FormatMinutes(b.AfterMinutes))
		}
	}
	if x.MTPDMinutes == nil {
		x.MTPDMinutes = DeriveMTPD(x.Impacts, s.Intolerable)
		x.MTPDDerived = x.MTPDMinutes != nil
	}
	if x.RTOMinutes != nil && x.MTPDMinutes != nil && *x.RTOMinutes > *x.MTPDMinutes {
		how := "the MTPD"
		if x.MTPDDerived {
			how = "the MTPD derived from the impacts"
		}
		v.Add("rto_minutes", "must not be greater than %s (%s), RTO is %s", how, FormatMinutes(*x.MTPDMinutes), FormatMinutes(*x.RTOMinutes))
	}
	return v.Err()
}

// Thresholds turns the impacts into the crossing points of the graph: for
// each time point at which the highest level across categories rises, the
// level reached and the categories that reach it.
func (x *Values) Thresholds() []Threshold {
	byTime := map[int][]ImpactPoint{}
	var times []int
	for _, p := range x.Impacts {
		if _, ok := byTime[p.AfterMinutes]; !ok {
			times = append(times, p.AfterMinutes)
		}
		byTime[p.AfterMinutes] = append(byTime[p.AfterMinutes], p)
	}
	slices.Sort(times)
	var out []Threshold
	prev := 0
	for _, t := range times {
		top := 0
		for _, p := range byTime[t] {
			top = max(top, p.Level)
		}
		if top <= prev {
			continue
		}
		var cats []string
		for _, p := range byTime[t] {
			if p.Level == top {
				cats = append(cats, string(p.Category))
			}
		}
		out = append(out, Threshold{AfterMinutes: t, Level: top, Categories: cats})
		prev = top
	}
	return out
}

// Threshold is a time at which the highest impact of a process rises to a
// level.
type Threshold struct {
	AfterMinutes int      `json:"after_minutes"`
	Level        int      `json:"level"`
	Categories   []string `json:"categories"`
}

// Process is a business process (业务流程) under analysis.
type Process struct {
	ID          int64  `json:"id"`
	Code        string `json:"code" doc:"your own reference, e.g. BP-01; unique when given"`
	Name        string `json:"name"`
	NameEn      string `json:"name_en"`
	OwnerID     *int64 `json:"owner_id" doc:"the person who owns the process and answers its questionnaires"`
	UnitID      int64  `json:"unit_id" doc:"the org unit that runs the process"`
	Description string `json:"description"`
	Important   bool   `json:"important" doc:"supports important business (重要业务); single points of failure are counted for these"`
	Values
	// ApprovedAnswerID is the questionnaire answer whose values are
	// current, nil when they were entered directly.
	ApprovedAnswerID *int64     `json:"approved_answer_id" doc:"the approved questionnaire answer the values come from"`
	ApprovedAt       *time.Time `json:"approved_at"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// Ref is the process's node reference.
func (p *Process) Ref() string { return ProcessRef(p.ID) }

// Validate checks the process's own fields and normalizes its values;
// references to the directory are checked by the service.
func (p *Process) Validate(s Settings) error {
	var v errs.Validation
	p.Code = strings.TrimSpace(p.Code)
	p.Name = strings.TrimSpace(p.Name)
	p.NameEn = strings.TrimSpace(p.NameEn)
	p.Description = strings.TrimSpace(p.Description)
	v.MaxLen("code", p.Code, 50)
	v.Required("name", p.Name)
	v.MaxLen("name", p.Name, 200)
	v.MaxLen("name_en", p.NameEn, 200)
	v.MaxLen("description", p.Description, 4000)
	v.Check(p.UnitID > 0, "unit_id", "is required")
	if p.OwnerID != nil && *p.OwnerID <= 0 {
		v.Add("owner_id", "is not a person id")
	}
	v.Merge("", p.Values.Normalize(s))
	return v.Err()
}

// Resource is something processes depend on: an IT system, data, a site,
// a supplier, equipment or a key person or role.
type Resource struct {
	ID          int64        `json:"id"`
	Kind        ResourceKind `json:"kind" enum:"application,data,site,supplier,equipment,role"`
	Code        string       `json:"code" doc:"your own reference, e.g. APP-WMS; unique when given"`
	Name        string       `json:"name"`
	NameEn      string       `json:"name_en"`
	Description string       `json:"description"`
	UnitID      *int64       `json:"unit_id" doc:"the unit that manages the resource; none for a resource of the whole organisation (managed by the crisis office)"`
	SiteID      *int64       `json:"site_id" doc:"sites only: the site of the organisation this resource is"`
	OwnerID     *int64       `json:"owner_id" doc:"the person responsible; for a key role, its holder"`
	// RecoveryMinutes is how long it takes to restore the resource once
	// lost (its recovery capability).
	RecoveryMinutes *int      `json:"recovery_minutes" nullable:"true" doc:"time to recover the resource once lost; null when unknown"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// Ref is the resource's node reference.
func (r *Resource) Ref() string { return ResourceRef(r.ID) }

// Validate checks the resource's own fields.
func (r *Resource) Validate() error {
	var v errs.Validation
	r.Code = strings.TrimSpace(r.Code)
	r.Name = strings.TrimSpace(r.Name)
	r.NameEn = strings.TrimSpace(r.NameEn)
	r.Description = strings.TrimSpace(r.Description)
	if !slices.Contains(ResourceKinds, r.Kind) {
		v.Add("kind", "must be one of %s", join(ResourceKinds))
	}
	v.MaxLen("code", r.Code, 50)
	v.Required("name", r.Name)
	v.MaxLen("name", r.Name, 200)
	v.MaxLen("name_en", r.NameEn, 200)
	v.MaxLen("description", r.Description, 4000)
	if r.SiteID != nil && r.Kind != Site {
		v.Add("site_id", "is for resources of kind site only")
	}
	if r.RecoveryMinutes != nil && *r.RecoveryMinutes <= 0 {
		v.Add("recovery_minutes", "must be at least 1 minute, or null when unknown")
	}
	return v.Err()
}

// Dependency says that From depends on To, or on Alternative when To is
// lost (a backup supplier, a backup site). From, To and Alternative are
// node references ("p12", "r7"). A process may depend on resources and
// processes; a resource on resources.
type Dependency struct {
	ID          int64          `json:"id"`
	From        string         `json:"from" doc:"the dependent: a process (p12) or resource (r7)"`
	To          string         `json:"to" doc:"what it depends on: a process (p3) or resource (r7)"`
	Alternative string         `json:"alternative" doc:"what can stand in for it when it is lost, of the same family (resource or process); empty for none"`
	Type        DependencyType `json:"type" enum:"uses,hosted_on,located_at,supplied_by,staffed_by,input,other"`
	Note        string         `json:"note"`
	CreatedAt   time.Time      `json:"created_at"`
	UpdatedAt   time.Time      `json:"updated_at"`
}

// Validate checks the shape of the dependency; that its nodes exist is
// checked by the service.
func (d *Dependency) Validate() error {
	var v errs.Validation
	d.From, d.To, d.Alternative = strings.TrimSpace(d.From), strings.TrimSpace(d.To), strings.TrimSpace(d.Alternative)
	d.Note = strings.TrimSpace(d.Note)
	from, okFrom := ParseRef(d.From)
	to, okTo := ParseRef(d.To)
	if !okFrom {
		v.Add("from", "must be a process (p12) or resource (r7) reference")
	}
	if !okTo {
		v.Add("to", "must be a process (p12) or resource (r7) reference")
	}
	if d.Type == "" {
		d.Type = Uses
	}
	if !slices.Contains(DependencyTypes, d.Type) {
		v.Add("type", "must be one of %s", join(DependencyTypes))
	}
	v.MaxLen("note", d.Note, 1000)
	if okFrom && okTo {
		if from == to {
			v.Add("to", "a process or resource cannot depend on itself")
		}
		if !from.Process && to.Process {
			v.Add("to", "a resource cannot depend on a process")
		}
	}
	if d.Alternative != "" {
		alt, ok := ParseRef(d.Alternative)
		switch {
		case !ok:
			v.Add("alternative", "must be a process (p12) or resource (r7) reference, or empty")
		case okTo && alt == to:
			v.Add("alternative", "must differ from the dependency it stands in for")
		case okFrom && alt == from:
			v.Add("alternative", "a process or resource cannot stand in for itself")
		case okTo && alt.Process != to.Process:
			v.Add("alternative", "must be a %s, like what it stands in for", familyOf(to))
		}
	}
	return v.Err()
}

func familyOf(r NodeRef) string {
	if r.Process {
		return "process"
	}
	return "resource"
}

// NodeRef is a parsed node reference.
type NodeRef struct {
	Process bool
	ID      int64
}

// String is the reference as written: p12 or r7.
func (r NodeRef) String() string {
	if r.Process {
		return ProcessRef(r.ID)
	}
	return ResourceRef(r.ID)
}

// ProcessRef is the reference of process id.
func ProcessRef(id int64) string { return "p" + strconv.FormatInt(id, 10) }

// ResourceRef is the reference of resource id.
func ResourceRef(id int64) string { return "r" + strconv.FormatInt(id, 10) }

// ParseRef parses "p12" or "r7".
func ParseRef(s string) (NodeRef, bool) {
	if len(s) < 2 || (s[0] != 'p' && s[0] != 'r') {
		return NodeRef{}, false
	}
	id, err := strconv.ParseInt(s[1:], 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != s[1:] {
		return NodeRef{}, false
	}
	return NodeRef{Process: s[0] == 'p', ID: id}, true
}

// CampaignStatus is where a campaign is.
type CampaignStatus string

// The campaign statuses.
const (
	CampaignOpen   CampaignStatus = "open"
	CampaignClosed CampaignStatus = "closed"
)

// Campaign is a round of BIA questionnaires the crisis office sends to
// the owners of a set of processes.
type Campaign struct {
	ID          int64          `json:"id"`
	Name        string         `json:"name"`
	NameEn      string         `json:"name_en"`
	Description string         `json:"description"`
	Due         string         `json:"due" doc:"answers are due by this day, YYYY-MM-DD"`
	Status      CampaignStatus `json:"status"`
	ProcessIDs  []int64        `json:"process_ids"`
	// Progress counts the answers by status.
	Progress     Progress   `json:"progress"`
	LaunchedBy   int64      `json:"launched_by"`
	LaunchedName string     `json:"launched_by_name"`
	LaunchedAt   time.Time  `json:"launched_at"`
	ClosedAt     *time.Time `json:"closed_at"`
}

// Progress counts a campaign's answers by status.
type Progress struct {
	Pending   int `json:"pending"`
	Draft     int `json:"draft"`
	Submitted int `json:"submitted"`
	Returned  int `json:"returned"`
	Approved  int `json:"approved"`
	Total     int `json:"total"`
}

// Add counts one answer of the given status.
func (p *Progress) Add(s AnswerStatus) {
	switch s {
	case Pending:
		p.Pending++
	case Draft:
		p.Draft++
	case Submitted:
		p.Submitted++
	case Returned:
		p.Returned++
	case Approved:
		p.Approved++
	}
	p.Total++
}

// Validate checks the campaign as launched.
func (c *Campaign) Validate() error {
	var v errs.Validation
	c.Name, c.NameEn = strings.TrimSpace(c.Name), strings.TrimSpace(c.NameEn)
	c.Description, c.Due = strings.TrimSpace(c.Description), strings.TrimSpace(c.Due)
	v.Required("name", c.Name)
	v.MaxLen("name", c.Name, 200)
	v.MaxLen("name_en", c.NameEn, 200)
	v.MaxLen("description", c.Description, 4000)
	if c.Due != "" {
		if _, err := time.Parse(DateLayout, c.Due); err != nil {
			v.Add("due", "must be a date as YYYY-MM-DD")
		}
	}
	v.Check(len(c.ProcessIDs) >= 1, "process_ids", "must list at least one process")
	v.Check(len(c.ProcessIDs) <= 2000, "process_ids", "at most 2000 processes")
	seen := map[int64]bool{}
	for i, id := range c.ProcessIDs {
		f := "process_ids[" + strconv.Itoa(i) + "]"
		if id <= 0 {
			v.Add(f, "is not a process id")
		} else if seen[id] {
			v.Add(f, "is listed twice")
		}
		seen[id] = true
	}
	return v.Err()
}

// AnswerStatus is where a questionnaire answer is.
type AnswerStatus string

// The answer statuses: pending (sent, not yet touched), draft (saved by
// the owner), submitted (waiting for the office), returned (sent back with
// a comment), approved (its values are the process's current values).
const (
	Pending   AnswerStatus = "pending"
	Draft     AnswerStatus = "draft"
	Submitted AnswerStatus = "submitted"
	Returned  AnswerStatus = "returned"
	Approved  AnswerStatus = "approved"
)

// AnswerStatuses lists the answer statuses.
var AnswerStatuses = []AnswerStatus{Pending, Draft, Submitted, Returned, Approved}

// Editable reports whether the owner may still change the answer.
func (s AnswerStatus) Editable() bool { return s == Pending || s == Draft || s == Returned }

// Answer is one process's questionnaire in a campaign.
type Answer struct {
	ID         int64        `json:"id"`
	CampaignID int64        `json:"campaign_id"`
	ProcessID  int64        `json:"process_id"`
	Status     AnswerStatus `json:"status"`
	Values     Values       `json:"values"`
	// Comment is the office's comment when it returned the answer.
	Comment         string     `json:"comment"`
	SubmittedBy     int64      `json:"submitted_by"`
	SubmittedByName string     `json:"submitted_by_name"`
	SubmittedAt     *time.Time `json:"submitted_at"`
	ReviewedBy      int64      `json:"reviewed_by"`
	ReviewedByName  string     `json:"reviewed_by_name"`
	ReviewedAt      *time.Time `json:"reviewed_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// AnswerEvent is one step in the life of an answer, kept for ever with the
// values as they were.
type AnswerEvent struct {
	ID        int64        `json:"id"`
	AnswerID  int64        `json:"answer_id"`
	Action    string       `json:"action" doc:"sent, saved, submitted, returned or approved"`
	Status    AnswerStatus `json:"status" doc:"the status after the step"`
	Values    Values       `json:"values"`
	Comment   string       `json:"comment"`
	ActorID   int64        `json:"actor_id"`
	ActorName string       `json:"actor_name"`
	At        time.Time    `json:"at"`
}

// AnswerFilter selects answers.
type AnswerFilter struct {
	CampaignID int64
	ProcessID  int64
	Status     AnswerStatus
}

// ProcessFilter selects processes.
type ProcessFilter struct {
	UnitID    int64 // 0: all; otherwise the unit's subtree
	Important bool  // only important processes
	Query     string
}

// GraphData is everything the dependency graph is built from.
type GraphData struct {
	Revision     int64
	Processes    []Process
	Resources    []Resource
	Dependencies []Dependency
}

// Store is the storage the BIA service needs. Every change to processes,
// resources, dependencies or settings advances the BIA revision in the
// same transaction, so that each server process can tell when its
// in-memory graph is stale.
type Store interface {
	BIASettings(ctx context.Context) (Settings, error)
	SaveBIASettings(ctx context.Context, s Settings) error
	// BIARevision is the current revision of the BIA data.
	BIARevision(ctx context.Context) (int64, error)
	// BIAGraphData loads every process, resource and dependency, and the
	// revision they are at, from one consistent snapshot.
	BIAGraphData(ctx context.Context) (GraphData, error)

	CreateProcess(ctx context.Context, p *Process) error
	UpdateProcess(ctx context.Context, p *Process) error
	DeleteProcess(ctx context.Context, id int64) error
	ProcessByID(ctx context.Context, id int64) (Process, error)
	ProcessByCode(ctx context.Context, code string) (Process, error)
	ProcessesByIDs(ctx context.Context, ids []int64) (map[int64]Process, error)
	ListProcesses(ctx context.Context, f ProcessFilter) ([]Process, error)

	CreateResource(ctx context.Context, r *Resource) error
	UpdateResource(ctx context.Context, r *Resource) error
	DeleteResource(ctx context.Context, id int64) error
	ResourceByID(ctx context.Context, id int64) (Resource, error)
	ResourceByCode(ctx context.Context, code string) (Resource, error)
	ListResources(ctx context.Context, kind ResourceKind) ([]Resource, error)

	CreateDependency(ctx context.Context, d *Dependency) error
	UpdateDependency(ctx context.Context, d *Dependency) error
	DeleteDependency(ctx context.Context, id int64) error
	DependencyByID(ctx context.Context, id int64) (Dependency, error)
	// ListDependencies returns the dependencies touching a node (as
	// dependent, target or alternative), or all of them for "".
	ListDependencies(ctx context.Context, node string) ([]Dependency, error)
	// TransitiveDependents finds, with a recursive query in the database,
	// every node that depends on node directly or transitively through
	// dependencies of any kind, alternatives ignored.
	TransitiveDependents(ctx context.Context, node string) ([]string, error)

	CreateCampaign(ctx context.Context, c *Campaign) error
	UpdateCampaign(ctx context.Context, c *Campaign) error
	CampaignByID(ctx context.Context, id int64) (Campaign, error)
	ListCampaigns(ctx context.Context) ([]Campaign, error)

	CreateAnswer(ctx context.Context, a *Answer) error
	UpdateAnswer(ctx context.Context, a *Answer) error
	AnswerByID(ctx context.Context, id int64) (Answer, error)
	ListAnswers(ctx context.Context, f AnswerFilter) ([]Answer, error)
	AddAnswerEvent(ctx context.Context, e *AnswerEvent) error
	AnswerEvents(ctx context.Context, answerID int64) ([]AnswerEvent, error)

	UnitByID(ctx context.Context, id int64) (org.Unit, error)
	SiteByID(ctx context.Context, id int64) (org.Site, error)
	PeopleByIDs(ctx context.Context, ids []int64) (map[int64]org.Person, error)
}

// FormatMinutes writes a duration in minutes the way BIA tables do: 30m,
// 4h, 1d, 1w, 1d 6h.
func FormatMinutes(m int) string {
	if m <= 0 {
		return "0m"
	}
	var parts []string
	for _, u := range []struct {
		n    int
		unit string
	}{{10080, "w"}, {1440, "d"}, {60, "h"}, {1, "m"}} {
		if m >= u.n {
			parts = append(parts, fmt.Sprintf("%d%s", m/u.n, u.unit))
			m %= u.n
		}
	}
	return strings.Join(parts, " ")
}

func minutesList(ts []int) string {
	parts := make([]string, len(ts))
	for i, t := range ts {
		parts[i] = fmt.Sprintf("%d (%s)", t, FormatMinutes(t))
	}
	return strings.Join(parts, ", ")
}

func join[T ~string](set []T) string {
	parts := make([]string, len(set))
	for i, s := range set {
		parts[i] = string(s)
	}
	return strings.Join(parts, ", ")
}

// Package warning is early warning (预警): indicators with thresholds per
// warning level, the observations that feed them (by API, from Prometheus
// Alertmanager and from CAP 1.2 alerts), the warnings raised when a
// threshold is crossed or issued by the crisis office, and the
// acknowledgement every recipient department owes, with the measures it
// took. Every change of a warning is kept as history. Sending the warning
// to people is the notification engine's work: the service hands each
// change to a Notifier inside the change's transaction (an outbox).
package warning

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/org"
)

// Level is a warning level: 1 red (Ⅰ, the highest) to 4 blue (Ⅳ). The zero
// level means no warning.
type Level int

// The warning levels (预警级别).
const (
	None   Level = 0
	Red    Level = 1 // 红色 Ⅰ级
	Orange Level = 2 // 橙色 Ⅱ级
	Yellow Level = 3 // 黄色 Ⅲ级
	Blue   Level = 4 // 蓝色 Ⅳ级
)

// Levels lists the levels from the lowest (blue) to the highest (red).
var Levels = []Level{Blue, Yellow, Orange, Red}

// Valid reports whether l is one of the four levels.
func (l Level) Valid() bool { return l >= Red && l <= Blue }

// Above reports whether l is more severe than o; every level is above None.
func (l Level) Above(o Level) bool {
	if !l.Valid() {
		return false
	}
	return !o.Valid() || l < o
}

// Color is the level's colour name: red, orange, yellow or blue.
func (l Level) Color() string {
	switch l {
	case Red:
		return "red"
	case Orange:
		return "orange"
	case Yellow:
		return "yellow"
	case Blue:
		return "blue"
	}
	return "none"
}

// Roman is the level's numeral: Ⅰ to Ⅳ.
func (l Level) Roman() string {
	switch l {
	case Red:
		return "Ⅰ"
	case Orange:
		return "Ⅱ"
	case Yellow:
		return "Ⅲ"
	case Blue:
		return "Ⅳ"
	}
	return ""
}

// NameZh is the level's Chinese name, such as 黄色预警(Ⅲ级).
func (l Level) NameZh() string {
	c := map[Level]string{Red: "红色", Orange: "橙色", Yellow: "黄色", Blue: "蓝色"}[l]
	if c == "" {
		return "无预警"
	}
	return c + "预警(" + l.Roman() + "级)"
}

// NameEn is the level's English name, such as "yellow warning (level III)".
func (l Level) NameEn() string {
	r := map[Level]string{Red: "I", Orange: "II", Yellow: "III", Blue: "IV"}[l]
	if r == "" {
		return "no warning"
	}
	return l.Color() + " warning (level " + r + ")"
}

// ParseLevel reads a level written as a colour (red, 红, 红色), a numeral
// (1, I, Ⅰ) or a number from 1 to 4.
func ParseLevel(s string) (Level, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "red", "红", "红色", "1", "i", "ⅰ", "Ⅰ":
		return Red, nil
	case "orange", "橙", "橙色", "2", "ii", "ⅱ", "Ⅱ":
		return Orange, nil
	case "yellow", "黄", "黄色", "3", "iii", "ⅲ", "Ⅲ":
		return Yellow, nil
	case "blue", "蓝", "蓝色", "4", "iv", "ⅳ", "Ⅳ":
		return Blue, nil
	}
	return None, fmt.Errorf("%q is not a warning level (red, orange, yellow, blue or 1 to 4)", s)
}

// SourceKind is where an indicator's observations come from.
type SourceKind string

// The sources of observations.
const (
	SourceAPI          SourceKind = "api"
	SourceAlertmanager SourceKind = "alertmanager"
	SourceCAP          SourceKind = "cap"
	// SourceManual marks warnings issued by hand; it is not an indicator
	// source.
	SourceManual SourceKind = "manual"
)

// SourceKinds lists the indicator sources.
var SourceKinds = []SourceKind{SourceAPI, SourceAlertmanager, SourceCAP}

// Direction says which way an indicator gets worse.
type Direction string

// The directions.
const (
	HigherIsWorse Direction = "higher_is_worse" // temperature, backlog, rainfall, river level
	LowerIsWorse  Direction = "lower_is_worse"  // typhoon distance, stock on hand
)

// Aggregation is how the observations of a window make the value compared
// with the thresholds.
type Aggregation string

// The aggregations.
const (
	AggLast Aggregation = "last" // the latest observation
	AggMax  Aggregation = "max"
	AggMin  Aggregation = "min"
	AggSum  Aggregation = "sum" // e.g. rainfall in 3 h
	AggAvg  Aggregation = "avg"
)

// Aggregations lists the aggregations.
var Aggregations = []Aggregation{AggLast, AggMax, AggMin, AggSum, AggAvg}

// Thresholds are the values at which each level is reached. A level
// without a threshold is never reached by the indicator. They must be
// monotonic in the indicator's direction: rising from blue to red when
// higher is worse, falling when lower is worse.
type Thresholds struct {
	Blue   *float64 `json:"blue,omitempty" doc:"level Ⅳ"`
	Yellow *float64 `json:"yellow,omitempty" doc:"level Ⅲ"`
	Orange *float64 `json:"orange,omitempty" doc:"level Ⅱ"`
	Red    *float64 `json:"red,omitempty" doc:"level Ⅰ"`
}

// Of returns the threshold of a level, or nil.
func (t Thresholds) Of(l Level) *float64 {
	switch l {
	case Red:
		return t.Red
	case Orange:
		return t.Orange
	case Yellow:
		return t.Yellow
	case Blue:
		return t.Blue
	}
	return nil
}

// Contact is someone outside the directory who receives a warning: a
// partner, a customer, a landlord.
type Contact struct {
	Name         string `json:"name"`
	Organisation string `json:"organisation,omitempty"`
	Email        string `json:"email,omitempty"`
	Mobile       string `json:"mobile,omitempty"`
	Lang         string `json:"lang,omitempty" required:"false" doc:"language of the messages: zh-CN (default) or en"`
}

// Audience is who receives a warning. The units are the recipient
// departments: each must acknowledge it and record its measures.
type Audience struct {
	UnitIDs   []int64        `json:"unit_ids" required:"false" doc:"recipient departments (with everyone in them); each must acknowledge"`
	TeamIDs   []int64        `json:"team_ids" required:"false" doc:"teams whose members receive it"`
	Roles     []org.TeamRole `json:"roles" required:"false" doc:"team seats whose holders receive it, e.g. liaison"`
	PersonIDs []int64        `json:"person_ids" required:"false" doc:"individual people"`
	Partners  []Contact      `json:"partners" required:"false" doc:"contacts outside the directory"`
}

// Empty reports whether the audience names nobody.
func (a *Audience) Empty() bool {
	return len(a.UnitIDs)+len(a.TeamIDs)+len(a.Roles)+len(a.PersonIDs)+len(a.Partners) == 0
}

func (a *Audience) normalise() {
	if a.UnitIDs == nil {
		a.UnitIDs = []int64{}
	}
	if a.TeamIDs == nil {
		a.TeamIDs = []int64{}
	}
	if a.Roles == nil {
		a.Roles = []org.TeamRole{}
	}
	if a.PersonIDs == nil {
		a.PersonIDs = []int64{}
	}
	if a.Partners == nil {
		a.Partners = []Contact{}
	}
}

// validate checks the shape of the audience; the service checks that the
// ids exist.
func (a *Audience) validate(v *errs.Validation, prefix string) {
	a.normalise()
	ids := func(field string, list []int64) {
		v.Check(len(list) <= 500, prefix+field, "at most 500 entries")
		seen := map[int64]bool{}
		for i, id := range list {
			f := prefix + field + "[" + strconv.Itoa(i) + "]"
			if id <= 0 {
				v.Add(f, "is not an id")
			} else if seen[id] {
				v.Add(f, "is listed twice")
			}
			seen[id] = true
		}
	}
	ids("unit_ids", a.UnitIDs)
	ids("team_ids", a.TeamIDs)
	ids("person_ids", a.PersonIDs)
	for i, r := range a.Roles {
		if !oneOf(r, org.TeamRoles) {
			v.Add(prefix+"roles["+strconv.Itoa(i)+"]", "must be one of %s", join(org.TeamRoles))
		}
	}
	v.Check(len(a.Partners) <= 200, prefix+"partners", "at most 200 contacts")
	for i := range a.Partners {
		c := &a.Partners[i]
		f := prefix + "partners[" + strconv.Itoa(i) + "]"
		c.Name, c.Organisation = strings.TrimSpace(c.Name), strings.TrimSpace(c.Organisation)
		c.Email, c.Mobile = strings.TrimSpace(c.Email), strings.TrimSpace(c.Mobile)
		v.Required(f+".name", c.Name)
		v.MaxLen(f+".name", c.Name, 200)
		v.MaxLen(f+".organisation", c.Organisation, 200)
		if c.Email == "" && c.Mobile == "" {
			v.Add(f, "needs an email or a mobile number")
		}
		c.Lang = strings.TrimSpace(c.Lang)
		// The rules of the notification engine, which sends to partners.
		if c.Email != "" && !notify.ValidEmail(c.Email) {
			v.Add(f+".email", "is not an email address")
		}
		if c.Mobile != "" && !notify.ValidPhone(c.Mobile) {
			v.Add(f+".mobile", "is not a mobile number: digits, spaces, dashes and brackets, with an optional leading +")
		}
		v.Check(c.Lang == "" || c.Lang == notify.LangZh || c.Lang == notify.LangEn, f+".lang", "must be zh-CN or en")
	}
}

// Indicator is a monitored quantity with thresholds per warning level
// (预警指标/预警值).
type Indicator struct {
	ID          int64       `json:"id"`
	Code        string      `json:"code" doc:"unique reference, used by Alertmanager labels and CAP parameters"`
	Name        string      `json:"name"`
	NameEn      string      `json:"name_en"`
	Description string      `json:"description"`
	Measure     string      `json:"measure" doc:"unit of measure, such as °C, mm, km, orders, %"`
	Source      SourceKind  `json:"source" enum:"api,alertmanager,cap"`
	OwnerUnitID int64       `json:"owner_unit_id" doc:"the unit that owns the indicator"`
	Direction   Direction   `json:"direction" enum:"higher_is_worse,lower_is_worse"`
	Thresholds  Thresholds  `json:"thresholds"`
	Aggregation Aggregation `json:"aggregation" enum:"last,max,min,sum,avg"`
	// WindowMinutes is the span aggregated, such as 180 for "50 mm in 3 h".
	WindowMinutes int `json:"window_minutes" doc:"span of observations aggregated, in minutes; 0 with aggregation last"`
	// Hysteresis keeps a warning from flapping: once a level is reached,
	// the value must fall back past its threshold by this much before the
	// warning is lowered or lifted.
	Hysteresis float64  `json:"hysteresis" doc:"how far past a threshold the value must come back before a warning is lowered or lifted"`
	Audience   Audience `json:"audience" doc:"who receives the warnings the indicator raises"`
	Active     bool     `json:"active" doc:"inactive indicators store observations but raise nothing"`

	// The state of evaluation, kept by the service.
	Level      Level      `json:"level" doc:"the level the indicator is at: 0 none, 1 red … 4 blue"`
	Value      *float64   `json:"value" doc:"the last evaluated value"`
	ObservedAt *time.Time `json:"observed_at"`
	WarningID  *int64     `json:"warning_id" doc:"the active warning the indicator raised"`

	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Window is the span aggregated.
func (ind *Indicator) Window() time.Duration { return time.Duration(ind.WindowMinutes) * time.Minute }

// Validate checks the indicator's own fields and its thresholds.
func (ind *Indicator) Validate() error {
	var v errs.Validation
	ind.Code = strings.TrimSpace(ind.Code)
	ind.Name = strings.TrimSpace(ind.Name)
	ind.NameEn = strings.TrimSpace(ind.NameEn)
	ind.Measure = strings.TrimSpace(ind.Measure)
	v.Required("code", ind.Code)
	v.MaxLen("code", ind.Code, 64)
	if ind.Code != "" && !codeOK(ind.Code) {
		v.Add("code", "may hold only letters, digits, '-', '_' and '.'")
	}
	v.Required("name", ind.Name)
	v.MaxLen("name", ind.Name, 200)
	v.MaxLen("name_en", ind.NameEn, 200)
	v.MaxLen("description", ind.Description, 4000)
	v.MaxLen("measure", ind.Measure, 30)
	if ind.Source == "" {
		ind.Source = SourceAPI
	}
	if !oneOf(ind.Source, SourceKinds) {
		v.Add("source", "must be one of %s", join(SourceKinds))
	}
	v.Check(ind.OwnerUnitID > 0, "owner_unit_id", "is required")
	if ind.Direction != HigherIsWorse && ind.Direction != LowerIsWorse {
		v.Add("direction", "must be higher_is_worse or lower_is_worse")
	}
	if ind.Aggregation == "" {
		ind.Aggregation = AggLast
	}
	if !oneOf(ind.Aggregation, Aggregations) {
		v.Add("aggregation", "must be one of %s", join(Aggregations))
	}
	switch {
	case ind.WindowMinutes < 0 || ind.WindowMinutes > 60*24*31:
		v.Add("window_minutes", "must be between 0 and 44640 (31 days)")
	case ind.Aggregation != AggLast && ind.WindowMinutes == 0:
		v.Add("window_minutes", "is required with aggregation %s", ind.Aggregation)
	}
	if math.IsNaN(ind.Hysteresis) || math.IsInf(ind.Hysteresis, 0) || ind.Hysteresis < 0 {
		v.Add("hysteresis", "must be a number not below 0")
	}
	ind.Thresholds.validate(&v, ind.Direction, ind.Source != SourceCAP)
	ind.Audience.validate(&v, "audience.")
	return v.Err()
}

func codeOK(s string) bool {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// validate checks that each threshold is a finite number, that they rise
// (or fall) strictly from blue to red and, when required, that at least
// one is set. CAP indicators need none: their alerts carry the level.
func (t Thresholds) validate(v *errs.Validation, d Direction, required bool) {
	var prev *float64
	var prevLevel Level
	n := 0
	for _, l := range Levels {
		x := t.Of(l)
		if x == nil {
			continue
		}
		n++
		f := "thresholds." + l.Color()
		if math.IsNaN(*x) || math.IsInf(*x, 0) {
			v.Add(f, "must be a finite number")
			continue
		}
		if prev != nil {
			switch d {
			case HigherIsWorse:
				if !(*x > *prev) {
					v.Add(f, "must be above the %s threshold (%g) when higher is worse", prevLevel.Color(), *prev)
				}
			case LowerIsWorse:
				if !(*x < *prev) {
					v.Add(f, "must be below the %s threshold (%g) when lower is worse", prevLevel.Color(), *prev)
				}
			}
		}
		prev, prevLevel = x, l
	}
	v.Check(n > 0 || !required, "thresholds", "at least one level needs a threshold")
}

// Observation is one measured value of an indicator.
type Observation struct {
	ID          int64             `json:"id"`
	IndicatorID int64             `json:"indicator_id"`
	Value       float64           `json:"value"`
	ObservedAt  time.Time         `json:"observed_at"`
	Source      SourceKind        `json:"source"`
	Labels      map[string]string `json:"labels"`
	ReceivedAt  time.Time         `json:"received_at"`
}

// Status is where a warning stands.
type Status string

// The warning statuses. Upgraded and downgraded warnings are in force, at
// their new level.
const (
	StatusActive     Status = "active"
	StatusUpgraded   Status = "upgraded"
	StatusDowngraded Status = "downgraded"
	StatusLifted     Status = "lifted"
	StatusExpired    Status = "expired"
)

// Statuses lists the statuses.
var Statuses = []Status{StatusActive, StatusUpgraded, StatusDowngraded, StatusLifted, StatusExpired}

// InForce reports whether a warning with status s is still in force.
func (s Status) InForce() bool {
	return s == StatusActive || s == StatusUpgraded || s == StatusDowngraded
}

// The CAP 1.2 categories a warning can carry.
var Categories = []string{"Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env", "Transport", "Infra", "CBRNE", "Other"}

// Warning is a warning in force or ended (预警).
type Warning struct {
	ID          int64      `json:"id"`
	Level       Level      `json:"level" doc:"1 red (Ⅰ) … 4 blue (Ⅳ)"`
	Title       string     `json:"title"`
	TitleEn     string     `json:"title_en"`
	Category    string     `json:"category" doc:"CAP category: Geo, Met, Safety, Security, Rescue, Fire, Health, Env, Transport, Infra, CBRNE, Other"`
	Area        string     `json:"area" doc:"affected area, in words"`
	UnitIDs     []int64    `json:"unit_ids" doc:"affected org units"`
	Impact      string     `json:"impact" doc:"expected impact"`
	Measures    string     `json:"measures" doc:"required measures"`
	ValidUntil  *time.Time `json:"valid_until" doc:"when the warning expires unless extended or lifted"`
	Audience    Audience   `json:"audience"`
	Status      Status     `json:"status"`
	Source      SourceKind `json:"source" doc:"manual, api, alertmanager or cap"`
	IndicatorID *int64     `json:"indicator_id" doc:"the indicator that raised it"`
	// SourceRef identifies the outside message behind the warning: a CAP
	// "sender,identifier" or an Alertmanager fingerprint.
	SourceRef string   `json:"source_ref"`
	Value     *float64 `json:"value" doc:"the indicator value that set the current level"`
	// Revision counts the times the warning was raised to a higher level:
	// acknowledgements are owed again for each revision.
	Revision     int        `json:"revision"`
	AckDueAt     time.Time  `json:"ack_due_at" doc:"when acknowledgements of the current revision are overdue"`
	IssuedBy     int64      `json:"issued_by" doc:"the user who issued it; 0 for the system"`
	IssuedByName string     `json:"issued_by_name"`
	IssuedAt     time.Time  `json:"issued_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
	EndedAt      *time.Time `json:"ended_at" doc:"when it was lifted or expired"`
}

// Validate checks the warning's fields.
func (w *Warning) Validate() error {
	var v errs.Validation
	w.Title = strings.TrimSpace(w.Title)
	w.TitleEn = strings.TrimSpace(w.TitleEn)
	w.Area = strings.TrimSpace(w.Area)
	w.Impact = strings.TrimSpace(w.Impact)
	w.Measures = strings.TrimSpace(w.Measures)
	v.Check(w.Level.Valid(), "level", "must be 1 (red), 2 (orange), 3 (yellow) or 4 (blue)")
	v.Required("title", w.Title)
	v.MaxLen("title", w.Title, 300)
	v.MaxLen("title_en", w.TitleEn, 300)
	if w.Category == "" {
		w.Category = "Other"
	}
	if !oneOf(w.Category, Categories) {
		v.Add("category", "must be one of %s", strings.Join(Categories, ", "))
	}
	v.MaxLen("area", w.Area, 2000)
	v.MaxLen("impact", w.Impact, 4000)
	v.MaxLen("measures", w.Measures, 4000)
	if w.UnitIDs == nil {
		w.UnitIDs = []int64{}
	}
	seen := map[int64]bool{}
	for i, id := range w.UnitIDs {
		f := "unit_ids[" + strconv.Itoa(i) + "]"
		if id <= 0 {
			v.Add(f, "is not an id")
		} else if seen[id] {
			v.Add(f, "is listed twice")
		}
		seen[id] = true
	}
	w.Audience.validate(&v, "audience.")
	v.Check(!w.Audience.Empty(), "audience", "name at least one unit, team, role, person or partner")
	return v.Err()
}

// Action is what happened to a warning in one change of its history.
type Action string

// The actions of the history.
const (
	ActRaised       Action = "raised"
	ActUpgraded     Action = "upgraded"
	ActDowngraded   Action = "downgraded"
	ActLifted       Action = "lifted"
	ActExpired      Action = "expired"
	ActUpdated      Action = "updated" // new content at the same level (a CAP update)
	ActAcknowledged Action = "acknowledged"
)

// Event is one change of a warning, kept for ever.
type Event struct {
	ID        int64      `json:"id"`
	WarningID int64      `json:"warning_id"`
	Action    Action     `json:"action"`
	FromLevel Level      `json:"from_level"`
	ToLevel   Level      `json:"to_level"`
	Value     *float64   `json:"value" doc:"the indicator value, when an observation caused the change"`
	Source    SourceKind `json:"source"`
	UnitID    *int64     `json:"unit_id" doc:"the acknowledging unit"`
	Note      string     `json:"note"`
	By        int64      `json:"by" doc:"the user; 0 for the system"`
	ByName    string     `json:"by_name"`
	At        time.Time  `json:"at"`
}

// Ack is a recipient department's acknowledgement of a warning, with the
// measures it took (预警响应).
type Ack struct {
	ID          int64     `json:"id"`
	WarningID   int64     `json:"warning_id"`
	UnitID      int64     `json:"unit_id"`
	Revision    int       `json:"revision" doc:"the warning revision acknowledged"`
	Level       Level     `json:"level" doc:"the level acknowledged"`
	Measures    string    `json:"measures" doc:"the measures the unit took"`
	AckedBy     int64     `json:"acked_by"`
	AckedByName string    `json:"acked_by_name"`
	AckedAt     time.Time `json:"acked_at"`
}

// UnitAck is the acknowledgement state of one recipient department for
// the current revision of a warning.
type UnitAck struct {
	UnitID     int64  `json:"unit_id"`
	UnitName   string `json:"unit_name"`
	UnitNameEn string `json:"unit_name_en"`
	Acked      bool   `json:"acked"`
	Ack        *Ack   `json:"ack" doc:"the latest acknowledgement of the current revision"`
	Overdue    bool   `json:"overdue"`
}

// PendingAck is a recipient department that has not acknowledged the
// current revision of a warning in force by its due time: what the
// notification engine escalates.
type PendingAck struct {
	WarningID  int64     `json:"warning_id"`
	Revision   int       `json:"revision"`
	Level      Level     `json:"level"`
	Title      string    `json:"title"`
	TitleEn    string    `json:"title_en"`
	UnitID     int64     `json:"unit_id"`
	UnitName   string    `json:"unit_name"`
	UnitNameEn string    `json:"unit_name_en"`
	UnitPath   string    `json:"-"`
	DueAt      time.Time `json:"due_at"`
}

// Filter selects warnings for the list.
type Filter struct {
	Status      Status // "" for all
	InForce     bool   // only active, upgraded and downgraded
	Level       Level  // 0 for all
	IndicatorID int64
	UnitID      int64 // warnings whose recipient units include this unit
	Limit       int   // 0 means 50; at most 500
	Offset      int
}

// Feed is a polled source of CAP alerts: an Atom feed of CAP entries or a
// URL that returns one CAP document.
type Feed struct {
	ID              int64      `json:"id"`
	Name            string     `json:"name"`
	URL             string     `json:"url"`
	IntervalSeconds int        `json:"interval_seconds" doc:"how often it is polled; at least 60"`
	Active          bool       `json:"active"`
	LastPolledAt    *time.Time `json:"last_polled_at"`
	LastError       string     `json:"last_error"`
	CreatedAt       time.Time  `json:"created_at"`
}

// Validate checks the feed.
func (f *Feed) Validate() error {
	var v errs.Validation
	f.Name, f.URL = strings.TrimSpace(f.Name), strings.TrimSpace(f.URL)
	v.Required("name", f.Name)
	v.MaxLen("name", f.Name, 200)
	v.Required("url", f.URL)
	v.MaxLen("url", f.URL, 2000)
	if f.URL != "" && !strings.HasPrefix(f.URL, "http://") && !strings.HasPrefix(f.URL, "https://") {
		v.Add("url", "must be an http or https URL")
	}
	if f.IntervalSeconds == 0 {
		f.IntervalSeconds = 300
	}
	v.Check(f.IntervalSeconds >= 60 && f.IntervalSeconds <= 86400, "interval_seconds", "must be between 60 and 86400")
	return v.Err()
}

// Store is the storage the warning service needs.
type Store interface {
	CreateIndicator(ctx context.Context, ind *Indicator) error
	// UpdateIndicator stores the definition, leaving the evaluation state.
	UpdateIndicator(ctx context.Context, ind *Indicator) error
	// SetIndicatorState stores the evaluation state: level, value,
	// observation time and active warning.
	SetIndicatorState(ctx context.Context, ind *Indicator) error
	DeleteIndicator(ctx context.Context, id int64) error
	IndicatorByID(ctx context.Context, id int64) (Indicator, error)
	IndicatorByCode(ctx context.Context, code string) (Indicator, error)
	ListIndicators(ctx context.Context) ([]Indicator, error)

	AddObservation(ctx context.Context, o *Observation) error
	// Observations returns an indicator's observations with from <
	// observed_at <= to, oldest first, at most limit.
	Observations(ctx context.Context, indicatorID int64, from, to time.Time, limit int) ([]Observation, error)
	// LatestObservation returns the most recent observation, or NotFound.
	LatestObservation(ctx context.Context, indicatorID int64) (Observation, error)

	CreateWarning(ctx context.Context, w *Warning) error
	// UpdateWarning stores every field of a stored warning.
	UpdateWarning(ctx context.Context, w *Warning) error
	WarningByID(ctx context.Context, id int64) (Warning, error)
	ListWarnings(ctx context.Context, f Filter) ([]Warning, int, error)
	// ExpiredWarnings returns the warnings in force whose valid_until is
	// not after now.
	ExpiredWarnings(ctx context.Context, now time.Time) ([]Warning, error)

	AddEvent(ctx context.Context, e *Event) error
	Events(ctx context.Context, warningID int64) ([]Event, error)
	// BoardRevision returns a token that changes with every history event
	// and with every warning in force whose acknowledgements fall due.
	BoardRevision(ctx context.Context, now time.Time) (string, error)

	AddAck(ctx context.Context, a *Ack) error
	Acks(ctx context.Context, warningID int64) ([]Ack, error)
	// OverdueAcks returns, for every warning in force whose ack_due_at is
	// not after now, the recipient units with no acknowledgement of its
	// current revision.
	OverdueAcks(ctx context.Context, now time.Time) ([]PendingAck, error)

	// CAPSeen reports whether a CAP alert (by sender and identifier) was
	// applied before, and the warning it applied to.
	CAPSeen(ctx context.Context, sender, identifier string) (warningID *int64, seen bool, err error)
	// MarkCAPSeen records a CAP alert as applied, to the warning when one.
	MarkCAPSeen(ctx context.Context, sender, identifier string, warningID *int64, at time.Time) error

	CreateFeed(ctx context.Context, f *Feed) error
	UpdateFeed(ctx context.Context, f *Feed) error
	DeleteFeed(ctx context.Context, id int64) error
	FeedByID(ctx context.Context, id int64) (Feed, error)
	ListFeeds(ctx context.Context) ([]Feed, error)

	// Lock takes a lock by name for the rest of the transaction in ctx,
	// so that two changes of one indicator or warning do not interleave.
	Lock(ctx context.Context, name string) error

	UnitByID(ctx context.Context, id int64) (org.Unit, error)
	ListUnits(ctx context.Context) ([]org.Unit, error)
	PeopleByIDs(ctx context.Context, ids []int64) (map[int64]org.Person, error)
	ListPeople(ctx context.Context, f org.PeopleFilter) ([]org.Person, int, error)
	TeamByID(ctx context.Context, id int64) (org.Team, error)
	ListTeams(ctx context.Context) ([]org.Team, error)
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

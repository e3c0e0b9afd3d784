package plan

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// Content is what a version of a plan says, in the chapters of GB/T
// 29639-2020 and ISO 22301 8.4. Every chapter has free text (Markdown, in
// Chinese and English) where its structure stops.
type Content struct {
	Purpose        Section        `json:"purpose,omitempty" doc:"总则: purpose, scope, basis and principles"`
	Organisation   Organisation   `json:"organisation,omitempty" doc:"组织机构及职责: teams and their duties"`
	Risks          RiskSummary    `json:"risks,omitempty" doc:"风险描述: the risks the plan answers, linked to the register"`
	Warning        WarningRules   `json:"warning,omitempty" doc:"预警及信息报告: warning levels and the reporting chain"`
	ResponseLevels ResponseLevels `json:"response_levels,omitempty" doc:"应急响应: response levels Ⅰ–Ⅳ with their criteria"`
	Scenarios      Section        `json:"scenarios,omitempty" doc:"处置措施: introduction to the scenario playbooks"`
	Playbooks      []Playbook     `json:"playbooks,omitempty" doc:"scenario playbooks"`
	Recovery       Recovery       `json:"recovery,omitempty" doc:"后期处置/业务恢复: recovery objectives"`
	Communications Communications `json:"communications,omitempty" doc:"信息发布与沟通: by audience"`
	Resources      Resources      `json:"resources,omitempty" doc:"应急保障: people, supplies, equipment, funds"`
	Training       Training       `json:"training,omitempty" doc:"培训与演练"`
	Maintenance    Section        `json:"maintenance,omitempty" doc:"预案管理: revision, review and filing"`
}

// Section is a chapter of free text.
type Section struct {
	Text   string `json:"text,omitempty" doc:"Markdown; raw HTML is removed"`
	TextEn string `json:"text_en,omitempty"`
}

// Role names who does something: a team (optionally one seat of it, such
// as its leader), an org unit (a department), a named person, or, where
// none of those fits, a label such as "第一发现人" (the first person on the
// scene). A task assigned to a team role goes to whoever holds the seat,
// and to their deputies in order when they cannot be reached.
type Role struct {
	TeamID   int64        `json:"team_id,omitempty"`
	TeamRole org.TeamRole `json:"team_role,omitempty" doc:"a seat of the team (leader, deputy_leader, secretary, liaison, member); empty for the whole team"`
	UnitID   int64        `json:"unit_id,omitempty" doc:"a department"`
	PersonID int64        `json:"person_id,omitempty"`
	Label    string       `json:"label,omitempty" doc:"the role in words, e.g. 第一发现人"`
	LabelEn  string       `json:"label_en,omitempty"`
}

// IsZero reports whether the role names nobody.
func (r Role) IsZero() bool {
	return r.TeamID == 0 && r.UnitID == 0 && r.PersonID == 0 && r.Label == "" && r.LabelEn == "" && r.TeamRole == ""
}

// TeamDuty is a team's part in the plan.
type TeamDuty struct {
	TeamID   int64        `json:"team_id"`
	TeamRole org.TeamRole `json:"team_role,omitempty" doc:"a seat of the team when the duty is that seat's"`
	Duties   string       `json:"duties,omitempty"`
	DutiesEn string       `json:"duties_en,omitempty"`
}

// Organisation is the chapter on organisation and duties.
type Organisation struct {
	Text   string     `json:"text,omitempty"`
	TextEn string     `json:"text_en,omitempty"`
	Teams  []TeamDuty `json:"teams,omitempty"`
}

// RiskSummary is the chapter on the risks the plan answers.
type RiskSummary struct {
	Text    string  `json:"text,omitempty"`
	TextEn  string  `json:"text_en,omitempty"`
	RiskIDs []int64 `json:"risk_ids,omitempty" doc:"risks of the register"`
}

// MaxLevel is the lowest level of the four-level scales: warning and
// response levels run from 1 (Ⅰ, red, most severe) to 4 (Ⅳ, blue).
const MaxLevel = 4

// LevelNumeral returns the Roman numeral of a level (Ⅰ…Ⅳ).
func LevelNumeral(level int) string {
	if level < 1 || level > MaxLevel {
		return strconv.Itoa(level)
	}
	return []string{"Ⅰ", "Ⅱ", "Ⅲ", "Ⅳ"}[level-1]
}

// WarningLevel is one warning level with what raises it and what is done.
type WarningLevel struct {
	Level      int    `json:"level" minimum:"1" maximum:"4" doc:"1 red (Ⅰ) … 4 blue (Ⅳ)"`
	Criteria   string `json:"criteria,omitempty"`
	CriteriaEn string `json:"criteria_en,omitempty"`
	Measures   string `json:"measures,omitempty"`
	MeasuresEn string `json:"measures_en,omitempty"`
}

// ReportingStep is one tier of the reporting chain (逐级上报).
type ReportingStep struct {
	From   Role `json:"from"`
	To     Role `json:"to"`
	Within int  `json:"within" doc:"minutes after the previous tier learnt of the event"`
	// Content is what the report holds (time, place, course, status,
	// impact scope, measures taken).
	Content   string `json:"content,omitempty"`
	ContentEn string `json:"content_en,omitempty"`
}

// WarningRules is the chapter on warning and reporting.
type WarningRules struct {
	Text      string          `json:"text,omitempty"`
	TextEn    string          `json:"text_en,omitempty"`
	Levels    []WarningLevel  `json:"levels,omitempty"`
	Reporting []ReportingStep `json:"reporting,omitempty"`
}

// ResponseLevel is one response level with its criteria, who starts it
// and what it sets in motion.
type ResponseLevel struct {
	Level      int    `json:"level" minimum:"1" maximum:"4" doc:"1 (Ⅰ, 特别重大) … 4 (Ⅳ, 一般)"`
	Criteria   string `json:"criteria,omitempty"`
	CriteriaEn string `json:"criteria_en,omitempty"`
	Authority  Role   `json:"authority,omitempty" doc:"who declares the level"`
	Measures   string `json:"measures,omitempty"`
	MeasuresEn string `json:"measures_en,omitempty"`
}

// ResponseLevels is the chapter on response levels.
type ResponseLevels struct {
	Text   string          `json:"text,omitempty"`
	TextEn string          `json:"text_en,omitempty"`
	Levels []ResponseLevel `json:"levels,omitempty"`
}

// RecoveryTarget is a recovery objective: a business process (from the
// business impact analysis) back within RTO, having lost at most RPO.
type RecoveryTarget struct {
	ProcessID int64  `json:"process_id,omitempty" doc:"a business process of the BIA; 0 when not linked"`
	Name      string `json:"name"`
	NameEn    string `json:"name_en,omitempty"`
	RTO       int    `json:"rto_minutes" doc:"recovery time objective in minutes"`
	RPO       *int   `json:"rpo_minutes,omitempty" nullable:"true" doc:"recovery point objective in minutes; absent where no data is at stake"`
	MBCO      string `json:"mbco,omitempty" doc:"minimum business continuity objective: the reduced service accepted meanwhile"`
	MBCOEn    string `json:"mbco_en,omitempty"`
}

// Recovery is the chapter on recovery.
type Recovery struct {
	Text    string           `json:"text,omitempty"`
	TextEn  string           `json:"text_en,omitempty"`
	Targets []RecoveryTarget `json:"targets,omitempty"`
}

// Audience is who a communication is for.
type Audience string

// The audiences.
const (
	Internal   Audience = "internal"
	Customers  Audience = "customers"
	Partners   Audience = "partners"
	Investors  Audience = "investors" // shareholders, analysts, rating agencies
	Government Audience = "government"
	Media      Audience = "media"
)

// Audiences lists the audiences in display order.
var Audiences = []Audience{Internal, Customers, Partners, Investors, Government, Media}

// Channel is how a message travels.
type Channel string

// The channels.
const (
	Phone     Channel = "phone"
	SMS       Channel = "sms"
	Email     Channel = "email"
	Notice    Channel = "notice" // 公告: notice board, intranet announcement
	WeCom     Channel = "wecom"
	DingTalk  Channel = "dingtalk"
	Feishu    Channel = "feishu"
	WeChat    Channel = "wechat" // WeChat official account or groups
	Website   Channel = "website"
	Press     Channel = "press" // press release or conference
	Meeting   Channel = "meeting"
	Radio     Channel = "radio" // two-way radio on site
	Letter    Channel = "letter"
	Teams     Channel = "teams" // Microsoft Teams
	Slack     Channel = "slack"
	Messenger Channel = "messenger" // WhatsApp, LINE or similar groups
	Social    Channel = "social"    // official social-media accounts (Weibo, X, LinkedIn…)
	AppPush   Channel = "app"       // push notification of the organisation's own app
)

// Channels lists the channels.
var Channels = []Channel{Phone, SMS, Email, Notice, WeCom, DingTalk, Feishu, WeChat, Teams, Slack, Messenger, Social, AppPush, Website, Press, Meeting, Radio, Letter}

// AudiencePlan is how one audience is kept informed.
type AudiencePlan struct {
	Audience  Audience  `json:"audience" enum:"internal,customers,partners,investors,government,media"`
	Channels  []Channel `json:"channels,omitempty"`
	Owner     Role      `json:"owner,omitempty" doc:"who speaks to this audience"`
	Message   string    `json:"message,omitempty" doc:"what is said and when"`
	MessageEn string    `json:"message_en,omitempty"`
}

// Communications is the chapter on communication.
type Communications struct {
	Text      string         `json:"text,omitempty"`
	TextEn    string         `json:"text_en,omitempty"`
	Audiences []AudiencePlan `json:"audiences,omitempty"`
}

// Resource is an emergency resource: supplies, equipment, backup sites,
// alternate suppliers, funds.
type Resource struct {
	Name     string  `json:"name"`
	NameEn   string  `json:"name_en,omitempty"`
	Quantity float64 `json:"quantity,omitempty"`
	Unit     string  `json:"unit,omitempty" doc:"unit of the quantity, e.g. 台, kW, 人"`
	Location string  `json:"location,omitempty"`
	Owner    Role    `json:"owner,omitempty" doc:"who keeps or dispatches it"`
	Note     string  `json:"note,omitempty"`
	NoteEn   string  `json:"note_en,omitempty"`
}

// Resources is the chapter on resources and support.
type Resources struct {
	Text   string     `json:"text,omitempty"`
	TextEn string     `json:"text_en,omitempty"`
	Items  []Resource `json:"items,omitempty"`
}

// Frequency is how often a drill or training is held.
type Frequency string

// The frequencies.
const (
	Monthly    Frequency = "monthly"
	Quarterly  Frequency = "quarterly"
	HalfYearly Frequency = "half_yearly"
	Yearly     Frequency = "yearly"
)

// Frequencies lists the frequencies.
var Frequencies = []Frequency{Monthly, Quarterly, HalfYearly, Yearly}

// DrillKind is the form of an exercise.
type DrillKind string

// The drill kinds.
const (
	Tabletop   DrillKind = "tabletop"
	Functional DrillKind = "functional"
	FullScale  DrillKind = "full_scale"
	Course     DrillKind = "training"
)

// DrillKinds lists the drill kinds.
var DrillKinds = []DrillKind{Tabletop, Functional, FullScale, Course}

// Drill is a planned exercise or training.
type Drill struct {
	Title        string    `json:"title"`
	TitleEn      string    `json:"title_en,omitempty"`
	Kind         DrillKind `json:"kind" enum:"tabletop,functional,full_scale,training"`
	Frequency    Frequency `json:"frequency" enum:"monthly,quarterly,half_yearly,yearly"`
	Month        int       `json:"month,omitempty" minimum:"0" maximum:"12" doc:"month of the year it is held; 0 when not fixed"`
	Participants string    `json:"participants,omitempty"`
	Playbook     string    `json:"playbook,omitempty" doc:"key of the playbook exercised"`
}

// Training is the chapter on training and drills.
type Training struct {
	Text   string  `json:"text,omitempty"`
	TextEn string  `json:"text_en,omitempty"`
	Drills []Drill `json:"drills,omitempty"`
}

// Playbook is a scenario playbook (情景处置流程): when it applies, who
// activates it, what each role does in which order and how fast, what
// resources go where, who is told what, and the recovery targets.
type Playbook struct {
	Key            string           `json:"key,omitempty" doc:"stable identifier within the plan (lower-case letters, digits, dashes); versions are compared by it. Assigned when empty."`
	Title          string           `json:"title"`
	TitleEn        string           `json:"title_en,omitempty"`
	Text           string           `json:"text,omitempty" doc:"the scenario, its risks and cautions (Markdown)"`
	TextEn         string           `json:"text_en,omitempty"`
	Triggers       []Trigger        `json:"triggers,omitempty"`
	Activation     Activation       `json:"activation,omitempty"`
	Tasks          []Task           `json:"tasks,omitempty"`
	Resources      []Resource       `json:"resources,omitempty" doc:"resources to dispatch"`
	Communications []Message        `json:"communications,omitempty" doc:"message templates by audience and language"`
	Recovery       []RecoveryTarget `json:"recovery,omitempty"`
}

// TriggerKind is what starts a playbook.
type TriggerKind string

// The trigger kinds.
const (
	OnIncident  TriggerKind = "incident"  // an incident of a type at or above a severity
	OnWarning   TriggerKind = "warning"   // a warning at or above a level
	OnCondition TriggerKind = "condition" // a measured condition, e.g. outage longer than 8 h
)

// TriggerKinds lists the trigger kinds.
var TriggerKinds = []TriggerKind{OnIncident, OnWarning, OnCondition}

// Operator compares a measured value with a threshold.
type Operator string

// The operators.
const (
	GT  Operator = "gt"
	GTE Operator = "gte"
	LT  Operator = "lt"
	LTE Operator = "lte"
	EQ  Operator = "eq"
	NE  Operator = "ne"
)

// Operators lists the operators.
var Operators = []Operator{GT, GTE, LT, LTE, EQ, NE}

// Symbol returns the operator as written in a rule.
func (o Operator) Symbol() string {
	switch o {
	case GT:
		return ">"
	case GTE:
		return "≥"
	case LT:
		return "<"
	case LTE:
		return "≤"
	case EQ:
		return "="
	case NE:
		return "≠"
	}
	return string(o)
}

// Compare reports whether value op threshold holds.
func (o Operator) Compare(value, threshold float64) bool {
	switch o {
	case GT:
		return value > threshold
	case GTE:
		return value >= threshold
	case LT:
		return value < threshold
	case LTE:
		return value <= threshold
	case EQ:
		return value == threshold
	case NE:
		return value != threshold
	}
	return false
}

// Trigger is one condition that starts a playbook; any trigger of a
// playbook suffices.
//
//   - incident: an incident of IncidentType (a risk category; empty for any)
//     of severity Severity or worse (1 Ⅰ 特别重大 … 4 Ⅳ 一般);
//   - warning: a warning of WarningLevel or higher (1 red … 4 blue), of
//     IncidentType when given;
//   - condition: Metric Operator Value (in Unit), sustained for Duration
//     minutes when Duration > 0 — "power supply = 0 for 480 min", "complaint
//     loss ≥ 10000 CNY".
type Trigger struct {
	Kind         TriggerKind   `json:"kind" enum:"incident,warning,condition"`
	IncidentType risk.Category `json:"incident_type,omitempty" doc:"a risk category; empty for any"`
	Severity     int           `json:"severity,omitempty" minimum:"0" maximum:"4" doc:"incident: this severity or worse, 1 (Ⅰ) … 4 (Ⅳ)"`
	WarningLevel int           `json:"warning_level,omitempty" minimum:"0" maximum:"4" doc:"warning: this level or higher, 1 red … 4 blue"`
	Metric       string        `json:"metric,omitempty" doc:"condition: what is measured, e.g. power_supply, complaint_loss"`
	Operator     Operator      `json:"operator,omitempty" doc:"condition: gt, gte, lt, lte, eq or ne"`
	Value        float64       `json:"value,omitempty"`
	Unit         string        `json:"unit,omitempty" doc:"unit of the value, e.g. h, CNY, %, kW"`
	Duration     int           `json:"duration_minutes,omitempty" doc:"condition: how long it must hold, in minutes"`
	Note         string        `json:"note,omitempty" doc:"the trigger in words"`
	NoteEn       string        `json:"note_en,omitempty"`
}

// ConditionHolds reports whether a condition trigger is met by a measured
// value that has held for the given time.
func (t Trigger) ConditionHolds(value float64, heldFor time.Duration) bool {
	if t.Kind != OnCondition || !t.Operator.Compare(value, t.Value) {
		return false
	}
	return heldFor >= time.Duration(t.Duration)*time.Minute
}

// MatchesIncident reports whether an incident of the type and severity
// (1 most severe) meets an incident trigger.
func (t Trigger) MatchesIncident(kind risk.Category, severity int) bool {
	return t.Kind == OnIncident && (t.IncidentType == "" || t.IncidentType == kind) && severity >= 1 && severity <= t.Severity
}

// MatchesWarning reports whether a warning of the type and level (1 red)
// meets a warning trigger.
func (t Trigger) MatchesWarning(kind risk.Category, level int) bool {
	return t.Kind == OnWarning && (t.IncidentType == "" || t.IncidentType == kind) && level >= 1 && level <= t.WarningLevel
}

// Activation is who may activate a playbook (预案启动).
type Activation struct {
	Authority Role   `json:"authority,omitempty" doc:"who decides to activate"`
	Deputy    Role   `json:"deputy,omitempty" doc:"who decides when the authority cannot be reached"`
	Note      string `json:"note,omitempty"`
	NoteEn    string `json:"note_en,omitempty"`
}

// Task is one step of a playbook. Tasks run in order of Step; tasks with
// the same step run in parallel.
type Task struct {
	Step      int    `json:"step" minimum:"1" doc:"order; equal steps run in parallel"`
	Title     string `json:"title"`
	TitleEn   string `json:"title_en,omitempty"`
	Detail    string `json:"detail,omitempty" doc:"how (Markdown)"`
	DetailEn  string `json:"detail_en,omitempty"`
	Role      Role   `json:"role" doc:"who does it"`
	TimeLimit int    `json:"time_limit,omitempty" minimum:"0" doc:"minutes after activation by which it must be done; 0 for none"`
}

// Message is a communication template of a playbook, for one audience in
// one language. Subject and body may hold placeholders in braces, such as
// {site}, {time}, {impact}, {eta}, which are filled in when it is sent.
type Message struct {
	Audience Audience `json:"audience" enum:"internal,customers,partners,government,media"`
	Lang     string   `json:"lang" enum:"zh-CN,en"`
	Channel  Channel  `json:"channel"`
	Sender   Role     `json:"sender,omitempty"`
	Within   int      `json:"within,omitempty" doc:"minutes after activation by which it goes out; 0 for no limit"`
	Subject  string   `json:"subject,omitempty"`
	Body     string   `json:"body"`
}

// Languages are the languages of message templates.
var Languages = []string{"zh-CN", "en"}

// Validate checks the content and normalises its text: lines trimmed,
// Markdown sanitised, playbook keys assigned, empty lists made empty.
func (c *Content) Validate() error {
	var v errs.Validation
	section(&v, "purpose", &c.Purpose.Text, &c.Purpose.TextEn)
	section(&v, "organisation", &c.Organisation.Text, &c.Organisation.TextEn)
	v.Check(len(c.Organisation.Teams) <= 50, "organisation.teams", "at most 50 teams")
	for i := range c.Organisation.Teams {
		t := &c.Organisation.Teams[i]
		f := index("organisation.teams", i)
		v.Check(t.TeamID > 0, f+".team_id", "is required")
		teamRole(&v, f+".team_role", t.TeamRole)
		text(&v, f+".duties", &t.Duties, 4000)
		text(&v, f+".duties_en", &t.DutiesEn, 4000)
	}
	section(&v, "risks", &c.Risks.Text, &c.Risks.TextEn)
	ids(&v, "risks.risk_ids", c.Risks.RiskIDs, 500)

	section(&v, "warning", &c.Warning.Text, &c.Warning.TextEn)
	levels := map[int]bool{}
	for i := range c.Warning.Levels {
		l := &c.Warning.Levels[i]
		f := index("warning.levels", i)
		level(&v, f+".level", l.Level, levels)
		text(&v, f+".criteria", &l.Criteria, 4000)
		text(&v, f+".criteria_en", &l.CriteriaEn, 4000)
		text(&v, f+".measures", &l.Measures, 4000)
		text(&v, f+".measures_en", &l.MeasuresEn, 4000)
	}
	v.Check(len(c.Warning.Reporting) <= 20, "warning.reporting", "at most 20 tiers")
	for i := range c.Warning.Reporting {
		s := &c.Warning.Reporting[i]
		f := index("warning.reporting", i)
		role(&v, f+".from", &s.From, true)
		role(&v, f+".to", &s.To, true)
		minutes(&v, f+".within", s.Within)
		text(&v, f+".content", &s.Content, 4000)
		text(&v, f+".content_en", &s.ContentEn, 4000)
	}

	section(&v, "response_levels", &c.ResponseLevels.Text, &c.ResponseLevels.TextEn)
	levels = map[int]bool{}
	for i := range c.ResponseLevels.Levels {
		l := &c.ResponseLevels.Levels[i]
		f := index("response_levels.levels", i)
		level(&v, f+".level", l.Level, levels)
		text(&v, f+".criteria", &l.Criteria, 4000)
		text(&v, f+".criteria_en", &l.CriteriaEn, 4000)
		v.Check(l.Criteria != "" || l.CriteriaEn != "", f+".criteria", "is required: say when this level applies")
		role(&v, f+".authority", &l.Authority, false)
		text(&v, f+".measures", &l.Measures, 4000)
		text(&v, f+".measures_en", &l.MeasuresEn, 4000)
	}

	section(&v, "scenarios", &c.Scenarios.Text, &c.Scenarios.TextEn)
	v.Check(len(c.Playbooks) <= 50, "playbooks", "at most 50 playbooks")
	keys := map[string]bool{}
	for i := range c.Playbooks {
		if k := c.Playbooks[i].Key; k != "" {
			if keys[k] {
				v.Add(index("playbooks", i)+".key", "%q is used by another playbook", k)
			}
			keys[k] = true
		}
	}
	for i := range c.Playbooks {
		p := &c.Playbooks[i]
		if p.Key == "" {
			for n := i + 1; ; n++ {
				k := "playbook-" + strconv.Itoa(n)
				if !keys[k] {
					p.Key, keys[k] = k, true
					break
				}
			}
		}
		v.Merge(index("playbooks", i), p.Validate())
	}

	section(&v, "recovery", &c.Recovery.Text, &c.Recovery.TextEn)
	targets(&v, "recovery.targets", c.Recovery.Targets)

	section(&v, "communications", &c.Communications.Text, &c.Communications.TextEn)
	seen := map[Audience]bool{}
	for i := range c.Communications.Audiences {
		a := &c.Communications.Audiences[i]
		f := index("communications.audiences", i)
		if !oneOf(a.Audience, Audiences) {
			v.Add(f+".audience", "must be one of %s", join(Audiences))
		} else if seen[a.Audience] {
			v.Add(f+".audience", "%s is listed twice", a.Audience)
		}
		seen[a.Audience] = true
		for j, ch := range a.Channels {
			if !oneOf(ch, Channels) {
				v.Add(index(f+".channels", j), "must be one of %s", join(Channels))
			}
		}
		role(&v, f+".owner", &a.Owner, false)
		text(&v, f+".message", &a.Message, 4000)
		text(&v, f+".message_en", &a.MessageEn, 4000)
	}

	section(&v, "resources", &c.Resources.Text, &c.Resources.TextEn)
	resources(&v, "resources.items", c.Resources.Items)

	section(&v, "training", &c.Training.Text, &c.Training.TextEn)
	v.Check(len(c.Training.Drills) <= 100, "training.drills", "at most 100 drills")
	for i := range c.Training.Drills {
		d := &c.Training.Drills[i]
		f := index("training.drills", i)
		d.Title, d.TitleEn, d.Participants = cleanLine(d.Title), cleanLine(d.TitleEn), cleanLine(d.Participants)
		v.Required(f+".title", d.Title)
		v.MaxLen(f+".title", d.Title, 300)
		v.MaxLen(f+".title_en", d.TitleEn, 300)
		v.MaxLen(f+".participants", d.Participants, 1000)
		if !oneOf(d.Kind, DrillKinds) {
			v.Add(f+".kind", "must be one of %s", join(DrillKinds))
		}
		if !oneOf(d.Frequency, Frequencies) {
			v.Add(f+".frequency", "must be one of %s", join(Frequencies))
		}
		v.Check(d.Month >= 0 && d.Month <= 12, f+".month", "must be between 1 and 12, or 0")
		if d.Playbook != "" && !keys[d.Playbook] {
			v.Add(f+".playbook", "no playbook with key %q", d.Playbook)
		}
	}
	section(&v, "maintenance", &c.Maintenance.Text, &c.Maintenance.TextEn)
	c.normalise()
	return v.Err()
}

var keyRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)

// Validate checks a playbook.
func (p *Playbook) Validate() error {
	var v errs.Validation
	p.Title, p.TitleEn = cleanLine(p.Title), cleanLine(p.TitleEn)
	if !keyRe.MatchString(p.Key) {
		v.Add("key", "must be lower-case letters, digits and dashes, at most 63")
	}
	v.Required("title", p.Title)
	v.MaxLen("title", p.Title, 300)
	v.MaxLen("title_en", p.TitleEn, 300)
	text(&v, "text", &p.Text, 20000)
	text(&v, "text_en", &p.TextEn, 20000)

	v.Check(len(p.Triggers) <= 20, "triggers", "at most 20 triggers")
	for i := range p.Triggers {
		v.Merge(index("triggers", i), p.Triggers[i].Validate())
	}
	role(&v, "activation.authority", &p.Activation.Authority, false)
	role(&v, "activation.deputy", &p.Activation.Deputy, false)
	text(&v, "activation.note", &p.Activation.Note, 2000)
	text(&v, "activation.note_en", &p.Activation.NoteEn, 2000)

	v.Check(len(p.Tasks) <= 200, "tasks", "at most 200 tasks")
	prev := 0
	for i := range p.Tasks {
		t := &p.Tasks[i]
		f := index("tasks", i)
		t.Title, t.TitleEn = cleanLine(t.Title), cleanLine(t.TitleEn)
		v.Check(t.Step >= 1, f+".step", "must be 1 or more")
		if t.Step >= 1 && t.Step < prev {
			v.Add(f+".step", "must not be lower than the step of the task before it (%d): list tasks in order", prev)
		}
		if t.Step > prev {
			prev = t.Step
		}
		v.Required(f+".title", t.Title)
		v.MaxLen(f+".title", t.Title, 300)
		v.MaxLen(f+".title_en", t.TitleEn, 300)
		text(&v, f+".detail", &t.Detail, 4000)
		text(&v, f+".detail_en", &t.DetailEn, 4000)
		role(&v, f+".role", &t.Role, true)
		if t.TimeLimit < 0 {
			v.Add(f+".time_limit", "must be 0 (none) or a number of minutes")
		} else if t.TimeLimit > 60*24*365 {
			v.Add(f+".time_limit", "must be at most a year (525600 minutes)")
		}
	}
	resources(&v, "resources", p.Resources)

	v.Check(len(p.Communications) <= 100, "communications", "at most 100 messages")
	for i := range p.Communications {
		m := &p.Communications[i]
		f := index("communications", i)
		if !oneOf(m.Audience, Audiences) {
			v.Add(f+".audience", "must be one of %s", join(Audiences))
		}
		if !oneOf(m.Lang, Languages) {
			v.Add(f+".lang", "must be zh-CN or en")
		}
		if !oneOf(m.Channel, Channels) {
			v.Add(f+".channel", "must be one of %s", join(Channels))
		}
		role(&v, f+".sender", &m.Sender, false)
		minutes(&v, f+".within", m.Within)
		m.Subject = cleanLine(m.Subject)
		v.MaxLen(f+".subject", m.Subject, 300)
		text(&v, f+".body", &m.Body, 8000)
		v.Required(f+".body", m.Body)
	}
	targets(&v, "recovery", p.Recovery)
	return v.Err()
}

var metricRe = regexp.MustCompile(`^[a-z][a-z0-9_.]{0,62}$`)

// Validate checks a trigger for its kind.
func (t *Trigger) Validate() error {
	var v errs.Validation
	text(&v, "note", &t.Note, 1000)
	text(&v, "note_en", &t.NoteEn, 1000)
	if t.IncidentType != "" && !t.IncidentType.Valid() {
		v.Add("incident_type", "must be one of %s, or empty for any", join(risk.Categories))
	}
	switch t.Kind {
	case OnIncident:
		v.Check(t.Severity >= 1 && t.Severity <= MaxLevel, "severity", "must be between 1 (Ⅰ) and 4 (Ⅳ)")
		v.Check(t.WarningLevel == 0, "warning_level", "is for warning triggers")
		v.Check(t.Metric == "" && t.Operator == "", "metric", "is for condition triggers")
	case OnWarning:
		v.Check(t.WarningLevel >= 1 && t.WarningLevel <= MaxLevel, "warning_level", "must be between 1 (red) and 4 (blue)")
		v.Check(t.Severity == 0, "severity", "is for incident triggers")
		v.Check(t.Metric == "" && t.Operator == "", "metric", "is for condition triggers")
	case OnCondition:
		t.Metric, t.Unit = strings.TrimSpace(t.Metric), strings.TrimSpace(t.Unit)
		if !metricRe.MatchString(t.Metric) {
			v.Add("metric", "must be a name of lower-case letters, digits, dots and underscores, e.g. power_supply")
		}
		if !oneOf(t.Operator, Operators) {
			v.Add("operator", "must be one of %s", join(Operators))
		}
		v.MaxLen("unit", t.Unit, 20)
		v.Check(t.Duration >= 0 && t.Duration <= 60*24*365, "duration_minutes", "must be between 0 and 525600 minutes")
		v.Check(t.Severity == 0 && t.WarningLevel == 0, "kind", "a condition trigger has no severity or warning level")
	default:
		v.Add("kind", "must be one of %s", join(TriggerKinds))
	}
	return v.Err()
}

// Rule returns the trigger as one line, e.g. "power_supply = 0 h for 480
// min" or "incident natural_disaster severity Ⅲ or worse".
func (t Trigger) Rule() string {
	kind := string(t.IncidentType)
	if kind == "" {
		kind = "any"
	}
	switch t.Kind {
	case OnIncident:
		return fmt.Sprintf("incident %s, severity %s or worse", kind, LevelNumeral(t.Severity))
	case OnWarning:
		return fmt.Sprintf("warning %s, level %s or higher", kind, LevelNumeral(t.WarningLevel))
	case OnCondition:
		s := fmt.Sprintf("%s %s %s", t.Metric, t.Operator.Symbol(), strconv.FormatFloat(t.Value, 'f', -1, 64))
		if t.Unit != "" {
			s += " " + t.Unit
		}
		if t.Duration > 0 {
			s += " for " + FormatMinutes(t.Duration)
		}
		return s
	}
	return string(t.Kind)
}

// FormatMinutes writes a number of minutes the way plans state time
// limits: "30 min", "8 h", "2 d", "1 h 30 min".
func FormatMinutes(m int) string {
	switch {
	case m <= 0:
		return "0 min"
	case m%(24*60) == 0:
		return strconv.Itoa(m/(24*60)) + " d"
	case m%60 == 0:
		return strconv.Itoa(m/60) + " h"
	case m > 60:
		return strconv.Itoa(m/60) + " h " + strconv.Itoa(m%60) + " min"
	}
	return strconv.Itoa(m) + " min"
}

func index(name string, i int) string { return name + "[" + strconv.Itoa(i) + "]" }

// cleanLine trims a one-line value and folds inner line breaks.
func cleanLine(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(s)
}

func text(v *errs.Validation, field string, s *string, max int) {
	*s = SanitizeMarkdown(*s)
	v.MaxLen(field, *s, max)
}

func section(v *errs.Validation, field string, zh, en *string) {
	text(v, field+".text", zh, 20000)
	text(v, field+".text_en", en, 20000)
}

func minutes(v *errs.Validation, field string, m int) {
	v.Check(m >= 0 && m <= 60*24*365, field, "must be between 0 and 525600 minutes")
}

func level(v *errs.Validation, field string, l int, seen map[int]bool) {
	if l < 1 || l > MaxLevel {
		v.Add(field, "must be between 1 (Ⅰ) and 4 (Ⅳ)")
		return
	}
	if seen[l] {
		v.Add(field, "level %s is listed twice", LevelNumeral(l))
	}
	seen[l] = true
}

func teamRole(v *errs.Validation, field string, r org.TeamRole) {
	if r != "" && !oneOf(r, org.TeamRoles) {
		v.Add(field, "must be one of %s, or empty", join(org.TeamRoles))
	}
}

func role(v *errs.Validation, field string, r *Role, required bool) {
	r.Label, r.LabelEn = cleanLine(r.Label), cleanLine(r.LabelEn)
	v.MaxLen(field+".label", r.Label, 200)
	v.MaxLen(field+".label_en", r.LabelEn, 200)
	teamRole(v, field+".team_role", r.TeamRole)
	if r.TeamRole != "" && r.TeamID == 0 {
		v.Add(field+".team_id", "is required with a team role")
	}
	v.Check(r.TeamID >= 0 && r.UnitID >= 0 && r.PersonID >= 0, field, "ids must be positive")
	if required && r.IsZero() {
		v.Add(field, "is required: name a team, a unit, a person or a role label")
	}
}

func ids(v *errs.Validation, field string, list []int64, max int) {
	v.Check(len(list) <= max, field, fmt.Sprintf("at most %d entries", max))
	seen := map[int64]bool{}
	for i, id := range list {
		f := index(field, i)
		if id <= 0 {
			v.Add(f, "is not an id")
		} else if seen[id] {
			v.Add(f, "is listed twice")
		}
		seen[id] = true
	}
}

func targets(v *errs.Validation, field string, ts []RecoveryTarget) {
	v.Check(len(ts) <= 200, field, "at most 200 recovery targets")
	for i := range ts {
		t := &ts[i]
		f := index(field, i)
		t.Name, t.NameEn = cleanLine(t.Name), cleanLine(t.NameEn)
		v.Required(f+".name", t.Name)
		v.MaxLen(f+".name", t.Name, 300)
		v.MaxLen(f+".name_en", t.NameEn, 300)
		v.Check(t.ProcessID >= 0, f+".process_id", "is not a process id")
		v.Check(t.RTO > 0 && t.RTO <= 60*24*365, f+".rto_minutes", "must be between 1 and 525600 minutes")
		if t.RPO != nil {
			v.Check(*t.RPO >= 0 && *t.RPO <= 60*24*365, f+".rpo_minutes", "must be between 0 and 525600 minutes")
		}
		text(v, f+".mbco", &t.MBCO, 2000)
		text(v, f+".mbco_en", &t.MBCOEn, 2000)
	}
}

func resources(v *errs.Validation, field string, rs []Resource) {
	v.Check(len(rs) <= 200, field, "at most 200 resources")
	for i := range rs {
		r := &rs[i]
		f := index(field, i)
		r.Name, r.NameEn, r.Unit, r.Location = cleanLine(r.Name), cleanLine(r.NameEn), cleanLine(r.Unit), cleanLine(r.Location)
		v.Required(f+".name", r.Name)
		v.MaxLen(f+".name", r.Name, 300)
		v.MaxLen(f+".name_en", r.NameEn, 300)
		v.MaxLen(f+".unit", r.Unit, 20)
		v.MaxLen(f+".location", r.Location, 300)
		v.Check(r.Quantity >= 0, f+".quantity", "must not be negative")
		role(v, f+".owner", &r.Owner, false)
		text(v, f+".note", &r.Note, 2000)
		text(v, f+".note_en", &r.NoteEn, 2000)
	}
}

// normalise makes absent lists empty, so that stored and returned content
// has one shape.
func (c *Content) normalise() {
	if c.Organisation.Teams == nil {
		c.Organisation.Teams = []TeamDuty{}
	}
	if c.Risks.RiskIDs == nil {
		c.Risks.RiskIDs = []int64{}
	}
	if c.Playbooks == nil {
		c.Playbooks = []Playbook{}
	}
}

// ref is an id the content refers to, with where.
type ref struct {
	kind  string // team, unit, person, risk, process
	id    int64
	field string
}

// refs lists every directory and register id the content refers to.
func (c *Content) refs() []ref {
	var out []ref
	addRole := func(field string, r Role) {
		if r.TeamID > 0 {
			out = append(out, ref{"team", r.TeamID, field + ".team_id"})
		}
		if r.UnitID > 0 {
			out = append(out, ref{"unit", r.UnitID, field + ".unit_id"})
		}
		if r.PersonID > 0 {
			out = append(out, ref{"person", r.PersonID, field + ".person_id"})
		}
	}
	for i, t := range c.Organisation.Teams {
		out = append(out, ref{"team", t.TeamID, index("organisation.teams", i) + ".team_id"})
	}
	for i, id := range c.Risks.RiskIDs {
		out = append(out, ref{"risk", id, index("risks.risk_ids", i)})
	}
	for i, s := range c.Warning.Reporting {
		addRole(index("warning.reporting", i)+".from", s.From)
		addRole(index("warning.reporting", i)+".to", s.To)
	}
	for i, l := range c.ResponseLevels.Levels {
		addRole(index("response_levels.levels", i)+".authority", l.Authority)
	}
	for i, a := range c.Communications.Audiences {
		addRole(index("communications.audiences", i)+".owner", a.Owner)
	}
	addTargets := func(field string, ts []RecoveryTarget) {
		for i, t := range ts {
			if t.ProcessID > 0 {
				out = append(out, ref{"process", t.ProcessID, index(field, i) + ".process_id"})
			}
		}
	}
	addTargets("recovery.targets", c.Recovery.Targets)
	for i, r := range c.Resources.Items {
		addRole(index("resources.items", i)+".owner", r.Owner)
	}
	for i, p := range c.Playbooks {
		f := index("playbooks", i)
		addRole(f+".activation.authority", p.Activation.Authority)
		addRole(f+".activation.deputy", p.Activation.Deputy)
		for j, t := range p.Tasks {
			addRole(index(f+".tasks", j)+".role", t.Role)
		}
		for j, r := range p.Resources {
			addRole(index(f+".resources", j)+".owner", r.Owner)
		}
		for j, m := range p.Communications {
			addRole(index(f+".communications", j)+".sender", m.Sender)
		}
		addTargets(f+".recovery", p.Recovery)
	}
	return out
}

// Package notify is the notification engine shared by warnings and
// incidents: a message is fanned out to people from the directory over
// their channels as durable deliveries (a transactional outbox), which a
// dispatcher claims under a lease, sends through one Notifier per channel,
// retries with backoff and records. Acknowledgement by signed link or in
// the app stops escalation policies, whose steps are durable timers in the
// database. Everything survives a restart: the database, not memory, holds
// what is still to do.
package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
)

// Kind is a channel type: how a message travels.
type Kind string

// The channel kinds.
const (
	Email    Kind = "email"
	Webhook  Kind = "webhook"
	DingTalk Kind = "dingtalk"
	WeCom    Kind = "wecom"
	Feishu   Kind = "feishu"
	Slack    Kind = "slack"
	SMS      Kind = "sms"
)

// Kinds lists the channel kinds.
var Kinds = []Kind{Email, SMS, DingTalk, WeCom, Feishu, Slack, Webhook}

// Valid reports whether k is a known channel kind.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Address returns where a person is reached on a channel of kind k, or ""
// when the directory has no such contact. A webhook reaches every person
// (the receiver maps the person id); group robots mention the person by
// their id on that platform, or by mobile number where the platform allows.
func (k Kind) Address(p *org.Person) string {
	switch k {
	case Email:
		return p.Contact(org.ContactEmail)
	case SMS:
		return p.Contact(org.ContactMobile)
	case DingTalk:
		if v := p.Contact(org.ContactDingTalk); v != "" {
			return v
		}
		if v := p.Contact(org.ContactMobile); v != "" {
			return "mobile:" + v
		}
	case WeCom:
		if v := p.Contact(org.ContactWeCom); v != "" {
			return v
		}
		if v := p.Contact(org.ContactMobile); v != "" {
			return "mobile:" + v
		}
	case Feishu:
		return p.Contact(org.ContactFeishu)
	case Slack:
		return p.Contact(org.ContactSlack)
	case Webhook:
		return fmt.Sprintf("person:%d", p.ID)
	}
	return ""
}

// Severity is how urgent a message is. The four levels follow the warning
// colours; Red (level I) is critical and overrides quiet hours.
type Severity string

// The severities, least urgent first.
const (
	Info   Severity = "info"
	Blue   Severity = "blue"
	Yellow Severity = "yellow"
	Orange Severity = "orange"
	Red    Severity = "red"
)

// Severities lists the severities, least urgent first.
var Severities = []Severity{Info, Blue, Yellow, Orange, Red}

// Valid reports whether s is a known severity.
func (s Severity) Valid() bool {
	for _, x := range Severities {
		if x == s {
			return true
		}
	}
	return false
}

// Critical reports whether the message must reach people at once, even in
// their quiet hours.
func (s Severity) Critical() bool { return s == Red }

// State is where a delivery stands.
type State string

// The delivery states. A queued delivery may be leased by a worker that is
// sending it; cancelled deliveries were still queued when the recipient
// (or someone acting for the same holder) acknowledged.
const (
	Queued       State = "queued"
	Sent         State = "sent"
	Delivered    State = "delivered"
	Failed       State = "failed"
	Acknowledged State = "acknowledged"
	Cancelled    State = "cancelled"
)

// States lists the delivery states.
var States = []State{Queued, Sent, Delivered, Failed, Acknowledged, Cancelled}

// Text is a message's subject and body in one language.
type Text struct {
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// The languages messages are written in.
const (
	LangZh = "zh-CN"
	LangEn = "en"
)

// Message is one notification to a set of people. Its dedup key is unique:
// sending a message whose key exists returns the existing message, so a
// caller that retries after a crash notifies nobody twice.
type Message struct {
	ID          int64           `json:"id"`
	DedupKey    string          `json:"dedup_key"`
	Source      string          `json:"source" doc:"what the message is about, such as warning:12 or incident:7"`
	Severity    Severity        `json:"severity"`
	AckRequired bool            `json:"ack_required"`
	Template    string          `json:"template,omitempty" doc:"named template; empty uses the default one"`
	Texts       map[string]Text `json:"texts" doc:"subject and body by language (zh-CN, en)"`
	Data        map[string]any  `json:"data,omitempty" doc:"values the template may use"`
	Recipients  []int64         `json:"recipients" doc:"person ids"`
	External    []External      `json:"external,omitempty" doc:"recipients outside the directory, reached by email and SMS"`
	Channels    []Kind          `json:"channels,omitempty" doc:"channels to use instead of each person's preferences"`
	PolicyID    *int64          `json:"policy_id,omitempty" doc:"escalation policy applied to every recipient"`
	CreatedBy   string          `json:"created_by"`
	FanoutDone  bool            `json:"fanout_done"`
	CreatedAt   time.Time       `json:"created_at"`
}

var sourceRe = regexp.MustCompile(`^[a-z_]+:[A-Za-z0-9_.\-]+$`)

// Validate checks the message before it is stored.
func (m *Message) Validate() error {
	var v errs.Validation
	m.DedupKey = strings.TrimSpace(m.DedupKey)
	v.MaxLen("dedup_key", m.DedupKey, 200)
	if m.Source != "" && !sourceRe.MatchString(m.Source) {
		v.Add("source", "must look like kind:id, such as warning:12")
	}
	v.MaxLen("source", m.Source, 100)
	if m.Severity == "" {
		m.Severity = Info
	}
	v.Check(m.Severity.Valid(), "severity", "must be one of info, blue, yellow, orange, red")
	v.Check(len(m.Texts) > 0, "texts", "needs a subject and body in at least one language")
	for lang, t := range m.Texts {
		f := "texts." + lang
		if lang != LangZh && lang != LangEn {
			v.Add(f, "language must be zh-CN or en")
		}
		v.Required(f+".subject", strings.TrimSpace(t.Subject))
		v.MaxLen(f+".subject", t.Subject, 300)
		v.MaxLen(f+".body", t.Body, 20000)
	}
	v.Check(len(m.Recipients) > 0 || len(m.External) > 0, "recipients", "needs at least one person or external recipient")
	v.Check(len(m.Recipients) <= 1_000_000, "recipients", "at most 1,000,000 people")
	for i, k := range m.Channels {
		v.Check(k.Valid(), fmt.Sprintf("channels[%d]", i), "must be one of email, sms, dingtalk, wecom, feishu, slack, webhook")
	}
	v.Check(len(m.External) <= MaxExternal, "external", fmt.Sprintf("at most %d external recipients", MaxExternal))
	for i := range m.External {
		m.External[i].validate(&v, fmt.Sprintf("external[%d]", i))
	}
	return v.Err()
}

// MaxExternal bounds the external recipients of one message: they are
// stored in the message itself and fanned out in one transaction.
const MaxExternal = 1000

// External is a recipient outside the directory, such as a partner's duty
// desk: reached by email and SMS at the addresses given, in its language.
// External recipients are not staff: they have no quiet hours and no
// escalation. When the message asks for acknowledgement their messages
// carry a link like everyone's; acknowledging on one channel acknowledges
// the recipient's deliveries on the others.
type External struct {
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty" doc:"mobile number for SMS, such as +86 139 0000 0000"`
	Lang  string `json:"lang,omitempty" doc:"zh-CN or en; default zh-CN"`
}

func (e *External) validate(v *errs.Validation, f string) {
	e.Name, e.Email, e.Phone, e.Lang = strings.TrimSpace(e.Name), strings.TrimSpace(e.Email), strings.TrimSpace(e.Phone), strings.TrimSpace(e.Lang)
	v.Required(f+".name", e.Name)
	v.MaxLen(f+".name", e.Name, 200)
	if e.Email == "" && e.Phone == "" {
		v.Add(f, "needs an email address or a phone number")
	}
	if e.Email != "" && !ValidEmail(e.Email) {
		v.Add(f+".email", "is not an email address")
	}
	if e.Phone != "" && !ValidPhone(e.Phone) {
		v.Add(f+".phone", "is not a phone number: digits, spaces, dashes and brackets, with an optional leading +")
	}
	v.Check(e.Lang == "" || e.Lang == LangZh || e.Lang == LangEn, f+".lang", "must be zh-CN or en")
}

// Key identifies the recipient across sends: "ext:" and its email address
// in lower case, or its phone number in digits (with the leading +).
func (e *External) Key() string {
	if e.Email != "" {
		return "ext:" + strings.ToLower(e.Email)
	}
	return "ext:" + NormalisePhone(e.Phone)
}

// ValidEmail reports whether s is a bare email address (no display name)
// of at most 254 characters.
func ValidEmail(s string) bool {
	if len(s) > 254 || strings.ContainsAny(s, " \t\r\n<>") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	return at > 0 && strings.Contains(s[at+1:], ".")
}

var phoneRe = regexp.MustCompile(`^\+?[0-9][0-9 ()\-]*$`)

// ValidPhone reports whether s is a phone number: digits with spaces,
// dashes and brackets, an optional leading +, 5 to 20 digits.
func ValidPhone(s string) bool {
	if len(s) > 50 || !phoneRe.MatchString(s) {
		return false
	}
	n := len(NormalisePhone(s))
	if strings.HasPrefix(s, "+") {
		n--
	}
	return n >= 5 && n <= 20
}

// NormalisePhone keeps the digits of a phone number and its leading +.
func NormalisePhone(s string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Text returns the message's text in lang, falling back to the other
// language.
func (m *Message) Text(lang string) Text {
	if t, ok := m.Texts[lang]; ok {
		return t
	}
	if t, ok := m.Texts[LangZh]; ok {
		return t
	}
	return m.Texts[LangEn]
}

// Delivery is one message to one person on one channel: the durable row
// the dispatcher claims, sends and records. HolderID is the person the
// delivery is for: the recipient themself, or the holder a deputy is
// notified on behalf of during escalation. A delivery to an external
// recipient has PersonID and HolderID 0; its Name and Address say who it
// was for.
type Delivery struct {
	ID            int64      `json:"id"`
	MessageID     int64      `json:"message_id"`
	PersonID      int64      `json:"person_id"`
	HolderID      int64      `json:"holder_id"`
	Name          string     `json:"name"`
	Lang          string     `json:"lang"`
	ChannelID     int64      `json:"channel_id"`
	Kind          Kind       `json:"kind"`
	Address       string     `json:"address"`
	Step          string     `json:"step" doc:"initial, or the escalation round and step such as r0s1"`
	DedupKey      string     `json:"dedup_key"`
	State         State      `json:"state"`
	Attempts      int        `json:"attempts"`
	NextAttemptAt time.Time  `json:"next_attempt_at"`
	LeaseOwner    string     `json:"-"`
	LeaseUntil    *time.Time `json:"-"`
	LastError     string     `json:"last_error"`
	ExternalID    string     `json:"external_id"`
	SentAt        *time.Time `json:"sent_at"`
	AckedAt       *time.Time `json:"acked_at"`
	AckedBy       *int64     `json:"acked_by"`
	CreatedAt     time.Time  `json:"created_at"`
	UpdatedAt     time.Time  `json:"updated_at"`
	// Filled in by lists for display.
	Source   string   `json:"source,omitempty"`
	Severity Severity `json:"severity,omitempty"`
}

// The delivery errors the engine writes itself (Delivery.LastError), so
// that pages can say them in the reader's language; errors from the
// channels' servers are kept as they came.
const (
	ErrNoChannel            = "no enabled %s channel is configured" // kind
	ErrPersonNoAddress      = "the person has no %s address"        // kind
	ErrChannelDisabled      = "the channel %q is disabled"          // channel name
	ErrChannelMisconfigured = "the channel %q is misconfigured: %s" // channel name, what is wrong
)

// External reports whether the delivery is for a recipient outside the
// directory.
func (d *Delivery) External() bool { return d.HolderID == 0 }

// IdempotencyKey is what every channel carries so that a receiver can drop
// a repeat: a delivery sent but not recorded before a crash is sent again
// with the same key.
func (d *Delivery) IdempotencyKey() string { return fmt.Sprintf("continuo-delivery-%d", d.ID) }

// ChannelConfig is one configured channel: an SMTP server, a robot in a
// group chat, an SMS gateway. Secrets (passwords, signing keys, robot
// URLs carrying tokens) are stored but never logged nor returned by the
// API; SecretsSet names those that are set.
type ChannelConfig struct {
	ID            int64             `json:"id"`
	Kind          Kind              `json:"kind"`
	Name          string            `json:"name"`
	Enabled       bool              `json:"enabled"`
	Settings      map[string]string `json:"settings"`
	Secrets       map[string]string `json:"-"`
	RatePerSecond float64           `json:"rate_per_second" doc:"messages per second through this channel; 0 is unlimited"`
	CreatedAt     time.Time         `json:"created_at"`
	UpdatedAt     time.Time         `json:"updated_at"`
}

// SecretsSet lists the names of the secrets that have a value.
func (c ChannelConfig) SecretsSet() []string {
	out := []string{}
	for k, v := range c.Secrets {
		if v != "" {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// String never shows secrets, so a config printed by mistake leaks none.
func (c ChannelConfig) String() string {
	return fmt.Sprintf("channel %d %s %q (secrets: %s)", c.ID, c.Kind, c.Name, strings.Join(c.SecretsSet(), ","))
}

// Setting returns a setting or def when it is empty.
func (c ChannelConfig) Setting(key, def string) string {
	if v := strings.TrimSpace(c.Settings[key]); v != "" {
		return v
	}
	return def
}

// Validate checks the channel's own fields; each channel package checks
// its settings when it is built.
func (c *ChannelConfig) Validate() error {
	var v errs.Validation
	c.Name = strings.TrimSpace(c.Name)
	v.Required("name", c.Name)
	v.MaxLen("name", c.Name, 200)
	v.Check(c.Kind.Valid(), "kind", "must be one of email, sms, dingtalk, wecom, feishu, slack, webhook")
	v.Check(c.RatePerSecond >= 0 && c.RatePerSecond <= 100000, "rate_per_second", "must be between 0 and 100000")
	v.Check(len(c.Settings) <= 50, "settings", "at most 50 settings")
	for k, s := range c.Settings {
		v.MaxLen("settings."+k, s, 4000)
	}
	for k, s := range c.Secrets {
		v.MaxLen("secrets."+k, s, 4000)
	}
	return v.Err()
}

// Preference is how a person wants to be notified: the channels in order
// and the hours they do not want non-critical messages.
type Preference struct {
	PersonID int64  `json:"person_id"`
	Channels []Kind `json:"channels" doc:"channels to use, in order; empty uses the default (email, or SMS when there is no email)"`
	// QuietStart and QuietEnd are local times "HH:MM"; equal or empty
	// means no quiet hours. A window may cross midnight (22:00–07:00).
	QuietStart string    `json:"quiet_start"`
	QuietEnd   string    `json:"quiet_end"`
	TimeZone   string    `json:"time_zone" doc:"IANA zone of the quiet hours, default Asia/Shanghai"`
	Lang       string    `json:"lang" doc:"zh-CN or en; default zh-CN"`
	UpdatedAt  time.Time `json:"updated_at"`
}

var hhmmRe = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Validate checks the preference.
func (p *Preference) Validate() error {
	var v errs.Validation
	for i, k := range p.Channels {
		v.Check(k.Valid(), fmt.Sprintf("channels[%d]", i), "must be one of email, sms, dingtalk, wecom, feishu, slack, webhook")
	}
	if p.QuietStart != "" || p.QuietEnd != "" {
		v.Check(hhmmRe.MatchString(p.QuietStart), "quiet_start", "must be a time HH:MM")
		v.Check(hhmmRe.MatchString(p.QuietEnd), "quiet_end", "must be a time HH:MM")
	}
	if p.TimeZone != "" {
		if _, err := time.LoadLocation(p.TimeZone); err != nil {
			v.Add("time_zone", "is not a known time zone")
		}
	}
	v.Check(p.Lang == "" || p.Lang == LangZh || p.Lang == LangEn, "lang", "must be zh-CN or en")
	return v.Err()
}

// Recipient is a person with their notification preference.
type Recipient struct {
	Person     org.Person
	Preference Preference
}

// Target says whom an escalation step notifies.
type Target string

// The escalation targets.
const (
	TargetHolder     Target = "holder"      // the person the message was for
	TargetDeputies   Target = "deputies"    // every deputy of the holder, in order
	TargetNextDeputy Target = "next_deputy" // the next deputy not yet notified
)

// Step is one escalation step: after a delay from the start of the round,
// notify the target (on the given channels, or their preferred ones).
type Step struct {
	After    Duration `json:"after" doc:"delay from the start of the round, such as 10m"`
	Target   Target   `json:"target" enum:"holder,deputies,next_deputy"`
	Channels []Kind   `json:"channels,omitempty"`
}

// Policy is an escalation policy: steps run while nobody acknowledged,
// repeated Repeat more times, a round every Interval (default: the last
// step's delay plus that of the first step).
type Policy struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Steps     []Step    `json:"steps"`
	Repeat    int       `json:"repeat" doc:"how many more rounds after the first"`
	Interval  Duration  `json:"interval,omitempty" doc:"time between the starts of rounds"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the policy.
func (p *Policy) Validate() error {
	var v errs.Validation
	p.Name = strings.TrimSpace(p.Name)
	v.Required("name", p.Name)
	v.MaxLen("name", p.Name, 200)
	v.Check(len(p.Steps) > 0 && len(p.Steps) <= 20, "steps", "needs 1 to 20 steps")
	v.Check(p.Repeat >= 0 && p.Repeat <= 20, "repeat", "must be between 0 and 20")
	v.Check(p.Interval >= 0, "interval", "must not be negative")
	prev := Duration(0)
	for i, s := range p.Steps {
		f := fmt.Sprintf("steps[%d]", i)
		v.Check(s.After > 0, f+".after", "must be after the first notification")
		v.Check(s.After >= prev, f+".after", "steps must be in time order")
		prev = s.After
		v.Check(s.Target == TargetHolder || s.Target == TargetDeputies || s.Target == TargetNextDeputy, f+".target",
			"must be one of holder, deputies, next_deputy")
		for j, k := range s.Channels {
			v.Check(k.Valid(), fmt.Sprintf("%s.channels[%d]", f, j), "must be one of email, sms, dingtalk, wecom, feishu, slack, webhook")
		}
	}
	return v.Err()
}

// roundLength is the time between the starts of two rounds.
func (p *Policy) roundLength() time.Duration {
	if p.Interval > 0 {
		return time.Duration(p.Interval)
	}
	if len(p.Steps) == 0 {
		return time.Hour
	}
	return time.Duration(p.Steps[len(p.Steps)-1].After + p.Steps[0].After)
}

// due returns when step (round, step) of the policy fires for a message
// sent at start.
func (p *Policy) due(start time.Time, round, step int) time.Time {
	return start.Add(time.Duration(round)*p.roundLength() + time.Duration(p.Steps[step].After))
}

// Duration is a time.Duration written as "10m" or "1h30m" in JSON.
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "10m" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n float64
		if err2 := json.Unmarshal(b, &n); err2 != nil {
			return errors.New("duration must be a string such as 10m")
		}
		*d = Duration(n * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}

// EscalationState is where an escalation timer stands.
type EscalationState string

// The escalation states.
const (
	EscalationPending   EscalationState = "pending"
	EscalationDone      EscalationState = "done"
	EscalationCancelled EscalationState = "cancelled"
)

// Escalation is the durable timer of one holder's escalation for one
// message: the next step to fire and when.
type Escalation struct {
	ID         int64           `json:"id"`
	MessageID  int64           `json:"message_id"`
	HolderID   int64           `json:"holder_id"`
	PolicyID   int64           `json:"policy_id"`
	Round      int             `json:"round"`
	Step       int             `json:"step"`
	NextDeputy int             `json:"next_deputy"`
	DueAt      time.Time       `json:"due_at"`
	State      EscalationState `json:"state"`
	StartedAt  time.Time       `json:"started_at"`
	UpdatedAt  time.Time       `json:"updated_at"`
}

// DeliveryFilter selects deliveries for the delivery log.
type DeliveryFilter struct {
	MessageID int64
	PersonID  int64
	HolderID  int64
	Kind      Kind
	State     State
	Source    string
	BeforeID  int64 // keyset pagination: deliveries with a smaller id
	Limit     int   // 0 means 50; at most 500
}

// Outcome is what a worker learned from sending one delivery.
type Outcome struct {
	ID          int64
	Err         error // nil when the channel took the message
	Retry       bool  // when Err is set: try again later
	NextAttempt time.Time
	Delivered   bool   // the channel confirmed delivery, not only acceptance
	ExternalID  string // the channel's id of the message
	Deferred    bool   // not sent (rate limit); the attempt does not count
}

// Store is the storage the notification engine needs.
type Store interface {
	CreateChannel(ctx context.Context, c *ChannelConfig) error
	UpdateChannel(ctx context.Context, c *ChannelConfig) error
	DeleteChannel(ctx context.Context, id int64) error
	ChannelByID(ctx context.Context, id int64) (ChannelConfig, error)
	ListChannels(ctx context.Context) ([]ChannelConfig, error)

	SavePreference(ctx context.Context, p *Preference) error
	// Recipients returns the active people with the given ids and their
	// preferences (zero when none is stored).
	Recipients(ctx context.Context, ids []int64) (map[int64]Recipient, error)
	// DeputiesOf returns the deputies of a person over every team seat
	// they hold, in team order then deputy order, without repeats.
	DeputiesOf(ctx context.Context, personID int64) ([]int64, error)
	// PersonOfUser returns the person a user account is linked to.
	PersonOfUser(ctx context.Context, userID int64) (int64, bool, error)

	CreatePolicy(ctx context.Context, p *Policy) error
	UpdatePolicy(ctx context.Context, p *Policy) error
	DeletePolicy(ctx context.Context, id int64) error
	PolicyByID(ctx context.Context, id int64) (Policy, error)
	ListPolicies(ctx context.Context) ([]Policy, error)

	// CreateMessage stores m; when a message with the same dedup key
	// exists it loads that one into m and returns false.
	CreateMessage(ctx context.Context, m *Message) (bool, error)
	MessageByID(ctx context.Context, id int64) (Message, error)
	// ClaimFanouts leases messages whose fan-out is not finished and not
	// leased by a live worker.
	ClaimFanouts(ctx context.Context, owner string, now, until time.Time, limit int) ([]Message, error)
	FinishFanout(ctx context.Context, id int64) error

	// InsertDeliveries stores deliveries whose dedup key is new and
	// returns how many it stored.
	InsertDeliveries(ctx context.Context, ds []Delivery) (int, error)
	// ClaimDeliveries leases queued deliveries that are due and not
	// leased, counting an attempt for each.
	ClaimDeliveries(ctx context.Context, owner string, now, until time.Time, limit int) ([]Delivery, error)
	// RecordOutcomes stores what happened to deliveries leased by owner.
	RecordOutcomes(ctx context.Context, owner string, now time.Time, maxAttempts int, out []Outcome) error
	DeliveryByID(ctx context.Context, id int64) (Delivery, error)
	ListDeliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error)
	// AcknowledgeHolder records that person acknowledged the message for
	// holder: deliveries already sent become acknowledged, those still
	// queued and not leased are cancelled. It returns how many changed.
	AcknowledgeHolder(ctx context.Context, messageID, holderID, person int64, at time.Time) (int, error)
	// AcknowledgeExternal does the same for the deliveries of a message to
	// one external recipient, whose dedup keys start with prefix.
	AcknowledgeExternal(ctx context.Context, messageID int64, prefix string, at time.Time) (int, error)

	InsertEscalations(ctx context.Context, es []Escalation) error
	ClaimEscalations(ctx context.Context, owner string, now, until time.Time, limit int) ([]Escalation, error)
	// AdvanceEscalations stores the next step (or the end) of leased
	// escalations that are still pending, and returns which it changed.
	AdvanceEscalations(ctx context.Context, es []Escalation) (map[int64]bool, error)
	CancelEscalations(ctx context.Context, messageID, holderID int64, at time.Time) (int, error)
	ListEscalations(ctx context.Context, messageID int64) ([]Escalation, error)

	// NextTimer returns the earliest time a pending escalation or an
	// unfinished fan-out needs work.
	NextTimer(ctx context.Context) (time.Time, bool, error)
	// NextDelivery returns the earliest time a queued delivery is due.
	NextDelivery(ctx context.Context) (time.Time, bool, error)

	NotifySetting(ctx context.Context, key string) (string, error)
	// SetNotifySettingOnce stores value under key unless the key exists,
	// and returns the stored value.
	SetNotifySettingOnce(ctx context.Context, key, value string) (string, error)
}

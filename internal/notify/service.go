package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Config configures the notification service.
type Config struct {
	// BaseURL is the public URL of the server, for acknowledgement links.
	BaseURL string
	// Secret signs acknowledgement links. When empty, a random secret is
	// generated once and kept in the database, so that every process on
	// the same database and every restart accepts the same links.
	Secret string
	// TokenTTL is how long an acknowledgement link stays valid; default
	// 7 days.
	TokenTTL time.Duration
	// Factories build the notifier of each channel kind.
	Factories map[Kind]Factory
	Log       *slog.Logger
	// Location is the organisation's time zone: times in messages are
	// written in it, and quiet hours of people without a time zone of
	// their own are read in it. Default Asia/Shanghai.
	Location *time.Location
}

// Service is the notification engine: channels, preferences, escalation
// policies, messages and their deliveries, acknowledgement.
type Service struct {
	store     Store
	tx        tx.Runner
	audit     *audit.Log
	clock     clock.Clock
	cfg       Config
	tokens    *Tokens
	Templates *Templates
	log       *slog.Logger

	wakeMu sync.Mutex
	wakeCh chan struct{}
}

const secretSetting = "ack_secret"

// NewService returns the notification service. It reads (or creates) the
// acknowledgement secret when none is configured.
func NewService(ctx context.Context, s Store, t tx.Runner, a *audit.Log, c clock.Clock, cfg Config) (*Service, error) {
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = 7 * 24 * time.Hour
	}
	if cfg.Location == nil {
		cfg.Location = shanghai
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	secret := cfg.Secret
	if secret == "" {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return nil, err
		}
		var err error
		secret, err = s.SetNotifySettingOnce(ctx, secretSetting, hex.EncodeToString(b))
		if err != nil {
			return nil, fmt.Errorf("notify: acknowledgement secret: %w", err)
		}
	}
	tokens, err := NewTokens([]byte(secret))
	if err != nil {
		return nil, err
	}
	return &Service{store: s, tx: t, audit: a, clock: c, cfg: cfg, tokens: tokens, Templates: NewTemplates(), log: cfg.Log,
		wakeCh: make(chan struct{})}, nil
}

// Tokens returns the acknowledgement token signer.
func (s *Service) Tokens() *Tokens { return s.tokens }

// AckURL returns the acknowledgement link of a delivery.
func (s *Service) AckURL(deliveryID int64, now time.Time) string {
	return s.cfg.BaseURL + "/ack/" + s.tokens.Sign(deliveryID, now.Add(s.cfg.TokenTTL))
}

// wake tells waiting dispatchers that there is new work.
func (s *Service) wake() {
	s.wakeMu.Lock()
	close(s.wakeCh)
	s.wakeCh = make(chan struct{})
	s.wakeMu.Unlock()
}

func (s *Service) woken() <-chan struct{} {
	s.wakeMu.Lock()
	defer s.wakeMu.Unlock()
	return s.wakeCh
}

// requireSender lets through those who may send notifications: the
// system, the notification managers, and the warning issuers (warnings
// are released through this engine).
func requireSender(ctx context.Context) error {
	p, ok := authz.From(ctx)
	if !ok {
		return errs.New(errs.Unauthorized, "not signed in")
	}
	if p.Any(authz.NotifyManage) || p.Any(authz.WarningWrite) {
		return nil
	}
	return errs.New(errs.Forbidden, "permission %s required", authz.NotifyManage)
}

// Send stores a message for fan-out and returns it; the dispatcher fans it
// out to deliveries and sends them. Called inside the caller's
// transaction, the message is committed (or not) with the caller's change,
// as in an outbox. A message whose dedup key exists is not stored again:
// the existing one is returned with created false.
func (s *Service) Send(ctx context.Context, m Message) (Message, bool, error) {
	if err := requireSender(ctx); err != nil {
		return Message{}, false, err
	}
	if err := m.Validate(); err != nil {
		return Message{}, false, err
	}
	if m.DedupKey == "" {
		b := make([]byte, 12)
		_, _ = rand.Read(b)
		m.DedupKey = "msg:" + hex.EncodeToString(b)
	}
	m.Recipients = uniqueIDs(m.Recipients)
	m.External = uniqueExternal(m.External)
	if p, ok := authz.From(ctx); ok {
		m.CreatedBy = p.Name
	}
	m.CreatedAt = s.clock.Now().UTC()
	m.FanoutDone = false
	created := false
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		if m.PolicyID != nil {
			if _, err := s.store.PolicyByID(ctx, *m.PolicyID); errs.Is(err, errs.NotFound) {
				return errs.Field("policy_id", "no escalation policy with this id")
			} else if err != nil {
				return err
			}
		}
		var err error
		created, err = s.store.CreateMessage(ctx, &m)
		if err != nil || !created {
			return err
		}
		summary := struct {
			ID         int64    `json:"id"`
			DedupKey   string   `json:"dedup_key"`
			Source     string   `json:"source"`
			Severity   Severity `json:"severity"`
			Recipients int      `json:"recipients"`
			External   int      `json:"external,omitempty"`
		}{m.ID, m.DedupKey, m.Source, m.Severity, len(m.Recipients), len(m.External)}
		return s.audit.Record(ctx, "notify.send", "notify_message", m.ID, nil, summary)
	})
	if err != nil {
		return Message{}, false, err
	}
	// Inside the caller's transaction the message is not visible to the
	// dispatchers until it commits: wake them then.
	tx.AfterCommit(ctx, s.wake)
	return m, created, nil
}

func uniqueIDs(ids []int64) []int64 {
	seen := make(map[int64]bool, len(ids))
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if id > 0 && !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// uniqueExternal drops the repeats of an external recipient (the same
// key), keeping the first.
func uniqueExternal(es []External) []External {
	if len(es) == 0 {
		return nil
	}
	seen := make(map[string]bool, len(es))
	out := make([]External, 0, len(es))
	for _, e := range es {
		if k := e.Key(); !seen[k] {
			seen[k] = true
			out = append(out, e)
		}
	}
	return out
}

// Message returns a stored message.
func (s *Service) Message(ctx context.Context, id int64) (Message, error) {
	if err := authz.Require(ctx, authz.NotifyManage); err != nil {
		return Message{}, err
	}
	return s.store.MessageByID(ctx, id)
}

// ---- fan-out ----

// fanoutChunk is how many recipients are turned into deliveries per
// transaction: the first deliveries are sendable long before a large
// fan-out ends.
const fanoutChunk = 500

// fanout creates the deliveries (and escalation timers) of a message. It
// is idempotent: deliveries and timers have unique keys, so a fan-out cut
// short by a crash is run again from the start without duplicates.
func (s *Service) fanout(ctx context.Context, m *Message) error {
	chans, err := s.enabledChannels(ctx)
	if err != nil {
		return err
	}
	var pol *Policy
	if m.PolicyID != nil && m.AckRequired {
		p, err := s.store.PolicyByID(ctx, *m.PolicyID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		if err == nil {
			pol = &p
		}
	}
	now := s.clock.Now().UTC()
	for start := 0; start < len(m.Recipients); start += fanoutChunk {
		chunk := m.Recipients[start:min(start+fanoutChunk, len(m.Recipients))]
		recips, err := s.store.Recipients(ctx, chunk)
		if err != nil {
			return err
		}
		var ds []Delivery
		var es []Escalation
		for _, id := range chunk {
			r, ok := recips[id]
			if !ok {
				continue // unknown or inactive: nobody to notify
			}
			ds = append(ds, s.deliveriesFor(m, &r, id, m.Channels, "initial", chans, now)...)
			if pol != nil {
				es = append(es, Escalation{MessageID: m.ID, HolderID: id, PolicyID: pol.ID, DueAt: pol.due(m.CreatedAt, 0, 0),
					State: EscalationPending, StartedAt: m.CreatedAt, UpdatedAt: now})
			}
		}
		err = s.tx.InTx(ctx, func(ctx context.Context) error {
			if _, err := s.store.InsertDeliveries(ctx, ds); err != nil {
				return err
			}
			return s.store.InsertEscalations(ctx, es)
		})
		if err != nil {
			return err
		}
		s.wake()
	}
	if len(m.External) > 0 {
		ds := s.externalDeliveries(m, chans, now)
		if _, err := s.store.InsertDeliveries(ctx, ds); err != nil {
			return err
		}
		s.wake()
	}
	return s.store.FinishFanout(ctx, m.ID)
}

// externalDeliveries returns the deliveries of a message's external
// recipients: by email to an email address and by SMS to a phone number,
// whatever channels the message asks its people to be reached on. They
// are due at once (no quiet hours) and keyed by the recipient's key, as
// external recipients have no person id (their person and holder ids are
// 0, which no escalation timer nor in-app acknowledgement refers to).
func (s *Service) externalDeliveries(m *Message, chans map[Kind]ChannelConfig, now time.Time) []Delivery {
	var out []Delivery
	for i := range m.External {
		e := &m.External[i]
		lang := e.Lang
		if lang == "" {
			lang = LangZh
		}
		key := e.Key()
		for _, a := range [...]struct {
			k    Kind
			addr string
		}{{Email, e.Email}, {SMS, e.Phone}} {
			if a.addr == "" {
				continue
			}
			d := Delivery{MessageID: m.ID, Name: e.Name, Lang: lang, Kind: a.k, Address: a.addr, Step: "initial", State: Queued,
				NextAttemptAt: now, CreatedAt: now, UpdatedAt: now, DedupKey: externalKeyPrefix(m.ID, key) + string(a.k) + ":initial"}
			if c, ok := chans[a.k]; ok {
				d.ChannelID = c.ID
			} else {
				d.State, d.LastError = Failed, fmt.Sprintf(ErrNoChannel, a.k)
			}
			out = append(out, d)
		}
	}
	return out
}

// enabledChannels returns the first enabled channel of each kind.
func (s *Service) enabledChannels(ctx context.Context) (map[Kind]ChannelConfig, error) {
	all, err := s.store.ListChannels(ctx)
	if err != nil {
		return nil, err
	}
	out := map[Kind]ChannelConfig{}
	for _, c := range all {
		if _, ok := out[c.Kind]; !ok && c.Enabled {
			out[c.Kind] = c
		}
	}
	return out, nil
}

// kindsFor returns the channels a person is notified on: those asked for,
// else the person's preference, else email (or SMS without an email
// address). A critical message also goes by SMS to people who did not
// choose their channels.
func kindsFor(m *Message, r *Recipient, asked []Kind) []Kind {
	if len(asked) > 0 {
		return asked
	}
	if len(r.Preference.Channels) > 0 {
		return r.Preference.Channels
	}
	var ks []Kind
	if Email.Address(&r.Person) != "" {
		ks = append(ks, Email)
	}
	if SMS.Address(&r.Person) != "" && (len(ks) == 0 || m.Severity.Critical()) {
		ks = append(ks, SMS)
	}
	if len(ks) == 0 {
		ks = []Kind{Email}
	}
	return ks
}

// deliveriesFor returns the deliveries of one person for one step. A
// channel the person has no address on, or that is not configured, still
// gets a failed delivery, so that the log shows who could not be reached
// and why.
func (s *Service) deliveriesFor(m *Message, r *Recipient, holder int64, asked []Kind, step string, chans map[Kind]ChannelConfig, now time.Time) []Delivery {
	lang := r.Preference.Lang
	if lang == "" {
		lang = LangZh
	}
	due := now
	if !m.Severity.Critical() {
		if until := r.Preference.quietUntil(now, s.cfg.Location); !until.IsZero() {
			due = until
		}
	}
	var out []Delivery
	for _, k := range kindsFor(m, r, asked) {
		d := Delivery{MessageID: m.ID, PersonID: r.Person.ID, HolderID: holder, Name: r.Person.DisplayName(lang == LangEn), Lang: lang,
			Kind: k, Address: k.Address(&r.Person), Step: step, State: Queued, NextAttemptAt: due, CreatedAt: now, UpdatedAt: now}
		d.DedupKey = fmt.Sprintf("%d:%d:%d:%s:%s", m.ID, holder, r.Person.ID, k, step)
		c, ok := chans[k]
		switch {
		case !ok:
			d.State, d.LastError = Failed, fmt.Sprintf(ErrNoChannel, k)
		case d.Address == "":
			d.State, d.LastError = Failed, fmt.Sprintf(ErrPersonNoAddress, k)
		}
		d.ChannelID = c.ID
		out = append(out, d)
	}
	return out
}

// ---- acknowledgement ----

// AckResult is what an acknowledgement did.
type AckResult struct {
	Delivery Delivery `json:"delivery"`
	Message  Message  `json:"-"`
	Already  bool     `json:"already" doc:"the message had already been acknowledged for this holder"`
}

// AcknowledgeToken records the acknowledgement carried by a signed link.
// It needs no sign-in: the token is the proof.
func (s *Service) AcknowledgeToken(ctx context.Context, token string) (AckResult, error) {
	id, err := s.tokens.Verify(token, s.clock.Now())
	if errors.Is(err, ErrTokenExpired) {
		return AckResult{}, errs.Wrap(errs.Invalid, err, "the acknowledgement link has expired")
	}
	if err != nil {
		return AckResult{}, errs.Wrap(errs.NotFound, err, "the acknowledgement link is not valid")
	}
	return s.acknowledge(authz.WithPrincipal(ctx, authz.Principal{Name: "ack-link", System: true}), id, 0)
}

// Acknowledge records the acknowledgement of a delivery by the signed-in
// user, who must be the recipient or the holder it was sent for.
func (s *Service) Acknowledge(ctx context.Context, deliveryID int64) (AckResult, error) {
	p, ok := authz.From(ctx)
	if !ok {
		return AckResult{}, errs.New(errs.Unauthorized, "not signed in")
	}
	person, linked, err := s.store.PersonOfUser(ctx, p.UserID)
	if err != nil {
		return AckResult{}, err
	}
	d, err := s.store.DeliveryByID(ctx, deliveryID)
	if err != nil {
		return AckResult{}, err
	}
	if !linked || (d.PersonID != person && d.HolderID != person) {
		return AckResult{}, errs.New(errs.Forbidden, "this notification was not sent to you")
	}
	return s.acknowledge(ctx, deliveryID, person)
}

// MyDeliveries lists the deliveries sent to the signed-in user's person.
func (s *Service) MyDeliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error) {
	p, ok := authz.From(ctx)
	if !ok {
		return nil, errs.New(errs.Unauthorized, "not signed in")
	}
	person, linked, err := s.store.PersonOfUser(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	if !linked {
		return []Delivery{}, nil
	}
	f.PersonID, f.HolderID = person, 0
	return s.store.ListDeliveries(ctx, f)
}

func (s *Service) acknowledge(ctx context.Context, deliveryID, by int64) (AckResult, error) {
	var res AckResult
	now := s.clock.Now().UTC()
	err := s.tx.InTx(ctx, func(ctx context.Context) error {
		d, err := s.store.DeliveryByID(ctx, deliveryID)
		if err != nil {
			return err
		}
		if by == 0 {
			by = d.PersonID
		}
		if res.Message, err = s.store.MessageByID(ctx, d.MessageID); err != nil {
			return err
		}
		if d.AckedAt != nil {
			res.Delivery, res.Already = d, true
			return nil
		}
		if d.External() {
			// Only through the link: an external recipient has no account.
			prefix, ok := externalPrefixOf(d)
			if !ok {
				return errs.New(errs.Invalid, "this delivery cannot be acknowledged")
			}
			if _, err := s.store.AcknowledgeExternal(ctx, d.MessageID, prefix, now); err != nil {
				return err
			}
		} else {
			if _, err := s.store.AcknowledgeHolder(ctx, d.MessageID, d.HolderID, by, now); err != nil {
				return err
			}
			if _, err := s.store.CancelEscalations(ctx, d.MessageID, d.HolderID, now); err != nil {
				return err
			}
		}
		if res.Delivery, err = s.store.DeliveryByID(ctx, deliveryID); err != nil {
			return err
		}
		return s.audit.Record(ctx, "notify.ack", "notify_delivery", d.ID, nil, struct {
			MessageID int64 `json:"message_id"`
			HolderID  int64 `json:"holder_id"`
			By        int64 `json:"by"`
		}{d.MessageID, d.HolderID, by})
	})
	return res, err
}

// externalKeyPrefix starts the dedup keys of a message's deliveries to an
// external recipient (External.Key); the channel kind and step follow.
func externalKeyPrefix(messageID int64, key string) string {
	return fmt.Sprintf("%d:%s:", messageID, key)
}

// externalPrefixOf returns the prefix of the dedup keys shared by an
// external delivery and the recipient's deliveries on other channels.
func externalPrefixOf(d Delivery) (string, bool) {
	rest, ok := strings.CutSuffix(d.DedupKey, ":"+string(d.Kind)+":initial")
	if !ok || !strings.HasPrefix(rest, fmt.Sprintf("%d:ext:", d.MessageID)) {
		return "", false
	}
	return rest + ":", true
}

// ---- delivery log ----

// Deliveries lists deliveries for the delivery log.
func (s *Service) Deliveries(ctx context.Context, f DeliveryFilter) ([]Delivery, error) {
	if err := authz.Require(ctx, authz.NotifyManage); err != nil {
		return nil, err
	}
	return s.store.ListDeliveries(ctx, f)
}

// Escalations lists the escalation timers of a message.
func (s *Service) Escalations(ctx context.Context, messageID int64) ([]Escalation, error) {
	if err := authz.Require(ctx, authz.NotifyManage); err != nil {
		return nil, err
	}
	return s.store.ListEscalations(ctx, messageID)
}

// AckPreview is what an acknowledgement link shows before it is used.
type AckPreview struct {
	Delivery Delivery
	Message  Message
	Expired  bool
}

// PreviewToken reads the delivery an acknowledgement link is for, without
// acknowledging: a link opened by a mail scanner must not count.
func (s *Service) PreviewToken(ctx context.Context, token string) (AckPreview, error) {
	id, err := s.tokens.Verify(token, s.clock.Now())
	var p AckPreview
	if errors.Is(err, ErrTokenExpired) {
		p.Expired = true
	} else if err != nil {
		return p, errs.Wrap(errs.NotFound, err, "the acknowledgement link is not valid")
	}
	if p.Expired {
		return p, nil
	}
	if p.Delivery, err = s.store.DeliveryByID(ctx, id); err != nil {
		return p, err
	}
	p.Message, err = s.store.MessageByID(ctx, p.Delivery.MessageID)
	p.Message.Recipients, p.Message.External = nil, nil
	return p, err
}

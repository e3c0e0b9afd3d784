package warning

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/tx"
)

// Recipients are the people and partners a warning goes to, resolved from
// its audience at the time of the change.
type Recipients struct {
	PersonIDs []int64   `json:"person_ids"`
	Partners  []Contact `json:"partners"`
	// UnitIDs are the recipient departments that owe an acknowledgement.
	UnitIDs []int64 `json:"unit_ids"`
}

// Notifier sends a change of a warning to its recipients. The service
// calls it inside the transaction of the change, for warnings raised,
// upgraded, downgraded, lifted and expired: the notification engine
// stores its message in that transaction (an outbox), so the change and
// its notification are committed together or not at all, and a crash
// after the commit loses no notification. An error undoes the change.
type Notifier interface {
	NotifyWarning(ctx context.Context, change Action, w Warning, to Recipients) error
}

// DefaultAckWithin is how long recipient departments have to acknowledge
// a warning, by level, before the acknowledgement is overdue.
var DefaultAckWithin = map[Level]time.Duration{
	Red: 30 * time.Minute, Orange: time.Hour, Yellow: 2 * time.Hour, Blue: 4 * time.Hour,
}

// Service keeps indicators and warnings.
type Service struct {
	store Store
	tx    tx.Runner
	audit *audit.Log
	clock clock.Clock

	mu         sync.RWMutex
	notifier   Notifier
	log        *slog.Logger
	sender     string
	senderName string
	baseURL    string
	ackWithin  map[Level]time.Duration
}

// NewService returns the warning service.
func NewService(s Store, t tx.Runner, a *audit.Log, c clock.Clock) *Service {
	return &Service{store: s, tx: t, audit: a, clock: c, log: slog.New(slog.DiscardHandler),
		sender: "continuo@localhost", senderName: "Continuo", ackWithin: DefaultAckWithin}
}

// SetNotifier sets where changes of warnings are sent.
func (s *Service) SetNotifier(n Notifier) {
	s.mu.Lock()
	s.notifier = n
	s.mu.Unlock()
}

// SetLogger sets the logger for failures that happen after a commit.
func (s *Service) SetLogger(l *slog.Logger) {
	s.mu.Lock()
	s.log = l
	s.mu.Unlock()
}

// SetPublisher sets the CAP sender of published warnings (such as
// continuo@bcm.example.com), its display name, and the base URL that
// links to warnings are made from.
func (s *Service) SetPublisher(sender, name, baseURL string) {
	s.mu.Lock()
	if sender != "" {
		s.sender = sender
	}
	if name != "" {
		s.senderName = name
	}
	s.baseURL = strings.TrimRight(baseURL, "/")
	s.mu.Unlock()
}

// SetAckWithin sets the acknowledgement time of a level.
func (s *Service) SetAckWithin(l Level, d time.Duration) {
	s.mu.Lock()
	m := make(map[Level]time.Duration, len(s.ackWithin))
	for k, v := range s.ackWithin {
		m[k] = v
	}
	m[l] = d
	s.ackWithin = m
	s.mu.Unlock()
}

func (s *Service) ackDue(l Level, from time.Time) time.Time {
	s.mu.RLock()
	d := s.ackWithin[l]
	s.mu.RUnlock()
	if d <= 0 {
		d = 2 * time.Hour
	}
	return from.Add(d)
}

// notice is a change to hand to the notifier before the commit.
type notice struct {
	change Action
	w      Warning
}

// batch collects the notices of one transaction.
type batch struct{ notices []notice }

func (b *batch) add(a Action, w Warning) { b.notices = append(b.notices, notice{a, w}) }

// inTx runs fn in a transaction and hands its notices to the notifier in
// the same transaction.
func (s *Service) inTx(ctx context.Context, fn func(ctx context.Context, b *batch) error) error {
	return s.tx.InTx(ctx, func(ctx context.Context) error {
		b := &batch{}
		if err := fn(ctx, b); err != nil {
			return err
		}
		return s.send(ctx, b.notices)
	})
}

func (s *Service) send(ctx context.Context, ns []notice) error {
	s.mu.RLock()
	n := s.notifier
	s.mu.RUnlock()
	if n == nil || len(ns) == 0 {
		return nil
	}
	// Whoever made the change, the notification is the system's: a
	// department lead's observation still reaches the whole audience.
	sys := authz.WithPrincipal(ctx, authz.SystemPrincipal)
	for _, x := range ns {
		to, err := s.recipients(sys, &x.w)
		if err != nil {
			return fmt.Errorf("warning %d: recipients: %w", x.w.ID, err)
		}
		if err := n.NotifyWarning(sys, x.change, x.w, to); err != nil {
			return fmt.Errorf("warning %d: notify %s: %w", x.w.ID, x.change, err)
		}
	}
	return nil
}

// Recipients resolves a warning's audience to people: everyone active in
// the recipient units' subtrees, the members of the teams, the holders of
// the team seats, the people named, and the partners.
func (s *Service) Recipients(ctx context.Context, id int64) (Recipients, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return Recipients{}, err
	}
	w, err := s.store.WarningByID(ctx, id)
	if err != nil {
		return Recipients{}, err
	}
	return s.recipients(ctx, &w)
}

func (s *Service) recipients(ctx context.Context, w *Warning) (Recipients, error) {
	a := w.Audience
	set := map[int64]bool{}
	active := true
	for _, u := range a.UnitIDs {
		var after int64
		for {
			page, _, err := s.store.ListPeople(ctx, org.PeopleFilter{UnitID: u, Active: &active, Limit: 500, AfterID: after})
			if err != nil {
				return Recipients{}, err
			}
			for _, p := range page {
				set[p.ID] = true
			}
			if len(page) < 500 {
				break
			}
			after = page[len(page)-1].ID
		}
	}
	for _, id := range a.TeamIDs {
		t, err := s.store.TeamByID(ctx, id)
		if errs.Is(err, errs.NotFound) {
			continue // the team was removed since
		} else if err != nil {
			return Recipients{}, err
		}
		for _, m := range t.Members {
			set[m.PersonID] = true
		}
	}
	if len(a.Roles) > 0 {
		teams, err := s.store.ListTeams(ctx)
		if err != nil {
			return Recipients{}, err
		}
		for _, t := range teams {
			for _, m := range t.Members {
				if slices.Contains(a.Roles, m.Role) {
					set[m.PersonID] = true
				}
			}
		}
	}
	for _, id := range a.PersonIDs {
		set[id] = true
	}
	r := Recipients{PersonIDs: make([]int64, 0, len(set)), Partners: slices.Clone(a.Partners), UnitIDs: slices.Clone(a.UnitIDs)}
	for id := range set {
		r.PersonIDs = append(r.PersonIDs, id)
	}
	slices.Sort(r.PersonIDs)
	if r.Partners == nil {
		r.Partners = []Contact{}
	}
	if r.UnitIDs == nil {
		r.UnitIDs = []int64{}
	}
	return r, nil
}

// ---- locks ----

// lockedIndicator locks an indicator for the rest of the transaction and
// reads it. Locks are taken indicator first, then warning.
func (s *Service) lockedIndicator(ctx context.Context, id int64) (Indicator, error) {
	if err := s.store.Lock(ctx, "warning.indicator:"+strconv.FormatInt(id, 10)); err != nil {
		return Indicator{}, err
	}
	return s.store.IndicatorByID(ctx, id)
}

// lockedWarning locks a warning for the rest of the transaction and reads
// it.
func (s *Service) lockedWarning(ctx context.Context, id int64) (Warning, error) {
	if err := s.store.Lock(ctx, "warning:"+strconv.FormatInt(id, 10)); err != nil {
		return Warning{}, err
	}
	return s.store.WarningByID(ctx, id)
}

// ---- authorization helpers ----

func (s *Service) unitPath(ctx context.Context, field string, id int64) (string, error) {
	u, err := s.store.UnitByID(ctx, id)
	if errs.Is(err, errs.NotFound) {
		return "", errs.Field(field, "no org unit with id %d", id)
	}
	return u.Path, err
}

// requireOn checks perm on every unit; with no unit, perm anywhere.
func (s *Service) requireOn(ctx context.Context, perm authz.Permission, field string, ids []int64) error {
	if len(ids) == 0 {
		return authz.Require(ctx, perm)
	}
	for i, id := range ids {
		path, err := s.unitPath(ctx, fmt.Sprintf("%s[%d]", field, i), id)
		if err != nil {
			return err
		}
		if err := authz.RequireOn(ctx, perm, path); err != nil {
			return err
		}
	}
	return nil
}

// checkAudience makes sure every id of the audience exists.
func (s *Service) checkAudience(ctx context.Context, a *Audience, prefix string) error {
	var v errs.Validation
	for i, id := range a.UnitIDs {
		if _, err := s.store.UnitByID(ctx, id); errs.Is(err, errs.NotFound) {
			v.Add(fmt.Sprintf("%sunit_ids[%d]", prefix, i), "no org unit with id %d", id)
		} else if err != nil {
			return err
		}
	}
	for i, id := range a.TeamIDs {
		if _, err := s.store.TeamByID(ctx, id); errs.Is(err, errs.NotFound) {
			v.Add(fmt.Sprintf("%steam_ids[%d]", prefix, i), "no team with id %d", id)
		} else if err != nil {
			return err
		}
	}
	if len(a.PersonIDs) > 0 {
		known, err := s.store.PeopleByIDs(ctx, a.PersonIDs)
		if err != nil {
			return err
		}
		for i, id := range a.PersonIDs {
			if _, ok := known[id]; !ok {
				v.Add(fmt.Sprintf("%sperson_ids[%d]", prefix, i), "no person with id %d", id)
			}
		}
	}
	return v.Err()
}

func principal(ctx context.Context) (int64, string) {
	p, _ := authz.From(ctx)
	if p.System {
		return 0, "system"
	}
	return p.UserID, p.Name
}

// ---- indicators ----

// Indicators lists every indicator by code.
func (s *Service) Indicators(ctx context.Context) ([]Indicator, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return nil, err
	}
	return s.store.ListIndicators(ctx)
}

// Indicator returns one indicator.
func (s *Service) Indicator(ctx context.Context, id int64) (Indicator, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return Indicator{}, err
	}
	return s.store.IndicatorByID(ctx, id)
}

// IndicatorByCode returns the indicator with a code.
func (s *Service) IndicatorByCode(ctx context.Context, code string) (Indicator, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return Indicator{}, err
	}
	return s.store.IndicatorByCode(ctx, strings.TrimSpace(code))
}

// SaveIndicator creates (ID 0) or updates an indicator's definition. It
// needs warning.write on the owner unit (on both when the owner changes).
// A change of thresholds takes effect with the next observation.
func (s *Service) SaveIndicator(ctx context.Context, ind Indicator) (Indicator, error) {
	if err := ind.Validate(); err != nil {
		return Indicator{}, err
	}
	err := s.inTx(ctx, func(ctx context.Context, _ *batch) error {
		if err := s.requireOn(ctx, authz.WarningWrite, "owner_unit_id", []int64{ind.OwnerUnitID}); err != nil {
			if errs.Is(err, errs.Invalid) {
				return errs.Field("owner_unit_id", "no org unit with id %d", ind.OwnerUnitID)
			}
			return err
		}
		if err := s.checkAudience(ctx, &ind.Audience, "audience."); err != nil {
			return err
		}
		if other, err := s.store.IndicatorByCode(ctx, ind.Code); err == nil && other.ID != ind.ID {
			return &errs.Error{Code: errs.Conflict, Message: "duplicate indicator code",
				Fields: []errs.FieldError{{Field: "code", Message: "is already used by indicator " + strconv.FormatInt(other.ID, 10) + " " + other.Name}}}
		} else if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		now := s.clock.Now()
		ind.UpdatedAt = now
		if ind.ID == 0 {
			ind.CreatedAt = now
			ind.Level, ind.Value, ind.ObservedAt, ind.WarningID = None, nil, nil, nil
			if err := s.store.CreateIndicator(ctx, &ind); err != nil {
				return err
			}
			return s.audit.Record(ctx, "warning.indicator.create", "indicator", ind.ID, nil, ind)
		}
		before, err := s.store.IndicatorByID(ctx, ind.ID)
		if err != nil {
			return err
		}
		if before.OwnerUnitID != ind.OwnerUnitID {
			if err := s.requireOn(ctx, authz.WarningWrite, "owner_unit_id", []int64{before.OwnerUnitID}); err != nil {
				return err
			}
		}
		ind.CreatedAt = before.CreatedAt
		ind.Level, ind.Value, ind.ObservedAt, ind.WarningID = before.Level, before.Value, before.ObservedAt, before.WarningID
		if err := s.store.UpdateIndicator(ctx, &ind); err != nil {
			return err
		}
		return s.audit.Record(ctx, "warning.indicator.update", "indicator", ind.ID, before, ind)
	})
	return ind, err
}

// DeleteIndicator removes an indicator and its observations; the warnings
// it raised stay, without the link.
func (s *Service) DeleteIndicator(ctx context.Context, id int64) error {
	return s.inTx(ctx, func(ctx context.Context, _ *batch) error {
		before, err := s.store.IndicatorByID(ctx, id)
		if err != nil {
			return err
		}
		if err := s.requireOn(ctx, authz.WarningWrite, "owner_unit_id", []int64{before.OwnerUnitID}); err != nil {
			return err
		}
		if err := s.store.DeleteIndicator(ctx, id); err != nil {
			return err
		}
		return s.audit.Record(ctx, "warning.indicator.delete", "indicator", id, before, nil)
	})
}

// ---- observations and evaluation ----

// MaxClockSkew is how far in the future an observation may be stamped.
const MaxClockSkew = 5 * time.Minute

// Observe stores an observation and evaluates the indicator: a crossing
// raises or upgrades its warning, a fall back below the thresholds (past
// the hysteresis) lowers or lifts it. It needs warning.write on the
// indicator's owner unit. A zero ObservedAt means now.
func (s *Service) Observe(ctx context.Context, o Observation) (Observation, Indicator, error) {
	var ind Indicator
	err := s.inTx(ctx, func(ctx context.Context, b *batch) error {
		var err error
		ind, err = s.lockedIndicator(ctx, o.IndicatorID)
		if errs.Is(err, errs.NotFound) {
			return errs.Field("indicator_id", "no indicator with id %d", o.IndicatorID)
		} else if err != nil {
			return err
		}
		if err := s.requireOn(ctx, authz.WarningWrite, "owner_unit_id", []int64{ind.OwnerUnitID}); err != nil {
			return err
		}
		if o.Source == "" {
			o.Source = SourceAPI
		}
		if err := s.observe(ctx, b, &ind, &o, ""); err != nil {
			return err
		}
		return nil
	})
	return o, ind, err
}

// Observations returns an indicator's observations since a time (the
// last 24 hours when zero), oldest first, at most limit (default 1000).
func (s *Service) Observations(ctx context.Context, id int64, since time.Time, limit int) ([]Observation, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return nil, err
	}
	if _, err := s.store.IndicatorByID(ctx, id); err != nil {
		return nil, err
	}
	now := s.clock.Now()
	if since.IsZero() {
		since = now.Add(-24 * time.Hour)
	}
	if limit <= 0 || limit > 10000 {
		limit = 1000
	}
	return s.store.Observations(ctx, id, since.Add(-time.Nanosecond), now.Add(MaxClockSkew), limit)
}

func (s *Service) checkObservation(o *Observation, now time.Time) error {
	var v errs.Validation
	if math.IsNaN(o.Value) || math.IsInf(o.Value, 0) {
		v.Add("value", "must be a finite number")
	}
	if o.ObservedAt.IsZero() {
		o.ObservedAt = now
	}
	o.ObservedAt = o.ObservedAt.UTC()
	if o.ObservedAt.After(now.Add(MaxClockSkew)) {
		v.Add("observed_at", "is in the future (more than %s ahead of the server clock)", MaxClockSkew)
	}
	v.Check(len(o.Labels) <= 50, "labels", "at most 50 labels")
	for k, val := range o.Labels {
		if k == "" || len(k) > 100 || len(val) > 1000 {
			v.Add("labels", "label names must have 1 to 100 characters and values at most 1000")
			break
		}
	}
	if o.Labels == nil {
		o.Labels = map[string]string{}
	}
	return v.Err()
}

// observe stores o and evaluates ind, inside the caller's transaction.
func (s *Service) observe(ctx context.Context, b *batch, ind *Indicator, o *Observation, ref string) error {
	now := s.clock.Now()
	if err := s.checkObservation(o, now); err != nil {
		return err
	}
	o.IndicatorID, o.ReceivedAt = ind.ID, now
	if err := s.store.AddObservation(ctx, o); err != nil {
		return err
	}
	latest, err := s.store.LatestObservation(ctx, ind.ID)
	if err != nil {
		return err
	}
	end := latest.ObservedAt
	window, err := s.store.Observations(ctx, ind.ID, ind.windowStart(end), end, 100000)
	if err != nil {
		return err
	}
	value, ok := ind.Aggregate(window)
	if !ok {
		return nil
	}
	ind.Value, ind.ObservedAt = &value, &end
	next := ind.Level
	if ind.Active {
		next = ind.Next(ind.Level, value)
	} else {
		next = None
	}
	if err := s.moveIndicator(ctx, b, ind, next, &value, o.Source, ref); err != nil {
		return err
	}
	return s.store.SetIndicatorState(ctx, ind)
}

// moveIndicator brings the indicator and its warning to level next: a new
// warning when there is none in force, a change of level, or lifting.
func (s *Service) moveIndicator(ctx context.Context, b *batch, ind *Indicator, next Level, value *float64, src SourceKind, ref string) error {
	var w *Warning
	if ind.WarningID != nil {
		cur, err := s.lockedWarning(ctx, *ind.WarningID)
		if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
		if err == nil && cur.Status.InForce() {
			w = &cur
		}
	}
	changed := next != ind.Level
	ind.Level = next
	switch {
	case next == None:
		if w != nil {
			if err := s.lift(ctx, b, w, ActLifted, value, src, "the indicator is back below its thresholds"); err != nil {
				return err
			}
		}
		ind.WarningID = nil
	case w == nil:
		if !changed && ind.WarningID != nil {
			// Lifted by hand while the indicator stayed at its level: the
			// decision holds until the level moves.
			return nil
		}
		nw, err := s.indicatorWarning(ctx, ind, next, value, src, ref)
		if err != nil {
			return err
		}
		if err := s.raise(ctx, b, &nw); err != nil {
			return err
		}
		ind.WarningID = &nw.ID
	case w.Level != next:
		if err := s.changeLevel(ctx, b, w, next, value, src, ""); err != nil {
			return err
		}
	}
	return nil
}

// indicatorWarning drafts the warning an indicator raises.
func (s *Service) indicatorWarning(ctx context.Context, ind *Indicator, l Level, value *float64, src SourceKind, ref string) (Warning, error) {
	owner, err := s.store.UnitByID(ctx, ind.OwnerUnitID)
	if err != nil {
		return Warning{}, err
	}
	w := Warning{Level: l, Title: ind.Name + l.NameZh(), Category: "Other", Area: owner.Name,
		UnitIDs: []int64{ind.OwnerUnitID}, Audience: ind.Audience, Source: src, IndicatorID: &ind.ID, SourceRef: ref, Value: value}
	if ind.NameEn != "" {
		w.TitleEn = ind.NameEn + ": " + l.NameEn()
	}
	if t := ind.Thresholds.Of(l); value != nil && t != nil {
		w.Impact = fmt.Sprintf("指标「%s」当前值 %s%s,已达到%s阈值 %s%s。", ind.Name, fmtNum(*value), ind.Measure, l.NameZh(), fmtNum(*t), ind.Measure)
		if ind.NameEn != "" {
			w.Impact += fmt.Sprintf("\nIndicator %q is at %s %s, at or past the %s threshold of %s %s.", ind.NameEn, fmtNum(*value), ind.Measure, l.Color(), fmtNum(*t), ind.Measure)
		}
	}
	if w.Audience.Empty() {
		w.Audience = Audience{UnitIDs: []int64{ind.OwnerUnitID}}
	}
	w.Audience.normalise()
	return w, nil
}

func fmtNum(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

// raise stores a new warning in force.
func (s *Service) raise(ctx context.Context, b *batch, w *Warning) error {
	if err := w.Validate(); err != nil {
		return err
	}
	now := s.clock.Now()
	if w.IssuedBy == 0 && w.IssuedByName == "" {
		w.IssuedBy, w.IssuedByName = principal(ctx)
	}
	w.Status, w.Revision, w.IssuedAt, w.UpdatedAt, w.EndedAt = StatusActive, 1, now, now, nil
	w.AckDueAt = s.ackDue(w.Level, now)
	if err := s.store.CreateWarning(ctx, w); err != nil {
		return err
	}
	if err := s.event(ctx, w, ActRaised, None, w.Level, w.Value, w.Source, nil, ""); err != nil {
		return err
	}
	if err := s.audit.Record(ctx, "warning.raise", "warning", w.ID, nil, w); err != nil {
		return err
	}
	b.add(ActRaised, *w)
	return nil
}

func (s *Service) event(ctx context.Context, w *Warning, a Action, from, to Level, value *float64, src SourceKind, unit *int64, note string) error {
	by, name := principal(ctx)
	return s.store.AddEvent(ctx, &Event{WarningID: w.ID, Action: a, FromLevel: from, ToLevel: to, Value: value, Source: src,
		UnitID: unit, Note: note, By: by, ByName: name, At: s.clock.Now()})
}

// changeLevel upgrades or downgrades a warning in force. An upgrade is a
// new revision: every recipient department owes a new acknowledgement.
func (s *Service) changeLevel(ctx context.Context, b *batch, w *Warning, to Level, value *float64, src SourceKind, note string) error {
	before := *w
	from := w.Level
	now := s.clock.Now()
	act := ActDowngraded
	w.Status = StatusDowngraded
	if to.Above(from) {
		act, w.Status = ActUpgraded, StatusUpgraded
		w.Revision++
		w.AckDueAt = s.ackDue(to, now)
	}
	w.Level, w.UpdatedAt = to, now
	if value != nil {
		w.Value = value
	}
	if err := s.store.UpdateWarning(ctx, w); err != nil {
		return err
	}
	if err := s.event(ctx, w, act, from, to, value, src, nil, note); err != nil {
		return err
	}
	if err := s.audit.Record(ctx, "warning."+string(act), "warning", w.ID, before, w); err != nil {
		return err
	}
	b.add(act, *w)
	return nil
}

// lift ends a warning: lifted, or expired.
func (s *Service) lift(ctx context.Context, b *batch, w *Warning, act Action, value *float64, src SourceKind, note string) error {
	before := *w
	now := s.clock.Now()
	w.Status = StatusLifted
	if act == ActExpired {
		w.Status = StatusExpired
	}
	w.UpdatedAt, w.EndedAt = now, &now
	if value != nil {
		w.Value = value
	}
	if err := s.store.UpdateWarning(ctx, w); err != nil {
		return err
	}
	if err := s.event(ctx, w, act, w.Level, None, value, src, nil, note); err != nil {
		return err
	}
	if err := s.audit.Record(ctx, "warning."+string(act), "warning", w.ID, before, w); err != nil {
		return err
	}
	b.add(act, *w)
	return nil
}

// ---- warnings issued by the crisis office ----

// Issue issues a warning by hand. It needs warning.write on every affected
// and recipient unit (anywhere, when it names none).
func (s *Service) Issue(ctx context.Context, w Warning) (Warning, error) {
	w.ID = 0
	w.Source, w.SourceRef, w.IndicatorID, w.Value = SourceManual, "", nil, nil
	w.IssuedBy, w.IssuedByName = 0, ""
	if err := w.Validate(); err != nil {
		return Warning{}, err
	}
	if w.ValidUntil != nil {
		t := w.ValidUntil.UTC()
		w.ValidUntil = &t
		if !t.After(s.clock.Now()) {
			return Warning{}, errs.Field("valid_until", "must be in the future")
		}
	}
	err := s.inTx(ctx, func(ctx context.Context, b *batch) error {
		if err := s.requireOn(ctx, authz.WarningWrite, "unit_ids", w.UnitIDs); err != nil {
			return err
		}
		if err := s.requireOn(ctx, authz.WarningWrite, "audience.unit_ids", w.Audience.UnitIDs); err != nil {
			return err
		}
		if err := s.checkAudience(ctx, &w.Audience, "audience."); err != nil {
			return err
		}
		w.IssuedBy, w.IssuedByName = principal(ctx)
		return s.raise(ctx, b, &w)
	})
	return w, err
}

func (s *Service) warningForWrite(ctx context.Context, id int64) (Warning, error) {
	w, err := s.lockedWarning(ctx, id)
	if err != nil {
		return w, err
	}
	if err := s.requireOn(ctx, authz.WarningWrite, "unit_ids", w.UnitIDs); err != nil {
		return w, err
	}
	if !w.Status.InForce() {
		return w, errs.New(errs.Conflict, "the warning is %s", w.Status)
	}
	return w, nil
}

// Upgrade raises a warning in force to a higher level by hand.
func (s *Service) Upgrade(ctx context.Context, id int64, to Level, note string) (Warning, error) {
	return s.changeLevelBy(ctx, id, to, note, func(from Level) error {
		if !to.Above(from) {
			return errs.Field("level", "must be above the current level %d (%s)", from, from.Color())
		}
		return nil
	})
}

// Downgrade lowers a warning in force by hand.
func (s *Service) Downgrade(ctx context.Context, id int64, to Level, note string) (Warning, error) {
	return s.changeLevelBy(ctx, id, to, note, func(from Level) error {
		if !from.Above(to) {
			return errs.Field("level", "must be below the current level %d (%s)", from, from.Color())
		}
		return nil
	})
}

// ChangeLevel upgrades or downgrades a warning in force by hand, with a
// note saying why.
func (s *Service) ChangeLevel(ctx context.Context, id int64, to Level, note string) (Warning, error) {
	return s.changeLevelBy(ctx, id, to, note, func(Level) error { return nil })
}

func (s *Service) changeLevelBy(ctx context.Context, id int64, to Level, note string, check func(from Level) error) (Warning, error) {
	if !to.Valid() {
		return Warning{}, errs.Field("level", "must be 1 (red), 2 (orange), 3 (yellow) or 4 (blue)")
	}
	note = strings.TrimSpace(note)
	if len(note) > 2000 {
		return Warning{}, errs.Field("note", "at most 2000 characters")
	}
	var w Warning
	err := s.inTx(ctx, func(ctx context.Context, b *batch) error {
		var err error
		if w, err = s.warningForWrite(ctx, id); err != nil {
			return err
		}
		if w.Level == to {
			return errs.Field("level", "the warning is already at level %d (%s)", to, to.Color())
		}
		if err := check(w.Level); err != nil {
			return err
		}
		return s.changeLevel(ctx, b, &w, to, nil, SourceManual, note)
	})
	return w, err
}

// Lift ends a warning in force by hand.
func (s *Service) Lift(ctx context.Context, id int64, note string) (Warning, error) {
	note = strings.TrimSpace(note)
	if len(note) > 2000 {
		return Warning{}, errs.Field("note", "at most 2000 characters")
	}
	var w Warning
	err := s.inTx(ctx, func(ctx context.Context, b *batch) error {
		var err error
		if w, err = s.warningForWrite(ctx, id); err != nil {
			return err
		}
		return s.lift(ctx, b, &w, ActLifted, nil, SourceManual, note)
	})
	return w, err
}

// ExpireDue ends the warnings whose valid_until has passed. The server
// calls it periodically as the system.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	if err := authz.Require(ctx, authz.WarningWrite); err != nil {
		return 0, err
	}
	// A read first: the server calls this every minute, and most minutes
	// nothing expires, so no write transaction is needed.
	if due, err := s.store.ExpiredWarnings(ctx, s.clock.Now()); err != nil || len(due) == 0 {
		return 0, err
	}
	n := 0
	err := s.inTx(ctx, func(ctx context.Context, b *batch) error {
		due, err := s.store.ExpiredWarnings(ctx, s.clock.Now())
		if err != nil {
			return err
		}
		for _, d := range due {
			w, err := s.lockedWarning(ctx, d.ID)
			if err != nil {
				return err
			}
			if !w.Status.InForce() || w.ValidUntil == nil || w.ValidUntil.After(s.clock.Now()) {
				continue // changed since it was read
			}
			if err := s.lift(ctx, b, &w, ActExpired, nil, SourceManual, "valid until has passed"); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}

// Warnings returns a page of warnings, newest first, and the total.
func (s *Service) Warnings(ctx context.Context, f Filter) ([]Warning, int, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return nil, 0, err
	}
	var v errs.Validation
	if f.Status != "" && !oneOf(f.Status, Statuses) {
		v.Add("status", "must be one of %s", join(Statuses))
	}
	if f.Level != None && !f.Level.Valid() {
		v.Add("level", "must be 1 to 4")
	}
	if err := v.Err(); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	f.Limit = min(f.Limit, 500)
	f.Offset = max(f.Offset, 0)
	return s.store.ListWarnings(ctx, f)
}

// Warning returns one warning.
func (s *Service) Warning(ctx context.Context, id int64) (Warning, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return Warning{}, err
	}
	return s.store.WarningByID(ctx, id)
}

// History returns every change of a warning, oldest first.
func (s *Service) History(ctx context.Context, id int64) ([]Event, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return nil, err
	}
	if _, err := s.store.WarningByID(ctx, id); err != nil {
		return nil, err
	}
	return s.store.Events(ctx, id)
}

// ---- acknowledgements ----

// Acknowledge records that a recipient department received a warning and
// the measures it took. It needs warning.ack on that unit; the unit must
// be one of the warning's recipient departments and the warning in force.
// A department may acknowledge again to report further measures; the
// latest acknowledgement of the current revision counts.
func (s *Service) Acknowledge(ctx context.Context, id, unitID int64, measures string) (Ack, error) {
	measures = strings.TrimSpace(measures)
	var v errs.Validation
	v.Check(unitID > 0, "unit_id", "is required")
	v.Required("measures", measures)
	v.MaxLen("measures", measures, 4000)
	if err := v.Err(); err != nil {
		return Ack{}, err
	}
	var a Ack
	err := s.inTx(ctx, func(ctx context.Context, _ *batch) error {
		w, err := s.lockedWarning(ctx, id)
		if err != nil {
			return err
		}
		path, err := s.unitPath(ctx, "unit_id", unitID)
		if err != nil {
			return err
		}
		if err := authz.RequireOn(ctx, authz.WarningAck, path); err != nil {
			return err
		}
		if !slices.Contains(w.Audience.UnitIDs, unitID) {
			return errs.Field("unit_id", "unit %d is not a recipient department of this warning", unitID)
		}
		if !w.Status.InForce() {
			return errs.New(errs.Conflict, "the warning is %s", w.Status)
		}
		by, name := principal(ctx)
		a = Ack{WarningID: w.ID, UnitID: unitID, Revision: w.Revision, Level: w.Level, Measures: measures,
			AckedBy: by, AckedByName: name, AckedAt: s.clock.Now()}
		if err := s.store.AddAck(ctx, &a); err != nil {
			return err
		}
		if err := s.event(ctx, &w, ActAcknowledged, w.Level, w.Level, nil, SourceManual, &unitID, measures); err != nil {
			return err
		}
		return s.audit.Record(ctx, "warning.acknowledge", "warning", w.ID, nil, a)
	})
	return a, err
}

// Acknowledgements returns the state of every recipient department for
// the current revision of a warning.
func (s *Service) Acknowledgements(ctx context.Context, id int64) ([]UnitAck, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return nil, err
	}
	w, err := s.store.WarningByID(ctx, id)
	if err != nil {
		return nil, err
	}
	acks, err := s.store.Acks(ctx, id)
	if err != nil {
		return nil, err
	}
	latest := map[int64]Ack{}
	for _, a := range acks {
		if a.Revision == w.Revision {
			latest[a.UnitID] = a // oldest first: the last one wins
		}
	}
	now := s.clock.Now()
	out := make([]UnitAck, 0, len(w.Audience.UnitIDs))
	for _, uid := range w.Audience.UnitIDs {
		ua := UnitAck{UnitID: uid}
		if u, err := s.store.UnitByID(ctx, uid); err == nil {
			ua.UnitName, ua.UnitNameEn = u.Name, u.NameEn
		}
		if a, ok := latest[uid]; ok {
			ua.Acked, ua.Ack = true, &a
		} else {
			ua.Overdue = w.Status.InForce() && !now.Before(w.AckDueAt)
		}
		out = append(out, ua)
	}
	return out, nil
}

// AllAcks returns every acknowledgement of a warning, of every revision,
// oldest first.
func (s *Service) AllAcks(ctx context.Context, id int64) ([]Ack, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return nil, err
	}
	if _, err := s.store.WarningByID(ctx, id); err != nil {
		return nil, err
	}
	return s.store.Acks(ctx, id)
}

// OverdueAcks lists the recipient departments that have not acknowledged
// the current revision of a warning in force by its due time. The
// notification engine polls it to escalate.
func (s *Service) OverdueAcks(ctx context.Context) ([]PendingAck, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return nil, err
	}
	return s.store.OverdueAcks(ctx, s.clock.Now())
}

// ---- publishing ----

// CAP returns a warning as a CAP 1.2 document.
func (s *Service) CAP(ctx context.Context, id int64) ([]byte, error) {
	if err := authz.Require(ctx, authz.WarningRead); err != nil {
		return nil, err
	}
	w, err := s.store.WarningByID(ctx, id)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	p := Publication{Sender: s.sender, SenderName: s.senderName}
	if s.baseURL != "" {
		p.Web = s.baseURL + "/warnings/" + strconv.FormatInt(w.ID, 10)
	}
	s.mu.RUnlock()
	for _, uid := range w.UnitIDs {
		if u, err := s.store.UnitByID(ctx, uid); err == nil && u.Code != "" {
			p.UnitCodes = append(p.UnitCodes, u.Code)
		}
	}
	return PublishCAP(&w, p)
}

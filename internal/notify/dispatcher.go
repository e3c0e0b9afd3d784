package notify

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/continuo-bcm/continuo/internal/errs"
)

// Dispatcher does the durable work of the engine: it fans messages out,
// fires due escalation steps and sends queued deliveries. Workers claim
// deliveries in batches under a lease; a worker that dies leaves its lease
// to expire and another worker (or the next process) takes the deliveries
// over. Several dispatchers, in one process or many on PostgreSQL, share
// the work without sending a delivery twice while leases hold.
type Dispatcher struct {
	s *Service

	Owner       string        // names this dispatcher's leases
	BatchSize   int           // deliveries claimed at once
	Lease       time.Duration // how long a claim holds
	Parallel    int           // sends in flight per batch
	Workers     int           // batch loops run by Run
	MaxAttempts int           // attempts before a delivery fails for good
	Backoff     Backoff
	Poll        time.Duration // longest sleep of Run between looks at the database
	// Rand returns a number in [0, 1) for the backoff jitter.
	Rand func() float64

	mu        sync.Mutex
	notifiers map[int64]cachedNotifier
	limiters  map[int64]*limiter
	messages  map[int64]*Message
}

type cachedNotifier struct {
	cfg ChannelConfig
	n   Notifier
	err error
}

// NewDispatcher returns a dispatcher with defaults fit for a server.
func (s *Service) NewDispatcher() *Dispatcher {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return &Dispatcher{s: s, Owner: "w-" + hex.EncodeToString(b), BatchSize: 200, Lease: 2 * time.Minute, Parallel: 32, Workers: 2,
		MaxAttempts: 8, Backoff: DefaultBackoff, Poll: time.Second, Rand: mrand.Float64,
		notifiers: map[int64]cachedNotifier{}, limiters: map[int64]*limiter{}, messages: map[int64]*Message{}}
}

// Stats counts what a pass did.
type Stats struct {
	Fanouts   int
	Fired     int // escalation steps fired
	Sent      int
	Retried   int
	Failed    int
	Deferred  int // held back by a rate limit
	Delivered int
}

func (st *Stats) add(o Stats) {
	st.Fanouts += o.Fanouts
	st.Fired += o.Fired
	st.Sent += o.Sent
	st.Retried += o.Retried
	st.Failed += o.Failed
	st.Deferred += o.Deferred
	st.Delivered += o.Delivered
}

// Tick does everything due at the clock's current time, one step after
// the other, and returns when nothing more is due: tests move the clock
// and call Tick instead of sleeping.
func (d *Dispatcher) Tick(ctx context.Context) (Stats, error) {
	var st Stats
	for {
		t, err := d.timers(ctx)
		st.add(t)
		if err != nil {
			return st, err
		}
		n, err := d.deliverAll(ctx)
		st.add(n)
		if err != nil {
			return st, err
		}
		if t.Fanouts == 0 && t.Fired == 0 {
			return st, nil
		}
	}
}

// timers resumes unfinished fan-outs and fires due escalation steps.
func (d *Dispatcher) timers(ctx context.Context) (Stats, error) {
	var st Stats
	now := d.s.clock.Now().UTC()
	ms, err := d.s.store.ClaimFanouts(ctx, d.Owner, now, now.Add(10*time.Minute), 10)
	if err != nil {
		return st, err
	}
	for i := range ms {
		if err := d.s.fanout(ctx, &ms[i]); err != nil {
			return st, fmt.Errorf("fan-out of message %d: %w", ms[i].ID, err)
		}
		st.Fanouts++
	}
	// Every due step is fired before the workers are woken to send, so
	// that the timers do not wait behind the sends for the writer.
	for {
		n, err := d.fireDue(ctx)
		st.Fired += n
		if err != nil || n == 0 {
			if st.Fired > 0 {
				d.s.wake()
			}
			return st, err
		}
	}
}

// deliverAll sends batches until nothing is due now.
func (d *Dispatcher) deliverAll(ctx context.Context) (Stats, error) {
	var st Stats
	for {
		n, claimed, err := d.deliverBatch(ctx)
		st.add(n)
		if err != nil || claimed == 0 {
			return st, err
		}
	}
}

// Run works until ctx is cancelled: a timer loop for fan-outs and
// escalations, and Workers delivery loops, each sleeping until there is
// new work (Send wakes them) or Poll passes.
func (d *Dispatcher) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for ctx.Err() == nil {
			woken := d.s.woken()
			if _, err := d.timers(ctx); err != nil && ctx.Err() == nil {
				d.s.log.Warn("notification timers", "err", err)
			}
			wait := d.Poll
			if next, ok, err := d.s.store.NextTimer(ctx); err == nil && ok {
				wait = min(wait, max(0, next.Sub(d.s.clock.Now())))
			}
			if wait > 0 {
				d.sleep(ctx, wait, woken)
			}
		}
	}()
	for i := 0; i < max(1, d.Workers); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				woken := d.s.woken()
				_, claimed, err := d.deliverBatch(ctx)
				if err != nil && ctx.Err() == nil {
					d.s.log.Warn("notification delivery", "err", err)
				}
				if claimed > 0 && err == nil {
					continue
				}
				wait := d.Poll
				if next, ok, err := d.s.store.NextDelivery(ctx); err == nil && ok {
					wait = min(wait, max(0, next.Sub(d.s.clock.Now())))
				}
				if wait > 0 {
					d.sleep(ctx, wait, woken)
				}
			}
		}()
	}
	wg.Wait()
}

func (d *Dispatcher) sleep(ctx context.Context, wait time.Duration, woken <-chan struct{}) {
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-woken:
	case <-t.C:
	}
}

// ---- escalation ----

// escalationBatch is how many due timers are fired per transaction: many
// timers fall due together (a warning to a whole department), and each
// transaction waits its turn for SQLite's single writer.
const escalationBatch = 2000

// fireDue claims due escalation timers and fires one step of each: the
// steps' deliveries and the timers' advance are written in one
// transaction, so a crash fires a step either completely or not at all.
func (d *Dispatcher) fireDue(ctx context.Context) (int, error) {
	now := d.s.clock.Now().UTC()
	es, err := d.s.store.ClaimEscalations(ctx, d.Owner, now, now.Add(d.Lease), escalationBatch)
	if err != nil || len(es) == 0 {
		return 0, err
	}
	chans, err := d.s.enabledChannels(ctx)
	if err != nil {
		return 0, err
	}
	policies := map[int64]*Policy{}
	type fired struct {
		e       Escalation
		step    *Step
		targets []int64
	}
	work := make([]fired, 0, len(es))
	var everyone []int64
	for _, e := range es {
		pol, ok := policies[e.PolicyID]
		if !ok {
			p, err := d.s.store.PolicyByID(ctx, e.PolicyID)
			if err != nil && !errs.Is(err, errs.NotFound) {
				return 0, err
			}
			if err == nil {
				pol = &p
			}
			policies[e.PolicyID] = pol
		}
		if pol == nil || e.Step >= len(pol.Steps) {
			e.State = EscalationDone
			work = append(work, fired{e: e})
			continue
		}
		w := fired{step: &pol.Steps[e.Step]}
		switch w.step.Target {
		case TargetHolder:
			w.targets = []int64{e.HolderID}
		case TargetDeputies, TargetNextDeputy:
			deps, err := d.s.store.DeputiesOf(ctx, e.HolderID)
			if err != nil {
				return 0, err
			}
			if w.step.Target == TargetDeputies {
				w.targets = deps
			} else if e.NextDeputy < len(deps) {
				w.targets = deps[e.NextDeputy : e.NextDeputy+1]
				e.NextDeputy++
			}
		}
		everyone = append(everyone, w.targets...)
		e.Step++
		if e.Step == len(pol.Steps) {
			e.Step, e.Round = 0, e.Round+1
		}
		if e.Round > pol.Repeat {
			e.State = EscalationDone
		} else {
			e.DueAt = pol.due(e.StartedAt, e.Round, e.Step)
		}
		w.e = e
		work = append(work, w)
	}
	recips, err := d.s.store.Recipients(ctx, everyone)
	if err != nil {
		return 0, err
	}
	n := 0
	err = d.s.tx.InTx(ctx, func(ctx context.Context) error {
		next := make([]Escalation, len(work))
		for i := range work {
			work[i].e.UpdatedAt = now
			next[i] = work[i].e
		}
		// Timers acknowledged (cancelled) since the claim are not advanced
		// and fire nothing.
		advanced, err := d.s.store.AdvanceEscalations(ctx, next)
		if err != nil {
			return err
		}
		var all []Delivery
		for _, w := range work {
			if !advanced[w.e.ID] {
				continue
			}
			n++
			if w.step == nil {
				continue
			}
			m, err := d.message(ctx, w.e.MessageID)
			if err != nil {
				return err
			}
			label := stepLabel(w.e, len(policies[w.e.PolicyID].Steps))
			for _, id := range w.targets {
				if r, ok := recips[id]; ok {
					all = append(all, d.s.deliveriesFor(m, &r, w.e.HolderID, w.step.Channels, label, chans, now)...)
				}
			}
		}
		_, err = d.s.store.InsertDeliveries(ctx, all)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// stepLabel names the step an advanced timer just fired ("r0s1": round 0,
// step 1), from its new position.
func stepLabel(e Escalation, steps int) string {
	round, step := e.Round, e.Step-1
	if step < 0 {
		round, step = round-1, steps-1
	}
	return fmt.Sprintf("r%ds%d", round, step)
}

// ---- delivery ----

// message returns a message, from a small cache: messages do not change
// once stored.
func (d *Dispatcher) message(ctx context.Context, id int64) (*Message, error) {
	d.mu.Lock()
	m, ok := d.messages[id]
	d.mu.Unlock()
	if ok {
		return m, nil
	}
	mm, err := d.s.store.MessageByID(ctx, id)
	if err != nil {
		return nil, err
	}
	mm.Recipients = nil // not needed to send, and large
	d.mu.Lock()
	if len(d.messages) > 1000 {
		clear(d.messages)
	}
	d.messages[id] = &mm
	d.mu.Unlock()
	return &mm, nil
}

// channelNotifiers returns the notifier of each channel, rebuilt when its
// configuration changed.
func (d *Dispatcher) channelNotifiers(chans []ChannelConfig) map[int64]cachedNotifier {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[int64]cachedNotifier, len(chans))
	for _, c := range chans {
		cn, ok := d.notifiers[c.ID]
		if !ok || !cn.cfg.UpdatedAt.Equal(c.UpdatedAt) {
			cn = cachedNotifier{cfg: c}
			if f, ok := d.s.cfg.Factories[c.Kind]; ok {
				cn.n, cn.err = f(c)
			} else {
				cn.err = fmt.Errorf("channel kind %s is not available in this server", c.Kind)
			}
			d.notifiers[c.ID] = cn
			if c.RatePerSecond > 0 {
				d.limiters[c.ID] = newLimiter(c.RatePerSecond)
			} else {
				delete(d.limiters, c.ID)
			}
		}
		out[c.ID] = cn
	}
	return out
}

func (d *Dispatcher) limiter(id int64) *limiter {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.limiters[id]
}

// deliverBatch claims one batch, sends it and records the outcomes.
func (d *Dispatcher) deliverBatch(ctx context.Context) (Stats, int, error) {
	var st Stats
	now := d.s.clock.Now().UTC()
	batch, err := d.s.store.ClaimDeliveries(ctx, d.Owner, now, now.Add(d.Lease), d.BatchSize)
	if err != nil || len(batch) == 0 {
		return st, 0, err
	}
	chans, err := d.s.store.ListChannels(ctx)
	if err != nil {
		return st, len(batch), err
	}
	ns := d.channelNotifiers(chans)
	outs := make([]Outcome, len(batch))
	sem := make(chan struct{}, max(1, d.Parallel))
	var wg sync.WaitGroup
	for i := range batch {
		del := &batch[i]
		outs[i].ID = del.ID
		cn, ok := ns[del.ChannelID]
		switch {
		case !ok:
			outs[i].Err = Permanent(fmt.Errorf("the %s channel was removed", del.Kind))
			continue
		case !cn.cfg.Enabled:
			outs[i].Err = Permanent(fmt.Errorf("the channel %q is disabled", cn.cfg.Name))
			continue
		case cn.err != nil:
			outs[i].Err = Permanent(fmt.Errorf("the channel %q is misconfigured: %s", cn.cfg.Name, redactSecrets(cn.err.Error(), cn.cfg)))
			continue
		}
		if l := d.limiter(del.ChannelID); l != nil {
			if ok, wait := l.take(now); !ok {
				outs[i].Deferred, outs[i].NextAttempt = true, now.Add(wait)
				continue
			}
		}
		m, err := d.message(ctx, del.MessageID)
		if err != nil {
			return st, len(batch), err
		}
		o, err := d.outgoing(m, del, now)
		if err != nil {
			outs[i].Err = Permanent(err)
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func(i int, o *Outgoing, cn cachedNotifier) {
			defer func() { <-sem; wg.Done() }()
			sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			rc, err := cn.n.Send(sctx, o)
			cancel()
			if err != nil {
				outs[i].Err = fmt.Errorf("%s", redactSecrets(err.Error(), cn.cfg))
				if IsPermanent(err) {
					outs[i].Err = Permanent(outs[i].Err)
				}
				outs[i].Retry = !IsPermanent(err)
				return
			}
			outs[i].Delivered, outs[i].ExternalID = rc.Delivered, rc.ExternalID
		}(i, o, cn)
	}
	wg.Wait()
	for i := range outs {
		o := &outs[i]
		switch {
		case o.Deferred:
			st.Deferred++
		case o.Err == nil:
			st.Sent++
			if o.Delivered {
				st.Delivered++
			}
		case o.Retry && batch[i].Attempts < d.MaxAttempts:
			st.Retried++
			o.NextAttempt = now.Add(d.Backoff.Delay(batch[i].Attempts, d.Rand()))
		default:
			o.Retry = false
			st.Failed++
		}
	}
	// The outcomes are recorded even when ctx is ending: the messages
	// went out, and recording them is what prevents sending them again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	return st, len(batch), d.s.store.RecordOutcomes(rctx, d.Owner, now, d.MaxAttempts, outs)
}

// outgoing renders a delivery for its channel.
func (d *Dispatcher) outgoing(m *Message, del *Delivery, now time.Time) (*Outgoing, error) {
	t := m.Text(del.Lang)
	o := &Outgoing{DeliveryID: del.ID, IdempotencyKey: del.IdempotencyKey(), PersonID: del.PersonID, Name: del.Name, Address: del.Address,
		Lang: del.Lang, Severity: m.Severity, Source: m.Source, MessageID: m.ID, SentAt: now}
	if m.AckRequired {
		o.AckURL = d.s.AckURL(del.ID, now)
	}
	var err error
	o.Subject, o.Body, err = d.s.Templates.Render(m.Template, del.Kind, RenderData{Subject: t.Subject, Body: t.Body, Severity: m.Severity,
		SeverityLabel: SeverityLabel(m.Severity, del.Lang), Source: m.Source, AckURL: o.AckURL, Name: del.Name, Lang: del.Lang,
		SentAt: m.CreatedAt.In(d.s.cfg.Location).Format("2006-01-02 15:04"), Data: m.Data})
	return o, err
}

var urlQueryRe = regexp.MustCompile(`(https?://[^\s"?]+)\?[^\s"]*`)

// redactSecrets removes from an error text the channel's secrets and the
// query strings of URLs (robot URLs carry access tokens there), so that
// the delivery log never holds a secret.
func redactSecrets(msg string, c ChannelConfig) string {
	for _, v := range c.Secrets {
		if len(v) >= 4 {
			msg = strings.ReplaceAll(msg, v, "[secret]")
			if e := url.QueryEscape(v); e != v {
				msg = strings.ReplaceAll(msg, e, "[secret]")
			}
		}
	}
	msg = urlQueryRe.ReplaceAllString(msg, "$1?[redacted]")
	if len(msg) > 500 {
		msg = msg[:500]
	}
	return msg
}

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
	"text/template/parse"
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
	rendered  map[renderKey]*renderedText
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
		notifiers: map[int64]cachedNotifier{}, limiters: map[int64]*limiter{}, messages: map[int64]*Message{},
		rendered: map[renderKey]*renderedText{}}
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
	mm.Recipients, mm.External = nil, nil // not needed to send, and large
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
			outs[i].Err = Permanent(fmt.Errorf(ErrChannelDisabled, cn.cfg.Name))
			continue
		case cn.err != nil:
			outs[i].Err = Permanent(fmt.Errorf(ErrChannelMisconfigured, cn.cfg.Name, redactSecrets(cn.err.Error(), cn.cfg)))
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
	o := &Outgoing{DeliveryID: del.ID, IdempotencyKey: del.IdempotencyKey(), PersonID: del.PersonID, Name: del.Name, Address: del.Address,
		Lang: del.Lang, Severity: m.Severity, Source: m.Source, MessageID: m.ID, SentAt: now}
	if m.AckRequired {
		o.AckURL = d.s.AckURL(del.ID, now)
	}
	var err error
	o.Subject, o.Body, err = d.render(m, del.Kind, del.Lang, del.Name, o.AckURL)
	return o, err
}

func (d *Dispatcher) renderData(m *Message, lang, name, ackURL string) RenderData {
	t := m.Text(lang)
	return RenderData{Subject: t.Subject, Body: t.Body, Severity: m.Severity, SeverityLabel: SeverityLabel(m.Severity, lang),
		Source: m.Source, AckURL: ackURL, Name: name, Lang: lang, SentAt: m.CreatedAt.In(d.s.cfg.Location).Format("2006-01-02 15:04"),
		Data: m.Data}
}

// Rendering a message for each of its deliveries costs more than
// everything else the engine does per delivery, yet only the recipient's
// name and acknowledgement link differ between the deliveries of one
// message, channel kind and language. So the dispatcher renders that text
// once with placeholders in their place and substitutes them per
// delivery. That gives exactly what rendering would only if the template
// prints those values as they are ({{.Name}}) or tests that they are set
// ({{if .AckURL}}), and the values are not empty; a template that does
// anything else with them (their length, a comparison, a function, a
// sub-template) has every delivery rendered on its own. As a second guard
// the text is rendered with two different sets of placeholders, which
// must differ only by the placeholders.

// renderKey names the text shared by the deliveries of a message.
type renderKey struct {
	message int64
	kind    Kind
	lang    string
	tpl     *tplPair // the template in use: one registered again is another key
}

// renderedText is that text, with placeholders; shared is false when the
// template must be rendered per delivery.
type renderedText struct {
	subject, body string
	shared        bool
}

const (
	namePH, ackPH   = "\x00continuo-name\x00", "\x00continuo-ack\x00"
	namePH2, ackPH2 = "\x00continuo-name-2\x00", "\x00continuo-ack-2\x00"
)

// substitutable reports whether a value can replace a placeholder and give
// what rendering it would: not empty, and without the surrounding white
// space that the render trims.
func substitutable(v string) bool {
	return v != "" && strings.TrimSpace(v) == v && !strings.Contains(v, "\x00")
}

// render returns the subject and body of a delivery.
func (d *Dispatcher) render(m *Message, kind Kind, lang, name, ackURL string) (string, string, error) {
	tpl := d.s.Templates.lookup(m.Template, kind, lang)
	t := m.Text(lang)
	if tpl == nil || !substitutable(name) || (ackURL != "" && !substitutable(ackURL)) || strings.Contains(t.Subject+t.Body, "\x00") {
		return d.s.Templates.Render(m.Template, kind, d.renderData(m, lang, name, ackURL))
	}
	key := renderKey{message: m.ID, kind: kind, lang: lang, tpl: tpl}
	d.mu.Lock()
	rt, ok := d.rendered[key]
	d.mu.Unlock()
	if !ok {
		rt = d.renderShared(m, kind, lang, ackURL != "")
		d.mu.Lock()
		if len(d.rendered) > 4000 {
			clear(d.rendered)
		}
		d.rendered[key] = rt
		d.mu.Unlock()
	}
	if !rt.shared {
		return d.s.Templates.Render(m.Template, kind, d.renderData(m, lang, name, ackURL))
	}
	fill := func(s string) string {
		s = strings.ReplaceAll(s, namePH, name)
		if ackURL != "" {
			s = strings.ReplaceAll(s, ackPH, ackURL)
		}
		return s
	}
	return fill(rt.subject), fill(rt.body), nil
}

// renderShared renders the text of a message for a channel kind and
// language with placeholders, and checks that the placeholders can be
// substituted.
func (d *Dispatcher) renderShared(m *Message, kind Kind, lang string, ack bool) *renderedText {
	if tpl := d.s.Templates.lookup(m.Template, kind, lang); tpl == nil ||
		!recipientSafe(tpl.subject.Tree.Root) || !recipientSafe(tpl.body.Tree.Root) {
		return &renderedText{}
	}
	a, b := ackPH, ackPH2
	if !ack {
		a, b = "", ""
	}
	s1, b1, err1 := d.s.Templates.Render(m.Template, kind, d.renderData(m, lang, namePH, a))
	s2, b2, err2 := d.s.Templates.Render(m.Template, kind, d.renderData(m, lang, namePH2, b))
	if err1 != nil || err2 != nil {
		return &renderedText{} // rendered per delivery, which reports the error
	}
	swap := strings.NewReplacer(namePH, namePH2, ackPH, ackPH2)
	if swap.Replace(s1) != s2 || swap.Replace(b1) != b2 {
		return &renderedText{}
	}
	return &renderedText{subject: s1, body: b1, shared: true}
}

// recipientSafe reports whether a template uses the recipient's values
// only by printing them ({{.Name}}, {{.AckURL}}) or testing them
// ({{if .Name}}), so that a text rendered with placeholders for them can be
// filled in. It is conservative: any use of dot itself, of $, or of a
// sub-template counts as unsafe.
func recipientSafe(n parse.Node) bool {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return true
		}
		for _, c := range n.Nodes {
			if !recipientSafe(c) {
				return false
			}
		}
		return true
	case *parse.TextNode, *parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
		return true
	case *parse.ActionNode:
		return recipientField(n.Pipe) || !mentionsRecipient(n.Pipe)
	case *parse.IfNode:
		return (recipientField(n.Pipe) || !mentionsRecipient(n.Pipe)) && recipientSafe(n.List) && recipientSafe(n.ElseList)
	case *parse.RangeNode:
		return !mentionsRecipient(n.Pipe) && recipientSafe(n.List) && recipientSafe(n.ElseList)
	case *parse.WithNode:
		return !mentionsRecipient(n.Pipe) && recipientSafe(n.List) && recipientSafe(n.ElseList)
	}
	return false
}

// recipientField reports whether a pipeline is just .Name or .AckURL.
func recipientField(p *parse.PipeNode) bool {
	if p == nil || len(p.Decl) > 0 || len(p.Cmds) != 1 || len(p.Cmds[0].Args) != 1 {
		return false
	}
	f, ok := p.Cmds[0].Args[0].(*parse.FieldNode)
	return ok && len(f.Ident) == 1 && (f.Ident[0] == "Name" || f.Ident[0] == "AckURL")
}

// mentionsRecipient reports whether a node may read the recipient's values.
func mentionsRecipient(n parse.Node) bool {
	switch n := n.(type) {
	case nil:
		return false
	case *parse.PipeNode:
		if n == nil {
			return false
		}
		for _, c := range n.Cmds {
			if mentionsRecipient(c) {
				return true
			}
		}
		return false
	case *parse.CommandNode:
		for _, a := range n.Args {
			if mentionsRecipient(a) {
				return true
			}
		}
		return false
	case *parse.FieldNode:
		return n.Ident[0] == "Name" || n.Ident[0] == "AckURL"
	case *parse.ChainNode:
		return mentionsRecipient(n.Node)
	case *parse.DotNode, *parse.VariableNode:
		return true
	case *parse.IdentifierNode, *parse.StringNode, *parse.NumberNode, *parse.BoolNode, *parse.NilNode:
		return false
	}
	return true
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

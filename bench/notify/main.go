// Command notify measures the notification engine's performance targets
// on SQLite with loopback sinks (an in-process SMTP server and HTTP
// server), and prints them as a Markdown table for docs/notifications.md:
//
//   - a message to N people (default 100,000) by email and by webhook:
//     time to the first 1,000 deliveries handed to a sink, and time until
//     every delivery is handed to its channel and recorded as sent in the
//     database;
//   - M pending escalation timers (default 10,000) due at the same moment:
//     how late each step fired (delivery created) and reached its sink.
//
// Usage: go run ./bench/notify [-people 100000] [-escalations 10000]
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/notify/channels"
	"github.com/continuo-bcm/continuo/internal/notify/notifytest"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
)

func main() {
	people := flag.Int("people", 100_000, "recipients of the fan-out")
	escalations := flag.Int("escalations", 10_000, "pending escalations due at once")
	workers := flag.Int("workers", 4, "dispatcher delivery loops")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile to this file")
	flag.Parse()
	log.SetFlags(0)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			log.Fatal(err)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			log.Fatal(err)
		}
		defer pprof.StopCPUProfile()
	}
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)

	dir, err := os.MkdirTemp("", "continuo-notify-bench-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	db, err := store.Open(ctx, filepath.Join(dir, "bench.db"))
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		log.Fatal(err)
	}
	ids := seed(ctx, db, max(*people, *escalations))

	smtpSink, err := notifytest.StartSMTP(false)
	if err != nil {
		log.Fatal(err)
	}
	defer smtpSink.Close()
	httpSink := notifytest.StartHTTP(false)
	defer httpSink.Close()

	clk := clock.Real{}
	svc, err := notify.NewService(ctx, db, db, audit.NewLog(db, db, clk), clk, notify.Config{BaseURL: "https://bcm.example.cn",
		Factories: channels.Builtin(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		log.Fatal(err)
	}
	for _, c := range []notify.ChannelConfig{
		{Kind: notify.Email, Name: "mail", Enabled: true, Settings: map[string]string{"host": smtpSink.Host(), "port": smtpSink.Port(),
			"tls": "none", "from": "bcm@example.cn", "connections": "32"}},
		{Kind: notify.Webhook, Name: "hook", Enabled: true, Settings: map[string]string{"url": httpSink.URL}, Secrets: map[string]string{"secret": "bench"}},
	} {
		if _, err := svc.SaveChannel(ctx, c); err != nil {
			log.Fatal(err)
		}
	}
	d := svc.NewDispatcher()
	d.Workers, d.BatchSize, d.Parallel = *workers, 500, 32
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { defer close(done); d.Run(runCtx) }()
	defer func() { stop(); <-done }()

	fmt.Printf("| measure | value |\n|---|---|\n")
	if *people > 0 {
		fanout(ctx, svc, db, smtpSink, httpSink, ids[:*people])
	}
	escalate(ctx, svc, db, httpSink, ids[:*escalations])
}

// seed stores n people with an email address, straight through the store.
func seed(ctx context.Context, db *store.DB, n int) []int64 {
	t0 := time.Now()
	now := time.Now().UTC()
	u := org.Unit{Kind: org.KindGroup, Name: "基准集团", CreatedAt: now, UpdatedAt: now}
	if err := db.CreateUnit(ctx, &u); err != nil {
		log.Fatal(err)
	}
	ids := make([]int64, 0, n)
	for i := 0; i < n; i += 5000 {
		err := db.InTx(ctx, func(ctx context.Context) error {
			for j := i; j < min(i+5000, n); j++ {
				p := org.Person{Name: fmt.Sprintf("员工%06d", j), NameEn: fmt.Sprintf("Person %d", j), UnitID: u.ID, Active: true, CreatedAt: now, UpdatedAt: now,
					Contacts: []org.ContactMethod{{Kind: org.ContactEmail, Value: fmt.Sprintf("p%06d@bench.example", j)}}}
				if err := db.CreatePerson(ctx, &p); err != nil {
					return err
				}
				ids = append(ids, p.ID)
			}
			return nil
		})
		if err != nil {
			log.Fatal(err)
		}
	}
	log.Printf("seeded %d people in %s", n, time.Since(t0).Round(time.Millisecond))
	return ids
}

func fanout(ctx context.Context, svc *notify.Service, db *store.DB, smtpSink *notifytest.SMTPSink, httpSink *notifytest.HTTPSink, ids []int64) {
	want := int64(2 * len(ids))
	var got atomic.Int64
	first := make(chan time.Time, 1)
	all := make(chan time.Time, 1)
	count := func(string) {
		n := got.Add(1)
		if n == 1000 {
			first <- time.Now()
		}
		if n == want {
			all <- time.Now()
		}
	}
	smtpSink.OnMail(count)
	httpSink.OnRequest(count)
	defer smtpSink.OnMail(nil)
	defer httpSink.OnRequest(nil)

	t0, cpu0, load0 := time.Now(), cpuTime(), loadAvg()
	if _, _, err := svc.Send(ctx, notify.Message{DedupKey: "bench-fanout", Source: "warning:1", Severity: notify.Red, AckRequired: true,
		Texts: map[string]notify.Text{
			notify.LangZh: {Subject: "红色预警：台风即将登陆", Body: "请各部门立即启动防台风应急预案，确认人员安全并回复。"},
			notify.LangEn: {Subject: "Red warning: typhoon landfall", Body: "All departments: start the typhoon plan now and confirm staff safety."},
		},
		Recipients: ids, Channels: []notify.Kind{notify.Email, notify.Webhook}}); err != nil {
		log.Fatal(err)
	}
	stored := time.Since(t0)
	var tFirst, tAll time.Time
	select {
	case tFirst = <-first:
	case <-time.After(5 * time.Minute):
		log.Fatalf("first 1,000 not reached: %d received", got.Load())
	}
	select {
	case tAll = <-all:
	case <-time.After(10 * time.Minute):
		log.Fatalf("only %d of %d received", got.Load(), want)
	}
	// Every delivery recorded: nothing left queued.
	for {
		if _, queued, err := db.NextDelivery(ctx); err != nil {
			log.Fatal(err)
		} else if !queued {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	recorded := time.Since(t0)
	cpu := cpuTime() - cpu0
	fmt.Printf("| message stored (outbox row, %d recipients) | %s |\n", len(ids), stored.Round(time.Millisecond))
	fmt.Printf("| first 1,000 deliveries handed to their sinks | %s |\n", tFirst.Sub(t0).Round(time.Millisecond))
	fmt.Printf("| all %d deliveries (%d people × email + webhook) handed to their sinks | %s |\n", want, len(ids), tAll.Sub(t0).Round(time.Millisecond))
	fmt.Printf("| … and every delivery recorded as sent | %s (%.0f deliveries/s) |\n", recorded.Round(time.Millisecond), float64(want)/recorded.Seconds())
	fmt.Printf("| messages received: SMTP / HTTP | %d / %d |\n", smtpSink.Count(), httpSink.Count())
	fmt.Printf("| CPU time of the whole process (engine, SQLite and both sinks) during the fan-out | %s, %.0f µs per delivery; %.1f s of CPU per 100,000 deliveries |\n",
		cpu.Round(time.Millisecond), float64(cpu.Microseconds())/float64(want), cpu.Seconds()*100000/float64(want))
	fmt.Printf("| machine load average (1 min) at start / end of the fan-out | %s / %s |\n", load0, loadAvg())
}

// cpuTime returns the user and system CPU time the process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAvg returns the 1-minute load average, or "?".
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return "?"
	}
	return f[0]
}

// escalate stores n escalation timers due at the same moment, as a
// message's fan-out leaves them, and measures how late each step fires.
func escalate(ctx context.Context, svc *notify.Service, db *store.DB, httpSink *notifytest.HTTPSink, ids []int64) {
	const lead = 3 * time.Second
	pol, err := svc.SavePolicy(ctx, notify.Policy{Name: "bench", Steps: []notify.Step{{After: notify.Duration(lead), Target: notify.TargetHolder,
		Channels: []notify.Kind{notify.Webhook}}}})
	if err != nil {
		log.Fatal(err)
	}
	var mu sync.Mutex
	var arrivals []time.Time
	httpSink.OnRequest(func(string) {
		mu.Lock()
		arrivals = append(arrivals, time.Now())
		mu.Unlock()
	})
	defer httpSink.OnRequest(nil)
	// The message and its timers are written as a finished fan-out leaves
	// them, without the first notifications, so that only the timers run.
	now := time.Now().UTC()
	m := notify.Message{DedupKey: "bench-escalation", Severity: notify.Orange, AckRequired: true, PolicyID: &pol.ID, CreatedAt: now,
		Texts: map[string]notify.Text{notify.LangZh: {Subject: "升级测试", Body: "请确认"}}, Recipients: ids}
	if _, err := db.CreateMessage(ctx, &m); err != nil {
		log.Fatal(err)
	}
	if err := db.FinishFanout(ctx, m.ID); err != nil {
		log.Fatal(err)
	}
	due := now.Add(lead)
	cpu0, load0 := cpuTime(), loadAvg()
	es := make([]notify.Escalation, len(ids))
	for i, id := range ids {
		es[i] = notify.Escalation{MessageID: m.ID, HolderID: id, PolicyID: pol.ID, DueAt: due, State: notify.EscalationPending, StartedAt: now, UpdatedAt: now}
	}
	if err := db.InTx(ctx, func(ctx context.Context) error { return db.InsertEscalations(ctx, es) }); err != nil {
		log.Fatal(err)
	}
	if time.Now().After(due) {
		log.Fatalf("storing the timers took longer than their delay")
	}
	for {
		mu.Lock()
		n := len(arrivals)
		mu.Unlock()
		if n >= len(ids) {
			break
		}
		if time.Now().After(due.Add(5 * time.Minute)) {
			log.Fatalf("only %d of %d escalation steps arrived", n, len(ids))
		}
		time.Sleep(20 * time.Millisecond)
	}
	cpu := cpuTime() - cpu0
	// When each step fired: the creation time of its delivery.
	var fired []time.Duration
	before := int64(0)
	for {
		ds, err := db.ListDeliveries(ctx, notify.DeliveryFilter{MessageID: m.ID, BeforeID: before, Limit: 500})
		if err != nil {
			log.Fatal(err)
		}
		for _, d := range ds {
			fired = append(fired, d.CreatedAt.Sub(due))
		}
		if len(ds) < 500 {
			break
		}
		before = ds[len(ds)-1].ID
	}
	var arrived []time.Duration
	for _, a := range arrivals {
		arrived = append(arrived, a.Sub(due))
	}
	fmt.Printf("| %d escalations due at once: step fired after its due time, p50 / p90 / p99 / max | %s |\n", len(fired), dist(fired))
	fmt.Printf("| … step handed to its sink after its due time, p50 / p90 / p99 / max | %s |\n", dist(arrived))
	fmt.Printf("| CPU time of the process from storing the timers to the last step received | %s; load average %s / %s |\n",
		cpu.Round(time.Millisecond), load0, loadAvg())
}

func dist(ds []time.Duration) string {
	if len(ds) == 0 {
		return "none"
	}
	slices.Sort(ds)
	q := func(p float64) time.Duration {
		return ds[min(len(ds)-1, int(p*float64(len(ds))))].Round(time.Millisecond)
	}
	return fmt.Sprintf("%s / %s / %s / %s", q(0.5), q(0.9), q(0.99), ds[len(ds)-1].Round(time.Millisecond))
}

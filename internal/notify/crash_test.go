package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
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

const crashChildEnv = "CONTINUO_NOTIFY_CRASH_CHILD"

const (
	crashBatch   = 25
	crashWorkers = 2
)

// TestCrashChild is the process TestCrashMidFanout kills: it runs a
// dispatcher on the database it is given until it is killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashChildEnv)
	if path == "" {
		t.Skip("run by TestCrashMidFanout")
	}
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	svc, err := notify.NewService(ctx, db, db, audit.NewLog(db, db, clock.Real{}), clock.Real{},
		notify.Config{BaseURL: "https://bcm.example.cn", Factories: channels.Builtin(), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	d := svc.NewDispatcher()
	d.Owner = "child"
	d.BatchSize, d.Workers, d.Parallel = crashBatch, crashWorkers, 4
	d.Run(ctx) // until SIGKILL
}

// TestCrashMidFanout starts a fan-out to many recipients by email and
// webhook in a child process, kills it with SIGKILL in the middle, and
// restarts the dispatcher on the same SQLite file. Every delivery must
// reach its sink, and a delivery may reach it twice only if the child had
// claimed it and not yet recorded its outcome when it died; such repeats
// carry the same Message-ID / Idempotency-Key, so a receiver that honours
// them sees each delivery once.
func TestCrashMidFanout(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		t.Skip("in the child")
	}
	if testing.Short() {
		t.Skip("starts a child process; runs without -short (make test runs it)")
	}
	const people, partners = 1200, 100
	const deliveries = 2*people + partners
	path := filepath.Join(t.TempDir(), "crash.db")
	ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	clk := clock.Real{}
	a := audit.NewLog(db, db, clk)
	orgs := org.NewService(db, db, a, clk)
	svc, err := notify.NewService(ctx, db, db, a, clk, notify.Config{BaseURL: "https://bcm.example.cn", Factories: channels.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	unit, err := orgs.CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Name: "星联物流集团"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for i := 0; i < people; i++ {
		p, err := orgs.SavePerson(ctx, org.Person{Name: fmt.Sprintf("员工%04d", i), UnitID: unit.ID, Active: true,
			Contacts: []org.ContactMethod{{Kind: org.ContactEmail, Value: fmt.Sprintf("p%04d@example.cn", i)}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	smtpSink, err := notifytest.StartSMTP(false)
	if err != nil {
		t.Fatal(err)
	}
	defer smtpSink.Close()
	httpSink := notifytest.StartHTTP(false)
	defer httpSink.Close()
	for _, c := range []notify.ChannelConfig{
		{Kind: notify.Email, Name: "mail", Enabled: true, Settings: map[string]string{"host": smtpSink.Host(), "port": smtpSink.Port(), "tls": "none", "from": "bcm@example.cn"}},
		{Kind: notify.Webhook, Name: "hook", Enabled: true, Settings: map[string]string{"url": httpSink.URL}, Secrets: map[string]string{"secret": "k"}},
	} {
		if _, err := svc.SaveChannel(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	// Partners outside the directory get one email each, after the people.
	var external []notify.External
	for i := 0; i < partners; i++ {
		external = append(external, notify.External{Name: fmt.Sprintf("合作方%03d", i), Email: fmt.Sprintf("duty%03d@partner.example.com", i)})
	}
	m, _, err := svc.Send(ctx, notify.Message{DedupKey: "crash-test", Severity: notify.Red, AckRequired: true, Texts: texts("红色预警", "Red warning"),
		Recipients: ids, External: external, Channels: []notify.Kind{notify.Email, notify.Webhook}})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	// Kill the child once a third of the messages arrived.
	var once sync.Once
	third := make(chan struct{})
	var mu sync.Mutex
	received := 0
	count := func(string) {
		mu.Lock()
		received++
		n := received
		mu.Unlock()
		if n >= deliveries/3 {
			once.Do(func() { close(third) })
		}
	}
	smtpSink.OnMail(count)
	httpSink.OnRequest(count)
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+path)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	select {
	case <-third:
	case <-time.After(2 * time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("the child sent too little; its output:\n%s", out.String())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	smtpSink.OnMail(nil)
	httpSink.OnRequest(nil)
	atKill := smtpSink.Count() + httpSink.Count()

	// What the child left: deliveries it had claimed and not recorded.
	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	inFlight := map[string]bool{}
	all, err := listAll(ctx, db, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	fanned := len(all)
	for _, d := range all {
		if d.State == notify.Queued && d.LeaseOwner == "child" {
			inFlight[d.IdempotencyKey()] = true
		}
	}
	if len(inFlight) > crashBatch*crashWorkers {
		t.Errorf("%d deliveries in flight, more than %d workers × %d per batch", len(inFlight), crashWorkers, crashBatch)
	}

	// Restart: a new dispatcher after the child's leases expired.
	later := clock.NewFake(time.Now().Add(3 * time.Minute))
	svc2, err := notify.NewService(ctx, db, db, audit.NewLog(db, db, later), later, notify.Config{BaseURL: "https://bcm.example.cn", Factories: channels.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	d2 := svc2.NewDispatcher()
	if _, err := d2.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	all, err = listAll(ctx, db, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != deliveries {
		t.Fatalf("%d deliveries after restart, want %d (fan-out resumed without duplicates)", len(all), deliveries)
	}
	mails, hooks := smtpSink.ByMessageID(), httpSink.ByKey()
	dups := 0
	for _, d := range all {
		if d.State != notify.Sent && d.State != notify.Delivered {
			t.Errorf("delivery %d is %s: %s", d.ID, d.State, d.LastError)
		}
		var n int
		if d.Kind == notify.Email {
			n = mails[d.IdempotencyKey()+"@example.cn"]
		} else {
			n = hooks[d.IdempotencyKey()]
		}
		switch {
		case n == 0:
			t.Errorf("delivery %d (%s) never arrived", d.ID, d.Kind)
		case n > 1 && !inFlight[d.IdempotencyKey()]:
			t.Errorf("delivery %d (%s) arrived %d times but was not in flight at the crash", d.ID, d.Kind, n)
		case n > 1:
			dups += n - 1
		}
	}
	if total := smtpSink.Count() + httpSink.Count(); total != deliveries+dups {
		t.Errorf("%d messages received for %d deliveries and %d repeats", total, deliveries, dups)
	}
	t.Logf("killed after %d of %d messages with %d deliveries fanned out; %d were in flight; %d re-sent after restart under the same key",
		atKill, deliveries, fanned, len(inFlight), dups)
}

func listAll(ctx context.Context, db *store.DB, messageID int64) ([]notify.Delivery, error) {
	var out []notify.Delivery
	before := int64(0)
	for {
		ds, err := db.ListDeliveries(ctx, notify.DeliveryFilter{MessageID: messageID, Limit: 500, BeforeID: before})
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
		if len(ds) < 500 {
			return out, nil
		}
		before = ds[len(ds)-1].ID
	}
}

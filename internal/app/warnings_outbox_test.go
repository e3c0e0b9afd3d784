package app_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// failingNotifier stands for a notification that cannot be stored.
type failingNotifier struct{}

func (failingNotifier) NotifyWarning(context.Context, warning.Action, warning.Warning, warning.Recipients) error {
	return errs.New(errs.Internal, "the outbox is unavailable")
}

// TestWarningAndItsNotificationCommitTogether checks the outbox: a warning
// and the message that releases it are stored in one transaction, so a
// warning never exists without its notification (nothing is lost when the
// process dies after the commit), and a notification that cannot be
// stored leaves no warning behind.
func TestWarningAndItsNotificationCommitTogether(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
			a, err := app.New(ctx, app.Config{DB: storetest.DSN(t, engine), BaseURL: "http://bcm.example.com"},
				slog.New(slog.DiscardHandler), clock.NewFake(time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)))
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			root, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Code: "G", Name: "集团"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Org.SavePerson(ctx, org.Person{Name: "值班员", UnitID: root.ID, Active: true}); err != nil {
				t.Fatal(err)
			}
			w, err := a.Warning.Issue(ctx, warning.Warning{Level: warning.Orange, Title: strings.Repeat("超长标题", 75),
				Audience: warning.Audience{UnitIDs: []int64{root.ID}}})
			if err != nil {
				t.Fatal(err) // a 300-character title still fits the message
			}
			// The message is there as soon as the warning is: no dispatcher
			// pass, no later step.
			ds, err := a.Notify.Deliveries(ctx, notify.DeliveryFilter{Source: "warning:" + idString(w.ID)})
			if err != nil {
				t.Fatal(err)
			}
			msgs := 0
			for id := int64(1); id < 10; id++ {
				if m, err := a.Notify.Message(ctx, id); err == nil && m.Source == "warning:"+idString(w.ID) {
					msgs++
				}
			}
			if msgs != 1 || len(ds) != 0 {
				t.Fatalf("%d messages for the warning (want 1), %d deliveries before fan-out", msgs, len(ds))
			}

			a.Warning.SetNotifier(failingNotifier{})
			if _, err := a.Warning.Issue(ctx, warning.Warning{Level: warning.Red, Title: "无法通知的预警",
				Audience: warning.Audience{UnitIDs: []int64{root.ID}}}); err == nil {
				t.Fatal("a warning whose notification cannot be stored was issued")
			}
			list, total, err := a.Warning.Warnings(ctx, warning.Filter{})
			if err != nil || total != 1 || list[0].ID != w.ID {
				t.Fatalf("warnings after the failed release: %d %v", total, err)
			}
		})
	}
}

// TestOverdueAcknowledgementsEscalate lets a warning's acknowledgement
// fall due: each department that has not acknowledged gets one reminder
// per revision, under the "warning-overdue" escalation policy; a
// department that acknowledged gets none; an upgrade (a new revision)
// asks again.
func TestOverdueAcknowledgementsEscalate(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
			clk := clock.NewFake(time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC))
			a, err := app.New(ctx, app.Config{DB: storetest.DSN(t, engine)}, slog.New(slog.DiscardHandler), clk)
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			root, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Code: "G", Name: "集团"})
			if err != nil {
				t.Fatal(err)
			}
			unit := func(name string) org.Unit {
				u, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindDepartment, ParentID: &root.ID, Name: name})
				if err != nil {
					t.Fatal(err)
				}
				return u
			}
			ops, cs := unit("运营部"), unit("客服部")
			person := func(u org.Unit, name string) org.Person {
				p, err := a.Org.SavePerson(ctx, org.Person{Name: name, UnitID: u.ID, Active: true})
				if err != nil {
					t.Fatal(err)
				}
				return p
			}
			person(ops, "甲")
			lin := person(cs, "林")
			pol, err := a.Notify.SavePolicy(ctx, notify.Policy{Name: app.OverduePolicy,
				Steps: []notify.Step{{After: notify.Duration(10 * time.Minute), Target: notify.TargetDeputies}}})
			if err != nil {
				t.Fatal(err)
			}
			w, err := a.Warning.Issue(ctx, warning.Warning{Level: warning.Yellow, Title: "暴雨黄色预警",
				Audience: warning.Audience{UnitIDs: []int64{ops.ID, cs.ID}}})
			if err != nil {
				t.Fatal(err)
			}
			if n, err := a.EscalateOverdueAcks(ctx); err != nil || n != 0 {
				t.Fatalf("before the due time: %d reminders, %v", n, err)
			}
			if _, err := a.Warning.Acknowledge(ctx, w.ID, ops.ID, "已处置"); err != nil {
				t.Fatal(err)
			}
			clk.Advance(warning.DefaultAckWithin[warning.Yellow] + time.Minute)
			if n, err := a.EscalateOverdueAcks(ctx); err != nil || n != 1 {
				t.Fatalf("after the due time: %d reminders, want 1 (customer service only), %v", n, err)
			}
			if n, err := a.EscalateOverdueAcks(ctx); err != nil || n != 0 {
				t.Fatalf("run again: %d reminders, want 0, %v", n, err)
			}
			var reminder notify.Message
			for id := int64(1); id < 20; id++ {
				if m, err := a.Notify.Message(ctx, id); err == nil && strings.Contains(m.DedupKey, ":overdue:") {
					reminder = m
				}
			}
			if reminder.ID == 0 || reminder.PolicyID == nil || *reminder.PolicyID != pol.ID || !reminder.AckRequired ||
				len(reminder.Recipients) != 1 || reminder.Recipients[0] != lin.ID || !strings.Contains(reminder.Texts[notify.LangZh].Subject, "客服部") {
				t.Fatalf("reminder %+v", reminder)
			}
			// An upgrade is a new revision: both departments owe a new
			// acknowledgement, and are reminded again once it is overdue.
			if _, err := a.Warning.Upgrade(ctx, w.ID, warning.Orange, "雨势加大"); err != nil {
				t.Fatal(err)
			}
			clk.Advance(warning.DefaultAckWithin[warning.Orange] + time.Minute)
			if n, err := a.EscalateOverdueAcks(ctx); err != nil || n != 2 {
				t.Fatalf("after the upgrade: %d reminders, want 2, %v", n, err)
			}
		})
	}
}

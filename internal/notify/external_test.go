package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

func TestPartnerValidationStoresNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.withSMTP()
		many := make([]notify.External, notify.MaxExternal+1)
		for i := range many {
			many[i] = notify.External{Name: "承运商", Email: fmt.Sprintf("duty%d@carrier.example.com", i)}
		}
		for _, c := range []struct {
			name  string
			ext   []notify.External
			field string
		}{
			{"no address", []notify.External{{Name: "东海冷链值班"}}, "external[0]"},
			{"no name", []notify.External{{Email: "duty@carrier.example.com"}}, "external[0].name"},
			{"bad email", []notify.External{{Name: "东海冷链", Email: "duty@carrier"}}, "external[0].email"},
			{"display name", []notify.External{{Name: "东海冷链", Email: "Duty <duty@carrier.example.com>"}}, "external[0].email"},
			{"bad phone", []notify.External{{Name: "东海冷链", Email: "ok@carrier.example.com"}, {Name: "港务局", Phone: "call 139"}}, "external[1].phone"},
			{"short phone", []notify.External{{Name: "港务局", Phone: "+86 1"}}, "external[0].phone"},
			{"bad language", []notify.External{{Name: "港务局", Phone: "13900000000", Lang: "fr"}}, "external[0].lang"},
			{"too many", many, "external"},
		} {
			_, _, err := e.svc.Send(e.sys, notify.Message{DedupKey: "warning:9:raised", Severity: notify.Yellow,
				Texts: texts("黄色预警", "Yellow warning"), External: c.ext})
			if !errs.Is(err, errs.Invalid) {
				t.Fatalf("%s: %v", c.name, err)
			}
			fields := errs.FieldsOf(err)
			if !slices.ContainsFunc(fields, func(f errs.FieldError) bool { return f.Field == c.field }) {
				t.Errorf("%s: fields %+v, want %s", c.name, fields, c.field)
			}
		}
		// Nothing was stored: the dedup key is still free, and no delivery
		// exists.
		if ds := e.deliveries(notify.DeliveryFilter{}); len(ds) != 0 {
			t.Fatalf("%d deliveries after refused messages", len(ds))
		}
		_, created, err := e.svc.Send(e.sys, notify.Message{DedupKey: "warning:9:raised", Severity: notify.Yellow,
			Texts: texts("黄色预警", "Yellow warning"), External: []notify.External{{Name: "东海冷链", Email: "duty@carrier.example.com"}}})
		if err != nil || !created {
			t.Fatalf("valid message after refused ones: created %v, %v", created, err)
		}
	})
}

// TestPartnersByEmailAndSMS sends a yellow warning to a holder in
// quiet hours with an escalation policy, and to three partners (one twice):
// the partners are reached at once by email and SMS, in their language,
// without escalation, and exactly once. A partner acknowledges through the
// link in a message, which acknowledges its deliveries on both channels
// and nobody else's.
func TestPartnersByEmailAndSMS(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.withSMTP()
		sink := e.withHTTP()
		e.channel(notify.ChannelConfig{Kind: notify.SMS, Name: "短信网关", Enabled: true, Settings: map[string]string{"url": sink.URL + "/sms",
			"body_template": `{"phone":{{json .To}},"content":{{json .Text}},"ref":{{json .IdempotencyKey}}}`}})
		if _, err := e.svc.SavePreference(e.sys, notify.Preference{PersonID: e.holder.ID, Channels: []notify.Kind{notify.Email},
			QuietStart: "22:00", QuietEnd: "07:00", TimeZone: "Asia/Shanghai"}); err != nil {
			t.Fatal(err)
		}
		pol, err := e.svc.SavePolicy(e.sys, notify.Policy{Name: "仓库值班升级",
			Steps: []notify.Step{{After: notify.Duration(10 * time.Minute), Target: notify.TargetHolder}}})
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Set(time.Date(2026, 3, 2, 15, 30, 0, 0, time.UTC)) // 23:30 in Beijing: the holder's quiet hours
		msg := notify.Message{DedupKey: "warning:4:raised:r1", Source: "warning:4", Severity: notify.Yellow, AckRequired: true, PolicyID: &pol.ID,
			Texts: texts("黄色预警：冷库温度", "Yellow warning: cold store temperature"), Recipients: []int64{e.holder.ID},
			External: []notify.External{
				{Name: "Pacific Cold Chain duty desk", Email: "duty@pcc.example.com", Phone: "+86 139-0000-0001", Lang: notify.LangEn},
				{Name: "港务局调度", Phone: "+86 (21) 5555 0002"},
				{Name: "东海冷链", Email: "ops@donghai.example.cn"},
				{Name: "Pacific Cold Chain (again)", Email: " DUTY@pcc.example.com "}, // the same recipient
			}}
		m, created, err := e.svc.Send(e.sys, msg)
		if err != nil || !created {
			t.Fatalf("send: %v %v", created, err)
		}
		if len(m.External) != 3 {
			t.Fatalf("external %+v: the repeat must be dropped", m.External)
		}
		st := e.tick()
		if st.Sent != 4 || st.Failed != 0 {
			t.Fatalf("stats %+v: 2 mails and 2 SMS to partners, the holder's mail waits", st)
		}

		mails := map[string]string{}
		for _, ml := range e.smtp.Mails() {
			mails[ml.To[0]] = ml.Subject + "\n" + ml.Body
		}
		if len(mails) != 2 {
			t.Fatalf("mails to %v", mails)
		}
		en, zh := mails["duty@pcc.example.com"], mails["ops@donghai.example.cn"]
		if !strings.Contains(en, "[YELLOW] Yellow warning: cold store temperature") || !strings.Contains(en, "Dear Pacific Cold Chain duty desk") {
			t.Errorf("English mail:\n%s", en)
		}
		if !strings.Contains(zh, "【黄色】黄色预警：冷库温度") || !strings.Contains(zh, "东海冷链，您好") {
			t.Errorf("Chinese mail:\n%s", zh)
		}
		for _, body := range []string{en, zh} {
			if !strings.Contains(body, "/ack/") {
				t.Errorf("a partner's mail has no acknowledgement link:\n%s", body)
			}
		}
		phones := map[string]string{}
		for _, r := range sink.Requests() {
			var sm struct{ Phone, Content, Ref string }
			if err := json.Unmarshal(r.Body, &sm); err != nil {
				t.Fatalf("sms body %s: %v", r.Body, err)
			}
			phones[sm.Phone] = sm.Content
		}
		if len(phones) != 2 || !strings.HasPrefix(phones["+86 139-0000-0001"], "[YELLOW] Yellow warning") ||
			!strings.HasPrefix(phones["+86 (21) 5555 0002"], "【黄色】黄色预警") {
			t.Errorf("SMS %v", phones)
		}
		for p, text := range phones {
			if !strings.Contains(text, "/ack/") {
				t.Errorf("SMS to %s has no acknowledgement link: %s", p, text)
			}
		}

		ds := e.deliveries(notify.DeliveryFilter{MessageID: m.ID})
		if len(ds) != 5 {
			t.Fatalf("%d deliveries, want 5", len(ds))
		}
		var external []notify.Delivery
		for _, d := range ds {
			if d.External() {
				external = append(external, d)
				if d.PersonID != 0 || d.State != notify.Sent || d.Name == "" || d.Address == "" {
					t.Errorf("external delivery %+v", d)
				}
			} else if d.PersonID != e.holder.ID || d.State != notify.Queued {
				t.Errorf("holder's delivery %+v: deferred to the end of quiet hours", d)
			}
		}
		if len(external) != 4 {
			t.Fatalf("%d external deliveries", len(external))
		}
		// Only the holder has an escalation timer.
		es, err := e.svc.Escalations(e.sys, m.ID)
		if err != nil || len(es) != 1 || es[0].HolderID != e.holder.ID {
			t.Fatalf("escalations %+v %v", es, err)
		}
		// The Pacific Cold Chain desk acknowledges by the link in its SMS:
		// its mail counts as acknowledged too; the other partners and the
		// holder are still waiting.
		var sms notify.Delivery
		for _, d := range external {
			if d.Kind == notify.SMS && d.Address == "+86 139-0000-0001" {
				sms = d
			}
		}
		res, err := e.svc.AcknowledgeToken(context.Background(), e.svc.Tokens().Sign(sms.ID, e.clock.Now().Add(time.Hour)))
		if err != nil || res.Already || res.Delivery.AckedAt == nil {
			t.Fatalf("a partner acknowledges: %+v %v", res, err)
		}
		for _, d := range e.deliveries(notify.DeliveryFilter{MessageID: m.ID}) {
			pcc := d.External() && strings.HasPrefix(d.Name, "Pacific Cold Chain")
			if acked := d.AckedAt != nil && d.State == notify.Acknowledged; acked != pcc {
				t.Errorf("after the partner's acknowledgement: %s by %s is %s (acked %v)", d.Name, d.Kind, d.State, d.AckedAt)
			}
		}
		if res, err := e.svc.AcknowledgeToken(context.Background(), e.svc.Tokens().Sign(sms.ID, e.clock.Now().Add(time.Hour))); err != nil || !res.Already {
			t.Errorf("a second use of the link: %+v %v", res, err)
		}
		// Partners have no account: they cannot acknowledge signed in.
		if _, err := e.svc.Acknowledge(authz.WithPrincipal(context.Background(), authz.Principal{UserID: 1}), external[1].ID); err == nil {
			t.Error("a user acknowledged a partner's delivery")
		}

		// Sending the message again, or running its fan-out again (a
		// dispatcher taking over after a crash), sends nothing twice.
		if _, created, err := e.svc.Send(e.sys, msg); err != nil || created {
			t.Fatalf("repeated send: %v %v", created, err)
		}
		stored, err := e.svc.Message(e.sys, m.ID)
		if err != nil || len(stored.External) != 3 || stored.External[0].Lang != notify.LangEn {
			t.Fatalf("stored message %+v %v", stored.External, err)
		}
		if err := notify.Fanout(e.sys, e.svc, &stored); err != nil {
			t.Fatal(err)
		}
		if st := e.tick(); st.Sent != 0 {
			t.Fatalf("stats after a repeated fan-out %+v", st)
		}
		if n, k := e.smtp.Count(), sink.Count(); n != 2 || k != 2 {
			t.Fatalf("%d mails, %d SMS after a repeated send, want 2 and 2", n, k)
		}
		if ds := e.deliveries(notify.DeliveryFilter{MessageID: m.ID}); len(ds) != 5 {
			t.Fatalf("%d deliveries after a repeated fan-out", len(ds))
		}
	})
}

// TestPartnerWithoutChannel records a failed delivery for a
// partner whose address has no enabled channel, so that the log says why.
func TestPartnerWithoutChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.withSMTP()
		m := e.send(notify.Message{Severity: notify.Blue, Texts: texts("蓝色预警", "Blue warning"),
			External: []notify.External{{Name: "港务局调度", Email: "dispatch@port.example.cn", Phone: "13900000002"}}})
		if st := e.tick(); st.Sent != 1 {
			t.Fatalf("stats %+v", st)
		}
		sms := e.deliveries(notify.DeliveryFilter{MessageID: m.ID, Kind: notify.SMS})
		if len(sms) != 1 || sms[0].State != notify.Failed || !strings.Contains(sms[0].LastError, "no enabled sms channel") {
			t.Errorf("sms deliveries %+v", sms)
		}
	})
}

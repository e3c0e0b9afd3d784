package app_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/notify/notifytest"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// TestWarningsReachPartners follows a warning to its partners outside the
// directory: the one with an email address gets a mail through the SMTP
// server, the one with a mobile number an SMS through the HTTP gateway,
// for the release, the upgrade and the lifting, once each.
func TestWarningsReachPartners(t *testing.T) {
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			ctx := authz.WithPrincipal(context.Background(), authz.SystemPrincipal)
			a, err := app.New(ctx, app.Config{DB: storetest.DSN(t, engine), BaseURL: "http://bcm.example.com"},
				slog.New(slog.DiscardHandler), clock.NewFake(time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)))
			if err != nil {
				t.Fatal(err)
			}
			defer a.Close()
			smtp, err := notifytest.StartSMTP(true)
			if err != nil {
				t.Fatal(err)
			}
			defer smtp.Close()
			gateway := notifytest.StartHTTP(true)
			defer gateway.Close()
			for _, c := range []notify.ChannelConfig{
				{Kind: notify.Email, Name: "mail", Enabled: true, Settings: map[string]string{"host": smtp.Host(), "port": smtp.Port(), "tls": "none", "from": "bcm@example.com"}},
				{Kind: notify.SMS, Name: "sms", Enabled: true, Settings: map[string]string{"url": gateway.URL + "/sms",
					"body_template": `{"phone":{{json .To}},"content":{{json .Text}}}`}},
			} {
				if _, err := a.Notify.SaveChannel(ctx, c); err != nil {
					t.Fatal(err)
				}
			}
			hub, err := a.Org.CreateUnit(ctx, org.Unit{Kind: org.KindGroup, Code: "HZ", Name: "杭州枢纽"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := a.Org.SavePerson(ctx, org.Person{Name: "魏琳", UnitID: hub.ID, Active: true,
				Contacts: []org.ContactMethod{{Kind: org.ContactEmail, Value: "wei.lin@example.com"}}}); err != nil {
				t.Fatal(err)
			}

			// A partner with an address the engine would refuse is refused
			// with the warning: nothing is stored.
			_, err = a.Warning.Issue(ctx, warning.Warning{Level: warning.Orange, Title: "无效联系人", Audience: warning.Audience{
				Partners: []warning.Contact{{Name: "东海冷链", Email: "ops@donghai"}}}})
			if !errs.Is(err, errs.Invalid) || !strings.Contains(err.Error()+fieldsText(err), "audience.partners[0].email") {
				t.Fatalf("bad partner email: %v %v", err, errs.FieldsOf(err))
			}
			if _, n, err := a.Warning.Warnings(ctx, warning.Filter{}); err != nil || n != 0 {
				t.Fatalf("%d warnings after a refused one, %v", n, err)
			}

			w, err := a.Warning.Issue(ctx, warning.Warning{Level: warning.Yellow, Title: "杭州枢纽暴雨黄色预警", TitleEn: "Hangzhou hub rainstorm warning",
				Measures: "暂停室外装卸", Audience: warning.Audience{UnitIDs: []int64{hub.ID}, Partners: []warning.Contact{
					{Name: "Duty desk", Organisation: "Pacific Cold Chain", Email: "duty@pcc.example.com", Lang: "en"},
					{Name: "港务局调度", Mobile: "+86 139 0000 0002"},
				}}})
			if err != nil {
				t.Fatal(err)
			}
			d := a.Notify.NewDispatcher()
			tick := func() {
				t.Helper()
				for range 2 {
					if _, err := d.Tick(ctx); err != nil {
						t.Fatal(err)
					}
				}
			}
			tick()
			if _, err := a.Warning.Upgrade(ctx, w.ID, warning.Orange, "雨量加大"); err != nil {
				t.Fatal(err)
			}
			tick()
			if _, err := a.Warning.Lift(ctx, w.ID, "降雨结束"); err != nil {
				t.Fatal(err)
			}
			tick()
			tick()

			var partnerMails []notifytest.Mail
			staff := 0
			for _, m := range smtp.Mails() {
				switch m.To[0] {
				case "duty@pcc.example.com":
					partnerMails = append(partnerMails, m)
				case "wei.lin@example.com":
					staff++
				default:
					t.Errorf("mail to %v", m.To)
				}
			}
			if len(partnerMails) != 3 || staff != 3 {
				t.Fatalf("%d mails to the partner, %d to staff; want 3 and 3", len(partnerMails), staff)
			}
			subjects := []string{}
			for _, m := range partnerMails {
				subjects = append(subjects, m.Subject)
				// Issue and upgrade ask for acknowledgement, so the partner
				// gets the link too; the lifting does not.
				lifted := strings.Contains(m.Subject, "lifted]")
				if !strings.Contains(m.Body, "Dear Duty desk (Pacific Cold Chain)") || strings.Contains(m.Body, "/ack/") == lifted {
					t.Errorf("partner mail %q:\n%s", m.Subject, m.Body)
				}
			}
			joined := strings.Join(subjects, "\n")
			for _, want := range []string{"issued] Hangzhou hub rainstorm warning", "upgraded] Hangzhou hub rainstorm warning", "lifted] Hangzhou hub rainstorm warning"} {
				if !strings.Contains(joined, want) {
					t.Errorf("partner subjects %q lack %q", joined, want)
				}
			}
			reqs := gateway.Requests()
			if len(reqs) != 3 {
				t.Fatalf("%d SMS, want 3", len(reqs))
			}
			for _, r := range reqs {
				var sm struct{ Phone, Content string }
				if err := json.Unmarshal(r.Body, &sm); err != nil {
					t.Fatal(err)
				}
				lifted := strings.Contains(sm.Content, "解除")
				if sm.Phone != "+86 139 0000 0002" || !strings.Contains(sm.Content, "杭州枢纽暴雨黄色预警") || strings.Contains(sm.Content, "/ack/") == lifted {
					t.Errorf("SMS %+v", sm)
				}
			}
			ds, err := a.Notify.Deliveries(ctx, notify.DeliveryFilter{Source: "warning:" + idString(w.ID), Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			external := 0
			for _, d := range ds {
				if d.External() {
					external++
					if d.State != notify.Sent {
						t.Errorf("partner delivery %+v", d)
					}
				}
			}
			if external != 6 {
				t.Errorf("%d partner deliveries, want 6", external)
			}
		})
	}
}

func fieldsText(err error) string {
	var b strings.Builder
	for _, f := range errs.FieldsOf(err) {
		b.WriteString(" " + f.Field)
	}
	return b.String()
}

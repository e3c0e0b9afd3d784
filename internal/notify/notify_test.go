package notify_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/audit"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/clock"
	"github.com/continuo-bcm/continuo/internal/errs"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/notify/channels"
	"github.com/continuo-bcm/continuo/internal/notify/notifytest"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

var _ notify.Store = (*store.DB)(nil)

// start is 2026-03-02 10:00 in Beijing.
var start = time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)

// env is a warehouse department with a holder (王强), his two deputies in
// the on-site command group, and an English-speaking colleague.
type env struct {
	t     *testing.T
	db    *store.DB
	clock *clock.Fake
	svc   *notify.Service
	disp  *notify.Dispatcher
	org   *org.Service
	ids   *identity.Service
	sys   context.Context
	smtp  *notifytest.SMTPSink
	http  *notifytest.HTTPSink

	unit                    org.Unit
	holder, dep1, dep2, eng org.Person
	team                    org.Team
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	clk := clock.NewFake(start)
	a := audit.NewLog(db, db, clk)
	e := &env{t: t, db: db, clock: clk, org: org.NewService(db, db, a, clk),
		sys: authz.WithPrincipal(context.Background(), authz.SystemPrincipal)}
	e.ids = identity.NewService(db, e.org, db, a, clk)
	var err error
	e.svc, err = notify.NewService(e.sys, db, db, a, clk, notify.Config{BaseURL: "https://bcm.example.cn/", Factories: channels.Builtin()})
	if err != nil {
		t.Fatal(err)
	}
	e.disp = e.svc.NewDispatcher()
	e.disp.Rand = func() float64 { return 0.5 } // no jitter: exact retry times
	e.unit, err = e.org.CreateUnit(e.sys, org.Unit{Kind: org.KindDepartment, Name: "华东仓储部"})
	if err != nil {
		t.Fatal(err)
	}
	person := func(name, nameEn string, contacts ...org.ContactMethod) org.Person {
		p, err := e.org.SavePerson(e.sys, org.Person{Name: name, NameEn: nameEn, UnitID: e.unit.ID, Active: true, Contacts: contacts})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	e.holder = person("王强", "Wang Qiang", org.ContactMethod{Kind: org.ContactEmail, Value: "wang.qiang@example.cn"},
		org.ContactMethod{Kind: org.ContactMobile, Value: "13800000001"}, org.ContactMethod{Kind: org.ContactDingTalk, Value: "wangqiang"},
		org.ContactMethod{Kind: org.ContactWeCom, Value: "WangQiang"}, org.ContactMethod{Kind: org.ContactFeishu, Value: "ou_wq"},
		org.ContactMethod{Kind: org.ContactSlack, Value: "U0WQ"})
	e.dep1 = person("李娜", "Li Na", org.ContactMethod{Kind: org.ContactEmail, Value: "li.na@example.cn"},
		org.ContactMethod{Kind: org.ContactMobile, Value: "13800000002"})
	e.dep2 = person("赵磊", "Zhao Lei", org.ContactMethod{Kind: org.ContactEmail, Value: "zhao.lei@example.cn"})
	e.eng = person("陈静", "Jing Chen", org.ContactMethod{Kind: org.ContactEmail, Value: "jing.chen@example.cn"})
	e.team, err = e.org.SaveTeam(e.sys, org.Team{Kind: org.TeamOnsiteCommand, Name: "仓库现场指挥组", UnitID: e.unit.ID,
		Members: []org.Member{{PersonID: e.holder.ID, Role: org.RoleLeader, Deputies: []int64{e.dep1.ID, e.dep2.ID}},
			{PersonID: e.dep1.ID, Role: org.RoleMember}, {PersonID: e.dep2.ID, Role: org.RoleMember}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SavePreference(e.sys, notify.Preference{PersonID: e.eng.ID, Lang: notify.LangEn}); err != nil {
		t.Fatal(err)
	}
	return e
}

// withSMTP configures an email channel to an in-process SMTP server.
func (e *env) withSMTP() notify.ChannelConfig {
	e.t.Helper()
	sink, err := notifytest.StartSMTP(true)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { sink.Close() })
	e.smtp = sink
	return e.channel(notify.ChannelConfig{Kind: notify.Email, Name: "公司邮件", Enabled: true,
		Settings: map[string]string{"host": sink.Host(), "port": sink.Port(), "tls": "none", "from": "Continuo 预警 <bcm@example.cn>"}})
}

func (e *env) withHTTP() *notifytest.HTTPSink {
	e.t.Helper()
	if e.http == nil {
		e.http = notifytest.StartHTTP(true)
		e.t.Cleanup(e.http.Close)
	}
	return e.http
}

func (e *env) channel(c notify.ChannelConfig) notify.ChannelConfig {
	e.t.Helper()
	c, err := e.svc.SaveChannel(e.sys, c)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *env) send(m notify.Message) notify.Message {
	e.t.Helper()
	m, _, err := e.svc.Send(e.sys, m)
	if err != nil {
		e.t.Fatal(err)
	}
	return m
}

func (e *env) tick() notify.Stats {
	e.t.Helper()
	st, err := e.disp.Tick(e.sys)
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

func (e *env) deliveries(f notify.DeliveryFilter) []notify.Delivery {
	e.t.Helper()
	f.Limit = 500
	ds, err := e.svc.Deliveries(e.sys, f)
	if err != nil {
		e.t.Fatal(err)
	}
	return ds
}

func texts(zh, en string) map[string]notify.Text {
	return map[string]notify.Text{
		notify.LangZh: {Subject: zh, Body: "仓库温度超过 35℃，请立即检查冷链设备。"},
		notify.LangEn: {Subject: en, Body: "Warehouse temperature above 35 °C: check the cold-chain equipment now."},
	}
}

var ackLinkRe = regexp.MustCompile(`https://bcm\.example\.cn/ack/([A-Za-z0-9_\-]+)`)

func TestEmailWithChineseTextAndAckLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.withSMTP()
		m := e.send(notify.Message{DedupKey: "warning:12:issue", Source: "warning:12", Severity: notify.Red, AckRequired: true,
			Texts: texts("仓库高温预警", "Warehouse heat warning"), Recipients: []int64{e.holder.ID, e.eng.ID}})
		if st := e.tick(); st.Fanouts != 1 || st.Sent != 2 || st.Failed != 0 {
			t.Errorf("stats %+v", st)
		}
		mails := e.smtp.Mails()
		if len(mails) != 2 {
			t.Fatalf("%d mails received, want 2", len(mails))
		}
		byTo := map[string]notifytest.Mail{}
		for _, ml := range mails {
			byTo[ml.To[0]] = ml
		}
		zh, en := byTo["wang.qiang@example.cn"], byTo["jing.chen@example.cn"]
		if zh.Subject != "【红色】仓库高温预警" {
			t.Errorf("Chinese subject %q", zh.Subject)
		}
		if en.Subject != "[RED] Warehouse heat warning" {
			t.Errorf("English subject %q", en.Subject)
		}
		if !strings.Contains(zh.Body, "王强，您好") || !strings.Contains(zh.Body, "仓库温度超过 35℃") || !strings.Contains(zh.Body, "请确认收到：https://bcm.example.cn/ack/") {
			t.Errorf("Chinese body:\n%s", zh.Body)
		}
		if !strings.Contains(en.Body, "Dear Jing Chen") || !strings.Contains(en.Body, "Please acknowledge: https://bcm.example.cn/ack/") {
			t.Errorf("English body:\n%s", en.Body)
		}
		if got := zh.Header.Get("Content-Type"); !strings.Contains(got, "charset=UTF-8") {
			t.Errorf("Content-Type %q", got)
		}
		if zh.From != "bcm@example.cn" || !strings.Contains(zh.Header.Get("From"), "bcm@example.cn") {
			t.Errorf("From %q / %q", zh.From, zh.Header.Get("From"))
		}
		if zh.Header.Get("Auto-Submitted") != "auto-generated" || zh.Header.Get("X-Continuo-Source") != "warning:12" ||
			zh.Header.Get("Importance") == "" {
			t.Errorf("headers %v", zh.Header)
		}
		ds := e.deliveries(notify.DeliveryFilter{MessageID: m.ID, Kind: notify.Email})
		if len(ds) != 2 {
			t.Fatalf("%d email deliveries", len(ds))
		}
		for _, d := range ds {
			if d.State != notify.Sent || d.Attempts != 1 || d.SentAt == nil {
				t.Errorf("delivery %+v", d)
			}
			ml := byTo[d.Address]
			if want := fmt.Sprintf("continuo-delivery-%d@example.cn", d.ID); ml.MessageID != want {
				t.Errorf("Message-ID %q, want %q", ml.MessageID, want)
			}
			if ml.Header.Get("X-Continuo-Delivery") != fmt.Sprint(d.ID) {
				t.Errorf("X-Continuo-Delivery %q for %d", ml.Header.Get("X-Continuo-Delivery"), d.ID)
			}
		}
		// The SMS deliveries a red message adds fail: no SMS channel.
		sms := e.deliveries(notify.DeliveryFilter{MessageID: m.ID, Kind: notify.SMS})
		if len(sms) != 1 || sms[0].State != notify.Failed || !strings.Contains(sms[0].LastError, "no enabled sms channel") {
			t.Errorf("sms deliveries %+v", sms)
		}

		// The link in the mail acknowledges; a second use says so.
		tok := ackLinkRe.FindStringSubmatch(zh.Body)
		if tok == nil {
			t.Fatal("no ack link")
		}
		res, err := e.svc.AcknowledgeToken(context.Background(), tok[1])
		if err != nil {
			t.Fatal(err)
		}
		if res.Already || res.Delivery.State != notify.Acknowledged || res.Delivery.AckedBy == nil || *res.Delivery.AckedBy != e.holder.ID {
			t.Errorf("ack %+v", res)
		}
		if res, err := e.svc.AcknowledgeToken(context.Background(), tok[1]); err != nil || !res.Already {
			t.Errorf("second ack: %+v %v", res, err)
		}
		// A forged or altered token is refused; an expired one too.
		bad := []byte(tok[1])
		bad[len(bad)-2] ^= 1
		if _, err := e.svc.AcknowledgeToken(context.Background(), string(bad)); !errs.Is(err, errs.NotFound) {
			t.Errorf("altered token: %v", err)
		}
		e.clock.Advance(8 * 24 * time.Hour)
		if _, err := e.svc.AcknowledgeToken(context.Background(), tok[1]); !errs.Is(err, errs.Invalid) {
			t.Errorf("expired token: %v", err)
		}
	})
}

func TestSendIsDeduplicated(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.withSMTP()
		msg := notify.Message{DedupKey: "incident:7:report", Source: "incident:7", Severity: notify.Orange,
			Texts: texts("事件报告", "Incident report"), Recipients: []int64{e.holder.ID, e.dep1.ID, e.holder.ID}}
		m1, created, err := e.svc.Send(e.sys, msg)
		if err != nil || !created {
			t.Fatalf("first send: %v %v", created, err)
		}
		if len(m1.Recipients) != 2 {
			t.Errorf("recipients %v: repeats must be removed", m1.Recipients)
		}
		m2, created, err := e.svc.Send(e.sys, msg)
		if err != nil || created || m2.ID != m1.ID {
			t.Fatalf("second send: %v %v %v", m2.ID, created, err)
		}
		e.tick()
		if n := e.smtp.Count(); n != 2 {
			t.Errorf("%d mails, want 2", n)
		}
		if _, _, err := e.svc.Send(e.sys, msg); err != nil {
			t.Fatal(err)
		}
		e.tick()
		if n := e.smtp.Count(); n != 2 {
			t.Errorf("%d mails after a repeated send, want 2", n)
		}
	})
}

func TestRetryWithBackoffThenSuccessOrFailure(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sink := e.withHTTP()
		e.channel(notify.ChannelConfig{Kind: notify.Webhook, Name: "值班系统", Enabled: true, Settings: map[string]string{"url": sink.URL + "/hook"}})
		calls := 0
		sink.Answer(func(r *notifytest.Request) (int, string) {
			calls++
			if calls <= 2 {
				return 503, "busy"
			}
			return 200, "{}"
		})
		m := e.send(notify.Message{Severity: notify.Yellow, Texts: texts("演练通知", "Drill notice"), Recipients: []int64{e.holder.ID},
			Channels: []notify.Kind{notify.Webhook}})
		st := e.tick()
		if st.Retried != 1 || st.Sent != 0 {
			t.Fatalf("first pass %+v", st)
		}
		d := e.deliveries(notify.DeliveryFilter{MessageID: m.ID})[0]
		if d.State != notify.Queued || d.Attempts != 1 || !d.NextAttemptAt.Equal(start.Add(30*time.Second)) || !strings.Contains(d.LastError, "HTTP 503") {
			t.Fatalf("after a 503: %+v", d)
		}
		if st := e.tick(); st.Sent+st.Retried != 0 {
			t.Fatalf("nothing is due yet, but %+v", st)
		}
		e.clock.Advance(30 * time.Second)
		if st := e.tick(); st.Retried != 1 {
			t.Fatalf("second attempt %+v", st)
		}
		d = e.deliveries(notify.DeliveryFilter{MessageID: m.ID})[0]
		if d.Attempts != 2 || !d.NextAttemptAt.Equal(start.Add(90*time.Second)) {
			t.Fatalf("after the second 503: %+v (the wait doubles)", d)
		}
		e.clock.Advance(60 * time.Second)
		if st := e.tick(); st.Sent != 1 || st.Delivered != 1 {
			t.Fatalf("third attempt %+v", st)
		}
		d = e.deliveries(notify.DeliveryFilter{MessageID: m.ID})[0]
		if d.State != notify.Delivered || d.LastError != "" || d.Attempts != 3 {
			t.Fatalf("after success: %+v", d)
		}

		// A 4xx is permanent: failed at once.
		sink.Answer(func(*notifytest.Request) (int, string) { return 404, "no such hook" })
		m = e.send(notify.Message{Severity: notify.Yellow, Texts: texts("演练通知", "Drill notice"), Recipients: []int64{e.holder.ID},
			Channels: []notify.Kind{notify.Webhook}})
		if st := e.tick(); st.Failed != 1 {
			t.Fatalf("404: %+v", st)
		}
		d = e.deliveries(notify.DeliveryFilter{MessageID: m.ID})[0]
		if d.State != notify.Failed || !strings.Contains(d.LastError, "HTTP 404") {
			t.Fatalf("after a 404: %+v", d)
		}

		// Retryable errors stop after MaxAttempts.
		e.disp.MaxAttempts = 3
		sink.Answer(func(*notifytest.Request) (int, string) { return 500, "down" })
		m = e.send(notify.Message{Severity: notify.Yellow, Texts: texts("演练通知", "Drill notice"), Recipients: []int64{e.holder.ID},
			Channels: []notify.Kind{notify.Webhook}})
		for i := 0; i < 3; i++ {
			e.tick()
			e.clock.Advance(time.Hour)
		}
		d = e.deliveries(notify.DeliveryFilter{MessageID: m.ID})[0]
		if d.State != notify.Failed || d.Attempts != 3 {
			t.Fatalf("after %d attempts: %+v", d.Attempts, d)
		}
	})
}

func TestQuietHoursDeferUnlessCritical(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.withSMTP()
		if _, err := e.svc.SavePreference(e.sys, notify.Preference{PersonID: e.holder.ID, Channels: []notify.Kind{notify.Email},
			QuietStart: "22:00", QuietEnd: "07:00", TimeZone: "Asia/Shanghai"}); err != nil {
			t.Fatal(err)
		}
		night := time.Date(2026, 3, 2, 15, 30, 0, 0, time.UTC) // 23:30 in Beijing
		e.clock.Set(night)
		blue := e.send(notify.Message{Severity: notify.Blue, Texts: texts("蓝色预警", "Blue warning"), Recipients: []int64{e.holder.ID}})
		red := e.send(notify.Message{Severity: notify.Red, Texts: texts("红色预警", "Red warning"), Recipients: []int64{e.holder.ID}})
		e.tick()
		mails := e.smtp.Mails()
		if len(mails) != 1 || mails[0].Subject != "【红色】红色预警" {
			t.Fatalf("at night only the red warning goes out; got %d mails", len(mails))
		}
		d := e.deliveries(notify.DeliveryFilter{MessageID: blue.ID})[0]
		morning := time.Date(2026, 3, 2, 23, 0, 0, 0, time.UTC) // 07:00 next day in Beijing
		if d.State != notify.Queued || !d.NextAttemptAt.Equal(morning) {
			t.Fatalf("blue delivery %+v, want queued until %v", d, morning)
		}
		if d := e.deliveries(notify.DeliveryFilter{MessageID: red.ID})[0]; d.State != notify.Sent {
			t.Fatalf("red delivery %+v", d)
		}
		e.clock.Set(morning.Add(-time.Minute))
		e.tick()
		if n := e.smtp.Count(); n != 1 {
			t.Fatalf("%d mails before the end of quiet hours", n)
		}
		e.clock.Set(morning)
		e.tick()
		if n := e.smtp.Count(); n != 2 {
			t.Fatalf("%d mails after quiet hours, want 2", n)
		}
	})
}

func TestEscalationToDeputiesStopsOnAcknowledgement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.withSMTP()
		sink := e.withHTTP()
		e.channel(notify.ChannelConfig{Kind: notify.SMS, Name: "短信网关", Enabled: true, Settings: map[string]string{"url": sink.URL + "/sms"}})
		pol, err := e.svc.SavePolicy(e.sys, notify.Policy{Name: "仓库值班升级", Repeat: 1, Interval: notify.Duration(30 * time.Minute),
			Steps: []notify.Step{
				{After: notify.Duration(10 * time.Minute), Target: notify.TargetHolder, Channels: []notify.Kind{notify.SMS}},
				{After: notify.Duration(20 * time.Minute), Target: notify.TargetDeputies, Channels: []notify.Kind{notify.Email}},
			}})
		if err != nil {
			t.Fatal(err)
		}
		// Two holders: 王强 (deputies 李娜, 赵磊) acknowledges through a
		// deputy; 陈静 has no deputies and never answers.
		m := e.send(notify.Message{Source: "warning:3", Severity: notify.Orange, AckRequired: true, PolicyID: &pol.ID,
			Texts: texts("橙色预警", "Orange warning"), Recipients: []int64{e.holder.ID, e.eng.ID}})
		e.tick()
		if n := e.smtp.Count(); n != 2 {
			t.Fatalf("first notification: %d mails", n)
		}
		e.clock.Advance(9 * time.Minute)
		if st := e.tick(); st.Fired != 0 {
			t.Fatalf("fired early: %+v", st)
		}
		e.clock.Advance(time.Minute) // 10 min: SMS to each holder again
		if st := e.tick(); st.Fired != 2 {
			t.Fatalf("10 min step: %+v", st)
		}
		var smsTo []string
		for _, r := range sink.Requests() {
			if r.Path == "/sms" {
				smsTo = append(smsTo, string(r.Body))
			}
		}
		if len(smsTo) != 1 || !strings.Contains(smsTo[0], `"to":"13800000001"`) {
			t.Fatalf("SMS requests %q (陈静 has no mobile: her SMS delivery fails)", smsTo)
		}
		e.clock.Advance(10 * time.Minute) // 20 min: the deputies
		if st := e.tick(); st.Fired != 2 {
			t.Fatalf("20 min step: %+v", st)
		}
		dep := e.deliveries(notify.DeliveryFilter{MessageID: m.ID, PersonID: e.dep1.ID})
		if len(dep) != 1 || dep[0].HolderID != e.holder.ID || dep[0].Step != "r0s1" || dep[0].State != notify.Sent {
			t.Fatalf("deputy deliveries %+v", dep)
		}
		if ds := e.deliveries(notify.DeliveryFilter{MessageID: m.ID, PersonID: e.dep2.ID}); len(ds) != 1 {
			t.Fatalf("second deputy deliveries %+v", ds)
		}
		var depMail notifytest.Mail
		for _, ml := range e.smtp.Mails() {
			if ml.To[0] == "li.na@example.cn" {
				depMail = ml
			}
		}
		tok := ackLinkRe.FindStringSubmatch(depMail.Body)
		if tok == nil {
			t.Fatalf("deputy mail without ack link: %q", depMail.Body)
		}
		// The deputy acknowledges for the holder: his escalation stops.
		if _, err := e.svc.AcknowledgeToken(context.Background(), tok[1]); err != nil {
			t.Fatal(err)
		}
		for _, d := range e.deliveries(notify.DeliveryFilter{MessageID: m.ID, HolderID: e.holder.ID}) {
			if d.AckedAt == nil || *d.AckedBy != e.dep1.ID {
				t.Errorf("holder's delivery %d not marked acknowledged by the deputy: %+v", d.ID, d)
			}
		}
		before := len(e.deliveries(notify.DeliveryFilter{MessageID: m.ID}))
		e.clock.Advance(20 * time.Minute) // 40 min: round 2, step 1 (SMS) for 陈静 only
		if st := e.tick(); st.Fired != 1 {
			t.Fatalf("round 2 step 1: %+v", st)
		}
		e.clock.Advance(10 * time.Minute) // 50 min: round 2, step 2
		if st := e.tick(); st.Fired != 1 {
			t.Fatalf("round 2 step 2: %+v", st)
		}
		after := e.deliveries(notify.DeliveryFilter{MessageID: m.ID})
		for _, d := range after[:len(after)-before] {
			if d.HolderID != e.eng.ID {
				t.Errorf("delivery after acknowledgement for holder %d: %+v", d.HolderID, d)
			}
		}
		e.clock.Advance(time.Hour)
		if st := e.tick(); st.Fired != 0 {
			t.Fatalf("after the last round: %+v", st)
		}
		es, err := e.svc.Escalations(e.sys, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		states := map[int64]notify.EscalationState{}
		for _, x := range es {
			states[x.HolderID] = x.State
		}
		if states[e.holder.ID] != notify.EscalationCancelled || states[e.eng.ID] != notify.EscalationDone {
			t.Errorf("escalation states %v", states)
		}
	})
}

func TestNextDeputyInOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.withSMTP()
		pol, err := e.svc.SavePolicy(e.sys, notify.Policy{Name: "逐个代理人", Steps: []notify.Step{
			{After: notify.Duration(5 * time.Minute), Target: notify.TargetNextDeputy},
			{After: notify.Duration(10 * time.Minute), Target: notify.TargetNextDeputy},
			{After: notify.Duration(15 * time.Minute), Target: notify.TargetNextDeputy},
		}})
		if err != nil {
			t.Fatal(err)
		}
		e.send(notify.Message{Severity: notify.Red, AckRequired: true, PolicyID: &pol.ID, Texts: texts("红色预警", "Red warning"),
			Recipients: []int64{e.holder.ID}, Channels: []notify.Kind{notify.Email}})
		e.tick()
		var order []string
		for i := 0; i < 3; i++ {
			e.clock.Advance(5 * time.Minute)
			e.tick()
			ms := e.smtp.Mails()
			order = append(order, ms[len(ms)-1].To[0])
		}
		want := []string{"li.na@example.cn", "zhao.lei@example.cn", "zhao.lei@example.cn"}
		if fmt.Sprint(order) != fmt.Sprint(want) || e.smtp.Count() != 3 {
			t.Errorf("deputies notified %v (%d mails), want first 李娜 then 赵磊, nobody after", order, e.smtp.Count())
		}
	})
}

func TestRateLimitPerChannel(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sink := e.withHTTP()
		e.channel(notify.ChannelConfig{Kind: notify.Webhook, Name: "限速", Enabled: true, RatePerSecond: 2,
			Settings: map[string]string{"url": sink.URL}})
		e.send(notify.Message{Severity: notify.Blue, Texts: texts("通知", "Notice"), Channels: []notify.Kind{notify.Webhook},
			Recipients: []int64{e.holder.ID, e.dep1.ID, e.dep2.ID, e.eng.ID}})
		st := e.tick()
		if st.Sent != 2 || st.Deferred != 2 || sink.Count() != 2 {
			t.Fatalf("first second: %+v, %d requests", st, sink.Count())
		}
		e.clock.Advance(time.Second)
		st = e.tick()
		if st.Sent != 2 || sink.Count() != 4 {
			t.Fatalf("next second: %+v, %d requests", st, sink.Count())
		}
		for _, d := range e.deliveries(notify.DeliveryFilter{}) {
			if d.Attempts != 1 {
				t.Errorf("delivery %d: %d attempts; a rate-limit wait is not an attempt", d.ID, d.Attempts)
			}
		}
	})
}

func TestExpiredLeaseIsTakenOver(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.withSMTP()
		m := e.send(notify.Message{Severity: notify.Blue, Texts: texts("通知", "Notice"), Recipients: []int64{e.holder.ID},
			Channels: []notify.Kind{notify.Email}})
		// A worker fans out and claims, then dies before sending.
		dead := e.svc.NewDispatcher()
		dead.Owner = "dead"
		if _, err := db.ClaimFanouts(e.sys, "dead", start, start.Add(time.Second), 10); err != nil {
			t.Fatal(err)
		}
		// The fan-out lease holds: nobody else fans out yet.
		if st := e.tick(); st.Fanouts != 0 {
			t.Fatalf("fan-out taken while leased: %+v", st)
		}
		e.clock.Advance(2 * time.Second)
		if st := e.tick(); st.Fanouts != 1 || st.Sent != 1 {
			t.Fatalf("after the fan-out lease: %+v", st)
		}
		m2 := e.send(notify.Message{Severity: notify.Blue, Texts: texts("通知二", "Notice 2"), Recipients: []int64{e.holder.ID},
			Channels: []notify.Kind{notify.Email}})
		now := e.clock.Now()
		e.disp.BatchSize = 0
		if _, err := e.disp.Tick(e.sys); err != nil { // fan-out only: a zero batch claims nothing
			t.Fatal(err)
		}
		e.disp.BatchSize = 200
		claimed, err := db.ClaimDeliveries(e.sys, "dead", now, now.Add(2*time.Minute), 10)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim %v %v", claimed, err)
		}
		if st := e.tick(); st.Sent != 0 {
			t.Fatalf("sent while another worker holds the lease: %+v", st)
		}
		e.clock.Advance(2*time.Minute + time.Second)
		if st := e.tick(); st.Sent != 1 {
			t.Fatalf("after the lease expired: %+v", st)
		}
		// The dead worker's late report changes nothing.
		if err := db.RecordOutcomes(e.sys, "dead", e.clock.Now(), 8, []notify.Outcome{{ID: claimed[0].ID, Err: notify.Permanent(fmt.Errorf("late"))}}); err != nil {
			t.Fatal(err)
		}
		d := e.deliveries(notify.DeliveryFilter{MessageID: m2.ID})[0]
		if d.State != notify.Sent || d.Attempts != 2 {
			t.Fatalf("delivery %+v", d)
		}
		if n := e.smtp.Count(); n != 2 {
			t.Errorf("%d mails, want 2", n)
		}
		_ = m
	})
}

func TestInAppAcknowledgementIsOwnersOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.withSMTP()
		user := func(name string, person int64) context.Context {
			u, err := e.ids.CreateUser(e.sys, identity.NewUser{Username: name, Password: "correct horse battery", PersonID: &person,
				Grants: []authz.Grant{{Role: authz.Responder, UnitID: e.unit.ID}}})
			if err != nil {
				t.Fatal(err)
			}
			return authz.WithPrincipal(context.Background(), authz.Principal{UserID: u.ID, Name: name,
				Grants: []authz.Grant{{Role: authz.Responder, UnitID: e.unit.ID, UnitPath: e.unit.Path}}})
		}
		wang, li := user("wang", e.holder.ID), user("li", e.dep1.ID)
		m := e.send(notify.Message{Severity: notify.Orange, AckRequired: true, Texts: texts("通知", "Notice"),
			Recipients: []int64{e.holder.ID}, Channels: []notify.Kind{notify.Email}})
		e.tick()
		d := e.deliveries(notify.DeliveryFilter{MessageID: m.ID})[0]
		if _, err := e.svc.Acknowledge(li, d.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("someone else's acknowledgement: %v", err)
		}
		mine, err := e.svc.MyDeliveries(wang, notify.DeliveryFilter{})
		if err != nil || len(mine) != 1 || mine[0].ID != d.ID {
			t.Fatalf("my deliveries %v %v", mine, err)
		}
		res, err := e.svc.Acknowledge(wang, d.ID)
		if err != nil || res.Delivery.State != notify.Acknowledged {
			t.Fatalf("own acknowledgement %+v %v", res, err)
		}
		if _, err := e.svc.Deliveries(wang, notify.DeliveryFilter{}); !errs.Is(err, errs.Forbidden) {
			t.Errorf("the delivery log needs notify.manage: %v", err)
		}
	})
}

func TestSecretsStayHidden(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		sink := e.withHTTP()
		sink.Answer(func(*notifytest.Request) (int, string) {
			return 400, `{"errcode":300001,"errmsg":"token is not exist"}`
		})
		c := e.channel(notify.ChannelConfig{Kind: notify.DingTalk, Name: "钉钉群", Enabled: true,
			Secrets: map[string]string{"url": sink.URL + "/robot/send?access_token=tok-9f8e7d6c", "secret": "SECabcdef123456"}})
		if s := c.String(); strings.Contains(s, "tok-9f8e7d6c") || strings.Contains(s, "SECabcdef") {
			t.Errorf("String shows a secret: %s", s)
		}
		if got := fmt.Sprint(c.SecretsSet()); got != "[secret url]" {
			t.Errorf("secrets set %s", got)
		}
		// Updating without secrets keeps them; "" removes one.
		c.Secrets = map[string]string{"secret": ""}
		c.Name = "钉钉值班群"
		c, err := e.svc.SaveChannel(e.sys, c)
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := db.ChannelByID(e.sys, c.ID)
		if stored.Secrets["url"] == "" || stored.Secrets["secret"] != "" {
			t.Errorf("secrets after update %v", stored.SecretsSet())
		}
		m := e.send(notify.Message{Severity: notify.Blue, Texts: texts("通知", "Notice"), Recipients: []int64{e.holder.ID},
			Channels: []notify.Kind{notify.DingTalk}})
		e.tick()
		d := e.deliveries(notify.DeliveryFilter{MessageID: m.ID})[0]
		if d.State != notify.Failed || strings.Contains(d.LastError, "tok-9f8e7d6c") || !strings.Contains(d.LastError, "HTTP 400") {
			t.Errorf("delivery error %q", d.LastError)
		}
		entries, err := audit.NewLog(db, db, e.clock).List(e.sys, audit.Filter{Entity: "notify_channel"})
		if err != nil {
			t.Fatal(err)
		}
		for _, en := range entries {
			if strings.Contains(string(en.After)+string(en.Before), "tok-9f8e7d6c") {
				t.Errorf("audit entry shows a secret: %s", en.After)
			}
		}
		// A channel whose settings cannot work is refused.
		if _, err := e.svc.SaveChannel(e.sys, notify.ChannelConfig{Kind: notify.Email, Name: "坏邮件", Settings: map[string]string{"from": "x"}}); !errs.Is(err, errs.Invalid) {
			t.Errorf("bad email settings: %v", err)
		}
	})
}

// TestAcknowledgedWhileSending: an acknowledgement that arrives while a
// worker is sending a delivery of the same holder wins over the worker's
// report, whether the send succeeded or is to be retried.
func TestAcknowledgedWhileSending(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		e.withSMTP()
		m := e.send(notify.Message{Severity: notify.Orange, AckRequired: true, Texts: texts("通知", "Notice"),
			Recipients: []int64{e.holder.ID}, Channels: []notify.Kind{notify.Email, notify.Webhook}})
		e.disp.BatchSize = 0
		e.tick() // fan-out only
		now := e.clock.Now()
		claimed, err := db.ClaimDeliveries(e.sys, "w1", now, now.Add(time.Minute), 10)
		if err != nil || len(claimed) != 1 {
			// The webhook delivery failed at fan-out: no webhook channel.
			t.Fatalf("claimed %d, %v", len(claimed), err)
		}
		if _, err := db.AcknowledgeHolder(e.sys, m.ID, e.holder.ID, e.holder.ID, now); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordOutcomes(e.sys, "w1", now, 8, []notify.Outcome{{ID: claimed[0].ID}}); err != nil {
			t.Fatal(err)
		}
		d, _ := db.DeliveryByID(e.sys, claimed[0].ID)
		if d.State != notify.Acknowledged || d.SentAt == nil {
			t.Errorf("sent while acknowledged: %+v", d)
		}

		m2 := e.send(notify.Message{Severity: notify.Orange, AckRequired: true, Texts: texts("通知二", "Notice 2"),
			Recipients: []int64{e.holder.ID}, Channels: []notify.Kind{notify.Email}})
		e.tick()
		claimed, err = db.ClaimDeliveries(e.sys, "w1", now, now.Add(time.Minute), 10)
		if err != nil || len(claimed) != 1 || claimed[0].MessageID != m2.ID {
			t.Fatalf("claimed %+v, %v", claimed, err)
		}
		if _, err := db.AcknowledgeHolder(e.sys, m2.ID, e.holder.ID, e.holder.ID, now); err != nil {
			t.Fatal(err)
		}
		if err := db.RecordOutcomes(e.sys, "w1", now, 8, []notify.Outcome{{ID: claimed[0].ID, Err: fmt.Errorf("timeout"), Retry: true,
			NextAttempt: now.Add(time.Minute)}}); err != nil {
			t.Fatal(err)
		}
		if d, _ := db.DeliveryByID(e.sys, claimed[0].ID); d.State != notify.Cancelled {
			t.Errorf("a retry after acknowledgement: %+v", d)
		}
	})
}

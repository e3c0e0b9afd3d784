package web_test

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// warnFixture is an organisation with two departments, a department
// lead of the first, a viewer, and an administrator.
type warnFixture struct {
	ops, cs org.Unit
	person  org.Person
	leadID  int64
	admin   *client
	lead    *client
	viewer  *client
}

func newWarnFixture(t *testing.T, e *env) *warnFixture {
	t.Helper()
	f := &warnFixture{}
	e.seedUser("admin", authz.Admin)
	f.ops = e.seedUnit(e.root, "杭州运营部", "Hangzhou Operations")
	f.cs = e.seedUnit(e.root, "客户服务部", "Customer Service")
	f.person = e.seedPerson(f.ops, "李娜", "Li Na", "13800000001")
	pid := f.person.ID
	lead, err := e.app.Identity.CreateUser(sys(), identity.NewUser{Username: "lead", DisplayName: "Lead", Password: adminPassword,
		PersonID: &pid, Grants: []authz.Grant{{Role: authz.DepartmentLead, UnitID: f.ops.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	f.leadID = lead.ID
	e.seedUser("viewer", authz.Viewer)
	f.admin, f.lead, f.viewer = e.client(), e.client(), e.client()
	f.admin.login("admin")
	f.lead.login("lead")
	f.viewer.login("viewer")
	return f
}

// issue issues a yellow warning to both departments as the system.
func (f *warnFixture) issue(t *testing.T, e *env, title string) warning.Warning {
	t.Helper()
	w, err := e.app.Warning.Issue(sys(), warning.Warning{Level: warning.Yellow, Title: title, TitleEn: title + " (en)", Area: "杭州枢纽",
		Measures: "转移低洼库位货物", Audience: warning.Audience{UnitIDs: []int64{f.ops.ID, f.cs.ID}}})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWarningPagesNeedTheirPermissions(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		w := f.issue(t, e, "暴雨黄色预警")
		id := strconv.FormatInt(w.ID, 10)

		// Everyone signed in reads the board, history, detail, indicators.
		for _, path := range []string{"/warnings", "/warnings/history", "/warnings/" + id, "/indicators"} {
			wantStatus(t, f.viewer.get(path), http.StatusOK)
		}
		mustContain(t, f.viewer.get("/warnings").body, "暴雨黄色预警", "0 of 2 departments acknowledged")

		// Writing needs warning.write; channels and the log notify.manage.
		for _, path := range []string{"/warnings/new", "/indicators/new", "/notify/channels", "/notify/deliveries"} {
			wantStatus(t, f.viewer.get(path), http.StatusForbidden)
			wantStatus(t, f.lead.get(path), http.StatusForbidden)
			wantStatus(t, f.admin.get(path), http.StatusOK)
		}
		wantStatus(t, f.viewer.post("/warnings", url.Values{"title": {"x"}}), http.StatusForbidden)
		wantStatus(t, f.lead.post("/warnings/"+id+"/lift", url.Values{"note": {"x"}}), http.StatusForbidden)
		wantStatus(t, f.lead.post("/warnings/"+id+"/level", url.Values{"level": {"1"}, "note": {"x"}}), http.StatusForbidden)
		wantStatus(t, f.viewer.post("/warnings/"+id+"/acks", url.Values{"unit_id": {idStr(f.ops.ID)}, "measures": {"x"}}), http.StatusForbidden)

		// The lead acknowledges only for their own department.
		r := f.lead.post("/warnings/"+id+"/acks", url.Values{"unit_id": {idStr(f.cs.ID)}, "measures": {"已通知"}})
		wantStatus(t, r, http.StatusForbidden)
		// The lead sees the ack form only with their department in it;
		// the viewer sees none, nor the level and lift forms.
		detail := f.lead.get("/warnings/" + id).body
		mustContain(t, detail, `action="/warnings/`+id+`/acks"`, "Hangzhou Operations")
		mustNotContain(t, detail, `<option value="`+idStr(f.cs.ID)+`"`, `action="/warnings/`+id+`/lift"`)
		mustNotContain(t, f.viewer.get("/warnings/"+id).body, `action="/warnings/`+id+`/acks"`, `action="/warnings/`+id+`/level"`)

		// A BCM manager of one department issues only there: the other
		// units are shown but cannot be chosen, and a forged form is refused.
		if _, err := e.app.Identity.CreateUser(sys(), identity.NewUser{Username: "manager", Password: adminPassword,
			Grants: []authz.Grant{{Role: authz.BCMManager, UnitID: f.ops.ID}}}); err != nil {
			t.Fatal(err)
		}
		mgr := e.client()
		mgr.login("manager")
		form := mgr.get("/warnings/new").body
		mustContain(t, form, `name="audience.unit_ids" value="`+idStr(f.ops.ID)+`">`, `name="audience.unit_ids" value="`+idStr(f.cs.ID)+`" disabled>`)
		wantStatus(t, mgr.post("/warnings", url.Values{"level": {"3"}, "title": {"越权"}, "audience.unit_ids": {idStr(f.cs.ID)}}), http.StatusForbidden)

		// Anonymous visitors are sent to sign in.
		anon := e.client()
		if r := anon.get("/warnings"); r.status != http.StatusSeeOther || !strings.HasPrefix(r.location(), "/login") {
			t.Fatalf("anonymous board: %d %q", r.status, r.location())
		}
	})
}

func TestIssueWarningShowsFieldErrorsThenIssues(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		// Nothing filled in: the level, the title and the audience are named.
		r := f.admin.post("/warnings", url.Values{"category": {"Met"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-level-err"`, `id="f-title-err"`, "Name at least one department, team, role, person or partner.")

		// A partner line without a contact and a past valid-until.
		r = f.admin.post("/warnings", url.Values{"level": {"2"}, "title": {"台风橙色预警"}, "audience.unit_ids": {idStr(f.ops.ID)},
			"audience.partners": {"王磊, 东海冷链"}, "valid_until": {"2020-01-01T08:00"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Line 1: Give an email address or a mobile number.")
		mustContain(t, r.body, `value="台风橙色预警"`) // what was typed stays

		r = f.admin.post("/warnings", url.Values{"level": {"2"}, "title": {"台风橙色预警"}, "title_en": {"Typhoon orange warning"},
			"category": {"Met"}, "area": {"上海枢纽"}, "unit_ids": {idStr(f.ops.ID)}, "measures": {"加固货架"},
			"audience.unit_ids": {idStr(f.ops.ID), idStr(f.cs.ID)}, "audience.partners": {"王磊, 东海冷链, wl@example.com"},
			"valid_until": {"2025-03-02T18:00"}})
		wantStatus(t, r, http.StatusSeeOther)
		id, err := strconv.ParseInt(strings.TrimPrefix(r.location(), "/warnings/"), 10, 64)
		if err != nil {
			t.Fatalf("redirect to %q", r.location())
		}
		w, err := e.app.Warning.Warning(sys(), id)
		if err != nil {
			t.Fatal(err)
		}
		if w.Level != warning.Orange || w.Source != warning.SourceManual || len(w.Audience.Partners) != 1 ||
			w.Audience.Partners[0].Email != "wl@example.com" || w.ValidUntil == nil {
			t.Fatalf("issued %+v", w)
		}
		board := f.viewer.get("/warnings").body
		mustContain(t, board, "Typhoon orange warning", `data-level="orange"`, "Hangzhou Operations, Customer Service", "external contacts: 1")
		mustContain(t, f.viewer.get("/warnings", "Accept-Language", "zh-CN").body, "台风橙色预警", "杭州运营部、客户服务部")
	})
}

func TestAcknowledgeUpgradeAndLift(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		w := f.issue(t, e, "暴雨黄色预警")
		id := idStr(w.ID)

		// Measures are required.
		r := f.lead.post("/warnings/"+id+"/acks", url.Values{"unit_id": {idStr(f.ops.ID)}, "measures": {"  "}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-measures-err"`)

		r = f.lead.post("/warnings/"+id+"/acks", url.Values{"unit_id": {idStr(f.ops.ID)}, "measures": {"已将B区货物转移至二层"}})
		wantStatus(t, r, http.StatusSeeOther)
		detail := f.viewer.get("/warnings/" + id).body
		mustContain(t, detail, "1 of 2 departments acknowledged", "已将B区货物转移至二层", "Lead", `data-acked="true"`)

		// Overdue once the due time passes.
		e.clock.Advance(3 * time.Hour)
		mustContain(t, f.viewer.get("/warnings/"+id).body, "1 overdue")

		// An upgrade needs a reason, then asks for a new acknowledgement.
		r = f.admin.post("/warnings/"+id+"/level", url.Values{"level": {"2"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "id=\"f-level-note\"", "aria-invalid")
		r = f.admin.post("/warnings/"+id+"/level", url.Values{"level": {"3"}, "note": {"same"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "The warning is already at this level.")
		wantStatus(t, f.admin.post("/warnings/"+id+"/level", url.Values{"level": {"2"}, "note": {"雨势加大"}}), http.StatusSeeOther)
		detail = f.viewer.get("/warnings/" + id).body
		mustContain(t, detail, "0 of 2 departments acknowledged", "acknowledged revision 1 before the upgrade", "雨势加大", `data-level="orange"`)

		// Lifting needs a reason; the lifted warning leaves the board for the history.
		r = f.admin.post("/warnings/"+id+"/lift", url.Values{"note": {""}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-lift-note"`)
		wantStatus(t, f.admin.post("/warnings/"+id+"/lift", url.Values{"note": {"雨停"}}), http.StatusSeeOther)
		mustNotContain(t, f.viewer.get("/warnings").body, "暴雨黄色预警")
		mustContain(t, f.viewer.get("/warnings/history").body, "暴雨黄色预警")
		// No acknowledgement of an ended warning.
		r = f.lead.post("/warnings/"+id+"/acks", url.Values{"unit_id": {idStr(f.ops.ID)}, "measures": {"x"}})
		if r.status != http.StatusConflict && r.status != http.StatusUnprocessableEntity {
			t.Fatalf("ack of a lifted warning: status %d", r.status)
		}
	})
}

func TestIndicatorEditorChecksThresholds(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		form := url.Values{"code": {"WH-TEMP"}, "name": {"冷库温度"}, "name_en": {"Cold store temperature"}, "measure": {"°C"},
			"source": {"api"}, "owner_unit_id": {idStr(f.ops.ID)}, "direction": {"higher_is_worse"},
			"thresholds.blue": {"4"}, "thresholds.yellow": {"3"}, "thresholds.orange": {"x"}, "thresholds.red": {"10"},
			"aggregation": {"max"}, "window_minutes": {""}, "hysteresis": {"0.5"}, "active": {"1"}}
		r := f.admin.post("/indicators", form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-thresholds.yellow-err"`, "Must be above the Blue threshold (4) when higher is worse.",
			`id="f-thresholds.orange-err"`, "Enter a number.", `id="f-window_minutes-err"`)

		form.Set("thresholds.yellow", "6")
		form.Set("thresholds.orange", "8")
		form.Set("window_minutes", "15")
		r = f.admin.post("/indicators", form)
		wantStatus(t, r, http.StatusSeeOther)
		id, _ := strconv.ParseInt(strings.TrimPrefix(r.location(), "/indicators/"), 10, 64)
		if _, _, err := e.app.Warning.Observe(sys(), warning.Observation{IndicatorID: id, Value: 6.4}); err != nil {
			t.Fatal(err)
		}
		list := f.viewer.get("/indicators").body
		mustContain(t, list, "WH-TEMP", "6.4", `data-level="yellow"`)
		page := f.viewer.get("/indicators/" + idStr(id)).body
		mustContain(t, page, `data-indicator-chart="#indicator-chart-data"`, `"thresholds":[`, `"value":8`, `"points":[[`)
		// The viewer may not edit; the code must stay unique.
		wantStatus(t, f.viewer.get("/indicators/"+idStr(id)+"/edit"), http.StatusForbidden)
		form.Set("name", "另一个")
		r = f.admin.post("/indicators", form)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-code-err"`)
	})
}

func TestChannelSecretsAreWriteOnly(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		const secret = "s3cr3t-signing-key-0123456789"
		r := f.admin.post("/notify/channels", url.Values{"kind": {"webhook"}, "name": {"值班系统"}, "enabled": {"1"},
			"settings.url": {"http://127.0.0.1:9/hook"}, "secrets.secret": {secret}})
		wantStatus(t, r, http.StatusSeeOther)
		chans, err := e.app.Notify.Channels(sys())
		if err != nil || len(chans) != 1 {
			t.Fatalf("channels %v %v", chans, err)
		}
		c := chans[0]
		list := f.admin.get("/notify/channels").body
		mustContain(t, list, "值班系统", "secret ✓")
		mustNotContain(t, list, secret)
		edit := f.admin.get("/notify/channels/" + idStr(c.ID) + "/edit").body
		mustContain(t, edit, `data-secret-set="secret"`, "http://127.0.0.1:9/hook")
		mustNotContain(t, edit, secret)

		// Saving without typing the secret keeps it; a bad rate is refused
		// without echoing the secret.
		r = f.admin.post("/notify/channels/"+idStr(c.ID), url.Values{"name": {"值班系统"}, "enabled": {"1"}, "rate_per_second": {"fast"},
			"settings.url": {"http://127.0.0.1:9/hook"}, "secrets.secret": {"another-secret-value-xyz"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-rate_per_second-err"`)
		mustNotContain(t, r.body, "another-secret-value-xyz", secret)
		wantStatus(t, f.admin.post("/notify/channels/"+idStr(c.ID), url.Values{"name": {"值班系统 2"}, "enabled": {"1"},
			"settings.url": {"http://127.0.0.1:9/hook"}}), http.StatusSeeOther)
		c, err = e.app.Notify.Channel(sys(), c.ID)
		if err != nil || c.Secrets["secret"] != secret || c.Name != "值班系统 2" {
			t.Fatalf("after update: %v %v", c, err)
		}
		// Ticking "remove" removes it.
		wantStatus(t, f.admin.post("/notify/channels/"+idStr(c.ID), url.Values{"name": {"值班系统 2"}, "enabled": {"1"},
			"settings.url": {"http://127.0.0.1:9/hook"}, "remove_secret": {"secret"}}), http.StatusSeeOther)
		if c, _ = e.app.Notify.Channel(sys(), c.ID); c.Secrets["secret"] != "" {
			t.Fatal("secret not removed")
		}
		// An unusable setting is explained.
		r = f.admin.post("/notify/channels", url.Values{"kind": {"webhook"}, "name": {"坏的"}, "settings.url": {"ftp://x"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "http")
	})
}

func TestDeliveryLogFiltersAndPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		// Sixty people in operations: a warning to the department fans out
		// to sixty deliveries, which fail (no channel is configured).
		for i := range 59 {
			e.seedPerson(f.ops, fmt.Sprintf("员工%02d", i), "", fmt.Sprintf("139%08d", i))
		}
		w := f.issue(t, e, "暴雨黄色预警")
		d := e.app.Notify.NewDispatcher()
		for range 5 {
			if _, err := d.Tick(sys()); err != nil {
				t.Fatal(err)
			}
		}
		all, err := e.app.Notify.Deliveries(sys(), notify.DeliveryFilter{Limit: 500})
		if err != nil || len(all) < 60 {
			t.Fatalf("%d deliveries, %v", len(all), err)
		}
		page := f.admin.get("/notify/deliveries").body
		mustContain(t, page, `href="/warnings/`+idStr(w.ID)+`"`, "员工58", `rel="next"`)
		if n := strings.Count(page, "data-delivery="); n != 50 {
			t.Fatalf("first page has %d deliveries, want 50", n)
		}
		older := f.admin.get(fmt.Sprintf("/notify/deliveries?before=%d", all[49].ID)).body
		if n := strings.Count(older, "data-delivery="); n != len(all)-50 {
			t.Fatalf("second page has %d deliveries, want %d", n, len(all)-50)
		}
		mustNotContain(t, older, `rel="next"`)
		mustContain(t, older, "李娜")
		// Filters: by state, by channel, by message.
		failed := f.admin.get("/notify/deliveries?state=failed").body
		if strings.Count(failed, `data-state="failed"`) != strings.Count(failed, "data-delivery=") {
			t.Fatal("the state filter lets other states through")
		}
		mustContain(t, f.admin.get("/notify/deliveries?state=acknowledged").body, "No results")
		mustContain(t, f.admin.get("/notify/deliveries?kind=slack").body, "No results")
		msg := all[0].MessageID
		mustContain(t, f.admin.get(fmt.Sprintf("/notify/deliveries?message=%d", msg)).body, fmt.Sprintf("#%d", msg))
	})
}

func TestNotificationPreferencesOnTheProfile(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		// Not linked to a person: told so.
		mustContain(t, f.viewer.get("/profile/notifications").body, "not linked to a person")
		wantStatus(t, f.viewer.post("/profile/notifications", url.Values{}), http.StatusConflict)

		r := f.lead.post("/profile/notifications", url.Values{"rank.sms": {"1"}, "rank.email": {"1"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Give each position to one channel only.")
		r = f.lead.post("/profile/notifications", url.Values{"rank.sms": {"2"}, "rank.wecom": {"1"}, "quiet_start": {"25:00"}, "quiet_end": {"07:00"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-quiet_start-err"`)
		r = f.lead.post("/profile/notifications", url.Values{"rank.sms": {"2"}, "rank.wecom": {"1"}, "quiet_start": {"22:00"},
			"quiet_end": {"07:00"}, "time_zone": {"Asia/Shanghai"}, "lang": {"en"}})
		wantStatus(t, r, http.StatusSeeOther)
		pref, err := e.app.Notify.Preference(sys(), f.person.ID)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprint(pref.Channels) != "[wecom sms]" || pref.QuietStart != "22:00" || pref.Lang != "en" {
			t.Fatalf("preference %+v", pref)
		}
		page := f.lead.get("/profile/notifications").body
		mustContain(t, page, `value="22:00"`)
	})
}

// sseReader reads events from a live board stream.
type sseReader struct {
	t  *testing.T
	sc *bufio.Scanner
}

// next returns the data of the next event named name.
func (s *sseReader) next(name string) string {
	s.t.Helper()
	var event string
	var data []string
	for s.sc.Scan() {
		line := s.sc.Text()
		switch {
		case line == "":
			if event == name {
				return strings.Join(data, "\n")
			}
			event, data = "", nil
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data = append(data, strings.TrimPrefix(line, "data: "))
		}
	}
	s.t.Fatalf("stream ended: %v", s.sc.Err())
	return ""
}

func TestWarningBoardStream(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		// A safety net only: the events arrive at once (changes made
		// through the pages) or at the next poll (changes made elsewhere).
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+"/warnings/live", nil)
		req.Header.Set("Accept", "text/event-stream")
		res, err := f.viewer.http.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
			t.Fatalf("stream: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
		}
		s := &sseReader{t: t, sc: bufio.NewScanner(res.Body)}
		s.sc.Buffer(make([]byte, 0, 64<<10), 4<<20)
		mustContain(t, s.next("board"), "No warning is in force.")

		// Issued through the pages: pushed at once.
		r := f.admin.post("/warnings", url.Values{"level": {"1"}, "title": {"仓库火灾红色预警"}, "audience.unit_ids": {idStr(f.ops.ID)}})
		wantStatus(t, r, http.StatusSeeOther)
		mustContain(t, s.next("board"), "仓库火灾红色预警", `data-level="red"`, "0 of 1 departments acknowledged")

		// Changed by another server on the same database: found by
		// polling.
		other, err := app.New(context.Background(), app.Config{DB: e.app.Config.DB}, slog.New(slog.DiscardHandler), e.clock)
		if err != nil {
			t.Fatal(err)
		}
		defer other.Close()
		w, err := other.Warning.Issue(sys(), warning.Warning{Level: warning.Yellow, Title: "暴雨黄色预警", TitleEn: "Rainstorm yellow warning",
			Audience: warning.Audience{UnitIDs: []int64{f.ops.ID, f.cs.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		mustContain(t, s.next("board"), "Rainstorm yellow warning")
		if _, err := other.Warning.Acknowledge(sys(), w.ID, f.ops.ID, "已转移"); err != nil {
			t.Fatal(err)
		}
		mustContain(t, s.next("board"), "1 of 2 departments acknowledged")

		// Without warning.read there is no stream.
		anon := e.client()
		if r := anon.get("/warnings/live"); r.status == http.StatusOK {
			t.Fatal("anonymous stream allowed")
		}
	})
}

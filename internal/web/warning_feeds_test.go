package web_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/continuo-bcm/continuo/internal/notify"
	"github.com/continuo-bcm/continuo/internal/warning"
)

func TestWarningFeedPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		// A feed that answers with an error, so that the last poll fails.
		broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
		}))
		defer broken.Close()

		// Nothing usable: each field is named, what was typed stays, and
		// nothing is stored.
		r := f.admin.post("/warning-feeds", url.Values{"name": {""}, "url": {"ftp://cap.example.cn/feed"}, "interval_minutes": {"0"}},
			"Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-name-err"`, `id="f-url-err"`, "Give an http or https URL.",
			`id="f-interval_minutes-err"`, "Give a number of minutes between 1 and 1440.", `value="ftp://cap.example.cn/feed"`)
		r = f.admin.post("/warning-feeds", url.Values{"name": {"气象台"}, "url": {broken.URL}, "interval_minutes": {"soon"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-interval_minutes-err"`, "Enter a number.", `value="气象台"`)
		if feeds, err := e.app.Warning.Feeds(sys()); err != nil || len(feeds) != 0 {
			t.Fatalf("after refused forms: %v %v", feeds, err)
		}

		// Created: listed as not polled yet.
		r = f.admin.post("/warning-feeds", url.Values{"name": {"中央气象台 CAP"}, "url": {broken.URL + "/cap.atom"}, "interval_minutes": {"2"},
			"active": {"1"}})
		wantStatus(t, r, http.StatusSeeOther)
		feeds, err := e.app.Warning.Feeds(sys())
		if err != nil || len(feeds) != 1 {
			t.Fatalf("feeds %v %v", feeds, err)
		}
		fd := feeds[0]
		if fd.Name != "中央气象台 CAP" || fd.IntervalSeconds != 120 || !fd.Active {
			t.Fatalf("stored %+v", fd)
		}
		list := f.admin.get("/warning-feeds", "Accept-Language", "en").body
		mustContain(t, list, "<h1>Warning inputs</h1>", "中央气象台 CAP", `data-state="pending"`, "every 2 min",
			`href="/warning-feeds/`+idStr(fd.ID)+`/edit"`)

		// Polled: the failure and its reason show in the list and the form.
		if _, err := e.app.Warning.PollDue(sys(), broken.Client()); err != nil {
			t.Fatal(err)
		}
		list = f.admin.get("/warning-feeds", "Accept-Language", "en").body
		mustContain(t, list, `data-state="failed"`, "503 Service Unavailable")
		edit := f.admin.get("/warning-feeds/"+idStr(fd.ID)+"/edit", "Accept-Language", "en").body
		mustContain(t, edit, `value="中央气象台 CAP"`, `value="2"`, "503 Service Unavailable", `name="active" value="1" checked`)

		// Edited: paused, polled every 10 minutes; the last poll stays.
		r = f.admin.post("/warning-feeds/"+idStr(fd.ID), url.Values{"name": {"中央气象台"}, "url": {broken.URL + "/cap.atom"}, "interval_minutes": {"10"}})
		wantStatus(t, r, http.StatusSeeOther)
		feeds, _ = e.app.Warning.Feeds(sys())
		if len(feeds) != 1 || feeds[0].Name != "中央气象台" || feeds[0].IntervalSeconds != 600 || feeds[0].Active || feeds[0].LastPolledAt == nil {
			t.Fatalf("after edit %+v", feeds)
		}
		mustContain(t, f.admin.get("/warning-feeds", "Accept-Language", "en").body, `data-state="paused"`)
		// A refused edit changes nothing.
		r = f.admin.post("/warning-feeds/"+idStr(fd.ID), url.Values{"name": {"改名"}, "url": {""}, "interval_minutes": {"10"}})
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if feeds, _ = e.app.Warning.Feeds(sys()); feeds[0].Name != "中央气象台" {
			t.Fatalf("refused edit stored %+v", feeds[0])
		}

		// Deleted.
		wantStatus(t, f.admin.post("/warning-feeds/"+idStr(fd.ID)+"/delete", url.Values{}), http.StatusSeeOther)
		if feeds, _ = e.app.Warning.Feeds(sys()); len(feeds) != 0 {
			t.Fatalf("after delete %+v", feeds)
		}
		mustContain(t, f.admin.get("/warning-feeds", "Accept-Language", "en").body, "No CAP feed is polled.")
	})
}

func TestWarningFeedsExplainTheAlertmanagerInput(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		if _, err := e.app.Warning.SaveIndicator(sys(), warning.Indicator{Code: "WMS-ERR", Name: "WMS 接口错误率", NameEn: "WMS API error rate",
			Source: warning.SourceAlertmanager, OwnerUnitID: f.ops.ID, Direction: warning.HigherIsWorse,
			Thresholds: warning.Thresholds{Yellow: feedFloat(5.0), Red: feedFloat(20.0)}, Active: true}); err != nil {
			t.Fatal(err)
		}
		en := f.viewer.get("/warning-feeds", "Accept-Language", "en").body
		mustContain(t, en, "<code data-alertmanager-url>"+e.app.Config.BaseURL+"/api/v1/alertmanager</code>",
			"Authorization: Bearer", `href="/profile#tokens"`, `data-input-indicator="WMS-ERR"`, "WMS API error rate",
			e.app.Config.BaseURL+"/api/v1/cap")
		zh := f.viewer.get("/warning-feeds", "Accept-Language", "zh-CN").body
		mustContain(t, zh, "<h1>预警输入</h1>", "定时拉取的 CAP 信息源", "WMS 接口错误率")
	})
}

func feedFloat(x float64) *float64 { return &x }

func TestWarningInputAndPolicyPagesNeedTheirPermissions(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		fd, err := e.app.Warning.SaveFeed(sys(), warning.Feed{Name: "气象台", URL: "http://127.0.0.1:9/cap", Active: true})
		if err != nil {
			t.Fatal(err)
		}
		pol, err := e.app.Notify.SavePolicy(sys(), notify.Policy{Name: "值班升级",
			Steps: []notify.Step{{After: notify.Duration(10 * time.Minute), Target: notify.TargetDeputies}}})
		if err != nil {
			t.Fatal(err)
		}
		fid, pid := idStr(fd.ID), idStr(pol.ID)

		// Feeds are read with warning.read, as by the API, without the
		// buttons that change them.
		list := f.viewer.get("/warning-feeds")
		wantStatus(t, list, http.StatusOK)
		mustNotContain(t, list.body, `href="/warning-feeds/new"`, `href="/warning-feeds/`+fid+`/edit"`, `action="/warning-feeds/`+fid+`/delete"`)
		mustContain(t, f.admin.get("/warning-feeds").body, `href="/warning-feeds/new"`, `action="/warning-feeds/`+fid+`/delete"`)
		// The policies tab is offered only to those who manage notifications.
		mustNotContain(t, list.body, `href="/notify/policies"`)
		mustContain(t, f.admin.get("/warnings").body, `href="/notify/policies"`, `href="/warning-feeds"`)

		form := url.Values{"name": {"x"}, "url": {"http://127.0.0.1:9/x"}, "steps[0].after": {"5m"}, "steps[0].target": {"holder"}}
		for _, c := range []*client{f.viewer, f.lead} {
			for _, path := range []string{"/warning-feeds/new", "/warning-feeds/" + fid + "/edit",
				"/notify/policies", "/notify/policies/new", "/notify/policies/" + pid + "/edit"} {
				wantStatus(t, c.get(path), http.StatusForbidden)
			}
			for _, path := range []string{"/warning-feeds", "/warning-feeds/" + fid, "/warning-feeds/" + fid + "/delete",
				"/notify/policies", "/notify/policies/" + pid, "/notify/policies/" + pid + "/delete"} {
				wantStatus(t, c.post(path, form), http.StatusForbidden)
			}
		}
		feeds, _ := e.app.Warning.Feeds(sys())
		pols, _ := e.app.Notify.Policies(sys())
		if len(feeds) != 1 || feeds[0].Name != "气象台" || len(pols) != 1 || pols[0].Name != "值班升级" {
			t.Fatalf("forbidden forms changed something: %+v %+v", feeds, pols)
		}
	})
}

func TestEscalationPolicyPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		form := url.Values{"name": {"仓库值班升级"}, "repeat": {"1"}, "interval": {"30m"},
			"steps[0].after": {"20m"}, "steps[0].target": {"holder"}, "steps[0].channels": {"sms"},
			"steps[1].after": {"10m"}, "steps[1].target": {"deputies"}, "steps[1].channels": {"email", "wecom"},
			"steps[2].after": {""}, "steps[2].target": {""}}

		// Out of order: the error is next to the second step's delay, the
		// input stays, and nothing is stored.
		r := f.admin.post("/notify/policies", form, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-steps[1].after-err"`, "Steps must be in time order", `value="仓库值班升级"`,
			`name="steps[1].after" value="10m"`, `name="steps[1].channels" value="wecom" checked`)
		mustNotContain(t, r.body, `id="f-steps[0].after-err"`)
		// A delay that is not one, and a target left out.
		bad := url.Values{"name": {"仓库值班升级"}, "steps[0].after": {"soon"}, "steps[0].target": {"holder"},
			"steps[1].after": {"30m"}, "steps[1].target": {""}}
		r = f.admin.post("/notify/policies", bad, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-steps[0].after-err"`, "Enter a delay such as 10m", `id="f-steps[1].target-err"`)
		// No step at all.
		r = f.admin.post("/notify/policies", url.Values{"name": {"空"}, "steps[0].after": {""}, "steps[0].target": {""}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-steps-err"`, "Give 1 to 20 steps.")
		if pols, err := e.app.Notify.Policies(sys()); err != nil || len(pols) != 0 {
			t.Fatalf("after refused forms: %v %v", pols, err)
		}

		// Created, with the empty row left out.
		form.Set("steps[0].after", "10")
		form.Set("steps[1].after", "1h30m")
		wantStatus(t, f.admin.post("/notify/policies", form), http.StatusSeeOther)
		pols, err := e.app.Notify.Policies(sys())
		if err != nil || len(pols) != 1 {
			t.Fatalf("policies %v %v", pols, err)
		}
		p := pols[0]
		if len(p.Steps) != 2 || time.Duration(p.Steps[0].After) != 10*time.Minute || p.Steps[1].Target != notify.TargetDeputies ||
			len(p.Steps[1].Channels) != 2 || p.Repeat != 1 || time.Duration(p.Interval) != 30*time.Minute {
			t.Fatalf("stored %+v", p)
		}
		list := f.admin.get("/notify/policies", "Accept-Language", "en").body
		mustContain(t, list, "<h1>Escalation policies</h1>", "仓库值班升级", "+10m", "+1h30m", "All their deputies", "repeated 1 times", "every 30m")
		mustContain(t, f.admin.get("/notify/policies", "Accept-Language", "zh-CN").body, "<h1>升级策略</h1>", "其全部代理人")

		// Edited: the form shows the steps; blanking the second drops it.
		edit := f.admin.get("/notify/policies/"+idStr(p.ID)+"/edit", "Accept-Language", "en").body
		mustContain(t, edit, `name="steps[0].after" value="10m"`, `name="steps[1].after" value="1h30m"`,
			`name="steps[0].channels" value="sms" checked`, `name="steps[3].after" value=""`)
		r = f.admin.post("/notify/policies/"+idStr(p.ID), url.Values{"name": {"warning-overdue"}, "repeat": {"0"},
			"steps[0].after": {"15m"}, "steps[0].target": {"next_deputy"}, "steps[1].after": {""}, "steps[1].target": {""}})
		wantStatus(t, r, http.StatusSeeOther)
		if p, err = e.app.Notify.Policy(sys(), p.ID); err != nil || p.Name != "warning-overdue" || len(p.Steps) != 1 ||
			p.Steps[0].Target != notify.TargetNextDeputy || p.Repeat != 0 {
			t.Fatalf("after edit %+v %v", p, err)
		}
		mustContain(t, f.admin.get("/notify/policies", "Accept-Language", "en").body, "data-overdue-policy", "once")
		// A refused edit changes nothing.
		r = f.admin.post("/notify/policies/"+idStr(p.ID), url.Values{"name": {"改名"}, "repeat": {"99"},
			"steps[0].after": {"15m"}, "steps[0].target": {"next_deputy"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-repeat-err"`, "Give a number between 0 and 20.")
		if p, _ = e.app.Notify.Policy(sys(), p.ID); p.Name != "warning-overdue" {
			t.Fatalf("refused edit stored %+v", p)
		}

		// Deleted.
		wantStatus(t, f.admin.post("/notify/policies/"+idStr(p.ID)+"/delete", url.Values{}), http.StatusSeeOther)
		if pols, _ = e.app.Notify.Policies(sys()); len(pols) != 0 {
			t.Fatalf("after delete %+v", pols)
		}
		mustContain(t, f.admin.get("/notify/policies", "Accept-Language", "en").body, "No escalation policy is defined.")
		wantStatus(t, f.admin.get("/notify/policies/"+idStr(p.ID)+"/edit"), http.StatusNotFound)
	})
}

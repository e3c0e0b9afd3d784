package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// TestDeliveryLogShowsPartners issues a warning from the form to a
// department and two partners (one wanting English): the delivery log
// names the partners with their addresses, marked as external.
func TestDeliveryLogShowsPartners(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		f := newWarnFixture(t, e)
		// A bad partner address is named on its line.
		r := f.admin.post("/warnings", url.Values{"level": {"3"}, "title": {"暴雨黄色预警"}, "audience.unit_ids": {idStr(f.ops.ID)},
			"audience.partners": {"王磊, 东海冷链, wl@donghai"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Line 1: Not an email address.")

		r = f.admin.post("/warnings", url.Values{"level": {"3"}, "title": {"暴雨黄色预警"}, "audience.unit_ids": {idStr(f.ops.ID)},
			"audience.partners": {"王磊, 东海冷链, wl@donghai.example.cn\nDuty <desk>, Pacific Cold Chain, +86 139 0000 0002, EN"}})
		wantStatus(t, r, http.StatusSeeOther)
		id, err := strconv.ParseInt(strings.TrimPrefix(r.location(), "/warnings/"), 10, 64)
		if err != nil {
			t.Fatalf("redirect to %q", r.location())
		}
		w, err := e.app.Warning.Warning(sys(), id)
		if err != nil {
			t.Fatal(err)
		}
		if ps := w.Audience.Partners; len(ps) != 2 || ps[0].Lang != "" || ps[1].Lang != "en" || ps[1].Mobile != "+86 139 0000 0002" {
			t.Fatalf("partners %+v", ps)
		}
		d := e.app.Notify.NewDispatcher()
		for range 3 {
			if _, err := d.Tick(sys()); err != nil {
				t.Fatal(err)
			}
		}
		page := f.admin.get("/notify/deliveries", "Accept-Language", "en").body
		mustContain(t, page, "王磊 (东海冷链)", "wl@donghai.example.cn", "Duty &lt;desk&gt; (Pacific Cold Chain)", "+86 139 0000 0002", "李娜")
		mustNotContain(t, page, "Duty <desk>")
		if n := strings.Count(page, "data-external"); n != 2 {
			t.Fatalf("%d deliveries marked external, want 2 (one email, one SMS)", n)
		}
		mustContain(t, f.admin.get("/notify/deliveries", "Accept-Language", "zh-CN").body, ">外部</span>")
	})
}

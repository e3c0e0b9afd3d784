package web_test

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/warning"
)

// situationFigure reads the big number of one card of the dashboard's
// current situation.
func situationFigure(t *testing.T, body, card string) int {
	t.Helper()
	m := regexp.MustCompile(`data-situation="` + card + `">\s*<span class="stat">(\d+)</span>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no %s card on the dashboard", card)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// TestDashboardSituation checks the figures of the current situation on
// the demo organisation against the services, then issues a red warning
// and sees it named first; a user without a role sees no situation.
func TestDashboardSituation(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		if _, _, err := demo.Load(sys(), e.app.Org, e.app.Identity, e.app.DB); err != nil {
			t.Fatal(err)
		}
		units, err := e.app.Org.Units(sys())
		if err != nil {
			t.Fatal(err)
		}
		for _, u := range units {
			if u.ParentID == nil {
				e.root = u
			}
		}
		e.seedUser("situation", "bcm_manager")
		c := e.client()
		c.login("situation")

		_, inForce, err := e.app.Warning.Warnings(sys(), warning.Filter{InForce: true, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		_, critical, err := e.app.Risk.Risks(sys(), risk.Filter{Level: risk.Critical, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		today := e.clock.Now().UTC()
		_, due, err := e.app.Plan.Plans(sys(), plan.Filter{ReviewDueBy: today.Add(plan.ReminderWindow).Format(plan.DateLayout), Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		rep, err := e.app.BIA.FeasibilityReport(sys())
		if err != nil {
			t.Fatal(err)
		}
		if critical == 0 || len(rep.Gaps) == 0 {
			t.Fatalf("the demo should have critical risks (%d) and RTO gaps (%d)", critical, len(rep.Gaps))
		}
		r := c.get("/", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		body := r.body
		if !strings.Contains(body, "Current situation") {
			t.Fatal("no current situation on the dashboard")
		}
		for card, want := range map[string]int{"warnings": inForce, "risks": critical, "plans": due, "bia": len(rep.Gaps)} {
			if got := situationFigure(t, body, card); got != want {
				t.Errorf("%s: the dashboard shows %d, the service %d", card, got, want)
			}
		}

		w, err := e.app.Warning.Issue(sys(), warning.Warning{Level: warning.Red, Title: "台风红色预警", TitleEn: "Typhoon red warning",
			Area: "上海", Measures: "停止露天作业", Audience: warning.Audience{UnitIDs: []int64{e.root.ID}}})
		if err != nil {
			t.Fatal(err)
		}
		body = c.get("/", "Accept-Language", "en").body
		if got := situationFigure(t, body, "warnings"); got != inForce+1 {
			t.Errorf("after a new warning the dashboard shows %d in force, want %d", got, inForce+1)
		}
		top := body[strings.Index(body, `class="plain situation-top"`):]
		if first := top[strings.Index(top, "<li>"):]; !strings.Contains(first[:strings.Index(first, "</li>")], "/warnings/"+strconv.FormatInt(w.ID, 10)) {
			t.Errorf("the red warning is not named first:\n%s", top[:min(len(top), 800)])
		}
		zh := c.get("/", "Accept-Language", "zh-CN").body
		if !strings.Contains(zh, "当前态势") || !strings.Contains(zh, "台风红色预警") {
			t.Error("the Chinese dashboard lacks the situation or the warning")
		}

		// An account without a role has no area to read.
		if _, err := e.app.Identity.CreateUser(sys(), identity.NewUser{Username: "norole", Password: adminPassword}); err != nil {
			t.Fatal(err)
		}
		n := e.client()
		n.login("norole")
		if b := n.get("/").body; strings.Contains(b, `data-situation=`) {
			t.Error("a user without a role sees the situation")
		}
	})
}

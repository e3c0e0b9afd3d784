package web_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/risk"
)

func (e *env) planAndRiskCounts() (plans, risks int) {
	e.t.Helper()
	_, plans, err := e.app.Plan.Plans(sys(), plan.Filter{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	_, risks, err = e.app.Risk.Risks(sys(), risk.Filter{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return plans, risks
}

func TestPlanGeneratorWizard(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("office", authz.BCMManager)
		e.seedUser("viewer", authz.Viewer)
		zh := []string{"Accept-Language", "zh-CN"}

		c := e.client()
		c.login("office")
		r := c.get("/plans/generate", zh...)
		wantStatus(t, r, http.StatusOK)
		// Labels come from the knowledge base, in the page's language.
		mustContain(t, r.body, "生成预案", `<option value="ecommerce">电子商务/零售</option>`, `value="north-america"`, "星联物流集团")

		// The preview shows the draft's headline content and stores nothing.
		q := url.Values{"industry": {"ecommerce"}, "size": {"small"}, "region": {"cn-east"}, "language": {"zh-CN"}, "preview": {"1"}}
		r = c.get("/plans/generate?"+q.Encode(), zh...)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `id="plangen-preview"`, `data-count="risks">14 (`, `data-count="drills">4`, `data-count="recovery">5`,
			"台风", "网店/App下单", "每半年评审一次", `<option value="ecommerce" selected>`)
		if p, rk := e.planAndRiskCounts(); p != 0 || rk != 0 {
			t.Fatalf("the preview stored %d plans and %d risks", p, rk)
		}
		// In English the same preview is in English.
		r = c.get("/plans/generate?"+q.Encode(), "Accept-Language", "en")
		mustContain(t, r.body, "Typhoon", "e-commerce")

		// A bad value is shown at its field.
		q.Set("industry", "piracy")
		r = c.get("/plans/generate?"+q.Encode(), zh...)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if !regexp.MustCompile(`(?s)f-industry-err">[^<]*piracy`).MatchString(r.body) {
			t.Errorf("no industry error:\n%s", r.body)
		}

		// Creating stores the plan, its risks and teams, and shows the summary.
		form := url.Values{"industry": {"ecommerce"}, "size": {"small"}, "region": {"cn-east"}, "language": {"zh-CN"},
			"unit_id": {""}, "code": {"BCP-WEB"}, "payment_providers": {"支付宝、微信支付"}, "sites": {"2"}}
		r = c.post("/plans/generate", form, zh...)
		// It opens the new draft in the plan library.
		if r.status != http.StatusSeeOther || !regexp.MustCompile(`^/plans/\d+$`).MatchString(r.location()) {
			t.Fatalf("create: %d %q\n%s", r.status, r.location(), r.body)
		}
		id := strings.TrimPrefix(r.location(), "/plans/")
		r = c.get(r.location(), zh...)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "已生成预案草稿:14 项风险", `data-status="draft"`, "应急指挥部", "技术保障组", "网店/App下单", "台风季前演练")
		// The wizard's summary of a created plan still answers.
		r = c.get("/plans/generate?created="+id, zh...)
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "预案草稿已生成", `data-plan-id="`+id+`"`, `href="/api/v1/plans/`+id+`"`)
		plans, risks := e.planAndRiskCounts()
		if plans != 1 || risks != 14 {
			t.Fatalf("after create: %d plans, %d risks", plans, risks)
		}
		teams, err := e.app.Org.Teams(sys())
		if err != nil || len(teams) != 4 {
			t.Fatalf("teams after create: %d (%v)", len(teams), err)
		}

		// The same code again: the error is shown at the field and
		// nothing more is stored.
		form.Set("region", "cn-southwest")
		r = c.post("/plans/generate", form, zh...)
		wantStatus(t, r, http.StatusUnprocessableEntity)
		if !strings.Contains(r.body, `f-code-err`) {
			t.Errorf("no code error:\n%s", r.body)
		}
		if p, rk := e.planAndRiskCounts(); p != 1 || rk != 14 {
			t.Fatalf("after the failed create: %d plans, %d risks", p, rk)
		}
		if ts, _ := e.app.Org.Teams(sys()); len(ts) != 4 {
			t.Fatalf("after the failed create: %d teams", len(ts))
		}

		// A viewer may neither see nor use the wizard.
		v := e.client()
		v.login("viewer")
		wantStatus(t, v.get("/plans/generate"), http.StatusForbidden)
		wantStatus(t, v.post("/plans/generate", form), http.StatusForbidden)
	})
}

package web_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// seedRisk stores a risk as the system.
func (e *env) seedRisk(unit org.Unit, title, titleEn string, c risk.Category) risk.Risk {
	e.t.Helper()
	r, err := e.app.Risk.SaveRisk(sys(), risk.Risk{Title: title, TitleEn: titleEn, Category: c, UnitID: unit.ID})
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// rate records an assessment as the system.
func (e *env) rate(r risk.Risk, kind risk.Kind, matrix string, l, i int) {
	e.t.Helper()
	if _, err := e.app.Risk.Assess(sys(), risk.Assessment{RiskID: r.ID, Kind: kind, MatrixID: matrix, Likelihood: l, Impact: i}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) countRisks() int {
	e.t.Helper()
	_, n, err := e.app.Risk.Risks(sys(), risk.Filter{Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *env) history(id int64) []risk.Assessment {
	e.t.Helper()
	h, err := e.app.Risk.Assessments(sys(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return h
}

// seedLead creates a department lead of one unit.
func (e *env) seedLead(username string, unit org.Unit) {
	e.t.Helper()
	if _, err := e.app.Identity.CreateUser(sys(), identity.NewUser{Username: username, DisplayName: username,
		Password: adminPassword, Grants: []authz.Grant{{Role: authz.DepartmentLead, UnitID: unit.ID}}}); err != nil {
		e.t.Fatal(err)
	}
}

// riskOrder returns the risk ids of the register's rows, top first.
var riskRowID = regexp.MustCompile(`<tr data-risk-id="(\d+)"`)

func riskOrder(body string) []string {
	var ids []string
	for _, m := range riskRowID.FindAllStringSubmatch(body, -1) {
		ids = append(ids, m[1])
	}
	return ids
}

// heatCount reads a cell of the heatmap's table.
func heatCount(t *testing.T, body string, l, i int) string {
	t.Helper()
	re := regexp.MustCompile(`data-likelihood="` + itoa(l) + `" data-impact="` + itoa(i) + `" data-level="\w*" data-count="(\d+)"`)
	m := re.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no heatmap cell %d×%d in\n%s", l, i, body)
	}
	return m[1]
}

func itoa(n int) string { return idStr(int64(n)) }

func riskForm(title string, unit org.Unit, category string) url.Values {
	return url.Values{"title": {title}, "title_en": {""}, "category": {category}, "unit_id": {idStr(unit.ID)},
		"status": {"open"}, "treatment": {""}, "owner_id": {""}, "review_date": {""},
		"action_key": {"k1"}, "action_description": {""}, "action_owner": {""}, "action_due": {""}}
}

func TestRiskRegister(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		ops := e.seedUnit(e.root, "运营部", "Operations")
		it := e.seedUnit(e.root, "信息技术部", "IT")
		owner := e.seedPerson(it, "彭志刚", "Peng Zhigang", "+86 138 0000 0011")
		c := e.client()
		c.login("admin")

		// Bad input: unknown category, no title, a bad action date. The
		// form comes back with each error under its field, input kept, and
		// nothing is stored.
		bad := riskForm("", ops, "meteor_strike")
		bad.Set("title_en", "Warehouse flood")
		bad["action_key"] = []string{"k1", "k2"}
		bad["action_description"] = []string{"加高防洪墙", ""}
		bad["action_owner"] = []string{"", ""}
		bad["action_due"] = []string{"next spring", ""}
		r := c.post("/risks", bad, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Please correct the highlighted fields.", `id="f-title-err"`, "This field is required.",
			`id="f-category-err"`, "Choose one of the options offered.", `value="Warehouse flood"`, `value="加高防洪墙"`, "Enter a date.")
		if n := e.countRisks(); n != 0 {
			t.Fatalf("%d risks stored after a rejected form", n)
		}

		// A good one, with an owner and an action.
		good := riskForm("仓库内涝", ops, "natural_disaster")
		good.Set("title_en", "Warehouse flooding")
		good.Set("code", "R-001")
		good.Set("owner_id", idStr(owner.ID))
		good.Set("cause", "暴雨")
		good.Set("review_date", "2025-01-31")
		good["action_key"] = []string{"k1"}
		good["action_description"] = []string{"加高防洪墙"}
		good["action_owner"] = []string{idStr(owner.ID)}
		good["action_due"] = []string{"2025-06-30"}
		good["action_done"] = []string{"k1"}
		r = c.post("/risks", good)
		wantStatus(t, r, http.StatusSeeOther)
		if !strings.HasPrefix(r.location(), "/risks/") {
			t.Fatalf("created: redirected to %q", r.location())
		}
		id := strings.TrimPrefix(r.location(), "/risks/")
		stored, _, err := e.app.Risk.Risks(sys(), risk.Filter{})
		if err != nil || len(stored) != 1 {
			t.Fatalf("stored %v %v", stored, err)
		}
		rk := stored[0]
		if rk.Code != "R-001" || rk.OwnerID == nil || *rk.OwnerID != owner.ID || len(rk.Actions) != 1 || !rk.Actions[0].Done ||
			rk.Actions[0].Due != "2025-06-30" || rk.Category != risk.NaturalDisaster {
			t.Fatalf("stored %+v", rk)
		}

		// The detail page: not assessed yet, review overdue (the clock says
		// 2025-03-01), the action.
		r = c.get("/risks/"+id, "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Warehouse flooding", "Natural disaster", "Peng Zhigang", "Not assessed",
			"The review of this risk was due on 2025-01-31 and is overdue.", "加高防洪墙", `action="/risks/`+id+`/assess"`)

		// Edit: change the title, drop the action.
		edit := good
		edit.Set("title_en", "Warehouse flooding in the rainy season")
		edit["action_description"] = []string{""}
		edit["action_owner"] = []string{""}
		edit["action_due"] = []string{""}
		r = c.post("/risks/"+id, edit)
		wantStatus(t, r, http.StatusSeeOther)
		if rk, _ = e.app.Risk.Risk(sys(), rk.ID); rk.TitleEn != "Warehouse flooding in the rainy season" || len(rk.Actions) != 0 {
			t.Fatalf("after edit: %+v", rk)
		}
		r = c.get("/risks/" + id + "/edit")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, `value="R-001"`, `value="Warehouse flooding in the rainy season"`, `value="2025-01-31"`)

		// Assess out of range: likelihood 5 on the 3×3 matrix. Nothing is
		// stored; the message is under the grid.
		r = c.post("/risks/"+id+"/assess", url.Values{"kind": {"inherent"}, "matrix_id": {"3x3"}, "likelihood": {"5"}, "impact": {"1"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-likelihood-err"`, "Choose a value from 1 to 3.")
		if h := e.history(rk.ID); len(h) != 0 {
			t.Fatalf("assessment stored after a rejected form: %+v", h)
		}
		// A residual rating before any inherent one is refused too.
		r = c.post("/risks/"+id+"/assess", url.Values{"kind": {"residual"}, "cell": {"5x5:2:2"}}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Rate the inherent risk first.")

		// Inherent 4×5 on the 5×5 (score 20, critical), picked on the grid.
		r = c.post("/risks/"+id+"/assess", url.Values{"kind": {"inherent"}, "matrix_id": {"5x5"}, "cell": {"5x5:4:5"}, "predictability": {"2"}, "note": {"雨季前评估"}})
		wantStatus(t, r, http.StatusSeeOther)
		// Residual 2×3 (score 6, medium).
		r = c.post("/risks/"+id+"/assess", url.Values{"kind": {"residual"}, "matrix_id": {"5x5"}, "likelihood": {"2"}, "impact": {"3"}})
		wantStatus(t, r, http.StatusSeeOther)
		h := e.history(rk.ID)
		if len(h) != 2 || h[0].Score != 20 || h[0].Level != risk.Critical || h[0].Predictability == nil || *h[0].Predictability != 2 ||
			h[1].Score != 6 || h[1].Level != risk.Medium {
			t.Fatalf("history %+v", h)
		}

		// The detail page shows both ratings, the history newest first
		// and the trend data.
		r = c.get("/risks/"+id, "Accept-Language", "zh-CN")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "固有风险", "剩余风险", "重大", "一般", "雨季前评估", "2 · 有征兆可预测", "/static/echarts.min.js", "/static/risk.js")
		// The history names the predictability, not its catalog key.
		mustContain(t, r.body, `class="">2 · 有征兆可预测</td>`)
		mustNotContain(t, r.body, "risk.predictability.")
		if a, b := strings.Index(r.body, `<tr data-kind="residual" data-score="6">`), strings.Index(r.body, `<tr data-kind="inherent" data-score="20">`); a < 0 || b < 0 || a > b {
			t.Errorf("history rows: residual at %d, inherent at %d (want newest first)", a, b)
		}
		trend := regexp.MustCompile(`(?s)<script type="application/json" id="risk-trend-data">(.*?)</script>`).FindStringSubmatch(r.body)
		if trend == nil {
			t.Fatal("no trend data")
		}
		var td struct {
			Inherent []struct{ Score int } `json:"inherent"`
			Residual []struct{ Score int } `json:"residual"`
			Max      int                   `json:"max"`
		}
		if err := json.Unmarshal([]byte(trend[1]), &td); err != nil {
			t.Fatalf("trend data %q: %v", trend[1], err)
		}
		if len(td.Inherent) != 1 || td.Inherent[0].Score != 20 || len(td.Residual) != 1 || td.Residual[0].Score != 6 || td.Max != 25 {
			t.Fatalf("trend data %+v", td)
		}

		// More risks to rank: a high one in IT, one not assessed.
		cyber := e.seedRisk(it, "勒索软件攻击", "Ransomware attack", risk.CyberSecurity)
		e.rate(cyber, risk.Inherent, "5x5", 3, 4) // 12, high
		e.seedRisk(it, "机房空调故障", "Server room cooling failure", risk.ITFailure)

		// The register, ranked: medium residual (flood) … the order is by
		// current level: cyber (high 12) before flood (medium 6), then the
		// unassessed one.
		r = c.get("/risks", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		order := riskOrder(r.body)
		if len(order) != 3 || order[0] != idStr(cyber.ID) || order[1] != id {
			t.Fatalf("register order %v (cyber %d, flood %s)", order, cyber.ID, id)
		}
		mustContain(t, r.body, "Ransomware attack", "Cyber and information security", "Not assessed", `class="badge lvl-2"`, "High", "Overdue")

		// Filters: category, unit subtree, level, owner, overdue, search;
		// the live filter gets the results block only.
		for _, tc := range []struct {
			query string
			want  []string
		}{
			{"category=cyber_security", []string{idStr(cyber.ID)}},
			{"unit=" + idStr(ops.ID), []string{id}},
			{"unit=" + idStr(e.root.ID) + "&level=high", []string{idStr(cyber.ID)}},
			{"owner=" + idStr(owner.ID), []string{id}},
			{"overdue=1", []string{id}},
			{"q=ransom", []string{idStr(cyber.ID)}},
			{"q=R-001", []string{id}},
			{"status=closed", nil},
			{"kind=inherent&matrix=5x5&likelihood=4&impact=5", []string{id}},
			{"kind=residual&matrix=5x5&likelihood=2&impact=3", []string{id}},
			{"kind=inherent&matrix=5x5&likelihood=3&impact=4", []string{idStr(cyber.ID)}},
			{"kind=inherent&matrix=5x5&likelihood=1&impact=1", nil},
		} {
			r := c.get("/risks?"+tc.query, "HX-Request", "true", "HX-Target", "risk-results")
			wantStatus(t, r, http.StatusOK)
			if strings.Contains(r.body, "<html") {
				t.Errorf("%s: the live filter got a whole page", tc.query)
			}
			if got := riskOrder(r.body); strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("%s: got risks %v, want %v", tc.query, got, tc.want)
			}
		}
		r = c.get("/risks?kind=inherent&matrix=5x5&likelihood=4&impact=5", "Accept-Language", "en")
		mustContain(t, r.body, "Heatmap cell", "Inherent · 5×5 scored matrix · Likelihood Likely · Impact Catastrophic", "Show all")

		// The heatmap: inherent puts flood at 4×5 and cyber at 3×4;
		// residual only flood at 2×3. Cells link to the filtered register.
		r = c.get("/risks/heatmap?matrix=5x5&kind=inherent", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		if heatCount(t, r.body, 4, 5) != "1" || heatCount(t, r.body, 3, 4) != "1" || heatCount(t, r.body, 2, 3) != "0" {
			t.Errorf("inherent heatmap counts wrong")
		}
		mustContain(t, r.body, html.EscapeString("/risks?impact=5&kind=inherent&likelihood=4&matrix=5x5"), "2 open risks rated",
			"Top risks by unit", "Operations", "IT", "Ransomware attack", "Report (PDF)")
		// The report link works with the session of the page.
		link := regexp.MustCompile(`href="(/api/v1/risk-report\?format=docx[^"]*)"`).FindStringSubmatch(r.body)
		if link == nil {
			t.Fatalf("no report link on the heatmap page")
		}
		rep := c.get(html.UnescapeString(link[1]))
		wantStatus(t, rep, http.StatusOK)
		if !strings.HasPrefix(rep.body, "PK") {
			t.Errorf("the report is not a DOCX: %.40q", rep.body)
		}
		hm := regexp.MustCompile(`(?s)<script type="application/json" id="risk-heatmap-data">(.*?)</script>`).FindStringSubmatch(r.body)
		var chart struct {
			Impacts []string `json:"impacts"`
			Cells   []struct {
				X, Y, Count int
				Color       string
			} `json:"cells"`
		}
		if hm == nil || json.Unmarshal([]byte(hm[1]), &chart) != nil || len(chart.Cells) != 25 || len(chart.Impacts) != 5 {
			t.Fatalf("heatmap chart data: %v", hm)
		}
		for _, cell := range chart.Cells {
			want := 0
			if cell.X == 4 && cell.Y == 3 || cell.X == 3 && cell.Y == 2 {
				want = 1
			}
			if cell.Count != want {
				t.Errorf("chart cell impact %d likelihood %d: %d risks, want %d", cell.X+1, cell.Y+1, cell.Count, want)
			}
			if cell.X == 4 && cell.Y == 3 && cell.Color != risk.ColorCritical {
				t.Errorf("cell 4×5 colour %s", cell.Color)
			}
		}
		r = c.get("/risks/heatmap?matrix=5x5&kind=residual")
		if heatCount(t, r.body, 2, 3) != "1" || heatCount(t, r.body, 4, 5) != "0" {
			t.Errorf("residual heatmap counts wrong")
		}
		// Filters of the heatmap.
		r = c.get("/risks/heatmap?matrix=5x5&kind=inherent&category=cyber_security")
		if heatCount(t, r.body, 4, 5) != "0" || heatCount(t, r.body, 3, 4) != "1" {
			t.Errorf("heatmap category filter")
		}
		r = c.get("/risks/heatmap?matrix=5x5&kind=inherent&unit=" + idStr(ops.ID))
		if heatCount(t, r.body, 4, 5) != "1" || heatCount(t, r.body, 3, 4) != "0" {
			t.Errorf("heatmap unit filter")
		}
		r = c.get("/risks/heatmap?matrix=3x3")
		if heatCount(t, r.body, 3, 3) != "0" || strings.Contains(r.body, `data-likelihood="4"`) {
			t.Errorf("3×3 heatmap")
		}

		// Delete.
		r = c.post("/risks/"+idStr(cyber.ID)+"/delete", nil)
		wantStatus(t, r, http.StatusSeeOther)
		if n := e.countRisks(); n != 2 {
			t.Fatalf("%d risks after delete", n)
		}
	})
}

func TestRiskPermissions(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("viewer", authz.Viewer)
		ops := e.seedUnit(e.root, "运营部", "Operations")
		it := e.seedUnit(e.root, "信息技术部", "IT")
		e.seedLead("ops-lead", ops)
		mine := e.seedRisk(ops, "分拣中心停电", "Sorting centre power cut", risk.Utilities)
		theirs := e.seedRisk(it, "勒索软件攻击", "Ransomware attack", risk.CyberSecurity)
		e.rate(theirs, risk.Inherent, "5x5", 3, 4)

		// A viewer reads the register, a risk and the heatmap, sees no
		// edit controls and is refused every change.
		v := e.client()
		v.login("viewer")
		r := v.get("/risks")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Ransomware attack")
		mustNotContain(t, r.body, `href="/risks/new"`)
		r = v.get("/risks/" + idStr(theirs.ID))
		wantStatus(t, r, http.StatusOK)
		mustNotContain(t, r.body, "/edit", `/assess"`, `/delete"`)
		wantStatus(t, v.get("/risks/heatmap"), http.StatusOK)
		wantStatus(t, v.get("/risks/new"), http.StatusForbidden)
		wantStatus(t, v.post("/risks", riskForm("新风险", ops, "other")), http.StatusForbidden)
		wantStatus(t, v.post("/risks/"+idStr(theirs.ID)+"/assess", url.Values{"kind": {"inherent"}, "cell": {"5x5:1:1"}}), http.StatusForbidden)
		wantStatus(t, v.post("/risks/"+idStr(theirs.ID)+"/delete", nil), http.StatusForbidden)

		// A department lead changes the risks of their department only.
		l := e.client()
		l.login("ops-lead")
		r = l.get("/risks/" + idStr(mine.ID))
		mustContain(t, r.body, `href="/risks/`+idStr(mine.ID)+`/edit"`, `action="/risks/`+idStr(mine.ID)+`/assess"`)
		r = l.get("/risks/" + idStr(theirs.ID))
		wantStatus(t, r, http.StatusOK)
		mustNotContain(t, r.body, `/edit"`, `/assess"`)
		wantStatus(t, l.post("/risks/"+idStr(theirs.ID), riskForm("改名", it, "cyber_security")), http.StatusForbidden)
		wantStatus(t, l.post("/risks/"+idStr(theirs.ID)+"/assess", url.Values{"kind": {"residual"}, "cell": {"5x5:1:1"}}), http.StatusForbidden)
		wantStatus(t, l.post("/risks/"+idStr(theirs.ID)+"/delete", nil), http.StatusForbidden)
		// Nor may they move their own risk into another department.
		wantStatus(t, l.post("/risks/"+idStr(mine.ID), riskForm("分拣中心停电", it, "utilities")), http.StatusForbidden)
		if got, _ := e.app.Risk.Risk(sys(), theirs.ID); got.Title != "勒索软件攻击" || got.Residual != nil {
			t.Fatalf("their risk changed: %+v", got)
		}
		r = l.post("/risks/"+idStr(mine.ID)+"/assess", url.Values{"kind": {"inherent"}, "cell": {"3x3:2:3"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = l.post("/risks", riskForm("叉车伤人", ops, "safety_accident"))
		wantStatus(t, r, http.StatusSeeOther)
		if n := e.countRisks(); n != 3 {
			t.Fatalf("%d risks", n)
		}
	})
}

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/identity"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/risk"
	"github.com/continuo-bcm/continuo/internal/risksurvey"
)

// seedLinkedLead creates a department lead of unit, linked to a person of it.
func (e *env) seedLinkedLead(username string, unit org.Unit, person org.Person) identity.User {
	e.t.Helper()
	u, err := e.app.Identity.CreateUser(sys(), identity.NewUser{Username: username, DisplayName: username, Password: adminPassword,
		PersonID: &person.ID, Grants: []authz.Grant{{Role: authz.DepartmentLead, UnitID: unit.ID}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) campaigns() []risksurvey.Campaign {
	e.t.Helper()
	cs, err := e.app.Survey.Campaigns(sys())
	if err != nil {
		e.t.Fatal(err)
	}
	return cs
}

func (e *env) sheet(campaign, unit int64) risksurvey.Sheet {
	e.t.Helper()
	sh, err := e.app.Survey.Sheet(sys(), campaign, unit)
	if err != nil {
		e.t.Fatal(err)
	}
	return sh
}

// sheetForm answers every question of a sheet no, except those in yes
// (by question key: title, likelihood, impact).
func sheetForm(sh risksurvey.Sheet, action string, yes map[string][3]string) url.Values {
	f := url.Values{"action": {action}}
	for _, a := range sh.Answers {
		p := "a" + idStr(a.ID)
		f.Add("answer", p)
		if y, ok := yes[a.QuestionKey]; ok {
			f.Set(p+".present", "yes")
			f.Set(p+".title", y[0])
			f.Set(p+".likelihood", y[1])
			f.Set(p+".impact", y[2])
			f.Set(p+".controls", "定期检查")
			continue
		}
		f.Set(p+".present", "no")
	}
	return f
}

func TestSurveyPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("office", authz.BCMManager)
		e.seedUser("viewer", authz.Viewer)
		ops := e.seedUnit(e.root, "运营部", "Operations")
		it := e.seedUnit(e.root, "信息技术部", "IT")
		li := e.seedPerson(ops, "李娜", "Li Na", "+86 138 0000 0012")
		e.seedLinkedLead("lead", ops, li)
		ts, err := e.app.Survey.Templates(sys())
		if err != nil {
			t.Fatal(err)
		}
		tpl := idStr(ts[0].ID)

		office, lead, viewer := e.client(), e.client(), e.client()
		office.login("office")
		lead.login("lead")
		viewer.login("viewer")

		// Only the office launches.
		launch := url.Values{"title": {"2025年度风险排查"}, "template_id": {tpl}, "matrix_id": {"5x5"}, "due": {"2025-03-20"},
			"unit_ids": {idStr(ops.ID), idStr(it.ID)}}
		wantStatus(t, lead.get("/risk-surveys/new"), http.StatusForbidden)
		wantStatus(t, lead.post("/risk-surveys", launch), http.StatusForbidden)
		// Bad input comes back with the errors under the fields.
		bad := url.Values{"title": {""}, "template_id": {tpl}, "matrix_id": {"5x5"}, "due": {"2025-02-01"}}
		r := office.post("/risk-surveys", bad, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, `id="f-title-err"`, `id="f-due-err"`, "Choose today or a later day.", "Choose at least one department.")
		if n := len(e.campaigns()); n != 0 {
			t.Fatalf("%d campaigns after refused launches", n)
		}
		r = office.post("/risk-surveys", launch)
		wantStatus(t, r, http.StatusSeeOther)
		cs := e.campaigns()
		if len(cs) != 1 || r.location() != "/risk-surveys/"+idStr(cs[0].ID) {
			t.Fatalf("launched: %d campaigns, redirect %q", len(cs), r.location())
		}
		c := cs[0]
		r = viewer.get("/risk-surveys/"+idStr(c.ID), "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "2025年度风险排查", "Operations", "Not started", `data-unit="`+idStr(it.ID)+`"`)
		mustNotContain(t, r.body, "/remind", "/close")

		// The lead sees the sheet to answer in the list, and answers
		// only for its own unit.
		r = lead.get("/risk-surveys", "Accept-Language", "en")
		mustContain(t, r.body, "To answer", "/risk-surveys/"+idStr(c.ID)+"/units/"+idStr(ops.ID))
		mustNotContain(t, r.body, "/risk-surveys/"+idStr(c.ID)+"/units/"+idStr(it.ID))
		sh := e.sheet(c.ID, ops.ID)
		itSheet := e.sheet(c.ID, it.ID)
		r = lead.post("/risk-surveys/"+idStr(c.ID)+"/units/"+idStr(it.ID), sheetForm(itSheet, "save", nil))
		wantStatus(t, r, http.StatusForbidden)
		if s := e.sheet(c.ID, it.ID).Progress; s.Status != risksurvey.NotStarted || s.Answered != 0 {
			t.Fatalf("a refused answer changed the IT sheet: %+v", s)
		}
		r = lead.get("/risk-surveys/"+idStr(c.ID)+"/units/"+idStr(ops.ID), "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "Present in your department?", `name="a`+idStr(sh.Answers[0].ID)+`.present"`, "Save draft", "Submit")

		// Submitting with a question unanswered and a reported risk
		// without rating: errors under the answers, nothing stored.
		f := sheetForm(sh, "submit", map[string][3]string{"natural": {"台风导致仓库进水", "", "4"}})
		f.Del("a" + idStr(sh.Answers[1].ID) + ".present")
		r = lead.post("/risk-surveys/"+idStr(c.ID)+"/units/"+idStr(ops.ID), f, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Answer yes or no before submitting.", "Choose a value from 1 to 5.", `value="台风导致仓库进水"`)
		if s := e.sheet(c.ID, ops.ID).Progress; s.Status != risksurvey.NotStarted || s.Answered != 0 {
			t.Fatalf("a refused submit changed the sheet: %+v", s)
		}
		// A good submit, with one added risk.
		f = sheetForm(sh, "submit", map[string][3]string{"natural": {"台风导致仓库进水", "4", "4"}})
		f.Add("answer", "nk1")
		f.Set("nk1.title", "叉车无证驾驶")
		f.Set("nk1.category", "safety_accident")
		f.Set("nk1.likelihood", "3")
		f.Set("nk1.impact", "3")
		f.Add("answer", "nblank") // an untouched added row is ignored
		r = lead.post("/risk-surveys/"+idStr(c.ID)+"/units/"+idStr(ops.ID), f)
		wantStatus(t, r, http.StatusSeeOther)
		sh = e.sheet(c.ID, ops.ID)
		if sh.Progress.Status != risksurvey.Submitted || sh.Progress.Present != 2 || len(sh.Answers) != len(c.Questions)+1 {
			t.Fatalf("after submit: %+v, %d answers", sh.Progress, len(sh.Answers))
		}
		natural, added := sh.Answers[0], sh.Answers[len(sh.Answers)-1]

		// Review: not for the lead; a return needs a comment.
		wantStatus(t, lead.post("/risk-survey-answers/"+idStr(natural.ID)+"/accept", url.Values{}), http.StatusForbidden)
		r = office.post("/risk-survey-answers/"+idStr(added.ID)+"/return", url.Values{"comment": {" "}})
		wantStatus(t, r, http.StatusSeeOther)
		if a, _ := e.app.Survey.Answer(sys(), added.ID); a.State != risksurvey.StateSubmitted {
			t.Fatalf("a return without comment changed the answer: %+v", a)
		}
		r = office.get(r.location(), "Accept-Language", "en")
		mustContain(t, r.body, "Say what to correct.")
		// Out of range: nothing stored.
		r = office.post("/risk-survey-answers/"+idStr(natural.ID)+"/accept", url.Values{"likelihood": {"9"}, "impact": {"4"}})
		wantStatus(t, r, http.StatusSeeOther)
		if n := e.countRisks(); n != 0 {
			t.Fatalf("%d risks after a refused acceptance", n)
		}
		r = office.post("/risk-survey-answers/"+idStr(natural.ID)+"/accept", url.Values{"likelihood": {"5"}, "impact": {"4"}, "predictability": {"2"}})
		wantStatus(t, r, http.StatusSeeOther)
		if !strings.HasSuffix(r.location(), "#answer-"+idStr(natural.ID)) {
			t.Errorf("after accepting: redirected to %q", r.location())
		}
		rs, _, err := e.app.Risk.Risks(sys(), risk.Filter{})
		if err != nil || len(rs) != 1 || rs[0].Title != "台风导致仓库进水" || rs[0].UnitID != ops.ID || rs[0].Inherent == nil || rs[0].Inherent.Score != 20 {
			t.Fatalf("register after acceptance: %+v %v", rs, err)
		}
		r = office.post("/risk-survey-answers/"+idStr(added.ID)+"/return", url.Values{"comment": {"请补充现有控制措施"}})
		wantStatus(t, r, http.StatusSeeOther)
		r = lead.get("/risk-surveys/"+idStr(c.ID)+"/units/"+idStr(ops.ID), "Accept-Language", "en")
		// The accepted answer shows the rating the office gave.
		_, levelEn := risk.LevelLabel(rs[0].Inherent.Level)
		mustContain(t, r.body, "Returned", "请补充现有控制措施", "/risks/"+idStr(rs[0].ID),
			`data-accepted-level="`+string(rs[0].Inherent.Level)+`">`+levelEn+" 20</span>", "5×4")
	})
}

func TestRiskMatrixPages(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("office", authz.BCMManager)
		ops := e.seedUnit(e.root, "运营部", "Operations")
		li := e.seedPerson(ops, "李娜", "Li Na", "+86 138 0000 0012")
		e.seedLinkedLead("lead", ops, li)
		office, lead := e.client(), e.client()
		office.login("office")
		lead.login("lead")
		r := lead.get("/risk-matrices", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		mustContain(t, r.body, "5×5 scored matrix", "15–25")
		mustNotContain(t, r.body, "/risk-matrices/new")
		form := url.Values{"id": {"2x3"}, "name": {"简易矩阵"}, "name_en": {"Simple"}, "likelihood": {"低 | Low\n高 | High"},
			"impact":   {"轻 | Minor\n中 | Moderate\n重 | Major"},
			"band_min": {"1", "3", "5", ""}, "band_max": {"2", "4", "6", ""}, "band_level": {"low", "medium", "critical", ""}, "band_color": {"", "", "", ""}}
		wantStatus(t, lead.post("/risk-matrices", form), http.StatusForbidden)
		bad := url.Values{}
		for k, v := range form {
			bad[k] = v
		}
		bad["band_min"] = []string{"1", "4", "5", ""}
		bad.Set("impact", "轻 | Minor\n中\n重 | Major")
		r = office.post("/risk-matrices", bad, "Accept-Language", "en")
		wantStatus(t, r, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Line 2:", "The band must start at score 3")
		if _, err := e.app.Risk.Matrix(sys(), "2x3"); err == nil {
			t.Fatal("a refused matrix was stored")
		}
		wantStatus(t, office.post("/risk-matrices", form), http.StatusSeeOther)
		m, err := e.app.Risk.Matrix(sys(), "2x3")
		if err != nil || len(m.Impact) != 3 || m.Bands[2].Level != risk.Critical || m.Bands[0].Color != risk.ColorLow || m.Bands[2].Label != "重大" {
			t.Fatalf("stored matrix: %+v %v", m, err)
		}
		// In use: cannot be deleted.
		rk, err := e.app.Risk.SaveRisk(sys(), risk.Risk{Title: "x", Category: risk.Other, UnitID: ops.ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Risk.Assess(sys(), risk.Assessment{RiskID: rk.ID, MatrixID: "2x3", Kind: risk.Inherent, Likelihood: 2, Impact: 3}); err != nil {
			t.Fatal(err)
		}
		r = office.post("/risk-matrices/2x3/delete", url.Values{}, "Accept-Language", "en")
		wantStatus(t, r, http.StatusConflict)
		mustContain(t, r.body, "is in use by 2 ratings")
		wantStatus(t, office.post("/risk-matrices/5x5/delete", url.Values{}), http.StatusConflict)
	})
}

// TestHeatmapTopRisksFollowCategory checks that the top risks by unit on
// the heatmap page keep to the chosen category, like the heatmap.
func TestHeatmapTopRisksFollowCategory(t *testing.T) {
	eachEngine(t, func(t *testing.T, e *env) {
		e.seedUser("admin", authz.Admin)
		ops := e.seedUnit(e.root, "运营部", "Operations")
		for _, x := range []struct {
			title string
			c     risk.Category
		}{{"台风导致仓库进水", risk.NaturalDisaster}, {"勒索软件攻击", risk.CyberSecurity}} {
			rk, err := e.app.Risk.SaveRisk(sys(), risk.Risk{Title: x.title, Category: x.c, UnitID: ops.ID})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := e.app.Risk.Assess(sys(), risk.Assessment{RiskID: rk.ID, MatrixID: "5x5", Kind: risk.Inherent, Likelihood: 4, Impact: 4}); err != nil {
				t.Fatal(err)
			}
		}
		c := e.client()
		c.login("admin")
		r := c.get("/risks/heatmap?matrix=5x5&category=cyber_security", "Accept-Language", "en")
		wantStatus(t, r, http.StatusOK)
		top := r.body[strings.Index(r.body, `id="top-by-unit"`):]
		mustContain(t, top, "勒索软件攻击", "1 open")
		mustNotContain(t, top, "台风导致仓库进水")
		r = c.get("/risks/heatmap?matrix=5x5", "Accept-Language", "en")
		top = r.body[strings.Index(r.body, `id="top-by-unit"`):]
		mustContain(t, top, "勒索软件攻击", "台风导致仓库进水")
	})
}

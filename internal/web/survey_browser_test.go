package web_test

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// TestSurveyBrowser drives a risk survey in a real browser: the office
// launches it for a department, the department lead answers (a draft,
// then submits), the office accepts the reported risk, and the risk shows
// in the register; the sheet is looked at in Chinese too. Screenshots go
// to CONTINUO_SCREENSHOTS (or a temporary directory).
//
// A missing browser fails the test; CONTINUO_SKIP_BROWSER=1 skips it.
func TestSurveyBrowser(t *testing.T) {
	runBrowserTest(t, surveyBrowserScenario)
}

func surveyBrowserScenario(t *testing.T, e *env) {
	e.seedUser("office", authz.BCMManager)
	ops := e.seedUnit(e.root, "运营部", "Operations")
	li := e.seedPerson(ops, "李娜", "Li Na", "+86 138 0000 0012")
	e.seedLinkedLead("lead", ops, li)

	s := newBrowserSession(t, e, "survey-")
	signIn := func(user, sel string) { t.Helper(); s.signIn("/risk-surveys", user, adminPassword, sel) }

	// The office launches the survey with the built-in checklist.
	signIn("office", `a[href="/risk-surveys/new"]`)
	s.want("survey list", "main", "Risk surveys", "No survey yet.")
	ts, err := e.app.Survey.Templates(sys())
	if err != nil {
		t.Fatal(err)
	}
	s.do("launch form",
		chromedp.Click(css(`a[href="/risk-surveys/new"]`)),
		chromedp.WaitVisible(css("#f-title")),
		chromedp.SendKeys(css("#f-title"), "2025年度风险排查"),
		chromedp.SendKeys(css("#f-title_en"), "2025 risk survey"),
		chromedp.SetValue(css("#f-template_id"), idStr(ts[0].ID)),
		chromedp.SetValue(css("#f-matrix_id"), "5x5"),
		chromedp.SetValue(css("#f-due"), "2025-03-20"),
		chromedp.Click(css(`input[name=unit_ids][value="`+idStr(ops.ID)+`"]`)),
	)
	s.shot("launch")
	s.do("launch",
		chromedp.Click(css(`form[action="/risk-surveys"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#units tr[data-unit="`+idStr(ops.ID)+`"]`)),
	)
	s.want("campaign", "main", "2025 risk survey", "Operations", "Not started", "0 / 12")
	cs, err := e.app.Survey.Campaigns(sys())
	if err != nil || len(cs) != 1 {
		t.Fatalf("campaigns %d %v", len(cs), err)
	}
	c := cs[0]
	sh, err := e.app.Survey.Sheet(sys(), c.ID, ops.ID)
	if err != nil {
		t.Fatal(err)
	}
	first, third := sh.Answers[0], sh.Answers[2]
	sheetURL := fmt.Sprintf("/risk-surveys/%d/units/%d", c.ID, ops.ID)
	s.signOut()

	// The department lead answers: everything "no" but the first
	// question, saves a draft, then submits.
	signIn("lead", `#todo a[href="`+sheetURL+`"]`)
	s.do("open the sheet",
		chromedp.Click(css(`#todo a[href="`+sheetURL+`"]`)),
		chromedp.WaitVisible(css(fmt.Sprintf(`#answer-%d`, first.ID))),
	)
	s.eval("answer no", `document.querySelectorAll('.survey-answers input[type=radio][value=no]').forEach(r => r.click()), true`)
	p := fmt.Sprintf("a%d", first.ID)
	s.do("answer the first question",
		chromedp.Click(css(`input[name="`+p+`.present"][value=yes]`)),
		chromedp.SendKeys(css("#"+p+"-title"), "台风导致仓库进水"),
		chromedp.SetValue(css("#"+p+"-likelihood"), "4"),
		chromedp.SetValue(css("#"+p+"-impact"), "4"),
		chromedp.SendKeys(css("#"+p+"-controls"), "沙袋、排水泵"),
	)
	// The details of a hazard answered "no" are hidden.
	hidden, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`[
		getComputedStyle(document.querySelector('#answer-%d .if-present')).display,
		getComputedStyle(document.querySelector('#answer-%d .if-present')).display]`, first.ID, third.ID)))
	if err != nil || len(hidden) != 2 || hidden[0] == "none" || hidden[1] != "none" {
		t.Fatalf("details shown for yes and hidden for no: %v %v", hidden, err)
	}
	s.shot("sheet-answering")
	s.do("save a draft",
		chromedp.Click(css(`button[name=action][value=save]`)),
		chromedp.WaitVisible(css(`[data-sheet-status="draft"]`)),
	)
	if got := e.sheet(c.ID, ops.ID).Progress; got.Answered != 12 || got.Present != 1 {
		t.Fatalf("draft stored: %+v", got)
	}
	// Submitting asks for confirmation; accept it.
	s.eval("confirm", `window.confirm = () => true, true`)
	s.do("submit",
		chromedp.Click(css(`button[name=action][value=submit]`)),
		chromedp.WaitVisible(css(`[data-sheet-status="submitted"]`)),
	)
	s.want("submitted sheet", "main", "Answers submitted for review.", "台风导致仓库进水", "4 × 4 = 16", "Critical")
	s.shot("sheet-submitted")
	s.signOut()

	// The office accepts the answer into the register.
	signIn("office", `a[href="/risk-surveys/new"]`)
	s.open(fmt.Sprintf("/risk-surveys/%d", c.ID), `#units a.btn-primary[href="`+sheetURL+`"]`)
	s.do("open the campaign",
		chromedp.Click(css(`#units a.btn-primary[href="`+sheetURL+`"]`)),
		chromedp.WaitVisible(css(fmt.Sprintf(`form[action="/risk-survey-answers/%d/accept"]`, first.ID))),
	)
	s.shot("review")
	s.do("accept",
		chromedp.SetValue(css(fmt.Sprintf(`#acc-%d-l`, first.ID)), "5"),
		chromedp.Click(css(fmt.Sprintf(`form[action="/risk-survey-answers/%d/accept"] button[type=submit]`, first.ID))),
		chromedp.WaitVisible(css(`[data-sheet-status="completed"]`)),
	)
	s.want("accepted", "main", "Accepted into the register: 台风导致仓库进水.", "View the risk")
	rs, _, err := e.app.Risk.Risks(sys(), risk.Filter{})
	if err != nil || len(rs) != 1 || rs[0].Inherent == nil || rs[0].Inherent.Score != 20 {
		t.Fatalf("register after acceptance: %+v %v", rs, err)
	}
	s.open("/risks", "#risk-results table")
	s.want("register", "#risk-results", "台风导致仓库进水", "Operations", "Critical")

	// The sheet in Chinese.
	s.open(sheetURL, `[data-sheet-status="completed"]`)
	s.toChinese(`[data-sheet-status]`)
	s.open(sheetURL, `[data-sheet-status="completed"]`)
	s.want("sheet (zh)", "main", "已完成", "本部门是否存在？", "台风导致仓库进水", "已录入", "查看风险")
	s.shot("sheet-zh")
	t.Logf("screenshots in %s", s.dir)
}

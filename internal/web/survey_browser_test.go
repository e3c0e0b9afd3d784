package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

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
	shotDir := screenshotDir(t, "survey-")
	e.seedUser("office", authz.BCMManager)
	ops := e.seedUnit(e.root, "运营部", "Operations")
	li := e.seedPerson(ops, "李娜", "Li Na", "+86 138 0000 0012")
	e.seedLinkedLead("lead", ops, li)

	ctx := newBrowser(t, 150*time.Second)
	base := e.srv.URL
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	do := func(step string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	eval := func(step, js string) {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js)); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	text := func(sel string) string { t.Helper(); return pageText(t, ctx, sel) }
	want := func(step, text string, wants ...string) { t.Helper(); wantShown(t, step, text, wants...) }
	n := 0
	shot := func(name string) {
		t.Helper()
		n++
		buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(shotDir, fmt.Sprintf("%02d-%s.png", n, name)), buf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	signIn := func(user, waitFor string) {
		t.Helper()
		do("sign in as "+user,
			chromedp.Navigate(base+"/risk-surveys"),
			chromedp.WaitVisible(css("#f-username")),
			chromedp.SendKeys(css("#f-username"), user),
			chromedp.SendKeys(css("#f-password"), adminPassword),
			chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
			chromedp.WaitVisible(css(waitFor)),
		)
	}
	signOut := func() {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`fetch('/logout', {method: 'POST'}).then(() => true)`, chromedp.EvalAwaitPromise)); err != nil {
			t.Fatalf("sign out: %v", err)
		}
	}

	do("open the tab", chromedp.EmulateViewport(1280, 900))
	defer failOnConsoleErrors(t, ctx)()

	// The office launches the survey with the built-in checklist.
	signIn("office", `a[href="/risk-surveys/new"]`)
	want("survey list", text("main"), "Risk surveys", "No survey yet.")
	ts, err := e.app.Survey.Templates(sys())
	if err != nil {
		t.Fatal(err)
	}
	do("launch form",
		chromedp.Click(css(`a[href="/risk-surveys/new"]`)),
		chromedp.WaitVisible(css("#f-title")),
		chromedp.SendKeys(css("#f-title"), "2025年度风险排查"),
		chromedp.SendKeys(css("#f-title_en"), "2025 risk survey"),
		chromedp.SetValue(css("#f-template_id"), idStr(ts[0].ID)),
		chromedp.SetValue(css("#f-matrix_id"), "5x5"),
		chromedp.SetValue(css("#f-due"), "2025-03-20"),
		chromedp.Click(css(`input[name=unit_ids][value="`+idStr(ops.ID)+`"]`)),
	)
	shot("launch")
	do("launch",
		chromedp.Click(css(`form[action="/risk-surveys"] button[type=submit]`)),
		chromedp.WaitVisible(css(`#units tr[data-unit="`+idStr(ops.ID)+`"]`)),
	)
	want("campaign", text("main"), "2025 risk survey", "Operations", "Not started", "0 / 12")
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
	signOut()

	// The department lead answers: everything "no" but the first
	// question, saves a draft, then submits.
	signIn("lead", `#todo a[href="`+sheetURL+`"]`)
	do("open the sheet",
		chromedp.Click(css(`#todo a[href="`+sheetURL+`"]`)),
		chromedp.WaitVisible(css(fmt.Sprintf(`#answer-%d`, first.ID))),
	)
	eval("answer no", `document.querySelectorAll('.survey-answers input[type=radio][value=no]').forEach(r => r.click()), true`)
	p := fmt.Sprintf("a%d", first.ID)
	do("answer the first question",
		chromedp.Click(css(`input[name="`+p+`.present"][value=yes]`)),
		chromedp.SendKeys(css("#"+p+"-title"), "台风导致仓库进水"),
		chromedp.SetValue(css("#"+p+"-likelihood"), "4"),
		chromedp.SetValue(css("#"+p+"-impact"), "4"),
		chromedp.SendKeys(css("#"+p+"-controls"), "沙袋、排水泵"),
	)
	// The details of a hazard answered "no" are hidden.
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`[
		getComputedStyle(document.querySelector('#answer-%d .if-present')).display,
		getComputedStyle(document.querySelector('#answer-%d .if-present')).display]`, first.ID, third.ID)))
	if err != nil || len(hidden) != 2 || hidden[0] == "none" || hidden[1] != "none" {
		t.Fatalf("details shown for yes and hidden for no: %v %v", hidden, err)
	}
	shot("sheet-answering")
	do("save a draft",
		chromedp.Click(css(`button[name=action][value=save]`)),
		chromedp.WaitVisible(css(`[data-sheet-status="draft"]`)),
	)
	if got := e.sheet(c.ID, ops.ID).Progress; got.Answered != 12 || got.Present != 1 {
		t.Fatalf("draft stored: %+v", got)
	}
	// Submitting asks for confirmation; accept it.
	eval("confirm", `window.confirm = () => true, true`)
	do("submit",
		chromedp.Click(css(`button[name=action][value=submit]`)),
		chromedp.WaitVisible(css(`[data-sheet-status="submitted"]`)),
	)
	want("submitted sheet", text("main"), "Answers submitted for review.", "台风导致仓库进水", "4 × 4 = 16", "Critical")
	shot("sheet-submitted")
	signOut()

	// The office accepts the answer into the register.
	signIn("office", `a[href="/risk-surveys/new"]`)
	do("open the campaign",
		chromedp.Navigate(base+fmt.Sprintf("/risk-surveys/%d", c.ID)),
		chromedp.WaitVisible(css(`#units a.btn-primary[href="`+sheetURL+`"]`)),
		chromedp.Click(css(`#units a.btn-primary[href="`+sheetURL+`"]`)),
		chromedp.WaitVisible(css(fmt.Sprintf(`form[action="/risk-survey-answers/%d/accept"]`, first.ID))),
	)
	shot("review")
	do("accept",
		chromedp.SetValue(css(fmt.Sprintf(`#acc-%d-l`, first.ID)), "5"),
		chromedp.Click(css(fmt.Sprintf(`form[action="/risk-survey-answers/%d/accept"] button[type=submit]`, first.ID))),
		chromedp.WaitVisible(css(`[data-sheet-status="completed"]`)),
	)
	want("accepted", text("main"), "Accepted into the register: 台风导致仓库进水.", "View the risk")
	rs, _, err := e.app.Risk.Risks(sys(), risk.Filter{})
	if err != nil || len(rs) != 1 || rs[0].Inherent == nil || rs[0].Inherent.Score != 20 {
		t.Fatalf("register after acceptance: %+v %v", rs, err)
	}
	do("the risk in the register",
		chromedp.Navigate(base+"/risks"),
		chromedp.WaitVisible(css("#risk-results table")),
	)
	want("register", text("#risk-results"), "台风导致仓库进水", "Operations", "Critical")

	// The sheet in Chinese.
	do("switch to Chinese",
		chromedp.Navigate(base+sheetURL),
		chromedp.WaitVisible(css(`[data-sheet-status="completed"]`)),
		chromedp.Click(css(`.topbar .lang-switch button[value="zh-CN"]`)),
		chromedp.WaitVisible(css(`html[lang="zh-CN"] [data-sheet-status]`)),
	)
	do("sheet (zh)", chromedp.Navigate(base+sheetURL), chromedp.WaitVisible(css(`[data-sheet-status="completed"]`)))
	want("sheet (zh)", text("main"), "已完成", "本部门是否存在？", "台风导致仓库进水", "已录入", "查看风险")
	shot("sheet-zh")
	t.Logf("screenshots in %s", shotDir)
}

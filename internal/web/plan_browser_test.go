package web_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/plan"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// TestPlanBrowser drives the plan pages in a real browser: the office
// drafts a plan in the editor (a second task row and a second playbook
// come from the server), submits it; the chair signs in, approves it with
// a comment; the office publishes it and downloads it as DOCX and PDF; the
// plan is then read in Chinese. Screenshots go to CONTINUO_SCREENSHOTS (or
// a temporary directory).
//
// A missing browser fails the test; CONTINUO_SKIP_BROWSER=1 skips it.
func TestPlanBrowser(t *testing.T) {
	runBrowserTest(t, planBrowserScenario)
}

func planBrowserScenario(t *testing.T, e *env) {
	shotDir := screenshotDir(t, "plan-")
	f := e.seedPlanFixture()
	ctx := newBrowser(t, 150*time.Second)
	base := e.srv.URL
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	do := func(step string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
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
	text := func(sel string) string { t.Helper(); return pageText(t, ctx, sel) }
	want := func(step, text string, wants ...string) { t.Helper(); wantShown(t, step, text, wants...) }
	signIn := func(user string) {
		t.Helper()
		do("sign in as "+user,
			chromedp.Navigate(base+"/login"),
			chromedp.WaitVisible(css("#f-username")),
			chromedp.SendKeys(css("#f-username"), user),
			chromedp.SendKeys(css("#f-password"), adminPassword),
			chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
			chromedp.WaitVisible(css(`a[href="/plans"]`)),
		)
	}
	signOut := func() {
		t.Helper()
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('form[action="/logout"]').submit(), true`)); err != nil {
			t.Fatalf("sign out: %v", err)
		}
		do("signed out", chromedp.WaitVisible(css("#f-username")))
	}

	do("open the tab", chromedp.EmulateViewport(1280, 900))
	defer failOnConsoleErrors(t, ctx)()
	signIn("office")

	task := func(pb, row int, field string) string {
		return fmt.Sprintf(`#playbook-rows .playbook-row:nth-child(%d) .task-row:nth-child(%d) [name=%s]`, pb, row, field)
	}
	leader := "team:" + strconv.FormatInt(f.team.ID, 10) + ":leader"
	do("draft a plan",
		chromedp.Navigate(base+"/plans"),
		chromedp.WaitVisible(css(`a[href="/plans/new"]`)),
		chromedp.Click(css(`a[href="/plans/new"]`)),
		chromedp.WaitVisible(css("#f-title")),
		chromedp.SendKeys(css("#f-title"), "仓库停电专项应急预案"),
		chromedp.SendKeys(css("#f-title_en"), "Warehouse power cut plan"),
		chromedp.SetValue(css("#f-unit_id"), strconv.FormatInt(e.root.ID, 10)),
		chromedp.SendKeys(css("#f-code"), "ZX-09"),
		chromedp.Click(css(`details[data-section="purpose"] summary`)),
		chromedp.SendKeys(css(`textarea[name="content.purpose.text"]`), "保证停电时仓库继续发货。"),
		chromedp.SendKeys(css(`#playbook-rows .playbook-row:nth-child(1) [name=pb_title]`), "停电超过 8 小时"),
		chromedp.SendKeys(css(`#playbook-rows .playbook-row:nth-child(1) [name=pb_title_en]`), "Power cut over 8 h"),
		chromedp.SendKeys(css(task(1, 1, "task_title")), "启动备用发电机"),
		chromedp.SetValue(css(task(1, 1, "task_role")), leader),
		chromedp.SendKeys(css(task(1, 1, "task_limit")), "30"),
		// A second task row comes from the server.
		chromedp.Click(css(`#playbook-rows .playbook-row:nth-child(1) button[hx-get^="/plans/task-row"]`)),
		chromedp.WaitVisible(css(task(1, 2, "task_title"))),
		chromedp.SendKeys(css(task(1, 2, "task_step")), "2"),
		chromedp.SendKeys(css(task(1, 2, "task_title")), "通知受影响客户"),
		chromedp.SendKeys(css(task(1, 2, "task_label")), "客服主管"),
		chromedp.SendKeys(css(task(1, 2, "task_limit")), "120"),
		// So does a second playbook.
		chromedp.Click(css(`button[hx-get="/plans/playbook-row"]`)),
		chromedp.WaitVisible(css(`#playbook-rows .playbook-row:nth-child(2) [name=pb_title]`)),
		chromedp.SendKeys(css(`#playbook-rows .playbook-row:nth-child(2) [name=pb_title]`), "冷库温度超标"),
		chromedp.SendKeys(css(task(2, 1, "task_title")), "转移冷链货物"),
		chromedp.SendKeys(css(task(2, 1, "task_label")), "仓库值班长"),
	)
	shot("editor")
	do("save the draft",
		chromedp.Click(css(`form.plan-form button[type=submit]`)),
		chromedp.WaitVisible(css(`[data-action="submit"]`)),
	)
	want("draft", text("main"), "Plan created as a draft.", "Warehouse power cut plan", "Power cut over 8 h", "启动备用发电机",
		"Crisis committee Leader (Wang Wei)", "客服主管", "冷库温度超标", "Draft")
	plans, _, err := e.app.Plan.Plans(sys(), plan.Filter{Query: "ZX-09"})
	if err != nil || len(plans) != 1 {
		t.Fatalf("stored plans %+v %v", plans, err)
	}
	path := base + "/plans/" + strconv.FormatInt(plans[0].ID, 10)
	do("submit", chromedp.Click(css(`[data-action="submit"]`)), chromedp.WaitVisible(css(`[data-action="withdraw"]`)))
	want("submitted", text("main"), "Version 1 submitted for review.", "In review")
	shot("in-review")
	signOut()

	signIn("chair")
	do("approve",
		chromedp.Navigate(path),
		chromedp.WaitVisible(css(`[data-action="approve"]`)),
		chromedp.SendKeys(css("#f-comment"), "同意发布"),
		chromedp.Click(css(`[data-action="approve"]`)),
		chromedp.WaitVisible(css(`[data-verdict="approve"]`)),
	)
	want("approved", text("main"), "Version 1 is approved and can be published.", "同意发布", "Chair")
	signOut()

	signIn("office")
	do("publish",
		chromedp.Navigate(path),
		chromedp.WaitVisible(css(`[data-action="publish"]`)),
		chromedp.Click(css(`[data-action="publish"]`)),
		chromedp.WaitVisible(css(`[data-action="revise"]`)),
	)
	want("published", text("main"), "Version 1 published: it is now in force.", "Published", "2026-03-01")
	shot("published")

	// Download the documents as the browser would, with the session.
	for _, c := range []struct{ format, ctype string }{
		{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"pdf", "application/pdf"},
	} {
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`fetch(document.querySelector('[data-export=%s]').href)
			.then(r => r.arrayBuffer().then(b => [String(r.status), r.headers.get('content-type') || '', String(b.byteLength), r.headers.get('content-disposition') || '']))`, c.format),
			chromedp.EvalAwaitPromise))
		if err != nil || len(got) != 4 {
			t.Fatalf("download %s: %v %v", c.format, got, err)
		}
		size, _ := strconv.Atoi(got[2])
		if got[0] != "200" || got[1] != c.ctype || size < 2000 || !strings.Contains(got[3], "ZX-09-v1-en."+c.format) {
			t.Fatalf("download %s: status %s, type %q, %d bytes, %q", c.format, got[0], got[1], size, got[3])
		}
	}

	// In Chinese: switch in the top bar.
	do("switch to Chinese",
		chromedp.Click(css(`.topbar .lang-switch button[value="zh-CN"]`)),
		chromedp.WaitVisible(css(`html[lang="zh-CN"] [data-action="revise"]`)),
	)
	want("plan (zh)", text("main"), "仓库停电专项应急预案", "已发布", "处置措施", "危机管理委员会 组长（王伟）", "30 分钟", "启动修订", "审批记录")
	shot("published-zh")
	do("library (zh)", chromedp.Navigate(base+"/plans"), chromedp.WaitVisible(css(`#plan-results table`)))
	want("library (zh)", text("main"), "预案库", "仓库停电专项应急预案", "专项应急预案", "已发布")
	shot("library-zh")
	t.Logf("screenshots in %s", shotDir)
}

// TestPlanEditorKeepsContent opens the editor on a revision of each demo
// plan (teams, warning and response levels, and nine playbooks with
// triggers, activation, resources, messages and recovery targets the
// editor does not show) and saves it untouched in a real browser: each new
// draft must say exactly what the published version says.
func TestPlanEditorKeepsContent(t *testing.T) {
	requireBrowser(t)
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			e := newEnv(t, engine, app.Config{})
			login, _, err := demo.Load(sys(), e.app.Org, e.app.Identity, e.app.DB)
			if err != nil {
				t.Fatal(err)
			}
			plans, _, err := e.app.Plan.Plans(sys(), plan.Filter{Published: true})
			if err != nil || len(plans) < 2 {
				t.Fatalf("demo plans: %v %d", err, len(plans))
			}
			ctx := newBrowser(t, 120*time.Second)
			css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
			// The tab exists before the console is watched.
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(1280, 900)); err != nil {
				t.Fatal(err)
			}
			defer failOnConsoleErrors(t, ctx)()
			if err := chromedp.Do(ctx,
				chromedp.Navigate(e.srv.URL+"/login"),
				chromedp.WaitReady(css("body")),
				chromedp.WaitVisible(css("#f-username")),
				chromedp.SendKeys(css("#f-username"), login.Username),
				chromedp.SendKeys(css("#f-password"), login.Password),
				chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
				chromedp.WaitVisible(css(`a[href="/plans"]`)),
			); err != nil {
				url, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
				t.Fatalf("sign in: %v\n%s", err, url)
			}
			for _, p := range plans {
				if err := chromedp.Do(ctx,
					chromedp.Navigate(e.srv.URL+"/plans/"+strconv.FormatInt(p.ID, 10)),
					chromedp.WaitVisible(css(`[data-action="revise"]`)),
					chromedp.Click(css(`[data-action="revise"]`)),
					chromedp.WaitVisible(css(`form.plan-form`)),
					chromedp.Click(css(`form.plan-form button[type=submit]`)),
					chromedp.WaitVisible(css(`[data-action="submit"]`)),
				); err != nil {
					t.Fatalf("%s: %v", p.Code, err)
				}
				old, err := e.app.Plan.Version(sys(), p.ID, p.PublishedVersion)
				if err != nil {
					t.Fatal(err)
				}
				saved := e.latestVersion(p.ID)
				if saved.Number != old.Number+1 || saved.Status != plan.Draft {
					t.Fatalf("%s: saved version %d %s", p.Code, saved.Number, saved.Status)
				}
				a, _ := plan.MarshalContent(old.Content)
				b, _ := plan.MarshalContent(saved.Content)
				if a != b {
					d := plan.Compare(&old, &saved, plan.Names{})
					for _, part := range append(d.Sections, d.Playbooks...) {
						if part.Change != plan.Unchanged {
							t.Errorf("%s: %s %s changed: %+v", p.Code, part.Kind, part.Key, part.Lines)
						}
					}
					t.Fatalf("%s: saving the editor untouched changed the content", p.Code)
				}
			}
		})
	}
}

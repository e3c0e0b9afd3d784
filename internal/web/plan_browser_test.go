package web_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/continuo-bcm/continuo/internal/demo"
	"github.com/continuo-bcm/continuo/internal/plan"
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
	f := e.seedPlanFixture()
	s := newBrowserSession(t, e, "plan-")
	signIn := func(user string) { t.Helper(); s.signIn("/login", user, adminPassword, `a[href="/plans"]`) }
	signIn("office")

	task := func(pb, row int, field string) string {
		return fmt.Sprintf(`#playbook-rows .playbook-row:nth-child(%d) .task-row:nth-child(%d) [name=%s]`, pb, row, field)
	}
	leader := "team:" + strconv.FormatInt(f.team.ID, 10) + ":leader"
	s.open("/plans", `a[href="/plans/new"]`)
	s.do("draft a plan",
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
	s.shot("editor")
	s.do("save the draft",
		chromedp.Click(css(`form.plan-form button[type=submit]`)),
		chromedp.WaitVisible(css(`[data-action="submit"]`)),
	)
	s.want("draft", "main", "Plan created as a draft.", "Warehouse power cut plan", "Power cut over 8 h", "启动备用发电机",
		"Crisis committee Leader (Wang Wei)", "客服主管", "冷库温度超标", "Draft")
	plans, _, err := e.app.Plan.Plans(sys(), plan.Filter{Query: "ZX-09"})
	if err != nil || len(plans) != 1 {
		t.Fatalf("stored plans %+v %v", plans, err)
	}
	path := "/plans/" + strconv.FormatInt(plans[0].ID, 10)
	s.do("submit", chromedp.Click(css(`[data-action="submit"]`)), chromedp.WaitVisible(css(`[data-action="withdraw"]`)))
	s.want("submitted", "main", "Version 1 submitted for review.", "In review")
	s.shot("in-review")
	s.signOut()

	signIn("chair")
	s.open(path, `[data-action="approve"]`)
	s.do("approve",
		chromedp.SendKeys(css("#f-comment"), "同意发布"),
		chromedp.Click(css(`[data-action="approve"]`)),
		chromedp.WaitVisible(css(`[data-verdict="approve"]`)),
	)
	s.want("approved", "main", "Version 1 is approved and can be published.", "同意发布", "Chair")
	s.signOut()

	signIn("office")
	s.open(path, `[data-action="publish"]`)
	s.do("publish",
		chromedp.Click(css(`[data-action="publish"]`)),
		chromedp.WaitVisible(css(`[data-action="revise"]`)),
	)
	s.want("published", "main", "Version 1 published: it is now in force.", "Published", "2026-03-01")
	s.shot("published")

	// Download the documents as the browser would, with the session.
	for _, c := range []struct{ format, ctype string }{
		{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"pdf", "application/pdf"},
	} {
		got, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`fetch(document.querySelector('[data-export=%s]').href)
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
	s.toChinese(`[data-action="revise"]`)
	s.want("plan (zh)", "main", "仓库停电专项应急预案", "已发布", "处置措施", "危机管理委员会 组长（王伟）", "30 分钟", "启动修订", "审批记录")
	s.shot("published-zh")
	s.open("/plans", `#plan-results table`)
	s.want("library (zh)", "main", "预案库", "仓库停电专项应急预案", "专项应急预案", "已发布")
	s.shot("library-zh")
	t.Logf("screenshots in %s", s.dir)
}

// TestPlanEditorKeepsContent opens the editor on a revision of each demo
// plan (teams, warning and response levels, and nine playbooks with
// triggers, activation, resources, messages and recovery targets the
// editor does not show) and saves it untouched in a real browser: each new
// draft must say exactly what the published version says.
func TestPlanEditorKeepsContent(t *testing.T) {
	runBrowserTest(t, func(t *testing.T, e *env) {
		login, _, err := demo.Load(sys(), e.app.Org, e.app.Identity, e.app.DB)
		if err != nil {
			t.Fatal(err)
		}
		plans, _, err := e.app.Plan.Plans(sys(), plan.Filter{Published: true})
		if err != nil || len(plans) < 2 {
			t.Fatalf("demo plans: %v %d", err, len(plans))
		}
		s := newBrowserSession(t, e, "plan-keep-")
		s.signIn("/login", login.Username, login.Password, `a[href="/plans"]`)
		for _, p := range plans {
			s.open("/plans/"+strconv.FormatInt(p.ID, 10), `[data-action="revise"]`)
			s.do(p.Code+": revise and save untouched",
				chromedp.Click(css(`[data-action="revise"]`)),
				chromedp.WaitVisible(css(`form.plan-form`)),
				chromedp.Click(css(`form.plan-form button[type=submit]`)),
				chromedp.WaitVisible(css(`[data-action="submit"]`)),
			)
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

package web_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/continuo-bcm/continuo/internal/app"
	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/org"
	"github.com/continuo-bcm/continuo/internal/store/storetest"
)

// chromiumPath is Debian's chromium; CONTINUO_CHROMIUM overrides it.
func chromiumPath() string {
	if p := os.Getenv("CONTINUO_CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// TestBrowser drives the UI in a real browser against the real app: sign
// in, create a team, give it a member with ordered deputies (through the
// htmx person search and the row buttons), then read the contact list in
// English and, after switching the language in the UI, in Chinese. It
// takes screenshots at desktop and phone width into CONTINUO_SCREENSHOTS
// (or a temporary directory).
//
// A missing browser fails the test; CONTINUO_SKIP_BROWSER=1 skips it.
func TestBrowser(t *testing.T) {
	runBrowserTest(t, browserScenario)
}

// runBrowserTest runs a browser scenario against a fresh app on each
// storage engine under test. CONTINUO_SKIP_BROWSER=1 skips it; a missing
// Chromium fails it, so that CI never passes without the browser.
func runBrowserTest(t *testing.T, scenario func(t *testing.T, e *env)) {
	t.Helper()
	requireBrowser(t)
	for _, engine := range storetest.Engines() {
		t.Run(string(engine), func(t *testing.T) { scenario(t, newEnv(t, engine, app.Config{})) })
	}
}

// requireBrowser skips the test when CONTINUO_SKIP_BROWSER=1 and fails it
// when Chromium is missing.
func requireBrowser(t *testing.T) {
	t.Helper()
	if os.Getenv("CONTINUO_SKIP_BROWSER") == "1" {
		t.Skip("CONTINUO_SKIP_BROWSER=1 is set; unset it (and install chromium) to run the browser test")
	}
	if _, err := os.Stat(chromiumPath()); err != nil {
		t.Fatalf("chromium is needed for the browser test (%v); install it (apt-get install chromium), point CONTINUO_CHROMIUM at it, or set CONTINUO_SKIP_BROWSER=1", err)
	}
}

// pageText returns what the element sel shows, failing the test when it
// cannot be read.
func pageText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// wantShown fails the test unless text contains every one of wants.
func wantShown(t *testing.T, step, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s: the page does not show %q; it shows:\n%s", step, w, text)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
}

// pollTrue waits up to 10 s for the expression to become true in the page.
func pollTrue(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(10*time.Second))(ctx, tg)
		return err
	})
}

// screenshotDir is where a scenario saves its screenshots:
// CONTINUO_SCREENSHOTS/<prefix><test name> when that is set, else a
// temporary directory.
func screenshotDir(t *testing.T, prefix string) string {
	t.Helper()
	dir := os.Getenv("CONTINUO_SCREENSHOTS")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, prefix+filepath.Base(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newBrowser starts headless Chromium for one test, with the flags that
// keep it off the network, and returns its context, cancelled when the test
// ends or after timeout.
func newBrowser(t *testing.T, timeout time.Duration) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath()),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx, chromedp.WithErrorf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return ctx
}

// failOnConsoleErrors collects the console errors of the tab in ctx (a
// script failing, a CSP refusal) and returns a function that stops
// collecting and fails the test with each of them. A rejected form answers
// 422 on purpose and the browser logs it; that is not an error.
func failOnConsoleErrors(t *testing.T, ctx context.Context) func() {
	consoleCtx, stopConsole := context.WithCancel(ctx)
	var (
		consoleMu   sync.Mutex
		consoleErrs []string
		consoleDone = make(chan struct{})
	)
	go func() {
		defer close(consoleDone)
		for m, err := range chromedp.Console(consoleCtx) {
			if err != nil {
				return
			}
			if strings.Contains(m.Text, "status of 422") {
				continue
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException {
				consoleMu.Lock()
				consoleErrs = append(consoleErrs, fmt.Sprintf("%s %s:%d %s", m.Type, m.URL, m.Line, m.Text))
				consoleMu.Unlock()
			}
		}
	}()
	return func() {
		t.Helper()
		stopConsole()
		<-consoleDone
		consoleMu.Lock()
		defer consoleMu.Unlock()
		for _, m := range consoleErrs {
			t.Errorf("browser console: %s", m)
		}
	}
}

func browserScenario(t *testing.T, e *env) {
	shotDir := screenshotDir(t, "")
	e.seedUser("admin", authz.Admin)
	ops := e.seedUnit(e.root, "运营部", "Operations")
	it := e.seedUnit(e.root, "信息技术部", "IT")
	leader := e.seedPerson(it, "彭志刚", "Peng Zhigang", "+86 138 0000 0011")
	li := e.seedPerson(ops, "李娜", "Li Na", "+86 138 0000 0012")
	zhao := e.seedPerson(it, "赵强", "Zhao Qiang", "+86 138 0000 0013")
	for i := 0; i < 5; i++ {
		e.seedPerson(ops, fmt.Sprintf("员工%d", i), fmt.Sprintf("Staff %d", i), fmt.Sprintf("+86 139 0000 000%d", i))
	}

	ctx := newBrowser(t, 50*time.Second)

	base := e.srv.URL
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	do := func(step string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	n := 0
	// shot saves the page at desktop and at phone width.
	shot := func(name string) {
		t.Helper()
		n++
		for _, v := range []struct {
			suffix string
			vp     chromedp.Action[chromedp.Void]
		}{
			{"desktop", chromedp.EmulateViewport(1280, 900)},
			{"phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)},
		} {
			do("viewport "+v.suffix, v.vp)
			// A full-page shot of a scrolled page draws the sticky top bar
			// where the viewport was; shoot from the top.
			if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0), true`)); err != nil {
				t.Fatal(err)
			}
			buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
			if err != nil {
				t.Fatalf("screenshot %s: %v", name, err)
			}
			if err := os.WriteFile(filepath.Join(shotDir, fmt.Sprintf("%02d-%s-%s.png", n, name, v.suffix)), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		do("viewport", chromedp.EmulateViewport(1280, 900))
	}
	// text returns what an element shows.
	text := func(sel string) string { t.Helper(); return pageText(t, ctx, sel) }
	want := func(step, text string, wants ...string) { t.Helper(); wantShown(t, step, text, wants...) }
	poll := pollTrue

	// Every console error (a script failing, a CSP refusal) fails the test.
	do("open the tab")
	defer failOnConsoleErrors(t, ctx)()

	do("sign in",
		chromedp.EmulateViewport(1280, 900),
		chromedp.Navigate(base+"/teams"),
		chromedp.WaitVisible(css("#f-username")),
	)
	shot("login")
	do("sign in",
		chromedp.SendKeys(css("#f-username"), "admin"),
		chromedp.SendKeys(css("#f-password"), adminPassword),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(css(`a[href="/teams/new"]`)),
	)
	want("after sign-in (back on the page asked for)", text("main"), "Crisis teams", "Crisis management committee", "Special response team")

	do("create a team",
		chromedp.Click(css(`a[href="/teams/new"]`)),
		chromedp.WaitVisible(css("#f-name")),
		chromedp.SetValue(css("#f-kind"), string(org.TeamSpecial)),
		chromedp.SendKeys(css("#f-name"), "信息安全专项小组"),
		chromedp.SendKeys(css("#f-name_en"), "IT security team"),
		chromedp.SendKeys(css("#f-duties"), "处置网络安全事件"),
	)
	shot("team-form")
	do("create a team",
		chromedp.Click(css(`form.card button[type=submit]`)),
		chromedp.WaitVisible(css("#member-form")),
	)
	want("team page", text("main"), "IT security team", "Team created. Now add its members", "This team has no members yet.")

	do("add a member with two deputies",
		// The person search asks the server for matching people (htmx).
		chromedp.SendKeys(css(`#member-form .field.required .picker-search`), "Peng"),
		poll(`document.querySelectorAll('#f-person_id option').length === 2 && document.querySelector('#f-person_id option:last-child').textContent.includes('Peng Zhigang')`),
		chromedp.SetValue(css("#f-person_id"), idStr(leader.ID)),
		chromedp.SetValue(css("#f-role"), string(org.RoleLeader)),
		chromedp.SendKeys(css("#f-duty"), "总体协调"),
		// A second deputy row comes from the server too.
		chromedp.Click(css(`button[hx-get="/teams/deputy-row"]`)),
		chromedp.WaitVisible(css(`#deputy-rows li:nth-child(2) select[name=deputy]`)),
		chromedp.SetValue(css(`#deputy-rows li:nth-child(1) select[name=deputy]`), idStr(li.ID)),
		chromedp.SetValue(css(`#deputy-rows li:nth-child(2) select[name=deputy]`), idStr(zhao.ID)),
		// Zhao Qiang is to be called first: move him up.
		chromedp.Click(css(`#deputy-rows li:nth-child(2) [data-move-up]`)),
	)
	shot("member-form")
	do("add a member with two deputies",
		chromedp.Click(css(`#member-form form button[type=submit]`)),
		chromedp.WaitVisible(css(`#members table`)),
	)
	want("members table", text("#members"), "Peng Zhigang", "Leader", "总体协调", "Zhao Qiang", "Li Na")
	teams, err := e.app.Org.Teams(sys())
	if err != nil || len(teams) != 1 || len(teams[0].Members) != 1 {
		t.Fatalf("teams stored: %+v %v", teams, err)
	}
	if d := teams[0].Members[0].Deputies; len(d) != 2 || d[0] != zhao.ID || d[1] != li.ID {
		t.Fatalf("deputies stored %v, want [%d %d]", d, zhao.ID, li.ID)
	}
	shot("team")

	do("contact list in English",
		chromedp.Click(css(`.sidenav a[href="/contacts"]`)),
		chromedp.WaitVisible(css(`table.contact-list`)),
	)
	page := text("main")
	want("contact list (en)", page, "Emergency contact list", "IT security team", "Special response team", "Leader", "Peng Zhigang",
		"+86 138 0000 0011", "Zhao Qiang", "+86 138 0000 0013", "Li Na", "+86 138 0000 0012", "Internal — for emergency use only.")
	if strings.Index(page, "Zhao Qiang") > strings.Index(page, "Li Na") {
		t.Errorf("deputies out of order:\n%s", page)
	}
	shot("contacts-en")

	do("switch to Chinese in the top bar",
		chromedp.Click(css(`.topbar .lang-switch button[value="zh-CN"]`)),
		chromedp.WaitVisible(css(`html[lang="zh-CN"] table.contact-list`)),
	)
	want("contact list (zh)", text("main"), "应急联络一览表", "信息安全专项小组", "专项危机应对小组", "组长", "彭志刚", "赵强", "李娜",
		"+86 138 0000 0013", "内部资料，仅限应急使用", "代理人")
	shot("contacts-zh")

	// Printed (A4 is about 794 CSS pixels wide): the title, the time and the
	// confidentiality note head the page; navigation and buttons are gone.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	do("print view", chromedp.EmulateViewport(794, 1123))
	printed, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const shown = sel => getComputedStyle(document.querySelector(sel)).display !== 'none';
		return shown('.print-header') && !shown('.sidenav') && !shown('.topbar') && !shown('[data-print]') && shown('table.contact-list');
	})()`))
	if err != nil || !printed {
		t.Errorf("print layout: %v %v", printed, err)
	}
	if buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(shotDir, "06-contacts-zh-print.png"), buf, 0o644)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}
	do("screen view", chromedp.EmulateViewport(1280, 900))

	// The other pages, for looking at (and for failing on a broken page).
	for _, p := range []struct{ path, name, sel string }{
		{"/", "dashboard", ".stat"},
		{"/org", "org", "ul.tree"},
		{"/people", "people", "#people-results table"},
		{"/people/" + idStr(leader.ID), "person", ".kv"},
		{"/people/new", "person-form", "#contact-rows"},
		{"/teams", "teams", "table.data"},
		{"/audit", "audit", "table.audit"},
		{"/admin/users/new", "user-form", "#grant-rows"},
		{"/profile", "profile", "#tokens"},
		{"/soon/incidents", "soon", ".empty-area"},
	} {
		do(p.path, chromedp.Navigate(base+p.path), chromedp.WaitVisible(css(p.sel)))
		shot(p.name)
	}
	// A rejected form shows each error under its field, input kept.
	do("person form with mistakes",
		chromedp.Navigate(base+"/people/new"),
		chromedp.WaitVisible(css("#contact-rows")),
		chromedp.SendKeys(css("#f-name_en"), "Wang Fang"),
		chromedp.SendKeys(css(`#contact-rows input[name=contact_value]`), "call me"),
		chromedp.Click(css(`form.card button[type=submit]`)),
		chromedp.WaitVisible(css("#f-name-err")),
	)
	want("person form errors (the account now speaks Chinese)", text("main"), "此项为必填项。", "请输入有效的手机号码。", "请修正标出的字段。")
	shot("person-form-errors")

	// The live people search swaps the results in place.
	do("people search",
		chromedp.Navigate(base+"/people"),
		chromedp.WaitVisible(css("#people-q")),
		chromedp.SendKeys(css("#people-q"), "赵"),
		poll(`document.querySelectorAll('#people-results tbody tr').length === 1`),
	)
	want("people search", text("#people-results"), "赵强")
	t.Logf("screenshots in %s", shotDir)
}

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

// pollTrue waits up to 20 s for the expression to become true in the page.
func pollTrue(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))(ctx, tg)
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

// css selects the elements that match a CSS selector.
func css(sel string) chromedp.CSS { return chromedp.CSS(sel) }

// chartDrawn waits until the chart in the element sel has drawn itself.
func chartDrawn(sel string) chromedp.Action[chromedp.Void] {
	return pollTrue(fmt.Sprintf(`document.querySelector('%s[data-ready] canvas') !== null`, sel))
}

// browserSession is one browser tab on the app under test, with the steps
// every scenario takes: open a page and wait for it, sign in and out,
// switch the language, read what a page shows and save screenshots. A
// step that fails fails the test, naming the step.
type browserSession struct {
	t    *testing.T
	ctx  context.Context
	base string // the app's address
	// name tells apart the tabs of a scenario that drives several, in
	// failures and in the names of screenshots.
	name string
	// phone makes shot save each page at phone width too.
	phone bool
	dir   string // where screenshots go
	shots int    // screenshots taken, to number their files
}

// newBrowserSession opens a tab on e's app in a headless Chromium of its
// own, at desktop size. Screenshots go to screenshotDir(t, shotPrefix).
// Every error on the tab's console (a script failing, a CSP refusal)
// fails the test when it ends.
func newBrowserSession(t *testing.T, e *env, shotPrefix string) *browserSession {
	t.Helper()
	s := &browserSession{t: t, ctx: newBrowser(t, 150*time.Second), base: e.srv.URL, dir: screenshotDir(t, shotPrefix)}
	// The tab exists once something has run in it; its console can be
	// watched from then on, until the test ends (before the browser goes).
	s.do("open the tab", chromedp.EmulateViewport(1280, 900))
	t.Cleanup(failOnConsoleErrors(t, s.ctx))
	return s
}

// fatalf fails the test, naming the tab when the scenario has several.
func (s *browserSession) fatalf(format string, args ...any) {
	s.t.Helper()
	if s.name != "" {
		format = s.name + ": " + format
	}
	s.t.Fatalf(format, args...)
}

// do runs the actions of one step.
func (s *browserSession) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	s.t.Helper()
	if err := chromedp.Do(s.ctx, actions...); err != nil {
		s.fatalf("%s: %v", step, err)
	}
}

// eval runs a JavaScript expression that ends in true, for what it does
// to the page.
func (s *browserSession) eval(step, js string) {
	s.t.Helper()
	if _, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](js)); err != nil {
		s.fatalf("%s: %v", step, err)
	}
}

// until waits for a JavaScript condition: the page changes by itself.
func (s *browserSession) until(step, expr string) {
	s.t.Helper()
	s.do(step, pollTrue(expr))
}

// open loads path and waits until sel shows.
func (s *browserSession) open(path, sel string) {
	s.t.Helper()
	s.do("open "+path+" and wait for "+sel, chromedp.Navigate(s.base+path), chromedp.WaitVisible(css(sel)))
}

// signIn opens path signed out, signs in as user on the form the app shows
// instead, and waits for sel on the page it then returns to.
func (s *browserSession) signIn(path, user, password, sel string) {
	s.t.Helper()
	s.open(path, "#f-username")
	s.submitSignIn(user, password, sel)
}

// submitSignIn signs in as user on the sign-in form the page shows and
// waits for sel on the page the app returns to.
func (s *browserSession) submitSignIn(user, password, sel string) {
	s.t.Helper()
	err := chromedp.Do(s.ctx,
		chromedp.SendKeys(css("#f-username"), user),
		chromedp.SendKeys(css("#f-password"), password),
		chromedp.Click(css(`form[action="/login"] button[type=submit]`)),
		chromedp.WaitVisible(css(sel)),
	)
	if err != nil {
		where, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`location.href + "\n" + document.body.innerText`))
		s.fatalf("sign in as %s, then wait for %s: %v\n%s", user, sel, err, where)
	}
}

// signOut sends the sign-out form of the top bar and waits for the
// sign-in form.
func (s *browserSession) signOut() {
	s.t.Helper()
	s.eval("sign out", `document.querySelector('form[action="/logout"]').submit(), true`)
	s.do("signed out", chromedp.WaitVisible(css("#f-username")))
}

// toChinese switches the language in the top bar and waits until sel
// shows on the page in Chinese.
func (s *browserSession) toChinese(sel string) {
	s.t.Helper()
	s.do("switch to Chinese",
		chromedp.Click(css(`.topbar .lang-switch button[value="zh-CN"]`)),
		chromedp.WaitVisible(css(`html[lang="zh-CN"] `+sel)),
	)
}

// text returns what the element sel shows.
func (s *browserSession) text(sel string) string {
	s.t.Helper()
	return pageText(s.t, s.ctx, sel)
}

// want fails the test unless what the element sel shows contains every
// one of wants, and returns what it shows.
func (s *browserSession) want(step, sel string, wants ...string) string {
	s.t.Helper()
	got := s.text(sel)
	wantShown(s.t, step, got, wants...)
	return got
}

// shot saves the page as <n>-<name>.png, numbered in the order taken; with
// phone set, at desktop and at phone width (<n>-<name>-desktop.png and
// -phone.png).
func (s *browserSession) shot(name string) {
	s.t.Helper()
	s.shots++
	file := fmt.Sprintf("%02d-%s", s.shots, name)
	if s.name != "" {
		file = s.name + "-" + file
	}
	if !s.phone {
		s.save(file + ".png")
		return
	}
	for _, v := range []struct {
		suffix string
		vp     chromedp.Action[chromedp.Void]
	}{
		{"desktop", chromedp.EmulateViewport(1280, 900)},
		{"phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch)},
	} {
		s.do("viewport "+v.suffix, v.vp)
		// A full-page shot of a scrolled page draws the sticky top bar
		// where the viewport was; shoot from the top. Charts redraw 150 ms
		// after a resize: give them time before the picture.
		if _, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`window.scrollTo(0, 0),
			new Promise(r => document.querySelector('[_echarts_instance_]') ? setTimeout(() => r(true), 300) : r(true))`,
			chromedp.EvalAwaitPromise)); err != nil {
			s.fatalf("screenshot %s: %v", name, err)
		}
		s.save(file + "-" + v.suffix + ".png")
	}
	s.do("viewport", chromedp.EmulateViewport(1280, 900))
}

// save writes a full-page screenshot to file in the screenshot folder.
func (s *browserSession) save(file string) {
	s.t.Helper()
	buf, err := chromedp.Run(s.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		s.fatalf("screenshot %s: %v", file, err)
	}
	if err := os.WriteFile(filepath.Join(s.dir, file), buf, 0o644); err != nil {
		s.t.Fatal(err)
	}
}

func browserScenario(t *testing.T, e *env) {
	e.seedUser("admin", authz.Admin)
	ops := e.seedUnit(e.root, "运营部", "Operations")
	it := e.seedUnit(e.root, "信息技术部", "IT")
	leader := e.seedPerson(it, "彭志刚", "Peng Zhigang", "+86 138 0000 0011")
	li := e.seedPerson(ops, "李娜", "Li Na", "+86 138 0000 0012")
	zhao := e.seedPerson(it, "赵强", "Zhao Qiang", "+86 138 0000 0013")
	for i := 0; i < 5; i++ {
		e.seedPerson(ops, fmt.Sprintf("员工%d", i), fmt.Sprintf("Staff %d", i), fmt.Sprintf("+86 139 0000 000%d", i))
	}

	s := newBrowserSession(t, e, "")
	s.phone = true

	s.open("/teams", "#f-username")
	s.shot("login")
	s.submitSignIn("admin", adminPassword, `a[href="/teams/new"]`)
	s.want("after sign-in (back on the page asked for)", "main", "Crisis teams", "Crisis management committee", "Special response team")

	s.do("create a team",
		chromedp.Click(css(`a[href="/teams/new"]`)),
		chromedp.WaitVisible(css("#f-name")),
		chromedp.SetValue(css("#f-kind"), string(org.TeamSpecial)),
		chromedp.SendKeys(css("#f-name"), "信息安全专项小组"),
		chromedp.SendKeys(css("#f-name_en"), "IT security team"),
		chromedp.SendKeys(css("#f-duties"), "处置网络安全事件"),
	)
	s.shot("team-form")
	s.do("create a team",
		chromedp.Click(css(`form.card button[type=submit]`)),
		chromedp.WaitVisible(css("#member-form")),
	)
	s.want("team page", "main", "IT security team", "Team created. Now add its members", "This team has no members yet.")

	s.do("add a member with two deputies",
		// The person search asks the server for matching people (htmx).
		chromedp.SendKeys(css(`#member-form .field.required .picker-search`), "Peng"),
		pollTrue(`document.querySelectorAll('#f-person_id option').length === 2 && document.querySelector('#f-person_id option:last-child').textContent.includes('Peng Zhigang')`),
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
	s.shot("member-form")
	s.do("add a member with two deputies",
		chromedp.Click(css(`#member-form form button[type=submit]`)),
		chromedp.WaitVisible(css(`#members table`)),
	)
	s.want("members table", "#members", "Peng Zhigang", "Leader", "总体协调", "Zhao Qiang", "Li Na")
	teams, err := e.app.Org.Teams(sys())
	if err != nil || len(teams) != 1 || len(teams[0].Members) != 1 {
		t.Fatalf("teams stored: %+v %v", teams, err)
	}
	if d := teams[0].Members[0].Deputies; len(d) != 2 || d[0] != zhao.ID || d[1] != li.ID {
		t.Fatalf("deputies stored %v, want [%d %d]", d, zhao.ID, li.ID)
	}
	s.shot("team")

	s.do("contact list in English",
		chromedp.Click(css(`.sidenav a[href="/contacts"]`)),
		chromedp.WaitVisible(css(`table.contact-list`)),
	)
	page := s.want("contact list (en)", "main", "Emergency contact list", "IT security team", "Special response team", "Leader", "Peng Zhigang",
		"+86 138 0000 0011", "Zhao Qiang", "+86 138 0000 0013", "Li Na", "+86 138 0000 0012", "Internal — for emergency use only.")
	if strings.Index(page, "Zhao Qiang") > strings.Index(page, "Li Na") {
		t.Errorf("deputies out of order:\n%s", page)
	}
	s.shot("contacts-en")

	s.toChinese("table.contact-list")
	s.want("contact list (zh)", "main", "应急联络一览表", "信息安全专项小组", "专项危机应对小组", "组长", "彭志刚", "赵强", "李娜",
		"+86 138 0000 0013", "内部资料，仅限应急使用", "代理人")
	s.shot("contacts-zh")

	// Printed (A4 is about 794 CSS pixels wide): the title, the time and the
	// confidentiality note head the page; navigation and buttons are gone.
	if _, err := chromedp.Call(s.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	s.do("print view", chromedp.EmulateViewport(794, 1123))
	printed, err := chromedp.Run(s.ctx, chromedp.Evaluate[bool](`(() => {
		const shown = sel => getComputedStyle(document.querySelector(sel)).display !== 'none';
		return shown('.print-header') && !shown('.sidenav') && !shown('.topbar') && !shown('[data-print]') && shown('table.contact-list');
	})()`))
	if err != nil || !printed {
		t.Errorf("print layout: %v %v", printed, err)
	}
	s.save(fmt.Sprintf("%02d-contacts-zh-print.png", s.shots))
	if _, err := chromedp.Call(s.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{}); err != nil {
		t.Fatal(err)
	}
	s.do("screen view", chromedp.EmulateViewport(1280, 900))

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
		s.open(p.path, p.sel)
		s.shot(p.name)
	}
	// A rejected form shows each error under its field, input kept.
	s.open("/people/new", "#contact-rows")
	s.do("person form with mistakes",
		chromedp.SendKeys(css("#f-name_en"), "Wang Fang"),
		chromedp.SendKeys(css(`#contact-rows input[name=contact_value]`), "call me"),
		chromedp.Click(css(`form.card button[type=submit]`)),
		chromedp.WaitVisible(css("#f-name-err")),
	)
	s.want("person form errors (the account now speaks Chinese)", "main", "此项为必填项。", "请输入有效的手机号码。", "请修正标出的字段。")
	s.shot("person-form-errors")

	// The live people search swaps the results in place.
	s.open("/people", "#people-q")
	s.do("people search",
		chromedp.SendKeys(css("#people-q"), "赵"),
		pollTrue(`document.querySelectorAll('#people-results tbody tr').length === 1`),
	)
	s.want("people search", "#people-results", "赵强")
	t.Logf("screenshots in %s", s.dir)
}

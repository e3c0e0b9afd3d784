package web_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestWarningBrowser drives the warning pages in two real browsers: a
// department lead watches the board while the crisis office issues a
// warning through the form; the warning appears on the lead's board
// without a reload (Server-Sent Events); the lead acknowledges it with
// the measures taken, and the crisis office's open board shows the
// progress move. Screenshots go to CONTINUO_SCREENSHOTS when set.
//
// A missing browser fails the test; CONTINUO_SKIP_BROWSER=1 skips it.
func TestWarningBrowser(t *testing.T) {
	runBrowserTest(t, warningBrowserScenario)
}

// tab is one browser signed in as one user.
type tab struct {
	t    *testing.T
	ctx  context.Context
	name string
	dir  string
}

func (b *tab) do(step string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s: %s: %v", b.name, step, err)
	}
}

func (b *tab) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("%s: text of %s: %v", b.name, sel, err)
	}
	return s
}

// until waits for a JavaScript condition; the page changes by itself.
func (b *tab) until(step, expr string) {
	b.t.Helper()
	b.do(step, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(20*time.Second))(ctx, tg)
		return err
	}))
}

func (b *tab) shot(name string) {
	b.t.Helper()
	if b.dir == "" {
		return
	}
	buf, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.dir, b.name+"-"+name+".png"), buf, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

func warningBrowserScenario(t *testing.T, e *env) {
	f := newWarnFixture(t, e)
	dir := os.Getenv("CONTINUO_SCREENSHOTS")
	if dir != "" {
		dir = filepath.Join(dir, "warning-"+filepath.Base(t.Name()))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	base := e.srv.URL
	signIn := func(b *tab, user, path string) {
		b.do("sign in",
			chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(base+path),
			chromedp.WaitVisible(chromedp.CSS("#f-username")),
			chromedp.SendKeys(chromedp.CSS("#f-username"), user),
			chromedp.SendKeys(chromedp.CSS("#f-password"), adminPassword),
			chromedp.Click(chromedp.CSS(`form[action="/login"] button[type=submit]`)),
		)
	}
	lead := &tab{t: t, ctx: newBrowser(t, 150*time.Second), name: "lead", dir: dir}
	office := &tab{t: t, ctx: newBrowser(t, 150*time.Second), name: "office", dir: dir}
	lead.do("open the tab")
	office.do("open the tab")
	defer failOnConsoleErrors(t, lead.ctx)()
	defer failOnConsoleErrors(t, office.ctx)()

	// The lead watches the board: nothing is in force.
	signIn(lead, "lead", "/warnings")
	lead.do("board", chromedp.WaitVisible(chromedp.CSS("#warning-board .empty-area")))
	// The stream has delivered its first board (it replaces the markup).
	lead.until("stream connected", `document.querySelector('#warning-board [data-live]') !== null`)

	// The crisis office issues a warning to both departments.
	signIn(office, "admin", "/warnings/new")
	office.do("fill in the warning",
		chromedp.WaitVisible(chromedp.CSS("#f-title")),
		chromedp.SetValue(chromedp.CSS("#f-level"), "3"),
		chromedp.SetValue(chromedp.CSS("#f-category"), "Met"),
		chromedp.SendKeys(chromedp.CSS("#f-title"), "暴雨黄色预警"),
		chromedp.SendKeys(chromedp.CSS("#f-title_en"), "Rainstorm yellow warning"),
		chromedp.SendKeys(chromedp.CSS("#f-area"), "杭州枢纽"),
		chromedp.SendKeys(chromedp.CSS("#f-measures"), "转移低洼库位货物"),
		chromedp.Click(chromedp.CSS(`input[name="audience.unit_ids"][value="`+idStr(f.ops.ID)+`"]`)),
		chromedp.Click(chromedp.CSS(`input[name="audience.unit_ids"][value="`+idStr(f.cs.ID)+`"]`)),
	)
	office.shot("issue-form")
	office.do("issue", chromedp.Click(chromedp.CSS(`form[action="/warnings"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#acks")))
	if got := office.text("main"); !strings.Contains(got, "Rainstorm yellow warning") || !strings.Contains(got, "0 of 2 departments acknowledged") {
		t.Fatalf("warning page shows:\n%s", got)
	}

	// It appears on the lead's board without a reload.
	lead.until("warning on the board", `(() => { const c = document.querySelector('#warning-board [data-warning]');
		return c !== null && c.textContent.includes('Rainstorm yellow warning') && c.querySelector('[data-ack-progress="0/2"]') !== null; })()`)
	lead.shot("board")

	// The office watches its board while the lead acknowledges.
	office.do("board", chromedp.Navigate(base+"/warnings"), chromedp.WaitVisible(chromedp.CSS(`#warning-board [data-ack-progress="0/2"]`)))
	lead.do("open the warning",
		chromedp.Click(chromedp.CSS(`#warning-board [data-warning] h2 a`)),
		chromedp.WaitVisible(chromedp.CSS("#ack-form")),
		chromedp.SetValue(chromedp.CSS("#f-unit_id"), idStr(f.ops.ID)),
		chromedp.SendKeys(chromedp.CSS("#f-measures"), "已将B区低洼库位货物转移至二层"),
	)
	lead.shot("ack-form")
	lead.do("acknowledge",
		chromedp.Click(chromedp.CSS(`form[action$="/acks"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-ack-unit="`+idStr(f.ops.ID)+`"][data-acked="true"]`)),
	)
	if got := lead.text("#acks"); !strings.Contains(got, "1 of 2 departments acknowledged") || !strings.Contains(got, "已将B区低洼库位货物转移至二层") {
		t.Fatalf("acknowledgements show:\n%s", got)
	}
	office.until("progress on the office's board", `document.querySelector('#warning-board [data-ack-progress="1/2"]') !== null`)
	office.shot("board-progress")
}

package web_test

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// TestWarningBrowser drives the warning pages in two real browsers: a
// department lead watches the board while the crisis office issues a
// warning through the form; the warning appears on the lead's board
// without a reload (Server-Sent Events); the lead acknowledges it with
// the measures taken, and the crisis office's open board shows the
// progress move. Screenshots go to CONTINUO_SCREENSHOTS (or a temporary
// directory).
//
// A missing browser fails the test; CONTINUO_SKIP_BROWSER=1 skips it.
func TestWarningBrowser(t *testing.T) {
	runBrowserTest(t, warningBrowserScenario)
}

func warningBrowserScenario(t *testing.T, e *env) {
	f := newWarnFixture(t, e)
	lead := newBrowserSession(t, e, "warning-")
	lead.name = "lead"
	office := newBrowserSession(t, e, "warning-")
	office.name = "office"

	// The lead watches the board: nothing is in force.
	lead.signIn("/warnings", "lead", adminPassword, "#warning-board .empty-area")
	// The stream has delivered its first board (it replaces the markup).
	lead.until("stream connected", `document.querySelector('#warning-board [data-live]') !== null`)

	// The crisis office issues a warning to both departments.
	office.signIn("/warnings/new", "admin", adminPassword, "#f-title")
	office.do("fill in the warning",
		chromedp.SetValue(css("#f-level"), "3"),
		chromedp.SetValue(css("#f-category"), "Met"),
		chromedp.SendKeys(css("#f-title"), "暴雨黄色预警"),
		chromedp.SendKeys(css("#f-title_en"), "Rainstorm yellow warning"),
		chromedp.SendKeys(css("#f-area"), "杭州枢纽"),
		chromedp.SendKeys(css("#f-measures"), "转移低洼库位货物"),
		chromedp.Click(css(`input[name="audience.unit_ids"][value="`+idStr(f.ops.ID)+`"]`)),
		chromedp.Click(css(`input[name="audience.unit_ids"][value="`+idStr(f.cs.ID)+`"]`)),
	)
	office.shot("issue-form")
	office.do("issue", chromedp.Click(css(`form[action="/warnings"] button[type=submit]`)), chromedp.WaitVisible(css("#acks")))
	office.want("warning page", "main", "Rainstorm yellow warning", "0 of 2 departments acknowledged")

	// It appears on the lead's board without a reload.
	lead.until("warning on the board", `(() => { const c = document.querySelector('#warning-board [data-warning]');
		return c !== null && c.textContent.includes('Rainstorm yellow warning') && c.querySelector('[data-ack-progress="0/2"]') !== null; })()`)
	lead.shot("board")

	// The office watches its board while the lead acknowledges.
	office.open("/warnings", `#warning-board [data-ack-progress="0/2"]`)
	lead.do("open the warning",
		chromedp.Click(css(`#warning-board [data-warning] h2 a`)),
		chromedp.WaitVisible(css("#ack-form")),
		chromedp.SetValue(css("#f-unit_id"), idStr(f.ops.ID)),
		chromedp.SendKeys(css("#f-measures"), "已将B区低洼库位货物转移至二层"),
	)
	lead.shot("ack-form")
	lead.do("acknowledge",
		chromedp.Click(css(`form[action$="/acks"] button[type=submit]`)),
		chromedp.WaitVisible(css(`tr[data-ack-unit="`+idStr(f.ops.ID)+`"][data-acked="true"]`)),
	)
	lead.want("acknowledgements", "#acks", "1 of 2 departments acknowledged", "已将B区低洼库位货物转移至二层")
	office.until("progress on the office's board", `document.querySelector('#warning-board [data-ack-progress="1/2"]') !== null`)
	office.shot("board-progress")
}

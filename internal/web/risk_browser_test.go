package web_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
	"github.com/continuo-bcm/continuo/internal/risk"
)

// TestRiskBrowser drives the risk pages in a real browser: create a risk
// through the form, rate it on the assessment grid, find it in its
// heatmap cell (chart drawn, table counts), re-rate it and see it move to
// the other cell, first in English, then in Chinese after switching the
// language. Screenshots of the register, a risk and the heatmap go to
// CONTINUO_SCREENSHOTS (or a temporary directory).
//
// A missing browser fails the test; CONTINUO_SKIP_BROWSER=1 skips it.
func TestRiskBrowser(t *testing.T) {
	runBrowserTest(t, riskBrowserScenario)
}

func riskBrowserScenario(t *testing.T, e *env) {
	e.seedUser("admin", authz.Admin)
	ops := e.seedUnit(e.root, "运营部", "Operations")
	it := e.seedUnit(e.root, "信息技术部", "IT")
	owner := e.seedPerson(ops, "李娜", "Li Na", "+86 138 0000 0012")
	// Business processes the new risk would disrupt, among others the
	// picker must not list.
	var procs []bia.Process
	for _, n := range [][3]string{{"BP-07", "仓储管理", "Warehousing"}, {"BP-08", "干线运输", "Line haul"}, {"BP-09", "客户服务", "Customer service"}} {
		pr, err := e.app.BIA.SaveProcess(sys(), bia.Process{Code: n[0], Name: n[1], NameEn: n[2], UnitID: ops.ID})
		if err != nil {
			t.Fatal(err)
		}
		procs = append(procs, pr)
	}
	// A register to look at: other risks in other cells.
	for i, s := range []struct {
		title, en string
		c         risk.Category
		l, i      int
		res       bool
	}{
		{"勒索软件攻击", "Ransomware attack", risk.CyberSecurity, 3, 5, true},
		{"核心系统宕机", "Core system outage", risk.ITFailure, 3, 4, false},
		{"主要承运商停运", "Main carrier stops service", risk.SupplyChain, 2, 4, true},
		{"台风导致分拨中心停工", "Typhoon halts the hub", risk.NaturalDisaster, 3, 3, false},
		{"负面舆情发酵", "Negative press spreads", risk.PublicOpinion, 2, 3, false},
		{"叉车伤人", "Forklift injury", risk.SafetyAccident, 1, 4, false},
	} {
		unit := ops
		if i < 2 {
			unit = it
		}
		r := e.seedRisk(unit, s.title, s.en, s.c)
		e.rate(r, risk.Inherent, "5x5", s.l, s.i)
		if s.res {
			e.rate(r, risk.Residual, "5x5", s.l-1, s.i-1)
		}
	}

	s := newBrowserSession(t, e, "risk-")
	s.phone = true
	// cell reads the count of a heatmap cell from the table under the chart.
	cell := func(l, i int) string {
		t.Helper()
		n, err := chromedp.Run(s.ctx, chromedp.Evaluate[string](fmt.Sprintf(
			`document.querySelector('#risk-heat-table td[data-likelihood="%d"][data-impact="%d"]').getAttribute('data-count')`, l, i)))
		if err != nil {
			t.Fatalf("heatmap cell %d×%d: %v", l, i, err)
		}
		return n
	}
	// chartCount reads the count the drawn chart holds for a cell.
	chartCount := func(l, i int) int {
		t.Helper()
		v, err := chromedp.Run(s.ctx, chromedp.Evaluate[int](fmt.Sprintf(`(() => {
			const c = echarts.getInstanceByDom(document.getElementById('risk-heatmap-chart'));
			const d = c.getOption().series[0].data.find(x => x.value[0] === %d && x.value[1] === %d);
			return d ? d.value[2] : -1;
		})()`, i-1, l-1)))
		if err != nil {
			t.Fatalf("chart cell %d×%d: %v", l, i, err)
		}
		return v
	}

	s.signIn("/risks", "admin", adminPassword, `a[href="/risks/new"]`)
	s.want("register (en)", "main", "Risk register", "Ransomware attack", "Critical", "Cyber and information security")
	s.shot("register")

	// The live filter narrows the register without a page load.
	s.do("filter by category",
		// SetValue fires the change event the form listens to.
		chromedp.SetValue(css("#risk-category"), string(risk.SupplyChain)),
		pollTrue(`document.querySelectorAll('#risk-results tbody tr').length === 1 && !document.querySelector('.htmx-request')`),
	)
	s.want("filtered register", "#risk-results", "Main carrier stops service")

	s.open("/risks/new", "#f-title")
	s.do("create a risk",
		chromedp.SendKeys(css("#f-title"), "仓库内涝"),
		chromedp.SendKeys(css("#f-title_en"), "Warehouse flooding"),
		chromedp.SetValue(css("#f-category"), string(risk.NaturalDisaster)),
		chromedp.SetValue(css("#f-unit_id"), idStr(ops.ID)),
		chromedp.SetValue(css("#f-owner_id"), idStr(owner.ID)),
		chromedp.SendKeys(css("#f-cause"), "雨季暴雨，排水不畅"),
		chromedp.SendKeys(css(`#action-rows input[name=action_description]`), "加高防洪墙"),
		// A second action row comes from the server.
		chromedp.Click(css(`button[hx-get="/risks/action-row"]`)),
		chromedp.WaitVisible(css(`#action-rows .action-row:nth-child(2) input[name=action_description]`)),
		chromedp.SendKeys(css(`#action-rows .action-row:nth-child(2) input[name=action_description]`), "购置抽水泵"),
	)
	// The affected processes: type part of a name, click the match; type
	// a code and take the first match with Enter.
	warehousing := fmt.Sprintf(`[data-process-matches] option[value="p%d"]`, procs[0].ID)
	s.do("pick a process by name",
		chromedp.SendKeys(css("#f-process_q"), "wareh"),
		chromedp.WaitVisible(css(warehousing)),
		pollTrue(`document.querySelectorAll('[data-process-matches] option').length === 1`),
		chromedp.Click(css(warehousing)),
		chromedp.WaitVisible(css(fmt.Sprintf(`.process-chip input[name=process_ids][value="%d"]:checked`, procs[0].ID))),
		pollTrue(`document.querySelector('[data-process-matches]').hidden && document.getElementById('f-process_q').value === ''`),
	)
	s.do("pick a process by code",
		chromedp.SendKeys(css("#f-process_q"), "BP-08"),
		chromedp.WaitVisible(css(fmt.Sprintf(`[data-process-matches] option[value="p%d"]`, procs[1].ID))),
	)
	s.shot("process-search")
	s.do("take the first match",
		chromedp.SendKeys(css("#f-process_q"), kb.Enter),
		chromedp.WaitVisible(css(fmt.Sprintf(`.process-chip input[name=process_ids][value="%d"]`, procs[1].ID))),
		pollTrue(`document.querySelectorAll('.process-chip input[name=process_ids]:checked').length === 2 && location.pathname === '/risks/new'`),
	)
	s.want("process picker", ".process-chips", "BP-07 Warehousing", "BP-08 Line haul")
	s.shot("risk-form")
	s.do("create a risk",
		chromedp.Click(css(`form.risk-form button[type=submit]`)),
		chromedp.WaitVisible(css(`#assess`)),
	)
	s.want("risk page", "main", "Warehouse flooding", "Natural disaster", "Li Na", "加高防洪墙", "购置抽水泵", "Not assessed")
	s.want("risk page", "#risk-processes", "BP-07 Warehousing", "BP-08 Line haul")
	stored, _, err := e.app.Risk.Risks(sys(), risk.Filter{Query: "Warehouse"})
	if err != nil || len(stored) != 1 || len(stored[0].Actions) != 2 || len(stored[0].ProcessIDs) != 2 ||
		stored[0].ProcessIDs[0] != procs[0].ID || stored[0].ProcessIDs[1] != procs[1].ID {
		t.Fatalf("stored %+v %v", stored, err)
	}
	id := idStr(stored[0].ID)

	// Rate it on the grid: likely (4) × catastrophic (5), critical.
	s.do("rate inherent",
		chromedp.SetValue(css("#f-kind"), "inherent"),
		chromedp.SetValue(css("#f-matrix_id"), "5x5"),
		chromedp.Click(css(`#assess input[name=cell][value="5x5:4:5"]`)),
		pollTrue(`document.querySelector('#assess input[value="5x5:4:5"]').closest('td').classList.contains('picked')`),
		chromedp.Click(css(`#assess button[type=submit]`)),
		chromedp.WaitVisible(css(`#history table`)),
		chartDrawn("#risk-trend-chart"),
	)
	s.want("rated", "#ratings", "Critical", "20")
	s.shot("risk")

	heatmap := func() {
		t.Helper()
		s.open("/risks/heatmap?matrix=5x5&kind=inherent", "#risk-heat-table")
		s.do("draw the heatmap", chartDrawn("#risk-heatmap-chart"))
	}
	heatmap()
	if got := cell(4, 5); got != "1" {
		t.Fatalf("cell likely × catastrophic holds %s risks, want 1", got)
	}
	if got := chartCount(4, 5); got != 1 {
		t.Fatalf("the chart shows %d risks at likely × catastrophic, want 1", got)
	}
	s.shot("heatmap")
	// A click on the chart's cell opens the register filtered to it.
	xy, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]float64](`(() => {
		const el = document.getElementById('risk-heatmap-chart');
		el.scrollIntoView({block: 'center'});
		const p = echarts.getInstanceByDom(el).convertToPixel({seriesIndex: 0}, [4, 3]);
		const r = el.getBoundingClientRect();
		return [r.left + p[0], r.top + p[1]];
	})()`))
	if err != nil || len(xy) != 2 {
		t.Fatalf("chart cell position: %v %v", xy, err)
	}
	s.do("click through the chart",
		chromedp.MouseClickXY(xy[0], xy[1]),
		chromedp.WaitVisible(css(`.risk-cell-filter`)),
	)
	s.want("cell register", "#risk-results", "Warehouse flooding", "Likelihood Likely", "Impact Catastrophic")
	if got := s.text("#risk-results tbody"); strings.Contains(got, "Ransomware") {
		t.Errorf("the cell's register lists other risks:\n%s", got)
	}
	// The table's cell links to the same place.
	s.open("/risks/heatmap?matrix=5x5&kind=inherent", "#risk-heat-table")
	s.do("click through the table",
		chromedp.Click(css(`#risk-heat-table td[data-likelihood="3"][data-impact="5"] a`)),
		chromedp.WaitVisible(css(`.risk-cell-filter`)),
	)
	s.want("cell register (table)", "#risk-results", "Ransomware attack", "Likelihood Possible", "Impact Catastrophic")

	// Re-rate it (controls found weak: rated again) at unlikely (2) × minor (2).
	s.open("/risks/"+id+"#assess", "#assess")
	s.do("re-rate",
		chromedp.SetValue(css("#f-kind"), "inherent"),
		chromedp.Click(css(`#assess input[name=cell][value="5x5:2:2"]`)),
		chromedp.Click(css(`#assess button[type=submit]`)),
		chromedp.WaitVisible(css(`#history tbody tr:nth-child(2)`)),
	)
	heatmap()
	if a, b := cell(4, 5), cell(2, 2); a != "0" || b != "1" {
		t.Fatalf("after re-rating: likely × catastrophic %s, unlikely × minor %s; want 0 and 1", a, b)
	}
	if a, b := chartCount(4, 5), chartCount(2, 2); a != 0 || b != 1 {
		t.Fatalf("chart after re-rating: %d and %d; want 0 and 1", a, b)
	}

	// In Chinese: switch in the top bar, rate once more and see it move.
	s.toChinese("#risk-heat-table")
	s.want("heatmap (zh)", "main", "风险热力图", "固有风险", "可能性", "影响程度", "各单位重点风险", "运营部", "仓库内涝")
	s.open("/risks/"+id, "#assess")
	s.do("re-rate in Chinese",
		chromedp.SetValue(css("#f-kind"), "inherent"),
		chromedp.Click(css(`#assess input[name=cell][value="5x5:5:3"]`)),
		chromedp.Click(css(`#assess button[type=submit]`)),
		chromedp.WaitVisible(css(`#history tbody tr:nth-child(3)`)),
	)
	s.want("risk (zh)", "main", "评估历史", "固有风险", "重大", "低", "评估已记录")
	s.shot("risk-zh")
	heatmap()
	if a, b := cell(2, 2), cell(5, 3); a != "0" || b != "1" {
		t.Fatalf("after re-rating in Chinese: unlikely × minor %s, almost certain × moderate %s; want 0 and 1", a, b)
	}
	s.shot("heatmap-zh")

	// The residual view and the register in Chinese.
	s.do("residual heatmap",
		chromedp.Click(css(`.segmented input[value="residual"]`)),
		chromedp.WaitVisible(css(`#heatmap[data-kind="residual"]`)),
	)
	if got := cell(2, 4); got != "1" {
		t.Errorf("residual cell 2×4 holds %s, want 1 (ransomware)", got)
	}
	s.open("/risks", "#risk-results table")
	s.want("register (zh)", "main", "风险登记册", "仓库内涝", "自然灾害", "重大")
	s.shot("register-zh")
	t.Logf("screenshots in %s", s.dir)
}

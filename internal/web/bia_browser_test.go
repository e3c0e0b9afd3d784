package web_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/continuo-bcm/continuo/internal/authz"
	"github.com/continuo-bcm/continuo/internal/bia"
)

// TestBIABrowser drives the BIA pages in a real browser on the demo data:
// edit a process through its form (an RTO beyond the MTPD refused next to
// the field, then a good one stored and shown with the impact chart),
// then open the dependency graph, pick the WMS on the chart and see the
// processes its loss takes down highlighted on the graph and listed in
// the panel; finally the same in Chinese. Screenshots go to
// CONTINUO_SCREENSHOTS (or a temporary directory).
//
// A missing browser fails the test; CONTINUO_SKIP_BROWSER=1 skips it.
func TestBIABrowser(t *testing.T) {
	runBrowserTest(t, biaBrowserScenario)
}

func biaBrowserScenario(t *testing.T, e *env) {
	d := e.loadBIADemo()
	e.seedUser("biaadmin", authz.Admin)
	picking, wms := d.procs["BP-03"], d.res["APP-WMS"]
	wmsRef := bia.ResourceRef(wms.ID)

	s := newBrowserSession(t, e, "bia-")
	clear := func(sel string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Evaluate[bool](fmt.Sprintf(`(document.querySelector(%q).value = "", true)`, sel))(ctx, tg)
			return err
		})
	}

	s.signIn("/bia", "biaadmin", adminPassword, `#bia-results table`)
	s.want("process list (en)", "main", "Business processes", "Warehouse picking", "Gap: needs 1d")
	s.shot("processes")

	// The live filter narrows the list without a page load.
	s.do("filter important",
		chromedp.Click(css("#bia-important")),
		pollTrue(`document.querySelectorAll('#bia-results tbody tr').length === 9 && !document.querySelector('.htmx-request')`),
	)

	// Edit picking: an RTO beyond the MTPD derived from the impacts (1 d)
	// is refused next to the field; the form keeps what was typed.
	s.open("/bia/processes/"+idStr(picking.ID)+"/edit", "#f-rto_minutes")
	s.do("edit with a bad RTO",
		clear("#f-rto_minutes"),
		chromedp.SendKeys(css("#f-rto_minutes"), "2d"),
		chromedp.SetValue(css(`select[name="impact_safety_10080"]`), "2"),
		chromedp.Click(css(`form.bia-process-form button[type=submit]`)),
		chromedp.WaitVisible(css("#f-rto_minutes-err")),
	)
	s.want("RTO error", "#f-rto_minutes-err", "must not be greater than the MTPD (1d); RTO is 2d")
	s.shot("process-form-error")
	if p := e.process(picking.ID); *p.RTOMinutes != *picking.RTOMinutes {
		t.Fatalf("a refused RTO was stored: %d", *p.RTOMinutes)
	}
	s.do("edit with a good RTO",
		pollTrue(`document.querySelector('select[name="impact_safety_10080"]').value === "2"`),
		clear("#f-rto_minutes"),
		chromedp.SendKeys(css("#f-rto_minutes"), "6h"),
		clear("#f-mbco"),
		chromedp.SendKeys(css("#f-mbco"), "纸质拣货单处理 50% 订单"),
		chromedp.Click(css(`form.bia-process-form button[type=submit]`)),
		chromedp.WaitVisible(css("#objectives")),
		chartDrawn("#bia-impact-chart"),
	)
	s.want("process page", "main", "Saved.", "6h", "纸质拣货单处理 50% 订单", "Jiading data centre")
	if got := s.text("[data-rto]"); got != "6h" {
		t.Errorf("RTO shown %q", got)
	}
	p := e.process(picking.ID)
	if *p.RTOMinutes != 360 || p.MBCO != "纸质拣货单处理 50% 订单" {
		t.Fatalf("stored RTO %d, MBCO %q", *p.RTOMinutes, p.MBCO)
	}
	safety := false
	for _, ip := range p.Impacts {
		safety = safety || ip.Category == bia.Safety && ip.AfterMinutes == 10080 && ip.Level == 2
	}
	if !safety {
		t.Errorf("the safety rating at 1w was not stored: %+v", p.Impacts)
	}
	s.shot("process")

	// The graph: pick the WMS on the chart.
	graph := func() {
		t.Helper()
		s.open("/bia/graph", "#bia-graph-chart")
		s.do("draw the graph", chartDrawn("#bia-graph-chart"))
	}
	graph()
	// picked waits for the panel and the chart to show the loss of ref.
	picked := func(ref string, timeout time.Duration) error {
		return chromedp.Do(s.ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := chromedp.Poll[bool](fmt.Sprintf(`document.querySelector('#bia-impact [data-failed=%q]') !== null &&
				document.getElementById('bia-graph-chart').getAttribute('data-highlighted') === %q`, ref, ref),
				chromedp.WithPollingTimeout(timeout))(ctx, tg)
			return err
		}))
	}
	clickNode := func(ref string) {
		t.Helper()
		// The force layout may still settle after the first frames: click
		// where the node is now, and again if that was too early.
		for try := 1; ; try++ {
			xy, err := chromedp.Run(s.ctx, chromedp.Evaluate[[]float64](fmt.Sprintf(`(() => {
				const el = document.getElementById('bia-graph-chart');
				el.scrollIntoView({block: 'center'});
				const c = echarts.getInstanceByDom(el);
				const i = c.getOption().series[0].data.findIndex(n => n.id === %q);
				const lay = c.getModel().getSeriesByIndex(0).getData().getItemLayout(i);
				const p = c.convertToPixel({seriesIndex: 0}, lay);
				const r = el.getBoundingClientRect();
				return [r.left + p[0], r.top + p[1]];
			})()`, ref)))
			if err != nil || len(xy) != 2 {
				t.Fatalf("position of %s on the graph: %v %v", ref, xy, err)
			}
			s.do("click "+ref, chromedp.MouseClickXY(xy[0], xy[1]))
			err = picked(ref, 4*time.Second)
			if err == nil {
				return
			}
			if try == 3 {
				got, _ := chromedp.Run(s.ctx, chromedp.Evaluate[string](`(document.querySelector('#bia-impact [data-failed]') || {getAttribute: () => 'nothing'}).getAttribute('data-failed')`))
				t.Fatalf("clicking %s at %v picked %s: %v", ref, xy, got, err)
			}
		}
	}
	clickNode(wmsRef)
	s.want("impact panel", "#bia-impact", "Loss of APP-WMS", "BP-03 Warehouse picking", "BP-06 Last-mile delivery", "Recovery order")
	// The highlighted set on the chart is what the analysis says.
	marked := func() map[string]string {
		t.Helper()
		m, err := chromedp.Run(s.ctx, chromedp.Evaluate[map[string]string](`(() => {
			const c = echarts.getInstanceByDom(document.getElementById('bia-graph-chart'));
			const out = {};
			for (const n of c.getOption().series[0].data) {
				out[n.id] = n.impact + (n.impact === '' && n.itemStyle && n.itemStyle.opacity < 1 ? 'faded' : '');
			}
			return out;
		})()`))
		if err != nil {
			t.Fatalf("chart marks: %v", err)
		}
		return m
	}
	rep, err := e.app.BIA.Impact(sys(), []string{wmsRef}, true)
	if err != nil {
		t.Fatal(err)
	}
	m := marked()
	down := map[string]bool{}
	for _, a := range rep.Affected {
		down[a.Ref] = true
		wantMark := "affected"
		if a.Failed {
			wantMark = "failed"
		}
		if m[a.Ref] != wantMark {
			t.Errorf("%s (%s) is marked %q on the graph, want %q", a.Ref, a.Name, m[a.Ref], wantMark)
		}
	}
	for ref, mark := range m {
		if !down[ref] && mark != "faded" {
			t.Errorf("%s is not taken down but is marked %q", ref, mark)
		}
	}
	if m[bia.ProcessRef(picking.ID)] != "affected" || m[bia.ProcessRef(d.procs["BP-01"].ID)] != "faded" {
		t.Errorf("picking %q, order intake %q", m[bia.ProcessRef(picking.ID)], m[bia.ProcessRef(d.procs["BP-01"].ID)])
	}
	s.shot("graph-wms")

	// Picking another node from the list moves the highlight.
	oms := bia.ResourceRef(d.res["APP-OMS"].ID)
	s.do("pick the OMS from the list",
		chromedp.SetValue(css("#bia-node"), oms),
	)
	if err := picked(oms, 10*time.Second); err != nil {
		t.Fatalf("picking the OMS from the list: %v", err)
	}
	if m := marked(); m[oms] != "failed" || m[bia.ProcessRef(d.procs["BP-01"].ID)] != "affected" || m[bia.ProcessRef(d.procs["BP-02"].ID)] != "faded" {
		t.Errorf("after picking the OMS: OMS %q, order intake %q, receiving %q", m[oms], m[bia.ProcessRef(d.procs["BP-01"].ID)], m[bia.ProcessRef(d.procs["BP-02"].ID)])
	}

	// The picker lists what matches the text typed: search for the TMS by
	// code, then pick it.
	tms := bia.ResourceRef(d.res["APP-TMS"].ID)
	s.do("search the TMS in the picker",
		chromedp.SendKeys(css(`#bia-pick-form input[name="node_q"]`), "app-tms"),
		pollTrue(fmt.Sprintf(`(() => { const o = [...document.querySelectorAll('#bia-node option')].map(o => o.value).filter(v => v !== '');
			return o.length === 1 && o[0] === %q && document.getElementById('bia-node').value === %q; })()`, tms, tms)),
		chromedp.SetValue(css("#bia-node"), tms),
	)
	if err := picked(tms, 10*time.Second); err != nil {
		t.Fatalf("picking the TMS found by the search: %v", err)
	}
	s.want("impact panel (TMS)", "#bia-impact", "Loss of APP-TMS")
	s.shot("graph-search")

	// The dependency form: the resource is found by typing its code.
	payroll := d.procs["BP-09"]
	hq := bia.ResourceRef(d.res["SITE-HQ"].ID)
	s.open("/bia/dependencies/new?from="+bia.ProcessRef(payroll.ID), `input[name="to_q"]`)
	s.do("add a dependency found by search",
		chromedp.SendKeys(css(`input[name="to_q"]`), "site-hq"),
		pollTrue(fmt.Sprintf(`document.getElementById('f-to').value === %q`, hq)),
		chromedp.Click(css(`form.bia-dependency-form button[type=submit]`)),
		chromedp.WaitVisible(css("#objectives")),
	)
	deps, err := e.app.BIA.Dependencies(sys(), bia.ProcessRef(payroll.ID))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(deps, func(x bia.Dependency) bool { return x.From == bia.ProcessRef(payroll.ID) && x.To == hq }) {
		t.Errorf("payroll's dependencies after the form: %+v", deps)
	}
	graph()

	// In Chinese.
	s.toChinese("#bia-graph-chart")
	s.do("draw the graph (zh)", chartDrawn("#bia-graph-chart"))
	clickNode(wmsRef)
	s.want("impact panel (zh)", "#bia-impact", "失效", "仓内拣货", "恢复顺序")
	s.shot("graph-zh")
	s.open("/bia/analysis", "#spof")
	s.want("analysis (zh)", "main", "RTO 差距", "单点故障", "嘉定数据中心")
	s.shot("analysis-zh")
	t.Logf("screenshots in %s", s.dir)
}

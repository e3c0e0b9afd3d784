// Continuo — the warning pages (internal/web/warning_*.go). Every page
// works without it; with it, [data-indicator-chart="#json"] draws an
// indicator's recent observations with one line per threshold (ECharts).
// The data comes from a <script type="application/json"> block: the CSP
// allows no inline script.
(function () {
	"use strict";

	var charts = [];

	function readJSON(sel) {
		var el = document.querySelector(sel);
		if (!el) {
			return null;
		}
		try {
			return JSON.parse(el.textContent);
		} catch (e) {
			return null;
		}
	}

	function draw(el) {
		var d = readJSON(el.getAttribute("data-indicator-chart"));
		if (!d || typeof echarts === "undefined") {
			return;
		}
		var points = (d.points || []).map(function (p) { return [p[0], p[1]]; });
		var lines = (d.thresholds || []).map(function (t) {
			return {
				yAxis: t.value,
				name: t.label,
				lineStyle: { color: t.color, type: "dashed", width: 2 },
				label: { formatter: t.label + " " + t.value, color: t.color, position: "insideEndTop" }
			};
		});
		var agg = (d.values || []).map(function (p) { return [p[0], p[1]]; });
		var values = points.concat(agg).map(function (p) { return p[1]; }).concat((d.thresholds || []).map(function (t) { return t.value; }));
		var lo = Math.min.apply(null, values.length ? values : [0]);
		var hi = Math.max.apply(null, values.length ? values : [1]);
		// Round the axis to a step of the data's size, so that the lines
		// of every threshold are in view.
		var step = Math.pow(10, Math.floor(Math.log10((hi - lo) || Math.abs(hi) || 1)));
		lo = Math.floor(lo / step) * step;
		hi = Math.ceil(hi / step) * step;
		if (lo === hi) {
			hi = lo + step;
		}
		var marks = { symbol: "none", silent: true, data: lines };
		var series = [{
			name: d.value_label,
			type: "line",
			showSymbol: points.length < 80,
			lineStyle: agg.length ? { color: "#8a96a3", width: 1 } : { color: "#1c2430", width: 2 },
			itemStyle: { color: agg.length ? "#8a96a3" : "#1c2430" },
			data: points,
			markLine: agg.length ? undefined : marks
		}];
		if (agg.length) {
			series.push({
				name: d.agg_label,
				type: "line",
				showSymbol: agg.length < 80,
				lineStyle: { color: "#1c2430", width: 2 },
				itemStyle: { color: "#1c2430" },
				data: agg,
				markLine: marks
			});
		}
		var chart = echarts.init(el, null, { renderer: "canvas" });
		chart.setOption({
			animation: false,
			textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
			tooltip: { trigger: "axis" },
			grid: { left: 56, right: 96, top: 40, bottom: 40 },
			xAxis: { type: "time", axisLabel: { hideOverlap: true } },
			legend: agg.length ? { top: 0, data: [d.value_label, d.agg_label] } : undefined,
			yAxis: { type: "value", name: d.measure || "", min: lo, max: hi },
			title: points.length ? undefined : { text: d.empty, left: "center", top: "middle", textStyle: { color: "#5e6b7a", fontSize: 14, fontWeight: "normal" } },
			series: series
		});
		charts.push(chart);
	}

	function init() {
		document.querySelectorAll("[data-indicator-chart]").forEach(draw);
	}

	window.addEventListener("resize", function () {
		charts.forEach(function (c) { c.resize(); });
	});
	if (document.readyState === "loading") {
		document.addEventListener("DOMContentLoaded", init);
	} else {
		init();
	}
})();

// Continuo — the business impact analysis pages (internal/web/bia_*.go).
// Every page works without it; with it:
//  1. [data-bia-curve="#json"] draws the impact of a disruption over time,
//     one line per category (ECharts), with the intolerable level and the
//     MTPD marked.
//  2. [data-bia-graph="#json"] draws the dependency graph; picking a node
//     (a click, or the node list) loads what its loss takes down into
//     #bia-impact and highlights that set on the graph.
//  3. [data-check-all] / [data-check-important] tick the processes of the
//     campaign form.
//  4. A node picker ([data-bia-picker], refilled by htmx as the user types)
//     set back to its empty choice clears its search box.
// The data comes from <script type="application/json"> blocks: the CSP
// allows no inline script.
(function () {
	"use strict";

	var charts = [];
	var graph = null; // {chart, data}

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

	function font() {
		return getComputedStyle(document.body).fontFamily;
	}

	var palette = ["#1f5fa8", "#c62828", "#ef6c00", "#6a1b9a", "#00897b", "#5d4037"];

	function curve(el) {
		var d = readJSON(el.getAttribute("data-bia-curve"));
		if (!d || typeof echarts === "undefined") {
			return;
		}
		var chart = echarts.init(el, null, { renderer: "canvas" });
		var series = d.series.map(function (s, i) {
			return {
				name: s.name, type: "line", data: s.data, connectNulls: true, symbolSize: 8,
				lineStyle: { width: 2, color: palette[i % palette.length] }, itemStyle: { color: palette[i % palette.length] }
			};
		});
		if (series.length > 0) {
			series[0].markLine = {
				silent: true, symbol: "none", label: { formatter: "{b}", position: "insideEndTop" },
				data: [{ name: d.levels[d.intolerable - 1], yAxis: d.intolerable, lineStyle: { color: "#c62828", type: "dashed" } }]
			};
			if (d.mtpd_index >= 0) {
				series[0].markLine.data.push({ name: d.mtpd_label, xAxis: d.mtpd_index, lineStyle: { color: "#1c2430", type: "dotted" } });
			}
		}
		chart.setOption({
			animation: false,
			textStyle: { fontFamily: font() },
			tooltip: {
				trigger: "axis",
				valueFormatter: function (v) { return v == null ? "—" : v + " " + (d.levels[v - 1] || ""); }
			},
			legend: { top: 0, type: "scroll" },
			grid: { left: 56, right: 24, top: 48, bottom: 40 },
			xAxis: { type: "category", data: d.times, name: d.time_label, nameLocation: "middle", nameGap: 28, boundaryGap: false },
			yAxis: {
				type: "value", min: 1, max: 5, interval: 1, name: d.level_label,
				axisLabel: { formatter: function (v) { return v + " " + (d.levels[v - 1] || ""); } }
			},
			series: series
		});
		charts.push(chart);
	}

	var kindColors = ["#1f5fa8", "#00897b", "#6a1b9a", "#ef6c00", "#5d4037", "#546e7a", "#ad1457"];

	function drawGraph(el) {
		var d = readJSON(el.getAttribute("data-bia-graph"));
		if (!d || typeof echarts === "undefined") {
			return;
		}
		var chart = echarts.init(el, null, { renderer: "canvas" });
		// Start from a circle by kind rather than at random, so that the
		// graph comes out the same on every visit.
		var count = d.nodes.length || 1;
		var nodes = d.nodes.map(function (n, i) {
			var a = 2 * Math.PI * i / count;
			return {
				id: n.id, name: n.name, category: n.category, detail: n.detail, kind: n.kind,
				x: 300 + 250 * Math.cos(a), y: 300 + 250 * Math.sin(a),
				symbolSize: n.kind === "process" ? (n.important ? 26 : 20) : 14,
				symbol: n.kind === "process" ? "circle" : "roundRect",
				impact: ""
			};
		});
		var links = d.links.map(function (l) {
			return {
				source: l.source, target: l.target, type: l.type, alternative: !!l.alternative,
				lineStyle: l.alternative ? { type: "dashed", opacity: 0.6 } : { opacity: 0.7 }
			};
		});
		chart.setOption({
			animation: false,
			textStyle: { fontFamily: font() },
			color: kindColors,
			legend: { top: 0, type: "scroll", data: d.categories },
			tooltip: {
				formatter: function (p) {
					if (p.dataType === "edge") {
						return echarts.format.encodeHTML(p.data.type);
					}
					return echarts.format.encodeHTML(p.data.name) + "<br>" + echarts.format.encodeHTML(d.categories[p.data.category] + " · " + p.data.detail);
				}
			},
			series: [{
				type: "graph", layout: "force", roam: true, draggable: true,
				force: { repulsion: 200, edgeLength: [50, 110], gravity: 0.12, layoutAnimation: false },
				categories: d.categories.map(function (c) { return { name: c }; }),
				data: nodes, links: links,
				edgeSymbol: ["none", "arrow"], edgeSymbolSize: 6,
				label: { show: true, position: "right", fontSize: 10, formatter: function (p) { return p.data.name.length > 14 ? p.data.name.slice(0, 13) + "…" : p.data.name; } },
				labelLayout: { hideOverlap: true },
				emphasis: { focus: "adjacency" }
			}]
		});
		charts.push(chart);
		graph = { chart: chart, nodes: nodes, links: links };
		el.setAttribute("data-ready", "");
		chart.on("click", function (p) {
			if (p.dataType === "node") {
				pick(p.data.id, p.data.name);
			}
		});
		highlightFrom(document.getElementById("bia-impact"));
	}

	// highlight marks the lost node, what it takes down, and fades the rest.
	function highlight(failed, affected) {
		if (!graph) {
			return;
		}
		var down = {};
		affected.forEach(function (r) { down[r] = true; });
		var any = affected.length > 0;
		graph.nodes.forEach(function (n) {
			if (n.id === failed) {
				n.impact = "failed";
				n.itemStyle = { color: "#1c2430", borderColor: "#c62828", borderWidth: 3, opacity: 1 };
			} else if (down[n.id]) {
				n.impact = "affected";
				n.itemStyle = { color: "#d32f2f", borderColor: "#7f0000", borderWidth: 1, opacity: 1 };
			} else {
				n.impact = "";
				n.itemStyle = any ? { opacity: 0.25 } : {};
			}
			n.label = any && !down[n.id] ? { opacity: 0.35 } : {};
		});
		graph.links.forEach(function (l) {
			var hit = down[l.source] && down[l.target];
			l.lineStyle = hit ? { color: "#d32f2f", width: 2, opacity: 1, type: l.alternative ? "dashed" : "solid" }
				: { opacity: any ? 0.15 : 0.7, type: l.alternative ? "dashed" : "solid" };
		});
		graph.chart.setOption({ series: [{ data: graph.nodes, links: graph.links }] });
		graph.chart.getDom().setAttribute("data-highlighted", failed);
	}

	function highlightFrom(panel) {
		var el = panel && panel.querySelector("[data-affected]");
		if (!el) {
			return;
		}
		var refs = (el.getAttribute("data-affected") || "").split(" ").filter(function (s) { return s !== ""; });
		highlight(el.getAttribute("data-failed") || "", refs);
	}

	function pick(ref, label) {
		var sel = document.getElementById("bia-node");
		if (sel) {
			// The picker lists only the matches of its search: a node
			// clicked on the chart joins the list.
			var known = false;
			for (var i = 0; i < sel.options.length; i++) {
				known = known || sel.options[i].value === ref;
			}
			if (!known && ref !== "") {
				var o = document.createElement("option");
				o.value = ref;
				o.textContent = label || ref;
				sel.appendChild(o);
			}
			sel.value = ref;
		}
		var url = "/bia/graph?node=" + encodeURIComponent(ref);
		if (ref === "") {
			highlight("", []);
			return;
		}
		if (typeof htmx === "undefined") {
			window.location = url;
			return;
		}
		history.replaceState(null, "", url);
		htmx.ajax("GET", "/bia/graph/impact?node=" + encodeURIComponent(ref), { target: "#bia-impact", swap: "innerHTML" });
	}

	function init(root) {
		var els = root.querySelectorAll("[data-bia-curve]:not([data-ready])");
		for (var i = 0; i < els.length; i++) {
			els[i].setAttribute("data-ready", "");
			curve(els[i]);
		}
		var g = root.querySelector("[data-bia-graph]:not([data-ready])");
		if (g) {
			drawGraph(g);
		}
		var form = root.querySelector("#bia-pick-form");
		if (form) {
			form.addEventListener("submit", function (ev) {
				ev.preventDefault();
				pick(document.getElementById("bia-node").value);
			});
			document.getElementById("bia-node").addEventListener("change", function (ev) { pick(ev.target.value); });
		}
	}

	// A node picker set back to its empty choice forgets its search, so
	// that the text is not taken for a node when the form is sent.
	document.addEventListener("change", function (ev) {
		var sel = ev.target;
		var box = sel instanceof HTMLSelectElement && sel.value === "" ? sel.closest("[data-bia-picker]") : null;
		var search = box && box.querySelector("[data-picker-search]");
		if (search) {
			search.value = "";
		}
	});

	document.addEventListener("click", function (ev) {
		var b = ev.target.closest("[data-check-all], [data-check-important]");
		if (!b) {
			return;
		}
		var name = b.getAttribute("data-check-all") || b.getAttribute("data-check-important");
		var only = b.hasAttribute("data-check-important");
		var boxes = document.querySelectorAll('input[type=checkbox][name="' + name + '"]');
		for (var i = 0; i < boxes.length; i++) {
			if (!only || boxes[i].hasAttribute("data-important")) {
				boxes[i].checked = true;
			}
		}
	});

	var resizeTimer = null;
	window.addEventListener("resize", function () {
		clearTimeout(resizeTimer);
		resizeTimer = setTimeout(function () {
			for (var i = 0; i < charts.length; i++) {
				charts[i].resize();
			}
		}, 150);
	});
	if (document.readyState === "loading") {
		document.addEventListener("DOMContentLoaded", function () { init(document); });
	} else {
		init(document);
	}
	document.addEventListener("htmx:afterSettle", function (ev) {
		if (ev.target && ev.target.id === "bia-impact") {
			highlightFrom(ev.target);
		}
	});
})();

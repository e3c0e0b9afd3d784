// Continuo — the risk register pages (internal/web/risk_*.go). Every page
// works without it; with it:
//  1. [data-risk-trend="#json"] draws the score of a risk over time, one
//     line for inherent and one for residual ratings (ECharts).
//  2. [data-risk-heatmap="#json"] draws the heatmap of a matrix; a click on
//     a cell with risks opens the register filtered to that cell.
//  3. The assessment form ([data-risk-assess]) shows only the grid of the
//     chosen matrix.
//  4. Filter forms marked [data-autosubmit] apply a choice at once.
//  5. The process picker of the risk form ([data-process-picker]): the
//     matches htmx loads as the user types show under the search box; a
//     click or Enter on one adds it as a ticked box and empties the search.
// The data comes from <script type="application/json"> blocks: the CSP
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

	function textColor() {
		return getComputedStyle(document.body).color || "#1c2430";
	}

	function trend(el) {
		var d = readJSON(el.getAttribute("data-risk-trend"));
		if (!d || typeof echarts === "undefined") {
			return;
		}
		function points(list) {
			return list.map(function (p) {
				return {
					value: [p.at, p.score],
					itemStyle: { color: d.colors[p.level] || "#5e6b7a" }
				};
			});
		}
		var chart = echarts.init(el, null, { renderer: "canvas" });
		chart.setOption({
			animation: false,
			textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
			tooltip: { trigger: "axis" },
			legend: { data: [d.inherent_label, d.residual_label], top: 0 },
			grid: { left: 48, right: 24, top: 40, bottom: 40 },
			xAxis: { type: "time", axisLabel: { hideOverlap: true } },
			yAxis: { type: "value", name: d.score_label, min: 0, max: d.max || null, minInterval: 1 },
			series: [
				{
					name: d.inherent_label, type: "line", step: "end", symbolSize: 10,
					lineStyle: { color: "#1c2430", width: 2 }, itemStyle: { color: "#1c2430" },
					data: points(d.inherent)
				},
				{
					name: d.residual_label, type: "line", step: "end", symbolSize: 10, symbol: "diamond",
					lineStyle: { color: "#1f5fa8", width: 2, type: "dashed" }, itemStyle: { color: "#1f5fa8" },
					data: points(d.residual)
				}
			]
		});
		charts.push(chart);
	}

	function heatmap(el) {
		var d = readJSON(el.getAttribute("data-risk-heatmap"));
		if (!d || typeof echarts === "undefined") {
			return;
		}
		var data = d.cells.map(function (c) {
			return {
				value: [c.x, c.y, c.count],
				itemStyle: { color: c.color, opacity: c.count > 0 ? 1 : 0.35, borderColor: "#fff", borderWidth: 2 },
				label: { show: true, formatter: c.count > 0 ? String(c.count) : "", fontSize: 16, fontWeight: "bold", color: "#1c2430" },
				name: c.label,
				href: c.href || ""
			};
		});
		var chart = echarts.init(el, null, { renderer: "canvas" });
		chart.setOption({
			animation: false,
			textStyle: { fontFamily: getComputedStyle(document.body).fontFamily, color: textColor() },
			tooltip: {
				formatter: function (p) {
					var div = document.createElement("div");
					div.textContent = p.data.name + " — " + d.count_label + ": " + p.data.value[2];
					return div.innerHTML;
				}
			},
			grid: { left: 110, right: 16, top: 16, bottom: 56, containLabel: false },
			xAxis: {
				type: "category", data: d.impacts, name: d.x_name, nameLocation: "middle", nameGap: 32,
				splitArea: { show: false }, axisTick: { show: false }, axisLabel: { interval: 0, hideOverlap: false }
			},
			yAxis: {
				type: "category", data: d.likelihoods, name: d.y_name, nameLocation: "end",
				splitArea: { show: false }, axisTick: { show: false }
			},
			series: [{ type: "heatmap", data: data, emphasis: { itemStyle: { borderColor: "#1c2430", borderWidth: 2 } } }]
		});
		chart.on("click", function (p) {
			if (p.data && p.data.href) {
				window.location.href = p.data.href;
			}
		});
		el.setAttribute("data-ready", "");
		charts.push(chart);
	}

	function assessForm(form) {
		var select = form.querySelector("select[name=matrix_id]");
		if (!select) {
			return;
		}
		form.classList.add("js-grids");
		function show() {
			var grids = form.querySelectorAll(".risk-grid-wrap");
			for (var i = 0; i < grids.length; i++) {
				var on = grids[i].getAttribute("data-matrix") === select.value;
				grids[i].toggleAttribute("data-active", on);
				if (!on) {
					var radios = grids[i].querySelectorAll("input[type=radio]:checked");
					for (var j = 0; j < radios.length; j++) {
						radios[j].checked = false;
					}
				}
			}
			mark();
		}
		// The chosen cell is outlined (for browsers without :has()).
		function mark() {
			var cells = form.querySelectorAll(".risk-grid td");
			for (var i = 0; i < cells.length; i++) {
				var r = cells[i].querySelector("input[type=radio]");
				cells[i].classList.toggle("picked", !!(r && r.checked));
			}
		}
		select.addEventListener("change", show);
		form.addEventListener("change", function (ev) {
			if (ev.target && ev.target.name === "cell") {
				mark();
			}
		});
		show();
	}

	// processPicker wires one process picker: its list of matches is
	// refilled by htmx (blank=none: matches only, values p12).
	function processPicker(box) {
		var search = box.querySelector("[data-process-search]");
		var list = box.querySelector("[data-process-matches]");
		var chips = box.querySelector("[data-process-chips]");
		if (!search || !list || !chips) {
			return;
		}
		function hide() {
			list.hidden = true;
			list.innerHTML = "";
		}
		function add(opt) {
			if (!opt || opt.disabled || !/^p\d+$/.test(opt.value)) {
				return;
			}
			var id = opt.value.slice(1);
			var boxes = chips.querySelectorAll("input[name=process_ids]");
			for (var i = 0; i < boxes.length; i++) {
				if (boxes[i].value === id) {
					boxes[i].checked = true;
					search.value = "";
					hide();
					return;
				}
			}
			var label = opt.textContent;
			var li = document.createElement("li");
			li.className = "process-chip";
			var lab = document.createElement("label");
			var input = document.createElement("input");
			input.type = "checkbox";
			input.name = "process_ids";
			input.value = id;
			input.checked = true;
			var span = document.createElement("span");
			span.textContent = label;
			lab.appendChild(input);
			lab.appendChild(document.createTextNode(" "));
			lab.appendChild(span);
			li.appendChild(lab);
			chips.appendChild(li);
			chips.hidden = false;
			search.value = "";
			hide();
			search.focus();
		}
		list.addEventListener("htmx:afterSwap", function () {
			// An option reads "Process · P-01 Name": the kind is the same
			// for every match, the list and the boxes show the rest.
			for (var i = 0; i < list.options.length; i++) {
				var o = list.options[i], cut = o.textContent.indexOf(" · ");
				if (!o.disabled && cut >= 0) {
					o.textContent = o.textContent.slice(cut + 3);
				}
			}
			list.selectedIndex = -1;
			list.size = Math.max(2, Math.min(8, list.options.length));
			list.hidden = search.value.trim() === "" || list.options.length === 0;
		});
		list.addEventListener("click", function (ev) {
			if (ev.target instanceof HTMLOptionElement) {
				add(ev.target);
			}
		});
		list.addEventListener("keydown", function (ev) {
			if (ev.key === "Enter") {
				ev.preventDefault();
				add(list.options[list.selectedIndex]);
			} else if (ev.key === "Escape") {
				search.focus();
				hide();
			}
		});
		// Enter takes the first match rather than sending the form; the
		// keypress that may follow the keydown must not send it either.
		var took = false;
		search.addEventListener("keypress", function (ev) {
			if (ev.key === "Enter" && took) {
				ev.preventDefault();
			}
			took = false;
		});
		search.addEventListener("keydown", function (ev) {
			took = false;
			if (ev.key === "Enter" && !list.hidden) {
				ev.preventDefault();
				took = true;
				add(list.options[0]);
			} else if (ev.key === "ArrowDown" && !list.hidden) {
				ev.preventDefault();
				list.focus();
				list.selectedIndex = 0;
			} else if (ev.key === "Escape") {
				hide();
			}
		});
		search.addEventListener("input", function () {
			if (search.value.trim() === "") {
				hide();
			}
		});
	}

	function init(root) {
		var i, els;
		els = root.querySelectorAll("[data-risk-trend]:not([data-ready])");
		for (i = 0; i < els.length; i++) {
			els[i].setAttribute("data-ready", "");
			trend(els[i]);
		}
		els = root.querySelectorAll("[data-risk-heatmap]:not([data-init])");
		for (i = 0; i < els.length; i++) {
			els[i].setAttribute("data-init", "");
			heatmap(els[i]);
		}
		els = root.querySelectorAll("form[data-risk-assess]");
		for (i = 0; i < els.length; i++) {
			assessForm(els[i]);
		}
		els = root.querySelectorAll("[data-process-picker]:not([data-ready])");
		for (i = 0; i < els.length; i++) {
			els[i].setAttribute("data-ready", "");
			processPicker(els[i]);
		}
	}

	document.addEventListener("change", function (ev) {
		var form = ev.target instanceof Element ? ev.target.closest("form[data-autosubmit]") : null;
		if (form) {
			if (form.requestSubmit) {
				form.requestSubmit();
			} else {
				form.submit();
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
		if (ev.target instanceof Element) {
			init(ev.target);
		}
	});
})();

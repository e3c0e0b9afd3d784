// Continuo — tiny progressive enhancements; every page works without it.
//  1. Phone navigation: [data-nav-toggle] toggles .nav-open on <html>
//     (app.css shows the .sidenav drop-down while .nav-open is set).
//  2. Confirmation: data-confirm="message" on a link, button or form asks
//     before the action proceeds. Listeners run in the capture phase, so a
//     refusal also stops htmx requests (hx-post, hx-delete, hx-boost, ...).
(function () {
	"use strict";

	var root = document.documentElement;

	function setNav(open) {
		root.classList.toggle("nav-open", open);
		var toggles = document.querySelectorAll("[data-nav-toggle]");
		for (var i = 0; i < toggles.length; i++) {
			toggles[i].setAttribute("aria-expanded", open ? "true" : "false");
		}
	}

	function refuse(ev, el) {
		if (window.confirm(el.getAttribute("data-confirm"))) {
			return false;
		}
		ev.preventDefault();
		ev.stopImmediatePropagation();
		return true;
	}

	document.addEventListener("click", function (ev) {
		var t = ev.target instanceof Element ? ev.target : null;
		if (!t) {
			return;
		}

		if (t.closest("[data-nav-toggle]")) {
			ev.preventDefault();
			setNav(!root.classList.contains("nav-open"));
			return;
		}
		// Close the phone menu after choosing a link in it or tapping outside.
		if (root.classList.contains("nav-open") &&
			(t.closest(".sidenav a") || !t.closest(".sidenav"))) {
			setNav(false);
		}

		var el = t.closest("[data-confirm]");
		if (el && el.tagName !== "FORM") {
			refuse(ev, el);
		}
	}, true);

	document.addEventListener("submit", function (ev) {
		var form = ev.target;
		if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm")) {
			refuse(ev, form);
		}
	}, true);

	document.addEventListener("keydown", function (ev) {
		if (ev.key === "Escape" && root.classList.contains("nav-open")) {
			setNav(false);
		}
	});
})();

// Form and page helpers of the web UI (internal/web); like the above they
// work by delegation, so rows added by htmx get them too.
//  3. Repeated rows: [data-remove-row] removes its [data-row]; [data-move-up]
//     and [data-move-down] reorder it (deputies are called in row order).
//  4. [data-print] prints the page; [data-copy="#id"] copies that element's
//     text and shows data-copied on the button.
//  5. Enter in a picker's search box ([data-picker-search]) does not submit
//     the surrounding form.
(function () {
	"use strict";

	document.addEventListener("click", function (ev) {
		var t = ev.target instanceof Element ? ev.target : null;
		if (!t) {
			return;
		}
		var btn = t.closest("[data-remove-row], [data-move-up], [data-move-down], [data-print], [data-copy]");
		if (!btn) {
			return;
		}
		var row = btn.closest("[data-row]");
		if (btn.hasAttribute("data-remove-row") && row) {
			ev.preventDefault();
			var list = row.parentNode;
			list.removeChild(row);
			var first = list.querySelector("select, input");
			if (first) {
				first.focus();
			}
		} else if (btn.hasAttribute("data-move-up") && row) {
			ev.preventDefault();
			var prev = row.previousElementSibling;
			if (prev) {
				row.parentNode.insertBefore(row, prev);
				btn.focus();
			}
		} else if (btn.hasAttribute("data-move-down") && row) {
			ev.preventDefault();
			var next = row.nextElementSibling;
			if (next) {
				row.parentNode.insertBefore(next, row);
				btn.focus();
			}
		} else if (btn.hasAttribute("data-print")) {
			ev.preventDefault();
			window.print();
		} else if (btn.hasAttribute("data-copy")) {
			ev.preventDefault();
			var src = document.querySelector(btn.getAttribute("data-copy"));
			if (src && navigator.clipboard) {
				navigator.clipboard.writeText(src.textContent.trim()).then(function () {
					var done = btn.getAttribute("data-copied");
					if (done) {
						btn.textContent = done;
					}
				});
			} else if (src) {
				var range = document.createRange();
				range.selectNodeContents(src);
				var sel = window.getSelection();
				sel.removeAllRanges();
				sel.addRange(range);
			}
		}
	});

	document.addEventListener("keydown", function (ev) {
		var t = ev.target;
		if (ev.key === "Enter" && t instanceof Element && t.hasAttribute("data-picker-search")) {
			ev.preventDefault();
		}
	});
})();

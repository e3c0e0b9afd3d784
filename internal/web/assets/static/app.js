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

package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// auditJS checks the open page as the accessibility audits of Lighthouse
// do, for what the theme controls, and returns the problems it finds:
//   - <html lang> is set;
//   - every interactive element (links, buttons, form fields, anything
//     focusable) has an accessible name, and every form field a label;
//   - buttons are <button> elements, never clickable <div>s or <span>s;
//   - every <nav> and search form is named, and the table of contents'
//     nav is "Contents";
//   - copy buttons have a live status region beside them;
//   - ids are unique; images have alt text;
//   - the text, muted text and link colours contrast at least 4.5:1
//     with the page background (WCAG AA), from computed styles.
const auditJS = `(() => {
  const problems = [];
  const describe = (el) => el.outerHTML.slice(0, 120);
  const lang = document.documentElement.getAttribute("lang");
  if (!lang || !lang.trim()) problems.push("html has no lang");
  const textOf = (el) => (el ? el.textContent : "").replace(/\s+/g, " ").trim();
  const name = (el) => {
    const l = el.getAttribute("aria-label");
    if (l && l.trim()) return l.trim();
    const by = el.getAttribute("aria-labelledby");
    if (by) return by.split(/\s+/).map((id) => textOf(document.getElementById(id))).join(" ").trim();
    if (el.labels && el.labels.length) return Array.from(el.labels).map(textOf).join(" ").trim();
    if (["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName)) return "";
    const alt = Array.from(el.querySelectorAll("img[alt]")).map((i) => i.alt).join(" ");
    return (textOf(el) + " " + alt).trim() || (el.getAttribute("title") || "").trim();
  };
  const interactive = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]:not([tabindex="-1"]), [role=button], [onclick]');
  for (const el of interactive) {
    if (!name(el)) problems.push("no accessible name: " + describe(el));
    if ((el.getAttribute("role") === "button" || el.hasAttribute("onclick")) && el.tagName !== "BUTTON") problems.push("a button that is not a <button>: " + describe(el));
    if (["INPUT", "SELECT", "TEXTAREA"].includes(el.tagName) && !(el.labels && el.labels.length) && !el.getAttribute("aria-labelledby")) problems.push("form field without a label: " + describe(el));
  }
  for (const nav of document.querySelectorAll("nav, [role=search]")) {
    if (!name(nav) || (nav.tagName === "NAV" && !nav.getAttribute("aria-label") && !nav.getAttribute("aria-labelledby"))) problems.push("landmark without a name: " + describe(nav));
  }
  for (const toc of document.querySelectorAll("nav.toc")) {
    if (toc.getAttribute("aria-label") !== "Contents") problems.push("table of contents not labelled Contents: " + describe(toc));
  }
  for (const header of document.querySelectorAll(".code-header")) {
    const b = header.querySelector("button");
    if (!b) { problems.push("code block without a copy <button>: " + describe(header)); continue; }
    if (!header.querySelector('[role=status][aria-live="polite"]')) problems.push("copy button without a live status: " + describe(header));
  }
  const ids = {};
  for (const el of document.querySelectorAll("[id]")) {
    if (ids[el.id]) problems.push("duplicate id " + el.id);
    ids[el.id] = true;
  }
  for (const img of document.querySelectorAll("img:not([alt])")) problems.push("image without alt: " + describe(img));
  const rgb = (s) => (s.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
  const lum = (c) => {
    const [r, g, b] = c.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  let bgEl = document.body, bg = getComputedStyle(document.body).backgroundColor;
  if (/rgba\(0, 0, 0, 0\)|transparent/.test(bg)) bg = getComputedStyle(document.documentElement).backgroundColor;
  if (/rgba\(0, 0, 0, 0\)|transparent/.test(bg)) bg = "rgb(255, 255, 255)";
  const checks = [["body text", document.body], ["link", document.querySelector("main a[href]")], ["muted text", document.querySelector(".meta")]];
  for (const [what, el] of checks) {
    if (!el) continue;
    const r = ratio(rgb(getComputedStyle(el).color), rgb(bg));
    if (r < 4.5) problems.push(what + " contrast " + r.toFixed(2) + ":1 on " + bg + ", want 4.5:1");
  }
  return JSON.stringify(problems);
})()`

// audit runs auditJS in tab.
func audit(t *testing.T, tab context.Context) []string {
	t.Helper()
	var problems []string
	if err := json.Unmarshal([]byte(evalString(t, tab, auditJS)), &problems); err != nil {
		t.Fatal(err)
	}
	return problems
}

// TestAccessibility loads the sample blog's pages in Chromium, in the light
// and the dark colour scheme, and audits each (see auditJS): the index, a
// post with a table of contents and code blocks (whose copy buttons the
// script adds), a post with related posts, the search page with results,
// the archive and the 404 page. A page made to break each rule shows the
// audit finds what it looks for.
func TestAccessibility(t *testing.T) {
	browser := newBrowser(t)
	s := buildServed(t, copySampleSite(t))
	pages := []struct{ path, ready string }{
		{"", `true`},
		{"2026/03/code-highlighting/", `document.querySelector("nav.toc") !== null && document.querySelector(".code-header button") !== null`},
		{"2026/06/publishing/", `document.querySelector(".related a") !== null`},
		{"search/?q=blog+build", `document.querySelector("#search-results li a") !== null`},
		{"archive/", `true`},
		{"404.html", `true`},
	}
	for _, scheme := range []string{"light", "dark"} {
		step(t, browser, "prefer the "+scheme+" scheme", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
			return err
		}))
		for _, pg := range pages {
			step(t, browser, "open "+pg.path, chromedp.Navigate(s.url+pg.path))
			waitJS(t, browser, s.servedSite, pg.path+" ready", pg.ready)
			if problems := audit(t, browser); len(problems) > 0 {
				t.Errorf("/%s (%s): %d problems:\n%s", pg.path, scheme, len(problems), strings.Join(problems, "\n"))
			}
		}
	}

	// The audit itself: a page that breaks each rule.
	step(t, browser, "break the page", chromedp.Evaluate[chromedp.Void](`(() => {
	  document.documentElement.removeAttribute("lang");
	  document.querySelector("nav.toc, nav").removeAttribute("aria-label");
	  const m = document.querySelector("main");
	  m.insertAdjacentHTML("beforeend", '<button></button><input id="bare"><span role="button" tabindex="0">go</span><a href="/x"></a><img src="/x.png"><p id="bare">dup</p>');
	  document.body.style.background = "#ffffff";
	  document.body.style.color = "#bbbbbb";
	})()`))
	got := strings.Join(audit(t, browser), "\n")
	for _, want := range []string{"html has no lang", "no accessible name: <button>", "form field without a label: <input", "a button that is not a <button>: <span", `no accessible name: <a href="/x">`, "image without alt", "duplicate id bare", "landmark without a name", "body text contrast"} {
		if !strings.Contains(got, want) {
			t.Errorf("the audit of a broken page does not report %q; it reports:\n%s", want, got)
		}
	}
}

// widget.js: the "who's online" sidebar widget. Served by the blog's
// presence endpoint (GET /_online/widget.js); mounts into every element
// with a data-whos-online attribute:
//
//   <section class="whos-online" data-whos-online data-endpoint="/_online"
//            data-heartbeat="60" data-stream="false" hidden>…</section>
//
// Its texts come from the page, in the site's language (see Labels).
//
// It beacons the page path (navigator.sendBeacon, text/plain JSON, so no
// CORS preflight) on load, when the page becomes visible and every
// heartbeat while visible; one tab per browser beats for a page. It shows
// the snapshot in three fixed lines using textContent only, removes
// `hidden` once a snapshot arrives and sets it again when the endpoint is
// unreachable, rather than showing "0 online".
//
// The box takes no space until then: the theme's CSS gives [hidden]
// display: none and hangs the box below the sidebar, in room the layout
// keeps for it, so it appears and collapses without moving anything. The
// first request of a page view is a snapshot read, and nothing else is
// sent until it succeeds: on a host with no endpoint behind it (a plain
// static deploy), a page view costs one failed request and the box never
// shows. After any failed request (an error status or a network error)
// the widget stops for the rest of the page view: no retries, no beacons;
// its box then says data-state="down".
(function () {
  "use strict";
  var roots = document.querySelectorAll("[data-whos-online]");
  if (!roots.length) return;
  var root = roots[0];
  var base = (root.getAttribute("data-endpoint") || "/_online").replace(/\/+$/, "");
  var heartbeat = (parseFloat(root.getAttribute("data-heartbeat")) || 60) * 1000;
  var poll = (parseFloat(root.getAttribute("data-poll")) || 0) * 1000;
  var stream = root.getAttribute("data-stream") === "true" && typeof EventSource === "function";
  var token = root.getAttribute("data-token") || "";
  var path = location.pathname;
  var store = null;
  try { store = window.localStorage; } catch (e) { /* storage disabled */ }

  // Three fixed lines per root, made once: updates only change their text,
  // so the box never changes height.
  var views = [];
  for (var i = 0; i < roots.length; i++) {
    var body = roots[i].querySelector(".whos-online-body") || roots[i];
    var lines = [];
    for (var j = 0; j < 3; j++) {
      var p = document.createElement("p");
      p.className = "whos-online-line";
      p.style.margin = "0";
      p.style.whiteSpace = "nowrap";
      p.style.overflow = "hidden";
      p.style.textOverflow = "ellipsis";
      p.textContent = "\u00a0";
      body.appendChild(p);
      lines.push(p);
    }
    views.push({ root: roots[i], lines: lines });
  }

  // ---- Labels ----------------------------------------------------------
  // The page gives the labels in its language, from the site's message
  // catalogue, in a JSON block inside the box:
  //
  //   <script type="application/json" class="whos-online-labels">
  //   {"lang": "fr", "labels": {"online_page": {"one": "{0} lecteur sur cette page", "other": …}, …}}
  //   </script>
  //
  // Each label has its CLDR plural forms; Intl.PluralRules picks the one
  // for a count, as the build does for the theme's own counts. Pages
  // built before the labels were given (they load the endpoint's
  // /widget.js) get these English ones.
  var english = {
    online_total: { one: "{0} reader online", other: "{0} readers online" },
    online_guests: { one: "{0} guest", other: "{0} guests" },
    online_names_guests: { other: "{0} and {1}" },
    online_names_sep: { other: ", " },
    online_page: { one: "{0} reader on this page", other: "{0} readers on this page" }
  };
  var labels = {}, lang = "en";
  (function () {
    var el = root.querySelector("script.whos-online-labels");
    try {
      var given = el ? JSON.parse(el.textContent) : null;
      if (given && given.labels && typeof given.labels === "object") labels = given.labels;
      if (given && typeof given.lang === "string" && given.lang) lang = given.lang;
    } catch (e) { /* a broken block: English */ }
  })();
  var rules = null;
  try { rules = new Intl.PluralRules(lang); } catch (e) { rules = null; } // no Intl, or not a language tag
  // say is the label key with args in place of {0}, {1}; a number first
  // argument chooses the plural form.
  function say(key) {
    var args = Array.prototype.slice.call(arguments, 1);
    var forms = labels[key];
    if (!forms || typeof forms.other !== "string") { forms = english[key]; }
    var text = forms.other;
    if (typeof args[0] === "number") {
      var n = args[0], form = rules ? rules.select(n) : (n === 1 ? "one" : "other");
      if (typeof forms[form] === "string") text = forms[form];
    }
    return text.replace(/\{(\d+)\}/g, function (m, i) { return i < args.length ? String(args[i]) : m; });
  }

  function show(s) {
    if (!s || !s.available) { hide(); return; }
    if (!poll && s.poll) poll = s.poll * 1000;
    var names = (s.names || []).join(say("online_names_sep"));
    var more = s.named - (s.names || []).length;
    if (more > 0) names += " +" + more;
    var who = names;
    if (s.guests > 0) {
      var guests = say("online_guests", s.guests);
      who = who ? say("online_names_guests", who, guests) : guests;
    }
    var text = [
      say("online_total", s.total),
      who || "\u00a0",
      say("online_page", s.page)
    ];
    for (var i = 0; i < views.length; i++) {
      var v = views[i];
      for (var j = 0; j < 3; j++) {
        if (v.lines[j].textContent !== text[j]) v.lines[j].textContent = text[j];
      }
      v.root.classList.toggle("whos-online-stale", !!s.stale);
      v.root.setAttribute("data-online", String(s.total));
      v.root.setAttribute("data-page", String(s.page));
      v.root.hidden = false;
    }
  }

  function hide() {
    for (var i = 0; i < views.length; i++) views[i].root.hidden = true;
  }

  function visible() { return document.visibilityState !== "hidden"; }

  // beat reports this page, unless another tab of this browser did so for
  // the same page within half a heartbeat (when force is false).
  function beat(force) {
    var key = "wo-beat:" + path, now = Date.now();
    if (store && !force) {
      var last = parseInt(store.getItem(key), 10) || 0;
      if (now - last < heartbeat / 2) return;
    }
    if (store) { try { store.setItem(key, String(now)); } catch (e) { /* full */ } }
    var data = JSON.stringify(payload());
    var url = base + "/hit";
    var sent = false;
    try { sent = navigator.sendBeacon && navigator.sendBeacon(url, data); } catch (e) { sent = false; }
    if (!sent && window.fetch) {
      fetch(url, { method: "POST", body: data, keepalive: true, credentials: "include",
                   headers: { "Content-Type": "text/plain" } }).catch(function () {});
    }
  }

  var pollTimer = 0, beatTimer = 0, es = null;
  var up = false;   // the endpoint answered this page view's first request
  var down = false; // a request failed: the widget is off for this page view

  // fail collapses the box and stops every timer and stream: one failed
  // request per page view, never a retry storm.
  function fail() {
    down = true;
    clearTimeout(pollTimer);
    clearInterval(beatTimer);
    if (es) { es.close(); es = null; }
    hide();
    for (var i = 0; i < views.length; i++) views[i].root.setAttribute("data-state", "down");
  }

  // get fetches the snapshot; it resolves to the parsed JSON, or calls fail
  // and resolves to null when the request fails. An endpoint that never
  // answers leaves the box as it is: no space taken, nothing retried.
  function get() {
    return fetch(base + "/?path=" + encodeURIComponent(path), { cache: "no-cache", credentials: "omit" })
      .then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.json();
      })
      .then(null, function () { fail(); return null; });
  }

  function fetchSnapshot() {
    clearTimeout(pollTimer);
    if (down || !visible()) return;
    checkLatest(false);
    get().then(function (s) {
      if (down) return;
      show(s); // a snapshot saying "unavailable" hides the box but keeps polling
      schedule();
    });
  }
  function schedule() {
    clearTimeout(pollTimer);
    if (!down) pollTimer = setTimeout(fetchSnapshot, poll || 15000);
  }

  function listen() {
    es = new EventSource(base + "/stream?path=" + encodeURIComponent(path));
    es.onmessage = function (e) {
      try { show(JSON.parse(e.data)); } catch (err) { hide(); }
    };
    // EventSource would reconnect by itself, for ever: fall back to one
    // poll instead, which stops the widget if it fails too.
    es.onerror = function () {
      if (es) { es.close(); es = null; }
      hide();
      schedule();
    };
  }

  // start runs once the endpoint has answered: beacons, then the live
  // snapshot.
  function start() {
    up = true;
    beat(true);
    watchLeave();
    beatTimer = setInterval(function () { if (!down && visible()) beat(false); }, heartbeat);
    if (stream) {
      listen();
    } else {
      // The first snapshot shown waits a moment, so it includes this
      // reader's hit (hits are flushed to the store about once a second).
      pollTimer = setTimeout(fetchSnapshot, 1200);
    }
  }

  // ---- Per-browser id --------------------------------------------------
  // A random id for this browser, kept in localStorage and renewed every
  // UTC day, so that browsers sharing an address and a user agent count
  // apart. The endpoint keeps only a day-keyed HMAC of it. Without
  // storage there is none, and the endpoint tells readers apart by
  // address and user agent.
  var idKey = "wo-id";
  function browserID() {
    if (!store || !window.crypto || !crypto.getRandomValues) return "";
    var day = new Date().toISOString().slice(0, 10);
    try {
      var saved = JSON.parse(store.getItem(idKey) || "null");
      if (saved && saved.day === day && /^[A-Za-z0-9_-]{22}$/.test(saved.id)) return saved.id;
      var bytes = new Uint8Array(16);
      crypto.getRandomValues(bytes);
      var id = btoa(String.fromCharCode.apply(null, bytes))
        .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
      store.setItem(idKey, JSON.stringify({ id: id, day: day }));
      return id;
    } catch (e) { return ""; } // storage full or refused
  }

  // payload is the body of a hit or a leave: this page, the reader's
  // token and the browser id, when there are.
  function payload() {
    var body = { path: path };
    if (token) body.token = token;
    var id = browserID();
    if (id) body.id = id;
    return body;
  }

  // ---- Leave beacon ----------------------------------------------------
  // When this tab goes (pagehide) or is hidden, tell the endpoint, so the
  // reader drops off the counts at its next flush instead of after the
  // whole window. The visible tabs of this browser are listed in
  // localStorage ("wo-tabs"): no leave while another shows this page, and
  // a leave of this page only ("all" false) while another shows the site.
  // Tabs that crashed drop off the list after two heartbeats.
  var tabKey = "wo-tabs";
  var tabID = Date.now().toString(36) + Math.random().toString(36).slice(2);
  var gone = false;
  function markTab(shown) {
    var list = {}, now = Date.now();
    if (!store) return list;
    try { list = JSON.parse(store.getItem(tabKey) || "{}") || {}; } catch (e) { list = {}; }
    for (var k in list) {
      if (!list[k] || now - list[k].t > 2 * heartbeat + 5000) delete list[k];
    }
    if (shown) list[tabID] = { p: path, t: now }; else delete list[tabID];
    try { store.setItem(tabKey, JSON.stringify(list)); } catch (e) { /* full */ }
    return list;
  }
  function leave() {
    if (gone) return;
    gone = true;
    var others = markTab(false), site = false;
    for (var k in others) {
      if (others[k].p === path) return; // another tab still shows this page
      site = true;
    }
    var body = payload();
    body.all = !site;
    var data = JSON.stringify(body), url = base + "/leave", sent = false;
    try { sent = navigator.sendBeacon && navigator.sendBeacon(url, data); } catch (e) { sent = false; }
    if (!sent && window.fetch) {
      fetch(url, { method: "POST", body: data, keepalive: true, credentials: "include",
                   headers: { "Content-Type": "text/plain" } }).catch(function () {});
    }
  }
  function back() {
    gone = false;
    markTab(true);
  }
  function watchLeave() {
    if (visible()) markTab(true);
    setInterval(function () { if (visible() && !gone) markTab(true); }, heartbeat);
    window.addEventListener("pagehide", leave);
    window.addEventListener("pageshow", function (e) {
      if (e.persisted && visible()) { back(); beat(true); } // back from the back-forward cache
    });
    document.addEventListener("visibilitychange", function () {
      if (visible()) back(); else leave();
    });
  }

  // ---- New post notice -------------------------------------------------
  // The page names its build's newest post (data-latest-url, -date on the
  // [data-new-post] live region); latest.json names the site's. While the
  // tab is visible it is checked on each snapshot poll, or every heartbeat
  // when there is no poll (a static host with no endpoint, a stream), with
  // If-None-Match so an unchanged one costs a 304. A newer post shows
  // "New post: TITLE" once per post per browser, until dismissed (its
  // button or Escape).
  var notice = document.querySelector("[data-new-post]");
  var noticeKey = "wo-new-post";
  var latestTag = "", latestAt = 0, shownURL = "";
  function checkLatest(force) {
    if (!notice || !window.fetch || !visible()) return;
    var now = Date.now();
    if (!force && now - latestAt < 0.9 * Math.min(poll || heartbeat, heartbeat)) return;
    latestAt = now;
    var src = notice.getAttribute("data-src") || "/latest.json";
    var headers = latestTag ? { "If-None-Match": latestTag } : {};
    fetch(src, { cache: "no-store", credentials: "same-origin", headers: headers })
      .then(function (r) {
        if (r.status !== 200) return null; // 304: unchanged
        latestTag = r.headers.get("ETag") || "";
        return r.json();
      })
      .then(newPost)
      .catch(function () {});
  }
  function newPost(l) {
    if (!l || typeof l.url !== "string" || typeof l.title !== "string" || !l.url || !l.title) return;
    var u;
    try { u = new URL(l.url, location.href); } catch (e) { return; }
    if (u.origin !== location.origin) return;
    var mine = notice.getAttribute("data-latest-url") || "";
    var at = Date.parse(l.date), since = Date.parse(notice.getAttribute("data-latest-date") || "");
    if (l.url === mine || isNaN(at) || at <= since) return;
    if (l.url === shownURL) return;
    try {
      if (store && store.getItem(noticeKey) === l.url) return; // shown before in this browser
      if (store) store.setItem(noticeKey, l.url);
    } catch (e) { /* shown here anyway */ }
    shownURL = l.url;
    var p = document.createElement("p");
    p.appendChild(document.createTextNode((notice.getAttribute("data-label") || "New post:") + " "));
    var a = document.createElement("a");
    a.href = u.href;
    a.textContent = l.title;
    p.appendChild(a);
    var b = document.createElement("button");
    b.type = "button";
    b.className = "new-post-dismiss";
    b.textContent = notice.getAttribute("data-dismiss") || "Dismiss";
    var name = notice.getAttribute("data-dismiss-label");
    if (name) b.setAttribute("aria-label", name);
    b.addEventListener("click", dismiss);
    notice.textContent = "";
    notice.appendChild(p);
    notice.appendChild(b);
  }
  function dismiss() { notice.textContent = ""; }
  function watchLatest() {
    if (!notice) return;
    document.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && notice.firstChild) dismiss();
    });
    document.addEventListener("visibilitychange", function () { checkLatest(true); });
    // Every heartbeat; checkLatest skips what a poll just did.
    setInterval(function () { checkLatest(false); }, heartbeat);
    checkLatest(true);
  }

  document.addEventListener("visibilitychange", function () {
    if (!up || down || !visible()) return;
    beat(true);
    if (!stream) fetchSnapshot();
  });
  watchLatest(); // latest.json is a file of the site: no endpoint needed
  get().then(function (s) { if (s && !down) start(); });
})();

// livereload.js: injected into every HTML page by `blog serve` (never
// written into the output). It listens to the dev server's build events:
// a good build reloads the page (or swaps its stylesheets when only CSS
// changed); a failed one shows its errors over the page until the next
// good build. Errors are rendered with textContent only.
(function () {
  "use strict";
  if (window.__blogLiveReload) return;
  window.__blogLiveReload = true;

  var me = document.currentScript;
  var build = (me && me.getAttribute("data-build")) || "";
  var overlayID = "blog-serve-error-overlay";

  function hideOverlay() {
    var o = document.getElementById(overlayID);
    if (o) o.remove();
  }

  function showOverlay(lines) {
    hideOverlay();
    var o = document.createElement("div");
    o.id = overlayID;
    o.setAttribute("role", "alert");
    o.style.cssText =
      "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;" +
      "background:rgba(24,24,27,.94);color:#fafafa;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;";
    var h = document.createElement("h2");
    h.textContent = "Build failed";
    h.style.cssText = "margin:0 0 .5rem;color:#f87171;font:bold 18px/1.4 system-ui,sans-serif;";
    var note = document.createElement("p");
    note.textContent = "blog serve is still serving the last good build. Fix the error and save: this page updates by itself.";
    note.style.cssText = "margin:0 0 1rem;color:#a1a1aa;font:14px/1.4 system-ui,sans-serif;";
    var list = document.createElement("pre");
    list.style.cssText = "margin:0;white-space:pre-wrap;word-break:break-word;";
    for (var i = 0; i < lines.length; i++) {
      var line = document.createElement("div");
      line.className = "blog-serve-error";
      line.textContent = lines[i];
      list.appendChild(line);
    }
    o.appendChild(h);
    o.appendChild(note);
    o.appendChild(list);
    (document.body || document.documentElement).appendChild(o);
  }

  // swapCSS reloads this site's stylesheets in place: the new link is
  // added next to the old one, which goes once the new one has loaded, so
  // the page never shows unstyled.
  function swapCSS() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (old) {
      var u = new URL(old.href, location.href);
      if (u.origin !== location.origin) return;
      u.searchParams.set("_blog", Date.now().toString(36));
      var link = old.cloneNode(false);
      link.href = u.href;
      link.onload = link.onerror = function () { old.remove(); };
      old.after(link);
    });
  }

  function data(e) {
    try { return JSON.parse(e.data); } catch (_) { return {}; }
  }

  // handle acts on one build event: hello (the state on connect), reload,
  // css or error.
  function handle(name, d) {
    switch (name) {
    case "hello":
      if (d.build !== build) {
        location.reload(); // the site changed while this page was away
        return;
      }
      if (d.errors && d.errors.length) showOverlay(d.errors); else hideOverlay();
      break;
    case "reload":
      location.reload();
      break;
    case "css":
      build = d.build;
      hideOverlay();
      swapCSS();
      break;
    case "error":
      showOverlay(d.errors || ["build failed"]);
      break;
    }
  }

  // listen opens the event stream; each event goes to handle and to
  // relay. state tracks the server's current state, as a hello would
  // give it.
  var state = null;
  function listen(relay) {
    var es = new EventSource("/_blog/events");
    ["hello", "reload", "css", "error"].forEach(function (name) {
      es.addEventListener(name, function (e) {
        // "error" is also the EventSource's own event for a lost
        // connection (it reconnects by itself); the build's has data.
        if (typeof e.data !== "string") return;
        var d = data(e);
        var ok = name === "reload" || name === "css";
        state = { build: d.build, errors: ok ? [] : d.errors || [] };
        if (relay) relay(name, d);
        if (name === "reload") es.close();
        handle(name, d);
      });
    });
  }

  // Browsers allow six HTTP/1.1 connections per host: an event stream per
  // tab would hang the seventh tab. So one tab per browser (the holder of
  // a Web Lock) listens and relays the events to the others over a
  // BroadcastChannel. Without these APIs (an insecure origin, such as a
  // LAN address), every tab listens for itself.
  if (!window.BroadcastChannel || !navigator.locks) {
    listen(null);
    return;
  }
  var channel = new BroadcastChannel("blog-serve-events");
  var leader = false;
  channel.onmessage = function (m) {
    var msg = m.data || {};
    if (msg.type === "event") {
      handle(msg.name, msg.data || {});
    } else if (msg.type === "ask" && leader && state) {
      channel.postMessage({ type: "event", name: "hello", data: state });
    }
  };
  navigator.locks.request("blog-serve-events", function () {
    leader = true;
    listen(function (name, d) {
      channel.postMessage({ type: "event", name: name, data: d });
    });
    return new Promise(function () {}); // held until this page goes away
  });
  channel.postMessage({ type: "ask" }); // the current state, from the leader
})();

package main

import (
	"bytes"
	"context"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"golang.org/x/net/html"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/internal/redistest"
	"github.com/blog-gen/blog/widget"
)

// builtSample builds a copy of the sample blog with widget.enabled: true
// (a site whose endpoint is proxied at widget.path) and returns the site
// directory and its configuration.
func builtSample(t *testing.T) (string, build.Config) {
	t.Helper()
	dir := copySampleSite(t)
	name := filepath.Join(dir, "_config.yaml")
	src, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	on := bytes.Replace(src, []byte("\n  enabled: auto "), []byte("\n  enabled: true "), 1)
	if bytes.Equal(on, src) {
		t.Fatal("no widget.enabled: auto in the sample _config.yaml: update this test")
	}
	if err := os.WriteFile(name, on, 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"build", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("blog build: %v\n%s", err, &stderr)
	}
	cfg, err := build.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}

// TestStaticHostLinks crawls every page of the built sample site, served
// by a plain file server: every internal href and src resolves.
func TestStaticHostLinks(t *testing.T) {
	t.Parallel()
	dir, cfg := builtSample(t)
	site := filepath.Join(dir, "_site")
	ts := httptest.NewServer(http.FileServer(http.Dir(site)))
	t.Cleanup(ts.Close)
	siteURL, err := url.Parse(cfg.Site.URL)
	if err != nil {
		t.Fatal(err)
	}
	var pages []string
	err = filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			pages = append(pages, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) < 20 {
		t.Fatalf("the sample site has %d pages, want many", len(pages))
	}
	checked := map[string]int{} // internal path → status
	client := ts.Client()
	links := 0
	for _, p := range pages {
		rel, _ := filepath.Rel(site, p)
		pageURL := &url.URL{Path: "/" + filepath.ToSlash(rel)}
		pageURL.Path = strings.TrimSuffix(pageURL.Path, "index.html")
		for _, ref := range pageRefs(t, p) {
			u, err := pageURL.Parse(ref)
			if err != nil {
				t.Errorf("%s: bad URL %q: %v", rel, ref, err)
				continue
			}
			switch {
			case u.Scheme == "" && u.Host == "":
			case (u.Scheme == "http" || u.Scheme == "https") && u.Host == siteURL.Host:
			default:
				continue // another site, mailto:, data:
			}
			if u.Path == "" {
				continue // a fragment of this page
			}
			links++
			if _, ok := checked[u.Path]; !ok {
				resp, err := client.Get(ts.URL + u.EscapedPath())
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				checked[u.Path] = resp.StatusCode
			}
			if code := checked[u.Path]; code != http.StatusOK {
				t.Errorf("%s links to %s: %d", rel, ref, code)
			}
		}
	}
	t.Logf("%d pages, %d internal links, %d distinct targets", len(pages), links, len(checked))
}

// pageRefs returns every href and src in the HTML file name.
func pageRefs(t *testing.T, name string) []string {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := html.Parse(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var refs []string
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		for _, a := range n.Attr {
			if a.Key == "href" || a.Key == "src" {
				refs = append(refs, a.Val)
			}
		}
	}
	return refs
}

// netLog counts a tab's failed requests: an error status or no answer.
type netLog struct {
	mu     sync.Mutex
	failed []string
}

// listen is a chromedp listener of a tab's events.
func (l *netLog) listen(ev any) {
	{
		l.mu.Lock()
		defer l.mu.Unlock()
		switch ev := ev.(type) {
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				l.failed = append(l.failed, ev.Response.URL)
			}
		case *network.EventLoadingFailed:
			if !ev.Canceled {
				l.failed = append(l.failed, "request "+string(ev.RequestID)+": "+ev.ErrorText)
			}
		}
	}
}

func (l *netLog) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.failed
	l.failed = nil
	return f
}

// pageView is what one page view of the test measured.
type pageView struct {
	Sidebar float64  `json:"sidebar"` // the sidebar's height
	Box     float64  `json:"box"`     // the widget box's height
	Bare    float64  `json:"bare"`    // the sidebar's height with the box removed
	Page    float64  `json:"page"`    // the document\'s height
	Shift   float64  `json:"shift"`   // cumulative layout shift of the page view
	State   string   `json:"state"`
	Shifts  []string `json:"shifts"` // what moved, for the failure message
	Online  string   `json:"online"`
	// Observed: the layout-shift observer ran (a script that failed would
	// leave every shift at 0).
	Observed bool `json:"observed"`
}

// TestStaticHostBrowser serves the built sample site with a plain file
// server, first alone (a static host: nothing behind widget.path), then
// with the who's-online endpoint mounted (on a real redis-server), and
// opens pages in Chromium.
// Without the endpoint the box takes no space at all (the sidebar is as
// tall as without the box) and a page view makes one failed request, the
// widget's first, however long it stays open; with it the box shows.
// Neither moves the layout.
func TestStaticHostBrowser(t *testing.T) {
	browser := newBrowser(t)
	dir, cfg := builtSample(t)
	files := http.FileServer(http.Dir(filepath.Join(dir, "_site")))
	static := httptest.NewServer(files)
	t.Cleanup(static.Close)

	opts := widgetOptions(cfg, func(string) string { return "" })
	opts.Redis = redistest.Start(t).URL() // a real redis-server, as in production
	// Two minutes of the page's virtual time pass in milliseconds of the
	// endpoint's: its per-client limit would refuse the heartbeats.
	opts.HitRate = -1
	presence, err := widget.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { presence.Close() })
	mux := http.NewServeMux()
	mux.Handle("/_online/", http.StripPrefix("/_online", presence))
	mux.Handle("/", files)
	live := httptest.NewServer(mux)
	t.Cleanup(live.Close)

	pages := []string{"", "2026/01/welcome/", "tags/"}
	for _, page := range pages {
		down := view(t, browser, static.URL+"/"+page, `el.getAttribute("data-state") === "down"`, 1)
		up := view(t, browser, live.URL+"/"+page, `el.getAttribute("data-online") !== null && !el.hidden`, 0)
		t.Logf("/%s: states %q %q; sidebar %.1fpx without the endpoint (%.1fpx bare), %.1fpx with it (box %.1fpx); shifts %v, %v", page, down.State, up.State,
			down.Sidebar, down.Bare, up.Sidebar, up.Box, down.Shift, up.Shift)
		if down.Box != 0 || down.Sidebar != down.Bare {
			t.Errorf("/%s without the endpoint: box %.1fpx, sidebar %.1fpx, %.1fpx without the box: want no space for it", page, down.Box, down.Sidebar, down.Bare)
		}
		if up.Box <= 0 || up.Online == "" || up.State != "" {
			t.Errorf("/%s with the endpoint: box %.1fpx, online %q, state %q: want the box shown", page, up.Box, up.Online, up.State)
		}
		if up.Sidebar != down.Sidebar || up.Page != down.Page {
			t.Errorf("/%s: sidebar %.1fpx and page %.1fpx with the endpoint, %.1fpx and %.1fpx without: the box must not move anything", page, up.Sidebar, up.Page, down.Sidebar, down.Page)
		}
		if down.Shift > maxShift || up.Shift > maxShift {
			t.Errorf("/%s: layout shift %v without the endpoint (%q), %v with it (%q); want at most %v", page, down.Shift, down.Shifts, up.Shift, up.Shifts, maxShift)
		} else if down.Shift != 0 || up.Shift != 0 {
			t.Logf("/%s: sub-pixel layout shifts %q, %q", page, down.Shifts, up.Shifts)
		}
	}
}

// maxShift is the most cumulative layout shift a page view may have: none
// that shows. Under load Chromium has moved a text node by a fraction of a
// pixel as the box appeared (3e-5, once in seven CI runs). The box
// pushing the sidebar down by its height would score about 0.02 at this
// size, twenty times this; and the heights above are compared exactly.
const maxShift = 1e-3

// clsScript records the page's cumulative layout shift in window.__cls
// from its first paint, before any of the page's own scripts run.
const clsScript = `window.__cls = 0; window.__shifts = [];
new PerformanceObserver(list => { for (const e of list.getEntries()) if (!e.hadRecentInput) {
	// Each node that moved, and from where to where: a text node by its
	// parent and its first words, so a failure says which one.
	const name = n => !n ? "?" : n.nodeType === 3 ? "#text in " + name(n.parentElement) + " " + JSON.stringify(n.textContent.trim().slice(0, 24)) :
		n.nodeName.toLowerCase() + (n.className && typeof n.className === "string" ? "." + n.className.trim().split(/\s+/).join(".") : "");
	const rect = r => r ? r.x.toFixed(2) + "," + r.y.toFixed(2) + " " + r.width.toFixed(2) + "x" + r.height.toFixed(2) : "-";
	const what = e.sources.map(s => name(s.node) + " from " + rect(s.previousRect) + " to " + rect(s.currentRect)).join("; ");
	window.__shifts.push(e.value.toExponential(2) + " " + what);
	// The code blocks' Copy buttons (code-copy.html) are another script's.
	const classes = e.sources.map(s => s.node && typeof s.node.className === "string" ? s.node.className : "").join(",");
	if (!/chroma|code-/.test(classes)) window.__cls += e.value;
} })
	.observe({type: "layout-shift", buffered: true});`

// view opens u in a new tab at a desktop size, waits until the JavaScript
// condition ready holds of the widget's box (el), lets two minutes of the
// page's timers run in virtual time (the widget's polls, heartbeats and
// any retry), and measures. wantFailed is the failed requests the page
// view may make: none, or one, the widget's first.
func view(t *testing.T, browser context.Context, u, ready string, wantFailed int) pageView {
	t.Helper()
	var log netLog
	budget := make(chan struct{}, 1)
	tab, cancel := chromedp.NewContext(browser, chromedp.WithListener(log.listen), chromedp.WithListener(func(ev any) {
		if _, ok := ev.(*emulation.EventVirtualTimeBudgetExpired); ok {
			select {
			case budget <- struct{}{}:
			default:
			}
		}
	}))
	// The tab closes when the view is measured: left open with its time
	// fast-forwarding, its timers would keep the browser busy.
	defer cancel()
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("open a tab: %v", err)
	}
	s := &servedSite{url: u, stdout: new(syncBuffer), stderr: new(syncBuffer)}
	step(t, tab, "set up the tab", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
			return err
		}
		if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: clsScript}); err != nil {
			return err
		}
		_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 1280, Height: 900, DeviceScaleFactor: 1})
		return err
	}))
	step(t, tab, "open "+u, chromedp.Navigate(u))
	const box = `document.querySelector("[data-whos-online]")`
	waitJS(t, tab, s, "the widget on "+u, `(() => { const el = `+box+`; return !!el && (`+ready+`); })()`)
	setPolicy := func(p emulation.SetVirtualTimePolicyParams) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetVirtualTimePolicy, p)
			return err
		})
	}
	twoMinutes := 120000.0 // milliseconds
	step(t, tab, "run the page's timers for two minutes", setPolicy(emulation.SetVirtualTimePolicyParams{
		Policy: emulation.VirtualTimePolicyPauseIfNetworkFetchesPending, Budget: &twoMinutes}))
	select {
	case <-budget: // the sentinel: every timer due within two minutes has run
	case <-time.After(serveWait):
		t.Fatalf("%s: two minutes of virtual time did not pass within %v", u, serveWait)
	}
	step(t, tab, "resume time", setPolicy(emulation.SetVirtualTimePolicyParams{Policy: emulation.VirtualTimePolicyAdvance}))
	v, err := chromedp.Run(tab, chromedp.Evaluate[pageView](`(() => {
		const el = `+box+`, side = document.querySelector(".sidebar");
		const v = {sidebar: side.getBoundingClientRect().height, page: document.documentElement.scrollHeight, box: el.getBoundingClientRect().height,
			state: el.getAttribute("data-state") || "", online: el.getAttribute("data-online") || "", shift: window.__cls, shifts: window.__shifts, observed: typeof window.__cls === "number"};
		el.remove();
		v.bare = side.getBoundingClientRect().height;
		return v;
	})()`))
	if err != nil {
		t.Fatalf("measure %s: %v", u, err)
	}
	if !v.Observed {
		t.Fatalf("measure %s: the layout-shift observer did not run", u)
	}
	failed := log.take()
	if len(failed) != wantFailed || wantFailed == 1 && !strings.Contains(failed[0], "/_online/") {
		t.Errorf("%s: failed requests %q, want %d (the widget's first)", u, failed, wantFailed)
	}
	return v
}

package widget

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
)

// beacons counts the beacons an endpoint received, by route.
type beacons struct {
	mu sync.Mutex
	n  map[string]int // "/hit", "/leave"
}

func (b *beacons) count(route string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.n[route]
}

func (b *beacons) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			b.mu.Lock()
			b.n[r.URL.Path]++
			b.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

// presenceSite serves testPage at every path and the endpoint s at
// /_online/, counting its beacons.
func presenceSite(t *testing.T, s *Server) (*httptest.Server, *beacons) {
	t.Helper()
	seen := &beacons{n: map[string]int{}}
	mux := http.NewServeMux()
	mux.Handle("/_online/", http.StripPrefix("/_online", seen.wrap(s)))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, testPage)
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts, seen
}

// presenceServer is an endpoint on a real redis-server whose window is
// far longer than the tests wait: only a leave can make a reader go in
// time.
func presenceServer(t *testing.T) *Server {
	t.Helper()
	needBinary(t, "chromium")
	rs := startRedis(t)
	return mustServer(t, Options{
		Redis: rs.url(), Window: 5 * time.Minute, Heartbeat: time.Second, Poll: 200 * time.Millisecond,
		Flush: 100 * time.Millisecond, Refresh: 100 * time.Millisecond, HitRate: -1,
	})
}

// waitCounts waits, polling the tab every 50ms, until the widget in ctx
// shows online readers on the site and page on this page.
func waitCounts(t *testing.T, ctx context.Context, what string, d time.Duration, online, page string) time.Duration {
	t.Helper()
	start := time.Now()
	var got [2]string
	for time.Since(start) < d {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[[2]string](`(() => { const el = document.querySelector('[data-whos-online]');
			return [el.getAttribute('data-online') || '', el.getAttribute('data-page') || '']; })()`))
		if err != nil {
			t.Fatalf("%s: evaluate: %v", what, err)
		}
		if got = v; got == [2]string{online, page} {
			return time.Since(start)
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: not within %v: online %q, page %q; want %q, %q", what, d, got[0], got[1], online, page)
	return 0
}

// TestBrowserLeave: a reader who closes the tab is off the page's and the
// site's counts within 2s, although the window is 5 minutes; one who
// closes one of two tabs on the page still counts.
func TestBrowserLeave(t *testing.T) {
	s := presenceServer(t)
	ts, seen := presenceSite(t, s)
	page := ts.URL + "/2030/05/post/"

	// Browser A's first tab stays blank, so closing the reader's tabs
	// closes tabs, not the browser.
	a, closeA := newBrowser(t, "Mozilla/5.0 (X11; Linux x86_64) TestLeaveA/1.0")
	defer closeA()
	b, closeB := newBrowser(t, "Mozilla/5.0 (Macintosh) TestLeaveB/2.0")
	defer closeB()
	a1, closeA1 := chromedp.NewContext(a) // two tabs of A on the page
	defer closeA1()
	a2, closeA2 := chromedp.NewContext(a)
	defer closeA2()
	for _, ctx := range []context.Context{a1, a2, b} {
		if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
			t.Fatal(err)
		}
	}
	waitCounts(t, b, "both browsers counted", 15*time.Second, "2", "2")

	closeA2() // one of A's two tabs: A is still reading
	// The sentinel that the closed tab's pagehide has run: it took itself
	// off the list of visible tabs.
	waitFor(t, 10*time.Second, func() bool {
		n, err := chromedp.Run(a1, chromedp.Evaluate[int](`Object.keys(JSON.parse(localStorage.getItem('wo-tabs') || '{}')).length`))
		return err == nil && n == 1
	})
	// Two more heartbeats of the two browsers: a leave sent at pagehide
	// would have arrived before them. None did, and A still counts.
	hits := seen.count("/hit")
	waitFor(t, 10*time.Second, func() bool { return seen.count("/hit") >= hits+4 })
	if n := seen.count("/leave"); n != 0 {
		t.Errorf("%d leaves sent when one of two tabs on the page closed, want 0", n)
	}
	waitCounts(t, b, "A still counted with one tab left", time.Second, "2", "2")

	closeA1()
	d := waitCounts(t, b, "A gone after closing its last tab", 2*time.Second, "1", "1")
	if n := seen.count("/leave"); n != 1 {
		t.Errorf("%d leaves sent, want 1", n)
	}
	t.Logf("reader gone %v after the tab closed (window 5m)", d.Round(10*time.Millisecond))
}

// TestBrowserContextsSameUserAgent: two browser contexts (separate
// storage, one user agent, one address) are two readers, told apart by
// their browser ids.
func TestBrowserContextsSameUserAgent(t *testing.T) {
	s := presenceServer(t)
	ts, _ := presenceSite(t, s)
	page := ts.URL + "/2030/05/post/"
	const ua = "Mozilla/5.0 (X11; Linux x86_64) TestSameUA/1.0"
	one, closeOne := newBrowser(t, ua)
	defer closeOne()
	two, closeTwo := chromedp.NewContext(one, chromedp.WithNewBrowserContext())
	defer closeTwo()
	for _, ctx := range []context.Context{one, two} {
		if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
			t.Fatal(err)
		}
	}
	ids := map[string]bool{}
	for _, ctx := range []context.Context{one, two} {
		// The script makes the id at its first beacon, once the endpoint
		// has answered: wait for it.
		var id string
		for i := 0; i < 200 && !validID(id); i++ {
			var err error
			if id, err = chromedp.Run(ctx, chromedp.Evaluate[string](`JSON.parse(localStorage.getItem('wo-id') || '{}').id || ''`)); err != nil {
				t.Fatal(err)
			}
			if !validID(id) {
				time.Sleep(25 * time.Millisecond)
			}
		}
		if !validID(id) {
			t.Errorf("browser id %q is not valid", id)
		}
		ids[id] = true
	}
	if len(ids) != 2 {
		t.Errorf("the two contexts share a browser id: %v", ids)
	}
	waitCounts(t, one, "two contexts counted as two", 15*time.Second, "2", "2")
	waitCounts(t, two, "two contexts counted as two, seen from the second", 5*time.Second, "2", "2")
}

// latestSite is a static site with no presence endpoint at all (only
// widget.js as a file): a page whose build's newest post is /2030/05/post/,
// and a latest.json the test changes, answered with an ETag and 304 to
// If-None-Match, as static hosts do.
type latestSite struct {
	mu       sync.Mutex
	body     string
	etag     string
	answered int // latest.json requests answered, 200 or 304
	notMod   int // of them, 304s
}

func (l *latestSite) set(url, title, date string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.body = fmt.Sprintf(`{"url":%q,"title":%q,"date":%q}`, url, title, date)
	l.etag = fmt.Sprintf(`"%x"`, len(l.body)*7919+int(l.body[len(l.body)-4]))
}

func (l *latestSite) counts() (answered, notModified int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.answered, l.notMod
}

func (l *latestSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_online/widget.js":
		w.Header().Set("Content-Type", "text/javascript")
		w.Write(widgetJS)
	case "/latest.json":
		l.mu.Lock()
		defer l.mu.Unlock()
		l.answered++
		w.Header().Set("ETag", l.etag)
		if r.Header.Get("If-None-Match") == l.etag {
			l.notMod++
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, l.body)
	case "/_online/", "/_online/hit", "/_online/leave":
		http.NotFound(w, r) // no endpoint
	default:
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, latestPage)
	}
}

const latestPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>post</title></head>
<body><main><p>Hello.</p></main>
<aside>
<section class="whos-online" data-whos-online data-endpoint="/_online" data-heartbeat="1" data-stream="false" aria-label="Who's online" hidden>
  <h2>Who's online</h2><div class="whos-online-body"></div>
</section>
<div class="new-post" data-new-post data-src="/latest.json" data-latest-url="/2030/05/post/" data-latest-date="2030-05-01T00:00:00Z"
  data-label="New post:" data-dismiss="Dismiss" data-dismiss-label="Dismiss the new post notice" role="status" aria-live="polite"></div>
<script src="/_online/widget.js" defer></script>
</aside></body></html>`

// noticeState is what the tab shows in the notice's live region.
type noticeState struct {
	Text   string `json:"text"`
	Href   string `json:"href"`
	Role   string `json:"role"`
	Button string `json:"button"`
	Name   string `json:"name"` // the button's aria-label
}

const readNotice = `(() => { const n = document.querySelector('[data-new-post]'); const a = n.querySelector('a');
	const b = n.querySelector('button');
	return {text: n.textContent, href: a ? a.getAttribute('href') : '', role: n.getAttribute('role'), button: b ? b.textContent : '',
	name: b ? b.getAttribute('aria-label') || '' : ''}; })()`

// waitAnswered waits until latest.json has been answered n more times
// than before: the sentinel that the tab checked it (and, from the second
// answer on, handled the first).
func (l *latestSite) waitAnswered(t *testing.T, n int) {
	t.Helper()
	before, _ := l.counts()
	waitFor(t, 15*time.Second, func() bool { got, _ := l.counts(); return got >= before+n })
}

func TestBrowserNewPostNotice(t *testing.T) {
	needBinary(t, "chromium")
	site := &latestSite{}
	site.set("/2030/05/post/", "This post", "2030-05-01T00:00:00Z")
	ts := httptest.NewServer(site)
	defer ts.Close()
	ctx, cancel := newBrowser(t, "Mozilla/5.0 (X11; Linux x86_64) TestNotice/1.0")
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/2030/05/post/")); err != nil {
		t.Fatal(err)
	}
	notice := func() noticeState {
		t.Helper()
		st, err := chromedp.Run(ctx, chromedp.Evaluate[noticeState](readNotice))
		if err != nil {
			t.Fatal(err)
		}
		return st
	}

	// latest.json names the page's own newest post: checked (twice, so
	// the first answer was handled), and no notice.
	site.waitAnswered(t, 2)
	if st := notice(); st.Text != "" {
		t.Fatalf("notice before any new post: %+v", st)
	}
	if _, nm := site.counts(); nm == 0 {
		t.Errorf("no If-None-Match 304 among the checks of an unchanged latest.json")
	}

	// A new post goes up.
	site.set("/2030/06/new/", "A <b>new</b> post", "2030-06-01T00:00:00Z")
	var st noticeState
	waitFor(t, 10*time.Second, func() bool { st = notice(); return st.Text != "" })
	want := noticeState{Text: "New post: A <b>new</b> postDismiss", Href: ts.URL + "/2030/06/new/", Role: "status", Button: "Dismiss", Name: "Dismiss the new post notice"}
	if st != want {
		t.Errorf("notice = %+v, want %+v", st, want)
	}
	// Escape dismisses it (the keyboard, as a reader would).
	if err := chromedp.Do(ctx, chromedp.KeyEvent("\u001b")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() bool { return notice().Text == "" })

	// Once per post per browser: a reload checks latest.json again and
	// shows nothing.
	if err := chromedp.Do(ctx, chromedp.Reload()); err != nil {
		t.Fatal(err)
	}
	site.waitAnswered(t, 2)
	if st := notice(); st.Text != "" {
		t.Errorf("notice shown again for the same post after a reload: %+v", st)
	}
	// An older post than the page's newest (a back-dated one) is no news.
	site.set("/2029/01/old/", "Old", "2029-01-01T00:00:00Z")
	site.waitAnswered(t, 2)
	if st := notice(); st.Text != "" {
		t.Errorf("notice for an older post: %+v", st)
	}
	// The next new post shows, and its button dismisses it.
	site.set("/2030/07/next/", "Next", "2030-07-01T00:00:00Z")
	waitFor(t, 10*time.Second, func() bool { return notice().Text != "" })
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(".new-post button"))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 5*time.Second, func() bool { return notice().Text == "" })
}

// setWindowState minimizes or restores the window of the tab ctx: the
// browser then hides or shows the page (visibilitychange), as when a
// reader minimizes it or switches to another application.
func setWindowState(t *testing.T, ctx context.Context, state browser.WindowState) {
	t.Helper()
	w, err := chromedp.Call(ctx, browser.GetWindowForTarget, browser.GetWindowForTargetParams{})
	if err != nil {
		t.Fatalf("window of the tab: %v", err)
	}
	if _, err := chromedp.Call(ctx, browser.SetWindowBounds, browser.SetWindowBoundsParams{WindowID: w.WindowID, Bounds: &browser.Bounds{WindowState: state}}); err != nil {
		t.Fatalf("set the window %s: %v", state, err)
	}
}

// waitVisibility waits until the page in ctx is visible or hidden.
func waitVisibility(t *testing.T, ctx context.Context, state string) {
	t.Helper()
	waitFor(t, 10*time.Second, func() bool {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.visibilityState`))
		return err == nil && v == state
	})
}

// TestBrowserHiddenLeave: a reader whose last visible tab of the site is
// hidden (visibilitychange) sends a leave and is off the counts within
// 2s, although the window is 5 minutes; hiding one of two tabs on the page
// sends none; the tab shown again counts again; and a page left for
// another site (pagehide) sends a leave too.
func TestBrowserHiddenLeave(t *testing.T) {
	s := presenceServer(t)
	ts, seen := presenceSite(t, s)
	page := ts.URL + "/2030/05/post/"

	a, closeA := newBrowser(t, "Mozilla/5.0 (X11; Linux x86_64) TestHideA/1.0")
	defer closeA()
	b, closeB := newBrowser(t, "Mozilla/5.0 (Macintosh) TestHideB/2.0")
	defer closeB()
	a1, closeA1 := chromedp.NewContext(a) // two tabs of A on the page, each in its own window
	defer closeA1()
	a2, closeA2 := chromedp.NewContext(a)
	defer closeA2()
	for _, ctx := range []context.Context{a1, a2, b} {
		if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
			t.Fatal(err)
		}
	}
	w1, err1 := chromedp.Call(a1, browser.GetWindowForTarget, browser.GetWindowForTargetParams{})
	w2, err2 := chromedp.Call(a2, browser.GetWindowForTarget, browser.GetWindowForTargetParams{})
	if err1 != nil || err2 != nil || w1.WindowID == w2.WindowID {
		t.Fatalf("A's tabs need windows of their own (%v, %v; windows %v, %v)", err1, err2, w1, w2)
	}
	waitCounts(t, b, "both browsers counted", 15*time.Second, "2", "2")
	tabs := func() int {
		n, err := chromedp.Run(a1, chromedp.Evaluate[int](`Object.keys(JSON.parse(localStorage.getItem('wo-tabs') || '{}')).length`))
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	waitFor(t, 10*time.Second, func() bool { return tabs() == 2 })

	// One of A's two tabs is hidden: the other still shows the page.
	setWindowState(t, a2, browser.WindowStateMinimized)
	waitVisibility(t, a2, "hidden")
	// The sentinel that its visibilitychange has run: it took itself off
	// the list of visible tabs. Then two more heartbeats of the two
	// browsers: a leave sent when it was hidden would have arrived first.
	waitFor(t, 10*time.Second, func() bool { return tabs() == 1 })
	hits := seen.count("/hit")
	waitFor(t, 10*time.Second, func() bool { return seen.count("/hit") >= hits+4 })
	if n := seen.count("/leave"); n != 0 {
		t.Errorf("%d leaves sent when one of two tabs on the page was hidden, want 0", n)
	}
	waitCounts(t, b, "A still counted with one tab visible", time.Second, "2", "2")

	// The last visible tab of A is hidden: A leaves.
	setWindowState(t, a1, browser.WindowStateMinimized)
	d := waitCounts(t, b, "A gone after its last visible tab was hidden", 2*time.Second, "1", "1")
	if n := seen.count("/leave"); n != 1 {
		t.Errorf("%d leaves sent, want 1", n)
	}
	t.Logf("reader gone %v after the tab was hidden (window 5m)", d.Round(10*time.Millisecond))

	// Shown again, the tab announces itself at once (a heartbeat is 1s,
	// the wait shorter than two).
	setWindowState(t, a1, browser.WindowStateNormal)
	waitVisibility(t, a1, "visible")
	waitCounts(t, b, "A counted again once its tab shows", 2*time.Second, "2", "2")

	// A leaves the page for another site: pagehide sends the leave.
	if err := chromedp.Do(a1, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	d = waitCounts(t, b, "A gone after leaving for another page", 2*time.Second, "1", "1")
	if n := seen.count("/leave"); n != 2 {
		t.Errorf("%d leaves sent, want 2", n)
	}
	t.Logf("reader gone %v after the page was left (window 5m)", d.Round(10*time.Millisecond))
}

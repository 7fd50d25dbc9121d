package widget

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// testPage is a minimal site page with the sidebar partial the theme
// renders, and the CSS contract: the box keeps its space while hidden.
const testPage = `<!doctype html>
<html><head><meta charset="utf-8"><title>post</title>
<style>
.whos-online { min-height: 7.5em; line-height: 1.5em; }
.whos-online[hidden] { display: block; visibility: hidden; }
.whos-online h2 { font-size: 1em; margin: 0; }
</style></head>
<body><main><p>Hello.</p></main>
<aside>
<section class="whos-online" data-whos-online data-endpoint="/_online" data-heartbeat="1" data-stream="false" aria-label="Who's online" hidden>
  <h2>Who's online</h2><div class="whos-online-body"></div>
</section>
<script src="/_online/widget.js" defer></script>
</aside></body></html>`

// newBrowser starts a headless Chromium of its own (its own profile and
// user agent: one person's browser) and returns its first tab.
func newBrowser(t *testing.T, ua string) (context.Context, context.CancelFunc) {
	t.Helper()
	bin := needBinary(t, "chromium")
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.UserAgent(ua),
	}
	actx, acancel := chromedp.NewExecAllocator(t.Context(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	if err := chromedp.Do(ctx); err != nil {
		acancel()
		t.Fatalf("start chromium: %v", err)
	}
	return ctx, func() { cancel(); acancel() }
}

// widgetState reads what the widget shows in a tab.
type widgetState struct {
	Online string   `json:"online"`
	Hidden bool     `json:"hidden"`
	Lines  []string `json:"lines"`
	Height float64  `json:"height"`
	Tags   int      `json:"tags"` // elements inside the body besides the lines
}

const readWidget = `(() => {
  const el = document.querySelector('[data-whos-online]');
  const lines = [...el.querySelectorAll('.whos-online-line')];
  return {online: el.getAttribute('data-online') || '', hidden: el.hidden,
    lines: lines.map(l => l.textContent), height: el.getBoundingClientRect().height,
    tags: el.querySelectorAll('.whos-online-body *:not(.whos-online-line)').length};
})()`

func waitWidget(t *testing.T, ctx context.Context, what string, d time.Duration, cond func(widgetState) bool) widgetState {
	t.Helper()
	deadline := time.Now().Add(d)
	for {
		st, err := chromedp.Run(ctx, chromedp.Evaluate[widgetState](readWidget))
		if err != nil {
			t.Fatalf("%s: evaluate: %v", what, err)
		}
		if cond(st) {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v; widget shows %+v", what, d, st)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestBrowserTwoReaders(t *testing.T) {
	needBinary(t, "chromium")
	secret := []byte("browser-secret")
	s := mustServer(t, Options{
		Window: 3 * time.Second, Heartbeat: time.Second, Poll: 300 * time.Millisecond,
		Flush: 100 * time.Millisecond, Refresh: 200 * time.Millisecond, HitRate: -1, Secret: secret,
	})
	mux := http.NewServeMux()
	mux.Handle("/_online/", http.StripPrefix("/_online", s))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, testPage)
	})
	ts := httptest.NewServer(mux)
	defer ts.Close()
	page := ts.URL + "/2030/05/post/"

	// Browser A belongs to a signed-in reader whose name is markup.
	const evilName = `<b>Ann</b>`
	a, closeA := newBrowser(t, "Mozilla/5.0 (X11; Linux x86_64) TestBrowserA/1.0")
	defer closeA()
	tok := SignToken(secret, evilName, time.Now().Add(time.Hour))
	if _, err := chromedp.Call(a, network.SetCookie, network.SetCookieParams{Name: tokenCookie, Value: url.PathEscape(tok), URL: ts.URL}); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(a, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	b, closeB := newBrowser(t, "Mozilla/5.0 (Macintosh) TestBrowserB/2.0")
	defer closeB()
	if err := chromedp.Do(b, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}

	two := func(st widgetState) bool { return st.Online == "2" && !st.Hidden }
	st := waitWidget(t, b, "browser B sees two readers", 15*time.Second, two)
	want := []string{"2 readers online", evilName + " and 1 guest", "2 readers on this page"}
	if strings.Join(st.Lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("widget lines = %q, want %q", st.Lines, want)
	}
	if st.Tags != 0 {
		t.Errorf("the name was parsed as markup: %d extra elements", st.Tags)
	}
	waitWidget(t, a, "browser A sees two readers", 10*time.Second, two)

	// Hidden or shown, the box keeps its height (no layout shift).
	hiddenHeight, err := chromedp.Run(b, chromedp.Evaluate[float64](`(() => { const el = document.querySelector('[data-whos-online]');
		el.hidden = true; const h = el.getBoundingClientRect().height; el.hidden = false; return h; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if hiddenHeight != st.Height {
		t.Errorf("height hidden %v, shown %v: the layout shifts", hiddenHeight, st.Height)
	}

	// A second tab in browser A is the same reader.
	a2, cancelA2 := chromedp.NewContext(a)
	defer cancelA2()
	if err := chromedp.Do(a2, chromedp.Navigate(page)); err != nil {
		t.Fatal(err)
	}
	waitWidget(t, a2, "second tab sees two readers", 10*time.Second, two)
	time.Sleep(time.Second) // a few heartbeats and polls
	waitWidget(t, b, "still two with a second tab", time.Second, two)

	// Browser A closes: after the window, one reader is left.
	closeA()
	start := time.Now()
	waitWidget(t, b, "one reader after A closed", 3*time.Second+10*time.Second, func(st widgetState) bool { return st.Online == "1" })
	// A's last beat was up to a heartbeat (1s), plus the timer's slack in a
	// busy browser, before it closed: it must count for the rest of the
	// 3s window after that beat.
	if d := time.Since(start); d < 1500*time.Millisecond {
		t.Errorf("reader gone after %v, before the 3s window less a heartbeat", d)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// serveWait bounds each wait on `blog serve` or the browser.
const serveWait = 60 * time.Second

// syncBuffer is a bytes.Buffer that a running command and a test may use
// at the same time.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// copySampleSite copies the sample blog at the repository root into a
// temporary directory and returns it.
func copySampleSite(t *testing.T) string {
	t.Helper()
	dst := t.TempDir()
	data, err := os.ReadFile("../../_config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, "_config.yaml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{"posts", "pages", "templates", "static"} {
		src := filepath.Join("../..", dir)
		if _, err := os.Stat(src); errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err := os.CopyFS(filepath.Join(dst, dir), os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// servedSite is a `blog serve` running for a test.
type servedSite struct {
	url            string // the home page
	stdout, stderr *syncBuffer
}

// startServe runs `blog serve` on a free loopback port until the test
// ends, and returns once it prints its URL. At the end of the test it
// cancels the command and checks that it returned nil.
func startServe(t *testing.T, dir string, args ...string) *servedSite {
	t.Helper()
	s := &servedSite{stdout: new(syncBuffer), stderr: new(syncBuffer)}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	args = append([]string{"serve", "--addr", "127.0.0.1:0"}, append(args, dir)...)
	go func() { done <- run(ctx, args, s.stdout, s.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("blog serve returned %v after Ctrl-C, want nil", err)
			}
		case <-time.After(serveWait):
			t.Errorf("blog serve still running %v after Ctrl-C", serveWait)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), ".site-") {
				t.Errorf("blog serve left %s behind", e.Name())
			}
		}
	})
	serving := regexp.MustCompile(`serving (http://\S+)`)
	deadline := time.Now().Add(serveWait)
	for {
		if m := serving.FindStringSubmatch(s.stdout.String()); m != nil {
			s.url = m[1]
			return s
		}
		select {
		case err := <-done:
			t.Fatalf("blog serve %q ended before serving: %v\nstderr:\n%s", args, err, s.stderr)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("blog serve printed no URL within %v\nstdout:\n%s\nstderr:\n%s", serveWait, s.stdout, s.stderr)
		}
	}
}

// waitOutput waits until the command's output matches re.
func (s *servedSite) waitOutput(t *testing.T, buf *syncBuffer, re string) {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.Now().Add(serveWait)
	for !rx.MatchString(buf.String()) {
		if time.Now().After(deadline) {
			t.Fatalf("output does not match %q within %v:\nstdout:\n%s\nstderr:\n%s", re, serveWait, s.stdout, s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestServeUsage(t *testing.T) {
	t.Parallel()
	site := t.TempDir()
	os.WriteFile(filepath.Join(site, "_config.yaml"), []byte("site: {title: T}\n"), 0o644)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"all interfaces", []string{"serve", "--addr", "0.0.0.0:0", site}, 2, "add --public"},
		{"empty host", []string{"serve", "--addr", ":0", site}, 2, "add --public"},
		{"host name", []string{"serve", "--addr", "example.com:0", site}, 2, "add --public"},
		{"bad addr", []string{"serve", "--addr", "4000", site}, 2, `bad --addr "4000"`},
		{"two dirs", []string{"serve", "a", "b"}, 2, "want at most one site directory"},
		{"bad flag", []string{"serve", "--nope"}, 2, "flag provided but not defined: -nope"},
		{"not a blog", []string{"serve", "--addr", "127.0.0.1:0", t.TempDir()}, 1, "no _config.yaml here"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			code := exitCode(run(t.Context(), tc.args, &stdout, &stderr), &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("run(%q): exit %d, stderr %q; want exit %d, stderr containing %q", tc.args, code, stderr.String(), tc.code, tc.stderr)
			}
		})
	}
}

func TestServePublicWarns(t *testing.T) {
	t.Parallel()
	site := t.TempDir()
	os.WriteFile(filepath.Join(site, "_config.yaml"), []byte("site: {title: T}\n"), 0o644)
	var stdout, stderr syncBuffer
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--public", "--addr", "0.0.0.0:0", site}, &stdout, &stderr) }()
	s := &servedSite{stdout: &stdout, stderr: &stderr}
	s.waitOutput(t, &stdout, `serving http://127\.0\.0\.1:\d+/`)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("blog serve --public: %v", err)
		}
	case <-time.After(serveWait):
		t.Fatalf("blog serve --public still running %v after Ctrl-C", serveWait)
	}
	if !strings.Contains(stderr.String(), "warning: listening on ") || !strings.Contains(stderr.String(), "reachable from the network") {
		t.Errorf("blog serve --public on 0.0.0.0: stderr %q has no warning", stderr.String())
	}
}

// TestServeCommand runs blog serve on the sample blog without a browser:
// it serves, reports rebuilds on stdout and errors on stderr, one
// file:line:col per line, and stops cleanly.
func TestServeCommand(t *testing.T) {
	t.Parallel()
	dir := copySampleSite(t)
	s := startServe(t, dir)
	resp, err := http.Get(s.url + "2026/01/welcome/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `<script src="/_blog/livereload.js"`) {
		t.Fatalf("GET the welcome post: %d, live-reload script present: %v", resp.StatusCode, strings.Contains(string(body), "livereload"))
	}
	onDisk, err := os.ReadFile(filepath.Join(dir, "_site/2026/01/welcome/index.html"))
	if err != nil || bytes.Contains(onDisk, []byte("livereload")) {
		t.Errorf("_site/2026/01/welcome/index.html: %v; the script must never be written into _site", err)
	}

	post := filepath.Join(dir, "posts", "2026-01-10-welcome.md")
	orig, err := os.ReadFile(post)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(post, append(orig, "\nOne more line.\n"...), 0o644)
	s.waitOutput(t, s.stdout, `rebuilt in \S+, \d+ written: posts/2026-01-10-welcome\.md\n`)
	os.WriteFile(post, bytes.Replace(orig, []byte("date: 2026-01-10T09:00:00+01:00"), []byte("date: someday"), 1), 0o644)
	s.waitOutput(t, s.stderr, `(?m)^posts/2026-01-10-welcome\.md:3:7: date: invalid date "someday"`)
	os.WriteFile(post, orig, 0o644)
	s.waitOutput(t, s.stdout, `(?s)rebuilt in .*rebuilt in \S+, \d+ written: posts/2026-01-10-welcome\.md\n`)
}

// chromium returns the path of Chromium, or skips the test when it is not
// installed (fails with BLOG_TEST_STRICT=1, as in CI).
func chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("BLOG_TEST_STRICT") == "1" {
		t.Fatal("chromium is not installed and BLOG_TEST_STRICT=1: install it (apt-get install chromium)")
	}
	t.Skip("chromium is not installed: skipping the browser test (set BLOG_TEST_STRICT=1 to make this a failure)")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile for the test.
func newBrowser(t testing.TB) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
	)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc() // waits for the browser to exit, before its profile is removed
	})
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return browser
}

// step runs actions on tab with a bounded wait.
func step(t testing.TB, tab context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, serveWait)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// waitJS evaluates the JavaScript expression cond in tab until it is true.
// It polls from Go, not in the page, because the page reloads meanwhile.
func waitJS(t testing.TB, tab context.Context, s *servedSite, what, cond string) {
	t.Helper()
	deadline := time.Now().Add(serveWait)
	var lastErr error
	for {
		ctx, cancel := context.WithTimeout(tab, 5*time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		cancel()
		if err == nil && ok {
			return
		}
		lastErr = err
		if time.Now().After(deadline) {
			ctx, cancel := context.WithTimeout(tab, 5*time.Second)
			text, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 2000) : ""`))
			cancel()
			t.Fatalf("waiting %v for %s: %s is still not true (last error: %v)\npage text:\n%s\nblog serve stdout:\n%s\nstderr:\n%s",
				serveWait, what, cond, lastErr, text, s.stdout, s.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// slowSave writes data to name as os.WriteFile does, truncate then write,
// with the writer held up in between for longer than the dev server's
// debounce, as happens on a loaded machine. The server must not build the
// empty file in between (serve's settle): when it did, open pages
// reloaded onto an empty post and TestServeBrowser failed now and then.
func slowSave(t *testing.T, name string, data []byte) {
	t.Helper()
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the slow writer, not an assertion
	if _, err := f.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestServeBrowser is the writer's loop in a real browser: open a post,
// edit it on disk and see the page reload with the new text; break its
// front matter and see the overlay with file:line; fix it and see the
// overlay go; edit the stylesheet and see it applied without a reload.
func TestServeBrowser(t *testing.T) {
	browser := newBrowser(t)
	dir := copySampleSite(t)
	s := startServe(t, dir)
	post := filepath.Join(dir, "posts", "2026-01-10-welcome.md")
	orig, err := os.ReadFile(post)
	if err != nil {
		t.Fatal(err)
	}
	const before, after = "`blog` is a static blog generator", "`blog` is an end-to-end tested blog generator"
	if !bytes.Contains(orig, []byte(before)) {
		t.Fatalf("the welcome post no longer says %q: update this test", before)
	}
	const date = "date: 2026-01-10T09:00:00+01:00"
	if !bytes.Contains(orig, []byte(date)) {
		t.Fatalf("the welcome post no longer has %q: update this test", date)
	}

	step(t, browser, "open the welcome post", chromedp.Navigate(s.url+"2026/01/welcome/"))
	waitJS(t, browser, s, "the page with live reload", `window.__blogLiveReload === true && document.body.innerText.includes("Welcome to blog")`)
	step(t, browser, "mark the page", chromedp.Evaluate[chromedp.Void](`window.__e2eMark = 1`))

	edited := bytes.Replace(orig, []byte(before), []byte(after), 1)
	slowSave(t, post, edited)
	waitJS(t, browser, s, "the reload with the new text", `window.__e2eMark === undefined && document.body.innerText.includes("is an end-to-end tested blog generator")`)

	broken := bytes.Replace(edited, []byte(date), []byte("date: the day after tomorrow"), 1)
	slowSave(t, post, broken)
	const overlay = `document.getElementById("blog-serve-error-overlay")`
	waitJS(t, browser, s, "the error overlay with file:line", overlay+` !== null && `+overlay+`.textContent.includes("posts/2026-01-10-welcome.md:3:")`)
	waitJS(t, browser, s, "the last good page under the overlay", `document.body.innerText.includes("is an end-to-end tested blog generator")`)

	slowSave(t, post, edited)
	waitJS(t, browser, s, "the overlay gone after the fix", overlay+` === null && document.body.innerText.includes("is an end-to-end tested blog generator")`)

	step(t, browser, "mark the page", chromedp.Evaluate[chromedp.Void](`window.__e2eMark = 2`))
	css := filepath.Join(dir, "static", "css", "style.css")
	style, err := os.ReadFile(css)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(css, append(style, "\nbody { outline: 3px solid rgb(1, 2, 3); }\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	waitJS(t, browser, s, "the new stylesheet without a reload", `window.__e2eMark === 2 && getComputedStyle(document.body).outlineColor === "rgb(1, 2, 3)"`)

	// Eight more tabs of the same browser: more than the six connections a
	// browser opens to one host, so they only load and reload if the tabs
	// share one event stream.
	var tabs []context.Context
	for i := range 8 {
		tab, cancel := chromedp.NewContext(browser)
		t.Cleanup(cancel)
		if err := chromedp.Do(tab); err != nil {
			t.Fatalf("open tab %d: %v", i, err)
		}
		step(t, tab, "open the welcome post in another tab", chromedp.Navigate(s.url+"2026/01/welcome/"))
		waitJS(t, tab, s, "the page with live reload", `window.__blogLiveReload === true`)
		step(t, tab, "mark the page", chromedp.Evaluate[chromedp.Void](`window.__e2eMark = 3`))
		tabs = append(tabs, tab)
	}
	slowSave(t, post, bytes.Replace(edited, []byte(after), []byte("`blog` is a many-tabbed blog generator"), 1))
	for _, tab := range append(tabs, browser) {
		waitJS(t, tab, s, "every tab reloaded with the new text", `window.__e2eMark === undefined && document.body.innerText.includes("is a many-tabbed blog generator")`)
	}
}

// snapshot is the part of the widget's JSON snapshot the tests read.
type snapshot struct {
	Time        time.Time `json:"time"`
	Total, Page int64
}

// waitSnapshot polls the widget's snapshot of the home page until cond
// holds, and returns it. Reading the snapshot reports nobody.
func waitSnapshot(t *testing.T, s *servedSite, what string, cond func(snapshot) bool) snapshot {
	t.Helper()
	u, err := url.Parse(s.url)
	if err != nil {
		t.Fatal(err)
	}
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(serveWait)
	var last snapshot
	for time.Now().Before(deadline) {
		resp, err := client.Get(s.url + "_online/?path=" + url.QueryEscape(u.Path))
		if err == nil {
			var sn snapshot
			err = json.NewDecoder(resp.Body).Decode(&sn)
			resp.Body.Close()
			if err == nil {
				if cond(sn) {
					return sn
				}
				last = sn
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("waiting %v for %s: last snapshot %+v", serveWait, what, last)
	return snapshot{}
}

// TestServeWhosOnline opens the sample blog in two browser contexts with
// different user agents: the sidebar counts two readers, served by the
// embedded Redis.
func TestServeWhosOnline(t *testing.T) {
	dir := copySampleSite(t)
	// A short window, so a reader who leaves is gone within the test, but
	// longer than the second tab's first hit takes to be counted (see
	// below), so that the first tab still counts then even if the browser
	// hides it and it stops beating.
	cfg, err := os.ReadFile(filepath.Join(dir, "_config.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	short := strings.Replace(strings.Replace(string(cfg), "  window: 5m ", "  window: 10s", 1), "  heartbeat: 60s ", "  heartbeat: 1s  ", 1)
	if short == string(cfg) || !strings.Contains(short, "window: 10s") || !strings.Contains(short, "heartbeat: 1s") {
		t.Fatal("could not shorten widget.window and widget.heartbeat in the sample _config.yaml")
	}
	if err := os.WriteFile(filepath.Join(dir, "_config.yaml"), []byte(short), 0o644); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, dir)
	resp, err := http.Get(s.url + "_online/widget.js")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /_online/widget.js: %s, want 200: the endpoint is not mounted", resp.Status)
	}
	browser := newBrowser(t)
	const readers = `(document.querySelector("[data-whos-online]") || {getAttribute() { return "" }}).getAttribute("data-online")`
	var tabs []context.Context
	var closeSecond context.CancelFunc
	uas := []string{
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36 blog-e2e-reader-1",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15 blog-e2e-reader-2",
	}
	for i, ua := range uas {
		tab, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
		t.Cleanup(cancel)
		if i == 1 {
			closeSecond = cancel
		}
		// The first run opens the tab and binds it to this context: it
		// must not have a timeout, or the tab closes with it.
		if err := chromedp.Do(tab); err != nil {
			t.Fatalf("open a browser context: %v", err)
		}
		step(t, tab, "set the user agent", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua})
			return err
		}))
		step(t, tab, "open the welcome post", chromedp.Navigate(s.url+"2026/01/welcome/"))
		waitJS(t, tab, s, "the who's-online box", readers+` !== ""`)
		tabs = append(tabs, tab)
	}
	waitJS(t, tabs[1], s, "two readers in the second browser", readers+` === "2"`)
	step(t, tabs[0], "reload the first browser", chromedp.Reload())
	waitJS(t, tabs[0], s, "two readers in the first browser", readers+` === "2"`)

	// A second tab in the first browser is the same reader.
	tab2, cancel := chromedp.NewContext(tabs[0])
	t.Cleanup(cancel)
	if err := chromedp.Do(tab2); err != nil {
		t.Fatalf("open a second tab: %v", err)
	}
	// The override is per tab; a real browser sends one user agent from
	// all its tabs.
	step(t, tab2, "set the user agent of the second tab", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: uas[0]})
		return err
	}))
	step(t, tab2, "open the index in a second tab", chromedp.Navigate(s.url))
	waitJS(t, tab2, s, "the who's-online box in the second tab", readers+` !== ""`)
	// The sentinel: a snapshot that counts the second tab's own hit (one
	// reader on the index, where only it is), then a full read of the
	// store made after that. It must still count two readers, not three:
	// the first tab beat at most a heartbeat before the second opened,
	// well inside the window, so it would count on its own if tabs were
	// readers (checked by giving the second tab another user agent: 3). (A
	// snapshot's page count can be newer than its totals: only a read
	// dated after the hit was seen counts both.)
	waitSnapshot(t, s, "the second tab's hit counted on the index", func(sn snapshot) bool { return sn.Page == 1 })
	seen := time.Now()
	sn := waitSnapshot(t, s, "a full read after the second tab's hit", func(sn snapshot) bool { return sn.Time.After(seen) })
	if sn.Total != 2 || sn.Page != 1 {
		t.Errorf("with a second tab of the first browser: %d readers, %d on the index; want 2 and 1: a tab must not count as a reader", sn.Total, sn.Page)
	}

	// Close the second browser: after the window it is no longer counted.
	// (Watch the second tab: it is the visible one, and a hidden tab stops
	// polling.)
	closeSecond()
	waitJS(t, tab2, s, "one reader after the second browser closed", readers+` === "1"`)
}

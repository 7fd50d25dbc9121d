package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/blog-gen/blog/build"
)

// staticSite serves a built site on loopback as a static host would, gzip
// compressed, and counts the compressed bytes it sends under /search/.
type staticSite struct {
	*servedSite
	mu          sync.Mutex
	searchBytes int64
	searchFiles []string
	// precompressed makes the server compress each file once, as a host
	// that serves precompressed files (or caches what it compressed)
	// does, for benchmarks that measure the reader's side; the files
	// must not change while it serves them.
	precompressed bool
	gz            map[string]gzipped
}

// gzipped is a file's compressed response.
type gzipped struct {
	ctype string
	body  []byte
}

// cached returns the compressed response to r, compressing it the first
// time; ok is false when it is not a file's 200 response.
func (s *staticSite) cached(files http.Handler, r *http.Request) (gzipped, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.gz[r.URL.Path]; ok || !s.precompressed || r.Method != http.MethodGet {
		return g, ok
	}
	rec := httptest.NewRecorder()
	files.ServeHTTP(rec, r)
	if rec.Code != http.StatusOK {
		return gzipped{}, false
	}
	var buf bytes.Buffer
	z := gzip.NewWriter(&buf)
	z.Write(rec.Body.Bytes())
	z.Close()
	g := gzipped{ctype: rec.Header().Get("Content-Type"), body: buf.Bytes()}
	if s.gz == nil {
		s.gz = map[string]gzipped{}
	}
	s.gz[r.URL.Path] = g
	return g, true
}

func (s *staticSite) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.searchBytes, s.searchFiles = 0, nil
}

func (s *staticSite) downloaded() (int64, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.searchBytes, append([]string(nil), s.searchFiles...)
}

type countingWriter struct {
	io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.Writer.Write(p)
	c.n += int64(n)
	return n, err
}

// gzipWriter is a ResponseWriter whose body goes through gzip.
type gzipWriter struct {
	http.ResponseWriter
	z *gzip.Writer
}

func (g gzipWriter) Write(p []byte) (int, error) { return g.z.Write(p) }

func serveStatic(t testing.TB, dir string) *staticSite {
	t.Helper()
	s := &staticSite{}
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{Writer: w}
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Cache-Control", "no-store")
		if g, ok := s.cached(files, r); ok {
			w.Header().Set("Content-Type", g.ctype)
			cw.Write(g.body)
		} else {
			z, _ := gzip.NewWriterLevel(cw, gzip.DefaultCompression)
			files.ServeHTTP(gzipWriter{w, z}, r)
			z.Close()
		}
		if strings.HasPrefix(r.URL.Path, "/search/") && r.URL.Path != "/search/" {
			s.mu.Lock()
			s.searchBytes += cw.n
			s.searchFiles = append(s.searchFiles, r.URL.Path)
			s.mu.Unlock()
		}
	}))
	t.Cleanup(srv.Close)
	s.servedSite = &servedSite{url: srv.URL + "/", stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	return s
}

// buildSite builds the site in dir for the URL it is about to be served
// at, then returns it served.
func buildServed(t testing.TB, dir string) *staticSite {
	t.Helper()
	cfg, err := build.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Site.URL = "http://127.0.0.1/"
	cfg.Widget.Enabled = build.SwitchOff
	if _, err := build.Run(context.Background(), cfg, build.Options{NoCache: true}); err != nil {
		t.Fatal(err)
	}
	return serveStatic(t, filepath.Join(dir, cfg.Build.Output))
}

// TestSearchBrowser types a query into the header's search box of a post
// page, presses Enter, and gets the search page with the right post first,
// the query word marked in its excerpt; then it moves to the result with
// the arrow key.
func TestSearchBrowser(t *testing.T) {
	browser := newBrowser(t)
	s := buildServed(t, copySampleSite(t))
	step(t, browser, "open a post", chromedp.Navigate(s.url+"2026/01/welcome/"))
	step(t, browser, "type a query in the header", chromedp.SendKeys(chromedp.ID("site-search-q"), "rollback"+kb.Enter))
	waitJS(t, browser, s.servedSite, "the results", `location.pathname === "/search/" && document.querySelector("#search-results li a") !== null`)
	first := evalString(t, browser, `document.querySelector("#search-results li a").getAttribute("href")`)
	status := evalString(t, browser, `document.getElementById("search-status").textContent`)
	marked := evalString(t, browser, `document.querySelector("#search-results li p:not(.meta) mark").textContent`)
	if first != "/2026/06/publishing/" {
		t.Errorf("first result for rollback = %q, want /2026/06/publishing/", first)
	}
	if !strings.Contains(status, "match") || strings.ToLower(marked) != "rollback" && strings.ToLower(marked) != "rollbacks" {
		t.Errorf("status %q, marked %q; want a count of matches and rollback marked", status, marked)
	}
	step(t, browser, "arrow down", chromedp.KeyEvent(kb.ArrowDown))
	waitJS(t, browser, s.servedSite, "the first result focused", `document.activeElement === document.querySelector("#search-results li a")`)

	// Typing on the search page updates the results without a submit.
	step(t, browser, "type another query", chromedp.Evaluate[chromedp.Void](`document.getElementById("search-q").value = ""`), chromedp.SendKeys(chromedp.ID("search-q"), "chroma styl"))
	waitJS(t, browser, s.servedSite, "results for a prefix", `new URLSearchParams(location.search).get("q") === "chroma styl" && document.querySelector("#search-results li a").getAttribute("href") === "/2026/03/code-highlighting/"`)
}

// evalString evaluates the JavaScript expression js in tab.
func evalString(t testing.TB, tab context.Context, js string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, serveWait)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

package serve_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/serve"
)

const secret = "TOP SECRET: outside the output"

// newOutput writes a built site by hand (no build) plus a secret file
// outside the output directory, and serves it with a Server's handler.
func newOutput(t *testing.T, siteURL string, widget http.Handler) (*httptest.Server, string) {
	t.Helper()
	root := t.TempDir()
	writeFile(t, root, "secret.txt", secret)
	files := map[string]string{
		"index.html":           "<!DOCTYPE html><html><head><title>Home</title></head><body><p>home</p></BODY></html>",
		"404.html":             "<!DOCTYPE html><html><body><h1>Page not found</h1></body></html>",
		"2026/01/a/index.html": "<html><body>post a</body></html>",
		"nobody.html":          "<p>no body element</p>",
		"css/style.css":        "body{}",
		"js/app.js":            "console.log(1)",
		"atom.xml":             "<feed/>",
		"img/dot.svg":          "<svg xmlns=\"http://www.w3.org/2000/svg\"/>",
		"fonts/f.woff2":        "wOF2",
		"data.bin":             "\x00\x01\x02binary",
		"empty/.keep":          "",
	}
	out := filepath.Join(root, "_site")
	for rel, data := range files {
		writeFile(t, out, rel, data)
	}
	mustSymlink(t, filepath.Join(root, "secret.txt"), filepath.Join(out, "leak.txt"))
	mustSymlink(t, root, filepath.Join(out, "up"))
	mustSymlink(t, "../secret.txt", filepath.Join(out, "rel-leak.txt"))
	mustSymlink(t, "css/style.css", filepath.Join(out, "inside.css"))

	cfg := build.DefaultConfig()
	cfg.Root = root
	if siteURL != "" {
		cfg.Site.URL = siteURL
	}
	s, err := serve.New(cfg, serve.Options{Widget: widget})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	return ts, root
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

// noRedirect is a client that reports redirects instead of following them.
var noRedirect = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	Timeout:       wait,
}

func TestServeFiles(t *testing.T) {
	t.Parallel()
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "widget saw %q", r.URL.Path)
	})
	ts, _ := newOutput(t, "", echo)
	tests := []struct {
		method, path string
		status       int
		ctype        string // Content-Type prefix
		body         string // substring of the body
		location     string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8", "<p>home</p>", ""},
		{"GET", "/index.html", 200, "text/html; charset=utf-8", "<p>home</p>", ""},
		{"GET", "/2026/01/a/", 200, "text/html; charset=utf-8", "post a", ""},
		{"GET", "/2026/01/a", 302, "", "", "/2026/01/a/"},
		{"GET", "/2026/01/a?x=1", 302, "", "", "/2026/01/a/?x=1"},
		{"GET", "/2026", 302, "", "", "/2026/"},
		{"GET", "/2026/", 404, "text/html; charset=utf-8", "Page not found", ""}, // a directory without index.html
		{"GET", "/empty/", 404, "text/html; charset=utf-8", "Page not found", ""},
		{"GET", "/nope", 404, "text/html; charset=utf-8", "Page not found", ""},
		{"GET", "/nope/deeper.css", 404, "text/html; charset=utf-8", "Page not found", ""},
		{"GET", "/css/style.css", 200, "text/css; charset=utf-8", "body{}", ""},
		{"GET", "/js/app.js", 200, "text/javascript; charset=utf-8", "console.log(1)", ""},
		{"GET", "/atom.xml", 200, "application/xml", "<feed/>", ""},
		{"GET", "/img/dot.svg", 200, "image/svg+xml", "<svg", ""},
		{"GET", "/fonts/f.woff2", 200, "font/woff2", "wOF2", ""},
		{"GET", "/data.bin", 200, "application/octet-stream", "binary", ""},
		{"GET", "/inside.css", 200, "text/css; charset=utf-8", "body{}", ""}, // a symlink that stays inside
		{"HEAD", "/", 200, "text/html; charset=utf-8", "", ""},
		{"POST", "/", 405, "", "", ""},
		{"GET", "/_blog/livereload.js", 200, "text/javascript", "EventSource", ""},
		{"GET", "/_online/widget.js", 200, "", `widget saw "/widget.js"`, ""},
		{"GET", "/_online", 200, "", `widget saw ""`, ""},
		{"POST", "/_online/hit", 200, "", `widget saw "/hit"`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			t.Parallel()
			req, err := http.NewRequest(tc.method, ts.URL+tc.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status {
				t.Errorf("%s %s: status %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
			}
			if got := resp.Header.Get("Cache-Control"); got != "no-store" {
				t.Errorf("%s %s: Cache-Control %q, want no-store", tc.method, tc.path, got)
			}
			if got := resp.Header.Get("Content-Type"); !strings.HasPrefix(got, tc.ctype) {
				t.Errorf("%s %s: Content-Type %q, want %q", tc.method, tc.path, got, tc.ctype)
			}
			if !strings.Contains(string(body), tc.body) {
				t.Errorf("%s %s: body %q does not contain %q", tc.method, tc.path, body, tc.body)
			}
			if got := resp.Header.Get("Location"); got != tc.location {
				t.Errorf("%s %s: Location %q, want %q", tc.method, tc.path, got, tc.location)
			}
			if tc.method == "HEAD" && len(body) != 0 {
				t.Errorf("HEAD %s: got a body of %d bytes", tc.path, len(body))
			}
		})
	}
}

// TestServeInjectsScript checks that HTML pages, and only they, get the
// live-reload script, once, before </body>.
func TestServeInjectsScript(t *testing.T) {
	t.Parallel()
	ts, root := newOutput(t, "", nil)
	tests := []struct {
		path   string
		inject bool
		suffix string // how the body ends
	}{
		{"/", true, "</BODY></html>"},
		{"/2026/01/a/", true, "</body></html>"},
		{"/nope", true, "</body></html>"}, // the 404 page
		{"/nobody.html", true, "</script>\n"},
		{"/css/style.css", false, "body{}"},
		{"/atom.xml", false, "<feed/>"},
	}
	for _, tc := range tests {
		body := get(t, ts.URL+tc.path)
		n := strings.Count(body, `<script src="/_blog/livereload.js"`)
		if tc.inject && n != 1 || !tc.inject && n != 0 {
			t.Errorf("GET %s: %d live-reload scripts, want inject=%v:\n%s", tc.path, n, tc.inject, body)
		}
		if !strings.HasSuffix(body, tc.suffix) {
			t.Errorf("GET %s: body ends %q, want it to end with %q", tc.path, body[max(0, len(body)-40):], tc.suffix)
		}
	}
	data, err := os.ReadFile(filepath.Join(root, "_site", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "livereload") {
		t.Errorf("the script was written into the output directory")
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := noRedirect.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(body)
}

// TestServeTraversal sends raw request lines, as an attacker's client
// would, so that no client-side cleaning hides a hole. Nothing outside the
// output directory may come back.
func TestServeTraversal(t *testing.T) {
	t.Parallel()
	ts, _ := newOutput(t, "", nil)
	addr := strings.TrimPrefix(ts.URL, "http://")
	tests := []struct {
		target string
		status int
	}{
		{"/../secret.txt", 307},          // ServeMux cleans to /secret.txt, which is not in the output
		{"/../../../../etc/passwd", 307}, // idem
		{"/css/../../secret.txt", 307},
		{"/%2e%2e/secret.txt", 404}, // decoded to "..": refused
		{"/%2e%2e%2fsecret.txt", 400},
		{"/css%2f..%2f..%2fsecret.txt", 400},
		{"/css%2F..%2F..%2Fsecret.txt", 400},
		{"/..%5csecret.txt", 400},
		{"/..\\secret.txt", 400},
		{"/secret.txt%00.html", 400},
		{"/secret.txt", 404},
		{"/leak.txt", 404},     // absolute symlink out
		{"/rel-leak.txt", 404}, // relative symlink out
		{"/up/secret.txt", 404},
		{"/up/", 404},
		{"//secret.txt", 307},
		{"/./secret.txt", 307},
	}
	for _, tc := range tests {
		status, head, body := rawGet(t, addr, tc.target)
		if strings.Contains(body, secret) {
			t.Errorf("GET %s: the secret file leaked:\n%s", tc.target, body)
		}
		if status != tc.status {
			t.Errorf("GET %s: status %d, want %d\n%s", tc.target, status, tc.status, head)
		}
		if loc := headerValue(head, "Location"); loc != "" {
			// Follow one redirect: it must not lead to the secret either.
			if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
				t.Errorf("GET %s: redirect to %q leaves the site", tc.target, loc)
				continue
			}
			if _, _, body := rawGet(t, addr, loc); strings.Contains(body, secret) {
				t.Errorf("GET %s → %s: the secret file leaked", tc.target, loc)
			}
		}
	}
}

// rawGet sends one GET with target written verbatim on the request line.
func rawGet(t *testing.T, addr, target string) (status int, head, body string) {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, wait)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(wait))
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", target, addr)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var h strings.Builder
	resp.Header.Write(&h)
	return resp.StatusCode, h.String(), string(b)
}

func headerValue(head, key string) string {
	for line := range strings.SplitSeq(head, "\r\n") {
		if k, v, ok := strings.Cut(line, ": "); ok && strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}

// TestServeBasePath serves a site whose URL has a path: pages live under
// it, and / leads there.
func TestServeBasePath(t *testing.T) {
	t.Parallel()
	ts, _ := newOutput(t, "http://localhost:4000/blog/", nil)
	tests := []struct {
		path     string
		status   int
		location string
	}{
		{"/", 302, "/blog/"},
		{"/blog", 302, "/blog/"},
		{"/blog/", 200, ""},
		{"/blog/css/style.css", 200, ""},
		{"/css/style.css", 404, ""},
		{"/_blog/livereload.js", 200, ""},
	}
	for _, tc := range tests {
		resp, err := noRedirect.Get(ts.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.location {
			t.Errorf("GET %s: %d to %q, want %d to %q", tc.path, resp.StatusCode, resp.Header.Get("Location"), tc.status, tc.location)
		}
	}
}

// TestServeNotBuilt serves before any build succeeded: a page that shows
// the errors and reloads after the first good build.
func TestServeNotBuilt(t *testing.T) {
	t.Parallel()
	cfg := build.DefaultConfig()
	cfg.Root = t.TempDir()
	s, err := serve.New(cfg, serve.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	defer ts.Close()
	resp, err := http.Get(ts.URL + "/2026/")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "/_blog/livereload.js") {
		t.Errorf("GET before any build: %d\n%s\nwant 503 with the live-reload script", resp.StatusCode, body)
	}
}

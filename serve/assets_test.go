package serve_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/serve"
)

// TestServeAssetsImmutable: the program's fingerprinted assets are cached
// for a year, immutable; every other file, a static one named like an
// asset included, stays no-store.
func TestServeAssetsImmutable(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	a := build.Asset{Name: "js/whos-online.js", Data: []byte("console.log(1)")}
	out := filepath.Join(root, "_site")
	writeFile(t, out, a.Path(), string(a.Data))
	writeFile(t, out, "js/app.0123456789ab.js", "mine")
	writeFile(t, out, "index.html", "<html><body>home</body></html>")
	cfg := build.DefaultConfig()
	cfg.Root = root
	s, err := serve.New(cfg, serve.Options{Build: build.Options{Assets: []build.Asset{a}}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s)
	t.Cleanup(ts.Close)
	tests := []struct{ path, cache, body string }{
		{"/" + a.Path(), "public, max-age=31536000, immutable", string(a.Data)},
		{"/js/app.0123456789ab.js", "no-store", "mine"},
		{"/", "no-store", ""},
	}
	for _, tc := range tests {
		resp, err := http.Get(ts.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != tc.cache || tc.body != "" && string(body) != tc.body {
			t.Errorf("GET %s: %s, Cache-Control %q, body %q; want 200, %q, %q", tc.path, resp.Status, resp.Header.Get("Cache-Control"), body, tc.cache, tc.body)
		}
	}
}

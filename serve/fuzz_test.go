package serve

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blog-gen/blog/build"
)

// FuzzURLPath maps arbitrary URL paths to files of the output directory,
// under the root and under a base path: relPath never panics and never
// names a path outside the output directory, and ServeHTTP never serves
// the secret beside it nor answers 5xx.
func FuzzURLPath(f *testing.F) {
	for _, seed := range []string{
		"/", "/index.html", "/blog/", "/blog", "/blog/a/", "/a/../../secret.txt", "/..", "/../secret.txt",
		"/blog/../secret.txt", "/./a", "//secret.txt", "/a//b/", "/%2e%2e/secret.txt", "/a%2f..%2fsecret.txt",
		"/a\\..\\secret.txt", "/a\x00b", "/up/secret.txt", "/leak.txt", "/blog/leak.txt", "/café/", "/a/./../../b",
		"/" + strings.Repeat("../", 50) + "etc/passwd",
	} {
		f.Add(seed)
	}
	root := f.TempDir()
	os.WriteFile(filepath.Join(root, "secret.txt"), []byte("TOP SECRET"), 0o644)
	out := filepath.Join(root, "_site")
	os.MkdirAll(filepath.Join(out, "a"), 0o755)
	os.WriteFile(filepath.Join(out, "index.html"), []byte("<body>home</body>"), 0o644)
	os.WriteFile(filepath.Join(out, "a", "index.html"), []byte("<body>a</body>"), 0o644)
	os.Symlink(filepath.Join(root, "secret.txt"), filepath.Join(out, "leak.txt"))
	os.Symlink(root, filepath.Join(out, "up"))
	var servers []*Server
	for _, site := range []string{"http://localhost/", "https://example.com/blog/"} {
		cfg := build.DefaultConfig()
		cfg.Root, cfg.Site.URL = root, site
		s, err := New(cfg, Options{})
		if err != nil {
			f.Fatal(err)
		}
		servers = append(servers, s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		for _, s := range servers {
			rel, ok := s.relPath(p)
			if ok {
				if !fs.ValidPath(rel) {
					t.Errorf("relPath(%q) under %s = %q: not a valid path inside the output", p, s.base, rel)
				}
				full := filepath.Join(s.out, filepath.FromSlash(rel))
				if !within(full, s.out) {
					t.Errorf("relPath(%q) under %s = %q: %s is outside %s", p, s.base, rel, full, s.out)
				}
			}
			r := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: p}, Header: http.Header{}, Host: "localhost"}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			if w.Code >= 500 && w.Code != http.StatusServiceUnavailable {
				t.Errorf("GET %q under %s: status %d", p, s.base, w.Code)
			}
			if strings.Contains(w.Body.String(), "TOP SECRET") {
				t.Errorf("GET %q under %s served the file outside the output directory", p, s.base)
			}
		}
	})
}

package build_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/build"
)

// TestCatalogEdits: the site's label file is an input of every page: an
// edit to it renders them again, and a bad label in it is an error at its
// line and column.
func TestCatalogEdits(t *testing.T) {
	t.Parallel()
	root := site(t, map[string]string{
		"_config.yaml": "site: {title: T, url: https://example.com/, language: fr}\n",
		"posts/a.md":   "---\ntitle: A\ndate: 2026-01-02\n---\nUn.\n",
		"posts/b.md":   "---\ntitle: B\ndate: 2026-01-03\n---\nDeux.\n",
	})
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	runBuild(t, cfg, build.Options{})
	page := filepath.Join(root, "_site/2026/01/b/index.html")
	if got := string(readFile(t, page)); !strings.Contains(got, "<span>Plus ancien</span>") || !strings.Contains(got, "3 janvier 2026") {
		t.Fatalf("French page without its French labels:\n%s", got)
	}
	writeFile(t, filepath.Join(root, "i18n/fr.yaml"), []byte("older: Avant\n"))
	res := runBuild(t, cfg, build.Options{})
	if got := string(readFile(t, page)); !strings.Contains(got, "<span>Avant</span>") {
		t.Errorf("after i18n/fr.yaml changed (%s), the page still says:\n%s", res, got)
	}
	if d := cmp.Diff(fullSnapshot(t, root), snapshot(t, cfg.OutputDir())); d != "" {
		t.Errorf("build after a label edit differs from a full one (-full +got):\n%s", d)
	}

	writeFile(t, filepath.Join(root, "i18n/fr.yaml"), []byte("older: Avant\nnewr: Après\n"))
	_, err = build.Run(t.Context(), cfg, build.Options{})
	if want := `i18n/fr.yaml:2:1: unknown label "newr" (did you mean "newer"?)`; err == nil || err.Error() != want {
		t.Errorf("build with a bad label: %v, want %s", err, want)
	}
}

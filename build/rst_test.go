package build_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/highlight"
	"github.com/blog-gen/blog/internal/testenv"
)

const rstPost = ":date: 2026-01-02\n:title: R\n\nHello *reST*.\n"

// TestRSTNoDocutils: with no python3 in PATH, a site with .rst posts
// fails with one message saying how to install docutils and how to turn
// reST off; a site without them, or with rst.enabled: false, builds.
func TestRSTNoDocutils(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	root := site(t, map[string]string{
		"_config.yaml": okConfig,
		"posts/a.rst":  rstPost,
		"posts/b.rst":  rstPost,
		"posts/c.md":   "---\ntitle: C\ndate: 2026-01-01\n---\nHi.\n",
	})
	err := buildSite(t, root)
	want := "reStructuredText posts need docutils (Python 3): install it with `apt-get install python3-docutils` (Debian, Ubuntu) or `pip install docutils`, or set rst.enabled: false to build without them (no python3 in PATH)"
	if err == nil || err.Error() != want {
		t.Fatalf("build error =\n%v\nwant\n%s", err, want)
	}

	mdOnly := site(t, map[string]string{
		"_config.yaml": okConfig,
		"posts/c.md":   "---\ntitle: C\ndate: 2026-01-01\n---\nHi.\n",
	})
	if err := buildSite(t, mdOnly); err != nil {
		t.Errorf("a site without .rst posts needs docutils: %v", err)
	}

	writeFile(t, filepath.Join(root, "_config.yaml"), []byte(okConfig+"rst:\n  enabled: false\n"))
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	res, err := build.Run(t.Context(), cfg, build.Options{Now: func() time.Time { return testNow }})
	if err != nil {
		t.Errorf("with rst.enabled: false: %v", err)
	}
	warned := strings.Join(strings.Fields(string(warningLines(res.Warnings))), " ")
	for _, name := range []string{"posts/a.rst", "posts/b.rst"} {
		if !strings.Contains(warned, name+": warning: not a post") {
			t.Errorf("with rst.enabled: false, no warning that %s is not a post, in:\n%s", name, warned)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "_site/2026/01/a/index.html")); err == nil {
		t.Errorf("with rst.enabled: false, a .rst post was built")
	}
}

func TestRSTConfigErrors(t *testing.T) {
	root := site(t, map[string]string{"_config.yaml": okConfig + "rst:\n  python: \"\"\n  timeout: 0s\n"})
	_, err := build.Load(root)
	want := "_config.yaml:3:11: rst.python: want the Python 3 program to run docutils with, such as python3\n" +
		"_config.yaml:4:12: rst.timeout: want a duration above 0, such as 30s, not 0s"
	if err == nil || err.Error() != want {
		t.Errorf("Load error =\n%v\nwant\n%s", err, want)
	}
}

// TestRSTLineNumbers: a :linenos: block is what package highlight writes
// with line numbers on.
func TestRSTLineNumbers(t *testing.T) {
	testenv.Docutils(t)
	code := "package main\n\nfunc main() {\n\tprintln(1)\n}\n"
	var body strings.Builder
	body.WriteString(":date: 2026-01-02\n\n.. code-block:: go\n   :linenos:\n   :emphasize-lines: 3\n\n")
	for l := range strings.Lines(code) {
		if l != "\n" {
			body.WriteString("   " + l)
		} else {
			body.WriteString(l)
		}
	}
	root := site(t, map[string]string{
		"_config.yaml": okConfig + "highlight:\n  tab_width: 8\n",
		"posts/a.rst":  body.String(),
	})
	if err := buildSite(t, root); err != nil {
		t.Fatal(err)
	}
	h, err := highlight.New(highlight.Options{LineNumbers: true, TabWidth: 8})
	if err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	// docutils expands tabs to its tab width (highlight.tab_width) before
	// it takes the directive's indentation (3) off
	if err := h.Highlight(&want, "go", strings.ReplaceAll(code, "\t", "     "), [][2]int{{3, 3}}); err != nil {
		t.Fatal(err)
	}
	page := string(readFile(t, filepath.Join(root, "_site/2026/01/a/index.html")))
	if !strings.Contains(page, want.String()) {
		t.Errorf("page has no\n%s\nin\n%s", want.String(), page)
	}
}

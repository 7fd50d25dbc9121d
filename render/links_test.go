package render

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLinksGolden renders testdata/links/*.md on a site at /blog/, with
// raw HTML allowed and not, against golden files (go test -update
// rewrites them).
func TestLinksGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/links/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, file := range files {
		for _, unsafe := range []bool{true, false} {
			name := strings.TrimSuffix(file, ".md")
			if !unsafe {
				name += ".safe"
			}
			t.Run(filepath.Base(name), func(t *testing.T) {
				src, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				_, body, line, err := SplitFrontMatter(file, src)
				if err != nil {
					t.Fatal(err)
				}
				md := NewMarkdown(MarkdownOptions{Footnotes: true, UnsafeHTML: unsafe, Highlighter: fakeHighlighter{}, BasePath: "/blog/"})
				r, err := md.Render(file, body, line)
				if err != nil {
					t.Fatal(err)
				}
				got := fmt.Sprintf("%s\n<!-- summary -->\n%s\n", r.HTML, r.Summary)
				checkGolden(t, name+".html.golden", []byte(got))
			})
		}
	}
}

// TestLinksAtTheRoot checks that a site at the root renders exactly as
// without the transformer.
func TestLinksAtTheRoot(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("testdata/links/subpath.md")
	if err != nil {
		t.Fatal(err)
	}
	_, body, line, _ := SplitFrontMatter("a.md", src)
	plain, err := NewMarkdown(MarkdownOptions{UnsafeHTML: true}).Render("a.md", body, line)
	if err != nil {
		t.Fatal(err)
	}
	for _, base := range []string{"", "/", "https://example.com/"} {
		got, err := NewMarkdown(MarkdownOptions{UnsafeHTML: true, BasePath: base}).Render("a.md", body, line)
		if err != nil {
			t.Fatal(err)
		}
		if got.HTML != plain.HTML {
			t.Errorf("BasePath %q changed the HTML:\n%s\nwant\n%s", base, got.HTML, plain.HTML)
		}
	}
}

func TestRebase(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ base, in, want string }{
		{"/blog/", "/img/x.png", "/blog/img/x.png"},
		{"/blog/", "/", "/blog/"},
		{"/blog/", "/blog/img/x.png", "/blog/img/x.png"},
		{"/blog/", "/blog", "/blog"},
		{"/blog/", "/blogroll/", "/blog/blogroll/"},
		{"/blog/", "//cdn.example.com/x", "//cdn.example.com/x"},
		{"/blog/", "https://example.com/x", "https://example.com/x"},
		{"/blog/", "x.png", "x.png"},
		{"/blog/", "#top", "#top"},
		{"/blog/", "", ""},
		{"/", "/img/x.png", "/img/x.png"},
		{"/a/b/", "/a/x", "/a/b/a/x"},
	} {
		if got := rebase(tc.base, tc.in); got != tc.want {
			t.Errorf("rebase(%q, %q) = %q, want %q", tc.base, tc.in, got, tc.want)
		}
	}
}

func TestRelAndAbsURL(t *testing.T) {
	t.Parallel()
	sub := &Site{URL: "https://example.com/blog/", BasePath: "/blog/"}
	root := &Site{URL: "https://example.com/", BasePath: "/"}
	for _, tc := range []struct {
		site     any
		in       string
		rel, abs string
	}{
		{sub, "/img/x.png", "/blog/img/x.png", "https://example.com/blog/img/x.png"},
		{sub, "img/x.png", "/blog/img/x.png", "https://example.com/blog/img/x.png"},
		{sub, "/blog/about/", "/blog/about/", "https://example.com/blog/about/"},
		{sub, "", "/blog/", "https://example.com/blog/"},
		{sub, "https://other.example/x", "https://other.example/x", "https://other.example/x"},
		{sub, "//cdn.example.com/x", "//cdn.example.com/x", "https://cdn.example.com/x"},
		{sub, "#top", "#top", "https://example.com/blog/#top"},
		{root, "/img/x.png", "/img/x.png", "https://example.com/img/x.png"},
		{"https://example.com/blog/", "/img/x.png", "/blog/img/x.png", "https://example.com/blog/img/x.png"},
		{*sub, "x", "/blog/x", "https://example.com/blog/x"},
	} {
		if got := relURL(tc.site, tc.in); got != tc.rel {
			t.Errorf("relURL(%v, %q) = %q, want %q", tc.site, tc.in, got, tc.rel)
		}
		if got := absURL(tc.site, tc.in); got != tc.abs {
			t.Errorf("absURL(%v, %q) = %q, want %q", tc.site, tc.in, got, tc.abs)
		}
	}
}

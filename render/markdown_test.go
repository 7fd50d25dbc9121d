package render

import (
	"flag"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite golden files")

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(string(want), string(got)); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, d)
	}
}

// fakeHighlighter stands in for package highlight, which render must not
// import: it shows what render passes on.
type fakeHighlighter struct{}

func (fakeHighlighter) Highlight(w io.Writer, lang, code string, hl [][2]int) error {
	_, err := fmt.Fprintf(w, "<pre data-lang=%q data-hl=%q>%s</pre>\n", lang, fmt.Sprint(hl), template.HTMLEscapeString(code))
	return err
}

type failingHighlighter struct{}

func (failingHighlighter) Highlight(io.Writer, string, string, [][2]int) error {
	return fmt.Errorf("boom")
}

func TestRenderGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	md := NewMarkdown(MarkdownOptions{Typographer: true, Footnotes: true, Highlighter: fakeHighlighter{}})
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, body, line, err := SplitFrontMatter(file, src)
			if err != nil {
				t.Fatal(err)
			}
			r, err := md.Render(file, body, line)
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("%s\n<!-- summary (more=%v, words=%d) -->\n%s\n", r.HTML, r.HasMore, r.Words, r.Summary)
			checkGolden(t, strings.TrimSuffix(file, ".md")+".html.golden", []byte(got))
		})
	}
}

func TestRenderUnsafeHTML(t *testing.T) {
	t.Parallel()
	src := []byte("<div class=x>hi</div>\n\n<!--more-->\n\nrest\n")
	for _, tc := range []struct {
		unsafe bool
		want   string
	}{
		{false, "<!-- raw HTML omitted -->"},
		{true, "<div class=x>hi</div>"},
	} {
		r, err := NewMarkdown(MarkdownOptions{UnsafeHTML: tc.unsafe}).Render("a.md", src, 1)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(r.HTML), tc.want) || !r.HasMore {
			t.Errorf("unsafe=%v: HTML %q does not contain %q (more=%v)", tc.unsafe, r.HTML, tc.want, r.HasMore)
		}
		if !strings.Contains(string(r.Summary), tc.want) || strings.Contains(string(r.Summary), "rest") {
			t.Errorf("unsafe=%v: summary %q", tc.unsafe, r.Summary)
		}
	}
}

func TestRenderHighlightErrorPosition(t *testing.T) {
	t.Parallel()
	src := []byte("para\n\n```go\nx\n```\n")
	_, err := NewMarkdown(MarkdownOptions{Highlighter: failingHighlighter{}}).Render("posts/a.md", src, 5)
	want := "posts/a.md:7:1: highlight go code: boom"
	if err == nil || err.Error() != want {
		t.Errorf("Render error = %v, want %s", err, want)
	}
}

func TestParseInfo(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		lang string
		hl   [][2]int
	}{
		{"", "", nil},
		{"Go", "go", nil},
		{"go {hl_lines=[2,\"4-5\"]}", "go", [][2]int{{2, 2}, {4, 5}}},
		{"py {hl_lines=\"1 3-4\"}", "py", [][2]int{{1, 1}, {3, 4}}},
		{"sh {hl_lines=[0, 5-3, x]}", "sh", nil},
		{"rust title=x", "rust", nil},
	}
	for _, tc := range tests {
		lang, hl := parseInfo(tc.in)
		if lang != tc.lang || !cmp.Equal(hl, tc.hl) {
			t.Errorf("parseInfo(%q) = %q, %v; want %q, %v", tc.in, lang, hl, tc.lang, tc.hl)
		}
	}
}

func TestSlugify(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"Hello, World!", "hello-world"},
		{"Don't panic", "dont-panic"},
		{"Café crème", "cafe-creme"},
		{"  --Go 1.26-- ", "go-1-26"},
		{"Ünïcödé", "unicode"},
		{"日本語のタイトル", "日本語のタイトル"},
		{"한국어 제목", "한국어-제목"},
		{"!!!", ""},
	}
	for _, tc := range tests {
		if got := Slugify(tc.in); got != tc.want {
			t.Errorf("Slugify(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzRender renders arbitrary Markdown with the options the build uses: it
// must never panic, and with raw HTML off no <script> tag gets through.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"# h\n\ntext", "```go\nx\n```", "<script>x</script>", "a[^1]\n\n[^1]: n", "<!--more-->", "| a |\n|---|\n| <b> |"} {
		f.Add(s)
	}
	md := NewMarkdown(MarkdownOptions{Typographer: true, Footnotes: true, Highlighter: fakeHighlighter{}})
	f.Fuzz(func(t *testing.T, s string) {
		r, err := md.Render("f.md", []byte(s), 1)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(strings.ToLower(string(r.HTML)), "<script") {
			t.Fatalf("raw <script> in output: %s", r.HTML)
		}
	})
}

// BenchmarkRenderPost renders a typical post body (prose, a list, a table,
// a code block) without highlighting: goldmark's share of a build.
func BenchmarkRenderPost(b *testing.B) {
	var src strings.Builder
	for i := range 20 {
		fmt.Fprintf(&src, "## Section %d\n\nSome *emphasis*, **strong**, `code` and a [link](https://example.com/%d) in a paragraph of \"quoted\" prose -- with dashes...\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```go\nfunc f%d() {}\n```\n\n", i, i, i)
	}
	md := NewMarkdown(MarkdownOptions{Typographer: true, Footnotes: true, Highlighter: fakeHighlighter{}})
	data := []byte(src.String())
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := md.Render("a.md", data, 1); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
}

func TestUsesBody(t *testing.T) {
	t.Parallel()
	base := `{{define "base"}}<main>{{block "main" .}}{{end}}</main>{{end}}`
	tests := []struct {
		name string
		list string
		want bool
	}{
		{"titles only", `{{define "main"}}{{range .Posts}}{{.Title}}{{end}}{{end}}{{template "base" .}}`, false},
		{"summary", `{{define "main"}}{{range .Posts}}{{.Summary}}{{end}}{{end}}{{template "base" .}}`, true},
		{"through a partial", `{{define "main"}}{{range .Posts}}{{template "partials/s.html" .}}{{end}}{{end}}{{template "base" .}}`, true},
		{"through a variable", `{{define "main"}}{{range $p := .Posts}}{{$p.ReadingTime}}{{end}}{{end}}{{template "base" .}}`, true},
		{"in a condition", `{{define "main"}}{{with .Post}}{{if .HasMore}}x{{end}}{{end}}{{end}}{{template "base" .}}`, true},
		{"chain", `{{define "main"}}{{(index .Posts 0).Words}}{{end}}{{template "base" .}}`, true},
	}
	for _, tc := range tests {
		fsys := fstest.MapFS{
			"base.html":            {Data: []byte(base)},
			"partials/s.html":      {Data: []byte(`{{.Summary}}`)},
			"partials/unused.html": {Data: []byte(`{{.Content}}`)},
		}
		for _, p := range pageTemplates {
			fsys[p] = &fstest.MapFile{Data: []byte(`{{template "base" .}}`)}
		}
		fsys["list.html"] = &fstest.MapFile{Data: []byte(tc.list)}
		tmpl, err := LoadTemplates(fsys, "templates")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := tmpl.UsesBody("list.html"); got != tc.want {
			t.Errorf("%s: UsesBody = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// FuzzSlugify checks that a slug is stable: slugifying it again, through
// the fast path for strings that are already slugs, changes nothing.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Hello, World!", "already-a-slug-2", "Café", "日本語", "a--b", "-x-"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := Slugify(s)
		if twice := Slugify(once); twice != once {
			t.Fatalf("Slugify(%q) = %q, but Slugify(%q) = %q", s, once, once, twice)
		}
	})
}

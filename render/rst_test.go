package render

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/internal/testenv"
)

// lineHighlighter writes package highlight's markup, one span per line,
// without highlighting: enough to see what reaches the highlighter and
// what numberLines does to it.
type lineHighlighter struct{}

func (lineHighlighter) Highlight(w io.Writer, lang, code string, hl [][2]int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "<pre class=\"chroma\" data-lang=%q><code>", lang)
	for i, l := range strings.SplitAfter(strings.TrimSuffix(code, "\n"), "\n") {
		class := "line"
		for _, r := range hl {
			if i+1 >= r[0] && i+1 <= r[1] {
				class = "line hl"
			}
		}
		fmt.Fprintf(&b, `<span class="%s"><span class="cl">%s</span></span>`, class, template.HTMLEscapeString(l))
	}
	b.WriteString("\n</code></pre>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

func newTestRST(t *testing.T, opts RSTOptions) *RST {
	t.Helper()
	opts.Python = testenv.Docutils(t)
	r := NewRST(opts)
	t.Cleanup(r.Close)
	return r
}

func TestRSTGolden(t *testing.T) {
	r := newTestRST(t, RSTOptions{LiteralLanguage: "python", TabWidth: 4})
	files, err := filepath.Glob("testdata/rst/*.rst")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			fm, body, line, err := ParseRST(file, src, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := r.Convert(t.Context(), file, body, line)
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Warnings) > 0 {
				t.Errorf("warnings: %v", doc.Warnings)
			}
			out, err := doc.Render(lineHighlighter{})
			if err != nil {
				t.Fatal(err)
			}
			got := fmt.Sprintf("<!-- title=%q date=%s updated=%s slug=%q tags=%q categories=%q author=%q summary=%q -->\n%s\n<!-- summary (more=%v, words=%d, code=%v, image=%q) -->\n%s\n",
				fm.Title, fm.Date.Format(time.RFC3339), fm.Updated.Format(time.RFC3339), fm.Slug, fm.Tags, fm.Categories, fm.Author, fm.Summary,
				out.HTML, out.HasMore, out.Words, out.HasCode, out.Image, out.Summary)
			checkGolden(t, strings.TrimSuffix(file, ".rst")+".html.golden", []byte(got))
		})
	}
}

// TestRSTMessages: docutils' errors fail with the post's line, counting
// the front matter; its warnings are kept apart, located the same way.
func TestRSTMessages(t *testing.T) {
	r := newTestRST(t, RSTOptions{})
	src := []byte("---\ntitle: T\ndate: 2026-01-02\n---\nIntro.\n\nTitle\n====\n\nA `missing`_ link.\n\n.. code-block:: go\n   :emphasize-lines: x\n\n   a\n")
	_, body, line, err := ParseRST("posts/a.rst", src, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := r.Convert(t.Context(), "posts/a.rst", body, line)
	want := []string{
		`posts/a.rst:10:1: Unknown target name: "missing"`,
		`posts/a.rst:12:1: invalid option value: (option: "emphasize-lines"; value: 'x') want line numbers and ranges such as 1,3-5`,
	}
	if d := cmp.Diff(want, diag.Lines(err)); d != "" {
		t.Errorf("errors (-want +got):\n%s", d)
	}
	var de *diag.Error
	if !errors.As(err, &de) {
		t.Errorf("error %v is no diag.Error", err)
	}
	var warnings []string
	for _, w := range doc.Warnings {
		warnings = append(warnings, w.Error())
	}
	if d := cmp.Diff([]string{"posts/a.rst:8:1: Title underline too short"}, warnings); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
}

// TestRSTFieldListErrorLine: a bad value in a field list is an error at
// the field's line and column.
func TestRSTFieldListErrorLine(t *testing.T) {
	src := []byte(":title: T\n:date: someday\n\nBody.\n")
	_, _, _, err := ParseRST("posts/a.rst", src, time.UTC)
	got := diag.Lines(err)
	want := []string{`posts/a.rst:2:8: date: invalid date "someday": want RFC 3339, 2006-01-02, 2006-01-02 15:04[:05] [-0700] or 2006/01/02 15:04:05`}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ParseRST errors (-want +got):\n%s", d)
	}
}

// TestRSTNoDocutils: without Python, or with a Python that has no
// docutils, the error says how to install it and how to turn reST off.
func TestRSTNoDocutils(t *testing.T) {
	python := testenv.Docutils(t)
	noDocutils := t.TempDir()
	// A docutils package that cannot be imported, first on the path.
	if err := os.MkdirAll(filepath.Join(noDocutils, "docutils"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(noDocutils, "docutils", "__init__.py"), []byte("raise ImportError('No module named docutils')\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PYTHONPATH", noDocutils)
	t.Setenv("PATH", t.TempDir()) // no python3 here
	for _, tc := range []struct{ name, python, note string }{
		{"no python", "", " (no python3 in PATH)"},
		{"no docutils", python, " (" + python + ": No module named docutils)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRST(RSTOptions{Python: tc.python})
			defer r.Close()
			_, err := r.Convert(t.Context(), "posts/a.rst", []byte("x\n"), 1)
			if !errors.Is(err, ErrNoDocutils) {
				t.Fatalf("Convert error = %v, want ErrNoDocutils", err)
			}
			want := "reStructuredText posts need docutils (Python 3): install it with `apt-get install python3-docutils` (Debian, Ubuntu) or `pip install docutils`, or set rst.enabled: false to build without them" + tc.note
			if err.Error() != want {
				t.Errorf("Convert error =\n%s\nwant\n%s", err, want)
			}
		})
	}
}

// TestRSTTimeout: a document over the time bound fails, its process is
// killed, and the next document gets a new one.
func TestRSTTimeout(t *testing.T) {
	r := newTestRST(t, RSTOptions{Timeout: time.Nanosecond})
	_, err := r.Convert(t.Context(), "posts/a.rst", []byte("x\n"), 1)
	if err == nil || !strings.Contains(err.Error(), "docutils took longer than 1ns: stopped") {
		t.Fatalf("Convert error = %v, want a timeout", err)
	}
	r.opts.Timeout = time.Minute
	doc, err := r.Convert(t.Context(), "posts/a.rst", []byte("x\n"), 1)
	if err != nil {
		t.Fatal(err)
	}
	if doc.body != "<p>x</p>\n" {
		t.Errorf("body = %q", doc.body)
	}
}

// TestRSTPool: many documents at once share at most Procs processes.
func TestRSTPool(t *testing.T) {
	r := newTestRST(t, RSTOptions{Procs: 2})
	var wg sync.WaitGroup
	errs := make([]error, 12)
	for i := range errs {
		wg.Go(func() {
			doc, err := r.Convert(t.Context(), "posts/a.rst", fmt.Appendf(nil, "Post %d\n", i), 1)
			if err == nil && doc.body != fmt.Sprintf("<p>Post %d</p>\n", i) {
				err = fmt.Errorf("post %d: body %q", i, doc.body)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	r.mu.Lock()
	n := len(r.all)
	r.mu.Unlock()
	if n < 1 || n > 2 {
		t.Errorf("%d docutils processes, want 1 or 2", n)
	}
}

// hangingDriver is a "python" that greets as the driver does and then
// never answers.
func hangingDriver(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("sleep"); err != nil {
		t.Skip("no sleep program")
	}
	p := filepath.Join(t.TempDir(), "python3")
	script := "#!/bin/sh\necho '{\"docutils\": \"0\", \"python\": \"0\"}'\nexec sleep 600\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestRSTCancel: cancelling the context stops a conversion and kills its
// process; a document over the time bound does the same.
func TestRSTCancel(t *testing.T) {
	r := NewRST(RSTOptions{Python: hangingDriver(t)})
	defer r.Close()
	ctx, cancel := context.WithCancel(t.Context())
	_, err := r.Key(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p := r.idle[0]
	// the conversion cannot end before the cancel: the driver never answers
	time.AfterFunc(10*time.Millisecond, cancel)
	if _, err := r.Convert(ctx, "posts/a.rst", []byte("x\n"), 1); !errors.Is(err, context.Canceled) {
		t.Errorf("Convert error = %v, want context.Canceled", err)
	}
	if p.cmd.ProcessState == nil {
		t.Errorf("the driver was not stopped")
	}

	r2 := NewRST(RSTOptions{Python: hangingDriver(t), Timeout: 50 * time.Millisecond})
	defer r2.Close()
	_, err = r2.Convert(t.Context(), "posts/a.rst", []byte("x\n"), 1)
	if want := "posts/a.rst:1:1: docutils took longer than 50ms: stopped"; err == nil || err.Error() != want {
		t.Errorf("Convert error = %v, want %s", err, want)
	}
}

// TestRSTClose: Close stops the processes; the converter then refuses.
func TestRSTClose(t *testing.T) {
	r := newTestRST(t, RSTOptions{})
	if _, err := r.Key(t.Context()); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if _, err := r.Convert(t.Context(), "posts/a.rst", []byte("x\n"), 1); !errors.Is(err, errRSTClosed) {
		t.Errorf("Convert after Close = %v, want errRSTClosed", err)
	}
}

func TestNumberLines(t *testing.T) {
	in := `<pre class="chroma"><code><span class="line"><span class="cl">a</span></span><span class="line hl"><span class="cl">b</span></span></code></pre>`
	want := `<pre class="chroma"><code><span class="line"><span class="ln"> 9</span><span class="cl">a</span></span><span class="line hl"><span class="ln">10</span><span class="cl">b</span></span></code></pre>`
	if got := string(numberLines([]byte(in), 9)); got != want {
		t.Errorf("numberLines =\n%s\nwant\n%s", got, want)
	}
	if got := string(numberLines([]byte(want), 1)); got != want {
		t.Errorf("numberLines of numbered lines =\n%s\nwant it unchanged", got)
	}
}

func TestSplitRSTFields(t *testing.T) {
	for _, tc := range []struct {
		name, src, title, yaml, body string
	}{
		{"none", "Just a paragraph.\n", "", "", "Just a paragraph.\n"},
		{"fields at the top", ":date: 2026-01-02\n:tags: a, b\n\nBody\n", "", "date:  \"2026-01-02\"\ntags:  \"a, b\"\n", "\n\n\nBody\n"},
		{"title and fields", "Title\n=====\n\n:date: 2026-01-02\n\nBody\n", "Title", "\n\n\ndate:  \"2026-01-02\"\n", "\n\n\n\n\nBody\n"},
		{"overlined title", "=======\n Title\n=======\nBody\n", "Title", "", "\n\n\nBody\n"},
		{"continued field", ":summary: one\n   two\n:status: draft\n", "", "summary:  \"one two\"\n\ndraft:   true\n", "\n\n\n"},
		{"booleans", ":draft: True\n:toc: false\n", "", "draft:  true\ntoc:  false\n", "\n\n"},
		{"pelican dates", ":date: 2016-1-7 23:15\n:modified: 2015/9/7\n", "", "date:  \"2016-01-07 23:15:00\"\nmodified:  \"2015-09-07 00:00:00\"\n", "\n\n"},
		{"odd key", ":Read Time: 5\n", "", "\"read time\": \"5\"\n", "\n"},
		{"authors", ":authors: A, B\n", "", "author:   \"A, B\"\n", "\n"},
		{"short underline is text", "A long title\n==\n", "", "", "A long title\n==\n"},
		{"field list later", "Para\n\n:date: x\n", "", "", "Para\n\n:date: x\n"},
		{"quotes", ":title: a \"b\" \\ c\n", "", "title:  \"a \\\"b\\\" \\\\ c\"\n", "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := splitRSTFields([]byte(tc.src))
			if f.title != tc.title || string(f.yaml) != tc.yaml || string(f.body) != tc.body {
				t.Errorf("splitRSTFields(%q) = title %q, yaml %q, body %q; want %q, %q, %q", tc.src, f.title, f.yaml, f.body, tc.title, tc.yaml, tc.body)
			}
		})
	}
}

// FuzzParseRST: reading any .rst file's front matter never panics, keeps
// the body's lines where they were, and locates errors inside the file.
func FuzzParseRST(f *testing.F) {
	files, _ := filepath.Glob("testdata/rst/*.rst")
	for _, file := range files {
		if src, err := os.ReadFile(file); err == nil {
			f.Add(src)
		}
	}
	f.Add([]byte(":date: 2026-01-02\n:tags: [a\n:draft: yes\n"))
	f.Add([]byte("T\n=\n:x:\n  y\n:\"k\": &a *a\n"))
	f.Add([]byte(":a: 1\n:a: 2\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		fm, body, line, err := ParseRST("posts/a.rst", src, time.UTC)
		lines := strings.Count(string(src), "\n") + 1
		if err == nil && !strings.HasPrefix(string(src), "---") {
			if line != 1 || strings.Count(string(body), "\n")+1 != lines {
				t.Fatalf("body has %d lines from line %d, the file %d", strings.Count(string(body), "\n")+1, line, lines)
			}
		}
		check := func(p diag.Pos) {
			if p.Line < 0 || p.Line > lines {
				t.Fatalf("position %v outside the file's %d lines", p, lines)
			}
		}
		check(fm.DatePos)
		for _, p := range fm.Pos {
			check(p)
		}
		for _, e := range flatten(err) {
			var de *diag.Error
			if asDiag(e, &de) {
				check(de.Pos)
			}
		}
	})
}

// BenchmarkRSTConvert: one post through a warm docutils process (as a
// build converts its posts), and with a process started for it (as one
// Python start-up per post would), code highlighted by lineHighlighter.
func BenchmarkRSTConvert(b *testing.B) {
	src, err := os.ReadFile("testdata/rst/directives.rst")
	if err != nil {
		b.Fatal(err)
	}
	_, body, line, err := ParseRST("directives.rst", src, time.UTC)
	if err != nil {
		b.Fatal(err)
	}
	python := testenv.Docutils(b)
	convert := func(b *testing.B, r *RST) {
		doc, err := r.Convert(b.Context(), "directives.rst", body, line)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := doc.Render(lineHighlighter{}); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("warm", func(b *testing.B) {
		r := NewRST(RSTOptions{Python: python, LiteralLanguage: "python"})
		defer r.Close()
		convert(b, r)
		b.ReportAllocs()
		for b.Loop() {
			convert(b, r)
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
	})
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			r := NewRST(RSTOptions{Python: python, LiteralLanguage: "python"})
			convert(b, r)
			r.Close()
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "posts/s")
	})
}

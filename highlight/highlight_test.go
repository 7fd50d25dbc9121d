package highlight

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

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

func mustNew(tb testing.TB, opts Options) *Highlighter {
	tb.Helper()
	h, err := New(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return h
}

const goSample = `package main

import "fmt"

func main() {
	x := 1 // tab-indented
	fmt.Println(x, "<b>")
}
`

func TestHighlightGolden(t *testing.T) {
	tests := []struct {
		name       string
		opts       Options
		lang, code string
		hl         [][2]int
	}{
		{name: "go", lang: "go", code: goSample},
		{name: "python", lang: "python", code: "def f(x):\n    \"\"\"Double x.\"\"\"\n    return x * 2  # <not a tag>\n"},
		{name: "unknown-lang", lang: "no-such-language", code: "<script>alert('x') & \"y\"</script>\n"},
		{name: "empty-lang", lang: "", code: "plain <text>\nsecond line\n"},
		{name: "hl-lines", lang: "go", code: goSample, hl: [][2]int{{5, 6}, {1, 1}}},
		{name: "line-numbers", opts: Options{LineNumbers: true}, lang: "go", code: goSample, hl: [][2]int{{6, 6}}},
		// Tabs stay tabs in the HTML (copied code keeps them); the width
		// is the stylesheet's tab-size, checked in TestWriteCSSTabWidth.
		{name: "tab-width", opts: Options{TabWidth: 8}, lang: "make", code: "all:\n\tgo build ./...\n"},
		{name: "crlf", lang: "yaml", code: "a: 1\r\nb: [x, y]\r\n"},
		// HTML lexes its style and script through chroma's registry.
		{name: "html-nested", lang: "html", code: "<style>p { color: red; }</style>\n<p class=\"x\">Hi</p>\n<script>let n = `${1 + 2}`;</script>\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := mustNew(t, tc.opts)
			var b bytes.Buffer
			if err := h.Highlight(&b, tc.lang, tc.code, tc.hl); err != nil {
				t.Fatalf("Highlight(%q) = %v", tc.lang, err)
			}
			checkGolden(t, filepath.Join("testdata", tc.name+".html.golden"), b.Bytes())
		})
	}
}

func TestHighlightWrapperShape(t *testing.T) {
	h := mustNew(t, Options{})
	for _, lang := range []string{"go", "", "no-such-language"} {
		var b strings.Builder
		if err := h.Highlight(&b, lang, "a\nb\n", [][2]int{{2, 2}}); err != nil {
			t.Fatal(err)
		}
		got := b.String()
		const wantPrefix = `<pre class="chroma"><code><span class="line"><span class="cl">`
		if !strings.HasPrefix(got, wantPrefix) || !strings.HasSuffix(got, "</code></pre>") {
			t.Errorf("Highlight(%q) = %q, want a %q…</code></pre> block", lang, got, wantPrefix)
		}
		if !strings.Contains(got, `<span class="line hl">`) {
			t.Errorf("Highlight(%q) = %q, want line 2 emphasised", lang, got)
		}
	}
}

func TestHighlightAliases(t *testing.T) {
	h := mustNew(t, Options{})
	tests := []struct{ lang, code string }{
		{"sh", "echo hi\n"},
		{"shell", "echo hi\n"},
		{"bash", "echo hi\n"},
		{"console", "$ echo hi\nhi\n"},
		{"yaml", "a: 1\n"},
		{"go", "var x = 1\n"},
		{"Go", "var x = 1\n"},
		{"python", "x = 1\n"},
		{"js", "let x = 1;\n"},
		{"javascript", "let x = 1;\n"},
		{"sql", "SELECT 1;\n"},
		{"rust", "fn main() {}\n"},
		{"html", "<p>hi</p>\n"},
	}
	for _, tc := range tests {
		t.Run(tc.lang, func(t *testing.T) {
			if h.lexer(tc.lang) == nil {
				t.Fatalf("no lexer for %q", tc.lang)
			}
			var b strings.Builder
			if err := h.Highlight(&b, tc.lang, tc.code, nil); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(b.String(), `<span class="cl"><span class="`) {
				t.Errorf("Highlight(%q, %q) = %q, want token spans", tc.lang, tc.code, b.String())
			}
		})
	}
}

func TestHighlightLeavesRangesAlone(t *testing.T) {
	h := mustNew(t, Options{})
	hl := [][2]int{{3, 3}, {1, 1}}
	want := slices.Clone(hl)
	if err := h.Highlight(io.Discard, "go", goSample, hl); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, hl); d != "" {
		t.Errorf("Highlight changed hl (-want +got):\n%s", d)
	}
}

type failWriter struct{ err error }

func (w failWriter) Write([]byte) (int, error) { return 0, w.err }

func TestWriteErrors(t *testing.T) {
	h := mustNew(t, Options{DarkStyle: "github"})
	boom := errors.New("boom")
	if err := h.Highlight(failWriter{boom}, "go", goSample, nil); !errors.Is(err, boom) {
		t.Errorf("Highlight(failing writer) = %v, want %v", err, boom)
	}
	if err := h.WriteCSS(failWriter{boom}); !errors.Is(err, boom) {
		t.Errorf("WriteCSS(failing writer) = %v, want %v", err, boom)
	}
}

func TestNewUnknownStyle(t *testing.T) {
	tests := []struct {
		name string
		opts Options
		want string
	}{
		{"typo", Options{Style: "monokia"}, `highlight: unknown style "monokia" (did you mean "monokai"?)`},
		{"dark typo", Options{DarkStyle: "draculla"}, `highlight: unknown dark style "draculla" (did you mean "dracula"?)`},
		{"nothing close", Options{Style: "zzzzzzzzzzzz"}, `highlight: unknown style "zzzzzzzzzzzz"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := New(tc.opts)
			if !errors.Is(err, ErrUnknownStyle) {
				t.Fatalf("New(%+v) = %v, want an error wrapping ErrUnknownStyle", tc.opts, err)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("New(%+v) = %q, want %q", tc.opts, got, tc.want)
			}
		})
	}
	if err := WriteStyleCSS(io.Discard, "nope-nope"); !errors.Is(err, ErrUnknownStyle) {
		t.Errorf("WriteStyleCSS(nope-nope) = %v, want ErrUnknownStyle", err)
	}
}

func TestNewStyleCase(t *testing.T) {
	for _, name := range []string{"Monokai", "GitHub-Dark", "monokai"} {
		if _, err := New(Options{Style: name}); err != nil {
			t.Errorf("New(Style: %q) = %v, want nil", name, err)
		}
	}
}

func TestNames(t *testing.T) {
	names := Names()
	if !slices.IsSorted(names) {
		t.Errorf("Names() not sorted: %q", names)
	}
	for _, want := range []string{"monokai", "github", "github-dark"} {
		if !slices.Contains(names, want) {
			t.Errorf("Names() = %q, want it to contain %q", names, want)
		}
	}
}

func TestKey(t *testing.T) {
	key := func(o Options) string { return mustNew(t, o).Key() }
	base := key(Options{})
	if got := key(Options{}); got != base {
		t.Errorf("Key() not stable: %q then %q", base, got)
	}
	// Style, DarkStyle and TabWidth only change the stylesheet.
	if got := key(Options{Style: "github", DarkStyle: "monokai", TabWidth: 8}); got != base {
		t.Errorf("Key() with other styles = %q, want %q", got, base)
	}
	if got := key(Options{LineNumbers: true}); got == base {
		t.Errorf("Key() with LineNumbers = %q, want it to differ from %q", got, base)
	}
	if !strings.Contains(base, "chroma/v2.") && !strings.Contains(base, "chroma/unknown") {
		t.Errorf("Key() = %q, want the chroma version in it", base)
	}
}

// TestHighlightConcurrent is for -race: one Highlighter, many goroutines,
// and every result equal to what lexers without chroma's match timeout
// give. On a machine busy enough for chroma to time out, a result may come
// with ErrInexact instead; a wrong block with a nil error is a failure.
func TestHighlightConcurrent(t *testing.T) {
	h := mustNew(t, Options{LineNumbers: true})
	blocks := benchBlocks()
	exact := exactHighlighter(t, Options{LineNumbers: true}, "go", "python", "javascript", "bash", "sql", "yaml", "js")
	want := make([]string, len(blocks))
	for i, bl := range blocks {
		want[i] = mustHighlight(t, exact, bl.lang, bl.code)
	}
	var inexact atomic.Int32
	highlight := func(bl struct{ lang, code string }, hl [][2]int) (string, bool) {
		var b strings.Builder
		err := h.Highlight(&b, bl.lang, bl.code, hl)
		if errors.Is(err, ErrInexact) {
			inexact.Add(1)
			return "", false
		}
		if err != nil {
			t.Error(err)
			return "", false
		}
		return b.String(), true
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range blocks {
				bl := blocks[(i+g)%len(blocks)]
				highlight(bl, [][2]int{{1, 2}})
				if got, ok := highlight(bl, nil); ok && got != want[(i+g)%len(blocks)] {
					t.Errorf("concurrent Highlight(%q) differs from the exact block, with a nil error", bl.lang)
				}
			}
		})
	}
	wg.Wait()
	if n := inexact.Load(); n > 0 {
		t.Logf("%d blocks came back with ErrInexact: the machine is busy", n)
	}
}

func FuzzHighlight(f *testing.F) {
	f.Add("go", goSample, 1, 2)
	f.Add("", "<script>alert(1)</script>", 0, 0)
	f.Add("html", "<script>alert(1)</script>\n<ScRiPt src=x>", 1, 1)
	f.Add("js", "a = '</script><script>';", 1, 9)
	f.Add("nope", "\r\n\t<\x00>\xff", -1, 3)
	f.Add("console", "$ echo '<script>'\n<script>\n", 2, 1)
	f.Add("jungle", "foo: bar\n", 1, 1) // a lexer that stalls
	h := mustNew(f, Options{LineNumbers: true})
	f.Fuzz(func(t *testing.T, lang, code string, from, to int) {
		var b strings.Builder
		if err := h.Highlight(&b, lang, code, [][2]int{{from, to}}); err != nil {
			t.Fatalf("Highlight(%q, %q) = %v", lang, code, err)
		}
		if strings.Contains(strings.ToLower(b.String()), "<script") {
			t.Errorf("Highlight(%q, %q) = %q, has an unescaped <script", lang, code, b.String())
		}
	})
}

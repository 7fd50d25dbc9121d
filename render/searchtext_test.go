package render

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSearchText(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, in, want string }{
		{"paragraphs", "Hello *big* world.\nNext line.\n\nSecond para.", "Hello big world. Next line.\nSecond para."},
		{"heading and list", "## Setup\n\n- one\n- two `code`\n", "Setup\none\ntwo code"},
		{"code block", "Text:\n\n```go\nfunc main() {}\n```\n", "Text:\nfunc main() {}"},
		{"links", "See [the docs](https://example.com/x) and <https://go.dev>.", "See the docs and https://go.dev."},
		{"raw html", "<div class=\"x\">hidden markup</div>\n\nshown <b>bold</b>", "shown bold"},
		{"footnote", "A claim.[^1]\n\n[^1]: The source.", "A claim.\nThe source."},
		{"table", "| a | b |\n|---|---|\n| c | d |\n", "a\nb\nc\nd"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := SearchText([]byte(tc.in)); got != tc.want {
				t.Errorf("SearchText(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

func TestSearchTextCap(t *testing.T) {
	t.Parallel()
	in := strings.Repeat("héllo wörld ", MaxSearchText/6)
	got := SearchText([]byte(in))
	if len(got) > MaxSearchText || !strings.HasPrefix(got, "héllo wörld héllo") {
		t.Errorf("SearchText(long) is %d bytes, starting %q; want at most %d", len(got), got[:20], MaxSearchText)
	}
	if !utf8.ValidString(got) {
		t.Errorf("SearchText(long) cut inside a rune: %q", got[len(got)-4:])
	}
}

func FuzzSearchText(f *testing.F) {
	f.Add("# T\n\ntext *em* `c`\n\n```\ncode\n```\n")
	f.Add("| a |\n|---|\n| b |\n[^1]\n\n[^1]: x")
	f.Fuzz(func(t *testing.T, s string) {
		got := SearchText([]byte(s))
		if len(got) > MaxSearchText || utf8.ValidString(s) && !utf8.ValidString(got) {
			t.Fatalf("SearchText returned %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
		}
	})
}

// foldTextFields is foldText as strings.Fields and strings.Join spell it:
// the reference foldText must agree with.
func foldTextFields(s string) string {
	var lines []string
	for line := range strings.SplitSeq(s, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			lines = append(lines, strings.Join(f, " "))
		}
	}
	r := strings.Join(lines, "\n")
	if len(r) > MaxSearchText {
		cut := MaxSearchText
		for cut > 0 && !utf8.RuneStart(r[cut]) {
			cut--
		}
		r = r[:cut]
	}
	return r
}

func TestFoldText(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("wörd  ", MaxSearchText/7)
	tests := []string{
		"", "\n", " \n\t\n", "a", " a ", "a\nb", "a\n\n\nb\n", "\n\na  b\t\tc \n",
		"x\u00a0y\u0085z\u2003w", "\xffa b\xc3", "a\r\nb\r\n", "\v\fa\v\fb",
		long, long + "\nnext", strings.Repeat("a", MaxSearchText) + "\nb",
		strings.Repeat("a", MaxSearchText-1) + "\nb", strings.Repeat("a", MaxSearchText-1) + " é",
		strings.Repeat("a", MaxSearchText-1) + "é", strings.Repeat("a", MaxSearchText) + "\n\n",
		strings.Repeat("é", MaxSearchText), strings.Repeat("a \n", MaxSearchText),
	}
	for _, in := range tests {
		if got, want := foldText(in), foldTextFields(in); got != want {
			t.Errorf("foldText(%.40q…) = %.40q… (%d bytes), want %.40q… (%d bytes)", in, got, len(got), want, len(want))
		}
	}
}

func FuzzFoldText(f *testing.F) {
	f.Add("a  b\n\n c\u00a0d\xff")
	f.Add(strings.Repeat("ab \n", MaxSearchText/3))
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := foldText(s), foldTextFields(s); got != want {
			t.Fatalf("foldText(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestMarkdownSearchText checks the text a body's render gives
// (Rendered.Text) and Markdown.SearchText, for a body not rendered: the
// same, from the renderer's own parse, typography decoded.
func TestMarkdownSearchText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts MarkdownOptions
		in   string
		want string
	}{
		{"plain", MarkdownOptions{}, "It's \"quoted\" -- and *so* on...\n\n```go\nx := \"y\"\n```\n", "It's \"quoted\" -- and so on...\nx := \"y\""},
		{"typographer", MarkdownOptions{Typographer: true}, "It's \"quoted\" -- and *so* on...\n\n```go\nx := \"y\"\n```\n", "It’s “quoted” – and so on…\nx := \"y\""},
		{"footnotes", MarkdownOptions{Footnotes: true}, "A claim.[^1]\n\n[^1]: The source.", "A claim.\nThe source."},
		{"footnotes off", MarkdownOptions{}, "A claim.[^1]\n\n[^1]: The source.", "A claim.[^1]\n[^1]: The source."},
		{"more and raw html", MarkdownOptions{}, "Intro.\n\n<!--more-->\n\n<div>markup</div>\n\nRest.", "Intro.\nRest."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			md := NewMarkdown(tc.opts)
			r, err := md.Render("p.md", []byte(tc.in), 1)
			if err != nil {
				t.Fatal(err)
			}
			if r.Text != tc.want {
				t.Errorf("Render(%q).Text = %q, want %q", tc.in, r.Text, tc.want)
			}
			if got := md.SearchText([]byte(tc.in)); got != r.Text {
				t.Errorf("SearchText(%q) = %q, the render's %q", tc.in, got, r.Text)
			}
		})
	}
}

// FuzzMarkdownSearchText checks that a body's text is the same whether it
// comes with its render or on its own.
func FuzzMarkdownSearchText(f *testing.F) {
	f.Add("# T\n\n\"it's\" -- *em* `c`...\n\n```\ncode\n```\n")
	f.Add("| a |\n|---|\n| b |\n[^1]\n\n[^1]: x\n\n<!--more-->\n![alt *x*](i.png \"t\")")
	md := NewMarkdown(MarkdownOptions{Typographer: true, Footnotes: true, BasePath: "/blog/"})
	f.Fuzz(func(t *testing.T, s string) {
		r, err := md.Render("p.md", []byte(s), 1)
		if err != nil {
			t.Skip(err)
		}
		if got := md.SearchText([]byte(s)); got != r.Text {
			t.Fatalf("SearchText(%q) = %q, the render's %q", s, got, r.Text)
		}
		if len(r.Text) > MaxSearchText {
			t.Fatalf("Render(%q).Text is %d bytes", s, len(r.Text))
		}
	})
}

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

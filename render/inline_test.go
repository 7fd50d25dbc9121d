package render

import (
	"strings"
	"testing"
)

func TestRenderInline(t *testing.T) {
	t.Parallel()
	md := NewMarkdown(MarkdownOptions{Typographer: true})
	tests := []struct{ in, want string }{
		{"A *short* summary", "A <em>short</em> summary"},
		{`"Quoted" -- dashed...`, "&ldquo;Quoted&rdquo; &ndash; dashed&hellip;"},
		{"One.\n\nTwo.", "<p>One.</p>\n<p>Two.</p>"},                                            // two paragraphs keep theirs
		{"A <b>bold</b> word", "A <!-- raw HTML omitted -->bold<!-- raw HTML omitted --> word"}, // unsafe HTML stays off
		{"<script>x</script> block", "<!-- raw HTML omitted -->"},
		{"", ""},
	}
	for _, tc := range tests {
		if got := string(md.RenderInline(tc.in)); got != tc.want {
			t.Errorf("RenderInline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSlugifyLong(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("word ", 30)
	got := Slugify(long)
	if len(got) > 80 || strings.HasSuffix(got, "-") || !strings.HasPrefix(got, "word-word-") {
		t.Errorf("Slugify(30 words) = %q (%d bytes): want at most 80 bytes, cut between words", got, len(got))
	}
	if again := Slugify(got); again != got {
		t.Errorf("Slugify(%q) = %q: a slug must be stable", got, again)
	}
}

package render

import (
	"strings"
	"testing"
)

func TestSlugifyCutsAtAWord(t *testing.T) {
	t.Parallel()
	// The title of a real post whose slug was cut to "...-federal-governmen".
	long := "Notes from the meeting on the budget of the city council and the federal government shutdown"
	tests := []struct{ name, in, want string }{
		{"long title", long, "notes-from-the-meeting-on-the-budget-of-the-city-council-and-the-federal"},
		{"exactly 80 bytes", strings.Repeat("abcdefghi-", 7) + "abcdefghi", strings.Repeat("abcdefghi-", 7) + "abcdefghi"},
		{"81 bytes, word ends at 80", strings.Repeat("abcdefghi-", 8) + "x", strings.Repeat("abcdefghi-", 7) + "abcdefghi"},
		{"hyphen at byte 81", strings.Repeat("a", 80) + "-b", strings.Repeat("a", 80)},
		{"one word too long", strings.Repeat("a", 90), strings.Repeat("a", 80)},
		{"one long word of two-byte letters", strings.Repeat("é", 50), strings.Repeat("e", 50)},
		{"long word of another script", strings.Repeat("語", 30), strings.Repeat("語", 26)},
		{"words of another script", strings.Repeat("日本語 ", 12), strings.TrimSuffix(strings.Repeat("日本語-", 8), "-")},
	}
	for _, tc := range tests {
		got := Slugify(tc.in)
		if got != tc.want {
			t.Errorf("%s: Slugify(%q) = %q, want %q", tc.name, tc.in, got, tc.want)
		}
		if len(got) > maxSlug {
			t.Errorf("%s: Slugify(%q) is %d bytes, want at most %d", tc.name, tc.in, len(got), maxSlug)
		}
	}
}

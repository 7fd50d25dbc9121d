package render

import (
	"testing"
	"unicode"
)

// countWordsRunes is countWords rune by rune: the reference countWords
// must agree with.
func countWordsRunes(src []byte) int {
	n, in := 0, false
	for _, r := range string(src) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if !in {
				n++
			}
			in = true
		} else {
			in = false
		}
	}
	return n
}

func TestCountWords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"one two  three", 3},
		{"it's 2026-12-02", 5},
		{"naïve café", 2},
		{"日本語 テキスト", 2},
		{"a\xffb", 2},
		{"x_y-z", 3},
		{"٣٤ ١", 2},
	}
	for _, tc := range tests {
		if got := countWords([]byte(tc.in)); got != tc.want || got != countWordsRunes([]byte(tc.in)) {
			t.Errorf("countWords(%q) = %d, want %d", tc.in, got, tc.want)
		}
	}
}

func FuzzCountWords(f *testing.F) {
	f.Add("Hello, wörld: 42 times\xc3")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := countWords([]byte(s)), countWordsRunes([]byte(s)); got != want {
			t.Fatalf("countWords(%q) = %d, want %d", s, got, want)
		}
	})
}

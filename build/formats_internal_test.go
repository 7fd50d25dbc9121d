package build

import "testing"

func TestFormatOf(t *testing.T) {
	b := &builder{cfg: DefaultConfig()}
	b.formats = b.bodyFormats()
	for _, tc := range []struct{ name, want string }{
		{"a.md", "markdown"},
		{"a.markdown", "markdown"},
		{"A.MD", "markdown"},
		{"2026-01-02-a.md", "markdown"},
		{"a.html", "html"},
		{"a.htm", "html"},
		{"a.xml", ""},
		{"a.jpg", ""},
		{"md", ""},
		{"a.md.bak", ""},
	} {
		got := ""
		if f := b.formatOf(tc.name); f != nil {
			got = f.name
		}
		if got != tc.want {
			t.Errorf("formatOf(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

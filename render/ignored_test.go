package render

import "testing"

// TestIgnored pins the one list of names the build skips and the dev
// server's watcher never reports as a change.
func TestIgnored(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		want bool
	}{
		{"a.md", false},
		{"style.css", false},
		{"4913.md", false},
		{"a.tmpl", false},
		{"backup.md", false},
		{".a.md.swp", true},
		{".a.md.swx", true},
		{"a.md.swo", true},
		{"a.md~", true},
		{"#a.md#", true},
		{".#a.md", true},
		{"a.md.tmp", true},
		{"a.md.bak", true},
		{"a.md.orig", true},
		{"4913", true},
		{"a.md___jb_tmp___", true},
		{"a.md___jb_old___", true},
		{"a.md.crswap", true},
		{".git", true},
		{".blog-cache", true},
		{".site-123", true},
	}
	for _, tc := range tests {
		if got := Ignored(tc.name); got != tc.want {
			t.Errorf("Ignored(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

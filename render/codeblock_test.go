package render

import (
	"strings"
	"testing"
)

func TestFenceTitle(t *testing.T) {
	t.Parallel()
	tests := []struct{ info, want string }{
		{`go`, ""},
		{`go {title="main.go"}`, "main.go"},
		{`go {title = 'a b.go'}`, "a b.go"},
		{`go {hl_lines=[2], title=main.go}`, "main.go"},
		{`go {title=main.go,hl_lines=[2]}`, "main.go"},
		{`go {subtitle="x"}`, ""},
		{`go {subtitle="x" title="y"}`, "y"},
		{`go {title="unterminated}`, ""},
		{`go {title}`, ""},
		{`go title="outside braces"`, ""},
		{`go {title="` + strings.Repeat("x", maxCodeTitle+1) + `"}`, ""},
	}
	for _, tt := range tests {
		if got := fenceTitle(tt.info); got != tt.want {
			t.Errorf("fenceTitle(%q) = %q, want %q", tt.info, got, tt.want)
		}
	}
}

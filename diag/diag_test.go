package diag

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

func TestPosString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pos  Pos
		want string
	}{
		{Pos{File: "a.md"}, "a.md"},
		{Pos{File: "a.md", Line: 3}, "a.md:3"},
		{Pos{File: "a.md", Line: 3, Col: 7}, "a.md:3:7"},
		{Pos{File: "posts/a\nb.md", Line: 1, Col: 2}, `posts/a\nb.md:1:2`},
		{Pos{File: "posts/\x1b[31mred.md", Line: 1}, `posts/\x1b[31mred.md:1`},
		{Pos{File: `posts/back\slash.md`}, `posts/back\\slash.md`},
		{Pos{File: "posts/caf\xe9.md"}, `posts/caf\xe9.md`},
		{Pos{File: "posts/café.md"}, "posts/café.md"},
	} {
		if got := tc.pos.String(); got != tc.want {
			t.Errorf("%#v.String() = %q, want %q", tc.pos, got, tc.want)
		}
	}
}

func TestListSortsAndCaps(t *testing.T) {
	t.Parallel()
	var l List
	l.Add(nil)
	l.Add(errors.New("no position"))
	l.Add(errors.Join(Errorf(Pos{File: "b.md", Line: 2, Col: 1}, "second"), Errorf(Pos{File: "a.md", Line: 9, Col: 1}, "first")))
	l.Add(Errorf(Pos{File: "b.md", Line: 1, Col: 5}, "b1"))
	got := Lines(l.Err())
	want := []string{"a.md:9:1: first", "b.md:1:5: b1", "b.md:2:1: second", "no position"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Lines(List.Err()) mismatch (-want +got):\n%s", d)
	}

	var big List
	for i := range MaxErrors + 7 {
		big.Add(Errorf(Pos{File: "x.md", Line: i + 1, Col: 1}, "e%d", i))
	}
	lines := Lines(big.Err())
	if len(lines) != MaxErrors+1 || lines[MaxErrors] != "and 7 more errors" || big.Len() != MaxErrors+7 {
		t.Errorf("capped list: %d lines, last %q, Len %d", len(lines), lines[len(lines)-1], big.Len())
	}
}

func TestLineCol(t *testing.T) {
	t.Parallel()
	src := []byte("ab\ncd\n\nef")
	for _, tc := range []struct{ off, line, col int }{
		{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {6, 3, 1}, {7, 4, 1}, {9, 4, 3}, {99, 4, 3}, {-1, 1, 1},
	} {
		if line, col := LineCol(src, tc.off); line != tc.line || col != tc.col {
			t.Errorf("LineCol(%d) = %d:%d, want %d:%d", tc.off, line, col, tc.line, tc.col)
		}
	}
}

func TestFromYAML(t *testing.T) {
	t.Parallel()
	err := FromYAML("f.yaml", 1, fmt.Errorf("plain"))
	if got := err.Error(); !strings.HasPrefix(got, "f.yaml: plain") {
		t.Errorf("FromYAML(plain) = %q", got)
	}
	if FromYAML("f.yaml", 0, nil) != nil {
		t.Error("FromYAML(nil) != nil")
	}
}

func TestFromYAMLWrapsCause(t *testing.T) {
	t.Parallel()
	var v map[string]any
	yerr := yaml.Unmarshal([]byte("a: [1, 2\n"), &v)
	if yerr == nil {
		t.Fatal("yaml.Unmarshal of an unclosed list: no error")
	}
	err := FromYAML("posts/x.md", 1, yerr)
	var ye yaml.Error
	if !errors.As(err, &ye) {
		t.Errorf("FromYAML(...) = %v: errors.As finds no yaml.Error", err)
	}
	var de *Error
	if !errors.As(err, &de) || de.Pos.Line < 2 {
		t.Errorf("FromYAML(...) = %#v, want a *diag.Error with the line offset applied", err)
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("FromYAML(...).Error() = %q, want one line", err)
	}
}

package diag

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestListOrderIndependent: errors added in any order (parallel renders
// add them as they finish) come out the same, ties at one position sorted
// by message, and the errors kept past MaxErrors are the same ones.
func TestListOrderIndependent(t *testing.T) {
	t.Parallel()
	var errs []error
	for i := range MaxErrors + 20 {
		// Every post fails at the same place of the same template.
		errs = append(errs, &Error{Pos: Pos{File: "templates/post.html", Line: 3, Col: 7}, Err: fmt.Errorf("render posts/p%03d.md: no field", i)})
	}
	errs = append(errs, errors.New("unpositioned b"), errors.New("unpositioned a"), &Error{Pos: Pos{File: "a.md", Line: 1}, Err: errors.New("first")})
	var want string
	r := rand.New(rand.NewPCG(1, 2))
	for run := range 20 {
		var l List
		for _, i := range r.Perm(len(errs)) {
			l.Add(errs[i])
		}
		got := l.Err().Error()
		if run == 0 {
			want = got
			continue
		}
		if got != want {
			t.Fatalf("List.Err depends on the order errors were added in:\n%s\n---\n%s", want, got)
		}
	}
	lines := Lines(errors.New(want))
	if len(lines) != MaxErrors+1 || lines[0] != "a.md:1: first" ||
		lines[1] != "templates/post.html:3:7: render posts/p000.md: no field" ||
		lines[MaxErrors-1] != "templates/post.html:3:7: render posts/p048.md: no field" ||
		lines[MaxErrors] != "and 23 more errors" {
		t.Errorf("List.Err kept the wrong errors:\n%s", want)
	}
}

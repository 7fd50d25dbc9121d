package diag_test

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/blog-gen/blog/diag"
)

// Errors in content are located, collected and sorted; the causes stay
// reachable with errors.Is and errors.As.
func Example() {
	var l diag.List
	l.Add(diag.Errorf(diag.Pos{File: "posts/b.md", Line: 3, Col: 7}, "date: want 2006-01-02, not %q", "soon"))
	l.Add(&diag.Error{Pos: diag.Pos{File: "posts/a.md", Line: 1}, Err: fmt.Errorf("read: %w", fs.ErrPermission)})
	err := l.Err()
	fmt.Println(err)

	var de *diag.Error
	if errors.As(err, &de) {
		fmt.Println("first at", de.Pos)
	}
	fmt.Println(errors.Is(err, fs.ErrPermission))
	// Output:
	// posts/a.md:1: read: permission denied
	// posts/b.md:3:7: date: want 2006-01-02, not "soon"
	// first at posts/a.md:1
	// true
}

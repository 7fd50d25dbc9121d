package build

import (
	"maps"
	"slices"

	"github.com/blog-gen/blog/diag"
)

// positions encodes the value positions of a front matter (FrontMatter.Pos)
// by key, in key order; the file is the source's own name.
func (e *encoder) positions(m map[string]diag.Pos) {
	e.int(int64(len(m)))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		e.str(k)
		e.int(int64(m[k].Line))
		e.int(int64(m[k].Col))
	}
}

func (d *decoder) positions(file string) map[string]diag.Pos {
	n := d.n()
	if n == 0 || d.err != nil {
		return nil
	}
	m := make(map[string]diag.Pos, min(n, 64))
	for range n {
		k := d.str()
		m[k] = diag.Pos{File: file, Line: int(d.int()), Col: int(d.int())}
	}
	return m
}

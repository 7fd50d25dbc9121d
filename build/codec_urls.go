package build

import (
	"errors"
	"maps"
	"slices"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
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

func (e *encoder) warnings(ws []warning) {
	e.int(int64(len(ws)))
	for _, w := range ws {
		e.int(int64(w.Line))
		e.str(w.Msg)
	}
}

func (d *decoder) warnings() []warning {
	n := d.n()
	if n == 0 || d.err != nil {
		return nil
	}
	ws := make([]warning, 0, min(n, 64))
	for range n {
		ws = append(ws, warning{Line: int(d.int()), Msg: d.str()})
	}
	return ws
}

func (e *encoder) images(refs []render.ImageRef) {
	e.int(int64(len(refs)))
	for _, r := range refs {
		e.str(r.Dest)
		e.bool(r.Alt)
		e.int(int64(r.Line))
		e.int(int64(r.Col))
	}
}

func (d *decoder) images() []render.ImageRef {
	n := d.count(4)
	if n == 0 || d.err != nil {
		return nil
	}
	refs := make([]render.ImageRef, 0, n)
	for range n {
		refs = append(refs, render.ImageRef{Dest: d.str(), Alt: d.bool(), Line: int(d.int()), Col: int(d.int())})
	}
	return refs
}

// resultWarnings encodes a build's warnings (diag.Errors with a file and a
// line) for the stamp, so a build with nothing to do reports them too.
func (e *encoder) resultWarnings(ws []error) {
	e.int(int64(len(ws)))
	for _, w := range ws {
		var de *diag.Error
		if !errors.As(w, &de) {
			de = &diag.Error{Err: w}
		}
		e.str(de.Pos.File)
		e.int(int64(de.Pos.Line))
		e.str(de.Err.Error())
	}
}

func (d *decoder) resultWarnings() []error {
	n := d.n()
	if n == 0 || d.err != nil {
		return nil
	}
	ws := make([]error, 0, min(n, 64))
	for range n {
		file, line, msg := d.str(), int(d.int()), d.str()
		ws = append(ws, &diag.Error{Pos: diag.Pos{File: file, Line: line}, Err: errors.New(msg)})
	}
	return ws
}

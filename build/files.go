package build

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
)

// stylesheet: css/chroma.css, generated from the highlighting options.
type stylesheet struct{}

func (stylesheet) plan(p *planner) ([]*output, error) {
	b := p.b
	dep := newHasher("css", fmt.Sprintf("%+v", b.cfg.Highlight)).key(b.global).sum()
	return []*output{{path: "css/chroma.css", dep: dep, from: origin{what: "the code highlighting stylesheet"}, render: func() ([]byte, error) {
		var css bytes.Buffer
		if err := b.hl.WriteCSS(&css); err != nil {
			return nil, fmt.Errorf("highlight: %w", err)
		}
		return css.Bytes(), nil
	}}}, nil
}

// staticFiles: the theme's static files, overridden file by file by the
// site's, each keyed to its bytes.
type staticFiles struct{}

func (staticFiles) plan(p *planner) ([]*output, error) {
	static, err := p.b.planStatic()
	if err != nil {
		return nil, fmt.Errorf("static: %w", err)
	}
	return static, nil
}

// planStatic lists the static files: the theme's, overridden file by file
// by the site's (the one override of one producer by another; any other
// path with two producers is an error, see checkProducers). Site files
// are read only when their size or time changed.
func (b *builder) planStatic() ([]*output, error) {
	files, err := b.themeStatic()
	if err != nil {
		return nil, err
	}
	dir := b.cfg.path(b.cfg.Build.Static)
	prefix := strings.TrimSuffix(path.Clean(b.cfg.Build.Static), "/") + "/"
	for _, src := range b.srcStatic {
		rel := strings.TrimPrefix(src.rel, prefix)
		if rel == src.rel {
			r, err := relTo(dir, src.abs)
			if err != nil {
				return nil, err
			}
			rel = r
		}
		st, err := b.copiedState(src)
		if err != nil {
			return nil, err
		}
		abs, h := src.abs, st.Hash
		files[rel] = &output{path: rel, dep: newHasher("static").key(h).sum(), from: origin{what: "static file " + src.rel, pos: diag.Pos{File: src.rel}, rank: byStatic}, render: func() ([]byte, error) {
			data, err := os.ReadFile(abs)
			if err == nil && hashBytes(data) != h {
				err = fmt.Errorf("%s changed during the build: build again", abs)
			}
			return data, err
		}}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]*output, len(names))
	for i, n := range names {
		out[i] = files[n]
	}
	return out, nil
}

// themeStatic lists the theme's static files by path.
func (b *builder) themeStatic() (map[string]*output, error) {
	theme, err := fs.Sub(b.opts.Theme, "static")
	if err != nil {
		return nil, err
	}
	files := make(map[string]*output)
	err = fs.WalkDir(theme, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." && os.IsNotExist(err) {
				return fs.SkipDir
			}
			return err
		}
		if d.IsDir() || render.Ignored(d.Name()) {
			return nil
		}
		data, err := fs.ReadFile(theme, p)
		if err != nil {
			return err
		}
		files[p] = &output{path: p, dep: newHasher("static").key(hashBytes(data)).sum(), from: origin{what: "the theme's static file " + p, rank: byTheme}, render: func() ([]byte, error) { return data, nil }}
		return nil
	})
	return files, err
}

// copiedState is the source state of a file copied as is (a static file,
// a bundle's file), recorded for the next build: the last build's when
// its size and time say it is unchanged, else read and hashed.
func (b *builder) copiedState(src source) (*sourceState, error) {
	st := b.reuse(src)
	if st == nil {
		b.reads.Add(1)
		data, err := os.ReadFile(src.abs)
		if err != nil {
			return nil, err
		}
		st = &sourceState{Size: src.size, ModTime: src.modTime, Hash: hashBytes(data)}
	}
	b.next.Sources[src.rel] = st
	return st, nil
}

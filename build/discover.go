package build

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blog-gen/blog/render"
)

// overlay returns the theme directory sub (templates or static) of the
// embedded theme with the site's own directory dir laid over it file by
// file.
func (b *builder) overlay(dir, sub string) (fs.FS, error) {
	files := make(mapFS)
	lower, err := fs.Sub(b.opts.Theme, sub)
	if err != nil {
		return nil, err
	}
	if err := files.add(lower); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := files.add(os.DirFS(b.cfg.path(dir))); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return files, nil
}

// source is a file found by discover.
type source struct {
	rel     string // slash path relative to the site root
	abs     string
	size    int64
	modTime int64
	dev     uint64 // the device of its file system; 0: not known (see buildStart)
	bundle  bool   // the index of a page bundle
	asset   string // for an asset of a page bundle, its path in the bundle
}

// discoverAll lists the posts, pages and static files, the assets of page
// bundles and the files in posts/ and pages/ that are neither (see
// classify).
func (b *builder) discoverAll() error {
	b.assets, b.srcStrays, b.strayWarnings = nil, nil, nil
	for _, d := range []struct {
		dir string
		dst *[]source
	}{{b.cfg.Build.Posts, &b.srcPosts}, {b.cfg.Build.Pages, &b.srcPages}} {
		all, err := b.discover(d.dir, func(string) bool { return true })
		if err != nil {
			return err
		}
		posts, assets, strays, warns := b.classify(d.dir, all)
		*d.dst = posts
		for k, v := range assets {
			if b.assets == nil {
				b.assets = map[string][]source{}
			}
			b.assets[k] = v
		}
		b.srcStrays = append(b.srcStrays, strays...)
		b.strayWarnings = append(b.strayWarnings, warns...)
	}
	b.srcStrays = sortedSources(b.srcStrays)
	var err error
	b.srcStatic, err = b.discover(b.cfg.Build.Static, func(string) bool { return true })
	return err
}

// maxOpenDirs bounds the directories discover keeps open to stat their
// files in; the files of any more (a site of many page bundles) are
// stat-ed by their paths.
const maxOpenDirs = 64

// discover lists the files under the site directory dir that pass keep,
// skipping editor files, dotfiles and the configured ignore globs. It
// reads the directories first, then stats the files in parallel: on a big
// site the stats are most of a no-op build.
func (b *builder) discover(dir string, keep func(name string) bool) ([]source, error) {
	root := b.cfg.path(dir)
	rootRel, err := filepath.Rel(b.cfg.Root, root)
	if err != nil {
		return nil, err
	}
	var out []source
	// Where each file of out is stat-ed: its name in the directory open
	// as fd (until the stats are done; -1 past maxOpenDirs, or where
	// statIn stats by path).
	type statAt struct {
		fd   int
		name string
	}
	var (
		at   []statAt
		dirs []*os.File
	)
	defer func() {
		for _, d := range dirs {
			d.Close()
		}
	}()
	// A walk of our own: filepath.WalkDir sorts every directory and cleans
	// every path, which on a 10,000-post directory is most of a no-op
	// build's time. The list is sorted once at the end.
	var walk func(abs, rel string) error
	walk = func(abs, rel string) error {
		f, err := os.Open(abs)
		if err != nil {
			return err
		}
		entries, err := f.ReadDir(-1)
		fd := -1
		if err == nil && len(dirs) < maxOpenDirs {
			fd = dirFd(f)
		}
		if fd >= 0 {
			dirs = append(dirs, f)
		} else {
			f.Close()
		}
		if err != nil {
			return err
		}
		// Sorted by name here, the list is most often sorted by path
		// already (always, for a directory of files), which the end
		// checks at a tenth of the cost of a sort of the list.
		slices.SortFunc(entries, func(a, c os.DirEntry) int { return strings.Compare(a.Name(), c.Name()) })
		out = slices.Grow(out, len(entries))
		for _, d := range entries {
			name := d.Name()
			crel := rel + "/" + name
			if render.Ignored(name) || b.ignoredByConfig(crel) {
				continue
			}
			if d.IsDir() {
				if err := walk(abs+string(filepath.Separator)+name, crel); err != nil {
					return err
				}
			} else if keep(name) {
				out = append(out, source{rel: crel, abs: abs + string(filepath.Separator) + name})
				at = append(at, statAt{fd, name})
			}
		}
		return nil
	}
	if err := walk(root, filepath.ToSlash(rootRel)); err != nil {
		if errors.Is(err, fs.ErrNotExist) && len(out) == 0 {
			if _, serr := os.Stat(root); errors.Is(serr, fs.ErrNotExist) {
				return nil, nil
			}
		}
		return nil, err
	}
	errs := make([]error, len(out))
	// Once the cache state decodes (see stateLoad), it has one core and
	// the stats the other: it takes longer than what is left of them.
	parallelUntil(context.Background(), len(out), b.early.started, func(i int) {
		// Stat follows links: a link to a file is content, a dangling one
		// or a device is not.
		size, modTime, dev, regular, err := statIn(at[i].fd, at[i].name, out[i].abs)
		switch {
		case err != nil && errors.Is(err, fs.ErrNotExist):
			out[i].abs = "" // gone or dangling
		case err != nil:
			errs[i] = err
		case !regular:
			out[i].abs = ""
		default:
			out[i].size, out[i].modTime, out[i].dev = size, modTime, dev
			b.early.saw(&out[i])
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out = slices.DeleteFunc(out, func(s source) bool { return s.abs == "" })
	byRel := func(a, b source) int { return strings.Compare(a.rel, b.rel) }
	if !slices.IsSortedFunc(out, byRel) {
		slices.SortFunc(out, byRel) // a directory name is a prefix of a file's beside it ("a/x" sorts after "a-b")
	}
	return out, nil
}

func (b *builder) ignoredByConfig(rel string) bool {
	for _, g := range b.cfg.Build.Ignore {
		if ok, _ := path.Match(g, rel); ok {
			return true
		}
		if ok, _ := path.Match(g, path.Base(rel)); ok {
			return true
		}
	}
	return false
}

// reuse returns the cached state of src when the file is known unchanged
// by its size and time, without reading it.
func (b *builder) reuse(src source) *sourceState {
	if b.old == nil {
		return nil
	}
	prev := b.old.Sources[src.rel]
	if prev == nil || prev.Size != src.size || prev.ModTime != src.modTime {
		return nil
	}
	if b.since != nil && b.oldFromSession {
		// The session was told every path that changed since the build
		// that made this state: a file changed again within the time it
		// had then would be among them. Those are read; the others are
		// not, however recent (else the first edit after building a fresh
		// clone reads every post again).
		if b.since[src.rel] {
			return nil
		}
		return prev
	}
	if b.old.Start.racy(&src) {
		return nil
	}
	return prev
}

// statPath stats abs, following links, as statIn does.
func statPath(abs string) (size, modTime int64, dev uint64, regular bool, err error) {
	fi, err := os.Stat(abs)
	if err != nil {
		return 0, 0, 0, false, err
	}
	dev, _ = fileDev(fi)
	return fi.Size(), fi.ModTime().UnixNano(), dev, fi.Mode().IsRegular(), nil
}

package serve

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/fsnotify/fsnotify"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/render"
)

// watcher turns fsnotify events under a site root into changes, as slash
// paths relative to the root. It watches the root itself (not
// recursively: for _config.yaml and for source directories appearing) and
// each source directory recursively, adding directories as they appear.
type watcher struct {
	fw     *fsnotify.Watcher
	root   string // absolute site root
	out    string // absolute output directory: never a change
	log    *slog.Logger
	note   func(rel string)
	failed chan error // the watcher broke down; buffered

	mu   sync.Mutex
	dirs []string // absolute source directories, watched recursively
}

func newWatcher(root, out string, log *slog.Logger, note func(string)) (*watcher, error) {
	fw, err := fsnotify.NewBufferedWatcher(256)
	if err != nil {
		return nil, err
	}
	if err := fw.Add(root); err != nil {
		fw.Close()
		return nil, err
	}
	return &watcher{fw: fw, root: root, out: out, log: log, note: note, failed: make(chan error, 1)}, nil
}

// setDirs makes dirs the watched source directories, adding the ones
// that exist recursively. Directories no longer named stay watched until
// removed; their changes are then ignored.
func (w *watcher) setDirs(dirs []string) {
	w.mu.Lock()
	added := slices.DeleteFunc(slices.Clone(dirs), func(d string) bool { return slices.Contains(w.dirs, d) })
	w.dirs = slices.Clone(dirs)
	w.mu.Unlock()
	for _, d := range added {
		w.addTree(d, false)
	}
}

// run handles events until ctx is done or the watcher fails.
func (w *watcher) run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fw.Events:
			if !ok {
				return
			}
			w.handle(ev)
		case err, ok := <-w.fw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				// Events were lost: rebuild, not knowing what changed.
				w.log.Warn("too many file changes at once: rebuilding everything")
				w.note(".")
				continue
			}
			select {
			case w.failed <- err:
			default:
			}
			return
		}
	}
}

func (w *watcher) close() { w.fw.Close() }

// handle turns one event into a change, or ignores it.
func (w *watcher) handle(ev fsnotify.Event) {
	if ev.Op == fsnotify.Chmod || ev.Op == 0 {
		return // a touch or a mode change: nothing to rebuild
	}
	p := filepath.Clean(ev.Name)
	if p == w.root || within(p, w.out) {
		return
	}
	rel, ok := w.rel(p)
	if !ok {
		return
	}
	if filepath.Dir(p) == w.root && filepath.Base(p) == build.ConfigFile {
		w.note(build.ConfigFile)
		return
	}
	if !w.inSources(p) {
		return
	}
	if ev.Has(fsnotify.Rename) || ev.Has(fsnotify.Remove) {
		w.unwatch(p)
	}
	if ev.Has(fsnotify.Create) {
		if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
			// A new directory changes nothing by itself; the files found
			// in it (it may have been moved in whole) are the changes.
			w.addTree(p, true)
			return
		}
	}
	w.log.Debug("changed", "file", rel, "op", ev.Op.String())
	w.note(rel)
}

// rel returns p relative to the root as a slash path (absolute for a
// source directory outside the root), and false when p or a directory on
// the way is ignored (dotfiles, editor files).
func (w *watcher) rel(p string) (string, bool) {
	r, err := filepath.Rel(w.root, p)
	if err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator)) {
		return filepath.ToSlash(r), !ignoredPath(r)
	}
	for _, d := range w.sourceDirs() {
		if within(p, d) {
			sub, _ := filepath.Rel(d, p)
			return filepath.ToSlash(p), sub == "." || !ignoredPath(sub)
		}
	}
	return "", false
}

func (w *watcher) sourceDirs() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.dirs
}

// inSources reports whether p is a source directory or lies inside one.
func (w *watcher) inSources(p string) bool {
	for _, d := range w.sourceDirs() {
		if within(p, d) {
			return true
		}
	}
	return false
}

// addTree watches dir and every directory below it. With noteFiles, the
// files found are changes: they may have been written before the watch
// was in place.
func (w *watcher) addTree(dir string, noteFiles bool) {
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir && errors.Is(err, fs.ErrNotExist) {
				return nil // a directory the site does not have (yet)
			}
			return err
		}
		if p != dir && ignored(d.Name()) || within(p, w.out) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return w.fw.Add(p)
		}
		if noteFiles {
			if rel, ok := w.rel(p); ok {
				w.note(rel)
			}
		}
		return nil
	})
	if err != nil {
		w.log.Warn("cannot watch for changes", "file", dir, "err", err)
	}
}

// unwatch drops the watches on p and below: a directory that was renamed
// keeps its watch under its old name otherwise.
func (w *watcher) unwatch(p string) {
	for _, d := range w.fw.WatchList() {
		if within(d, p) {
			w.fw.Remove(d) // it may already be gone with the directory
		}
	}
}

// within reports whether p is dir or lies inside it.
func within(p, dir string) bool {
	return p == dir || strings.HasPrefix(p, dir+string(filepath.Separator))
}

// ignoredPath reports whether any element of the relative path rel is
// ignored.
func ignoredPath(rel string) bool {
	return slices.ContainsFunc(strings.Split(rel, string(filepath.Separator)), ignored)
}

// ignored reports whether a file or directory with this base name is never
// a change: the names the build skips (render.Ignored), which are dotfiles
// and directories (.git, .blog-cache, the build's .site-* staging) and
// editors' swap, backup and temporary files.
func ignored(name string) bool { return render.Ignored(name) }

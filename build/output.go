package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"
)

// staging is a temporary sibling of the output directory that a full build
// writes into; commit swaps it into place. Writes go through an os.Root,
// so no output path can escape it. It is safe for concurrent use.
type staging struct {
	out  string // the final output directory
	dir  string // the staging directory
	root *os.Root

	mu      sync.Mutex
	written []string // slash paths written
	dirs    map[string]bool
	done    bool

	// creating holds a *sync.Mutex for each directory written to: files
	// are created in a directory one at a time. The kernel creates them
	// one at a time anyway, under the directory's lock, and a second
	// writer spins for it: ext4, after many files were deleted, takes
	// long to pick an inode (it skips the recently freed ones), and the
	// spinning was 7% of a cold build's CPU. On the mutex the writer
	// sleeps instead.
	creating sync.Map
}

func newStaging(out string) (*staging, error) {
	parent := filepath.Dir(out)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp(parent, ".site-*")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return &staging{out: out, dir: dir, root: root, dirs: map[string]bool{".": true}}, nil
}

// write writes data to the slash path rel inside the staging directory.
func (s *staging) write(rel string, data []byte) error {
	rel = path.Clean(strings.TrimPrefix(rel, "/"))
	if rel == "." || !fs.ValidPath(rel) {
		return fmt.Errorf("bad output path %q", rel)
	}
	dir := path.Dir(rel)
	s.mu.Lock()
	known := s.dirs[dir]
	s.mu.Unlock()
	if !known {
		if err := s.root.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		s.mu.Lock()
		s.dirs[dir] = true
		s.mu.Unlock()
	}
	f, err := s.create(dir, rel)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.written = append(s.written, rel)
	s.mu.Unlock()
	return nil
}

// create opens rel, in dir, for writing as os.WriteFile does, while no
// other file is being created in dir (see creating).
func (s *staging) create(dir, rel string) (*os.File, error) {
	mu, ok := s.creating.Load(dir)
	if !ok {
		mu, _ = s.creating.LoadOrStore(dir, new(sync.Mutex))
	}
	mu.(*sync.Mutex).Lock()
	defer mu.(*sync.Mutex).Unlock()
	return s.root.OpenFile(rel, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}

// commit swaps the staging directory into place. Where the system can
// exchange two directories atomically, the output is swapped with the
// staging directory in one step; otherwise the old output is renamed aside
// and the new one renamed in. Either way a reader sees the old site or the
// new one, never a mix, and the old one is then removed.
func (s *staging) commit() error {
	if err := s.root.Close(); err != nil {
		return err
	}
	if fi, err := os.Lstat(s.out); err == nil && fi.IsDir() && exchange(s.dir, s.out) {
		s.done = true
		return os.RemoveAll(s.dir) // now the old site
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	old := ""
	if _, err := os.Lstat(s.out); err == nil {
		old = s.dir + ".old"
		if err := os.Rename(s.out, old); err != nil {
			return err
		}
	}
	if err := os.Rename(s.dir, s.out); err != nil {
		if old != "" {
			os.Rename(old, s.out) // put the previous site back
		}
		return err
	}
	s.done = true
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}

// apply moves the files written to the staging directory into the
// existing output, each by one rename (so no file is ever half written
// under its final name), then removes the files in removed and the
// directories they leave empty. A removed file that stands where a new
// file needs a directory, or inside a directory a new file replaces, goes
// first. Renames go through an os.Root on the parent directory, so a
// symlink inside the output cannot redirect them.
func (s *staging) apply(removed []string) error {
	if err := s.root.Close(); err != nil {
		return err
	}
	parent, err := os.OpenRoot(filepath.Dir(s.out))
	if err != nil {
		return err
	}
	defer parent.Close()
	from, to := filepath.Base(s.dir), filepath.Base(s.out)
	s.mu.Lock()
	written := slices.Clone(s.written)
	s.mu.Unlock()
	first, rest := obstructing(written, removed)
	if err := removeFiles(parent, to, first); err != nil {
		return err
	}
	made := map[string]bool{}
	for _, rel := range written {
		if d := path.Dir(rel); !made[d] {
			if err := parent.MkdirAll(path.Join(to, d), 0o755); err != nil {
				return err
			}
			made[d] = true
		}
		if err := parent.Rename(path.Join(from, rel), path.Join(to, rel)); err != nil {
			return err
		}
	}
	if err := removeFiles(parent, to, rest); err != nil {
		return err
	}
	s.done = true
	return os.RemoveAll(s.dir)
}

// obstructing splits removed into the files in the way of written ones (a
// file at a new file's directory, a file under a new file's path) and the
// others.
func obstructing(written, removed []string) (first, rest []string) {
	files, dirs := make(map[string]bool, len(written)), make(map[string]bool)
	for _, w := range written {
		files[w] = true
		for d := path.Dir(w); d != "." && !dirs[d]; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for _, r := range removed {
		in := dirs[r]
		for d := path.Dir(r); d != "." && !in; d = path.Dir(d) {
			in = files[d]
		}
		if in {
			first = append(first, r)
		} else {
			rest = append(rest, r)
		}
	}
	return first, rest
}

// removeFiles removes the files rels under dir and the directories they
// leave empty, deepest first; a directory that still holds something
// stays.
func removeFiles(parent *os.Root, dir string, rels []string) error {
	dirs := map[string]bool{}
	for _, rel := range rels {
		if err := parent.Remove(path.Join(dir, rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		for d := path.Dir(rel); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	byDepth := make([]string, 0, len(dirs))
	for d := range dirs {
		byDepth = append(byDepth, d)
	}
	slices.SortFunc(byDepth, func(a, b string) int { return strings.Count(b, "/") - strings.Count(a, "/") })
	for _, d := range byDepth {
		parent.Remove(path.Join(dir, d))
	}
	return nil
}

// discard removes the staging directory unless it was committed.
func (s *staging) discard() {
	if s.done {
		return
	}
	s.root.Close()
	os.RemoveAll(s.dir)
}

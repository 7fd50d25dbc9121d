package serve

import (
	"context"
	"crypto/sha256"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// maxHashed is the largest file whose bytes are compared with the
// previous build's: larger ones (images, videos) always count as changed.
const maxHashed = 4 << 20

// maxSettle bounds how long a stream of changes that never goes quiet can
// put a rebuild off.
const maxSettle = time.Second

// settleCap bounds how long changes that keep coming put a rebuild off
// (with none of the changed files empty): the debounce is short, so that
// one save is built at once, and the cap makes a steady stream of changes
// rebuild regularly all the same.
const settleCap = 100 * time.Millisecond

// settle waits until no change has been noted for the debounce interval,
// or max(settleCap, twice the debounce) has passed, and no changed file is
// empty; or until maxSettle has passed. It reports false when ctx is done.
//
// An empty file is most often one caught between the truncate and the
// write of a save (os.WriteFile, many editors): building it would reload
// open pages onto an empty post, then again onto the saved one, and a
// writer held up between the two for longer than the debounce is common
// on a loaded machine. A file that stays empty is built at maxSettle.
func (s *Server) settle(ctx context.Context) bool {
	quiet := time.NewTimer(s.opts.Debounce)
	defer quiet.Stop()
	limit := time.NewTimer(maxSettle)
	defer limit.Stop()
	capped := time.NewTimer(max(settleCap, 2*s.opts.Debounce))
	defer capped.Stop()
	for {
		select {
		case <-ctx.Done():
			return false
		case <-s.kick:
			quiet.Reset(s.opts.Debounce)
		case <-quiet.C:
			if !s.emptyPending() {
				return true
			}
			quiet.Reset(s.opts.Debounce)
		case <-capped.C:
			if !s.emptyPending() {
				return true
			}
		case <-limit.C:
			return true
		}
	}
}

// emptyPending reports whether a pending change is an empty regular file.
func (s *Server) emptyPending() bool {
	s.mu.Lock()
	pending := slices.Collect(maps.Keys(s.pending))
	s.mu.Unlock()
	for _, rel := range pending {
		if fi, err := os.Stat(s.sourcePath(rel)); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
			return true
		}
	}
	return false
}

// sourcePath returns the file a change names: rel is a slash path relative
// to the site root, or absolute for a source directory outside it.
func (s *Server) sourcePath(rel string) string {
	if p := filepath.FromSlash(rel); filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.root, filepath.FromSlash(rel))
}

// noteChange records a change to rel (a slash path relative to the site
// root) and wakes the build loop. It is called by the watcher.
func (s *Server) noteChange(rel string) {
	s.mu.Lock()
	s.pending[rel] = true
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// takeChanges returns the pending changes, sorted, leaving out files whose
// bytes are the same as at their previous build.
func (s *Server) takeChanges() []string {
	s.mu.Lock()
	changed := slices.Sorted(maps.Keys(s.pending))
	clear(s.pending)
	s.mu.Unlock()
	return slices.DeleteFunc(changed, func(rel string) bool {
		p := s.sourcePath(rel)
		fi, err := os.Stat(p)
		if err != nil || !fi.Mode().IsRegular() || fi.Size() > maxHashed {
			delete(s.hashes, rel) // gone, a directory, or big: a change all the same
			return false
		}
		data, err := os.ReadFile(p)
		if err != nil {
			delete(s.hashes, rel)
			return false
		}
		sum := sha256.Sum256(data)
		if old, ok := s.hashes[rel]; ok && old == sum {
			s.log.Debug("unchanged, not rebuilding", "file", rel)
			return true
		}
		s.hashes[rel] = sum
		return false
	})
}

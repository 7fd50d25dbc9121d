package build

import (
	"io/fs"
	"path"
	"slices"
	"strings"
)

// mkdirs creates the directories of the output paths rels in the staging
// directory, parents first, before any is written: one goroutine creating
// them in order costs less than the rendering workers each finding and
// creating theirs, contending for the same parent directory.
func (s *staging) mkdirs(rels []string) {
	var dirs []string
	for _, rel := range rels {
		rel = path.Clean(strings.TrimPrefix(rel, "/"))
		if !fs.ValidPath(rel) {
			continue // write reports it
		}
		for d := path.Dir(rel); d != "."; d = path.Dir(d) {
			dirs = append(dirs, d)
		}
	}
	slices.Sort(dirs) // a parent sorts before its children
	dirs = slices.Compact(dirs)
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range dirs {
		if s.dirs[d] {
			continue
		}
		if err := s.root.Mkdir(d, 0o755); err == nil {
			s.dirs[d] = true
		} // else write tries again, and reports what is wrong
	}
}

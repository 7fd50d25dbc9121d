package build

import (
	"os"
	"path/filepath"
	"testing"
)

// StateTexts returns the path of the pack of the state saved whole in
// dir and where its search texts end: a pack written whole has them
// first, then the pages.
func StateTexts(t testing.TB, dir string) (pack string, end int64) {
	t.Helper()
	header, err := os.ReadFile(statePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	_, disk, err := decodeHeader(header, 1<<62)
	if err != nil {
		t.Fatal(err)
	}
	end = 1 << 62
	for _, refs := range [][]pageRef{disk.src, disk.out} {
		for _, r := range refs {
			end = min(end, r.Off)
		}
	}
	if end == 0 {
		t.Fatal("the state's pack has no search texts")
	}
	return filepath.Join(dir, disk.pack), end
}

// TextsInMemory counts the sources of the state s holds whose search
// text is in memory, and returns the total size of those texts; -1 when
// s holds no state.
func TextsInMemory(s *Session) (n, bytes int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.st == nil {
		return -1, 0
	}
	for _, src := range s.st.Sources {
		if src.text.in == nil && src.text.mem != "" {
			n, bytes = n+1, bytes+len(src.text.mem)
		}
	}
	return n, bytes
}

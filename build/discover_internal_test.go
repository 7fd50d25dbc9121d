//go:build linux || darwin

package build

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDiscoverStats checks what discover finds against os.Stat of every
// file: a post, a link to a file outside the directory (its target's size
// and time), a dangling link and a FIFO (left out), and more directories
// than discover keeps open (the rest are stat-ed by path).
func TestDiscoverStats(t *testing.T) {
	root := t.TempDir()
	posts := filepath.Join(root, "posts")
	write := func(rel, data string) {
		t.Helper()
		p := filepath.Join(root, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("posts/a.md", "a")
	write("outside/b.md", "bbbb")
	for i := range maxOpenDirs + 5 {
		write(fmt.Sprintf("posts/d%03d/index.md", i), fmt.Sprint(i))
	}
	if err := os.Symlink(filepath.Join(root, "outside", "b.md"), filepath.Join(posts, "b.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "nowhere.md"), filepath.Join(posts, "dangling.md")); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(posts, "fifo.md"), 0o644); err != nil {
		t.Fatal(err)
	}
	b := &builder{cfg: Config{Root: root}}
	got, err := b.discover("posts", func(string) bool { return true })
	if err != nil {
		t.Fatal(err)
	}
	var want []source
	names := []string{"posts/a.md", "posts/b.md"}
	for i := range maxOpenDirs + 5 {
		names = append(names, fmt.Sprintf("posts/d%03d/index.md", i))
	}
	slices.Sort(names)
	for _, rel := range names {
		abs := filepath.Join(root, filepath.FromSlash(rel))
		fi, err := os.Stat(abs)
		if err != nil {
			t.Fatal(err)
		}
		dev, _ := fileDev(fi)
		want = append(want, source{rel: rel, abs: abs, size: fi.Size(), modTime: fi.ModTime().UnixNano(), dev: dev})
	}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(source{})); diff != "" {
		t.Errorf("discover (-os.Stat +got):\n%s", diff)
	}
}

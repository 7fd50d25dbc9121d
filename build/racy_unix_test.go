//go:build linux || darwin

package build_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
)

// The start mark is kept where a file's device is known (stat_unix.go).

// TestStartMark: a file written a moment before a build is trusted by the
// next one, which stops at the stamp, since its time is before the mark
// the build wrote when it began (a 2-second window by the clock would read
// it again); a file whose time is at the mark or after is read again
// however its size and time look.
func TestStartMark(t *testing.T) {
	t.Parallel()
	root := genSite(t, 20)
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	setTimes(t, root, time.Now().Add(-500*time.Millisecond))
	runBuild(t, cfg, build.Options{})
	if res := runBuild(t, cfg, build.Options{}); res.Read != 0 || res.Written != 0 {
		t.Errorf("build right after the first: %s, read %d; want a no-op reading nothing", res, res.Read)
	}

	// A post whose time is after the mark (a clock set ahead, or a
	// second write in the mark's tick): the edit below keeps its size and
	// time, and is still read.
	post := filepath.Join(root, "posts", "p0003.md")
	orig := readFile(t, post)
	ahead := time.Now().Add(time.Hour)
	if err := os.Chtimes(post, ahead, ahead); err != nil {
		t.Fatal(err)
	}
	runBuild(t, cfg, build.Options{}) // reads the post: its time changed
	edited := strings.Replace(string(orig), "First paragraph", "Other paragraph", 1)
	writeFile(t, post, []byte(edited))
	if err := os.Chtimes(post, ahead, ahead); err != nil {
		t.Fatal(err)
	}
	res := runBuild(t, cfg, build.Options{})
	if res.Read != 1 {
		t.Errorf("build after a same-size edit keeping a time after the mark: read %d sources, want 1", res.Read)
	}
	page := readFile(t, filepath.Join(root, "_site", "2025", "04", "p0003", "index.html"))
	if !strings.Contains(string(page), "Other paragraph of 3") {
		t.Error("the page does not show the edit")
	}
}

// TestStartMarkOtherFileSystem: a post on another file system than the
// cache (a link into /dev/shm here) is not judged by the mark, whose
// clock it may not share, but by the window.
func TestStartMarkOtherFileSystem(t *testing.T) {
	t.Parallel()
	root := genSite(t, 5)
	var site, shm syscall.Stat_t
	if syscall.Stat(root, &site) != nil || syscall.Stat("/dev/shm", &shm) != nil || site.Dev == shm.Dev {
		t.Skip("no /dev/shm on another file system than the temporary directory")
	}
	dir, err := os.MkdirTemp("/dev/shm", "blog-test-")
	if err != nil {
		t.Skip("cannot write in /dev/shm:", err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	post := filepath.Join(root, "posts", "p0002.md")
	moved := filepath.Join(dir, "p0002.md")
	writeFile(t, moved, readFile(t, post))
	if err := os.Remove(post); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(moved, post); err != nil {
		t.Fatal(err)
	}
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	recent := time.Now().Add(-500 * time.Millisecond)
	setTimes(t, root, recent)
	if err := os.Chtimes(moved, recent, recent); err != nil {
		t.Fatal(err)
	}
	runBuild(t, cfg, build.Options{})
	if res := runBuild(t, cfg, build.Options{}); res.Read != 1 {
		t.Errorf("build right after the first: read %d sources, want the one on the other file system", res.Read)
	}
}

package build_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestSourceTooBig: a post over build.max_post_size is an error naming the
// file and the limit, found from its size: it is not read.
func TestSourceTooBig(t *testing.T) {
	// Not parallel: it measures the memory the build allocates.
	root := site(t, map[string]string{
		"_config.yaml":  okConfig,
		"posts/ok.md":   "---\ntitle: OK\ndate: 2026-01-01\n---\nok\n",
		"pages/big.md":  "---\ntitle: Big\n---\n" + strings.Repeat("x", 10<<20),
		"posts/huge.md": "",
	})
	// 50 MB, sparse: cheap to make, costly to read.
	if err := os.Truncate(filepath.Join(root, "posts/huge.md"), 50<<20); err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	err := buildSite(t, root)
	runtime.ReadMemStats(&after)
	want := "pages/big.md: 10485779 bytes, more than build.max_post_size (10MB): split it, or raise build.max_post_size\n" +
		"posts/huge.md: 52428800 bytes, more than build.max_post_size (10MB): split it, or raise build.max_post_size"
	if err == nil || err.Error() != want {
		t.Errorf("build error:\n got %v\nwant %s", err, want)
	}
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
		t.Errorf("the build allocated %d MB: it read the big files", alloc>>20)
	}

	writeFile(t, filepath.Join(root, "_config.yaml"), []byte(okConfig+"build: {max_post_size: 60MB}\n"))
	err = buildSite(t, root)
	if want := "posts/huge.md:1:1: post has no date: add date: to its front matter or name the file YYYY-MM-DD-slug.md"; err == nil || err.Error() != want {
		t.Errorf("with a limit of 60MB, build error:\n got %v\nwant %s", err, want)
	}
}

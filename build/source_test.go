package build_test

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestSourceNotUTF8: a post or page that is not UTF-8 is an error at its
// first bad byte, not a page served as charset=utf-8.
func TestSourceNotUTF8(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"front matter", map[string]string{"posts/a.md": "---\ntitle: caf\xe9\ndate: 2026-01-01\n---\nbody\n"},
			`posts/a.md:2:11: not valid UTF-8 (byte 0xe9): save the file as UTF-8`},
		{"body", map[string]string{"posts/a.md": "---\ntitle: A\ndate: 2026-01-01\n---\nok\nna\xefve \xff\n"},
			`posts/a.md:6:3: not valid UTF-8 (byte 0xef): save the file as UTF-8`},
		{"page", map[string]string{"pages/about.md": "\x80"},
			`pages/about.md:1:1: not valid UTF-8 (byte 0x80): save the file as UTF-8`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.files["_config.yaml"] = okConfig
			err := buildSite(t, site(t, tc.files))
			if err == nil || err.Error() != tc.want {
				t.Errorf("build error:\n got %v\nwant %s", err, tc.want)
			}
		})
	}
}

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

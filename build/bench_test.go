package build_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
)

// BenchmarkBuild is a cold full build of a generated 200-post site.
func BenchmarkBuild(b *testing.B) {
	root := genSite(b, 200)
	cfg, err := build.Load(root)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := build.Run(b.Context(), cfg, build.Options{NoCache: true}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(200*b.N)/b.Elapsed().Seconds(), "posts/s")
}

// BenchmarkBuildIncremental measures a warm cache: a no-op build, and a
// build after one post's body changed. Both should do almost no work.
func BenchmarkBuildIncremental(b *testing.B) {
	root := genSite(b, 1000)
	cfg, err := build.Load(root)
	if err != nil {
		b.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			os.Chtimes(p, past, past)
		}
		return nil
	})
	if _, err := build.Run(b.Context(), cfg, build.Options{}); err != nil {
		b.Fatal(err)
	}
	b.Run("noop", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			res, err := build.Run(b.Context(), cfg, build.Options{})
			if err != nil {
				b.Fatal(err)
			}
			if res.Written != 0 {
				b.Fatalf("no-op build wrote %d files", res.Written)
			}
		}
	})
	b.Run("edit", func(b *testing.B) {
		p := filepath.Join(root, "posts", "p0500.md")
		orig := readFile(b, p)
		b.ReportAllocs()
		i := 0
		for b.Loop() {
			i++
			writeFile(b, p, []byte(strings.Replace(string(orig), "Some more words", "Edit "+strings.Repeat("x", i%50), 1)))
			if _, err := build.Run(b.Context(), cfg, build.Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

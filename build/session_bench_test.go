package build_test

import (
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
)

// benchSite is the site of BLOG_BENCH_SITE (a bench/gencorpus corpus with
// bench/_config.yaml, as bench/run lays it out), copied so that the edits
// never touch it, or else a generated site of n posts.
func benchSite(b *testing.B, n int) string {
	src := os.Getenv("BLOG_BENCH_SITE")
	if src == "" {
		return genSite(b, n)
	}
	dst := b.TempDir()
	for _, name := range []string{build.ConfigFile, "posts", "templates"} {
		p := filepath.Join(src, name)
		fi, err := os.Stat(p)
		switch {
		case err != nil:
			continue
		case fi.IsDir():
			err = os.CopyFS(filepath.Join(dst, name), os.DirFS(p))
		default:
			var data []byte
			if data, err = os.ReadFile(p); err == nil {
				err = os.WriteFile(filepath.Join(dst, name), data, 0o644)
			}
		}
		if err != nil {
			b.Fatal(err)
		}
	}
	return dst
}

// BenchmarkColdSite is a cold build (no cache, no output) of the site of
// BLOG_BENCH_SITE, or of 200 generated posts; with -cpuprofile it is the
// profile of a cold build:
//
//	BLOG_BENCH_SITE=/tmp/blog-bench/blog-1000 go test ./build -run '^$' -bench ColdSite -benchtime 1x -cpuprofile cold.out
func BenchmarkColdSite(b *testing.B) {
	root := benchSite(b, 200)
	cfg, err := build.Load(root)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		os.RemoveAll(filepath.Join(root, "_site"))
		if _, err := build.Run(b.Context(), cfg, build.Options{NoCache: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSessionEdit measures what blog serve does after a save: a
// session build told the one post that changed, its state in memory,
// against a build.Run of the same edit. The site is BLOG_BENCH_SITE or
// 1,000 generated posts.
func BenchmarkSessionEdit(b *testing.B) {
	root := benchSite(b, 1000)
	cfg, err := build.Load(root)
	if err != nil {
		b.Fatal(err)
	}
	past := time.Now().Add(-time.Hour)
	var posts []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			os.Chtimes(p, past, past)
			if filepath.Ext(p) == ".md" {
				posts = append(posts, p)
			}
		}
		return nil
	})
	slices.Sort(posts)
	post := posts[len(posts)/2]
	rel, _ := filepath.Rel(root, post)
	orig, err := os.ReadFile(post)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := build.Run(b.Context(), cfg, build.Options{}); err != nil {
		b.Fatal(err)
	}
	n := 0
	edit := func(b *testing.B) {
		n++
		if err := os.WriteFile(post, append(slices.Clone(orig), "\nEdit "+strconv.Itoa(n)+".\n"...), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	check := func(b *testing.B, res build.Result, err error) {
		if err != nil {
			b.Fatal(err)
		}
		if res.Full || res.Written == 0 {
			b.Fatalf("edit: %s", res)
		}
	}
	b.Run("session", func(b *testing.B) {
		sess := build.NewSession()
		sess.PersistAfter = time.Hour
		defer sess.Close()
		res, err := sess.Run(b.Context(), cfg, build.Options{}, nil)
		if err != nil {
			b.Fatal(err)
		}
		_ = res
		for b.Loop() {
			edit(b)
			res, err := sess.Run(b.Context(), cfg, build.Options{}, []string{filepath.ToSlash(rel)})
			check(b, res, err)
		}
	})
	b.Run("run", func(b *testing.B) {
		for b.Loop() {
			edit(b)
			res, err := build.Run(b.Context(), cfg, build.Options{})
			check(b, res, err)
		}
	})
}

package build_test

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/build"
)

// genSite writes a site of n posts and returns its root.
func genSite(t testing.TB, n int) string {
	t.Helper()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "_config.yaml"), []byte("site: {title: Gen, url: \"https://example.com/\"}\n"))
	for i := range n {
		post := fmt.Sprintf("---\ntitle: Post %d\ndate: 2025-%02d-%02d\ntags: [t%d, common]\n---\nFirst paragraph of %d.\n\n```go\nfunc f%d() int { return %d }\n```\n\n%s\n",
			i, i%12+1, i%28+1, i%7, i, i, i, strings.Repeat("Some more words in the body. ", 40))
		writeFile(t, filepath.Join(root, "posts", fmt.Sprintf("p%04d.md", i)), []byte(post))
	}
	return root
}

func runBuild(t testing.TB, cfg build.Config, opts build.Options) build.Result {
	t.Helper()
	opts.Now = func() time.Time { return testNow }
	res, err := build.Run(t.Context(), cfg, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// setTimes sets every file's times under root to at.
func setTimes(t *testing.T, root string, at time.Time) {
	t.Helper()
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if err := os.Chtimes(p, at, at); err != nil {
				t.Fatal(err)
			}
		}
		return nil
	})
}

// fullSnapshot builds root without the cache into a fresh directory.
func fullSnapshot(t testing.TB, root string) map[string]string {
	t.Helper()
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Build.Output = filepath.Join(t.TempDir(), "full")
	runBuild(t, cfg, build.Options{NoCache: true})
	return snapshot(t, cfg.Build.Output)
}

// TestCacheCorruption damages the cache in each way a disk or an old
// version can and checks the next build is full and correct.
func TestCacheCorruption(t *testing.T) {
	t.Parallel()
	damage := map[string]func(t *testing.T, dir string){
		"truncated state": func(t *testing.T, dir string) {
			b := readFile(t, filepath.Join(dir, "state"))
			writeFile(t, filepath.Join(dir, "state"), b[:len(b)/2])
		},
		"garbage state": func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "state"), []byte("not a gob at all"))
		},
		"empty state": func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "state"), nil)
		},
		"old version": func(t *testing.T, dir string) {
			b := readFile(t, filepath.Join(dir, "state"))
			writeFile(t, filepath.Join(dir, "state"), []byte(strings.Replace(string(b), "blog-cache-", "blog-cache-0", 1)))
		},
		"damaged state page": func(t *testing.T, dir string) {
			// One byte of the pack's last page changed: the page fails
			// its checksum.
			p := statePack(t, dir)
			b := readFile(t, p)
			b[len(b)-2] ^= 0x20
			writeFile(t, p, b)
		},
		"damaged search texts": func(t *testing.T, dir string) {
			// Every search text damaged, the pages intact: the texts
			// the build needs are derived again from the sources.
			p, end := build.StateTexts(t, dir)
			b := readFile(t, p)
			for i := range end {
				b[i] ^= 0x20
			}
			writeFile(t, p, b)
		},
		"truncated state pack": func(t *testing.T, dir string) {
			p := statePack(t, dir)
			b := readFile(t, p)
			writeFile(t, p, b[:len(b)-1])
		},
		"missing state pack": func(t *testing.T, dir string) {
			if err := os.Remove(statePack(t, dir)); err != nil {
				t.Fatal(err)
			}
		},
		"garbage code pack": func(t *testing.T, dir string) {
			b := readFile(t, filepath.Join(dir, "code.pack"))
			for i := range b {
				b[i] = 'x'
			}
			writeFile(t, filepath.Join(dir, "code.pack"), b)
		},
		"truncated code pack": func(t *testing.T, dir string) {
			b := readFile(t, filepath.Join(dir, "code.pack"))
			writeFile(t, filepath.Join(dir, "code.pack"), b[:len(b)/3])
		},
		"garbage code index": func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "code.idx"), []byte{0, 1, 2})
		},
		"interrupted": func(t *testing.T, dir string) {
			writeFile(t, filepath.Join(dir, "dirty"), nil)
		},
	}
	for name, hurt := range damage {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			root := genSite(t, 8)
			cfg, err := build.Load(root)
			if err != nil {
				t.Fatal(err)
			}
			runBuild(t, cfg, build.Options{})
			// Change a post and damage the cache, then build again.
			writeFile(t, filepath.Join(root, "posts", "p0003.md"), []byte("---\ntitle: Changed\ndate: 2025-04-04\n---\nNew body.\n\n```go\nfunc changed() {}\n```\n"))
			hurt(t, filepath.Join(root, build.CacheDir))
			res := runBuild(t, cfg, build.Options{})
			if d := cmp.Diff(fullSnapshot(t, root), snapshot(t, cfg.OutputDir())); d != "" {
				t.Fatalf("output after %s differs from a full build (-full +got):\n%s", name, d)
			}
			if strings.Contains(name, "state") || name == "old version" || name == "interrupted" {
				if !res.Full {
					t.Errorf("build after %s was incremental, want full", name)
				}
			}
			// And the cache it wrote works: a no-op build renders nothing.
			if res := runBuild(t, cfg, build.Options{}); res.Full || res.Written != 0 || res.Cached != res.Files {
				t.Errorf("no-op build after repair: %s", res)
			}
		})
	}
}

// statePack is the path of the state's pack of pages in the cache dir.
func statePack(t *testing.T, dir string) string {
	t.Helper()
	packs, err := filepath.Glob(filepath.Join(dir, "state-*.pack"))
	if err != nil || len(packs) != 1 {
		t.Fatalf("state packs in %s: %v %v, want one", dir, packs, err)
	}
	return packs[0]
}

// TestNoOpAndOneEdit checks what an incremental build does: nothing when
// nothing changed, and for a body edit only the pages that show the post.
func TestNoOpAndOneEdit(t *testing.T) {
	t.Parallel()
	root := genSite(t, 40)
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	first := runBuild(t, cfg, build.Options{})
	if !first.Full || first.Written != first.Files {
		t.Fatalf("first build: %s", first)
	}
	// Move every source's time into the past, as files a build has not
	// just seen, so the cache trusts size and time.
	setTimes(t, root, time.Now().Add(-time.Hour))
	runBuild(t, cfg, build.Options{})
	noop := runBuild(t, cfg, build.Options{})
	if noop.Full || noop.Written != 0 || noop.Unchanged != 0 || noop.Cached != noop.Files {
		t.Errorf("no-op build: %s; want every file from cache", noop)
	}
	p := filepath.Join(root, "posts", "p0005.md")
	b := readFile(t, p)
	writeFile(t, p, []byte(strings.Replace(string(b), "Some more words", "Some edited words", 1)))
	edit := runBuild(t, cfg, build.Options{})
	// The post page, the index, its tag and category pages, its year
	// archive, the feeds that show it (Atom, RSS and JSON, site-wide and
	// per tag), and the list pages whose summaries show it (the first
	// paragraph is under summaryMinWords, so the edited one is the
	// summary), its search document, the search manifest and the index
	// fragments of the words it gained and lost: not the 39 other post
	// pages, nor the 39 other search documents.
	if edit.Full || edit.Written == 0 || edit.Written > 18 {
		t.Errorf("one body edit: %s; want 18 files at most written", edit)
	}
	if d := cmp.Diff(fullSnapshot(t, root), snapshot(t, cfg.OutputDir())); d != "" {
		t.Errorf("output after one edit differs from a full build (-full +got):\n%s", d)
	}
}

// TestKilledBuild kills a build at a random moment with SIGKILL: the
// output is then the old site or the new one (or, if the kill fell in the
// brief apply step, whole files of either), and the next build is correct.
func TestKilledBuild(t *testing.T) {
	if os.Getenv("BLOG_TEST_CHILD_BUILD") != "" {
		cfg, err := build.Load(os.Getenv("BLOG_TEST_CHILD_BUILD"))
		if err == nil {
			_, err = build.Run(t.Context(), cfg, build.Options{Now: func() time.Time { return testNow }})
		}
		if err != nil {
			t.Fatal(err)
		}
		return
	}
	if testing.Short() {
		t.Skip("builds a large site several times")
	}
	t.Parallel()
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	root := genSite(t, 300)
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	for round := range 4 {
		if round%2 == 1 {
			os.RemoveAll(filepath.Join(root, build.CacheDir)) // a full build this time
		}
		runBuild(t, cfg, build.Options{})
		old := snapshot(t, cfg.OutputDir())
		for i := range 30 {
			p := filepath.Join(root, "posts", fmt.Sprintf("p%04d.md", rng.IntN(300)))
			b := readFile(t, p)
			writeFile(t, p, append(b, fmt.Sprintf("\nEdit %d of round %d.\n", i, round)...))
		}
		want := fullSnapshot(t, root)

		cmd := exec.Command(os.Args[0], "-test.run=^TestKilledBuild$")
		cmd.Env = append(os.Environ(), "BLOG_TEST_CHILD_BUILD="+root)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(rng.IntN(400)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		got := snapshot(t, cfg.OutputDir())
		switch {
		case cmp.Equal(got, old), cmp.Equal(got, want):
		default:
			if _, err := os.Stat(filepath.Join(root, build.CacheDir, "dirty")); err != nil {
				t.Fatalf("round %d: killed build left a site that is neither old nor new, outside the apply step", round)
			}
			for name, data := range got {
				if data != old[name] && data != want[name] {
					t.Fatalf("round %d: %s is neither its old nor its new version", round, name)
				}
			}
		}
		runBuild(t, cfg, build.Options{})
		if d := cmp.Diff(want, snapshot(t, cfg.OutputDir())); d != "" {
			t.Fatalf("round %d: the build after a killed one differs from a full build (-full +got):\n%s", round, d)
		}
		if left, _ := filepath.Glob(filepath.Join(root, ".site-*")); len(left) > 0 {
			t.Errorf("round %d: temporary directories left: %v", round, left)
		}
	}
}

// TestLoadedCallback checks Options.Loaded: told a full build on the
// first, an incremental one after an edit, and not called by a build with
// nothing to do.
func TestLoadedCallback(t *testing.T) {
	root := genSite(t, 3)
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	var calls []bool
	opts := build.Options{Loaded: func(full bool) { calls = append(calls, full) }}
	run := func(what string, want ...bool) {
		t.Helper()
		calls = nil
		if _, err := build.Run(t.Context(), cfg, opts); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(calls, want) {
			t.Errorf("%s: Loaded(full) called with %v, want %v", what, calls, want)
		}
	}
	run("first build", true)
	posts, _ := filepath.Glob(filepath.Join(root, "posts", "*.md"))
	old := time.Now().Add(-time.Hour)
	for _, p := range posts {
		os.Chtimes(p, old, old) // out of the racy window: the next build may stop early
	}
	f, err := os.OpenFile(posts[0], os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString("\nMore.\n")
	f.Close()
	os.Chtimes(posts[0], old, old.Add(time.Minute)) // a new size, and out of the window too
	run("an edit", false)
	run("nothing changed")
}

package build_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog"
	"github.com/blog-gen/blog/build"
)

// treeSnapshot records every entry under dir: its type and permissions,
// and a file's bytes or a link's target. Directories are entries too, so
// an empty directory left behind shows.
func treeSnapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	m := make(map[string]string)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		entry := fi.Mode().String()
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			entry += " -> " + target
		case fi.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			entry += " " + string(data)
		}
		m[filepath.ToSlash(rel)] = entry
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestCollisionInIncrementalBuild makes an edit that gives one output path
// two producers after a good build: the incremental build fails naming
// both, leaves _site and the cache exactly as they were, and once the edit
// is undone the next build is incremental and right.
func TestCollisionInIncrementalBuild(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, data, want string
	}{
		{
			name: "post at a tag page",
			file: "posts/c.md", data: "---\ntitle: C\ndate: 2026-01-03\npermalink: /tags/go/\n---\nC.\n",
			want: "posts/c.md:4:12: URL /tags/go/ is also written by the tag page for go: give the post another slug or permalink",
		},
		{
			name: "post at the Atom feed",
			file: "posts/c.md", data: "---\ntitle: C\ndate: 2026-01-03\npermalink: /atom.xml\n---\nC.\n",
			want: "posts/c.md:4:12: URL /atom.xml/ needs /atom.xml to be a directory, but the Atom feed writes a file there: give the post another slug or permalink",
		},
		{
			name: "post at another post's URL",
			file: "posts/c.md", data: "---\ntitle: C\ndate: 2026-01-03\npermalink: /2026/01/a/\n---\nC.\n",
			want: "posts/c.md:4:12: URL /2026/01/a/ is also written by posts/a.md:1:1: give one of them another slug or permalink",
		},
		{
			name: "static file at a post's URL",
			file: "static/2026/01/b/index.html", data: "<p>static</p>\n",
			want: "posts/b.md:4:7: URL /2026/01/b/ is also written by static file static/2026/01/b/index.html: give the post another slug or permalink",
		},
		{
			name: "static file among the search index's fragments",
			file: "static/search/f/x.json", data: "{}\n",
			want: "static/search/f/x.json: URL /search/f/x.json is in /search/f/, where the search index writes its files: rename or remove the static file",
		},
		{
			name: "post at the search index's fragments",
			file: "posts/c.md", data: "---\ntitle: C\ndate: 2026-01-03\npermalink: /search/f/\n---\nC.\n",
			want: "posts/c.md:4:12: URL /search/f/ is in /search/f/, where the search index writes its files: give the post another slug or permalink",
		},
		{
			name: "post under a file",
			file: "posts/c.md", data: "---\ntitle: C\ndate: 2026-01-03\npermalink: /sitemap.xml/c/\n---\nC.\n",
			want: "posts/c.md:4:12: URL /sitemap.xml/c/ needs /sitemap.xml to be a directory, but the sitemap writes a file there: give the post another slug or permalink",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := site(t, map[string]string{
				"_config.yaml": okConfig,
				"posts/a.md":   "---\ntitle: A\ndate: 2026-01-01\ntags: [go]\n---\nA.\n",
				"posts/b.md":   "---\ntitle: B\ndate: 2026-01-02\nslug: b\n---\nB.\n",
				"static/x.txt": "x\n",
			})
			setPast(t, root)
			if err := buildSite(t, root); err != nil {
				t.Fatal(err)
			}
			out, cache := filepath.Join(root, "_site"), filepath.Join(root, build.CacheDir)
			before, cacheBefore := treeSnapshot(t, out), snapshot(t, cache)

			writeFile(t, filepath.Join(root, tc.file), []byte(tc.data))
			err := buildSite(t, root)
			if err == nil {
				t.Fatalf("build succeeded, want error:\n%s", tc.want)
			}
			if d := cmp.Diff(tc.want, err.Error()); d != "" {
				t.Errorf("error mismatch (-want +got):\n%s", d)
			}
			if d := cmp.Diff(before, treeSnapshot(t, out)); d != "" {
				t.Errorf("the failed build changed _site (-before +after):\n%s", d)
			}
			if d := cmp.Diff(cacheBefore, snapshot(t, cache)); d != "" {
				t.Errorf("the failed build changed the cache (-before +after):\n%s", d)
			}
			if left, _ := filepath.Glob(filepath.Join(root, ".site-*")); len(left) > 0 {
				t.Errorf("the failed build left temporary directories: %v", left)
			}

			if err := os.Remove(filepath.Join(root, tc.file)); err != nil {
				t.Fatal(err)
			}
			cfg, err := build.Load(root)
			if err != nil {
				t.Fatal(err)
			}
			if res := runBuild(t, cfg, build.Options{}); res.Full {
				t.Errorf("the build after the failed one was full (%s), want incremental", res.Reason)
			}
			if d := cmp.Diff(fullSnapshot(t, root), snapshot(t, out)); d != "" {
				t.Errorf("the build after the failed one differs from a full build (-full +got):\n%s", d)
			}
		})
	}
}

// setPast moves every file's time under root an hour back, so the cache
// trusts size and time as it would for files not just saved.
func setPast(t testing.TB, root string) {
	t.Helper()
	past := time.Now().Add(-time.Hour)
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			err = os.Chtimes(p, past, past)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestThemeStaticCollision: a theme whose static files include a path the
// build generates is an error naming both; neither is located in the site.
func TestThemeStaticCollision(t *testing.T) {
	t.Parallel()
	theme := fstest.MapFS{}
	err := fs.WalkDir(blog.Theme, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(blog.Theme, p)
		theme[p] = &fstest.MapFile{Data: data, Mode: 0o644}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	theme["static/index.html"] = &fstest.MapFile{Data: []byte("<p>theme</p>\n")}
	theme["static/404.html/x"] = &fstest.MapFile{Data: []byte("x\n")}
	// A full build makes the search index's fragments once the bodies
	// rendered: the directory is the index's from the start.
	theme["static/search/f/x.json"] = &fstest.MapFile{Data: []byte("{}\n")}
	root := site(t, map[string]string{"_config.yaml": okConfig, "posts/a.md": "---\ntitle: A\ndate: 2026-01-01\n---\nA.\n"})
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	_, err = build.Run(t.Context(), cfg, build.Options{Theme: theme, Now: func() time.Time { return testNow }})
	want := "the theme's static file 404.html/x: URL /404.html/x needs /404.html to be a directory, but the 404 page writes a file there\n" +
		"the theme's static file index.html: URL / is also written by the index page\n" +
		"the theme's static file search/f/x.json: URL /search/f/x.json is in /search/f/, where the search index writes its files"
	if err == nil {
		t.Fatalf("build succeeded, want error:\n%s", want)
	}
	if d := cmp.Diff(want, err.Error()); d != "" {
		t.Errorf("error mismatch (-want +got):\n%s", d)
	}
}

// TestIncrementalFileBecomesDirectory moves a post from the file /a to the
// directory /a/ and back: the incremental build must remove the old file
// (or directory) before it puts the new one in its place.
func TestIncrementalFileBecomesDirectory(t *testing.T) {
	t.Parallel()
	post := func(permalink string) string {
		return "---\ntitle: A\ndate: 2026-01-01\npermalink: " + permalink + "\n---\nA.\n"
	}
	root := site(t, map[string]string{"_config.yaml": okConfig, "posts/a.md": post("/a"), "posts/b.md": post("/b/c/")})
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	runBuild(t, cfg, build.Options{})
	for i, edits := range [][2]string{{"/a/", "/b"}, {"/a", "/b/c/"}} {
		writeFile(t, filepath.Join(root, "posts/a.md"), []byte(post(edits[0])))
		writeFile(t, filepath.Join(root, "posts/b.md"), []byte(post(edits[1])))
		if res := runBuild(t, cfg, build.Options{}); res.Full {
			t.Errorf("step %d: a full build (%s), want incremental", i, res.Reason)
		}
		if d := cmp.Diff(fullSnapshot(t, root), snapshot(t, cfg.OutputDir())); d != "" {
			t.Errorf("step %d: incremental output differs from a full build (-full +got):\n%s", i, d)
		}
	}
}

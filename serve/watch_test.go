package serve_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/serve"
)

func TestWatchWrite(t *testing.T) {
	t.Parallel()
	ts := startServer(t, newSite(t), serve.Options{})
	writeFile(t, ts.root, "posts/a.md", post("Alpha", "Freshly written words."))
	ev := ts.next(t)
	if ev.Err != nil || strings.Join(ev.Changed, " ") != "posts/a.md" {
		t.Fatalf("build after a write: Changed %q, Err %v; want posts/a.md, no error", ev.Changed, ev.Err)
	}
	if page := ts.output(t, "2026/01/a/index.html"); !strings.Contains(page, "Freshly written words.") {
		t.Errorf("the post's page does not show the new text:\n%s", page)
	}
	ts.sentinel(t, ev)
}

// TestWatchRenameOver saves the way most editors and atomic writers do:
// write a temporary file, then rename it over the post.
func TestWatchRenameOver(t *testing.T) {
	t.Parallel()
	ts := startServer(t, newSite(t), serve.Options{})
	for _, tmp := range []string{"posts/.a.md.tmp123", "posts/a.md.tmp", "posts/a.md~"} {
		writeFile(t, ts.root, tmp, post("Alpha", "Renamed in via "+tmp))
		if err := os.Rename(filepath.Join(ts.root, tmp), filepath.Join(ts.root, "posts/a.md")); err != nil {
			t.Fatal(err)
		}
		ev := ts.next(t)
		if ev.Err != nil || strings.Join(ev.Changed, " ") != "posts/a.md" {
			t.Fatalf("build after renaming %s over posts/a.md: Changed %q, Err %v; want posts/a.md alone, no error", tmp, ev.Changed, ev.Err)
		}
		if page := ts.output(t, "2026/01/a/index.html"); !strings.Contains(page, "Renamed in via "+tmp) {
			t.Errorf("the post's page does not show the text renamed in from %s", tmp)
		}
		ts.sentinel(t, ev)
	}
}

// TestWatchVimSave replays vim's default save: rename the file to a
// backup, write the new file, delete the backup, with its probe file
// 4913 and swap file around it.
func TestWatchVimSave(t *testing.T) {
	t.Parallel()
	ts := startServer(t, newSite(t), serve.Options{})
	a := filepath.Join(ts.root, "posts/a.md")
	writeFile(t, ts.root, "posts/.a.md.swp", "swap")
	writeFile(t, ts.root, "posts/4913", "")
	os.Remove(filepath.Join(ts.root, "posts/4913"))
	if err := os.Rename(a, a+"~"); err != nil {
		t.Fatal(err)
	}
	writeFile(t, ts.root, "posts/a.md", post("Alpha", "Saved by vim."))
	os.Remove(a + "~")
	ev := ts.next(t)
	if ev.Err != nil || strings.Join(ev.Changed, " ") != "posts/a.md" {
		t.Fatalf("build after a vim save: Changed %q, Err %v; want posts/a.md alone, no error", ev.Changed, ev.Err)
	}
	if page := ts.output(t, "2026/01/a/index.html"); !strings.Contains(page, "Saved by vim.") {
		t.Errorf("the post's page does not show the saved text")
	}
	ts.sentinel(t, ev)
}

func TestWatchDelete(t *testing.T) {
	t.Parallel()
	ts := startServer(t, newSite(t), serve.Options{})
	if err := os.Remove(filepath.Join(ts.root, "posts/b.md")); err != nil {
		t.Fatal(err)
	}
	ev := ts.next(t)
	if ev.Err != nil || strings.Join(ev.Changed, " ") != "posts/b.md" {
		t.Fatalf("build after a delete: Changed %q, Err %v; want posts/b.md, no error", ev.Changed, ev.Err)
	}
	if _, err := os.Stat(filepath.Join(ts.cfg.OutputDir(), "2026/01/b/index.html")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the deleted post's page is still in the output (Stat: %v)", err)
	}
	ts.sentinel(t, ev)
}

// TestWatchNewDirectory checks that a directory made after the server
// started is watched: both the file written with it and a later edit of
// that file rebuild.
func TestWatchNewDirectory(t *testing.T) {
	t.Parallel()
	ts := startServer(t, newSite(t), serve.Options{})
	writeFile(t, ts.root, "posts/2026/deep/c.md", post("Gamma", "First words."))
	ev := ts.next(t)
	if ev.Err != nil || !slices.Contains(ev.Changed, "posts/2026/deep/c.md") {
		t.Fatalf("build after a new directory: Changed %q, Err %v; want posts/2026/deep/c.md among them", ev.Changed, ev.Err)
	}
	writeFile(t, ts.root, "posts/2026/deep/c.md", post("Gamma", "Second words."))
	ev = ts.next(t)
	if ev.Err != nil || strings.Join(ev.Changed, " ") != "posts/2026/deep/c.md" {
		t.Fatalf("build after editing a file in the new directory: Changed %q, Err %v", ev.Changed, ev.Err)
	}
	if page := ts.output(t, "2026/01/c/index.html"); !strings.Contains(page, "Second words.") {
		t.Errorf("the new post's page does not show the edit")
	}

	// A source directory the site did not have at all (pages/).
	writeFile(t, ts.root, "pages/about.md", "---\ntitle: About\n---\nAbout us.\n")
	ev = ts.next(t)
	if ev.Err != nil || !slices.Contains(ev.Changed, "pages/about.md") {
		t.Fatalf("build after making pages/: Changed %q, Err %v", ev.Changed, ev.Err)
	}
	writeFile(t, ts.root, "pages/about.md", "---\ntitle: About\n---\nAbout them.\n")
	ev = ts.next(t)
	if ev.Err != nil || strings.Join(ev.Changed, " ") != "pages/about.md" {
		t.Fatalf("build after editing pages/about.md: Changed %q, Err %v", ev.Changed, ev.Err)
	}
	ts.sentinel(t, ev)
}

// TestWatchBurst makes many changes at once, as a save-all or a git
// checkout does, and expects exactly one rebuild for all of them.
func TestWatchBurst(t *testing.T) {
	t.Parallel()
	ts := startServer(t, newSite(t), serve.Options{})
	for i := range 5 {
		writeFile(t, ts.root, "posts/a.md", post("Alpha", strings.Repeat("burst ", i+1)))
		writeFile(t, ts.root, "posts/.b.md.swp", "swap")
		writeFile(t, ts.root, "posts/b.tmp", post("Beta", "temporary"))
		if err := os.Rename(filepath.Join(ts.root, "posts/b.tmp"), filepath.Join(ts.root, "posts/b.md")); err != nil {
			t.Fatal(err)
		}
		os.Chmod(filepath.Join(ts.root, "posts/a.md"), 0o600)
		writeFile(t, ts.root, "static/css/extra.css", "body { color: red }\n")
	}
	ev := ts.next(t)
	if want := "posts/a.md posts/b.md static/css/extra.css"; ev.Err != nil || strings.Join(ev.Changed, " ") != want {
		t.Fatalf("build after a burst: Changed %q, Err %v; want %s", ev.Changed, ev.Err, want)
	}
	ts.sentinel(t, ev)
}

// TestWatchSlowTruncatingSave saves the way os.WriteFile and many tools
// do, truncate then write, with the writer held up between the two for
// longer than the debounce (as on a loaded machine): the server must not
// build the empty file in between, which would reload open pages onto an
// empty post (the race behind cmd/blog's TestServeBrowser failing once).
func TestWatchSlowTruncatingSave(t *testing.T) {
	t.Parallel()
	const debounce = 50 * time.Millisecond
	ts := startServer(t, newSite(t), serve.Options{Debounce: debounce})
	f, err := os.OpenFile(filepath.Join(ts.root, "posts/a.md"), os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(4 * debounce) // the writer is slow, not the test's assertion
	if _, err := f.WriteString(post("Alpha", "Written after a pause.")); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	ev := ts.next(t)
	if ev.Err != nil || strings.Join(ev.Changed, " ") != "posts/a.md" {
		t.Fatalf("build after a slow save: Changed %q, Err %v; want posts/a.md, no error", ev.Changed, ev.Err)
	}
	if page := ts.output(t, "2026/01/a/index.html"); !strings.Contains(page, "Written after a pause.") {
		t.Fatalf("the first build after a slow save built the empty file, not the saved text")
	}
	ts.sentinel(t, ev)

	// A file that stays empty is built as it is, after a bounded delay:
	// here a post without a date.
	writeFile(t, ts.root, "posts/b.md", "")
	ev = ts.next(t)
	if strings.Join(ev.Changed, " ") != "posts/b.md" || ev.Err == nil || !strings.HasPrefix(ev.Err.Error(), "posts/b.md:1:1: post has no date") {
		t.Fatalf("build after emptying a post: Changed %q, Err %v; want posts/b.md, its error", ev.Changed, ev.Err)
	}
}

// TestWatchIgnored changes only files that are not sources and expects no
// build: swap files, backups, dotfiles, files saved with the same bytes,
// mode changes, the output directory.
func TestWatchIgnored(t *testing.T) {
	t.Parallel()
	ts := startServer(t, newSite(t), serve.Options{})
	writeFile(t, ts.root, "posts/a.md", post("Alpha", "Edited once."))
	ev := ts.next(t)
	writeFile(t, ts.root, "posts/.a.md.swp", "swap")
	writeFile(t, ts.root, "posts/a.md~", "backup")
	writeFile(t, ts.root, "posts/#a.md#", "emacs")
	writeFile(t, ts.root, "posts/.hidden/x.md", post("Hidden", "x"))
	writeFile(t, ts.root, ".git/index", "git")
	writeFile(t, ts.root, "README.md", "not a source")
	writeFile(t, ts.root, "_site/junk.html", "output")
	os.Chmod(filepath.Join(ts.root, "posts/b.md"), 0o600)
	writeFile(t, ts.root, "posts/a.md", post("Alpha", "Edited once.")) // the same bytes
	ts.sentinel(t, ev)
}

// TestWatchDuringBuild changes files while a build is running and expects
// exactly one more build with all of them after it.
func TestWatchDuringBuild(t *testing.T) {
	t.Parallel()
	hold, release := make(chan struct{}), make(chan struct{})
	ts := startServer(t, newSite(t), serve.Options{OnBuild: func(ev serve.Event) {
		if ev.Seq == 2 {
			close(hold)
			select { // the build loop is busy until released
			case <-release:
			case <-time.After(wait):
			}
		}
	}})
	writeFile(t, ts.root, "posts/a.md", post("Alpha", "One."))
	recv(t, hold, "the second build")
	writeFile(t, ts.root, "posts/b.md", post("Beta", "Two."))
	writeFile(t, ts.root, "posts/c.md", post("Gamma", "Three."))
	writeFile(t, ts.root, "templates/partials/meta.html", "<!-- meta -->\n")
	close(release)
	ev := ts.next(t)
	if ev.Seq != 2 || strings.Join(ev.Changed, " ") != "posts/a.md" {
		t.Fatalf("first build: Seq %d, Changed %q; want 2, posts/a.md", ev.Seq, ev.Changed)
	}
	ev = ts.next(t)
	if want := "posts/b.md posts/c.md templates/partials/meta.html"; ev.Seq != 3 || ev.Err != nil || strings.Join(ev.Changed, " ") != want {
		t.Fatalf("build after changes during a build: Seq %d, Changed %q, Err %v; want 3, %s, no error", ev.Seq, ev.Changed, ev.Err, want)
	}
	ts.sentinel(t, ev)
}

// TestWatchBuildError breaks a post's front matter, then fixes it: the
// error is located, the last good site stays in place, and the fix builds.
func TestWatchBuildError(t *testing.T) {
	t.Parallel()
	ts := startServer(t, newSite(t), serve.Options{})
	good := ts.output(t, "2026/01/a/index.html")
	writeFile(t, ts.root, "posts/a.md", "---\ntitle: Alpha\ndate: never\n---\nBroken.\n")
	ev := ts.next(t)
	var de *diag.Error
	if !errors.As(ev.Err, &de) || de.Pos.File != "posts/a.md" || de.Pos.Line != 3 {
		t.Fatalf("build after breaking posts/a.md: Err %v; want a *diag.Error at posts/a.md:3", ev.Err)
	}
	if got := ts.output(t, "2026/01/a/index.html"); got != good {
		t.Errorf("a failed build changed the output")
	}
	writeFile(t, ts.root, "posts/a.md", post("Alpha", "Fixed."))
	if ev = ts.next(t); ev.Err != nil {
		t.Fatalf("build after the fix: %v", ev.Err)
	}
	if page := ts.output(t, "2026/01/a/index.html"); !strings.Contains(page, "Fixed.") {
		t.Errorf("the post's page does not show the fix")
	}
}

// TestWatchConfig edits _config.yaml: the configuration is read again, and
// a broken one is an error located in it, not the end of the server.
func TestWatchConfig(t *testing.T) {
	t.Parallel()
	ts := startServer(t, newSite(t), serve.Options{})
	writeFile(t, ts.root, "_config.yaml", "site: {title: Renamed site}\n")
	ev := ts.next(t)
	if ev.Err != nil || strings.Join(ev.Changed, " ") != "_config.yaml" {
		t.Fatalf("build after editing _config.yaml: Changed %q, Err %v", ev.Changed, ev.Err)
	}
	if page := ts.output(t, "index.html"); !strings.Contains(page, "Renamed site") {
		t.Errorf("the home page does not show the new title")
	}
	writeFile(t, ts.root, "_config.yaml", "site: {title: Renamed site}\nbuild: {paginate: ten}\n")
	ev = ts.next(t)
	if ev.Err == nil || !strings.HasPrefix(ev.Err.Error(), "_config.yaml:2:") {
		t.Fatalf("build after breaking _config.yaml: Err %v; want an error at _config.yaml:2", ev.Err)
	}
	// A post saved while the configuration is broken does not hide that.
	writeFile(t, ts.root, "posts/a.md", post("Alpha", "Saved meanwhile."))
	ev = ts.next(t)
	if ev.Err == nil || !strings.HasPrefix(ev.Err.Error(), "_config.yaml:2:") {
		t.Fatalf("build after saving a post with _config.yaml broken: Err %v; want the _config.yaml error still", ev.Err)
	}
	// Fixed, the new site.url shows in absolute links: the dev server
	// builds exactly what blog build does.
	writeFile(t, ts.root, "_config.yaml", "site: {title: Third title, url: \"https://example.com/\"}\n")
	if ev = ts.next(t); ev.Err != nil {
		t.Fatal(ev.Err)
	}
	if page := ts.output(t, "index.html"); !strings.Contains(page, `<link rel="canonical" href="https://example.com/">`) {
		t.Errorf("after reloading _config.yaml, the canonical link is not the new site.url")
	}
	if got := get(t, ts.url); !strings.Contains(got, "Third title") {
		t.Errorf("GET %s after the fix does not show the new title", ts.url)
	}
}

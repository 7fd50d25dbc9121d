package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
)

// needGit skips the test when git is missing, unless BLOG_TEST_STRICT=1.
func needGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("BLOG_TEST_STRICT") == "1" {
			t.Fatal("git not found and BLOG_TEST_STRICT=1")
		}
		t.Skip("git not found: install git to run the deploy tests")
	}
}

// gitEnv isolates test repositories from the user's git configuration.
var gitEnv = []string{
	"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
	"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
	"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
}

func runGit(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), gitEnv...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func writeFile(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func post(title, date string) string {
	return fmt.Sprintf("---\ntitle: %s\ndate: %s\n---\nSome text about %s.\n", title, date, title)
}

// newSite makes a site with three posts in a fresh git repository, its
// deploy target in another temporary directory, and returns its config.
func newSite(t *testing.T, extra string) build.Config {
	t.Helper()
	needGit(t)
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "www", "blog")
	writeFile(t, filepath.Join(dir, "_config.yaml"), fmt.Sprintf("site: {title: Test, url: \"https://example.com/\"}\ndeploy:\n  dir: %s\n%s", target, extra))
	for i, d := range []string{"2026-01-01", "2026-02-01", "2026-03-01"} {
		writeFile(t, filepath.Join(dir, "posts", fmt.Sprintf("%s-post-%d.md", d, i+1)), post(fmt.Sprintf("Post %d", i+1), d))
	}
	runGit(t, dir, "init", "-q", "-b", "main")
	commitAll(t, dir, "first")
	return mustLoad(t, dir)
}

func mustLoad(t *testing.T, dir string) build.Config {
	t.Helper()
	cfg, err := build.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func commitAll(t *testing.T, dir, msg string) {
	t.Helper()
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "commit", "-q", "-m", msg)
}

func mustDeploy(t *testing.T, cfg build.Config, opts Options) Result {
	t.Helper()
	res, err := Run(t.Context(), cfg, opts)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return res
}

// liveName returns the release the target points to.
func liveName(t *testing.T, cfg build.Config) string {
	t.Helper()
	dest, err := os.Readlink(cfg.Deploy.Dir)
	if err != nil {
		return ""
	}
	return filepath.Base(dest)
}

// releaseEntries lists the releases directory, dotfiles excepted.
func releaseEntries(t *testing.T, cfg build.Config) []string {
	t.Helper()
	dir, err := ReleasesDir(cfg)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.Name() != ".lock" {
			out = append(out, e.Name())
		}
	}
	return out
}

// sameFile reports whether a and b are one file (hard links of each other).
func sameFile(t *testing.T, a, b string) bool {
	t.Helper()
	fa, err := os.Stat(a)
	if err != nil {
		t.Fatal(err)
	}
	fb, err := os.Stat(b)
	if err != nil {
		t.Fatal(err)
	}
	return os.SameFile(fa, fb)
}

func TestDeployHardLinksUnchangedFiles(t *testing.T) {
	t.Parallel()
	cfg := newSite(t, "")
	first := mustDeploy(t, cfg, Options{})
	if first.Linked != 0 || first.Files == 0 || first.Bytes == 0 {
		t.Errorf("first deploy: %d files, %d linked, %d bytes; want all files new", first.Files, first.Linked, first.Bytes)
	}
	if got := liveName(t, cfg); got != first.Release.Name {
		t.Fatalf("live release %q, want %q", got, first.Release.Name)
	}
	if _, err := os.Stat(filepath.Join(cfg.Root, "_site")); err == nil {
		t.Error("deploy wrote the site's _site directory")
	}

	writeFile(t, filepath.Join(cfg.Root, "posts", "2026-01-01-post-1.md"), post("Post 1", "2026-01-01")+"An edit.\n")
	commitAll(t, cfg.Root, "edit post 1")
	second := mustDeploy(t, cfg, Options{})
	// The edit changes the post's page, the pages and feeds that show it,
	// and the search files that hold its text: all but a few are the same.
	if second.Linked == 0 || second.Files-second.Linked > 10 {
		t.Errorf("second deploy: %d files, %d linked; want all but a few linked", second.Files, second.Linked)
	}
	if second.Bytes >= first.Bytes/2 {
		t.Errorf("second deploy wrote %d bytes, the first %d: want far fewer", second.Bytes, first.Bytes)
	}
	d1, d2 := first.Release.Dir, second.Release.Dir
	for _, f := range []string{"2026/02/post-2/index.html", "2026/03/post-3/index.html", "css/chroma.css"} {
		if !sameFile(t, filepath.Join(d1, f), filepath.Join(d2, f)) {
			t.Errorf("unchanged %s is not hard-linked between releases", f)
		}
	}
	changed := "2026/01/post-1/index.html"
	if sameFile(t, filepath.Join(d1, changed), filepath.Join(d2, changed)) {
		t.Errorf("changed %s shares an inode with the previous release", changed)
	}
	page, err := os.ReadFile(filepath.Join(cfg.Deploy.Dir, changed))
	if err != nil || !bytes.Contains(page, []byte("An edit.")) {
		t.Errorf("live %s does not have the edit (err %v)", changed, err)
	}
	if !strings.HasSuffix(second.Release.Name, "-"+runGit(t, cfg.Root, "rev-parse", "--short", "HEAD")) {
		t.Errorf("release %q is not named after the commit", second.Release.Name)
	}
}

func TestListRollbackAndKeep(t *testing.T) {
	t.Parallel()
	cfg := newSite(t, "  keep: 3\n")
	var names []string
	for i := range 4 {
		writeFile(t, filepath.Join(cfg.Root, "posts", fmt.Sprintf("2026-04-0%d-new-%d.md", i+1, i)), post(fmt.Sprintf("New %d", i), fmt.Sprintf("2026-04-0%d", i+1)))
		commitAll(t, cfg.Root, fmt.Sprintf("commit %d", i))
		names = append(names, mustDeploy(t, cfg, Options{}).Release.Name)
	}
	rels, err := List(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rels {
		got = append(got, r.Name)
	}
	want := []string{names[3], names[2], names[1]} // newest first; the oldest pruned by keep: 3
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("List = %v, want %v", got, want)
	}
	if !rels[0].Live || rels[1].Live || rels[0].Subject != "commit 3" || rels[0].Commit == "" {
		t.Errorf("List()[0] = %+v, want the live release of commit 3", rels[0])
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(rels[0].Dir), names[0])); err == nil {
		t.Errorf("release %s beyond keep was not removed", names[0])
	}

	r, err := Rollback(t.Context(), cfg, "", Options{})
	if err != nil || r.Name != names[2] || liveName(t, cfg) != names[2] {
		t.Fatalf("Rollback(\"\") = %s, %v; live %s; want %s", r.Name, err, liveName(t, cfg), names[2])
	}
	r, err = Rollback(t.Context(), cfg, names[3], Options{})
	if err != nil || liveName(t, cfg) != names[3] {
		t.Fatalf("Rollback(%s) = %s, %v; live %s", names[3], r.Name, err, liveName(t, cfg))
	}
	commit := rels[2].Commit
	if _, err := Rollback(t.Context(), cfg, commit, Options{}); err != nil || liveName(t, cfg) != names[1] {
		t.Errorf("Rollback(commit %s): %v; live %s, want %s", commit, err, liveName(t, cfg), names[1])
	}
	if _, err := Rollback(t.Context(), cfg, "", Options{}); err == nil || !strings.Contains(err.Error(), "no release older than the live one") {
		t.Errorf("Rollback past the oldest: %v, want no older release", err)
	}
	if _, err := Rollback(t.Context(), cfg, "20000101T000000Z-nope", Options{}); err == nil || !strings.Contains(err.Error(), `no release "20000101T000000Z-nope"`) {
		t.Errorf("Rollback(unknown): %v", err)
	}
	// The next deploy moves forward again and prunes, keeping the live one.
	mustDeploy(t, cfg, Options{})
	if rels, _ := List(cfg); len(rels) != 3 || !rels[0].Live {
		t.Errorf("after deploy: %d releases, newest live %v; want 3, true", len(rels), len(rels) > 0 && rels[0].Live)
	}
}

func TestDeployFailedBuildLeavesLiveRelease(t *testing.T) {
	t.Parallel()
	cfg := newSite(t, "")
	live := mustDeploy(t, cfg, Options{}).Release.Name
	writeFile(t, filepath.Join(cfg.Root, "posts", "2026-05-01-bad.md"), "---\ntitle: Bad\ndate: never\n---\n")
	_, err := Run(t.Context(), cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "posts/2026-05-01-bad.md:3:7: ") {
		t.Fatalf("Run with broken front matter: %v, want an error at posts/2026-05-01-bad.md:3:7", err)
	}
	if got := liveName(t, cfg); got != live {
		t.Errorf("live release %s, want %s", got, live)
	}
	if got := releaseEntries(t, cfg); len(got) != 2 {
		t.Errorf("releases directory holds %v, want only the live release and its metadata", got)
	}
}

func TestDeployFailedCopyRemovesPartialRelease(t *testing.T) {
	t.Parallel()
	cfg := newSite(t, "")
	live := mustDeploy(t, cfg, Options{}).Release.Name
	n := 0
	opts := Options{afterFile: func(string) error {
		if n++; n == 3 {
			return errors.New("disk on fire")
		}
		return nil
	}}
	if _, err := Run(t.Context(), cfg, opts); err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("Run = %v, want the copy error", err)
	}
	if got := liveName(t, cfg); got != live {
		t.Errorf("live release %s, want %s", got, live)
	}
	if got := releaseEntries(t, cfg); len(got) != 2 {
		t.Errorf("releases directory holds %v, want only the live release and its metadata", got)
	}
}

// TestHelperDeploy is not a test: TestDeployKilledMidCopy runs the test
// binary with it to have a deploy to kill. It stalls after a few files.
func TestHelperDeploy(t *testing.T) {
	root := os.Getenv("BLOG_DEPLOY_HELPER_SITE")
	if root == "" {
		t.Skip("helper process for TestDeployKilledMidCopy")
	}
	ready := os.Getenv("BLOG_DEPLOY_HELPER_READY")
	n := 0
	opts := Options{afterFile: func(string) error {
		if n++; n == 5 {
			os.WriteFile(ready, nil, 0o644)
			time.Sleep(time.Hour)
		}
		return nil
	}}
	Run(context.Background(), mustLoad(t, root), opts)
}

func TestDeployKilledMidCopy(t *testing.T) {
	t.Parallel()
	cfg := newSite(t, "")
	live := mustDeploy(t, cfg, Options{}).Release.Name
	writeFile(t, filepath.Join(cfg.Root, "posts", "2026-05-01-more.md"), post("More", "2026-05-01"))
	commitAll(t, cfg.Root, "more")

	ready := filepath.Join(t.TempDir(), "ready")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperDeploy$")
	cmd.Env = append(os.Environ(), "BLOG_DEPLOY_HELPER_SITE="+cfg.Root, "BLOG_DEPLOY_HELPER_READY="+ready)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "the helper deploy to start copying", func() bool {
		_, err := os.Stat(ready)
		return err == nil
	})
	cmd.Process.Kill()
	cmd.Wait()

	if got := liveName(t, cfg); got != live {
		t.Errorf("after kill: live release %s, want %s", got, live)
	}
	if got := releaseEntries(t, cfg); len(got) <= 2 {
		t.Fatalf("after kill: releases directory holds %v, want a partial release too", got)
	}
	next := mustDeploy(t, cfg, Options{})
	if got := liveName(t, cfg); got != next.Release.Name {
		t.Errorf("after the next deploy: live %s, want %s", got, next.Release.Name)
	}
	// Both releases may be named within one second, so their order is the
	// commits' order: compare as sets.
	want := []string{live, live + ".json", next.Release.Name, next.Release.Name + ".json"}
	slices.Sort(want)
	got := releaseEntries(t, cfg)
	slices.Sort(got)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("after the next deploy: releases directory holds %v, want %v (partial release removed)", got, want)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// lockTestWait bounds each wait of TestConcurrentDeploysSerialize.
const lockTestWait = 60 * time.Second

func TestConcurrentDeploysSerialize(t *testing.T) {
	t.Parallel()
	cfg := newSite(t, "")
	started, proceed := make(chan struct{}), make(chan struct{})
	letGo := sync.OnceFunc(func() { close(proceed) })
	t.Cleanup(letGo) // a failing test never leaves the first deploy blocked
	var once sync.Once
	slow := Options{afterFile: func(string) error {
		once.Do(func() { close(started); <-proceed })
		return nil
	}}
	type outcome struct {
		res Result
		err error
	}
	first, second := make(chan outcome, 1), make(chan outcome, 1)
	go func() {
		res, err := Run(t.Context(), cfg, slow)
		first <- outcome{res, err}
	}()
	select {
	case <-started:
	case o := <-first:
		t.Fatalf("first deploy ended before writing a file: %+v", o)
	case <-time.After(lockTestWait):
		t.Fatalf("first deploy wrote no file within %v", lockTestWait)
	}

	// A deploy that will not wait fails at once with a clear message.
	_, err := Run(t.Context(), cfg, Options{LockWait: -1})
	var locked *LockedError
	if !errors.As(err, &locked) || locked.PID != os.Getpid() || !strings.Contains(err.Error(), "is still running") {
		t.Errorf("Run while another deploy runs = %v, want a *LockedError naming pid %d", err, os.Getpid())
	}

	var log syncBuffer
	go func() {
		res, err := Run(t.Context(), cfg, Options{Logger: slog.New(slog.NewTextHandler(&log, nil))})
		second <- outcome{res, err}
	}()
	// The log line is the sentinel: the second deploy found the lock held.
	waitFor(t, lockTestWait, "the second deploy to wait for the lock", func() bool {
		return strings.Contains(log.String(), "waiting for another deploy")
	})
	select {
	case o := <-second:
		t.Fatalf("second deploy finished while the first held the lock: %+v", o)
	default:
	}
	letGo()
	var a, b outcome
	for i, o := range []struct {
		name string
		ch   chan outcome
		got  *outcome
	}{{"first", first, &a}, {"second", second, &b}} {
		select {
		case *o.got = <-o.ch:
		case <-time.After(lockTestWait):
			t.Fatalf("%s deploy (%d) not finished %v after the first was let go", o.name, i+1, lockTestWait)
		}
	}
	if a.err != nil || b.err != nil {
		t.Fatalf("deploys: %v, %v", a.err, b.err)
	}
	if !b.res.Release.Time.After(a.res.Release.Time) || liveName(t, cfg) != b.res.Release.Name {
		t.Errorf("second release %s (live %s) should follow the first, %s", b.res.Release.Name, liveName(t, cfg), a.res.Release.Name)
	}
}

func TestDeployNeedsTarget(t *testing.T) {
	t.Parallel()
	cfg := build.DefaultConfig()
	cfg.Root = t.TempDir()
	_, err := Run(t.Context(), cfg, Options{})
	if !errors.Is(err, ErrNoTarget) || !strings.Contains(err.Error(), "set deploy.dir in _config.yaml") {
		t.Errorf("Run without a target = %v, want ErrNoTarget naming deploy.dir", err)
	}
}

func TestDeployKeepsRealDirectory(t *testing.T) {
	t.Parallel()
	cfg := newSite(t, "")
	writeFile(t, filepath.Join(cfg.Deploy.Dir, "index.html"), "mine")
	_, err := Run(t.Context(), cfg, Options{})
	if err == nil || !strings.Contains(err.Error(), "exists and is not a symlink") {
		t.Errorf("Run onto a real directory = %v, want an error", err)
	}
	if data, _ := os.ReadFile(filepath.Join(cfg.Deploy.Dir, "index.html")); string(data) != "mine" {
		t.Error("deploy changed a directory it does not own")
	}
}

func TestDeployCommand(t *testing.T) {
	t.Parallel()
	cfg := newSite(t, "")
	cfg.Deploy.Dir = ""
	cfg.Deploy.Command = `test -f "$BLOG_OUTPUT/index.html" && echo "$BLOG_MODE $BLOG_SOURCE" > published.txt`
	var out bytes.Buffer
	if _, err := Run(t.Context(), cfg, Options{CommandOutput: &out}); err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	got, _ := os.ReadFile(filepath.Join(cfg.Root, "published.txt"))
	if want := "deploy " + cfg.Root + "\n"; string(got) != want {
		t.Errorf("command wrote %q, want %q", got, want)
	}
	if _, err := os.Stat(filepath.Join(cfg.Root, "_site")); err == nil {
		t.Error("deploy wrote the site's _site directory")
	}

	cfg.Deploy.Command = `for i in $(seq 1 15); do echo line $i; done; echo oops >&2; exit 3`
	_, err := Run(t.Context(), cfg, Options{})
	if err == nil {
		t.Fatal("failing command: no error")
	}
	var want strings.Builder
	want.WriteString("deploy: command \"" + cfg.Deploy.Command + "\": exit status 3; last output:\n")
	for i := 7; i <= 15; i++ {
		fmt.Fprintf(&want, "  line %d\n", i)
	}
	want.WriteString("  oops")
	if err.Error() != want.String() {
		t.Errorf("failing command error:\n%s\nwant:\n%s", err, want.String())
	}
}

// waitFor polls cond every 50ms until it holds or limit passes.
func waitFor(t *testing.T, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", limit, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestDeployCommitLeavesOutUncommittedEdits(t *testing.T) {
	t.Parallel()
	cfg := newSite(t, "")
	writeFile(t, filepath.Join(cfg.Root, "posts", "2026-05-01-wip.md"), "---\ntitle: WIP\ndate: not yet\n---\n")
	writeFile(t, filepath.Join(cfg.Root, "posts", "2026-01-01-post-1.md"), post("Post 1", "2026-01-01")+"Uncommitted.\n")
	res := mustDeploy(t, cfg, Options{Commit: "main"})
	page, err := os.ReadFile(filepath.Join(cfg.Deploy.Dir, "2026/01/post-1/index.html"))
	if err != nil || bytes.Contains(page, []byte("Uncommitted.")) {
		t.Errorf("deploy of main has the uncommitted edit (err %v)", err)
	}
	if head := runGit(t, cfg.Root, "rev-parse", "HEAD"); res.Release.Hash != head || res.Release.Subject != "first" {
		t.Errorf("release of commit %s %q, want %s \"first\"", res.Release.Hash, res.Release.Subject, head)
	}
	if _, err := Run(t.Context(), cfg, Options{Commit: "nope"}); err == nil || !strings.Contains(err.Error(), `deploy: commit "nope"`) {
		t.Errorf("Run(Commit: nope) = %v, want an unknown commit error", err)
	}
}

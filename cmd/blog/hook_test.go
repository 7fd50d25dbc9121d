package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain lets the hook tests use this test binary as blog: with
// BLOG_TEST_AS_BLOG=1 in its environment it runs the command line and
// exits, as main does.
func TestMain(m *testing.M) {
	if os.Getenv("BLOG_TEST_AS_BLOG") == "1" {
		os.Exit(exitCode(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
	}
	os.Exit(m.Run())
}

// needGit skips the test when git is missing, unless BLOG_TEST_STRICT=1.
func needGit(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		if os.Getenv("BLOG_TEST_STRICT") == "1" {
			t.Fatal("git not found and BLOG_TEST_STRICT=1")
		}
		t.Skip("git not found: install git to run the deploy and hook tests")
	}
}

// gitEnv isolates test repositories from the user's git configuration
// and makes the test binary act as blog in hooks.
var gitEnv = []string{
	"GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1",
	"GIT_AUTHOR_NAME=Test", "GIT_AUTHOR_EMAIL=test@example.com",
	"GIT_COMMITTER_NAME=Test", "GIT_COMMITTER_EMAIL=test@example.com",
	"BLOG_TEST_AS_BLOG=1",
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

func mustWrite(t *testing.T, name, data string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func testPost(title, date string) string {
	return fmt.Sprintf("---\ntitle: %s\ndate: %s\n---\nAbout %s.\n", title, date, title)
}

// newRepoSite makes a site in a fresh git repository with one committed
// post and returns it and its deploy target.
func newRepoSite(t *testing.T) (dir, target string) {
	t.Helper()
	needGit(t)
	dir = t.TempDir()
	target = filepath.Join(t.TempDir(), "www", "blog")
	mustWrite(t, filepath.Join(dir, "_config.yaml"), fmt.Sprintf("site: {title: T, url: \"https://example.com/\"}\ndeploy: {branch: main, dir: %q}\n", target))
	mustWrite(t, filepath.Join(dir, ".gitignore"), "/_site/\n/.blog-cache/\n")
	mustWrite(t, filepath.Join(dir, "posts", "2026-05-01-first.md"), testPost("First", "2026-05-01"))
	runGit(t, dir, "init", "-q", "-b", "main")
	commit(t, dir, "first")
	return dir, target
}

func commit(t *testing.T, dir, msg string) {
	t.Helper()
	runGit(t, dir, "add", "-A")
	runGit(t, dir, "commit", "-q", "-m", msg)
}

// waitUntil polls cond every 100ms for up to 60s.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after 60s waiting for %s", what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestHookDeploysCommitsOnBranch(t *testing.T) {
	t.Parallel()
	dir, target := newRepoSite(t)
	blogBin, err := filepath.Abs(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"hook", "install", "--blog", blogBin, dir}, &stdout, &stderr); err != nil {
		t.Fatalf("hook install: %v\n%s", err, stderr.String())
	}
	logFile := filepath.Join(dir, ".blog-cache", "deploy.log")
	readLog := func() string { data, _ := os.ReadFile(logFile); return string(data) }

	// A commit on main deploys it in the background.
	mustWrite(t, filepath.Join(dir, "posts", "2026-05-02-hello.md"), testPost("Hello", "2026-05-02"))
	start := time.Now()
	commit(t, dir, "hello")
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("git commit took %s: the hook should not wait for the deploy", d)
	}
	page := filepath.Join(target, "2026", "05", "hello", "index.html")
	waitUntil(t, "the post-commit deploy of hello", func() bool {
		_, err := os.Stat(page)
		return err == nil && strings.Contains(readLog(), ": done")
	})
	live, _ := os.Readlink(target)
	head := runGit(t, dir, "rev-parse", "--short", "HEAD")
	if !strings.HasSuffix(live, "-"+head) {
		t.Errorf("live release %s is not of commit %s", live, head)
	}

	// A commit on another branch deploys nothing. The hook logs its
	// decision before the commit returns, and a deploy is logged as
	// started before it runs: once the skip is there, nothing started.
	runGit(t, dir, "checkout", "-q", "-b", "drafts")
	mustWrite(t, filepath.Join(dir, "posts", "2026-05-03-draft.md"), testPost("Draft", "2026-05-03"))
	logBefore := readLog()
	commit(t, dir, "draft")
	draft := runGit(t, dir, "rev-parse", "--short", "HEAD")
	waitUntil(t, "the hook to log the commit on drafts", func() bool {
		return strings.Contains(readLog(), " commit "+draft+" on drafts: ")
	})
	if got := strings.TrimPrefix(readLog(), logBefore); !strings.HasSuffix(got, " commit "+draft+" on drafts: not main, nothing to deploy\n") || strings.Count(got, "\n") != 1 {
		t.Errorf("a commit on drafts logged %q, want one line: skipped", got)
	}
	if now, _ := os.Readlink(target); now != live {
		t.Errorf("a commit on drafts moved the target to %s", now)
	}

	// Broken front matter: the commit stays, the site stays, the log
	// names the file and line.
	runGit(t, dir, "checkout", "-q", "main")
	mustWrite(t, filepath.Join(dir, "posts", "2026-05-04-broken.md"), "---\ntitle: Broken\ndate: soon\n---\n")
	commit(t, dir, "broken")
	waitUntil(t, "the failed deploy to be logged", func() bool {
		return strings.Contains(readLog(), "failed (exit 1)")
	})
	if log := readLog(); !strings.Contains(log, "posts/2026-05-04-broken.md:3:7: ") {
		t.Errorf("deploy log does not name posts/2026-05-04-broken.md:3:7:\n%s", log)
	}
	if now, _ := os.Readlink(target); now != live {
		t.Errorf("a failed deploy moved the target from %s to %s", live, now)
	}
	if subj := runGit(t, dir, "log", "-1", "--format=%s"); subj != "broken" {
		t.Errorf("HEAD is %q, want the broken commit kept", subj)
	}
}

func TestHookInstallTwiceAndUninstall(t *testing.T) {
	t.Parallel()
	dir, _ := newRepoSite(t)
	hook := filepath.Join(dir, ".git", "hooks", "post-commit")
	orig := "#!/bin/sh\ntouch \"$(git rev-parse --show-toplevel)/orig-ran\"\n"
	mustWrite(t, hook, orig)
	os.Chmod(hook, 0o755)
	for i, want := range []string{"installed ", "updated "} {
		var stdout, stderr bytes.Buffer
		if err := run(t.Context(), []string{"hook", "install", "--blog", "/nonexistent/blog", dir}, &stdout, &stderr); err != nil {
			t.Fatalf("hook install #%d: %v", i+1, err)
		}
		if !strings.HasPrefix(stdout.String(), want) || !strings.Contains(stdout.String(), "post-commit.blog-orig") {
			t.Errorf("hook install #%d printed %q, want %q… and the kept hook", i+1, stdout.String(), want)
		}
	}
	runGit(t, dir, "checkout", "-q", "-b", "other") // no deploy, but the original runs
	mustWrite(t, filepath.Join(dir, "posts", "2026-05-02-x.md"), testPost("X", "2026-05-02"))
	commit(t, dir, "x")
	if _, err := os.Stat(filepath.Join(dir, "orig-ran")); err != nil {
		t.Error("the original post-commit hook did not run")
	}
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"hook", "uninstall", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("hook uninstall: %v", err)
	}
	if data, _ := os.ReadFile(hook); string(data) != orig {
		t.Errorf("after uninstall the hook is %q, want the original back", data)
	}
	stdout.Reset()
	if err := run(t.Context(), []string{"hook", "uninstall", "--post-receive", dir}, &stdout, &stderr); err != nil || !strings.Contains(stdout.String(), "no blog hook") {
		t.Errorf("uninstall with nothing installed: %v, %q", err, stdout.String())
	}
}

func TestHookPostReceiveDeploysPushes(t *testing.T) {
	t.Parallel()
	dir, target := newRepoSite(t)
	bare := filepath.Join(t.TempDir(), "blog.git")
	runGit(t, dir, "init", "-q", "--bare", "-b", "main", bare)
	blogBin, _ := filepath.Abs(os.Args[0])
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"hook", "install", "--post-receive", "--blog", blogBin, bare}, &stdout, &stderr); err != nil {
		t.Fatalf("hook install --post-receive: %v\n%s", err, stderr.String())
	}
	out := runGit(t, dir, "push", "-q", bare, "main")
	if _, err := os.Stat(filepath.Join(target, "2026", "05", "first", "index.html")); err != nil {
		t.Errorf("push did not deploy: %v; push output:\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(bare, "blog-site", "_config.yaml")); err != nil {
		t.Errorf("push was not checked out into the work tree: %v", err)
	}
}

// needHg skips the test when Mercurial is missing, unless
// BLOG_TEST_STRICT=1.
func needHg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("hg"); err != nil {
		if os.Getenv("BLOG_TEST_STRICT") == "1" {
			t.Fatal("hg not found and BLOG_TEST_STRICT=1")
		}
		t.Skip("hg not found: apt-get install -y mercurial to run the Mercurial hook tests")
	}
}

func runHg(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("hg", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "HGRCPATH=/dev/null", "HGUSER=Test <test@example.com>", "HGPLAIN=1", "BLOG_TEST_AS_BLOG=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestHookMercurial(t *testing.T) {
	t.Parallel()
	needHg(t)
	dir := t.TempDir()
	target := filepath.Join(t.TempDir(), "www", "blog")
	// No deploy.branch: in Mercurial the hook deploys "default".
	mustWrite(t, filepath.Join(dir, "_config.yaml"), fmt.Sprintf("site: {title: T, url: \"https://example.com/\"}\ndeploy: {dir: %q}\n", target))
	mustWrite(t, filepath.Join(dir, ".hgignore"), "syntax: glob\n.blog-cache/\n_site/\n")
	mustWrite(t, filepath.Join(dir, "posts", "2026-05-01-first.md"), testPost("First", "2026-05-01"))
	runHg(t, dir, "init")
	runHg(t, dir, "commit", "-q", "-A", "-m", "first")
	hgrc := filepath.Join(dir, ".hg", "hgrc")
	orig := "[paths]\ndefault = https://hg.example.com/blog\n"
	mustWrite(t, hgrc, orig)
	blogBin, err := filepath.Abs(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"hook", "install", "--blog", blogBin, dir}, &stdout, &stderr); err != nil {
		t.Fatalf("hook install: %v\n%s", err, stderr.String())
	}
	if want := "installed " + hgrc + ": commits on default deploy " + dir; !strings.HasPrefix(stdout.String(), want) {
		t.Errorf("hook install printed %q, want %q…", stdout.String(), want)
	}
	logFile := filepath.Join(dir, ".blog-cache", "deploy.log")
	readLog := func() string { data, _ := os.ReadFile(logFile); return string(data) }

	// A commit on default deploys that changeset, not the working
	// directory: the uncommitted post stays out.
	mustWrite(t, filepath.Join(dir, "posts", "2026-05-02-hello.md"), testPost("Hello", "2026-05-02"))
	runHg(t, dir, "add", "-q", filepath.Join("posts", "2026-05-02-hello.md"))
	mustWrite(t, filepath.Join(dir, "posts", "2026-05-03-wip.md"), testPost("WIP", "2026-05-03"))
	start := time.Now()
	runHg(t, dir, "commit", "-q", "-m", "hello", filepath.Join("posts", "2026-05-02-hello.md"))
	if d := time.Since(start); d > 20*time.Second {
		t.Errorf("hg commit took %s: the hook should not wait for the deploy", d)
	}
	head := runHg(t, dir, "log", "-r", ".", "-T", "{node|short}")
	waitUntil(t, "the commit hook's deploy of hello", func() bool {
		return strings.Contains(readLog(), "deploy "+head+" on default: done")
	})
	if _, err := os.Stat(filepath.Join(target, "2026", "05", "hello", "index.html")); err != nil {
		t.Errorf("the committed post was not deployed: %v\n%s", err, readLog())
	}
	if _, err := os.Stat(filepath.Join(target, "2026", "05", "wip", "index.html")); err == nil {
		t.Error("the uncommitted post was deployed")
	}
	live, _ := os.Readlink(target)
	if !strings.HasSuffix(live, "-"+head) {
		t.Errorf("live release %s is not of changeset %s", live, head)
	}

	// A commit on another named branch deploys nothing.
	runHg(t, dir, "branch", "-q", "drafts")
	logBefore := readLog()
	runHg(t, dir, "commit", "-q", "-A", "-m", "wip")
	draft := runHg(t, dir, "log", "-r", ".", "-T", "{node|short}")
	waitUntil(t, "the hook to log the commit on drafts", func() bool {
		return strings.Contains(readLog(), " commit "+draft+" on drafts: ")
	})
	if got := strings.TrimPrefix(readLog(), logBefore); !strings.HasSuffix(got, " commit "+draft+" on drafts: not default, nothing to deploy\n") || strings.Count(got, "\n") != 1 {
		t.Errorf("a commit on drafts logged %q, want one line: skipped", got)
	}
	if now, _ := os.Readlink(target); now != live {
		t.Errorf("a commit on drafts moved the target to %s", now)
	}

	// --server adds the changegroup hook; the git flags are refused.
	stdout.Reset()
	if err := run(t.Context(), []string{"hook", "install", "--server", "--blog", blogBin, dir}, &stdout, &stderr); err != nil {
		t.Fatalf("hook install --server: %v", err)
	}
	data, _ := os.ReadFile(hgrc)
	if !strings.HasPrefix(stdout.String(), "updated ") || strings.Count(string(data), "commit.blog = ") != 1 || !strings.Contains(string(data), "\nchangegroup.blog = ") {
		t.Errorf("hook install --server printed %q, hgrc:\n%s\nwant one updated block with commit and changegroup hooks", stdout.String(), data)
	}
	for _, args := range [][]string{{"hook", "install", "--post-receive", dir}, {"hook", "install", "--server", "--post-receive", dir}} {
		if code := exitCode(run(t.Context(), args, &stdout, &stderr), &stderr); code != 2 {
			t.Errorf("blog %s: exit %d, want 2", strings.Join(args, " "), code)
		}
	}

	stdout.Reset()
	if err := run(t.Context(), []string{"hook", "uninstall", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("hook uninstall: %v", err)
	}
	if data, _ := os.ReadFile(hgrc); string(data) != orig {
		t.Errorf("after uninstall .hg/hgrc is %q, want %q", data, orig)
	}
	if want := "removed the blog hook and restored " + hgrc + "\n"; stdout.String() != want {
		t.Errorf("hook uninstall printed %q, want %q", stdout.String(), want)
	}
}

package deploy

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
)

// fakeBlog writes a script that records its arguments in dir/called.
func fakeBlog(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "blog")
	script := "#!/bin/sh\necho \"$@\" >> " + shellQuote(filepath.Join(dir, "called")) + "\n"
	if err := os.WriteFile(bin, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return bin
}

func TestHookInstallChainsAndUninstallRestores(t *testing.T) {
	t.Parallel()
	cfg := newSite(t, "")
	dir := cfg.Root
	hooks := filepath.Join(dir, ".git", "hooks")
	mine := "#!/bin/sh\necho mine >> \"$(git rev-parse --show-toplevel)/mine-ran\"\n"
	writeFile(t, filepath.Join(hooks, "post-commit"), mine)
	os.Chmod(filepath.Join(hooks, "post-commit"), 0o755)

	opts := HookOptions{Blog: fakeBlog(t, dir), Branch: "main"}
	for i := range 2 {
		h, err := InstallHook(t.Context(), dir, opts)
		if err != nil {
			t.Fatalf("InstallHook #%d: %v", i+1, err)
		}
		if h.Fresh != (i == 0) || h.Orig != filepath.Join(hooks, "post-commit.blog-orig") {
			t.Errorf("InstallHook #%d = %+v, want Fresh %v and the original kept", i+1, h, i == 0)
		}
	}
	entries, _ := os.ReadDir(hooks)
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), "post-commit") {
			names = append(names, e.Name())
		}
	}
	if strings.Join(names, " ") != "post-commit post-commit.blog-orig" {
		t.Errorf("hooks after installing twice: %v, want one blog hook and the original", names)
	}
	data, _ := os.ReadFile(filepath.Join(hooks, "post-commit"))
	if n := strings.Count(string(data), hookMarker); n != 1 {
		t.Errorf("hook has the marker %d times, want 1", n)
	}

	writeFile(t, filepath.Join(dir, "posts", "2026-05-01-x.md"), post("X", "2026-05-01"))
	commitAll(t, dir, "x")
	if data, _ := os.ReadFile(filepath.Join(dir, "mine-ran")); string(data) != "mine\n" {
		t.Errorf("the original hook did not run once (its output %q)", data)
	}
	waitFor(t, 60*time.Second, "the hook to run blog deploy", func() bool {
		data, _ := os.ReadFile(filepath.Join(dir, "called"))
		return string(data) == "deploy --commit main "+dir+"\n"
	})

	restored, err := UninstallHook(t.Context(), dir, false)
	if err != nil || restored != filepath.Join(hooks, "post-commit") {
		t.Fatalf("UninstallHook = %q, %v", restored, err)
	}
	if data, _ := os.ReadFile(filepath.Join(hooks, "post-commit")); string(data) != mine {
		t.Errorf("after uninstall the hook is %q, want the original", data)
	}
	if _, err := os.Stat(filepath.Join(hooks, "post-commit.blog-orig")); err == nil {
		t.Error("post-commit.blog-orig is still there")
	}
	if _, err := UninstallHook(t.Context(), dir, false); err == nil || !strings.Contains(err.Error(), "was not installed by blog") {
		t.Errorf("uninstalling someone else's hook: %v, want a refusal", err)
	}
}

func TestHookOtherBranchAndHooksPath(t *testing.T) {
	t.Parallel()
	cfg := newSite(t, "")
	dir := cfg.Root
	runGit(t, dir, "config", "core.hooksPath", "githooks")
	h, err := InstallHook(t.Context(), dir, HookOptions{Blog: fakeBlog(t, dir), Branch: "main"})
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "githooks", "post-commit"); h.Path != want {
		t.Errorf("hook written to %s, want %s (core.hooksPath)", h.Path, want)
	}
	runGit(t, dir, "checkout", "-q", "-b", "drafts")
	writeFile(t, filepath.Join(dir, "posts", "2026-05-01-x.md"), post("X", "2026-05-01"))
	commitAll(t, dir, "x")
	// The hook logs its decision before the commit returns, and a deploy
	// would be logged as started before it ran: once the skip is logged,
	// nothing can have started.
	head := runGit(t, dir, "rev-parse", "--short", "HEAD")
	log := waitForLog(t, dir, "commit "+head+" on drafts: ")
	if !strings.Contains(log, "commit "+head+" on drafts: not main, nothing to deploy\n") || strings.Contains(log, "started") {
		t.Errorf("a commit on another branch: deploy log\n%s\nwant it skipped", log)
	}
	if _, err := os.Stat(filepath.Join(dir, "called")); err == nil {
		t.Error("a commit on another branch ran blog deploy")
	}
	if restored, err := UninstallHook(t.Context(), dir, false); err != nil || restored != "" {
		t.Errorf("UninstallHook = %q, %v; want the hook removed", restored, err)
	}
	if _, err := os.Stat(h.Path); err == nil {
		t.Error("hook still there after uninstall")
	}
}

// waitForLog waits for the deploy log of the site in dir to contain
// want and returns the log.
func waitForLog(t *testing.T, dir, want string) string {
	t.Helper()
	var log string
	waitFor(t, 60*time.Second, "the deploy log to say "+strconv.Quote(want), func() bool {
		data, _ := os.ReadFile(filepath.Join(dir, build.CacheDir, "deploy.log"))
		log = string(data)
		return strings.Contains(log, want)
	})
	return log
}

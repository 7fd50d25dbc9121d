package deploy

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/blog-gen/blog/build"
)

// needHg skips the test when Mercurial is missing, unless
// BLOG_TEST_STRICT=1.
func needHg(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("hg"); err != nil {
		if os.Getenv("BLOG_TEST_STRICT") == "1" {
			t.Fatal("hg not found and BLOG_TEST_STRICT=1")
		}
		t.Skip("hg not found: apt-get install -y mercurial to run the Mercurial tests")
	}
}

// hgEnv isolates test repositories from the user's Mercurial
// configuration.
var hgEnv = []string{"HGRCPATH=/dev/null", "HGUSER=Test <test@example.com>", "HGPLAIN=1"}

func runHg(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("hg", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), hgEnv...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("hg %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// newHgSite makes a site with three posts in a fresh Mercurial repository
// (in its subdirectory sub, when sub is not "") and returns its config.
func newHgSite(t *testing.T, sub string) build.Config {
	t.Helper()
	needHg(t)
	repo := t.TempDir()
	dir := filepath.Join(repo, sub)
	target := filepath.Join(t.TempDir(), "www", "blog")
	writeFile(t, filepath.Join(dir, "_config.yaml"), fmt.Sprintf("site: {title: Test, url: \"https://example.com/\"}\ndeploy:\n  dir: %s\n", target))
	for i, d := range []string{"2026-01-01", "2026-02-01", "2026-03-01"} {
		writeFile(t, filepath.Join(dir, "posts", fmt.Sprintf("%s-post-%d.md", d, i+1)), post(fmt.Sprintf("Post %d", i+1), d))
	}
	writeFile(t, filepath.Join(repo, ".hgignore"), "syntax: glob\n.blog-cache/\n_site/\n")
	runHg(t, repo, "init")
	runHg(t, repo, "commit", "-q", "-A", "-m", "first")
	return mustLoad(t, dir)
}

func TestHgDeployCommitExportsTheRevision(t *testing.T) {
	t.Parallel()
	for _, sub := range []string{"", "blog"} {
		t.Run("sub="+sub, func(t *testing.T) {
			t.Parallel()
			cfg := newHgSite(t, sub)
			if !IsMercurial(cfg.Root) {
				t.Fatalf("IsMercurial(%s) = false", cfg.Root)
			}
			writeFile(t, filepath.Join(cfg.Root, "posts", "2026-05-01-wip.md"), "---\ntitle: WIP\ndate: not yet\n---\n")
			res := mustDeploy(t, cfg, Options{Commit: "default"})
			short := runHg(t, cfg.Root, "log", "-r", "default", "-T", "{node|short}")
			if !strings.HasSuffix(res.Release.Name, "-"+short) || res.Release.Subject != "first" {
				t.Errorf("release %s (subject %q), want one of changeset %s, \"first\"", res.Release.Name, res.Release.Subject, short)
			}
			if _, err := os.Stat(filepath.Join(cfg.Deploy.Dir, "2026", "03", "post-3", "index.html")); err != nil {
				t.Errorf("committed post not deployed: %v", err)
			}
			if _, err := os.Stat(filepath.Join(cfg.Deploy.Dir, ".hg_archival.txt")); err == nil {
				t.Error("hg archive's .hg_archival.txt was deployed")
			}
			if _, err := Run(t.Context(), cfg, Options{Commit: "nosuch"}); err == nil || !strings.Contains(err.Error(), `revision "nosuch"`) {
				t.Errorf("deploy --commit nosuch: %v, want an unknown revision", err)
			}
		})
	}
}

// readHgrc returns .hg/hgrc of the repository of dir, and whether it
// exists.
func readHgrc(t *testing.T, repo string) (string, bool) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repo, ".hg", "hgrc"))
	if errors.Is(err, os.ErrNotExist) {
		return "", false
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(data), true
}

func TestHgHookDeploysTheBranchAndUninstallRestoresHgrc(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		hgrc  string // "" for none
		exist bool
	}{
		{"no hgrc", "", false},
		{"empty hgrc", "", true},
		{"hgrc with hooks", "[ui]\nusername = Someone <s@example.com>\n\n[hooks]\ncommit = echo theirs >> theirs-ran\n", true},
		{"no final newline", "[ui]\nusername = Someone <s@example.com>", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := newHgSite(t, "")
			dir := cfg.Root
			hgrc := filepath.Join(dir, ".hg", "hgrc")
			if tc.exist {
				writeFile(t, hgrc, tc.hgrc)
			}
			opts := HookOptions{Blog: fakeBlog(t, dir), Branch: "default"}
			for i := range 2 {
				h, err := InstallHook(t.Context(), dir, opts)
				if err != nil {
					t.Fatalf("InstallHook #%d: %v", i+1, err)
				}
				if h.Fresh != (i == 0) || h.Path != hgrc || h.Site != dir {
					t.Errorf("InstallHook #%d = %+v, want Fresh %v, Path %s, Site %s", i+1, h, i == 0, hgrc, dir)
				}
			}
			got, _ := readHgrc(t, dir)
			if n := strings.Count(got, "commit.blog = "); n != 1 || !strings.HasPrefix(got, tc.hgrc) {
				t.Errorf("hgrc after installing twice:\n%s\nwant the original and one commit.blog", got)
			}
			if hooks := runHg(t, dir, "config", "hooks"); !strings.Contains(hooks, "hooks.commit.blog=sh .hg/blog-deploy-hook commit") {
				t.Errorf("hg config hooks:\n%s\nwant commit.blog", hooks)
			}

			// A commit on default deploys it, in the background.
			writeFile(t, filepath.Join(dir, "posts", "2026-05-01-x.md"), post("X", "2026-05-01"))
			runHg(t, dir, "commit", "-q", "-A", "-m", "x")
			short := runHg(t, dir, "log", "-r", ".", "-T", "{node|short}")
			waitForLog(t, dir, "deploy "+short+" on default: done")
			if data, _ := os.ReadFile(filepath.Join(dir, "called")); string(data) != "deploy --commit default "+dir+"\n" {
				t.Errorf("the hook ran blog %q, want deploy --commit default %s", data, dir)
			}
			if strings.Contains(tc.hgrc, "theirs") {
				if data, _ := os.ReadFile(filepath.Join(dir, "theirs-ran")); string(data) != "theirs\n" {
					t.Errorf("the commit hook that was there ran %q, want once", data)
				}
			}

			// A commit on another named branch deploys nothing: the hook
			// logs that it skipped before the commit returns, and would
			// have logged a start first.
			runHg(t, dir, "branch", "-q", "drafts")
			writeFile(t, filepath.Join(dir, "posts", "2026-05-02-y.md"), post("Y", "2026-05-02"))
			runHg(t, dir, "commit", "-q", "-A", "-m", "y")
			short = runHg(t, dir, "log", "-r", ".", "-T", "{node|short}")
			log := waitForLog(t, dir, "commit "+short+" on drafts: ")
			if !strings.Contains(log, "commit "+short+" on drafts: not default, nothing to deploy\n") || strings.Count(log, "started") != 1 {
				t.Errorf("deploy log after a commit on drafts:\n%s\nwant it skipped", log)
			}

			restored, err := UninstallHook(t.Context(), dir, false)
			if err != nil || restored != hgrc {
				t.Fatalf("UninstallHook = %q, %v; want %s restored", restored, err, hgrc)
			}
			if got, exists := readHgrc(t, dir); got != tc.hgrc || exists != tc.exist {
				t.Errorf("hgrc after uninstall: %q (exists %v), want %q (exists %v)", got, exists, tc.hgrc, tc.exist)
			}
			if _, err := os.Stat(filepath.Join(dir, ".hg", hgHookFile)); err == nil {
				t.Error("the hook script is still there after uninstall")
			}
			if _, err := UninstallHook(t.Context(), dir, false); !errors.Is(err, ErrNoHook) {
				t.Errorf("uninstalling twice: %v, want ErrNoHook", err)
			}
		})
	}
}

func TestHgHookBookmarkAndServerPush(t *testing.T) {
	t.Parallel()
	cfg := newHgSite(t, "")
	server := cfg.Root
	h, err := InstallHook(t.Context(), server, HookOptions{Blog: fakeBlog(t, server), Branch: "live", Server: true})
	if err != nil {
		t.Fatal(err)
	}
	if hooks := runHg(t, server, "config", "hooks"); !strings.Contains(hooks, "hooks.changegroup.blog=") {
		t.Errorf("with Server: hg config hooks:\n%s\nwant changegroup.blog", hooks)
	}
	_ = h
	client := filepath.Join(t.TempDir(), "client")
	runHg(t, server, "clone", "-q", server, client)

	// A push of changesets on no deploy branch deploys nothing.
	writeFile(t, filepath.Join(client, "posts", "2026-05-01-x.md"), post("X", "2026-05-01"))
	runHg(t, client, "commit", "-q", "-A", "-m", "x")
	runHg(t, client, "push", "-q")
	short := runHg(t, client, "log", "-r", ".", "-T", "{node|short}")
	if log := waitForLog(t, server, "changegroup "+short+" on default: "); !strings.Contains(log, "not live, nothing to deploy") {
		t.Errorf("deploy log after a push to default:\n%s\nwant it skipped", log)
	}

	// The bookmark live names the deploy branch: pushing it deploys.
	runHg(t, client, "bookmark", "live")
	writeFile(t, filepath.Join(client, "posts", "2026-05-02-y.md"), post("Y", "2026-05-02"))
	runHg(t, client, "commit", "-q", "-A", "-m", "y")
	runHg(t, client, "push", "-q", "-B", "live")
	short = runHg(t, client, "log", "-r", ".", "-T", "{node|short}")
	waitForLog(t, server, "deploy "+short+" on live: done")
	if data, _ := os.ReadFile(filepath.Join(server, "called")); string(data) != "deploy --commit live "+server+"\n" {
		t.Errorf("the push ran blog %q, want deploy --commit live %s", data, server)
	}
}

func TestHgHookRefusesGitOptions(t *testing.T) {
	t.Parallel()
	cfg := newHgSite(t, "")
	if _, err := InstallHook(t.Context(), cfg.Root, HookOptions{PostReceive: true}); err == nil || !strings.Contains(err.Error(), "post-receive hook is for git") {
		t.Errorf("InstallHook PostReceive in Mercurial: %v, want a refusal", err)
	}
	git := newSite(t, "")
	if _, err := InstallHook(t.Context(), git.Root, HookOptions{Server: true}); err == nil || !strings.Contains(err.Error(), "Server (--server) is for Mercurial") {
		t.Errorf("InstallHook Server in git: %v, want a refusal", err)
	}
}

func TestRemoveHgBlockLeavesForeignEditsAlone(t *testing.T) {
	t.Parallel()
	orig := []byte("[ui]\nusername = x")
	withBlock := appendHgBlock(orig, false, true)
	edited := append(withBlock, "[extensions]\nrebase =\n"...)
	got, created, ok, err := removeHgBlock(edited)
	if err != nil || !ok || created {
		t.Fatalf("removeHgBlock = %q, %v, %v, %v", got, created, ok, err)
	}
	// Lines added after the block keep their newline.
	if want := "[ui]\nusername = x\n[extensions]\nrebase =\n"; string(got) != want {
		t.Errorf("removeHgBlock(edited) = %q, want %q", got, want)
	}
	broken := []byte(strings.Replace(string(withBlock), hgEnd, "# something else", 1))
	if _, _, _, err := removeHgBlock(broken); err == nil {
		t.Error("removeHgBlock without an end line: no error")
	}
}

func TestHgHookDefaultBranch(t *testing.T) {
	t.Parallel()
	cfg := newHgSite(t, "blog")
	h, err := InstallHook(t.Context(), cfg.Root, HookOptions{Blog: "/bin/true"})
	if err != nil {
		t.Fatal(err)
	}
	repo := filepath.Dir(cfg.Root)
	script, err := os.ReadFile(filepath.Join(repo, ".hg", hgHookFile))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(script), "\nbranch='default'\n") || !strings.Contains(string(script), "\nsite='blog' ") {
		t.Errorf("hook script for the site in blog/ with no branch:\n%s\nwant branch default and site blog", script)
	}
	if h.Path != filepath.Join(repo, ".hg", "hgrc") || h.Site != cfg.Root {
		t.Errorf("InstallHook = %+v, want the repository's hgrc and the site %s", h, cfg.Root)
	}
}

package deploy

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/blog-gen/blog/build"
)

// IsMercurial reports whether dir is inside a Mercurial repository: the
// nearest .hg or .git at or above it is a .hg. Anything else is taken as
// git, bare repositories included.
func IsMercurial(dir string) bool {
	_, ok := hgRoot(dir)
	return ok
}

// hgRoot returns the root of the Mercurial repository holding dir, found
// as hg finds it, without starting hg: the nearest directory at or above
// dir that holds .hg, unless a .git comes first.
func hgRoot(dir string) (string, bool) {
	d, err := filepath.Abs(dir)
	if err != nil {
		return "", false
	}
	for {
		if fi, err := os.Stat(filepath.Join(d, ".hg")); err == nil && fi.IsDir() {
			return d, true
		}
		if _, err := os.Lstat(filepath.Join(d, ".git")); err == nil {
			return "", false
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "", false
		}
		d = parent
	}
}

// hg runs Mercurial in dir and returns its trimmed output. HGPLAIN keeps
// the user's aliases, defaults and localisation out of the output.
func hg(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "hg", append([]string{"--cwd", dir}, args...)...)
	cmd.Env = append(os.Environ(), "HGPLAIN=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("hg %s: %s", strings.Join(args, " "), msg)
	}
	return strings.TrimRight(string(out), "\n"), nil
}

// hgSite returns the root of the Mercurial repository holding dir and
// dir's path inside it, slash-separated ("" at the root).
func hgSite(dir string) (root, prefix string, err error) {
	root, ok := hgRoot(dir)
	if !ok {
		return "", "", fmt.Errorf("%s is not in a Mercurial repository", dir)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", "", err
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return "", "", err
	}
	if rel == "." {
		rel = ""
	}
	return root, filepath.ToSlash(rel), nil
}

// committedSiteHg is [committedSite] for Mercurial: hg archive exports
// the site as committed at rev into dir.
func committedSiteHg(ctx context.Context, root, rev, dir string) (build.Config, string, error) {
	hash, err := hg(ctx, root, "log", "--limit", "1", "--rev", rev, "--template", "{node}")
	if err != nil || hash == "" {
		if err == nil {
			err = fmt.Errorf("no such revision")
		}
		return build.Config{}, "", fmt.Errorf("deploy: revision %q: %w", rev, err)
	}
	top, prefix, err := hgSite(root)
	if err != nil {
		return build.Config{}, "", fmt.Errorf("deploy: %w", err)
	}
	// hg archive writes the whole tree under its destination; the site
	// is the prefix directory of it.
	tmp := dir + ".hg-archive"
	args := []string{"archive", "--rev", hash, "--type", "files", "--config", "ui.archivemeta=false"}
	if prefix != "" {
		args = append(args, "--include", "path:"+prefix)
	}
	if _, err := hg(ctx, top, append(args, tmp)...); err != nil {
		return build.Config{}, "", fmt.Errorf("deploy: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := os.Rename(filepath.Join(tmp, filepath.FromSlash(prefix)), dir); err != nil {
		return build.Config{}, "", fmt.Errorf("deploy: hg archive %s: %w", rev, err)
	}
	cfg, err := build.Load(dir)
	return cfg, hash, err
}

// hgHeadCommit is [headCommit] for Mercurial; rev "HEAD" is the working
// directory's parent.
func hgHeadCommit(ctx context.Context, dir, rev string) (short, full, subject string) {
	if rev == "HEAD" {
		rev = "."
	}
	out, err := hg(ctx, dir, "log", "--limit", "1", "--rev", rev, "--template", "{node|short}\\0{node}\\0{desc|firstline}")
	if err != nil {
		return "nogit", "", ""
	}
	parts := strings.SplitN(out, "\x00", 3)
	if len(parts) != 3 || parts[0] == "" {
		return "nogit", "", ""
	}
	return strings.ToLower(parts[0]), parts[1], parts[2]
}

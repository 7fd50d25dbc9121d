package deploy

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/blog-gen/blog/build"
)

// committedSite writes the site as committed at rev (a commit or a
// branch, resolved now; in Mercurial any revision) into dir and returns
// its configuration, read from the committed _config.yaml, and the
// resolved commit. root is the site directory in the work tree; it may be
// a subdirectory of the repository.
func committedSite(ctx context.Context, root, rev, dir string) (build.Config, string, error) {
	if IsMercurial(root) {
		return committedSiteHg(ctx, root, rev, dir)
	}
	hash, err := git(ctx, root, "rev-parse", "--verify", "--end-of-options", rev+"^{commit}")
	if err != nil {
		return build.Config{}, "", fmt.Errorf("deploy: commit %q: %w", rev, err)
	}
	prefix, err := git(ctx, root, "rev-parse", "--show-prefix")
	if err != nil {
		return build.Config{}, "", fmt.Errorf("deploy: %w", err)
	}
	cmd := exec.CommandContext(ctx, "git", "-C", root, "archive", "--format=tar", hash+":"+strings.TrimSuffix(prefix, "/"))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return build.Config{}, "", err
	}
	if err := cmd.Start(); err != nil {
		return build.Config{}, "", fmt.Errorf("deploy: git archive: %w", err)
	}
	xerr := untar(out, dir)
	io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return build.Config{}, "", fmt.Errorf("deploy: git archive %s: %v: %s", rev, err, strings.TrimSpace(stderr.String()))
	}
	if xerr != nil {
		return build.Config{}, "", fmt.Errorf("deploy: git archive %s: %w", rev, xerr)
	}
	cfg, err := build.Load(dir)
	return cfg, hash, err
}

// untar extracts the tar stream r, as git archive writes it, into dir.
func untar(r io.Reader, dir string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		name := filepath.FromSlash(strings.TrimSuffix(h.Name, "/"))
		if !filepath.IsLocal(name) {
			continue
		}
		p := filepath.Join(dir, name)
		switch h.Typeflag {
		case tar.TypeDir:
			err = os.MkdirAll(p, 0o755)
		case tar.TypeSymlink:
			if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
				err = os.Symlink(h.Linkname, p)
			}
		case tar.TypeReg:
			err = writeFrom(p, tr, fs.FileMode(h.Mode)&0o755|0o644)
		}
		if err != nil {
			return err
		}
	}
}

func writeFrom(name string, r io.Reader, perm fs.FileMode) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/blog-gen/blog/build"
)

// DefaultLockWait is how long a deploy waits for another deploy of the
// same target to finish when [Options.LockWait] is zero.
const DefaultLockWait = 10 * time.Minute

// ErrNoTarget is returned when _config.yaml names neither deploy.dir nor
// deploy.command.
var ErrNoTarget = errors.New("deploy: nowhere to deploy to: set deploy.dir in _config.yaml to the path your web server serves (or deploy.command to a command that publishes $BLOG_OUTPUT)")

// Options are the parts of a deploy that are not site configuration. The
// zero value works.
type Options struct {
	// Logger receives progress at Debug and Info. Default: discard.
	Logger *slog.Logger
	// Build are the options of the build. Its Logger defaults to Logger.
	Build build.Options
	// Now names releases. Default: time.Now.
	Now func() time.Time
	// LockWait is how long to wait while another deploy of the same
	// target holds its lock. Default: [DefaultLockWait]; negative means
	// fail at once.
	LockWait time.Duration
	// CommandOutput receives the output of deploy.command. Default:
	// discard (its last lines are still in the error when it fails).
	CommandOutput io.Writer
	// Commit, when set, deploys the site as committed at this revision
	// (a commit or a branch, resolved once the lock is held) instead of
	// the work tree: the committed tree is exported with git archive and
	// built, with its own _config.yaml, so uncommitted edits never go
	// live. The target stays the one cfg names. Default: "" (the work
	// tree).
	Commit string

	// afterFile, when set, is called after each file is placed in a new
	// release; an error aborts the deploy. Tests use it to fail or stall
	// a deploy in the middle of the copy.
	afterFile func(rel string) error
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Build.Logger == nil {
		o.Build.Logger = o.Logger
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.LockWait == 0 {
		o.LockWait = DefaultLockWait
	}
	if o.CommandOutput == nil {
		o.CommandOutput = io.Discard
	}
	return o
}

// Result summarises a deploy.
type Result struct {
	// Release is the new release, with Dir set; its Name is "" when only
	// deploy.command is configured.
	Release Release
	// Target is the symlink the web server serves ("" without deploy.dir).
	Target string
	// Build is the result of the build.
	Build build.Result
	// Files counts the files of the release; Linked those hard-linked
	// from the previous release because they did not change.
	Files, Linked int
	// Bytes counts the bytes of new or changed files, written into the
	// release; LinkedBytes those shared with the previous release.
	Bytes, LinkedBytes int64
	// Elapsed is the time the whole deploy took, build included.
	Elapsed time.Duration
}

// Run builds the site described by cfg with BLOG_MODE=deploy and
// publishes it to cfg.Deploy: as a new release behind the deploy.dir
// symlink, then through deploy.command, whichever are set. The site's own
// output directory (_site) is not touched. A failed build, copy or switch
// leaves the live release as it was and removes the new one.
func Run(ctx context.Context, cfg build.Config, opts Options) (Result, error) {
	opts = opts.withDefaults()
	start := time.Now()
	if cfg.Deploy.Dir == "" && cfg.Deploy.Command == "" {
		return Result{}, ErrNoTarget
	}
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return Result{}, err
	}
	cfg.Root = root
	opts.Build.Mode = "deploy"
	var res Result
	if cfg.Deploy.Dir == "" {
		res, err = runCommandOnly(ctx, cfg, opts)
	} else {
		res, err = runDir(ctx, cfg, opts)
	}
	res.Elapsed = time.Since(start)
	return res, err
}

// runCommandOnly builds into a temporary directory under .blog-cache and
// hands it to deploy.command.
func runCommandOnly(ctx context.Context, cfg build.Config, opts Options) (Result, error) {
	cache := filepath.Join(cfg.Root, ".blog-cache")
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return Result{}, fmt.Errorf("deploy: %w", err)
	}
	l, err := acquire(ctx, filepath.Join(cache, "deploy.lock"), cfg.Root, opts)
	if err != nil {
		return Result{}, err
	}
	defer l.Close()
	tmp, err := os.MkdirTemp(cache, "deploy-*")
	if err != nil {
		return Result{}, fmt.Errorf("deploy: %w", err)
	}
	defer os.RemoveAll(tmp)
	bcfg, _, err := sourceConfig(ctx, cfg, opts, filepath.Join(tmp, "src"))
	if err != nil {
		return Result{}, err
	}
	bopts := buildOptions(cfg.Root, opts.Build)
	out := bopts.Output
	br, err := build.Run(ctx, bcfg, bopts)
	if err != nil {
		return Result{}, err
	}
	res := Result{Build: br, Release: Release{Dir: out}, Files: br.Files}
	return res, runCommand(ctx, cfg, out, opts.CommandOutput)
}

func runDir(ctx context.Context, cfg build.Config, opts Options) (Result, error) {
	log := opts.Logger
	t, err := newTarget(cfg)
	if err != nil {
		return Result{}, err
	}
	if err := t.check(); err != nil {
		return Result{}, err
	}
	if err := os.MkdirAll(t.releases, 0o755); err != nil {
		return Result{}, fmt.Errorf("deploy: %w", err)
	}
	l, err := acquire(ctx, filepath.Join(t.releases, ".lock"), t.link, opts)
	if err != nil {
		return Result{}, err
	}
	defer l.Close()
	t.cleanPartial(log)

	stage, err := os.MkdirTemp(t.releases, ".stage-*")
	if err != nil {
		return Result{}, fmt.Errorf("deploy: %w", err)
	}
	defer os.RemoveAll(stage)
	bcfg, rev, err := sourceConfig(ctx, cfg, opts, filepath.Join(stage, "src"))
	if err != nil {
		return Result{}, err
	}
	rel := Release{Time: opts.Now().UTC()}
	rel.Commit, rel.Hash, rel.Subject = headCommit(ctx, cfg.Root, rev)
	br, err := build.Run(ctx, bcfg, buildOptions(cfg.Root, opts.Build))
	if err != nil {
		return Result{}, err
	}
	res := Result{Build: br, Target: t.link}

	rel.Name, rel.Dir, err = t.mkRelease(rel.Time, rel.Commit)
	if err != nil {
		return res, fmt.Errorf("deploy: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			// Marker first: a half-removed release is then partial and
			// the next deploy finishes the job.
			os.Remove(t.metaPath(rel.Name))
			os.RemoveAll(rel.Dir)
		}
	}()
	prev := t.previous()
	if prev != "" {
		log.Debug("reusing unchanged files", "from", filepath.Base(prev))
	}
	st, err := assemble(ctx, outputDir(cfg.Root), rel.Dir, prev, opts.afterFile)
	if err != nil {
		return res, fmt.Errorf("deploy: copy: %w", err)
	}
	res.Files, res.Linked, res.Bytes, res.LinkedBytes = st.files, st.linked, st.bytes, st.linkedBytes
	rel.Files, rel.Bytes = st.files, st.bytes+st.linkedBytes
	if err := t.writeMeta(rel); err != nil {
		return res, fmt.Errorf("deploy: %w", err)
	}
	if err := t.switchTo(rel.Name); err != nil {
		return res, fmt.Errorf("deploy: switch: %w", err)
	}
	ok = true
	rel.Live = true
	res.Release = rel
	log.Info("release live", "release", rel.Name, "files", st.files, "linked", st.linked, "bytes", st.bytes)
	t.prune(cfg.Deploy.Keep, log)
	if cfg.Deploy.Command != "" {
		if err := runCommand(ctx, cfg, rel.Dir, opts.CommandOutput); err != nil {
			return res, err
		}
	}
	return res, nil
}

// outputDir is where deploys build: a directory of their own under the
// cache, kept from one deploy to the next so that each build is
// incremental, and never the site's _site.
func outputDir(root string) string { return filepath.Join(root, build.CacheDir, "deploy", "site") }

// buildOptions points the build at the deploy's own cache, so deploys and
// blog build each stay incremental without spoiling the other's cache.
func buildOptions(root string, o build.Options) build.Options {
	o.CacheDir = filepath.Join(root, build.CacheDir, "deploy", "cache")
	o.Output = outputDir(root) // a deploy never builds into _site
	return o
}

// sourceConfig returns the configuration to build with: cfg for the work
// tree, or with opts.Commit the committed site exported into src, and
// the revision to describe the release by.
func sourceConfig(ctx context.Context, cfg build.Config, opts Options, src string) (build.Config, string, error) {
	if opts.Commit == "" {
		return cfg, "HEAD", nil
	}
	ccfg, hash, err := committedSite(ctx, cfg.Root, opts.Commit, src)
	if err != nil {
		return build.Config{}, "", err
	}
	return ccfg, hash, nil
}

type copyStats struct {
	files, linked      int
	bytes, linkedBytes int64
}

// assemble puts the built site src into the new release dst, file by
// file, as hard links to the build's output (which deploys keep, so
// unchanged files are the same inodes as in the previous release). Where a
// link cannot be made (another file system), a file byte-identical to the
// same path in prev is linked to it, and any other is copied.
func assemble(ctx context.Context, src, dst, prev string, afterFile func(string) error) (copyStats, error) {
	var st copyStats
	buf1, buf2 := make([]byte, 64<<10), make([]byte, 64<<10)
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil || rel == "." {
			return err
		}
		out := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.Mkdir(out, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, out)
		case !d.Type().IsRegular():
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		size := info.Size()
		// The build's output is kept between deploys and rewrites a file
		// only by renaming a new one over it, so a hard link to it is a
		// frozen copy; a file the build did not touch is the very inode
		// the previous release already has.
		if os.Link(p, out) == nil {
			if old, err := os.Stat(filepath.Join(prev, rel)); err == nil && prev != "" && os.SameFile(old, info) {
				st.linked++
				st.linkedBytes += size
			} else {
				st.bytes += size
			}
			st.files++
			if afterFile != nil {
				return afterFile(filepath.ToSlash(rel))
			}
			return nil
		}
		linked := false
		if prev != "" {
			old := filepath.Join(prev, rel)
			if same, err := sameContent(p, old, size, buf1, buf2); err == nil && same {
				// A failed link (another file system, too many links)
				// falls back to a copy.
				linked = os.Link(old, out) == nil
			}
		}
		if linked {
			st.linked++
			st.linkedBytes += size
		} else {
			if err := copyFile(p, out); err != nil {
				return err
			}
			st.bytes += size
		}
		st.files++
		if afterFile != nil {
			return afterFile(filepath.ToSlash(rel))
		}
		return nil
	})
	return st, err
}

// sameContent reports whether the regular file old has size bytes that
// equal those of the file p.
func sameContent(p, old string, size int64, buf1, buf2 []byte) (bool, error) {
	oi, err := os.Lstat(old)
	if err != nil || !oi.Mode().IsRegular() || oi.Size() != size {
		return false, err
	}
	a, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer a.Close()
	b, err := os.Open(old)
	if err != nil {
		return false, err
	}
	defer b.Close()
	for {
		n1, err1 := io.ReadFull(a, buf1)
		n2, err2 := io.ReadFull(b, buf2)
		if n1 != n2 || !bytes.Equal(buf1[:n1], buf2[:n2]) {
			return false, nil
		}
		if err1 == io.EOF || err1 == io.ErrUnexpectedEOF {
			return err2 == err1, nil
		}
		if err1 != nil {
			return false, err1
		}
		if err2 != nil {
			return false, err2
		}
	}
}

// copyFile copies src to the new file dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeFrom(dst, in, 0o644)
}

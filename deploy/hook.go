package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/blog-gen/blog/build"
)

// hookMarker is the line that identifies a hook written by InstallHook.
const hookMarker = "# installed by blog hook install"

// origSuffix is appended to the name of a hook InstallHook moves aside.
const origSuffix = ".blog-orig"

// ErrNoHook is returned by [UninstallHook] when there is no hook to
// remove.
var ErrNoHook = errors.New("no blog hook installed")

// HookOptions configure [InstallHook]. The zero value installs a
// post-commit hook for branch main (a Mercurial commit hook for branch
// default) that runs the running executable.
type HookOptions struct {
	// Blog is the blog binary the hook runs. Default: the running
	// executable's absolute path, or "blog" on PATH when it is unknown.
	// The hook also falls back to blog on PATH when Blog has gone.
	Blog string
	// Branch is the branch whose commits (or pushes) deploy; in
	// Mercurial a named branch or a bookmark. Default: "main", in
	// Mercurial "default".
	Branch string
	// PostReceive installs a post-receive hook for a bare repository
	// instead of a post-commit hook.
	PostReceive bool
	// WorkTree is where a post-receive hook checks out the pushed branch
	// and deploys from. Default: blog-site inside the git directory.
	WorkTree string
	// Server, in a Mercurial repository, also deploys changesets that
	// arrive by push or pull (a changegroup hook), for a repository on a
	// server that receives pushes. Git uses PostReceive instead.
	Server bool
}

// HookName returns the name of the git hook [InstallHook] writes.
func (o HookOptions) HookName() string {
	if o.PostReceive {
		return "post-receive"
	}
	return "post-commit"
}

// Hook describes an installed hook.
type Hook struct {
	Path  string // the hook file
	Orig  string // the hook it replaced and calls first, "" if none
	Site  string // the site directory deploys run in
	Blog  string // the blog binary it runs
	Fresh bool   // false when it replaced an earlier blog hook
}

// InstallHook writes the hook that deploys the site in dir. In git (for a
// post-receive hook, the bare repository dir) it goes into the
// repository's hooks directory, honouring core.hooksPath; a hook that is
// already there is moved to NAME.blog-orig and called first; installing
// again rewrites the blog hook and keeps the original, so there is always
// one. In Mercurial it is a block of [hooks] in .hg/hgrc (see
// [IsMercurial]).
func InstallHook(ctx context.Context, dir string, opts HookOptions) (Hook, error) {
	hgRepo := IsMercurial(dir)
	switch {
	case opts.Branch != "":
	case hgRepo:
		opts.Branch = "default"
	default:
		opts.Branch = "main"
	}
	if opts.Blog == "" {
		opts.Blog = "blog"
		if exe, err := os.Executable(); err == nil {
			opts.Blog = exe
		}
	}
	if hgRepo {
		if opts.PostReceive {
			return Hook{}, errors.New("hook: a post-receive hook is for git: in a Mercurial repository that receives pushes, install with Server (--server)")
		}
		return installHgHook(ctx, dir, opts)
	}
	if opts.Server {
		return Hook{}, fmt.Errorf("hook: %s is not in a Mercurial repository: Server (--server) is for Mercurial; a git repository that receives pushes takes a post-receive hook", dir)
	}
	hooksDir, err := hooksDir(ctx, dir)
	if err != nil {
		return Hook{}, err
	}
	h := Hook{Path: filepath.Join(hooksDir, opts.HookName()), Blog: opts.Blog, Fresh: true}
	var script string
	if opts.PostReceive {
		gitDir, err := git(ctx, dir, "rev-parse", "--absolute-git-dir")
		if err != nil {
			return Hook{}, err
		}
		if opts.WorkTree == "" {
			opts.WorkTree = filepath.Join(gitDir, "blog-site")
		}
		wt, err := filepath.Abs(opts.WorkTree)
		if err != nil {
			return Hook{}, err
		}
		h.Site = wt
		script = postReceiveScript(opts.Blog, opts.Branch, wt)
	} else {
		prefix, err := git(ctx, dir, "rev-parse", "--show-prefix")
		if err != nil {
			return Hook{}, err
		}
		top, err := git(ctx, dir, "rev-parse", "--show-toplevel")
		if err != nil {
			return Hook{}, err
		}
		prefix = strings.TrimSuffix(prefix, "/")
		h.Site = filepath.Join(top, prefix)
		script = postCommitScript(opts.Blog, opts.Branch, prefix)
	}

	orig := h.Path + origSuffix
	data, err := os.ReadFile(h.Path)
	switch {
	case err == nil && isBlogHook(data):
		h.Fresh = false
	case err == nil:
		if _, err := os.Lstat(orig); err == nil {
			return Hook{}, fmt.Errorf("hook: both %s and %s exist: merge them by hand or remove one", h.Path, orig)
		}
		if err := os.Rename(h.Path, orig); err != nil {
			return Hook{}, fmt.Errorf("hook: %w", err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return Hook{}, fmt.Errorf("hook: %w", err)
	}
	if err := os.MkdirAll(hooksDir, 0o755); err != nil {
		return Hook{}, fmt.Errorf("hook: %w", err)
	}
	if err := build.WriteFileAtomic(h.Path, []byte(script), 0o755); err != nil {
		return Hook{}, fmt.Errorf("hook: %w", err)
	}
	if _, err := os.Lstat(orig); err == nil {
		h.Orig = orig
	}
	return h, nil
}

// UninstallHook removes the blog hook from the repository of dir and
// puts back the hook it replaced, if any, returning the restored hook's
// path ("" when there was none; in Mercurial, .hg/hgrc as it was). A hook
// that blog did not write is left alone (an error), and a missing one
// gives [ErrNoHook].
func UninstallHook(ctx context.Context, dir string, postReceive bool) (restored string, err error) {
	if IsMercurial(dir) {
		return uninstallHgHook(ctx, dir)
	}
	hooksDir, err := hooksDir(ctx, dir)
	if err != nil {
		return "", err
	}
	path := filepath.Join(hooksDir, HookOptions{PostReceive: postReceive}.HookName())
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("hook: %s: %w", path, ErrNoHook)
	}
	if err != nil {
		return "", fmt.Errorf("hook: %w", err)
	}
	if !isBlogHook(data) {
		return "", fmt.Errorf("hook: %s was not installed by blog: left as it is", path)
	}
	orig := path + origSuffix
	if _, err := os.Lstat(orig); err == nil {
		if err := os.Rename(orig, path); err != nil {
			return "", fmt.Errorf("hook: %w", err)
		}
		return path, nil
	}
	if err := os.Remove(path); err != nil {
		return "", fmt.Errorf("hook: %w", err)
	}
	return "", nil
}

func isBlogHook(data []byte) bool { return bytes.Contains(data, []byte(hookMarker)) }

// hooksDir returns the repository's hooks directory, which core.hooksPath
// may move.
func hooksDir(ctx context.Context, dir string) (string, error) {
	p, err := git(ctx, dir, "rev-parse", "--git-path", "hooks")
	if err != nil {
		return "", fmt.Errorf("hook: %s is not in a git repository: %w", dir, err)
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	return filepath.Abs(p)
}

// shellQuote quotes s for sh.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// postCommitScript is the post-commit hook. It runs the hook it replaced
// first, then, on the deploy branch, starts blog deploy --commit BRANCH
// under nohup with all output going to .blog-cache/deploy.log, so the
// commit returns at once and a failed deploy never touches it. Deploying
// the branch as committed, not the work tree, keeps uncommitted drafts
// off the site; resolving it under the deploy lock means that after quick
// successive commits the last deploy to finish is of the newest one.
//
// Either way it logs its decision before it returns, "deploy C on B:
// started" or "commit C on B: not D, nothing to deploy", so the log says
// why a commit did or did not deploy (and tests can wait for it).
func postCommitScript(blog, branch, site string) string {
	return `#!/bin/sh
` + hookMarker + `: deploys commits on ` + branch + `.
# blog hook uninstall removes it and puts back the hook it replaced.
blog=` + shellQuote(blog) + `
branch=` + shellQuote(branch) + `
site=` + shellQuote(site) + ` # the site directory, relative to the top of the work tree

status=0
orig="$(dirname "$0")/post-commit` + origSuffix + `"
if [ -x "$orig" ]; then
	"$orig" "$@" || status=$?
fi

root=$(git rev-parse --show-toplevel) || exit $status
[ -n "$site" ] && root="$root/$site"
commit=$(git rev-parse --short HEAD)
current=$(git rev-parse --abbrev-ref HEAD 2>/dev/null)
mkdir -p "$root/.blog-cache"
log="$root/.blog-cache/deploy.log"
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
if [ "$current" != "$branch" ]; then
	echo "$(now) commit $commit on $current: not $branch, nothing to deploy" >>"$log"
	exit $status
fi
[ -x "$blog" ] || blog=blog
echo "$(now) deploy $commit on $branch: started" >>"$log"
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_PREFIX
nohup sh -c '
	"$1" deploy --commit "$3" "$4"
	s=$?
	if [ $s -eq 0 ]; then r=done; else r="failed (exit $s)"; fi
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) deploy $2 on $3: $r"
' blog-deploy "$blog" "$commit" "$branch" "$root" >>"$log" 2>&1 </dev/null &
echo "blog: deploying $commit in the background; log: $log" >&2
exit $status
`
}

// postReceiveScript is the post-receive hook of a bare repository: when
// the deploy branch is pushed it checks the branch out into the work tree
// and deploys from there, in the foreground, so the pusher sees the
// result.
func postReceiveScript(blog, branch, workTree string) string {
	return `#!/bin/sh
` + hookMarker + ` --post-receive: deploys pushes to ` + branch + `.
# blog hook uninstall --post-receive removes it and puts back the hook it replaced.
blog=` + shellQuote(blog) + `
branch=` + shellQuote(branch) + `
worktree=` + shellQuote(workTree) + `

input=$(cat)
status=0
orig="$(dirname "$0")/post-receive` + origSuffix + `"
if [ -x "$orig" ]; then
	printf '%s\n' "$input" | "$orig" "$@" || status=$?
fi

pushed=
while read -r old new ref; do
	case "$new" in *[!0]*) ;; *) continue ;; esac
	[ "$ref" = "refs/heads/$branch" ] && pushed=$new
done <<BLOG_INPUT
$input
BLOG_INPUT

if [ -n "$pushed" ]; then
	[ -x "$blog" ] || blog=blog
	mkdir -p "$worktree"
	git --work-tree="$worktree" checkout -f "$branch" || exit 1
	echo "blog: deploying $branch ($pushed)"
	(unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE; cd "$worktree" && "$blog" deploy .) || status=1
fi
exit $status
`
}

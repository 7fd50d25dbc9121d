package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/blog-gen/blog/build"
)

// The blog hook of a Mercurial repository is a block at the end of
// .hg/hgrc, between these two lines, that runs hgHookScript (kept in
// .hg/hgHookFile). The begin line records what else installing changed,
// so that uninstalling gives back .hg/hgrc byte for byte.
const (
	hgBegin        = "# >>> installed by blog hook install; blog hook uninstall removes this block"
	hgAddedNewline = " (and the newline before it)"
	hgCreatedFile  = " (and this file)"
	hgEnd          = "# <<< blog hook install"
	hgHookFile     = "blog-deploy-hook"
)

// installHgHook writes the commit hook (and with opts.Server the
// changegroup hook) of the Mercurial repository holding dir.
func installHgHook(ctx context.Context, dir string, opts HookOptions) (Hook, error) {
	top, prefix, err := hgSite(dir)
	if err != nil {
		return Hook{}, fmt.Errorf("hook: %w", err)
	}
	hgrc := filepath.Join(top, ".hg", "hgrc")
	h := Hook{Path: hgrc, Site: filepath.Join(top, filepath.FromSlash(prefix)), Blog: opts.Blog, Fresh: true}
	data, err := os.ReadFile(hgrc)
	created := errors.Is(err, fs.ErrNotExist)
	if err != nil && !created {
		return Hook{}, fmt.Errorf("hook: %w", err)
	}
	if orig, wasCreated, ok, err := removeHgBlock(data); err != nil {
		return Hook{}, fmt.Errorf("hook: %s: %w", hgrc, err)
	} else if ok {
		data, created, h.Fresh = orig, wasCreated, false
	}
	script := filepath.Join(top, ".hg", hgHookFile)
	if err := build.WriteFileAtomic(script, []byte(hgHookScript(opts.Blog, opts.Branch, prefix)), 0o755); err != nil {
		return Hook{}, fmt.Errorf("hook: %w", err)
	}
	if err := build.WriteFileAtomic(hgrc, appendHgBlock(data, created, opts.Server), 0o644); err != nil {
		return Hook{}, fmt.Errorf("hook: %w", err)
	}
	return h, nil
}

// uninstallHgHook removes the blog block from .hg/hgrc, leaving the file
// as it was before the first install, and the hook script.
func uninstallHgHook(ctx context.Context, dir string) (string, error) {
	top, _, err := hgSite(dir)
	if err != nil {
		return "", fmt.Errorf("hook: %w", err)
	}
	hgrc := filepath.Join(top, ".hg", "hgrc")
	data, err := os.ReadFile(hgrc)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("hook: %w", err)
	}
	orig, created, ok, err := removeHgBlock(data)
	if err != nil {
		return "", fmt.Errorf("hook: %s: %w", hgrc, err)
	}
	if !ok {
		return "", fmt.Errorf("hook: %s: %w", hgrc, ErrNoHook)
	}
	if created && len(orig) == 0 {
		err = os.Remove(hgrc)
	} else {
		err = build.WriteFileAtomic(hgrc, orig, 0o644)
	}
	if err != nil {
		return "", fmt.Errorf("hook: %w", err)
	}
	if err := os.Remove(filepath.Join(top, ".hg", hgHookFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("hook: %w", err)
	}
	return hgrc, nil
}

// appendHgBlock returns hgrc with the blog block at its end. A [hooks]
// section of its own there is valid wherever hgrc left off, and hooks
// named commit.blog and changegroup.blog run beside any commit or
// changegroup hooks already configured. Shell hooks run in the root of
// the repository, so the script's relative path survives moving it.
func appendHgBlock(hgrc []byte, created, server bool) []byte {
	begin := hgBegin
	var b bytes.Buffer
	b.Write(hgrc)
	if created {
		begin += hgCreatedFile
	}
	if len(hgrc) > 0 && hgrc[len(hgrc)-1] != '\n' {
		begin += hgAddedNewline
		b.WriteByte('\n')
	}
	b.WriteString(begin + "\n[hooks]\n")
	b.WriteString("commit.blog = sh .hg/" + hgHookFile + " commit\n")
	if server {
		b.WriteString("changegroup.blog = sh .hg/" + hgHookFile + " changegroup\n")
	}
	b.WriteString(hgEnd + "\n")
	return b.Bytes()
}

// removeHgBlock returns hgrc without the blog block, as it was before it
// was added, whether the block created the file, and whether there was a
// block.
func removeHgBlock(hgrc []byte) (orig []byte, created, ok bool, err error) {
	start := bytes.Index(hgrc, []byte(hgBegin))
	if start < 0 {
		return hgrc, false, false, nil
	}
	if start > 0 && hgrc[start-1] != '\n' {
		return nil, false, false, errors.New("the blog hook block does not start a line: fix it by hand")
	}
	endAt := bytes.Index(hgrc[start:], []byte("\n"+hgEnd))
	if endAt < 0 {
		return nil, false, false, fmt.Errorf("the blog hook block has no end line %q: fix it by hand", hgEnd)
	}
	end := start + endAt + 1 + len(hgEnd)
	if end < len(hgrc) && hgrc[end] == '\n' {
		end++
	}
	beginLine, _, _ := bytes.Cut(hgrc[start:], []byte("\n"))
	head := hgrc[:start]
	if bytes.Contains(beginLine, []byte(hgAddedNewline)) && end == len(hgrc) {
		head = bytes.TrimSuffix(head, []byte("\n"))
	}
	created = bytes.Contains(beginLine, []byte(hgCreatedFile))
	return append(bytes.Clone(head), hgrc[end:]...), created, true, nil
}

// hgHookScript is the hook .hg/hgrc runs, as "sh SCRIPT commit" or "sh
// SCRIPT changegroup", with the new changesets in $HG_NODE (to
// $HG_NODE_LAST). When they include a changeset on the deploy branch (a
// named branch or a bookmark), it starts blog deploy --commit BRANCH in
// the background, as the git hook does: hg archive exports the branch as
// committed, the commit or push returns at once, and a failed deploy only
// logs. Either way it logs its decision before it returns.
func hgHookScript(blog, branch, site string) string {
	return `#!/bin/sh
` + hookMarker + `: deploys changesets on ` + branch + ` (Mercurial).
# blog hook uninstall removes it and its block in .hg/hgrc.
blog=` + shellQuote(blog) + `
branch=` + shellQuote(branch) + `
site=` + shellQuote(site) + ` # the site directory, relative to the root of the repository

event=${1:-commit}
hg=${HG:-hg}
export HGPLAIN=1
root=$("$hg" root) || exit 0
[ -n "$site" ] && root="$root/$site"
first=${HG_NODE:-tip}
last=${HG_NODE_LAST:-$first}
mkdir -p "$root/.blog-cache"
log="$root/.blog-cache/deploy.log"
now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
# One hg run: a line "SHORT B:BRANCH" per new changeset and "SHORT
# M:BOOKMARK" per bookmark on it; the newest one on the deploy branch
# deploys, the last line names the changeset a skip is about.
lines=$("$hg" log --rev "$first:$last" --template '{node|short} B:{branch}\n{bookmarks % "{node|short} M:{bookmark}\n"}' 2>/dev/null)
rev=$(printf '%s\n' "$lines" | awk -v b="$branch" 'substr($0, 16) == b { r = substr($0, 1, 12) } END { print r }')
if [ -z "$rev" ]; then
	what=$(printf '%s\n' "$lines" | awk 'substr($0, 14, 2) == "B:" { w = substr($0, 1, 12) " on " substr($0, 16) } END { print w }')
	echo "$(now) $event $what: not $branch, nothing to deploy" >>"$log"
	exit 0
fi
[ -x "$blog" ] || blog=blog
echo "$(now) deploy $rev on $branch: started" >>"$log"
unset HG_PENDING HG_SHAREDPENDING
nohup sh -c '
	"$1" deploy --commit "$3" "$4"
	s=$?
	if [ $s -eq 0 ]; then r=done; else r="failed (exit $s)"; fi
	echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) deploy $2 on $3: $r"
' blog-deploy "$blog" "$rev" "$branch" "$root" >>"$log" 2>&1 </dev/null &
echo "blog: deploying $rev in the background; log: $log" >&2
exit 0
`
}

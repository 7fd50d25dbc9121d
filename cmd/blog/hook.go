package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/deploy"
)

func cmdHook(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "-help" && args[0] != "--help" {
		return usagef("blog hook: want install or uninstall")
	}
	sub, args := args[0], args[1:]
	fs := newFlagSet("hook "+sub, stderr)
	var o hookFlags
	fs.BoolVar(&o.postReceive, "post-receive", false, "git: a post-receive hook for a bare repository on a server (push to deploy) instead of post-commit")
	fs.BoolVar(&o.server, "server", false, "Mercurial: also deploy changesets pushed to this repository (a changegroup hook), for a repository on a server")
	if sub == "install" {
		fs.StringVar(&o.blog, "blog", "", "the blog binary the hook runs (default: this one, by absolute path)")
		fs.StringVar(&o.branch, "branch", "", "with --post-receive: the branch whose pushes deploy (default: deploy.branch of the pushed _config.yaml at install time, or main)")
		fs.StringVar(&o.workTree, "work-tree", "", "with --post-receive: where the pushed branch is checked out and built (default: blog-site in the git directory)")
	}
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: blog hook install [--post-receive | --server] [flags] [directory]
       blog hook uninstall [--post-receive] [directory]

install writes the hook that runs blog deploy in the background when
deploy.branch is committed, logging to .blog-cache/deploy.log; the commit
is never blocked or undone, and the committed revision is what deploys.
Run it again after changing deploy.branch.

In git it is a post-commit hook; an existing hook is kept and called
first. With --post-receive it writes a hook for a bare repository (the
directory) that checks out each push to the branch and deploys it.

In Mercurial it is a commit hook in .hg/hgrc (deploy.branch is a named
branch or a bookmark, "default" unless set); with --server, also a
changegroup hook, so pushes to the repository deploy too.

uninstall removes the hook and puts back what it replaced.

Flags:
`)
		fs.PrintDefaults()
	}
	switch sub {
	case "install", "uninstall":
	case "-h", "-help", "--help":
		fs.Usage()
		return nil
	default:
		return usagef("blog hook: unknown subcommand %q: want install or uninstall", sub)
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	dir, err := siteRoot(rest, "hook "+sub)
	if err != nil {
		return err
	}
	if sub == "uninstall" {
		return hookUninstall(ctx, dir, o.postReceive, stdout)
	}
	return hookInstall(ctx, dir, o, stdout)
}

// hookFlags are the flags of blog hook.
type hookFlags struct {
	postReceive, server    bool
	blog, branch, workTree string
}

func hookUninstall(ctx context.Context, dir string, postReceive bool, stdout io.Writer) error {
	restored, err := deploy.UninstallHook(ctx, dir, postReceive)
	if errors.Is(err, deploy.ErrNoHook) {
		fmt.Fprintln(stdout, "no blog hook to remove")
		return nil
	}
	if err != nil {
		return err
	}
	if restored != "" {
		fmt.Fprintf(stdout, "removed the blog hook and restored %s\n", restored)
	} else {
		fmt.Fprintln(stdout, "removed the blog hook")
	}
	return nil
}

func hookInstall(ctx context.Context, dir string, o hookFlags, stdout io.Writer) error {
	opts, err := hookOptions(ctx, dir, o)
	if err != nil {
		return err
	}
	h, err := deploy.InstallHook(ctx, dir, opts)
	if err != nil {
		return err
	}
	verb := "installed"
	if !h.Fresh {
		verb = "updated"
	}
	switch {
	case o.postReceive:
		fmt.Fprintf(stdout, "%s %s: pushes to %s are checked out into %s and deployed with %s\n", verb, h.Path, opts.Branch, h.Site, h.Blog)
	case o.server:
		fmt.Fprintf(stdout, "%s %s: commits and pushes on %s deploy %s with %s\n", verb, h.Path, opts.Branch, h.Site, h.Blog)
	default:
		fmt.Fprintf(stdout, "%s %s: commits on %s deploy %s with %s\n", verb, h.Path, opts.Branch, h.Site, h.Blog)
	}
	if h.Orig != "" {
		fmt.Fprintf(stdout, "it first runs the hook that was there, now %s\n", h.Orig)
	}
	if !o.postReceive {
		fmt.Fprintf(stdout, "deploy log: %s\n", filepath.Join(h.Site, ".blog-cache", "deploy.log"))
	}
	return nil
}

// hookOptions checks the flags against the repository and fills in the
// branch: pushedBranch for a post-receive hook, else deploy.branch, which
// in Mercurial defaults to "default", its first branch.
func hookOptions(ctx context.Context, dir string, o hookFlags) (deploy.HookOptions, error) {
	opts := deploy.HookOptions{Blog: o.blog, Branch: o.branch, PostReceive: o.postReceive, WorkTree: o.workTree, Server: o.server}
	hgRepo := deploy.IsMercurial(dir)
	switch {
	case o.postReceive && o.server:
		return opts, usagef("blog hook install: --post-receive is for git and --server for Mercurial: give one")
	case o.server && !hgRepo:
		return opts, usagef("blog hook install: --server is for a Mercurial repository; a git repository that receives pushes takes --post-receive")
	case o.postReceive && hgRepo:
		return opts, usagef("blog hook install: --post-receive is for git; a Mercurial repository that receives pushes takes --server")
	case !o.postReceive && (o.branch != "" || o.workTree != ""):
		return opts, usagef("blog hook install: --branch and --work-tree are for --post-receive; this hook uses deploy.branch of %s", build.ConfigFile)
	}
	if o.blog != "" {
		abs, err := filepath.Abs(o.blog)
		if err != nil {
			return opts, err
		}
		opts.Blog = abs
	}
	if o.postReceive {
		if opts.Branch == "" {
			opts.Branch = pushedBranch(ctx, dir)
		}
		return opts, nil
	}
	// The hook bakes in the branch: reading the config at each commit
	// would cost a blog start-up on every branch.
	cfg, err := build.Load(dir)
	if err != nil {
		return opts, err
	}
	opts.Branch = cfg.Deploy.Branch
	if hgRepo && !branchSet(dir) {
		opts.Branch = "default"
	}
	return opts, nil
}

// branchSet reports whether the _config.yaml in dir sets deploy.branch.
func branchSet(dir string) bool {
	src, err := os.ReadFile(filepath.Join(dir, build.ConfigFile))
	if err != nil {
		return false
	}
	cfg := build.DefaultConfig()
	cfg.Deploy.Branch = ""
	return build.Parse(src, &cfg) == nil && cfg.Deploy.Branch != ""
}

// pushedBranch reads deploy.branch from the _config.yaml at HEAD of the
// bare repository dir, defaulting to main.
func pushedBranch(ctx context.Context, dir string) string {
	cfg := build.DefaultConfig()
	src, err := exec.CommandContext(ctx, "git", "-C", dir, "show", "HEAD:"+build.ConfigFile).Output()
	if err == nil && build.Parse(src, &cfg) == nil {
		return cfg.Deploy.Branch
	}
	return "main"
}

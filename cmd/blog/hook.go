package main

import (
	"context"
	"errors"
	"fmt"
	"io"
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
	postReceive := fs.Bool("post-receive", false, "a post-receive hook for a bare repository on a server (push to deploy) instead of post-commit")
	var blogBin, branch, workTree string
	if sub == "install" {
		fs.StringVar(&blogBin, "blog", "", "the blog binary the hook runs (default: this one, by absolute path)")
		fs.StringVar(&branch, "branch", "", "with --post-receive: the branch whose pushes deploy (default: deploy.branch of the pushed _config.yaml at install time, or main)")
		fs.StringVar(&workTree, "work-tree", "", "with --post-receive: where the pushed branch is checked out and built (default: blog-site in the git directory)")
	}
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: blog hook install [--post-receive] [flags] [directory]
       blog hook uninstall [--post-receive] [directory]

install writes a git post-commit hook that runs blog deploy in the
background when deploy.branch is committed, logging to
.blog-cache/deploy.log; the commit is never blocked or undone. An existing
hook is kept and called first. Run it again after changing deploy.branch.
With --post-receive it writes a hook for a bare repository (the directory)
that checks out each push to the branch and deploys it.

uninstall removes the hook and puts back the one it replaced.

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
		restored, err := deploy.UninstallHook(ctx, dir, *postReceive)
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
	if !*postReceive && (branch != "" || workTree != "") {
		return usagef("blog hook install: --branch and --work-tree are for --post-receive; a post-commit hook uses deploy.branch of %s", build.ConfigFile)
	}
	opts := deploy.HookOptions{Blog: blogBin, Branch: branch, PostReceive: *postReceive, WorkTree: workTree}
	if blogBin != "" {
		if opts.Blog, err = filepath.Abs(blogBin); err != nil {
			return err
		}
	}
	if *postReceive {
		if opts.Branch == "" {
			opts.Branch = pushedBranch(ctx, dir)
		}
	} else {
		// The hook bakes in the branch: reading the config at each
		// commit would cost a blog start-up on every branch.
		cfg, err := build.Load(dir)
		if err != nil {
			return err
		}
		opts.Branch = cfg.Deploy.Branch
	}
	h, err := deploy.InstallHook(ctx, dir, opts)
	if err != nil {
		return err
	}
	verb := "installed"
	if !h.Fresh {
		verb = "updated"
	}
	if *postReceive {
		fmt.Fprintf(stdout, "%s %s: pushes to %s are checked out into %s and deployed with %s\n", verb, h.Path, opts.Branch, h.Site, h.Blog)
	} else {
		fmt.Fprintf(stdout, "%s %s: commits on %s deploy %s with %s\n", verb, h.Path, opts.Branch, h.Site, h.Blog)
	}
	if h.Orig != "" {
		fmt.Fprintf(stdout, "it first runs the hook that was there, now %s\n", h.Orig)
	}
	if !*postReceive {
		fmt.Fprintf(stdout, "deploy log: %s\n", filepath.Join(h.Site, ".blog-cache", "deploy.log"))
	}
	return nil
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

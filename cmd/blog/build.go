package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/blog-gen/blog/build"
)

// siteFlags are the flags build, serve and deploy share.
type siteFlags struct {
	output  string
	drafts  bool
	future  bool
	verbose bool
}

func (f *siteFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&f.output, "output", "", "output directory (default: build.output, _site)")
	fs.BoolVar(&f.drafts, "drafts", false, "include draft posts")
	fs.BoolVar(&f.future, "future", false, "include posts dated in the future")
	fs.BoolVar(&f.verbose, "v", false, "verbose: log each step")
}

// loadSite reads the configuration of the site at root and applies the
// flags to it.
func (f *siteFlags) loadSite(root string) (build.Config, error) {
	cfg, err := build.Load(root)
	if err != nil {
		return cfg, err
	}
	if f.output != "" {
		out, err := filepath.Abs(f.output)
		if err != nil {
			return cfg, err
		}
		cfg.Build.Output = out
	}
	cfg.Drafts, cfg.Future = f.drafts, f.future
	return cfg, nil
}

func siteRoot(args []string, cmd string) (string, error) {
	switch len(args) {
	case 0:
		return ".", nil
	case 1:
		return args[0], nil
	}
	return "", usagef("blog %s: want at most one site directory, got %d arguments", cmd, len(args))
}

func cmdBuild(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("build", stderr)
	var f siteFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: blog build [flags] [site directory]\n\nBuilds the site (default: the current directory) into its output directory.\nA failed build leaves the previous output as it was.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	root, err := siteRoot(rest, "build")
	if err != nil {
		return err
	}
	cfg, err := f.loadSite(root)
	if err != nil {
		return err
	}
	res, err := build.Run(ctx, cfg, build.Options{Logger: newLogger(stderr, f.verbose), HookOutput: stderr})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "built %d posts, %d pages: %d files in %s (%s)\n", res.Posts, res.Pages, res.Files, cfg.Build.Output, res.Elapsed.Round(time.Millisecond))
	return nil
}

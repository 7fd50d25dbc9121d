package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/widget"
)

// siteFlags are the flags build, serve and deploy share.
type siteFlags struct {
	output  string
	drafts  bool
	future  bool
	verbose bool
}

// register registers the flags on fs; show is the default of --drafts and
// --future (true for blog serve, which marks such posts on their pages).
func (f *siteFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}, show bool) {
	fs.StringVar(&f.output, "output", "", "output directory (default: build.output, _site)")
	fs.BoolVar(&f.drafts, "drafts", show, "include draft posts")
	fs.BoolVar(&f.future, "future", show, "include posts dated in the future")
	fs.BoolVar(&f.verbose, "v", false, "verbose: log each step")
}

// loadSite reads the configuration of the site at root.
func (f *siteFlags) loadSite(root string) (build.Config, error) {
	return build.Load(root)
}

// buildOptions are the build options the flags ask for.
func (f *siteFlags) buildOptions() (build.Options, error) {
	o := build.Options{Drafts: f.drafts, Future: f.future, Assets: siteAssets()}
	if f.output != "" {
		out, err := filepath.Abs(f.output)
		if err != nil {
			return o, err
		}
		o.Output = out
	}
	return o, nil
}

// widgetAsset is the name of the who's-online script in every site. It is
// a theme asset, not under widget.path, so a proxy that sends widget.path
// to the endpoint (see the README's nginx example) still serves it as a
// static file.
const widgetAsset = "js/whos-online.js"

// siteAssets are the files every build writes besides the theme's: the
// widget's script, which build may not import (deps_test.go).
func siteAssets() []build.Asset {
	return []build.Asset{{Name: widgetAsset, Data: widget.Script()}}
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
	f.register(fs, false)
	full := fs.Bool("full", false, "ignore the incremental cache and rebuild everything")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: blog build [flags] [site directory]\n\nBuilds the site (default: the current directory) into its output directory.\nOnly what changed since the last build is rendered again (see --full).\nA failed build leaves the previous output as it was.\n\nFlags:\n")
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
	opts, err := f.buildOptions()
	if err != nil {
		return err
	}
	progress, done := newProgress(stderr)
	opts.Logger, opts.HookOutput, opts.Full, opts.Progress, opts.Loaded = newLogger(stderr, f.verbose), stderr, *full, progress, buildGC
	res, err := build.Run(ctx, cfg, opts)
	done()
	if err != nil {
		return err
	}
	printWarnings(stderr, res.Warnings, nil)
	warnSiteURL(stderr, cfg)
	fmt.Fprintf(stdout, "built %s: %s\n", cmp.Or(opts.Output, cfg.Build.Output), res)
	return nil
}

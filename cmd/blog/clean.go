package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/blog-gen/blog/build"
)

func cmdClean(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("clean", stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: blog clean [site directory]\n\nRemoves the output directory and the build cache (.blog-cache/).\n")
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	root, err := siteRoot(rest, "clean")
	if err != nil {
		return err
	}
	cfg, err := build.Load(root)
	if err != nil {
		return err
	}
	for _, dir := range []string{cfg.OutputDir(), filepath.Join(root, build.CacheDir)} {
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "removed", dir)
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/blog-gen/blog/highlight"
)

func cmdVersion(_ context.Context, _ []string, stdout, _ io.Writer) error {
	v := "(devel)"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 && v == "(devel)" {
				v += " " + s.Value[:12]
			}
		}
	}
	fmt.Fprintln(stdout, "blog", v)
	return nil
}

func cmdStyles(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("styles", stderr)
	list := fs.Bool("list", false, "list the style names")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: blog styles [--list] [STYLE]\n\nPrints the CSS of a highlighting style (default monokai), as\n`pygmentize -S monokai -f html` did, or lists the styles.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *list {
		fmt.Fprintln(stdout, strings.Join(highlight.Names(), "\n"))
		return nil
	}
	style := "monokai"
	switch len(rest) {
	case 0:
	case 1:
		style = rest[0]
	default:
		return usagef("blog styles: want one style name, got %d", len(rest))
	}
	if err := highlight.WriteStyleCSS(stdout, style); err != nil {
		return usagef("blog styles: %v", err)
	}
	return nil
}

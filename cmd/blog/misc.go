package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/blog-gen/blog/highlight"
)

func cmdVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: blog version\n\nPrints the module version, the VCS revision and time it was built from\n(+dirty when the work tree had uncommitted changes) and the Go version.\n")
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("blog version: takes no arguments")
	}
	bi, _ := debug.ReadBuildInfo()
	fmt.Fprintln(stdout, versionLine(bi))
	return nil
}

// versionLine describes the binary from its build information:
//
//	blog v1.2.0 (3f2a9c1d4e5b 2026-12-01T10:00:00Z) go1.26.8 linux/amd64
//	blog v0.0.0-20261201100000-3f2a9c1d4e5b+dirty (3f2a9c1d4e5b+dirty 2026-12-01T10:00:00Z) go1.26.8 linux/amd64
//	blog (devel) go1.26.8 linux/amd64
//
// go install and go build in a checkout stamp the version (a tag, or a
// pseudo-version) and the revision; go run and go test binaries carry
// neither, hence "(devel)".
func versionLine(bi *debug.BuildInfo) string {
	v, goVersion := "", runtime.Version()
	var rev, at string
	dirty := false
	if bi != nil {
		v = bi.Main.Version
		if bi.GoVersion != "" {
			goVersion = bi.GoVersion
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value[:min(len(s.Value), 12)]
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	line := "blog " + v
	if rev != "" {
		if dirty {
			rev += "+dirty"
		}
		line += " (" + strings.TrimSpace(rev+" "+at) + ")"
	}
	return line + " " + goVersion + " " + runtime.GOOS + "/" + runtime.GOARCH
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

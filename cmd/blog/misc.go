package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/diag"
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

// loopbackURL reports whether the host of the URL raw is a loopback
// address: localhost or a name under .localhost (RFC 6761), 127.0.0.0/8
// or ::1.
func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// siteURLProblem says what is wrong with a loopback site.url, where it is
// set (file:line:col of its value in _config.yaml) or that it is the
// default; "" when site.url is not a loopback URL. Pages built with it link
// feeds, canonical URLs and the sitemap to the writer's own machine.
func siteURLProblem(cfg build.Config) string {
	if !loopbackURL(cfg.Site.URL) {
		return ""
	}
	where, what := build.ConfigFile, "site.url is not set, so it is "+cfg.Site.URL
	if pos, ok := configPos(cfg.Root, "$.site.url"); ok {
		where, what = pos.String(), "site.url is "+cfg.Site.URL
	}
	return where + ": " + what + ", a loopback address: feeds, canonical links and the sitemap would point at this machine; set site.url to the address the site is served at"
}

// configPos returns the position of the value at path (such as
// "$.site.url") in the _config.yaml of root.
func configPos(root, path string) (diag.Pos, bool) {
	src, err := os.ReadFile(filepath.Join(root, build.ConfigFile))
	if err != nil {
		return diag.Pos{}, false
	}
	f, err := parser.ParseBytes(src, 0)
	if err != nil {
		return diag.Pos{}, false
	}
	p, err := yaml.PathString(path)
	if err != nil {
		return diag.Pos{}, false
	}
	n, err := p.FilterFile(f)
	if err != nil || n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return diag.Pos{}, false
	}
	tk := n.GetToken().Position
	return diag.Pos{File: build.ConfigFile, Line: tk.Line, Col: tk.Column}, true
}

// warnSiteURL prints the warning of [siteURLProblem], if any. Commands
// call it once, after a build that succeeded: a failed build has more
// pressing errors, each on a line of its own.
func warnSiteURL(stderr io.Writer, cfg build.Config) {
	if msg := siteURLProblem(cfg); msg != "" {
		fmt.Fprintln(stderr, strings.Replace(msg, ": site.url", ": warning: site.url", 1))
	}
}

// checkDeployURL refuses a deploy whose site.url is a loopback URL,
// unless allowed, and then warns. Without a target the deploy fails
// anyway, saying so, which matters more.
func checkDeployURL(stderr io.Writer, cfg build.Config, allow bool) error {
	msg := siteURLProblem(cfg)
	switch {
	case msg == "" || cfg.Deploy.Dir == "" && cfg.Deploy.Command == "":
		return nil
	case !allow:
		return errors.New(msg + " (blog deploy --allow-localhost deploys it anyway)")
	}
	warnSiteURL(stderr, cfg)
	return nil
}

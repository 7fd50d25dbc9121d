package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"os/signal"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"syscall"

	"github.com/blog-gen/blog/diag"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// Highlighting allocates heavily and briefly; collecting half as
		// often saves about 5% of a cold build for a little memory.
		debug.SetGCPercent(200)
		if len(os.Args) > 1 && os.Args[1] == "build" && os.Getenv("GOMEMLIMIT") == "" {
			buildGC = tuneBuildGC()
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// buildGC, when set, is blog build's [build.Options.Loaded]: the process's
// garbage collector tuned for its one build.
var buildGC func(full bool)

// tuneBuildGC turns the collector off and returns what turns it back on
// for a full build. An incremental build allocates little (90 MB at
// 10,000 posts, with the state it reads) and is over in a tenth of a
// second, of which collecting took a tenth: it runs uncollected up to a
// limit well past what it holds live (four times the heap once the state
// is read, plus 128 MiB: images it resizes may need more), where the
// collector starts again. Until the build is known (listing a very large
// site, or a build that fails before) the limit is 256 MiB.
func tuneBuildGC() func(full bool) {
	debug.SetGCPercent(-1)
	debug.SetMemoryLimit(256 << 20)
	return func(full bool) {
		if full {
			debug.SetGCPercent(200)
			debug.SetMemoryLimit(math.MaxInt64)
			return
		}
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		metrics.Read(s)
		var heap int64
		if s[0].Value.Kind() == metrics.KindUint64 {
			heap = int64(min(s[0].Value.Uint64(), math.MaxInt64/8))
		}
		debug.SetMemoryLimit(128<<20 + 4*heap)
	}
}

// exitCode prints err one error per line, so each file:line:col starts a
// line, and returns 2 for usage errors, 1 for other failures, 0 for none.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	for _, line := range diag.Lines(err) {
		fmt.Fprintln(stderr, line)
	}
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// usageError is a mistake on the command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...) + "\nrun 'blog help' for usage"}
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) error
	// subs are the subcommands, each with flags of its own (hook install).
	subs []string
	// args says what the positional arguments are, for completion.
	args argKind
}

// argKind is what a command's positional arguments are.
type argKind int

const (
	argDir     argKind = iota // a site directory
	argNone                   // none
	argStyle                  // a highlighting style
	argCommand                // a blog command
	argShell                  // a shell name
)

func commands() []command {
	return []command{
		{name: "build", summary: "build the site into _site/", run: cmdBuild},
		{name: "serve", summary: "build, serve and rebuild on change, with the who's-online widget", run: cmdServe},
		{name: "new", summary: "create a new post", run: cmdNew},
		{name: "init", summary: "create a new blog in a directory", run: cmdInit},
		{name: "deploy", summary: "build and publish the site", run: cmdDeploy},
		{name: "import", summary: "move a WordPress, Jekyll, Hugo or Blogofile blog in", run: cmdImport},
		{name: "hook", summary: "install or remove the git or Mercurial hook that deploys on commit", run: cmdHook, subs: []string{"install", "uninstall"}},
		{name: "widget", summary: "run the who's-online endpoint", run: cmdWidget, args: argNone},
		{name: "styles", summary: "print a highlighting style's CSS, or list the styles", run: cmdStyles, args: argStyle},
		{name: "clean", summary: "remove the output and the build cache", run: cmdClean},
		{name: "completion", summary: "print a shell completion script (bash, zsh or fish)", run: cmdCompletion, args: argShell},
		{name: "version", summary: "print the version", run: cmdVersion, args: argNone},
		{name: "help", summary: "show this help, or a command's usage and flags", run: cmdHelp, args: argCommand},
	}
}

func lookup(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// run is the whole command line: main without the process. It never calls
// os.Exit, so tests drive it directly.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		usage(stderr)
		return &usageError{msg: "no command given"}
	}
	name, rest := args[0], args[1:]
	switch name {
	case "-h", "-help", "--help":
		usage(stdout)
		return nil
	case "-version", "--version":
		return cmdVersion(ctx, nil, stdout, stderr)
	}
	c, ok := lookup(name)
	if !ok {
		return usagef("blog: unknown command %q", name)
	}
	if wantsHelp(rest) {
		return printHelp(ctx, c, rest, stdout)
	}
	return c.run(ctx, rest, stdout, stderr)
}

// wantsHelp reports whether args ask for help (-h, -help or --help
// before any --), which then goes to standard output.
func wantsHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

func cmdHelp(ctx context.Context, args []string, stdout, _ io.Writer) error {
	switch len(args) {
	case 0:
		usage(stdout)
		return nil
	case 1, 2:
		if c, ok := lookup(args[0]); ok {
			return printHelp(ctx, c, args[1:], stdout)
		}
		return usagef("blog help: unknown command %q", args[0])
	}
	return usagef("blog help: want one command name, got %d arguments", len(args))
}

// printHelp prints the usage of c, or of its subcommand named first in
// args, with its flags, to w.
func printHelp(ctx context.Context, c command, args []string, w io.Writer) error {
	if c.name == "help" {
		usage(w)
		return nil
	}
	_, err := commandFlags(ctx, c, helpSub(c, args), w)
	return err
}

// helpSub is the subcommand of c that args name, or its first one: the
// usage of hook install also describes hook uninstall.
func helpSub(c command, args []string) string {
	if len(c.subs) == 0 {
		return ""
	}
	if len(args) > 0 && slices.Contains(c.subs, args[0]) {
		return args[0]
	}
	return c.subs[0]
}

// commandFlags runs c (with subcommand sub) as "c [sub] -h", which every
// command answers by defining its flags and printing its usage, without
// doing anything else. The usage goes to w; the flag set the command made
// is returned, so help and completion never list flags apart from the
// commands that define them.
func commandFlags(ctx context.Context, c command, sub string, w io.Writer) (*flag.FlagSet, error) {
	fc := &flagCapture{w: w}
	args := []string{"-h"}
	if sub != "" {
		args = []string{sub, "-h"}
	}
	err := c.run(ctx, args, fc, fc)
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		return nil, err
	}
	return fc.fs, nil
}

// flagCapture is the standard error that [commandFlags] hands a command:
// it passes the usage text on to w and catches the flag set that
// [newFlagSet] makes.
type flagCapture struct {
	w  io.Writer
	fs *flag.FlagSet
}

func (c *flagCapture) Write(p []byte) (int, error) { return c.w.Write(p) }

func usage(w io.Writer) {
	fmt.Fprint(w, "Blog builds, serves and deploys a static blog with a live who's-online widget.\n\nUsage:\n\n\tblog <command> [flags]\n\nCommands:\n\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "\t%-10s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'blog help <command>' or 'blog <command> --help' for a command's usage and flags.\n")
}

// newFlagSet returns a flag set that reports errors instead of exiting.
// Its defaults print long flags with two dashes (--drafts), as the
// documentation writes them; the flag package accepts either.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("blog "+name, flag.ContinueOnError)
	fs.SetOutput(&dashWriter{w: stderr, bol: true})
	if fc, ok := stderr.(*flagCapture); ok {
		fc.fs = fs
	}
	return fs
}

// dashWriter turns the "  -name" that starts each flag in
// [flag.FlagSet.PrintDefaults] into "  --name" for names longer than one
// letter, and passes everything else through.
type dashWriter struct {
	w   io.Writer
	bol bool // at the beginning of a line
}

func (d *dashWriter) Write(p []byte) (int, error) {
	var out []byte
	for i := 0; i < len(p); i++ {
		if d.bol && bytes.HasPrefix(p[i:], []byte("  -")) && i+4 < len(p) && isFlagChar(p[i+3]) && isFlagChar(p[i+4]) {
			out = append(out, "  --"...)
			i += 3
		}
		out = append(out, p[i])
		d.bol = p[i] == '\n'
	}
	if _, err := d.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

func isFlagChar(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_'
}

// parseFlags parses args, turning flag errors into usage errors. It allows
// flags after positional arguments (blog build site --drafts).
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{msg: err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// newLogger returns the logger commands use: text on stderr, Debug with -v.
func newLogger(stderr io.Writer, verbose bool) *slog.Logger {
	level := slog.LevelWarn
	if verbose {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/blog-gen/blog/diag"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// Highlighting allocates heavily and briefly; collecting half as
		// often saves about 5% of a cold build for a little memory.
		debug.SetGCPercent(200)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
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
}

func commands() []command {
	return []command{
		{"build", "build the site into _site/", cmdBuild},
		{"serve", "build, serve and rebuild on change, with the who's-online widget", cmdServe},
		{"new", "create a new post", cmdNew},
		{"init", "create a new blog in a directory", cmdInit},
		{"deploy", "build and publish the site", cmdDeploy},
		{"import", "move a WordPress, Jekyll, Hugo or Blogofile blog in", cmdImport},
		{"hook", "install or remove the git hook that deploys on commit", cmdHook},
		{"widget", "run the who's-online endpoint", cmdWidget},
		{"styles", "print a highlighting style's CSS, or list the styles", cmdStyles},
		{"clean", "remove the output and the build cache", cmdClean},
		{"version", "print the version", cmdVersion},
		{"help", "show this help", nil},
	}
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
	case "help", "-h", "-help", "--help":
		usage(stdout)
		return nil
	case "-version", "--version":
		return cmdVersion(ctx, nil, stdout, stderr)
	}
	for _, c := range commands() {
		if c.name == name && c.run != nil {
			return c.run(ctx, rest, stdout, stderr)
		}
	}
	return usagef("blog: unknown command %q", name)
}

func usage(w io.Writer) {
	fmt.Fprint(w, "Blog builds, serves and deploys a static blog with a live who's-online widget.\n\nUsage:\n\n\tblog <command> [flags]\n\nCommands:\n\n")
	for _, c := range commands() {
		fmt.Fprintf(w, "\t%-8s %s\n", c.name, c.summary)
	}
	fmt.Fprint(w, "\nRun 'blog <command> -h' for a command's flags.\n")
}

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("blog "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
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

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/serve"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) (err error) {
	fs := newFlagSet("serve", stderr)
	var f siteFlags
	f.register(fs, true)
	addr := fs.String("addr", "127.0.0.1:4000", "`host:port` to listen on; port 0 picks a free port")
	redisURL := fs.String("redis", "", "Redis `URL` for the who's-online widget (default: widget.redis, else an embedded in-process Redis)")
	open := fs.Bool("open", false, "open the site in the default browser")
	public := fs.Bool("public", false, "allow a non-loopback --addr: the dev server is then reachable from the network")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: blog serve [flags] [site directory]\n\n"+
			"Builds the site (default: the current directory), serves it on localhost, and\n"+
			"rebuilds and reloads open pages when a post, page, template, static file or\n"+
			"_config.yaml changes. Build errors are printed and shown over the page; the\n"+
			"last good site keeps being served. The who's-online endpoint is served at\n"+
			"widget.path, backed by --redis or widget.redis, else by an embedded Redis.\n"+
			"Drafts and future posts are shown, with a banner, unless --drafts=false or\n"+
			"--future=false; they are built into .blog-cache/serve/, never into _site,\n"+
			"which is brought up to date for blog build once the sources are quiet.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	root, err := siteRoot(rest, "serve")
	if err != nil {
		return err
	}
	loopback, err := loopbackAddr(*addr)
	if err != nil {
		return err
	}
	if !loopback && !*public {
		return usagef("blog serve: --addr %s is not a loopback address: add --public to serve it to the network", *addr)
	}
	cfg, err := f.loadSite(root)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, f.verbose)
	bopts, err := f.buildOptions()
	if err != nil {
		return err
	}
	bopts.Logger, bopts.HookOutput = logger, stderr
	var warm *build.Options
	if bopts.Output == "" {
		// Drafts, future posts and the widget (enabled: auto) are for the
		// writer: they go into an output of serve's own, never into the
		// _site that blog build and blog deploy make. That one is kept
		// up to date off the reload path, so its cache stays warm.
		w := bopts
		w.Drafts, w.Future, w.NoHooks = false, false, true
		warm = &w
		bopts.Output, bopts.CacheDir = serveOutput(cfg.Root), filepath.Join(serveDir(cfg.Root), "cache")
	}

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("%w (is another blog serve running? --addr 127.0.0.1:0 picks a free port)", err)
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		if !*public {
			ln.Close()
			return usagef("blog serve: --addr %s listens on %s, not a loopback address: add --public to serve it to the network", *addr, tcp.IP)
		}
		fmt.Fprintf(stderr, "warning: listening on %s, reachable from the network: anyone who can reach it can read the site, drafts included\n", ln.Addr())
	}

	presence, closer, err := newWidget(cfg, *redisURL, logger)
	if err != nil {
		ln.Close()
		return fmt.Errorf("widget: %w", err)
	}
	defer func() {
		if cerr := closer.Close(); cerr != nil {
			err = errors.Join(err, fmt.Errorf("widget: %w", cerr))
		}
	}()

	var (
		wg   sync.WaitGroup // the browser opener
		url  string
		srv  *serve.Server
		once sync.Once
	)
	defer wg.Wait()
	report := func(ev serve.Event) {
		now := time.Now().Format("15:04:05")
		if ev.Err != nil {
			what := "rebuild"
			if ev.Seq == 1 {
				what = "build"
			}
			fmt.Fprintf(stderr, "%s %s failed; still serving the last good site:\n", now, what)
			for _, line := range diag.Lines(ev.Err) {
				fmt.Fprintln(stderr, line)
			}
		} else if ev.Seq == 1 {
			printWarnings(stderr, ev.Result.Warnings, nil)
			fmt.Fprintf(stdout, "built %d posts, %d pages in %s\n", ev.Result.Posts, ev.Result.Pages, ev.Elapsed.Round(time.Millisecond))
		} else {
			printWarnings(stderr, ev.Result.Warnings, append([]string{}, ev.Changed...))
			fmt.Fprintf(stdout, "%s rebuilt in %s, %d written: %s\n", now, ev.Elapsed.Round(time.Millisecond), ev.Result.Written, summarize(ev.Changed))
		}
		once.Do(func() {
			fmt.Fprintf(stdout, "serving %s (Ctrl-C to stop)\n", url)
			if *open {
				wg.Go(func() {
					if err := openBrowser(ctx, url); err != nil {
						fmt.Fprintf(stderr, "warning: cannot open a browser: %v\n", err)
					}
				})
			}
		})
	}
	srv, err = serve.New(cfg, serve.Options{
		Build:   bopts,
		Logger:  logger,
		Widget:  presence,
		OnBuild: report,
		Warm:    warm,
	})
	if err != nil {
		ln.Close()
		return err
	}
	url = srv.URL(ln.Addr())
	// blog new reads where the running server is.
	urlFile := filepath.Join(serveDir(cfg.Root), "url")
	if err := os.MkdirAll(filepath.Dir(urlFile), 0o755); err == nil {
		if os.WriteFile(urlFile, []byte(url+"\n"), 0o644) == nil {
			defer os.Remove(urlFile)
		}
	}
	return srv.Serve(ctx, ln)
}

// serveDir is where blog serve keeps its output, cache and address.
func serveDir(root string) string {
	if abs, err := filepath.Abs(root); err == nil {
		root = abs
	}
	return filepath.Join(root, build.CacheDir, "serve")
}

// serveOutput is the site blog serve builds and serves, drafts included.
func serveOutput(root string) string { return filepath.Join(serveDir(root), "site") }

// servingURL is the home page of the blog serve running for the site at
// root, or "" when none is.
func servingURL(root string) string {
	data, err := os.ReadFile(filepath.Join(serveDir(root), "url"))
	if err != nil || len(data) > 512 {
		return ""
	}
	u := strings.TrimSpace(string(data))
	if !strings.HasPrefix(u, "http://") {
		return ""
	}
	return u
}

// loopbackAddr reports whether host:port names a loopback address.
// localhost counts; other host names and an empty host (every interface)
// do not.
func loopbackAddr(addr string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, usagef("blog serve: bad --addr %q: want host:port such as 127.0.0.1:4000", addr)
	}
	if strings.EqualFold(host, "localhost") {
		return true, nil
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback(), nil
}

// summarize names the changes behind a rebuild, at most three.
func summarize(changed []string) string {
	const most = 3
	if len(changed) <= most {
		return strings.Join(changed, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(changed[:most], ", "), len(changed)-most)
}

// openBrowser opens url in the desktop's default browser.
func openBrowser(ctx context.Context, url string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.CommandContext(ctx, "open", url)
	case "windows":
		cmd = exec.CommandContext(ctx, "rundll32", "url.dll,FileProtocolHandler", url)
	default:
		cmd = exec.CommandContext(ctx, "xdg-open", url)
	}
	cmd.WaitDelay = time.Second
	return cmd.Run()
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/widget"
	"github.com/redis/go-redis/v9"
)

// cmdWidget runs the who's-online endpoint on its own, for production:
// many instances may share one Redis (or Redis Cluster) behind any load
// balancer; the site's widget.path (or widget.endpoint) points at them.
func cmdWidget(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("widget", stderr)
	root := fs.String("root", ".", "site root `directory` (where _config.yaml is)")
	addr := fs.String("addr", "127.0.0.1:8090", "`host:port` to listen on")
	redisURL := fs.String("redis", "", "Redis `URL` (default: widget.redis, else an embedded in-process Redis for a single instance)")
	verbose := fs.Bool("v", false, "verbose: log at debug level")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: blog widget [flags]\n\n"+
			"Runs the who's-online endpoint at widget.path, configured by the widget\n"+
			"section of _config.yaml. The signing secret is read from the environment\n"+
			"variable named by widget.secret_env (default BLOG_WIDGET_SECRET).\n\nFlags:\n")
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("blog widget: unexpected arguments %q (use --root for the site directory)", rest)
	}
	cfg, err := build.Load(*root)
	if err != nil {
		return err
	}
	logger := newLogger(stderr, *verbose)
	routeRedisLogs(logger)
	opts := widgetOptions(cfg, os.Getenv)
	if *redisURL != "" {
		opts.Redis = *redisURL
	}
	opts.Logger = logger
	srv, err := widget.New(opts)
	if err != nil {
		return err
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	prefix := strings.TrimSuffix(cfg.Widget.Path, "/")
	if prefix == "" {
		mux.Handle("/", srv)
	} else {
		mux.Handle(prefix+"/", http.StripPrefix(prefix, srv))
		mux.Handle(prefix, http.StripPrefix(prefix, srv))
	}
	hs := newWidgetServer(mux, logger, widgetTimeouts)
	scope := "shared (Redis)"
	if opts.Client == nil && opts.Redis == "" {
		scope = "local (embedded Redis, one instance only)"
	}
	fmt.Fprintf(stdout, "who's online: serving http://%s%s/ for site %q, %s\n", ln.Addr(), prefix, opts.Site, scope)

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	// Close the endpoint first: that ends open streams, which Shutdown
	// would otherwise wait for.
	srv.Close()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	<-errc
	return nil
}

// httpTimeouts bounds how long a client may take over each part of an
// exchange; see the fields of the same names in [http.Server].
type httpTimeouts struct {
	ReadHeader, Read, Write, Idle time.Duration
}

// widgetTimeouts are the endpoint's: its requests are small (a hit body
// is at most 1 KB), so a client dribbling one is cut off, and its
// answers are small too. GET /stream outlives Read and Write: the
// widget's handler lifts the read deadline and moves the write deadline
// before each event.
var widgetTimeouts = httpTimeouts{ReadHeader: 5 * time.Second, Read: 10 * time.Second, Write: 10 * time.Second, Idle: 2 * time.Minute}

// newWidgetServer returns the HTTP server of `blog widget` for h.
func newWidgetServer(h http.Handler, logger *slog.Logger, t httpTimeouts) *http.Server {
	return &http.Server{
		Handler:           h,
		ReadHeaderTimeout: t.ReadHeader,
		ReadTimeout:       t.Read,
		WriteTimeout:      t.Write,
		IdleTimeout:       t.Idle,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelDebug),
	}
}

// widgetOptions translates the site configuration into the endpoint's
// options; `blog widget` and `blog serve` both use it. getenv reads the
// signing secret (os.Getenv in production).
func widgetOptions(cfg build.Config, getenv func(string) string) widget.Options {
	w := cfg.Widget
	o := widget.Options{
		Redis:      w.Redis,
		Site:       w.Site,
		Strategy:   w.Strategy,
		Window:     w.Window,
		Heartbeat:  w.Heartbeat,
		NoGuests:   !w.Guests,
		RecordGPC:  !w.RespectGPC,
		TrustProxy: w.TrustProxy,
		Origins:    w.Origins,
		Stream:     w.Stream,

		TrustedProxies: w.TrustedProxies,
		GuestsPerAddr:  w.GuestsPerAddress,
	}
	site, _ := url.Parse(cfg.Site.URL)
	if o.Site == "" && site != nil {
		o.Site = site.Host
	}
	if len(o.Origins) == 0 && site != nil && site.Scheme != "" && site.Host != "" {
		o.Origins = []string{site.Scheme + "://" + site.Host}
	}
	if w.SecretEnv != "" {
		if s := getenv(w.SecretEnv); s != "" {
			o.Secret = []byte(s)
		}
	}
	return o
}

// newWidget makes the endpoint `blog serve` mounts at widget.path (the
// caller strips the prefix). redisURL, when set, overrides widget.redis.
// With the widget disabled it returns a handler that answers 404, so the
// sidebar hides itself, and starts nothing.
func newWidget(cfg build.Config, redisURL string, logger *slog.Logger) (http.Handler, io.Closer, error) {
	if cfg.Widget.Enabled == build.SwitchOff {
		return http.NotFoundHandler(), nopCloser{}, nil
	}
	opts := widgetOptions(cfg, os.Getenv)
	if redisURL != "" {
		opts.Redis = redisURL
	}
	opts.Logger = logger
	routeRedisLogs(logger)
	srv, err := widget.New(opts)
	if err != nil {
		return nil, nil, err
	}
	return srv, srv, nil
}

// routeRedisLogs sends go-redis's own log lines to logger, throttled,
// instead of standard error. The setting is process-wide (the last call
// wins); a blog process runs one endpoint, so it is that endpoint's.
func routeRedisLogs(logger *slog.Logger) {
	redis.SetLogger(widget.NewRedisLogger(logger, 0))
}

type nopCloser struct{}

func (nopCloser) Close() error { return nil }

package serve

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/diag"
)

// Options configure a [Server]. The zero value works: no widget, no logs,
// nobody told about builds.
type Options struct {
	// Build are the options of every build. Default: the zero
	// [build.Options] (discarded logs and hook output, embedded theme).
	Build build.Options
	// Logger receives the server's own events: watch problems and
	// configuration changes that need a restart at Warn, each change seen
	// at Debug. Default: discard.
	Logger *slog.Logger
	// Widget, when not nil, is the who's-online endpoint. It is mounted at
	// the configuration's widget.path with that prefix stripped, as
	// [http.StripPrefix] does. The Server never closes it. Default: nil
	// (nothing mounted).
	Widget http.Handler
	// Debounce is how long the sources must stay quiet after a change
	// before a rebuild starts, so that an editor's burst of events is one
	// rebuild; changes that keep coming are built after at most 100ms or
	// twice Debounce, whichever is longer. Default: 10ms.
	Debounce time.Duration
	// OnBuild, when not nil, is called after every build, from one
	// goroutine at a time, before open pages are told. The first call is
	// the initial build. It must not block for long: rebuilds wait for it.
	// Default: nil.
	OnBuild func(Event)
	// ShutdownTimeout is how long in-flight requests may take to finish
	// once the context of [Server.Serve] is done. Default: 3s.
	ShutdownTimeout time.Duration
	// Warm, when not nil, is a second build the server runs once the
	// sources have been quiet for WarmDelay after a build: `blog serve`
	// builds what it shows (drafts included) into an output of its own,
	// and keeps the output and cache of `blog build` up to date with this
	// one, off the reload path. Its Output, when empty, is the
	// configuration's build.output. Its failures are logged at Debug: the
	// server's own build reports the same errors. Default: nil (none).
	Warm *build.Options
	// WarmDelay is how long the sources must stay quiet before the Warm
	// build runs. Default: 1s.
	WarmDelay time.Duration

	// timeouts bound the server's connections; tests shorten them.
	timeouts timeouts
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Debounce <= 0 {
		o.Debounce = 10 * time.Millisecond
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = 3 * time.Second
	}
	if o.WarmDelay <= 0 {
		o.WarmDelay = time.Second
	}
	o.timeouts = o.timeouts.withDefaults()
	return o
}

// Event describes one build of the dev server.
type Event struct {
	// Seq counts builds, failed ones included: 1 is the initial build.
	Seq int
	// Changed lists the changes that caused the build: slash paths
	// relative to the site root, sorted. It is nil for the initial build.
	Changed []string
	// CSSOnly is true when only stylesheets changed, so open pages swap
	// their stylesheets instead of reloading.
	CSSOnly bool
	// Result is the build's summary; it is zero when Err is not nil.
	Result build.Result
	// Err is the build's error, nil when it succeeded. Content errors are
	// joined *diag.Error values, one file:line:col each.
	Err error
	// Elapsed is how long the build took, including re-reading
	// _config.yaml.
	Elapsed time.Duration
}

// Server is the dev server of one site. Make it with [New]; run it once
// with [Server.Serve]. Its ServeHTTP method is safe for concurrent use and
// serves whatever is in the output directory at the time of the request,
// so it also works on its own (as in tests) without Serve.
type Server struct {
	opts     Options
	log      *slog.Logger
	out      string // absolute output directory
	root     string // absolute site root
	base     string // the site's base path, "/" or "/blog/"
	instance string // tells this process's builds from a previous one's
	mux      *http.ServeMux
	assets   map[string]bool // slash paths of the program's fingerprinted assets
	quit     chan struct{}   // closed when Serve shuts down: ends event streams
	started  atomic.Bool

	// cfg and hashes belong to the goroutine that builds: Serve's, then
	// the build loop's.
	cfg       build.Config
	warmOut   string                       // the configured build.output, for the Warm build
	cfgBroken bool                         // the last read of _config.yaml failed
	hashes    map[string][sha256.Size]byte // content of changed files at their last build
	session   *build.Session               // keeps the builds' state in memory

	kick chan struct{} // wakes the build loop; buffered, never blocks

	mu      sync.Mutex
	pending map[string]bool // changes not built yet
	seq     int             // builds so far
	good    int             // good builds so far
	errs    []string        // the last build's error lines; nil after a good one
	subs    map[*subscriber]struct{}
}

// New returns a server for the site cfg describes. cfg.Root must be set
// (as [build.Load] does). Its builds are those of [build.Run] with
// opts.Build (into opts.Build.Output when set, else build.output), in the
// build mode "serve", which turns on widget.enabled: auto. site.url is not
// rewritten for the server's address, so the output and its incremental
// cache stay those of a build. Pages are served under site.url's path.
// New builds nothing; [Server.Serve] does.
func New(cfg build.Config, opts Options) (*Server, error) {
	opts = opts.withDefaults()
	if cfg.Root == "" {
		return nil, errors.New("serve: no site root in the configuration")
	}
	root, err := filepath.Abs(cfg.Root)
	if err != nil {
		return nil, err
	}
	warmOut := cfg.Build.Output
	if opts.Build.Output != "" {
		cfg.Build.Output = opts.Build.Output
	}
	out, err := filepath.Abs(cfg.OutputDir())
	if err != nil {
		return nil, err
	}
	opts.Build.Mode = "serve"
	base := basePath(cfg.Site.URL)
	s := &Server{
		opts:     opts,
		log:      opts.Logger,
		out:      out,
		root:     root,
		base:     base,
		instance: strconv.FormatInt(time.Now().UnixNano(), 36),
		mux:      http.NewServeMux(),
		assets:   make(map[string]bool, len(opts.Build.Assets)),
		quit:     make(chan struct{}),
		cfg:      cfg,
		warmOut:  warmOut,
		hashes:   make(map[string][sha256.Size]byte),
		session:  build.NewSession(),
		kick:     make(chan struct{}, 1),
		pending:  make(map[string]bool),
		subs:     make(map[*subscriber]struct{}),
	}
	for _, a := range opts.Build.Assets {
		s.assets[a.Path()] = true
	}
	s.mux.HandleFunc("GET "+scriptPath, s.handleScript)
	s.mux.HandleFunc("GET "+eventsPath, s.handleEvents)
	if opts.Widget != nil {
		p := "/" + strings.Trim(cfg.Widget.Path, "/")
		if p == "/" || p == "/_blog" || strings.HasPrefix(p, "/_blog/") {
			return nil, fmt.Errorf("serve: widget path %q collides with the dev server's own paths", cfg.Widget.Path)
		}
		h := http.StripPrefix(p, opts.Widget)
		s.mux.Handle(p, h)
		s.mux.Handle(p+"/", h)
	}
	s.mux.HandleFunc("/", s.serveFile)
	return s, nil
}

// basePath returns the path part of the site's URL, as "/" or "/blog/".
func basePath(siteURL string) string {
	u, err := url.Parse(siteURL)
	if err != nil || strings.Trim(u.Path, "/") == "" {
		return "/"
	}
	return "/" + strings.Trim(u.Path, "/") + "/"
}

// URL returns the address of the site's home page on a server listening
// on addr.
func (s *Server) URL(addr net.Addr) string {
	return "http://" + browsableHost(addr) + s.base
}

func browsableHost(addr net.Addr) string {
	host, port, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		// Listening on every interface: Go's "tcp" listeners on 0.0.0.0
		// and on :: are both dual-stack, so IPv4 loopback reaches them.
		host = "127.0.0.1"
	}
	return net.JoinHostPort(host, port)
}

// Serve builds the site, then serves it on ln while rebuilding on changes,
// until ctx is done. It then stops accepting connections, lets in-flight
// requests finish (up to [Options.ShutdownTimeout]), ends the event
// streams, waits for a build in progress to stop and returns nil. A failed
// build never ends Serve; an error from the listener or the file watcher
// does. Serve closes ln. It may be called once.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	if !s.started.CompareAndSwap(false, true) {
		ln.Close()
		return errors.New("serve: Serve called twice")
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	// Watch before the first build, so that a save during it is not lost.
	w, err := newWatcher(s.root, s.out, s.log, s.noteChange)
	if err != nil {
		ln.Close()
		return fmt.Errorf("watch: %w", err)
	}
	defer w.close()
	w.setDirs(sourceDirs(s.cfg))

	s.rebuild(ctx, nil)
	if ctx.Err() != nil {
		ln.Close()
		s.session.Close()
		return nil
	}

	t := s.opts.timeouts
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: t.readHeader,
		ReadTimeout:       t.read,
		WriteTimeout:      t.write,
		IdleTimeout:       t.idle,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	var wg sync.WaitGroup
	serveErr := make(chan error, 1)
	wg.Go(func() { serveErr <- srv.Serve(ln) })
	wg.Go(func() { w.run(ctx) })
	wg.Go(func() { s.buildLoop(ctx, w) })

	var result error
	select {
	case <-ctx.Done():
	case result = <-serveErr:
		result = fmt.Errorf("serve: %w", result)
	case result = <-w.failed:
		result = fmt.Errorf("watch: %w", result)
	}
	cancel()
	close(s.quit) // event streams never finish on their own
	sctx, scancel := context.WithTimeout(context.Background(), s.opts.ShutdownTimeout)
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	scancel()
	wg.Wait()
	if err := s.session.Close(); err != nil {
		s.log.Warn("build cache not saved", "err", err)
	}
	return result
}

// buildLoop rebuilds after changes, one build at a time, and runs the
// Warm build once the sources have been quiet for WarmDelay after one.
func (s *Server) buildLoop(ctx context.Context, w *watcher) {
	var warm <-chan time.Time
	if s.opts.Warm != nil {
		warm = time.After(s.opts.WarmDelay) // after the initial build
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-warm:
			warm = nil
			s.warm(ctx)
			continue
		case <-s.kick:
		}
		if s.opts.Warm != nil {
			// Whatever this round builds, warm up after it.
			warm = time.After(s.opts.WarmDelay)
		}
		if !s.settle(ctx) {
			return
		}
		changed := s.takeChanges()
		if len(changed) == 0 {
			continue // already built by the previous round
		}
		s.rebuild(ctx, changed)
		w.setDirs(sourceDirs(s.cfg)) // the configuration may name new directories
	}
}

// rebuild runs one build for the changes in changed (nil: the initial
// build), then tells OnBuild and the open pages.
func (s *Server) rebuild(ctx context.Context, changed []string) {
	start := time.Now()
	ev := Event{Changed: changed, CSSOnly: cssOnly(changed)}
	if slices.Contains(changed, build.ConfigFile) || s.cfgBroken {
		// While _config.yaml is broken, every build reads it again: a
		// post saved meanwhile must not hide the error.
		ev.Err = s.reloadConfig()
		s.cfgBroken = ev.Err != nil
	}
	if ev.Err == nil {
		ev.Result, ev.Err = s.session.Run(ctx, s.cfg, s.opts.Build, changed)
	}
	if ctx.Err() != nil {
		return // shutting down: the build was cancelled, not broken
	}
	ev.Elapsed = time.Since(start)
	s.mu.Lock()
	s.seq++
	ev.Seq = s.seq
	failedBefore := s.errs != nil
	var m message
	if ev.Err != nil {
		s.errs = diag.Lines(ev.Err)
		m = message{event: "error", data: eventData{Build: s.buildIDLocked(), Errors: s.errs}}
	} else {
		s.good++
		s.errs = nil
		m = message{event: "reload", data: eventData{Build: s.buildIDLocked()}}
		if ev.CSSOnly && !failedBefore {
			m.event = "css"
		}
	}
	s.mu.Unlock()
	if s.opts.OnBuild != nil {
		s.opts.OnBuild(ev)
	}
	// A save that changed nothing in the output (an editor's second write
	// of the same bytes) reloads nothing: the page may have moved on.
	unchanged := ev.Err == nil && !failedBefore && ev.Result.Written == 0 && ev.Result.Removed == 0
	if changed != nil && !unchanged {
		s.broadcast(m)
	}
}

// warm runs the Warm build with the current configuration, into the
// configured build.output unless Warm.Output says otherwise.
func (s *Server) warm(ctx context.Context) {
	if s.cfgBroken {
		return
	}
	cfg := s.cfg
	cfg.Build.Output = s.warmOut
	res, err := build.Run(ctx, cfg, *s.opts.Warm)
	if err != nil {
		s.log.Debug("warm build failed", "err", err)
		return
	}
	s.log.Debug("warm build", "output", cfg.OutputDir(), "written", res.Written, "dur", res.Elapsed)
}

// reloadConfig re-reads _config.yaml. What came from the command line
// (root, drafts, future, output), the mode and the widget's settings (its
// endpoint is already mounted) are kept.
func (s *Server) reloadConfig() error {
	cfg, err := build.Load(s.cfg.Root)
	if err != nil {
		return err
	}
	old := s.cfg
	if cfg.Build.Output != old.Build.Output && cfg.OutputDir() != old.OutputDir() {
		s.log.Warn("build.output changed: restart blog serve to serve the new output directory")
	}
	if !reflect.DeepEqual(cfg.Widget, old.Widget) {
		s.log.Warn("widget settings changed: restart blog serve to apply them")
	}
	if basePath(cfg.Site.URL) != s.base {
		s.log.Warn("the path of site.url changed: restart blog serve to serve the site under it")
	}
	cfg.Root = old.Root
	cfg.Build.Output, cfg.Widget = old.Build.Output, old.Widget
	s.cfg = cfg
	return nil
}

// cssOnly reports whether every change is a stylesheet.
func cssOnly(changed []string) bool {
	if len(changed) == 0 {
		return false
	}
	for _, rel := range changed {
		if path.Ext(rel) != ".css" {
			return false
		}
	}
	return true
}

// buildIDLocked names the site on disk: it changes with every good build
// and with every run of the server. s.mu must be held.
func (s *Server) buildIDLocked() string {
	return s.instance + "-" + strconv.Itoa(s.good)
}

// sourceDirs returns the directories of the site to watch recursively.
func sourceDirs(cfg build.Config) []string {
	var dirs []string
	for _, d := range []string{cfg.Build.Posts, cfg.Build.Pages, cfg.Build.Templates, cfg.Build.Static, build.I18nDir} {
		if strings.TrimSpace(d) == "" {
			continue
		}
		if !filepath.IsAbs(d) {
			d = filepath.Join(cfg.Root, d)
		}
		if abs, err := filepath.Abs(d); err == nil {
			dirs = append(dirs, abs)
		}
	}
	return dirs
}

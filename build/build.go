package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/highlight"
	"github.com/blog-gen/blog/render"
)

// Run builds the site described by cfg into its output directory.
//
// A build with a usable cache (in CacheDir) is incremental: it reads only
// sources whose size or time changed, renders only outputs whose inputs
// changed, and rewrites only files whose bytes changed. Otherwise it is a
// full build into a temporary directory swapped in at the end.
//
// On any error the previous output is left as it was. Content errors are
// collected (up to [diag.MaxErrors]), sorted by position and joined.
func Run(ctx context.Context, cfg Config, opts Options) (Result, error) {
	return run(ctx, cfg, opts, nil, nil)
}

// run is [Run], or a build of the session sess (when not nil) told the
// changed paths; see [Session.Run].
func run(ctx context.Context, cfg Config, opts Options, sess *Session, changed []string) (Result, error) {
	opts = opts.withDefaults()
	if opts.Output != "" {
		cfg.Build.Output = opts.Output // cfg is this build's copy
	}
	if msg := cfg.outputProblem(); msg != "" {
		return Result{}, fmt.Errorf("output directory %s", msg)
	}
	if err := checkAssets(opts.Assets); err != nil {
		return Result{}, err
	}
	start := time.Now()
	if opts.NoHooks {
		cfg.Build.Hooks.PreBuild, cfg.Build.Hooks.PostBuild = nil, nil
	}
	if err := runHooks(ctx, &cfg, opts.Mode, "pre_build", cfg.Build.Hooks.PreBuild, opts.HookOutput); err != nil {
		return Result{}, err
	}
	b := &builder{cfg: cfg, opts: opts, loc: cfg.Location(), start: start, cacheDir: opts.CacheDir, sess: sess, changed: changed}
	if b.cacheDir == "" {
		b.cacheDir = filepath.Join(cfg.Root, CacheDir)
	}
	res, err := b.run(ctx)
	res.Resized, res.Read = int(b.resized.Load()), int(b.reads.Load())
	if err == nil && !opts.NoCache && b.images.files != nil { // files is nil when the build had nothing to do
		b.pruneImageCache()
	}
	if b.codes != nil {
		b.codes.close()
	}
	if sess != nil && err == nil && sess.st == b.next {
		b.spool.release() // the session's save closes it
	} else {
		b.spool.close()
	}
	b.stopRST()
	if err != nil {
		if sess != nil && b.committing {
			sess.drop() // the output may be half updated: the next build is a full one
		}
		return Result{}, err
	}
	if err := runHooks(ctx, &cfg, opts.Mode, "post_build", cfg.Build.Hooks.PostBuild, opts.HookOutput); err != nil {
		return Result{}, err
	}
	res.Elapsed = time.Since(start)
	opts.Logger.Info("site built", "posts", res.Posts, "pages", res.Pages, "written", res.Written, "cached", res.Cached, "full", res.Full, "dur", res.Elapsed.Round(time.Millisecond))
	return res, nil
}

// builder holds one build's state.
type builder struct {
	cfg   Config
	opts  Options
	loc   *time.Location
	start time.Time
	began buildStart // start with the mark written before the sources are stat-ed, if any

	cacheDir string

	sess    *Session // the session this build is part of, or nil
	changed []string // the paths that changed, for sess; nil: not known
	// since, when not nil, holds every source changed since the session
	// build that made sess's state, by slash path (see reuse).
	since map[string]bool
	// oldFromSession: old is the state sess's last build left.
	oldFromSession bool
	committing     bool // the dirty mark is set: the output may change

	md       *render.Markdown
	mdBest   *render.Markdown // md, but it keeps code highlighted inexactly; see renderMarkdown
	formats  []bodyFormat     // the post formats this build reads; see bodyFormats
	htmlBody *render.HTMLBody
	rst      *rstState // nil when rst.enabled is false
	tmpl     *render.Templates
	cat      *render.Catalog // the theme's labels in the site's language
	hl       *highlight.Highlighter
	codes    *codeCache
	spool    *textSpool // where a full build's search texts go; nil: kept in memory
	global   key
	meta     key // the site-wide facts every page may show
	// print is the fingerprint of the sources (see fingerprint) with the
	// output printOut (an absolute path), once printed; printOut is ""
	// before.
	print    key
	printOut string
	old      *state
	next     *state
	stamp    *stamp     // the last build's, read before discover; nil: none or a session
	early    *stateLoad // nil: the state loads after discover

	site  *render.Site
	base  string            // the site URL's path, with a trailing slash
	slugs map[string]string // tag and category names to slugs
	posts []*item           // published posts, newest first
	pages []*item           // standalone pages
	// reading finds each post's related posts and series (related.go)
	// when its page renders.
	reading *readings

	aliasOnce sync.Once
	aliasList []alias // see aliases
	// planned is every planned output by path when the plan's paths
	// were checked (checkProducers); nil when they were the last build's.
	planned map[string]*output

	reads   atomic.Int64 // sources read because their size or time changed
	inexact atomic.Bool  // some code block may be highlighted wrongly; see commit

	srcPosts, srcPages, srcStatic []source            // what discover found
	srcStrays                     []source            // the other files under posts/ and pages/: bundle assets and not-posts
	assets                        map[string][]source // page bundle assets, by their index's path
	strayWarnings                 []error             // a warning per file under posts/ and pages/ that is not a post
	nextDue                       time.Time           // the earliest future post's date; zero if none

	images  *images      // the local images posts show; see images.go
	resized atomic.Int64 // image copies resized, not taken from the cache

	feedMu      sync.Mutex
	feedContent map[string]*feedBody // rendered bodies feeds need, by source

	steps steps
}

// steps times a build's steps, for the log at debug level (blog build -v
// prints them): each one's time since the one before.
type steps struct {
	last  time.Time
	attrs []slog.Attr
}

func (s *steps) done(name string) {
	now := time.Now()
	s.attrs = append(s.attrs, slog.Duration(name, now.Sub(s.last).Round(100*time.Microsecond)))
	s.last = now
}

// item is one Markdown source on its way to a page.
type item struct {
	rel    string // slash path relative to the site root
	abs    string
	isPage bool
	bundle bool         // the index of a page bundle; see name
	src    *sourceState // what is known of the source; shared with the next state
	fm     render.FrontMatter
	out    string // output file, slash path relative to the output root
	// permalink is build.permalink expanded for a post; see expandedURL.
	permalink string
	meta      *render.Post    // the view in site-wide lists: no body-derived fields
	full      *render.Post    // the view on its own page and in list pages
	toc       render.Rendered // the table of contents of the last render (TOC, Headings)
}

func (b *builder) run(ctx context.Context) (Result, error) {
	b.steps.last = time.Now()
	defer func() { b.opts.Logger.LogAttrs(ctx, slog.LevelDebug, "build steps", b.steps.attrs...) }()
	if err := b.setup(); err != nil {
		return Result{}, err
	}
	out, err := filepath.Abs(b.cfg.OutputDir())
	if err != nil {
		return Result{}, err
	}
	if !b.opts.NoCache {
		unlock, err := lockSite(ctx, b.cacheDir)
		if err != nil {
			return Result{}, fmt.Errorf("lock: %w", err)
		}
		defer unlock()
	}
	b.global = b.globalKey()
	b.began = buildStart{At: b.start.UnixNano()}
	if b.sess == nil && !b.opts.NoCache {
		b.began = markStart(b.cacheDir, b.start)
	}
	if b.sess == nil && !b.opts.NoCache && !b.opts.Full {
		b.stamp = b.readStamp()
		if b.stamp != nil {
			// A source changed since the last build means a build:
			// its state decodes on the other core while the rest are
			// stat-ed.
			b.early = &stateLoad{since: b.stamp.Start, load: func() (*state, string) {
				return loadState(b.cacheDir, b.global, out, b.loc)
			}}
		}
	}
	b.steps.done("setup")
	if err := b.discoverSources(b.changed); err != nil {
		b.early.discard()
		return Result{}, fmt.Errorf("discover: %w", err)
	}
	b.steps.done("discover")
	if !b.opts.NoCache && !b.opts.Full {
		if res, ok := b.upToDate(out); ok {
			b.early.discard()
			return res, b.cfg.strictErrors(res.Warnings)
		}
	}
	reason := b.loadCache(out)
	if b.opts.Loaded != nil {
		b.opts.Loaded(b.old == nil)
	}
	b.steps.done("state")
	if err := b.parseTheme(); err != nil {
		return Result{}, err
	}
	b.steps.done("templates")
	if err := b.startRST(ctx); err != nil {
		return Result{}, err
	}
	if err := b.scan(ctx); err != nil {
		return Result{}, err
	}
	b.steps.done("scan")
	if err := b.model(); err != nil {
		return Result{}, err
	}
	b.steps.done("model")
	if err := b.findImages(); err != nil {
		return Result{}, err
	}
	outputs, err := b.plan()
	if err != nil {
		return Result{}, err
	}
	b.steps.done("plan")
	return b.write(ctx, out, outputs, reason)
}

// setup makes the highlighter, the Markdown renderer and the templates.
func (b *builder) setup() error {
	cfg := &b.cfg
	var err error
	b.images = &images{}
	if b.hl, err = highlight.New(highlight.Options{
		Style:       cfg.Highlight.Style,
		DarkStyle:   cfg.Highlight.DarkStyle,
		LineNumbers: cfg.Highlight.LineNumbers,
		TabWidth:    cfg.Highlight.TabWidth,
	}); err != nil {
		return fmt.Errorf("highlight: %w", err)
	}
	var code render.CodeHighlighter = b.hl
	if !b.opts.NoCache {
		b.codes = newCodeCache(b.hl, b.hl.Key(), b.cacheDir)
		code = b.codes
	}
	if b.cat, err = b.loadCatalog(); err != nil {
		return err
	}
	mdOpts := render.MarkdownOptions{
		Typographer: cfg.Markdown.Typographer,
		Footnotes:   cfg.Markdown.Footnotes,
		UnsafeHTML:  cfg.Markdown.UnsafeHTML,
		TOCLevels:   tocLevels(cfg.Markdown.TOCLevels),
		Highlighter: inexactCode{h: code, seen: &b.inexact},
		BasePath:    basePath(cfg.Site.URL),
		Images:      b.images,
		TOCLabel:    b.cat.T("contents"),
	}
	b.md = render.NewMarkdown(mdOpts)
	mdOpts.Highlighter = inexactCode{h: code, seen: &b.inexact, keep: true}
	b.mdBest = render.NewMarkdown(mdOpts)
	b.htmlBody = render.NewHTMLBody(mdOpts)
	b.formats = b.bodyFormats()
	themeFS, err := b.overlay(cfg.Build.Templates, "templates")
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	// Read here, for the global key; parsed by parseTheme once the build
	// is known to have something to do.
	b.tmpl, err = render.ReadTheme(themeFS, cfg.Build.Templates)
	return err
}

// parseTheme parses the theme setup read, or takes the session's when its
// sources and labels are the same.
func (b *builder) parseTheme() error {
	key := b.cfg.Build.Templates + "\x00" + b.cat.Key() // the directory names files in errors
	if t := b.sess.theme(b.tmpl.Sources, key); t != nil {
		b.tmpl = t
		b.opts.Logger.Debug("theme from the session")
		return nil
	}
	if err := b.tmpl.Parse(b.cat); err != nil {
		return err
	}
	b.sess.keepTheme(b.tmpl, key)
	return nil
}

// loadCache reads the last build's state, when there is a usable one, and
// starts the next. It returns why the build is a full one, if it is.
func (b *builder) loadCache(out string) (reason string) {
	reason = "--full"
	if b.opts.NoCache {
		reason = "no cache"
	} else if !b.opts.Full {
		if st, why, ok := b.early.result(); ok {
			b.old, reason = st, why
		} else if b.old = b.sess.old(b.cacheDir, b.global, out); b.old == nil {
			b.old, reason = loadState(b.cacheDir, b.global, out, b.loc)
		} else {
			b.oldFromSession = true
			b.opts.Logger.Debug("cache state from the session")
		}
	}
	if b.old == nil && !b.opts.NoCache {
		b.spool = &textSpool{dir: b.cacheDir}
	}
	if !b.opts.NoCache {
		// Holding the site's lock, any staging directory next to the
		// output is debris of a killed build: remove it.
		stale, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".site-*"))
		for _, d := range stale {
			os.RemoveAll(d)
		}
	}
	var nsrc, nout int
	if b.old != nil {
		nsrc, nout = len(b.old.Sources), len(b.old.Outputs)
	}
	b.next = &state{Format: cacheFormat, Global: b.global, Output: out, Sources: make(map[string]*sourceState, nsrc), spool: b.spool}
	if b.old == nil {
		b.next.Outputs = make(map[string]outputState, nout)
	} else {
		// The outputs of the last build, which an edit mostly keeps:
		// produce sets those it renders, write drops those it no longer
		// has. A clone copies the table, not one entry at a time.
		b.next.Outputs = maps.Clone(b.old.Outputs)
		b.next.disk = b.old.disk
		if b.next.spool == nil {
			b.next.spool = b.old.spool // a session's state not saved yet: its texts may be there
		}
	}
	return reason
}

// stateLoad is the cache state's load, started on its own goroutine by
// the first source discover finds changed after the last build (a build
// with such a source is not a no-op; see upToDate).
type stateLoad struct {
	since buildStart // a source changed since, or racy, starts the load
	load  func() (*state, string)

	once   sync.Once
	begun  atomic.Bool
	done   chan struct{}
	st     *state
	reason string
}

// saw is told each source stat-ed, on discover's workers.
func (l *stateLoad) saw(s *source) {
	if l == nil || !l.since.racy(s) {
		return
	}
	l.once.Do(func() {
		l.done = make(chan struct{})
		l.begun.Store(true)
		go func() {
			defer close(l.done)
			l.st, l.reason = l.load()
		}()
	})
}

// started reports whether the load started.
func (l *stateLoad) started() bool { return l != nil && l.begun.Load() }

// result waits for the load, when it started, and returns what it loaded.
func (l *stateLoad) result() (*state, string, bool) {
	if l == nil {
		return nil, "", false
	}
	l.once.Do(func() {}) // not started: now never
	if l.done == nil {
		return nil, "", false
	}
	<-l.done
	return l.st, l.reason, true
}

// discard closes the pack of the state loaded, if any.
func (l *stateLoad) discard() {
	if st, _, _ := l.result(); st != nil {
		if c, ok := st.disk.r.(io.Closer); ok {
			c.Close()
		}
	}
}

// globalKey hashes what every output depends on.
func (b *builder) globalKey() key {
	cfg := b.cfg
	h := newHasher(cacheFormat, programID(), b.hl.Key())
	h.str(fmt.Sprintf("%+v|%+v|%+v|%+v|%+v|%+v|%v|%v", cfg.Site, cfg.Build.Permalink, cfg.Build.Paginate, cfg.Markdown, cfg.Feeds, cfg.Comments, b.opts.Drafts, b.opts.Future))
	h.str(fmt.Sprintf("%+v|%v|%s|%s|%+v|%s|%q|%+v", cfg.Widget, b.widgetOn(), cfg.Build.Pages, cfg.Build.Posts, cfg.Images, cfg.Build.Static, cfg.Build.Disable, cfg.Related))
	h.str(b.cat.Key())
	for _, a := range b.opts.Assets {
		h.str(a.Name).str(a.Path()) // pages show the asset's URL
	}
	names := make([]string, 0, len(b.tmpl.Sources))
	for n := range b.tmpl.Sources {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		h.str(n).str(string(b.tmpl.Sources[n]))
	}
	return h.sum()
}

// scan discovers the sources and brings each one's state up to date:
// unchanged files are not read; changed ones are read, hashed and, when
// their bytes differ, their front matter parsed.
func (b *builder) scan(ctx context.Context) error {
	posts, pages := b.srcPosts, b.srcPages
	srcs := append(slices.Clone(posts), pages...)
	items := make([]*item, len(srcs))
	errs := make([]error, len(srcs))
	parallel(ctx, len(srcs), func(i int) {
		items[i], errs[i] = b.scanOne(srcs[i], i >= len(posts))
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	var list diag.List
	for i, err := range errs {
		list.Add(err)
		if it := items[i]; err == nil && it != nil {
			b.next.Sources[it.rel] = it.src
			if it.isPage {
				b.pages = append(b.pages, it)
			} else {
				b.posts = append(b.posts, it)
			}
		}
	}
	return list.Err()
}

func (b *builder) scanOne(src source, isPage bool) (*item, error) {
	it := &item{rel: src.rel, abs: src.abs, isPage: isPage, bundle: src.bundle}
	if err := checkSourceSize(src, b.cfg.Build.MaxPostSize); err != nil {
		return nil, err
	}
	if st := b.reuse(src); st != nil {
		it.src = st
	} else {
		b.reads.Add(1)
		data, err := readSource(src.rel, src.abs, b.cfg.Build.MaxPostSize)
		if err != nil {
			return nil, err
		}
		h := hashBytes(data)
		if b.old != nil {
			if prev := b.old.Sources[src.rel]; prev != nil && prev.Hash == h {
				cp := *prev
				cp.Size, cp.ModTime, cp.raw = src.size, src.modTime, ""
				it.src = &cp
			}
		}
		if it.src == nil {
			f := b.formatOf(src.rel)
			fm, body, bodyLine, err := f.readFrontMatter(src.rel, data, b.loc)
			var images []render.ImageRef
			if err == nil && f.images != nil {
				images = f.images(body, bodyLine)
			}
			if err == nil {
				err = b.checkURLs(src.rel, &fm)
			}
			if err == nil {
				err = checkSeries(src.rel, &fm)
			}
			if err != nil {
				return nil, err
			}
			// The search text comes with the body's render.
			it.src = &sourceState{Size: src.size, ModTime: src.modTime, Hash: h, FM: fm, Meta: metaDigest(fm), Images: images}
		}
	}
	if err := b.derive(it); err != nil {
		return nil, err
	}
	if it.src.URL == "" && b.checkPostURL(it) == nil {
		// Once per parse, on the scan's workers: model, which is not
		// parallel, finds it here.
		it.src.Out, it.src.URL = b.postURL(it)
		it.src.raw = ""
	}
	return it, nil
}

// jekyllName matches Jekyll-style post file names: 2006-01-02-slug.md.
var jekyllName = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})-(.+)$`)

// derive completes the front matter from the file name: the date and slug
// of Jekyll-style names, a title from the slug.
func (b *builder) derive(it *item) error {
	fm := it.src.FM
	base := strings.TrimSuffix(path.Base(it.name()), path.Ext(it.rel))
	slug := base
	if m := jekyllName.FindStringSubmatch(base); m != nil {
		slug = m[2]
		if fm.Date.IsZero() {
			d, err := time.ParseInLocation("2006-01-02", m[1], b.loc)
			if err != nil {
				return &diag.Error{Pos: diag.Pos{File: it.rel}, Err: fmt.Errorf("file name date %s: %w", m[1], err)}
			}
			fm.Date = d
		}
	}
	if fm.Slug != "" {
		slug = fm.Slug // used exactly: checkURLs made sure it is safe
	} else if s := render.Slugify(slug); s != "" {
		slug = s
	}
	if fm.Title == "" {
		fm.Title = strings.ReplaceAll(slug, "-", " ")
	}
	if fm.Date.IsZero() && !it.isPage {
		return &diag.Error{Pos: diag.Pos{File: it.rel, Line: 1, Col: 1}, Err: errors.New("post has no date: add date: to its front matter or name the file YYYY-MM-DD-slug.md")}
	}
	fm.Slug = slug
	it.fm = fm
	return nil
}

// textAt is where a source's search text is: known when its body was
// rendered (the render gives the text), in a build before or this one.
type textAt struct {
	ref   textRef
	known bool
}

// readText is the search text of the source rel (abs on disk, with the
// bytes hash was made from) at t. A text not known, or that cannot be
// read back (a damaged cache), is derived from the source as its render
// would; derived says so.
func (b *builder) readText(rel, abs string, hash key, t textAt) (text string, derived bool, err error) {
	if t.known {
		if text, err = t.ref.read(); err == nil {
			return text, false, nil
		}
		b.opts.Logger.Debug("search text derived again", "file", rel, "err", err)
	}
	f, _, body, _, err := b.sourceBody(rel, abs, hash)
	if err != nil {
		return "", false, err
	}
	return f.searchText(body), true, nil
}

// sourceBody reads the source rel (abs on disk), which must still have
// the bytes hash was made from, and cuts its body in its format.
func (b *builder) sourceBody(rel, abs string, hash key) (f *bodyFormat, data, body []byte, bodyLine int, err error) {
	data, err = readSource(rel, abs, b.cfg.Build.MaxPostSize)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	if hashBytes(data) != hash {
		return nil, nil, nil, 0, fmt.Errorf("%s changed during the build: build again", rel)
	}
	if f = b.formatOf(rel); f == nil {
		return nil, nil, nil, 0, fmt.Errorf("%s: not a post in any format this site reads", rel)
	}
	body, bodyLine, err = f.cutBody(rel, data)
	return f, data, body, bodyLine, err
}

// renderBody renders the body of it, in its format, and records what lists need
// (summary, word count) in its source state.
func (b *builder) renderBody(it *item) (string, error) {
	f, data, body, bodyLine, err := b.sourceBody(it.rel, it.abs, it.src.Hash)
	if err != nil {
		return "", err
	}
	r, warns, err := f.render(it.rel, body, bodyLine)
	if err != nil {
		return "", err
	}
	summary := r.Summary
	if it.fm.Summary != "" {
		summary = b.md.RenderInline(it.fm.Summary)
	}
	// The summary is shown on other pages: its relative links (a bundle's
	// photo.jpg) are made to point where they do on the post's own page.
	it.src.Summary = render.ResolveRelative(string(summary), it.meta.URL)
	if !it.src.Rendered {
		// The same bytes give the same text: one kept is not put again
		// (a feed renders a body whose page did not).
		text := r.Text
		if !f.textRendered {
			text = f.searchText(body)
		}
		it.src.text = b.spool.put(text)
	}
	it.src.Words, it.src.HasMore, it.src.Rendered = r.Words, r.HasMore, true
	it.toc = render.Rendered{TOC: r.TOC, Headings: r.Headings, HasCode: r.HasCode, Image: r.Image}
	it.src.Warnings = append(append(warns, leftoverWarning(data, bodyLine, string(r.HTML))...), altWarnings(it.src.Images)...)
	it.src.raw = ""
	return string(r.HTML), nil
}

// fill copies the body-derived fields into the full view.
func fill(it *item) {
	p := it.full
	p.Summary = templateHTML(it.src.Summary)
	p.Words, p.HasMore = it.src.Words, it.src.HasMore
	p.ReadingTime = max(1, int(math.Round(float64(p.Words)/220)))
}

// inexactCode passes code blocks to h and notes in seen that the build
// met a block h could not highlight exactly (highlight.ErrInexact). Without
// keep such a block fails the render, which then says where it is; with
// keep it is written as h wrote it.
type inexactCode struct {
	h    render.CodeHighlighter
	seen *atomic.Bool
	keep bool
}

func (c inexactCode) Highlight(w io.Writer, lang, code string, hl [][2]int) error {
	err := c.h.Highlight(w, lang, code, hl)
	if errors.Is(err, highlight.ErrInexact) {
		c.seen.Store(true)
		if c.keep {
			return nil
		}
	}
	return err
}

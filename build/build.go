package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blog-gen/blog"
	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/highlight"
	"github.com/blog-gen/blog/render"
)

// Options are the parts of a build that are not site configuration. The
// zero value works.
type Options struct {
	// Logger receives progress at Debug and the summary at Info.
	// Default: discard.
	Logger *slog.Logger
	// Theme is the default theme, with templates/ and static/ at its root.
	// Default: [blog.Theme], the theme embedded in the binary.
	Theme fs.FS
	// Now is the clock that decides which posts are in the future.
	// Default: time.Now.
	Now func() time.Time
	// HookOutput receives the output of build hooks, each line prefixed
	// with the hook's name. Default: discard.
	HookOutput io.Writer
	// Full ignores the incremental cache and rebuilds everything.
	Full bool
	// CacheDir is where the incremental cache lives. A build into another
	// output (a deploy's) keeps its own cache, so neither spoils the
	// other's. Default: CacheDir under the site root.
	CacheDir string
	// NoCache neither reads nor writes the cache in CacheDir (for builds
	// into another output, such as a deploy's). It implies Full.
	NoCache bool
	// Progress, when set, is called as outputs are done, with the count
	// done and the total. It is called from one goroutine at a time.
	Progress func(done, total int)

	// Drafts and Future include draft and future-dated posts (the
	// --drafts and --future flags).
	Drafts, Future bool
	// Mode is what the build is for: "build", "serve" or "deploy", given
	// to hooks as BLOG_MODE. Default: "build".
	Mode string
	// Output, when set, is where the site is written instead of
	// build.output: an absolute path, or one relative to the site root.
	Output string
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Theme == nil {
		o.Theme = blog.Theme
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HookOutput == nil {
		o.HookOutput = io.Discard
	}
	if o.Progress == nil {
		o.Progress = func(int, int) {}
	}
	if o.Mode == "" {
		o.Mode = "build"
	}
	return o
}

// Result summarises a build.
type Result struct {
	Posts     int    // posts published
	Pages     int    // standalone pages
	Files     int    // output files the site has
	Written   int    // files whose bytes changed (all of them in a full build)
	Unchanged int    // files rendered again to the same bytes
	Cached    int    // files not rendered: none of their inputs changed
	Removed   int    // files removed because their source is gone
	Full      bool   // a full build, not an incremental one
	Reason    string // why the build was full, when it was
	Elapsed   time.Duration
}

// String is the one-line summary the command prints.
func (r Result) String() string {
	kind := "incremental"
	if r.Full {
		kind = "full"
	}
	return fmt.Sprintf("%d posts, %d pages: %d files written, %d unchanged, %d from cache, %d removed (%s build) in %s",
		r.Posts, r.Pages, r.Written, r.Unchanged, r.Cached, r.Removed, kind, r.Elapsed.Round(time.Millisecond))
}

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
	opts = opts.withDefaults()
	if opts.Output != "" {
		cfg.Build.Output = opts.Output // cfg is this build's copy
	}
	if msg := cfg.outputProblem(); msg != "" {
		return Result{}, fmt.Errorf("output directory %s", msg)
	}
	start := time.Now()
	if err := runHooks(ctx, &cfg, opts.Mode, "pre_build", cfg.Build.Hooks.PreBuild, opts.HookOutput); err != nil {
		return Result{}, err
	}
	b := &builder{cfg: cfg, opts: opts, loc: cfg.Location(), start: start, cacheDir: opts.CacheDir}
	if b.cacheDir == "" {
		b.cacheDir = filepath.Join(cfg.Root, CacheDir)
	}
	res, err := b.run(ctx)
	if b.codes != nil {
		b.codes.close()
	}
	if err != nil {
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

	cacheDir string

	md     *render.Markdown
	tmpl   *render.Templates
	hl     *highlight.Highlighter
	codes  *codeCache
	global key
	meta   key // the site-wide facts every page may show
	old    *state
	next   *state

	site  *render.Site
	base  string            // the site URL's path, with a trailing slash
	slugs map[string]string // tag and category names to slugs
	posts []*item           // published posts, newest first
	pages []*item           // standalone pages

	reads atomic.Int64 // sources read because their size or time changed

	srcPosts, srcPages, srcStatic []source  // what discover found
	nextDue                       time.Time // the earliest future post's date; zero if none

	feedMu      sync.Mutex
	feedContent map[string]*feedBody // rendered bodies feeds need, by source
}

type feedBody struct {
	once sync.Once
	html string
	err  error
}

// item is one Markdown source on its way to a page.
type item struct {
	rel    string // slash path relative to the site root
	abs    string
	isPage bool
	src    *sourceState // what is known of the source; shared with the next state
	fm     render.FrontMatter
	out    string       // output file, slash path relative to the output root
	meta   *render.Post // the view in site-wide lists: no body-derived fields
	full   *render.Post // the view on its own page and in list pages
}

func (b *builder) run(ctx context.Context) (Result, error) {
	cfg := &b.cfg
	var err error
	if b.hl, err = highlight.New(highlight.Options{
		Style:       cfg.Highlight.Style,
		DarkStyle:   cfg.Highlight.DarkStyle,
		LineNumbers: cfg.Highlight.LineNumbers,
		TabWidth:    cfg.Highlight.TabWidth,
	}); err != nil {
		return Result{}, fmt.Errorf("highlight: %w", err)
	}
	var code render.CodeHighlighter = b.hl
	if !b.opts.NoCache {
		b.codes = newCodeCache(b.hl, b.hl.Key(), b.cacheDir)
		code = b.codes
	}
	b.md = render.NewMarkdown(render.MarkdownOptions{
		Typographer: cfg.Markdown.Typographer,
		Footnotes:   cfg.Markdown.Footnotes,
		UnsafeHTML:  cfg.Markdown.UnsafeHTML,
		Highlighter: code,
	})
	themeFS, err := b.overlay(cfg.Build.Templates, "templates")
	if err != nil {
		return Result{}, fmt.Errorf("templates: %w", err)
	}
	if b.tmpl, err = render.LoadTemplates(themeFS, cfg.Build.Templates); err != nil {
		return Result{}, err
	}
	out, err := filepath.Abs(cfg.OutputDir())
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
	if err := b.discoverAll(); err != nil {
		return Result{}, fmt.Errorf("discover: %w", err)
	}
	if !b.opts.NoCache && !b.opts.Full {
		if res, ok := b.upToDate(out); ok {
			return res, nil
		}
	}
	reason := "--full"
	if b.opts.NoCache {
		reason = "no cache"
	} else if !b.opts.Full {
		b.old, reason = loadState(b.cacheDir, b.global, out, b.loc)
	}
	if !b.opts.NoCache {
		// Holding the site's lock, any staging directory next to the
		// output is debris of a killed build: remove it.
		stale, _ := filepath.Glob(filepath.Join(filepath.Dir(out), ".site-*"))
		for _, d := range stale {
			os.RemoveAll(d)
		}
	}
	b.next = &state{Format: cacheFormat, Global: b.global, Output: out, Sources: map[string]*sourceState{}, Outputs: map[string]outputState{}}
	if b.old != nil {
		b.next.order, b.next.size = b.old.order, b.old.size
	}

	if err := b.scan(ctx); err != nil {
		return Result{}, err
	}
	if err := b.model(); err != nil {
		return Result{}, err
	}
	outputs, err := b.plan()
	if err != nil {
		return Result{}, err
	}
	w, err := newStaging(out)
	if err != nil {
		return Result{}, fmt.Errorf("write: %w", err)
	}
	defer w.discard()
	res := Result{Posts: len(b.posts), Pages: len(b.pages), Files: len(outputs), Full: b.old == nil}
	if res.Full {
		res.Reason = reason
		b.opts.Logger.Debug("full build", "reason", reason)
	}
	if err := b.produce(ctx, w, outputs, &res); err != nil {
		return Result{}, err
	}
	var removed []string
	if b.old != nil {
		for p := range b.old.Outputs {
			if _, ok := b.next.Outputs[p]; !ok {
				removed = append(removed, p)
			}
		}
		slices.Sort(removed)
	}
	res.Removed = len(removed)
	if err := b.commit(w, removed, &res); err != nil {
		return Result{}, fmt.Errorf("write: %w", err)
	}
	return res, nil
}

// commit puts the build's files in place and saves the cache. The dirty
// mark brackets the moment the output and the cache disagree, so a build
// killed inside it is followed by a full one.
func (b *builder) commit(w *staging, removed []string, res *Result) error {
	if b.old != nil && res.Written == 0 && res.Unchanged == 0 && len(removed) == 0 && !b.sourcesChanged() {
		// A no-op build: the output and the cache are already right.
		w.discard()
		return b.writeStamp(res)
	}
	if !b.opts.NoCache {
		if err := WriteFileAtomic(dirtyPath(b.cacheDir), nil, 0o644); err != nil {
			return err
		}
	}
	var err error
	if b.old == nil {
		err = w.commit()
	} else {
		err = w.apply(removed)
	}
	if err != nil || b.opts.NoCache {
		return err
	}
	if err := b.codes.save(b.old == nil); err != nil {
		b.opts.Logger.Warn("code cache not saved", "err", err)
	}
	b.next.Started = b.start.UnixNano()
	if err := b.next.save(b.cacheDir); err != nil {
		return err
	}
	if err := os.Remove(dirtyPath(b.cacheDir)); err != nil {
		return err
	}
	return b.writeStamp(res)
}

// sourcesChanged reports whether the next state's sources differ from the
// old ones: a file was read, added or removed.
func (b *builder) sourcesChanged() bool {
	if b.reads.Load() > 0 || len(b.old.Sources) != len(b.next.Sources) {
		return true
	}
	for name := range b.next.Sources {
		if _, ok := b.old.Sources[name]; !ok {
			return true
		}
	}
	return false
}

// globalKey hashes what every output depends on.
func (b *builder) globalKey() key {
	cfg := b.cfg
	h := newHasher(cacheFormat, programID(), b.hl.Key())
	h.str(fmt.Sprintf("%+v|%+v|%+v|%+v|%+v|%+v|%v|%v", cfg.Site, cfg.Build.Permalink, cfg.Build.Paginate, cfg.Markdown, cfg.Feeds, cfg.Comments, b.opts.Drafts, b.opts.Future))
	h.str(fmt.Sprintf("%+v|%s|%s", cfg.Widget, cfg.Build.Pages, cfg.Build.Posts))
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

// overlay returns the theme directory sub (templates or static) of the
// embedded theme with the site's own directory dir laid over it file by
// file.
func (b *builder) overlay(dir, sub string) (fs.FS, error) {
	files := make(mapFS)
	lower, err := fs.Sub(b.opts.Theme, sub)
	if err != nil {
		return nil, err
	}
	if err := files.add(lower); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	if err := files.add(os.DirFS(b.cfg.path(dir))); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, err
	}
	return files.fs(), nil
}

// source is a file found by discover.
type source struct {
	rel     string // slash path relative to the site root
	abs     string
	size    int64
	modTime int64
}

// discoverAll lists the posts, pages and static files.
func (b *builder) discoverAll() error {
	var err error
	if b.srcPosts, err = b.discover(b.cfg.Build.Posts, isMarkdown); err != nil {
		return err
	}
	if b.srcPages, err = b.discover(b.cfg.Build.Pages, isMarkdown); err != nil {
		return err
	}
	b.srcStatic, err = b.discover(b.cfg.Build.Static, func(string) bool { return true })
	return err
}

// discover lists the files under the site directory dir that pass keep,
// skipping editor files, dotfiles and the configured ignore globs. It
// reads the directories first, then stats the files in parallel: on a big
// site the stats are most of a no-op build.
func (b *builder) discover(dir string, keep func(name string) bool) ([]source, error) {
	root := b.cfg.path(dir)
	rootRel, err := filepath.Rel(b.cfg.Root, root)
	if err != nil {
		return nil, err
	}
	var out []source
	// A walk of our own: filepath.WalkDir sorts every directory and cleans
	// every path, which on a 10,000-post directory is most of a no-op
	// build's time. The list is sorted once at the end.
	var walk func(abs, rel string) error
	walk = func(abs, rel string) error {
		f, err := os.Open(abs)
		if err != nil {
			return err
		}
		entries, err := f.ReadDir(-1)
		f.Close()
		if err != nil {
			return err
		}
		for _, d := range entries {
			name := d.Name()
			crel := rel + "/" + name
			if render.Ignored(name) || b.ignoredByConfig(crel) {
				continue
			}
			if d.IsDir() {
				if err := walk(abs+string(filepath.Separator)+name, crel); err != nil {
					return err
				}
			} else if keep(name) {
				out = append(out, source{rel: crel, abs: abs + string(filepath.Separator) + name})
			}
		}
		return nil
	}
	if err := walk(root, filepath.ToSlash(rootRel)); err != nil {
		if errors.Is(err, fs.ErrNotExist) && len(out) == 0 {
			if _, serr := os.Stat(root); errors.Is(serr, fs.ErrNotExist) {
				return nil, nil
			}
		}
		return nil, err
	}
	errs := make([]error, len(out))
	parallel(context.Background(), len(out), func(i int) {
		// Stat follows links: a link to a file is content, a dangling one
		// or a device is not.
		fi, err := os.Stat(out[i].abs)
		switch {
		case err != nil && errors.Is(err, fs.ErrNotExist):
			out[i].abs = "" // gone or dangling
		case err != nil:
			errs[i] = err
		case !fi.Mode().IsRegular():
			out[i].abs = ""
		default:
			out[i].size, out[i].modTime = fi.Size(), fi.ModTime().UnixNano()
		}
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	out = slices.DeleteFunc(out, func(s source) bool { return s.abs == "" })
	slices.SortFunc(out, func(a, b source) int { return strings.Compare(a.rel, b.rel) })
	return out, nil
}

func isMarkdown(name string) bool {
	ext := path.Ext(name)
	return ext == ".md" || ext == ".markdown"
}

func (b *builder) ignoredByConfig(rel string) bool {
	for _, g := range b.cfg.Build.Ignore {
		if ok, _ := path.Match(g, rel); ok {
			return true
		}
		if ok, _ := path.Match(g, path.Base(rel)); ok {
			return true
		}
	}
	return false
}

// racyWindow: a file changed this close to the last build's start may
// have changed again within the same modification time, so it is read.
const racyWindow = 2 * time.Second

// reuse returns the cached state of src when the file is known unchanged
// by its size and time, without reading it.
func (b *builder) reuse(src source) *sourceState {
	if b.old == nil {
		return nil
	}
	prev := b.old.Sources[src.rel]
	if prev == nil || prev.Size != src.size || prev.ModTime != src.modTime {
		return nil
	}
	if src.modTime >= b.old.Started-int64(racyWindow) {
		return nil
	}
	return prev
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
	it := &item{rel: src.rel, abs: src.abs, isPage: isPage}
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
				cp.Size, cp.ModTime, cp.raw = src.size, src.modTime, nil
				it.src = &cp
			}
		}
		if it.src == nil {
			fmSrc, _, _, err := render.SplitFrontMatter(src.rel, data)
			if err != nil {
				return nil, err
			}
			fm, err := render.ParseFrontMatter(src.rel, fmSrc, b.loc)
			if err != nil {
				return nil, err
			}
			it.src = &sourceState{Size: src.size, ModTime: src.modTime, Hash: h, FM: fm, Meta: metaDigest(fm)}
		}
	}
	if err := b.derive(it); err != nil {
		return nil, err
	}
	return it, nil
}

// jekyllName matches Jekyll-style post file names: 2006-01-02-slug.md.
var jekyllName = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})-(.+)$`)

// derive completes the front matter from the file name: the date and slug
// of Jekyll-style names, a title from the slug.
func (b *builder) derive(it *item) error {
	fm := it.src.FM
	base := strings.TrimSuffix(path.Base(it.rel), path.Ext(it.rel))
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
		slug = fm.Slug
	}
	if s := render.Slugify(slug); s != "" {
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

// parallel calls fn(0) … fn(n-1) on GOMAXPROCS goroutines and waits for
// them. It stops handing out work once ctx is done.
func parallel(ctx context.Context, n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
}

// renderBody renders the Markdown body of it and records what lists need
// (summary, word count) in its source state.
func (b *builder) renderBody(it *item) (string, error) {
	data, err := readSource(it.rel, it.abs, b.cfg.Build.MaxPostSize)
	if err != nil {
		return "", err
	}
	if hashBytes(data) != it.src.Hash {
		return "", fmt.Errorf("%s changed during the build: build again", it.rel)
	}
	_, body, bodyLine, err := render.SplitFrontMatter(it.rel, data)
	if err != nil {
		return "", err
	}
	r, err := b.md.Render(it.rel, body, bodyLine)
	if err != nil {
		return "", err
	}
	summary := r.Summary
	if it.fm.Summary != "" {
		summary = b.md.RenderInline(it.fm.Summary)
	}
	it.src.Summary, it.src.Words, it.src.HasMore, it.src.Rendered = string(summary), r.Words, r.HasMore, true
	it.src.raw = nil
	return string(r.HTML), nil
}

// fill copies the body-derived fields into the full view.
func fill(it *item) {
	p := it.full
	p.Summary = templateHTML(it.src.Summary)
	p.Words, p.HasMore = it.src.Words, it.src.HasMore
	p.ReadingTime = max(1, int(math.Round(float64(p.Words)/220)))
}

// feedBody returns the rendered body of a post a feed shows, rendering it
// at most once per build.
func (b *builder) feedBody(it *item) (string, error) {
	b.feedMu.Lock()
	if b.feedContent == nil {
		b.feedContent = make(map[string]*feedBody)
	}
	fb := b.feedContent[it.rel]
	if fb == nil {
		fb = &feedBody{}
		b.feedContent[it.rel] = fb
	}
	b.feedMu.Unlock()
	fb.once.Do(func() { fb.html, fb.err = b.renderBody(it) })
	return fb.html, fb.err
}

// setFeedBody records a body rendered for a post's own page, so feeds
// don't render it again.
func (b *builder) setFeedBody(it *item, html string) {
	b.feedMu.Lock()
	defer b.feedMu.Unlock()
	if b.feedContent == nil {
		b.feedContent = make(map[string]*feedBody)
	}
	fb := &feedBody{html: html}
	fb.once.Do(func() {})
	b.feedContent[it.rel] = fb
}

// produce renders the outputs whose inputs changed, in two phases: post
// and page bodies first (they give lists their summaries), then the rest.
// It writes files whose bytes changed to the staging directory and records
// every output in the next state.
func (b *builder) produce(ctx context.Context, w *staging, outputs []*output, res *Result) error {
	var done atomic.Int64
	var progressMu sync.Mutex
	total := len(outputs)
	var (
		mu   sync.Mutex
		errs diag.List
	)
	do := func(o *output) {
		defer func() {
			n := done.Add(1)
			progressMu.Lock()
			b.opts.Progress(int(n), total)
			progressMu.Unlock()
		}()
		var prev outputState
		var had bool
		if b.old != nil {
			prev, had = b.old.Outputs[o.path]
		}
		if had && prev.Dep == o.dep && (o.item == nil || o.item.src.Rendered) {
			if o.item != nil {
				fill(o.item)
			}
			mu.Lock()
			b.next.Outputs[o.path] = prev
			res.Cached++
			mu.Unlock()
			return
		}
		data, err := o.render()
		if err != nil {
			mu.Lock()
			errs.Add(err)
			mu.Unlock()
			return
		}
		h := hashBytes(data)
		mu.Lock()
		b.next.Outputs[o.path] = outputState{Dep: o.dep, Hash: h}
		mu.Unlock()
		if had && prev.Hash == h {
			mu.Lock()
			res.Unchanged++
			mu.Unlock()
			return
		}
		if err := w.write(o.path, data); err != nil {
			mu.Lock()
			errs.Add(err)
			mu.Unlock()
			return
		}
		mu.Lock()
		res.Written++
		mu.Unlock()
	}
	split := slices.IndexFunc(outputs, func(o *output) bool { return o.item == nil })
	if split < 0 {
		split = len(outputs)
	}
	for _, phase := range [][]*output{outputs[:split], outputs[split:]} {
		parallel(ctx, len(phase), func(i int) { do(phase[i]) })
		if err := ctx.Err(); err != nil {
			return err
		}
		if errs.Len() > 0 {
			return errs.Err()
		}
	}
	return nil
}

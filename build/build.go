package build

import (
	"bytes"
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
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/blog-gen/blog"
	"github.com/blog-gen/blog/highlight"
	"github.com/blog-gen/blog/internal/diag"
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
	return o
}

// Result summarises a build.
type Result struct {
	Posts   int // posts published
	Pages   int // standalone pages
	Files   int // files written to the output
	Elapsed time.Duration
}

// Run builds the site described by cfg into cfg's output directory. The
// output is replaced only when the whole build succeeded: on any error the
// previous output is left as it was. Content errors are collected (up to
// [diag.MaxErrors]), sorted by position and joined.
func Run(ctx context.Context, cfg Config, opts Options) (Result, error) {
	opts = opts.withDefaults()
	start := time.Now()
	b := &builder{cfg: cfg, opts: opts, loc: cfg.Location()}
	if err := runHooks(ctx, &cfg, "pre_build", cfg.Build.Hooks.PreBuild, opts.HookOutput); err != nil {
		return Result{}, err
	}
	out := cfg.OutputDir()
	staging, err := newStaging(out)
	if err != nil {
		return Result{}, fmt.Errorf("write: %w", err)
	}
	defer staging.discard()
	if err := b.build(ctx, staging); err != nil {
		return Result{}, err
	}
	if err := staging.commit(); err != nil {
		return Result{}, fmt.Errorf("write: %w", err)
	}
	if err := runHooks(ctx, &cfg, "post_build", cfg.Build.Hooks.PostBuild, opts.HookOutput); err != nil {
		return Result{}, err
	}
	res := Result{Posts: len(b.posts), Pages: len(b.pages), Files: staging.files(), Elapsed: time.Since(start)}
	opts.Logger.Info("site built", "posts", res.Posts, "pages", res.Pages, "files", res.Files, "dur", res.Elapsed.Round(time.Millisecond))
	return res, nil
}

// builder holds one build's state.
type builder struct {
	cfg  Config
	opts Options
	loc  *time.Location

	site  *render.Site
	posts []*item // published posts, newest first
	pages []*item // standalone pages
	md    *render.Markdown
	tmpl  *render.Templates
	hl    *highlight.Highlighter
}

// item is one source file on its way to a page.
type item struct {
	rel      string // slash path relative to the site root
	fm       render.FrontMatter
	body     []byte
	bodyLine int
	post     *render.Post
	out      string // output file, slash path relative to the output root
	keep     bool   // keep Content after writing: a feed shows it
}

func (b *builder) build(ctx context.Context, w *staging) error {
	cfg := &b.cfg
	var err error
	b.hl, err = highlight.New(highlight.Options{
		Style:       cfg.Highlight.Style,
		DarkStyle:   cfg.Highlight.DarkStyle,
		LineNumbers: cfg.Highlight.LineNumbers,
		TabWidth:    cfg.Highlight.TabWidth,
	})
	if err != nil {
		return fmt.Errorf("highlight: %w", err)
	}
	b.md = render.NewMarkdown(render.MarkdownOptions{
		Typographer: cfg.Markdown.Typographer,
		Footnotes:   cfg.Markdown.Footnotes,
		UnsafeHTML:  cfg.Markdown.UnsafeHTML,
		Highlighter: b.hl,
	})
	themeFS, err := b.overlay(cfg.Build.Templates, "templates")
	if err != nil {
		return fmt.Errorf("templates: %w", err)
	}
	b.tmpl, err = render.LoadTemplates(themeFS, cfg.Build.Templates)
	if err != nil {
		return err
	}

	posts, err := b.discover(cfg.Build.Posts)
	if err != nil {
		return fmt.Errorf("discover: %w", err)
	}
	pages, err := b.discover(cfg.Build.Pages)
	if err != nil {
		return fmt.Errorf("discover: %w", err)
	}
	var errs diag.List
	errs.Add(b.parse(ctx, posts, false))
	errs.Add(b.parse(ctx, pages, true))
	if errs.Len() > 0 {
		return errs.Err()
	}
	if err := b.model(posts, pages); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := b.renderItems(ctx, w, append(slices.Clone(b.posts), b.pages...)); err != nil {
		return err
	}
	if err := b.renderLists(w); err != nil {
		return err
	}
	if err := b.writeFeeds(w); err != nil {
		return err
	}
	if err := b.copyStatic(w); err != nil {
		return fmt.Errorf("static: %w", err)
	}
	var css bytes.Buffer
	if err := b.hl.WriteCSS(&css); err != nil {
		return fmt.Errorf("highlight: %w", err)
	}
	return w.write("css/chroma.css", css.Bytes())
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

// source is a content file found by discover.
type source struct {
	rel string // slash path relative to the site root
	abs string
}

// discover lists the Markdown files under the site directory dir, skipping
// editor files, dotfiles and the configured ignore globs.
func (b *builder) discover(dir string) ([]source, error) {
	root := b.cfg.path(dir)
	var out []source
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == root && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipDir
			}
			return err
		}
		rel, _ := filepath.Rel(b.cfg.Root, p)
		rel = filepath.ToSlash(rel)
		if p != root && (render.Ignored(d.Name()) || b.ignoredByConfig(rel)) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		switch path.Ext(d.Name()) {
		case ".md", ".markdown":
			out = append(out, source{rel: rel, abs: p})
		}
		return nil
	})
	slices.SortFunc(out, func(a, b source) int { return strings.Compare(a.rel, b.rel) })
	return out, err
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

// jekyllName matches Jekyll-style post file names: 2006-01-02-slug.md.
var jekyllName = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2})-(.+)$`)

// parse reads and parses the front matter of every source in parallel.
func (b *builder) parse(ctx context.Context, srcs []source, isPage bool) error {
	items := make([]*item, len(srcs))
	errs := make([]error, len(srcs))
	parallel(ctx, len(srcs), func(i int) {
		items[i], errs[i] = b.parseOne(srcs[i], isPage)
	})
	var list diag.List
	for i, err := range errs {
		list.Add(err)
		if err == nil && items[i] != nil {
			if isPage {
				b.pages = append(b.pages, items[i])
			} else {
				b.posts = append(b.posts, items[i])
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return list.Err()
}

func (b *builder) parseOne(src source, isPage bool) (*item, error) {
	data, err := os.ReadFile(src.abs)
	if err != nil {
		return nil, err
	}
	fmSrc, body, bodyLine, err := render.SplitFrontMatter(src.rel, data)
	if err != nil {
		return nil, err
	}
	fm, err := render.ParseFrontMatter(src.rel, fmSrc, b.loc)
	if err != nil {
		return nil, err
	}
	it := &item{rel: src.rel, fm: fm, body: body, bodyLine: bodyLine}
	base := strings.TrimSuffix(path.Base(src.rel), path.Ext(src.rel))
	slug := base
	if m := jekyllName.FindStringSubmatch(base); m != nil {
		slug = m[2]
		if fm.Date.IsZero() {
			d, err := time.ParseInLocation("2006-01-02", m[1], b.loc)
			if err != nil {
				return nil, &diag.Error{Pos: diag.Pos{File: src.rel}, Err: fmt.Errorf("file name date %s: %w", m[1], err)}
			}
			it.fm.Date = d
		}
	}
	if fm.Slug != "" {
		slug = fm.Slug
	}
	if s := render.Slugify(slug); s != "" {
		slug = s
	}
	if it.fm.Title == "" {
		it.fm.Title = strings.ReplaceAll(slug, "-", " ")
	}
	if it.fm.Date.IsZero() && !isPage {
		return nil, &diag.Error{Pos: diag.Pos{File: src.rel, Line: 1, Col: 1}, Err: errors.New("post has no date: add date: to its front matter or name the file YYYY-MM-DD-slug.md")}
	}
	it.fm.Slug = slug
	return it, nil
}

// model filters drafts and future posts, sorts, links neighbours, assigns
// URLs and builds the site-wide lists.
func (b *builder) model(posts, pages []source) error {
	cfg := &b.cfg
	now := b.opts.Now()
	b.posts = slices.DeleteFunc(b.posts, func(it *item) bool {
		return it.fm.Draft && !cfg.Drafts || it.fm.Date.After(now) && !cfg.Future
	})
	b.pages = slices.DeleteFunc(b.pages, func(it *item) bool { return it.fm.Draft && !cfg.Drafts })
	slices.SortStableFunc(b.posts, func(a, c *item) int {
		if d := c.fm.Date.Compare(a.fm.Date); d != 0 {
			return d
		}
		return strings.Compare(a.fm.Slug, c.fm.Slug)
	})
	base := basePath(cfg.Site.URL)
	site := &render.Site{
		Title:       cfg.Site.Title,
		URL:         cfg.Site.URL,
		BasePath:    base,
		Author:      cfg.Site.Author,
		Description: cfg.Site.Description,
		Language:    cfg.Site.Language,
		Feeds:       render.Feeds{Atom: cfg.Feeds.Atom, RSS: cfg.Feeds.RSS},
		Disqus:      cfg.Comments.Disqus,
		Widget: render.Widget{
			Enabled:   cfg.Widget.Enabled,
			Endpoint:  cmpOr(cfg.Widget.Endpoint, cfg.Widget.Path),
			Heartbeat: int(cfg.Widget.Heartbeat / time.Second),
			Stream:    cfg.Widget.Stream,
		},
	}
	b.site = site
	var errs diag.List
	owners := make(map[string]string) // output path → source
	claim := func(out, rel string) {
		if prev, ok := owners[out]; ok {
			errs.Add(&diag.Error{Pos: diag.Pos{File: rel, Line: 1, Col: 1}, Err: fmt.Errorf("URL /%s is also written by %s: give one of them another slug or permalink", strings.TrimSuffix(out, "index.html"), prev)})
			return
		}
		owners[out] = rel
	}
	tags := make(map[string]*render.Term)
	cats := make(map[string]*render.Term)
	years := make(map[int]*render.Year)
	for i, it := range b.posts {
		p := b.newPost(it, false)
		site.Posts = append(site.Posts, p)
		p.Tags = terms(tags, it.fm.Tags, "tag", base+"tags/", p)
		p.Categories = terms(cats, it.fm.Categories, "category", base+"categories/", p)
		y := it.fm.Date.Year()
		if years[y] == nil {
			years[y] = &render.Year{Year: y, URL: fmt.Sprintf("%sarchive/%d/", base, y)}
		}
		years[y].Posts = append(years[y].Posts, p)
		if i < cfg.Feeds.Items {
			it.keep = true
		}
	}
	for i, p := range site.Posts {
		if i > 0 {
			p.Next = site.Posts[i-1]
		}
		if i+1 < len(site.Posts) {
			p.Prev = site.Posts[i+1]
		}
	}
	for _, it := range b.pages {
		b.newPost(it, true)
	}
	// The first source in path order keeps a contested URL; the later
	// one is the error, so the message does not depend on dates.
	all := append(slices.Clone(b.posts), b.pages...)
	slices.SortFunc(all, func(a, c *item) int { return strings.Compare(a.rel, c.rel) })
	for _, it := range all {
		claim(it.out, it.rel)
	}
	site.Tags = sortedTerms(tags)
	site.Categories = sortedTerms(cats)
	for _, t := range site.Tags {
		for _, p := range t.Posts[:min(len(t.Posts), cfg.Feeds.Items)] {
			for _, it := range b.posts {
				if it.post == p {
					it.keep = true
				}
			}
		}
	}
	for _, y := range years {
		site.Years = append(site.Years, y)
	}
	slices.SortFunc(site.Years, func(a, c *render.Year) int { return c.Year - a.Year })
	return errs.Err()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// newPost makes the template view of it and assigns its URL.
func (b *builder) newPost(it *item, isPage bool) *render.Post {
	cfg := &b.cfg
	p := &render.Post{
		Title:   it.fm.Title,
		Slug:    it.fm.Slug,
		Date:    it.fm.Date,
		Updated: it.fm.Updated,
		Author:  cmpOr(it.fm.Author, cfg.Site.Author),
		Draft:   it.fm.Draft,
		Params:  it.fm.Params,
		Source:  it.rel,
		IsPage:  isPage,
	}
	var rel string
	switch {
	case it.fm.Permalink != "":
		rel = it.fm.Permalink
	case isPage:
		rel = "/" + it.fm.Slug + "/"
	default:
		rel = expandPermalink(cfg.Build.Permalink, it.fm.Date, it.fm.Slug)
	}
	rel = "/" + strings.TrimLeft(path.Clean("/"+rel), "/")
	if strings.HasSuffix(it.fm.Permalink, "/") || it.fm.Permalink == "" && !strings.HasSuffix(rel, ".html") {
		rel = strings.TrimSuffix(rel, "/") + "/"
	}
	it.out = strings.TrimPrefix(rel, "/")
	if strings.HasSuffix(rel, "/") {
		it.out += "index.html"
	}
	base := basePath(cfg.Site.URL)
	p.URL = base + strings.TrimPrefix(rel, "/")
	p.Permalink = strings.TrimSuffix(cfg.Site.URL, "/") + "/" + strings.TrimPrefix(p.URL, "/")
	if base != "/" {
		p.Permalink = strings.TrimSuffix(cfg.Site.URL, base) + p.URL
	}
	it.post = p
	return p
}

func expandPermalink(pattern string, d time.Time, slug string) string {
	return strings.NewReplacer(
		":year", fmt.Sprintf("%04d", d.Year()),
		":month", fmt.Sprintf("%02d", int(d.Month())),
		":day", fmt.Sprintf("%02d", d.Day()),
		":slug", slug,
	).Replace(pattern)
}

// basePath is the path part of the site URL, with a trailing slash.
func basePath(siteURL string) string {
	i := strings.Index(siteURL, "://")
	if i < 0 {
		return "/"
	}
	rest := siteURL[i+3:]
	j := strings.IndexByte(rest, '/')
	if j < 0 {
		return "/"
	}
	p := rest[j:]
	if !strings.HasSuffix(p, "/") {
		p += "/"
	}
	return p
}

func terms(all map[string]*render.Term, names []string, kind, prefix string, p *render.Post) []*render.Term {
	var out []*render.Term
	for _, name := range names {
		slug := render.Slugify(name)
		if slug == "" {
			continue
		}
		t := all[slug]
		if t == nil {
			t = &render.Term{Name: name, Slug: slug, URL: prefix + slug + "/", Kind: kind}
			all[slug] = t
		}
		if slices.Contains(out, t) {
			continue
		}
		t.Posts = append(t.Posts, p)
		out = append(out, t)
	}
	return out
}

func sortedTerms(m map[string]*render.Term) []*render.Term {
	out := make([]*render.Term, 0, len(m))
	for _, t := range m {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b *render.Term) int { return strings.Compare(a.Slug, b.Slug) })
	return out
}

// renderItems renders every post and page body and writes its page, in
// parallel. A post's Content is dropped once written unless a feed needs
// it, so memory stays bounded by the feeds, not the site.
func (b *builder) renderItems(ctx context.Context, w *staging, items []*item) error {
	errs := make([]error, len(items))
	parallel(ctx, len(items), func(i int) {
		errs[i] = b.renderItem(w, items[i])
	})
	var list diag.List
	for _, err := range errs {
		list.Add(err)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return list.Err()
}

func (b *builder) renderItem(w *staging, it *item) error {
	p := it.post
	r, err := b.md.Render(it.rel, it.body, it.bodyLine)
	if err != nil {
		return err
	}
	p.Content, p.HasMore, p.Words = r.HTML, r.HasMore, r.Words
	p.Summary = r.Summary
	if it.fm.Summary != "" {
		p.Summary = b.md.RenderInline(it.fm.Summary)
	}
	p.ReadingTime = max(1, int(math.Round(float64(p.Words)/220)))
	kind, tmpl := "post", "post.html"
	if p.IsPage {
		kind, tmpl = "page", "page.html"
	}
	page := b.page(kind, p.Title, p.URL)
	page.Post = p
	page.Description = render.PlainText(string(p.Summary))
	var buf bytes.Buffer
	if err := b.tmpl.Execute(&buf, tmpl, page); err != nil {
		return fmt.Errorf("render %s: %w", it.rel, err)
	}
	if err := w.write(it.out, buf.Bytes()); err != nil {
		return err
	}
	it.body = nil
	if !it.keep {
		p.Content = ""
	}
	return nil
}

// page returns the common data of a page at url.
func (b *builder) page(kind, title, url string) *render.Page {
	p := &render.Page{
		Site:        b.site,
		Kind:        kind,
		Title:       title,
		Description: b.site.Description,
		URL:         url,
		Permalink:   b.absURL(url),
	}
	if b.cfg.Feeds.Atom {
		p.FeedAtom = b.site.BasePath + "atom.xml"
	}
	if b.cfg.Feeds.RSS {
		p.FeedRSS = b.site.BasePath + "rss.xml"
	}
	return p
}

// absURL turns a site-relative URL (starting with the base path) into an
// absolute one.
func (b *builder) absURL(u string) string {
	return strings.TrimSuffix(b.cfg.Site.URL, b.site.BasePath) + u
}

func (b *builder) renderLists(w *staging) error {
	site, base := b.site, b.site.BasePath
	exec := func(out, tmpl string, p *render.Page) error {
		var buf bytes.Buffer
		if err := b.tmpl.Execute(&buf, tmpl, p); err != nil {
			return err
		}
		return w.write(out, buf.Bytes())
	}
	// The index, paginated: / then /page/2/ …
	per := b.cfg.Build.Paginate
	total := max(1, (len(site.Posts)+per-1)/per)
	pageURL := func(n int) string {
		if n == 1 {
			return base
		}
		return fmt.Sprintf("%spage/%d/", base, n)
	}
	for n := 1; n <= total; n++ {
		p := b.page("index", site.Title, pageURL(n))
		if n > 1 {
			p.Title = fmt.Sprintf("%s (page %d of %d)", site.Title, n, total)
		}
		p.Posts = site.Posts[min((n-1)*per, len(site.Posts)):min(n*per, len(site.Posts))]
		p.Pager = &render.Pager{Number: n, Total: total, First: pageURL(1), Last: pageURL(total)}
		if n > 1 {
			p.Pager.Prev = pageURL(n - 1)
		}
		if n < total {
			p.Pager.Next = pageURL(n + 1)
		}
		out := strings.TrimPrefix(pageURL(n), base) + "index.html"
		if err := exec(out, "list.html", p); err != nil {
			return err
		}
	}
	for _, list := range []struct {
		kind, title, dir string
		terms            []*render.Term
	}{{"tag", "Tags", "tags", site.Tags}, {"category", "Categories", "categories", site.Categories}} {
		p := b.page(list.dir, list.title, base+list.dir+"/")
		p.Terms = list.terms
		if err := exec(list.dir+"/index.html", "terms.html", p); err != nil {
			return err
		}
		for _, t := range list.terms {
			p := b.page(list.kind, t.Name, t.URL)
			p.Term, p.Posts = t, t.Posts
			p.Description = fmt.Sprintf("Posts %s %s on %s", map[string]string{"tag": "tagged", "category": "in"}[list.kind], t.Name, site.Title)
			if list.kind == "tag" {
				p.FeedAtom, p.FeedRSS = "", ""
				if b.cfg.Feeds.Atom {
					p.FeedAtom = t.URL + "atom.xml"
				}
				if b.cfg.Feeds.RSS {
					p.FeedRSS = t.URL + "rss.xml"
				}
			}
			if err := exec(strings.TrimPrefix(t.URL, base)+"index.html", "list.html", p); err != nil {
				return err
			}
		}
	}
	p := b.page("archive", "Archive", base+"archive/")
	if err := exec("archive/index.html", "archive.html", p); err != nil {
		return err
	}
	for _, y := range site.Years {
		p := b.page("year", strconv.Itoa(y.Year), y.URL)
		p.Year, p.Posts = y, y.Posts
		if err := exec(strings.TrimPrefix(y.URL, base)+"index.html", "archive.html", p); err != nil {
			return err
		}
	}
	p = b.page("404", "Page not found", base+"404.html")
	return exec("404.html", "404.html", p)
}

func (b *builder) writeFeeds(w *staging) error {
	site, cfg := b.site, &b.cfg
	feed := func(dir, title, pageURL string, posts []*render.Post) error {
		posts = posts[:min(len(posts), cfg.Feeds.Items)]
		info := render.FeedInfo{
			Title:    title,
			Subtitle: site.Description,
			SiteURL:  b.absURL(pageURL),
			Author:   site.Author,
			Language: site.Language,
			Posts:    posts,
		}
		if cfg.Feeds.Atom {
			var buf bytes.Buffer
			info.FeedURL = b.absURL(pageURL + "atom.xml")
			if err := render.WriteAtom(&buf, info); err != nil {
				return err
			}
			if err := w.write(dir+"atom.xml", buf.Bytes()); err != nil {
				return err
			}
		}
		if cfg.Feeds.RSS {
			var buf bytes.Buffer
			info.FeedURL = b.absURL(pageURL + "rss.xml")
			if err := render.WriteRSS(&buf, info); err != nil {
				return err
			}
			if err := w.write(dir+"rss.xml", buf.Bytes()); err != nil {
				return err
			}
		}
		return nil
	}
	if err := feed("", site.Title, site.BasePath, site.Posts); err != nil {
		return fmt.Errorf("feeds: %w", err)
	}
	for _, t := range site.Tags {
		if err := feed(strings.TrimPrefix(t.URL, site.BasePath), site.Title+": "+t.Name, t.URL, t.Posts); err != nil {
			return fmt.Errorf("feeds: %w", err)
		}
	}
	// The sitemap lists every HTML page but the 404 page.
	var entries []render.SitemapEntry
	var newest time.Time
	for _, it := range append(slices.Clone(b.posts), b.pages...) {
		mod := it.post.Date
		if it.post.Updated.After(mod) {
			mod = it.post.Updated
		}
		if mod.After(newest) {
			newest = mod
		}
		entries = append(entries, render.SitemapEntry{Loc: it.post.Permalink, LastMod: mod})
	}
	for _, u := range w.pages() {
		if u == "404.html" || slices.ContainsFunc(b.posts, func(it *item) bool { return it.out == u }) || slices.ContainsFunc(b.pages, func(it *item) bool { return it.out == u }) {
			continue
		}
		entries = append(entries, render.SitemapEntry{Loc: b.absURL(site.BasePath + strings.TrimSuffix(u, "index.html"))})
	}
	slices.SortFunc(entries, func(a, b render.SitemapEntry) int { return strings.Compare(a.Loc, b.Loc) })
	var buf bytes.Buffer
	if err := render.WriteSitemap(&buf, entries); err != nil {
		return fmt.Errorf("sitemap: %w", err)
	}
	return w.write("sitemap.xml", buf.Bytes())
}

// copyStatic copies the theme's static files, overlaid with the site's.
func (b *builder) copyStatic(w *staging) error {
	files, err := b.overlay(b.cfg.Build.Static, "static")
	if err != nil {
		return err
	}
	return fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(files, p)
		if err != nil {
			return err
		}
		return w.write(p, data)
	})
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

package build

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/blog-gen/blog/diag"

	"github.com/blog-gen/blog/render"
)

func templateHTML(s string) template.HTML { return template.HTML(s) }

// model filters drafts and future posts, sorts, links neighbours, assigns
// URLs and builds the site-wide lists.
//
// Every post has two views. The meta view, which site-wide lists
// (.Site.Posts, .Site.Tags, .Site.Years) and neighbours (.Prev, .Next)
// hold, has the front matter and URL but nothing derived from the body;
// the full view, on the post's own page and in the lists of list pages,
// adds the summary and reading time. That split is what lets an edit to
// one post's body re-render only the pages that show it.
func (b *builder) model() error {
	cfg := &b.cfg
	now := b.opts.Now()
	b.posts = slices.DeleteFunc(b.posts, func(it *item) bool {
		if it.fm.Draft && !b.opts.Drafts {
			return true
		}
		if it.fm.Date.After(now) {
			// Shown or not, a future post changes the site when it comes
			// due: it appears, or its "Scheduled" banner goes.
			if b.nextDue.IsZero() || it.fm.Date.Before(b.nextDue) {
				b.nextDue = it.fm.Date
			}
			return !b.opts.Future
		}
		return false
	})
	b.pages = slices.DeleteFunc(b.pages, func(it *item) bool { return it.fm.Draft && !b.opts.Drafts })
	sortPosts(b.posts)
	slices.SortFunc(b.pages, func(a, c *item) int { return strings.Compare(a.rel, c.rel) })
	// The meta key hashes every post's front matter: on the other core,
	// while the views are made, unless a session may have them already.
	var metaDone chan key
	if b.sess != nil {
		b.meta = b.metaKey(now)
		if m := b.sess.model; m.fits(b) {
			m.lend(b)
			b.opts.Logger.Debug("site model from the session")
			return nil
		}
		b.sess.model = nil
	} else {
		metaDone = make(chan key, 1)
		go func() { metaDone <- b.metaKey(now) }()
	}
	views := make([]render.Post, 2*(len(b.posts)+len(b.pages))) // meta and full views, in one allocation
	view := func() *render.Post {
		p := &views[0]
		views = views[1:]
		return p
	}
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
		Assets:      assetURLs(base, b.opts.Assets),
		Widget: render.Widget{
			Enabled:   b.widgetOn(),
			Endpoint:  cmpOr(cfg.Widget.Endpoint, cfg.Widget.Path),
			Heartbeat: int(cfg.Widget.Heartbeat / time.Second),
			Stream:    cfg.Widget.Stream,
		},
	}
	site.Has = make(map[string]bool)
	for _, k := range pageKinds {
		site.Has[k] = cfg.Enabled(k)
	}
	site.Has["tag_index"] = site.Has["tag_index"] && site.Has["tags"]
	site.Has["tag_feeds"] = site.Has["tag_feeds"] && site.Has["tags"]
	b.site = site
	tags := make(map[string]*render.Term)
	cats := make(map[string]*render.Term)
	b.base = base
	b.slugs = make(map[string]string)
	years := make(map[int]*render.Year)
	for _, it := range b.posts {
		p := b.newPost(view(), it, now)
		site.Posts = append(site.Posts, p)
		p.Tags = b.terms(tags, it.fm.Tags, "tag", base+"tags/", p)
		p.Categories = b.terms(cats, it.fm.Categories, "category", base+"categories/", p)
		y := it.fm.Date.Year()
		if years[y] == nil {
			years[y] = &render.Year{Year: y, URL: fmt.Sprintf("%sarchive/%d/", base, y)}
		}
		years[y].Posts = append(years[y].Posts, p)
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
		b.newPost(view(), it, now)
	}
	site.Tags = sortedTerms(tags)
	site.Categories = sortedTerms(cats)
	for _, y := range years {
		site.Years = append(site.Years, y)
	}
	slices.SortFunc(site.Years, func(a, c *render.Year) int { return c.Year - a.Year })
	for _, it := range b.all() {
		it.full = view()
		*it.full = *it.meta
	}
	// Each post's own URL must be one a site can have; whether another
	// output claims it is checkProducers' business.
	var errs diag.List
	for _, it := range b.all() {
		if it.src.URL == "" {
			errs.Add(b.checkPostURL(it))
		}
	}
	if metaDone != nil {
		b.meta = <-metaDone
	}
	if errs.Len() > 0 {
		return errs.Err()
	}
	b.reading = &readings{count: cfg.Related.Count, posts: b.posts}
	if b.sess != nil {
		b.sess.model = b.keepModel()
	}
	return nil
}

// A siteModel is what [builder.model] made, kept by a session: the next
// build whose global and meta keys are the same (the same configuration,
// and the same published posts and pages with the same front matter, in
// the same order) takes it instead of making it again. Only bodies differ
// between such builds, and nothing in the model comes from a body: the
// full views' body-derived fields are filled again by every build (see
// fill).
type siteModel struct {
	global, meta key
	site         *render.Site
	base         string
	slugs        map[string]string
	items        []*item // the posts then the pages the model was made for
	reading      *readings
}

// keepModel returns the model b made.
func (b *builder) keepModel() *siteModel {
	return &siteModel{global: b.global, meta: b.meta, site: b.site, base: b.base, slugs: b.slugs, items: b.all(), reading: b.reading}
}

// fits reports whether m is the model of b, whose meta key is computed.
func (m *siteModel) fits(b *builder) bool {
	if m == nil || m.global != b.global || m.meta != b.meta || len(m.items) != len(b.posts)+len(b.pages) {
		return false
	}
	for i, it := range b.all() {
		if m.items[i].rel != it.rel || m.items[i].isPage != it.isPage {
			return false
		}
	}
	return true
}

// lend gives b's items the views of m and b its site.
func (m *siteModel) lend(b *builder) {
	b.site, b.base, b.slugs, b.reading = m.site, m.base, m.slugs, m.reading
	for i, it := range b.all() {
		old := m.items[i]
		it.meta, it.full, it.out = old.meta, old.full, old.out
	}
}

// sortPosts sorts posts newest first, then by slug and source path. It
// sorts the dates beside the posts: comparing them in the items, which
// lie apart in memory, took four times as long at 10,000 posts.
func sortPosts(posts []*item) {
	type dated struct {
		sec  int64
		nsec int
		it   *item
	}
	list := make([]dated, len(posts))
	for i, it := range posts {
		list[i] = dated{it.fm.Date.Unix(), it.fm.Date.Nanosecond(), it}
	}
	slices.SortFunc(list, func(a, c dated) int {
		if a.sec != c.sec {
			return cmp.Compare(c.sec, a.sec)
		}
		if a.nsec != c.nsec {
			return cmp.Compare(c.nsec, a.nsec)
		}
		return cmp.Or(strings.Compare(a.it.fm.Slug, c.it.fm.Slug), strings.Compare(a.it.rel, c.it.rel))
	})
	for i, d := range list {
		posts[i] = d.it
	}
}

// all returns the published posts, then the pages.
func (b *builder) all() []*item {
	return append(slices.Clone(b.posts), b.pages...)
}

// metaKey hashes the site-wide facts: every published post's and page's
// front matter, in order. URLs and titles derive from the front matter and
// the configuration (which the global key covers). Any page may show them.
func (b *builder) metaKey(now time.Time) key {
	h := newHasher("meta")
	for _, it := range b.all() {
		h.str(it.rel).key(it.src.Meta)
		if !it.isPage && it.fm.Date.After(now) { // it.meta.Scheduled
			h.str("scheduled") // until its date, not after
		}
	}
	return h.sum()
}

// metaDigest hashes front matter, once per parse: the cache keeps it.
func metaDigest(fm render.FrontMatter) key {
	return newHasher(fmt.Sprintf("%q|%s|%s|%q|%q|%v|%q|%q|%v|%q|%q|%v", fm.Title, fm.Date.Format(time.RFC3339Nano), fm.Updated.Format(time.RFC3339Nano),
		fm.Slug, fm.Permalink, fm.Draft, fm.Tags, fm.Categories, fm.Params, fm.Author, fm.Summary, fm.DatePos)).sum()
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// newPost makes the meta view of it and assigns its URL (worked out by
// scan: see sourceState.URL).
func (b *builder) newPost(p *render.Post, it *item, now time.Time) *render.Post {
	cfg := &b.cfg
	*p = render.Post{
		Title:   it.fm.Title,
		Slug:    it.fm.Slug,
		Date:    it.fm.Date,
		Updated: it.fm.Updated,
		Author:  cmpOr(it.fm.Author, cfg.Site.Author),
		Draft:   it.fm.Draft,
		// A scheduled post is here only with Options.Future.
		Scheduled: !it.isPage && it.fm.Date.After(now),
		Params:    it.fm.Params,
		Source:    it.rel,
		IsPage:    it.isPage,
	}
	var rel string
	it.out, rel = it.src.Out, it.src.URL
	if rel == "" { // not a URL a site can have: model reports it
		it.out, rel = b.postURL(it)
	}
	p.URL = b.base + strings.TrimPrefix(rel, "/")
	p.Permalink = b.absURL(p.URL)
	it.meta = p
	return p
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

// absURL turns a site-relative URL (starting with the base path) into an
// absolute one.
func (b *builder) absURL(u string) string {
	return strings.TrimSuffix(b.cfg.Site.URL, b.base) + u
}

func (b *builder) terms(all map[string]*render.Term, names []string, kind, prefix string, p *render.Post) []*render.Term {
	var out []*render.Term
	for _, name := range names {
		slug, ok := b.slugs[name]
		if !ok {
			slug = render.Slugify(name)
			b.slugs[name] = slug
		}
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

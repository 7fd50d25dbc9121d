package build

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blog-gen/blog/render"
)

// output is one file of the built site: where it goes, the key of every
// input it is made from, and how to make it.
type output struct {
	path   string // slash path relative to the output root
	dep    key
	item   *item // for a post's or page's own page; nil otherwise
	render func() ([]byte, error)
}

func cleanURLPath(p string) string { return path.Clean("/" + p) }

// plan lists every output of the site, post and page outputs first.
func (b *builder) plan() ([]*output, error) {
	site, base := b.site, b.site.BasePath
	byMeta := make(map[*render.Post]*item, len(b.posts))
	for _, it := range b.all() {
		byMeta[it.meta] = it
	}
	fulls := func(posts []*render.Post) []*render.Post {
		out := make([]*render.Post, len(posts))
		for i, p := range posts {
			out[i] = byMeta[p].full
		}
		return out
	}
	// listKey is the key of a page showing posts: the site-wide facts plus,
	// when its template shows anything derived from post bodies, the
	// bodies of the posts it lists.
	listKey := func(what string, posts []*render.Post, bodies bool) key {
		h := newHasher(what).key(b.global).key(b.meta)
		if bodies {
			for _, p := range posts {
				h.str(byMeta[p].rel).key(byMeta[p].src.Hash)
			}
		}
		return h.sum()
	}
	listBodies := b.tmpl.UsesBody("list.html")
	archiveBodies := b.tmpl.UsesBody("archive.html")
	// The posts some feed shows: their bodies are kept for the feeds.
	inFeed := make(map[*item]bool)
	feedLists := [][]*render.Post{site.Posts}
	if b.cfg.Enabled("tags") && b.cfg.Enabled("tag_feeds") {
		feedLists = append(feedLists, termPosts(site.Tags)...)
	}
	for _, posts := range feedLists {
		for _, p := range posts[:min(len(posts), b.cfg.Feeds.Items)] {
			inFeed[byMeta[p]] = true
		}
	}
	var outs []*output
	for _, it := range b.all() {
		it := it
		outs = append(outs, &output{
			path: it.out,
			dep:  newHasher("item", it.rel).key(b.global).key(b.meta).key(it.src.Hash).sum(),
			item: it,
			render: func() ([]byte, error) {
				html, err := b.renderBody(it)
				if err != nil {
					return nil, err
				}
				fill(it)
				if inFeed[it] {
					b.setFeedBody(it, html)
				}
				p := *it.full
				p.Content = templateHTML(html)
				kind, tmpl := "post", "post.html"
				if it.isPage {
					kind, tmpl = "page", "page.html"
				}
				page := b.page(kind, p.Title, p.URL)
				page.Post = &p
				page.Description = render.PlainText(string(p.Summary))
				var buf bytes.Buffer
				if err := b.tmpl.Execute(&buf, tmpl, page); err != nil {
					return nil, fmt.Errorf("render %s: %w", it.rel, err)
				}
				return buf.Bytes(), nil
			},
		})
	}
	page := func(out, tmpl string, dep key, data func() *render.Page) {
		outs = append(outs, &output{path: out, dep: dep, render: func() ([]byte, error) {
			var buf bytes.Buffer
			if err := b.tmpl.Execute(&buf, tmpl, data()); err != nil {
				return nil, err
			}
			return buf.Bytes(), nil
		}})
	}

	// Lists are paginated: URL, then URL/page/2/ … The index, each tag
	// and each category.
	per := b.cfg.Build.Paginate
	paginate := func(kind, title, url string, posts []*render.Post, setup func(p *render.Page)) {
		total := max(1, (len(posts)+per-1)/per)
		pageURL := func(n int) string {
			if n == 1 {
				return url
			}
			return fmt.Sprintf("%spage/%d/", url, n)
		}
		for n := 1; n <= total; n++ {
			these := posts[min((n-1)*per, len(posts)):min(n*per, len(posts))]
			out := strings.TrimPrefix(pageURL(n), base) + "index.html"
			page(out, "list.html", listKey(out, these, listBodies), func() *render.Page {
				p := b.page(kind, title, pageURL(n))
				if n > 1 {
					p.Title = fmt.Sprintf("%s (page %d of %d)", title, n, total)
				}
				p.Posts = fulls(these)
				p.Pager = &render.Pager{Number: n, Total: total, First: pageURL(1), Last: pageURL(total)}
				if n > 1 {
					p.Pager.Prev = pageURL(n - 1)
				}
				if n < total {
					p.Pager.Next = pageURL(n + 1)
				}
				if setup != nil {
					setup(p)
				}
				return p
			})
		}
	}
	paginate("index", site.Title, base, site.Posts, nil)
	cfg := &b.cfg
	for _, list := range []struct {
		kind, title, dir string
		terms            []*render.Term
		index, pages     bool
	}{
		{"tag", "Tags", "tags", site.Tags, cfg.Enabled("tag_index") && cfg.Enabled("tags"), cfg.Enabled("tags")},
		{"category", "Categories", "categories", site.Categories, cfg.Enabled("categories"), cfg.Enabled("categories")},
	} {
		if list.index {
			page(list.dir+"/index.html", "terms.html", listKey(list.dir, nil, false), func() *render.Page {
				p := b.page(list.dir, list.title, base+list.dir+"/")
				p.Terms = list.terms
				return p
			})
		}
		if !list.pages {
			continue
		}
		for _, t := range list.terms {
			paginate(list.kind, t.Name, t.URL, t.Posts, func(p *render.Page) {
				p.Term = t // its Posts are meta views: body fields come only with .Posts
				verb := map[string]string{"tag": "tagged", "category": "in"}[list.kind]
				p.Description = fmt.Sprintf("Posts %s %s on %s", verb, t.Name, site.Title)
				if list.kind == "tag" && cfg.Enabled("tag_feeds") {
					p.FeedAtom, p.FeedRSS = b.feedURLs(t.URL)
				}
			})
		}
	}
	years := site.Years
	if cfg.Enabled("archive") {
		page("archive/index.html", "archive.html", listKey("archive", nil, false), func() *render.Page {
			return b.page("archive", "Archive", base+"archive/")
		})
	} else {
		years = nil
	}
	for _, y := range years {
		out := strings.TrimPrefix(y.URL, base) + "index.html"
		page(out, "archive.html", listKey(out, y.Posts, archiveBodies), func() *render.Page {
			p := b.page("year", strconv.Itoa(y.Year), y.URL)
			full := *y
			full.Posts = fulls(y.Posts)
			p.Year, p.Posts = &full, full.Posts
			return p
		})
	}
	if cfg.Enabled("404") {
		page("404.html", "404.html", listKey("404", nil, false), func() *render.Page {
			return b.page("404", "Page not found", base+"404.html")
		})
	}

	// Feeds: the site's, then each tag's.
	feeds := []struct {
		dir, title, url string
		posts           []*render.Post
	}{{"", site.Title, base, site.Posts}}
	for _, t := range site.Tags {
		if !cfg.Enabled("tags") || !cfg.Enabled("tag_feeds") {
			break
		}
		feeds = append(feeds, struct {
			dir, title, url string
			posts           []*render.Post
		}{strings.TrimPrefix(t.URL, base), site.Title + ": " + t.Name, t.URL, t.Posts})
	}
	for _, f := range feeds {
		posts := f.posts[:min(len(f.posts), b.cfg.Feeds.Items)]
		for _, kind := range []string{"atom", "rss"} {
			if kind == "atom" && !b.cfg.Feeds.Atom || kind == "rss" && !b.cfg.Feeds.RSS {
				continue
			}
			out := f.dir + kind + ".xml"
			outs = append(outs, &output{path: out, dep: listKey(out, posts, true), render: func() ([]byte, error) {
				return b.renderFeed(kind, f.title, f.url, posts, byMeta)
			}})
		}
	}

	// The sitemap lists every HTML page but the 404 page.
	var pagesHTML []string
	for _, o := range outs {
		if strings.HasSuffix(o.path, ".html") && o.path != "404.html" {
			pagesHTML = append(pagesHTML, o.path)
		}
	}
	if cfg.Enabled("sitemap") {
		outs = append(outs, &output{path: "sitemap.xml", dep: listKey("sitemap", nil, false), render: func() ([]byte, error) {
			return b.renderSitemap(pagesHTML, byMeta)
		}})
	}

	outs = append(outs, &output{path: "css/chroma.css", dep: newHasher("css", fmt.Sprintf("%+v", b.cfg.Highlight)).key(b.global).sum(), render: func() ([]byte, error) {
		var css bytes.Buffer
		if err := b.hl.WriteCSS(&css); err != nil {
			return nil, fmt.Errorf("highlight: %w", err)
		}
		return css.Bytes(), nil
	}})

	static, err := b.planStatic()
	if err != nil {
		return nil, fmt.Errorf("static: %w", err)
	}
	taken := make(map[string]bool, len(outs))
	for _, o := range outs {
		taken[o.path] = true
	}
	for _, o := range static {
		if !taken[o.path] { // generated files win over static ones of the same name
			outs = append(outs, o)
		}
	}
	return outs, nil
}

func termPosts(terms []*render.Term) [][]*render.Post {
	out := make([][]*render.Post, len(terms))
	for i, t := range terms {
		out[i] = t.Posts
	}
	return out
}

func (b *builder) feedURLs(pageURL string) (atom, rss string) {
	if b.cfg.Feeds.Atom {
		atom = pageURL + "atom.xml"
	}
	if b.cfg.Feeds.RSS {
		rss = pageURL + "rss.xml"
	}
	return atom, rss
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
	p.FeedAtom, p.FeedRSS = b.feedURLs(b.site.BasePath)
	return p
}

func (b *builder) renderFeed(kind, title, pageURL string, posts []*render.Post, byMeta map[*render.Post]*item) ([]byte, error) {
	info := render.FeedInfo{
		Title:    title,
		Subtitle: b.site.Description,
		SiteURL:  b.absURL(pageURL),
		FeedURL:  b.absURL(pageURL + kind + ".xml"),
		Author:   b.site.Author,
		Language: b.site.Language,

		SiteTitle: b.site.Title,
	}
	for _, p := range posts {
		it := byMeta[p]
		html, err := b.feedBody(it)
		if err != nil {
			return nil, err
		}
		full := *it.full
		full.Content = templateHTML(html)
		info.Posts = append(info.Posts, &full)
	}
	var buf bytes.Buffer
	write := render.WriteAtom
	if kind == "rss" {
		write = render.WriteRSS
	}
	if err := write(&buf, info); err != nil {
		return nil, fmt.Errorf("feeds: %w", err)
	}
	return buf.Bytes(), nil
}

func (b *builder) renderSitemap(pagesHTML []string, byMeta map[*render.Post]*item) ([]byte, error) {
	lastmod := make(map[string]time.Time)
	for _, it := range b.all() {
		mod := it.fm.Date
		if it.fm.Updated.After(mod) {
			mod = it.fm.Updated
		}
		lastmod[it.out] = mod
	}
	var entries []render.SitemapEntry
	for _, p := range pagesHTML {
		u := b.site.BasePath + strings.TrimSuffix(p, "index.html")
		entries = append(entries, render.SitemapEntry{Loc: b.absURL(u), LastMod: lastmod[p]})
	}
	slices.SortFunc(entries, func(a, c render.SitemapEntry) int { return strings.Compare(a.Loc, c.Loc) })
	var buf bytes.Buffer
	if err := render.WriteSitemap(&buf, entries); err != nil {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	return buf.Bytes(), nil
}

// planStatic lists the static files: the theme's, overridden file by file
// by the site's. Site files are read only when their size or time changed.
func (b *builder) planStatic() ([]*output, error) {
	theme, err := fs.Sub(b.opts.Theme, "static")
	if err != nil {
		return nil, err
	}
	files := make(map[string]*output)
	err = fs.WalkDir(theme, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == "." && os.IsNotExist(err) {
				return fs.SkipDir
			}
			return err
		}
		if d.IsDir() || render.Ignored(d.Name()) {
			return nil
		}
		data, err := fs.ReadFile(theme, p)
		if err != nil {
			return err
		}
		files[p] = &output{path: p, dep: newHasher("static").key(hashBytes(data)).sum(), render: func() ([]byte, error) { return data, nil }}
		return nil
	})
	if err != nil {
		return nil, err
	}
	dir := b.cfg.path(b.cfg.Build.Static)
	srcs := b.srcStatic
	prefix := strings.TrimSuffix(path.Clean(b.cfg.Build.Static), "/") + "/"
	for _, src := range srcs {
		rel := strings.TrimPrefix(src.rel, prefix)
		if rel == src.rel {
			r, err := relTo(dir, src.abs)
			if err != nil {
				return nil, err
			}
			rel = r
		}
		st := b.reuse(src)
		if st == nil {
			b.reads.Add(1)
			data, err := os.ReadFile(src.abs)
			if err != nil {
				return nil, err
			}
			st = &sourceState{Size: src.size, ModTime: src.modTime, Hash: hashBytes(data)}
		}
		b.next.Sources[src.rel] = st
		abs, h := src.abs, st.Hash
		files[rel] = &output{path: rel, dep: newHasher("static").key(h).sum(), render: func() ([]byte, error) {
			data, err := os.ReadFile(abs)
			if err == nil && hashBytes(data) != h {
				err = fmt.Errorf("%s changed during the build: build again", abs)
			}
			return data, err
		}}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]*output, len(names))
	for i, n := range names {
		out[i] = files[n]
	}
	return out, nil
}

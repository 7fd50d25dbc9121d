package build

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/blog-gen/blog/render"
)

// output is one file of the built site: where it goes, the key of every
// input it is made from, who makes it, and how.
type output struct {
	path    string // slash path relative to the output root
	dep     key
	from    origin
	item    *item // for a post's or page's own page; nil otherwise
	sitemap bool  // the sitemap lists it
	render  func() ([]byte, error)
	// late, when set, makes the outputs that take this one's place (its
	// path among them) once the posts' and pages' own outputs have
	// rendered; render is then nil. Their paths are known only then:
	// claims, a directory path ending in /, is where all but this one's
	// are, which no other output may write under.
	late   func() ([]*output, error)
	claims string
}

// A kind is one kind of output: posts' pages, list pages, feeds, the
// sitemap, static files… It lists the outputs of its kind, each with its
// path, its key (what it is made from: an output whose key is unchanged
// is not rendered again), its producer (an origin, which names it when
// another output claims its path) and how to render it. Render functions
// run after the whole plan is made, so they may read what later kinds
// planned (the sitemap reads every page).
type kind interface {
	plan(p *planner) ([]*output, error)
}

// kinds is every kind of output, in plan order. Whatever their place,
// produce renders post and page outputs (those with an item) before the
// others: rendering their bodies gives the lists their summaries. A new
// kind of output is one more entry here.
var kinds = []kind{
	postPages{},
	standalonePages{},
	indexPages{},
	termPages{kind: "tag"},
	termPages{kind: "category"},
	archivePages{},
	notFoundPage{},
	feeds{},
	sitemap{},
	stylesheet{},
	staticFiles{},
	assetFiles{},
	bundleAssets{},
	imageCopies{},
	aliasPages{},
	redirectsFile{}, // after staticFiles: folds a static _redirects into its own
	robots{},
	latest{}, // after staticFiles: a site's own latest.json wins
	search{},
}

// modelOnly marks a kind whose plan reads only the site model and the
// last build's state: nothing another kind plans, and none of the
// planner's shared fields but site and byMeta (its render functions,
// which run once the whole plan is made, may). It is planned
// concurrently with the other kinds.
type modelOnly interface {
	kind
	modelOnly()
}

// planner is what the kinds share while one build is planned.
type planner struct {
	b      *builder
	site   *render.Site
	byMeta map[*render.Post]*item // meta views to their items
	// inFeed marks the posts some feed shows: their bodies are kept for
	// the feeds when their own page renders them. Filled by the feeds
	// kind, read by post pages' render functions.
	inFeed map[*item]bool
	outs   []*output // the outputs planned so far, in plan order
	// reading finds each post's related posts and series (related.go)
	// when its page renders.
	reading *readings

	listBodies bool // list.html shows what post bodies give (summaries)
}

// plan lists every output of the site, kind by kind, and checks that no
// two claim one path (see checkProducers).
func (b *builder) plan() ([]*output, error) {
	p := &planner{b: b, site: b.site, byMeta: make(map[*render.Post]*item, len(b.posts)+len(b.pages)), inFeed: map[*item]bool{}, reading: b.reading}
	p.listBodies = b.tmpl.UsesBody("list.html")
	for _, it := range b.all() {
		p.byMeta[it.meta] = it
	}
	// Kinds that read only the model are planned on their own goroutine
	// while the others plan in order; their outputs keep their place.
	type planned struct {
		outs []*output
		err  error
		done chan struct{}
	}
	apart := make(map[int]*planned)
	for i, k := range kinds {
		if _, ok := k.(modelOnly); ok {
			r := &planned{done: make(chan struct{})}
			apart[i] = r
			go func() {
				defer close(r.done)
				r.outs, r.err = k.plan(p)
			}()
		}
	}
	var errs []error
	for i, k := range kinds {
		if r := apart[i]; r != nil {
			<-r.done
			errs = append(errs, r.err)
			p.outs = append(p.outs, r.outs...)
			continue
		}
		outs, err := k.plan(p)
		errs = append(errs, err)
		if err != nil {
			break
		}
		p.outs = append(p.outs, outs...)
	}
	for _, r := range apart {
		<-r.done
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	// The same paths in the same order as the last build's, which passed,
	// pass again: the check is of the paths alone (and the base path, in
	// the global key), and an edit keeps them.
	b.next.Checked = pathsKey(p.outs)
	if b.old == nil || b.old.Checked != b.next.Checked {
		planned, err := checkProducers(p.outs, b.site.BasePath)
		if err != nil {
			return nil, err
		}
		b.planned = planned
	}
	return p.outs, nil
}

// pathsKey hashes the paths of outs, in order.
func pathsKey(outs []*output) key {
	h := newHasher("paths")
	for _, o := range outs {
		h.str(o.path)
	}
	return h.sum()
}

// fulls returns the full views of posts, meta views.
func (p *planner) fulls(posts []*render.Post) []*render.Post {
	out := make([]*render.Post, len(posts))
	for i, post := range posts {
		out[i] = p.byMeta[post].full
	}
	return out
}

// listKey is the key of a page showing posts: the site-wide facts plus,
// when its template shows anything derived from post bodies, the bodies of
// the posts it lists.
func (p *planner) listKey(what string, posts []*render.Post, bodies bool) key {
	h := newHasher(what).key(p.b.global).key(p.b.meta)
	if bodies {
		for _, post := range posts {
			it := p.byMeta[post]
			h.str(it.rel).key(it.src.Hash).key(p.b.images.keys[it.rel])
		}
	}
	return h.sum()
}

// templated is an HTML page at out made by executing tmpl on data().
func (p *planner) templated(out, tmpl string, dep key, from origin, data func() *render.Page) *output {
	return &output{path: out, dep: dep, from: from, sitemap: true, render: func() ([]byte, error) {
		var buf bytes.Buffer
		if err := p.b.tmpl.Execute(&buf, tmpl, data()); err != nil {
			return nil, err
		}
		return buf.Bytes(), nil
	}}
}

// paginate lists posts on list pages of b.cfg.Build.Paginate posts each:
// url, then url/page/2/ … setup, when set, completes each page's data.
func (p *planner) paginate(kind, title, url, what string, posts []*render.Post, setup func(*render.Page)) []*output {
	per := p.b.cfg.Build.Paginate
	total := max(1, (len(posts)+per-1)/per)
	pageURL := func(n int) string {
		if n == 1 {
			return url
		}
		return fmt.Sprintf("%spage/%d/", url, n)
	}
	outs := make([]*output, 0, total)
	for n := 1; n <= total; n++ {
		these := posts[min((n-1)*per, len(posts)):min(n*per, len(posts))]
		out := strings.TrimPrefix(pageURL(n), p.site.BasePath) + "index.html"
		outs = append(outs, p.templated(out, "list.html", p.listKey(out, these, p.listBodies), origin{what: what, n: n}, func() *render.Page {
			pg := p.b.page(kind, title, pageURL(n))
			if n > 1 {
				pg.Title = p.b.cat.T("page_title_n", title, n, total)
			}
			pg.Posts = p.fulls(these)
			pg.Pager = &render.Pager{Number: n, Total: total, First: pageURL(1), Last: pageURL(total)}
			if n > 1 {
				pg.Pager.Prev = pageURL(n - 1)
			}
			if n < total {
				pg.Pager.Next = pageURL(n + 1)
			}
			if setup != nil {
				setup(pg)
			}
			return pg
		}))
	}
	return outs
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
	p.FeedJSON = b.jsonFeedURL(b.site.BasePath)
	return p
}

package build

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/blog-gen/blog/render"
)

// The kinds of HTML pages: a post's or standalone page's own page, the
// paginated index, tag and category pages and their indexes, the archive,
// the 404 page.

// postPages: each published post's own page, keyed to its source and the
// site-wide facts (neighbours, tags, titles).
type postPages struct{}

func (postPages) modelOnly() {}

func (postPages) plan(p *planner) ([]*output, error) {
	return p.items(p.b.posts, "post", "post.html"), nil
}

// standalonePages: each standalone page (about, contact).
type standalonePages struct{}

func (standalonePages) modelOnly() {}

func (standalonePages) plan(p *planner) ([]*output, error) {
	return p.items(p.b.pages, "page", "page.html"), nil
}

func (p *planner) items(items []*item, kind, tmpl string) []*output {
	b := p.b
	outs := make([]*output, 0, len(items))
	for _, it := range items {
		outs = append(outs, &output{
			path:    it.out,
			dep:     newHasher("item", it.rel, b.formatKey(it.rel)).key(b.global).key(b.meta).key(it.src.Hash).key(b.images.keys[it.rel]).sum(),
			from:    sourceOrigin(it),
			item:    it,
			sitemap: strings.HasSuffix(it.out, ".html"),
			render: func() ([]byte, error) {
				html, err := b.renderBody(it)
				if err != nil {
					return nil, err
				}
				fill(it)
				if p.inFeed[it] {
					b.setFeedBody(it, html)
				}
				post := *it.full
				post.Content = templateHTML(html)
				post.HasCode = it.toc.HasCode
				post.Image = render.ShareImage(post.Permalink, post.Params, it.toc.Image)
				if render.ShowTOC(post.Params, it.toc.Headings, b.cfg.Markdown.TOCMin) {
					post.TOC = it.toc.TOC
				}
				page := b.page(kind, post.Title, post.URL)
				page.Post = &post
				page.Description = render.PlainText(string(post.Summary))
				if !it.isPage {
					r := p.reading.of(it)
					page.Related, page.Series = r.related, r.series
				}
				var buf bytes.Buffer
				if err := b.tmpl.Execute(&buf, tmpl, page); err != nil {
					return nil, fmt.Errorf("render %s: %w", it.rel, err)
				}
				return buf.Bytes(), nil
			},
		})
	}
	return outs
}

// indexPages: the paginated list of all posts at the site's root.
type indexPages struct{}

func (indexPages) plan(p *planner) ([]*output, error) {
	return p.paginate("index", p.site.Title, p.site.BasePath, "the index page", p.site.Posts, nil), nil
}

// termPages: for tags or categories, the index of the terms and each
// term's paginated list of posts.
type termPages struct {
	kind string // "tag" or "category"
}

func (k termPages) plan(p *planner) ([]*output, error) {
	cfg, site := &p.b.cfg, p.site
	title, dir, terms, desc := p.b.cat.T("tags"), "tags", site.Tags, "tag_description"
	index, pages := cfg.Enabled("tag_index") && cfg.Enabled("tags"), cfg.Enabled("tags")
	if k.kind == "category" {
		title, dir, terms, desc = p.b.cat.T("categories"), "categories", site.Categories, "category_description"
		index, pages = cfg.Enabled("categories"), cfg.Enabled("categories")
	}
	var outs []*output
	if index {
		outs = append(outs, p.templated(dir+"/index.html", "terms.html", p.listKey(dir, nil, false), origin{what: "the " + k.kind + " index"}, func() *render.Page {
			pg := p.b.page(dir, title, site.BasePath+dir+"/")
			pg.Terms = terms
			return pg
		}))
	}
	if !pages {
		return outs, nil
	}
	feeds := k.kind == "tag" && cfg.Enabled("tag_feeds")
	for _, t := range terms {
		outs = append(outs, p.paginate(k.kind, t.Name, t.URL, "the "+k.kind+" page for "+t.Name, t.Posts, func(pg *render.Page) {
			pg.Term = t // its Posts are meta views: body fields come only with .Posts
			pg.Description = p.b.cat.T(desc, t.Name, site.Title)
			if feeds {
				pg.FeedAtom, pg.FeedRSS = p.b.feedURLs(t.URL)
				pg.FeedJSON = p.b.jsonFeedURL(t.URL)
			}
		})...)
	}
	return outs, nil
}

// archivePages: the archive's index and a page per year.
type archivePages struct{}

func (archivePages) plan(p *planner) ([]*output, error) {
	if !p.b.cfg.Enabled("archive") {
		return nil, nil
	}
	base := p.site.BasePath
	outs := []*output{p.templated("archive/index.html", "archive.html", p.listKey("archive", nil, false), origin{what: "the archive page"}, func() *render.Page {
		return p.b.page("archive", p.b.cat.T("archive"), base+"archive/")
	})}
	bodies := p.b.tmpl.UsesBody("archive.html")
	for _, y := range p.site.Years {
		out := strings.TrimPrefix(y.URL, base) + "index.html"
		outs = append(outs, p.templated(out, "archive.html", p.listKey(out, y.Posts, bodies), origin{what: "the archive page for " + strconv.Itoa(y.Year)}, func() *render.Page {
			pg := p.b.page("year", strconv.Itoa(y.Year), y.URL)
			full := *y
			full.Posts = p.fulls(y.Posts)
			pg.Year, pg.Posts = &full, full.Posts
			return pg
		}))
	}
	return outs, nil
}

// notFoundPage: 404.html, which the sitemap leaves out.
type notFoundPage struct{}

func (notFoundPage) plan(p *planner) ([]*output, error) {
	if !p.b.cfg.Enabled("404") {
		return nil, nil
	}
	o := p.templated("404.html", "404.html", p.listKey("404", nil, false), origin{what: "the 404 page"}, func() *render.Page {
		return p.b.page("404", p.b.cat.T("page_not_found"), p.site.BasePath+"404.html")
	})
	o.sitemap = false
	return []*output{o}, nil
}

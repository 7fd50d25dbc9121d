package build

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/blog-gen/blog/render"
)

// feeds: the site's Atom and RSS feeds, then each tag's. A feed is keyed
// to the bodies of the posts it shows.
type feeds struct{}

func (feeds) plan(p *planner) ([]*output, error) {
	b, site := p.b, p.site
	type feed struct {
		dir, title, url, what string
		posts                 []*render.Post
	}
	list := []feed{{"", site.Title, site.BasePath, "", site.Posts}}
	if b.cfg.Enabled("tags") && b.cfg.Enabled("tag_feeds") {
		for _, t := range site.Tags {
			list = append(list, feed{strings.TrimPrefix(t.URL, site.BasePath), site.Title + ": " + t.Name, t.URL, " for tag " + t.Name, t.Posts})
		}
	}
	var outs []*output
	for _, f := range list {
		posts := f.posts[:min(len(f.posts), b.cfg.Feeds.Items)]
		for _, post := range posts {
			p.inFeed[p.byMeta[post]] = true
		}
		for _, kind := range []string{"atom", "rss", "json"} {
			if kind == "atom" && !b.cfg.Feeds.Atom || kind == "rss" && !b.cfg.Feeds.RSS || kind == "json" && !b.cfg.Feeds.JSON {
				continue
			}
			out := f.dir + feedFile(kind)
			name := map[string]string{"atom": "the Atom feed", "rss": "the RSS feed", "json": "the JSON feed"}[kind] + f.what
			outs = append(outs, &output{path: out, dep: p.listKey(out, posts, true), from: origin{what: name}, render: func() ([]byte, error) {
				return b.renderFeed(kind, f.title, f.url, posts, p.byMeta)
			}})
		}
	}
	return outs, nil
}

func (b *builder) renderFeed(kind, title, pageURL string, posts []*render.Post, byMeta map[*render.Post]*item) ([]byte, error) {
	info := render.FeedInfo{
		Title:    title,
		Subtitle: b.site.Description,
		SiteURL:  b.absURL(pageURL),
		FeedURL:  b.absURL(pageURL + feedFile(kind)),
		Author:   b.site.Author,

		SiteTitle: b.site.Title,
		Language:  b.site.Language,
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
	switch kind {
	case "rss":
		write = render.WriteRSS
	case "json":
		write = render.WriteJSONFeed
	}
	if err := write(&buf, info); err != nil {
		return nil, fmt.Errorf("feeds: %w", err)
	}
	return buf.Bytes(), nil
}

// sitemap: sitemap.xml, listing every output planned as listed (the HTML
// pages but the 404 page). It is keyed to the site-wide facts, which
// decide that list.
type sitemap struct{}

func (sitemap) plan(p *planner) ([]*output, error) {
	if !p.b.cfg.Enabled("sitemap") {
		return nil, nil
	}
	return []*output{{path: "sitemap.xml", dep: p.listKey("sitemap", nil, false), from: origin{what: "the sitemap"}, render: func() ([]byte, error) {
		var pages []string
		for _, o := range p.outs { // the whole plan, by the time outputs render
			if o.sitemap {
				pages = append(pages, o.path)
			}
		}
		return p.b.renderSitemap(pages)
	}}}, nil
}

func (b *builder) renderSitemap(pagesHTML []string) ([]byte, error) {
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
		entries = append(entries, render.SitemapEntry{Loc: b.absURL(outputURL(b.site.BasePath, p)), LastMod: lastmod[p]})
	}
	slices.SortFunc(entries, func(a, c render.SitemapEntry) int { return strings.Compare(a.Loc, c.Loc) })
	var buf bytes.Buffer
	if err := render.WriteSitemap(&buf, entries); err != nil {
		return nil, fmt.Errorf("sitemap: %w", err)
	}
	return buf.Bytes(), nil
}

// feedFile is the file name of a feed of kind (atom, rss or json).
func feedFile(kind string) string {
	if kind == "json" {
		return "feed.json"
	}
	return kind + ".xml"
}

// jsonFeedURL is the JSON feed's URL for the page at pageURL, "" when off.
func (b *builder) jsonFeedURL(pageURL string) string {
	if !b.cfg.Feeds.JSON {
		return ""
	}
	return pageURL + feedFile("json")
}

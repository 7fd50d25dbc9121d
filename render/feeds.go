package render

import (
	"encoding/xml"
	"io"
	"net/url"
	"time"
)

// FeedInfo describes one feed: the site-wide one or a tag's.
type FeedInfo struct {
	Title    string
	Subtitle string
	SiteURL  string // absolute URL of the page the feed belongs to
	FeedURL  string // absolute URL of the feed itself
	// Author is the feed's author; when "", the Atom feed names SiteTitle
	// (else Title, else the host of SiteURL) instead, since RFC 4287
	// requires an author.
	Author    string
	SiteTitle string // the site's title, as opposed to a tag feed's Title
	Language  string
	Posts     []*Post // newest first, already cut to the configured count
}

// author is the feed-level author of the Atom feed: RFC 4287 requires one
// on the feed unless every entry has its own, and a site without
// site.author is best named by its title.
func (f FeedInfo) author() string {
	switch {
	case f.Author != "":
		return f.Author
	case f.SiteTitle != "":
		return f.SiteTitle
	case f.Title != "":
		return f.Title
	}
	if u, err := url.Parse(f.SiteURL); err == nil && u.Host != "" {
		return u.Host
	}
	return "unknown"
}

type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr,omitempty"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle,omitempty"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Links    []atomLink  `xml:"link"`
	Author   *atomAuthor `xml:"author,omitempty"`
	Entries  []atomEntry `xml:"entry"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Body string `xml:",chardata"`
}

type atomEntry struct {
	Title     string      `xml:"title"`
	ID        string      `xml:"id"`
	Link      atomLink    `xml:"link"`
	Published string      `xml:"published"`
	Updated   string      `xml:"updated"`
	Author    *atomAuthor `xml:"author,omitempty"`
	Category  []atomCat   `xml:"category"`
	Summary   *atomText   `xml:"summary,omitempty"`
	Content   atomText    `xml:"content"`
}

type atomCat struct {
	Term string `xml:"term,attr"`
}

// feedUpdated is the newest date among posts: the feed changes only when
// content does, so builds stay deterministic.
func feedUpdated(posts []*Post) time.Time {
	var t time.Time
	for _, p := range posts {
		u := p.Date
		if p.Updated.After(u) {
			u = p.Updated
		}
		if u.After(t) {
			t = u
		}
	}
	if t.IsZero() {
		t = time.Unix(0, 0)
	}
	return t
}

// WriteAtom writes f as an Atom 1.0 feed.
func WriteAtom(w io.Writer, f FeedInfo) error {
	feed := atomFeed{
		Lang:     f.Language,
		Title:    f.Title,
		Subtitle: f.Subtitle,
		ID:       f.SiteURL,
		Updated:  feedUpdated(f.Posts).UTC().Format(time.RFC3339),
		Links: []atomLink{
			{Href: f.FeedURL, Rel: "self", Type: "application/atom+xml"},
			{Href: f.SiteURL, Rel: "alternate", Type: "text/html"},
		},
	}
	author := f.author()
	feed.Author = &atomAuthor{Name: author}
	for _, p := range f.Posts {
		updated := p.Date
		if p.Updated.After(updated) {
			updated = p.Updated
		}
		e := atomEntry{
			Title:     p.Title,
			ID:        p.Permalink,
			Link:      atomLink{Href: p.Permalink, Rel: "alternate", Type: "text/html"},
			Published: p.Date.UTC().Format(time.RFC3339),
			Updated:   updated.UTC().Format(time.RFC3339),
			Content:   atomText{Type: "html", Body: string(p.Content)},
		}
		if p.Author != "" && p.Author != author {
			e.Author = &atomAuthor{Name: p.Author}
		}
		if p.Summary != "" {
			e.Summary = &atomText{Type: "html", Body: string(p.Summary)}
		}
		for _, t := range p.Tags {
			e.Category = append(e.Category, atomCat{Term: t.Name})
		}
		feed.Entries = append(feed.Entries, e)
	}
	return writeXML(w, feed)
}

type rssFeed struct {
	XMLName xml.Name   `xml:"rss"`
	Version string     `xml:"version,attr"`
	AtomNS  string     `xml:"xmlns:atom,attr"`
	Channel rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string    `xml:"title"`
	Link          string    `xml:"link"`
	Description   string    `xml:"description"`
	Language      string    `xml:"language,omitempty"`
	LastBuildDate string    `xml:"lastBuildDate"`
	AtomLink      atomLink  `xml:"atom:link"`
	Items         []rssItem `xml:"item"`
}

type rssItem struct {
	Title       string   `xml:"title"`
	Link        string   `xml:"link"`
	GUID        rssGUID  `xml:"guid"`
	PubDate     string   `xml:"pubDate"`
	Category    []string `xml:"category"`
	Description string   `xml:"description"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

// WriteRSS writes f as an RSS 2.0 feed.
func WriteRSS(w io.Writer, f FeedInfo) error {
	desc := f.Subtitle
	if desc == "" {
		desc = f.Title
	}
	feed := rssFeed{
		Version: "2.0",
		AtomNS:  "http://www.w3.org/2005/Atom",
		Channel: rssChannel{
			Title:         f.Title,
			Link:          f.SiteURL,
			Description:   desc,
			Language:      f.Language,
			LastBuildDate: feedUpdated(f.Posts).UTC().Format(time.RFC1123Z),
			AtomLink:      atomLink{Href: f.FeedURL, Rel: "self", Type: "application/rss+xml"},
		},
	}
	for _, p := range f.Posts {
		it := rssItem{
			Title:       p.Title,
			Link:        p.Permalink,
			GUID:        rssGUID{IsPermaLink: "true", Value: p.Permalink},
			PubDate:     p.Date.UTC().Format(time.RFC1123Z),
			Description: string(p.Content),
		}
		for _, t := range p.Tags {
			it.Category = append(it.Category, t.Name)
		}
		feed.Channel.Items = append(feed.Channel.Items, it)
	}
	return writeXML(w, feed)
}

type urlSet struct {
	XMLName xml.Name     `xml:"http://www.sitemaps.org/schemas/sitemap/0.9 urlset"`
	URLs    []sitemapURL `xml:"url"`
}

type sitemapURL struct {
	Loc     string `xml:"loc"`
	LastMod string `xml:"lastmod,omitempty"`
}

// SitemapEntry is one URL of sitemap.xml.
type SitemapEntry struct {
	Loc     string // absolute
	LastMod time.Time
}

// WriteSitemap writes entries as a sitemaps.org sitemap.
func WriteSitemap(w io.Writer, entries []SitemapEntry) error {
	var s urlSet
	for _, e := range entries {
		u := sitemapURL{Loc: e.Loc}
		if !e.LastMod.IsZero() {
			u.LastMod = e.LastMod.UTC().Format(time.RFC3339)
		}
		s.URLs = append(s.URLs, u)
	}
	return writeXML(w, s)
}

func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

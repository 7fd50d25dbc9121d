package render

import (
	"html/template"
	"time"
)

// Site is what every template sees as .Site: the configuration that
// matters to pages and the site-wide lists.
type Site struct {
	Title       string
	URL         string // absolute base URL with a trailing slash
	BasePath    string // path part of URL, with a trailing slash ("/" at the root)
	Author      string
	Description string
	Language    string
	Posts       []*Post // newest first
	Tags        []*Term // by name
	Categories  []*Term // by name
	Years       []*Year // newest first
	Feeds       Feeds
	Disqus      string
	Widget      Widget
	// Has says which kinds of pages the site generates, so templates link
	// only to those: tags, tag_index, tag_feeds, categories, archive,
	// sitemap, 404 ({{if .Site.Has.archive}}).
	Has map[string]bool
	// Params holds free-form values from the configuration, for themes.
	Params map[string]any
}

// Feeds says which site-wide feeds exist.
type Feeds struct {
	Atom, RSS bool
}

// Widget is the who's-online widget as the sidebar partial needs it.
type Widget struct {
	Enabled   bool
	Endpoint  string // base URL of the endpoint (a path on this site or an absolute URL)
	Heartbeat int    // seconds
	Stream    bool
}

// Post is one post (or standalone page) ready for templates.
type Post struct {
	Title       string
	Slug        string
	URL         string // site-relative URL, starting with Site.BasePath
	Permalink   string // absolute URL
	Date        time.Time
	Updated     time.Time // zero when never updated
	Author      string
	Tags        []*Term
	Categories  []*Term
	Summary     template.HTML
	Content     template.HTML
	TOC         template.HTML // table of contents; empty when not shown
	HasCode     bool          // Content has a code block
	Image       string        // absolute URL of the image that shares it (og:image); "" when none
	HasMore     bool
	Words       int
	ReadingTime int // minutes, at least 1
	Draft       bool
	Params      map[string]any
	Prev, Next  *Post // older and newer neighbours; nil at the ends
	Source      string
	IsPage      bool // a standalone page, not a dated post
}

// Term is a tag or a category with its posts.
type Term struct {
	Name  string
	Slug  string
	URL   string
	Kind  string  // "tag" or "category"
	Posts []*Post // newest first
}

// Year is one year of the archive.
type Year struct {
	Year  int
	URL   string
	Posts []*Post // newest first
}

// Pager is one page of a paginated list.
type Pager struct {
	Number, Total int    // 1-based page number and page count
	Prev, Next    string // URLs; empty at the ends
	First, Last   string
}

// Page is the data a page template executes with.
type Page struct {
	Site        *Site
	Kind        string // "post", "page", "index", "tag", "category", "tags", "categories", "archive", "year", "404"
	Title       string
	Description string
	URL         string  // site-relative
	Permalink   string  // absolute
	Post        *Post   // for post and page
	Posts       []*Post // for lists
	Pager       *Pager  // for index
	Term        *Term   // for tag and category; its Posts are all the term's posts, without body fields
	Terms       []*Term // for tags and categories
	Year        *Year   // for year
	Related     []*Post // for post: the posts sharing most tags and categories (meta views)
	Series      *Series // for post: the series it is in, if any
	FeedAtom    string  // feed URLs to advertise in <head>; empty when none
	FeedRSS     string
	FeedJSON    string
}

package importer

import (
	"bytes"
	"cmp"
	"fmt"
	"html/template"
	"net/url"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
)

// A pageRedirect is an old URL of a page the old tool generated (a feed,
// a tag or category page), to the page of ours that replaces it. Posts'
// old URLs are their aliases; these have no post to carry them, so the
// import writes them as files of static/: a redirect page for an old
// directory URL, and a line of static/_redirects (which the build puts
// first in its own _redirects) for every one, which hosts that read it
// answer with a real 301, as feed readers need.
type pageRedirect struct {
	from, to string // paths from the site's root
	feed     string // "atom" or "rss" when to is a feed
}

// feedURL is our feed of kind for the list at dir ("/" or a tag page),
// "" when the configuration turns it off.
// A category has no feed of its own: its old feed leads to the site's.
func (s *site) feedURL(dir, kind string) string {
	switch {
	case kind == "atom" && !s.build.Feeds.Atom, kind == "rss" && !s.build.Feeds.RSS:
		return ""
	case strings.HasPrefix(dir, "/categories/"):
		dir = "/"
	case dir != "/" && !s.build.Enabled("tag_feeds"):
		return ""
	}
	return dir + kind + ".xml"
}

// termURL is our page for the tag or category name, "" when off.
func (s *site) termURL(kind, name string) string {
	dir := map[string]string{"tag": "tags", "category": "categories"}[kind]
	slug := render.Slugify(name)
	if slug == "" || !s.build.Enabled(dir) {
		return ""
	}
	return "/" + dir + "/" + slug + "/"
}

// redirectFeed adds a redirect from an old feed to ours of kind.
func (s *site) redirectFeed(from, dir, kind string) {
	s.redirect(from, s.feedURL(dir, kind), kind)
}

func (s *site) redirect(from, to, feed string) {
	if to != "" && from != to {
		s.redirects = append(s.redirects, pageRedirect{from: from, to: to, feed: feed})
	}
}

// terms calls f with the name of every tag and category of the
// published posts, each once, and its old slug where the origin has one.
func (s *site) terms(f func(kind, name string)) {
	seen := map[string]bool{}
	for _, d := range s.docs {
		if d.draft || d.page || d.url == "" {
			continue
		}
		for kind, names := range map[string][]string{"tag": d.tags, "category": d.cats} {
			for _, n := range names {
				if !seen[kind+"\x00"+n] {
					seen[kind+"\x00"+n] = true
					f(kind, n)
				}
			}
		}
	}
}

// writeRedirects turns s.redirects into files: each old path taken by no
// post, alias or other redirect gets one. used holds every post URL and
// alias (see settleAliases).
func (s *site) writeRedirects(used map[string]string) {
	if len(s.redirects) == 0 {
		return
	}
	slices.SortFunc(s.redirects, func(a, b pageRedirect) int {
		return cmp.Or(strings.Compare(a.from, b.from), strings.Compare(a.to, b.to))
	})
	base := strings.TrimSuffix(urlPath(s.build.Site.URL), "/")
	var lines strings.Builder
	for i, r := range s.redirects {
		if i > 0 && s.redirects[i-1].from == r.from {
			continue
		}
		if owner, ok := used[r.from]; ok {
			s.warn(diag.Pos{File: owner}, "old page %s (now %s) is this post's URL or alias: not redirected", r.from, r.to)
			continue
		}
		to := r.to
		if !strings.Contains(to, "://") {
			to = base + to
		}
		fmt.Fprintf(&lines, "%s %s 301\n", base+r.from, to)
		s.report.Aliases++
		if !strings.HasSuffix(r.from, "/") {
			continue // a file name such as /feed.xml: a page there would be served as XML
		}
		var b bytes.Buffer
		feedType := map[string]string{"atom": "application/atom+xml", "rss": "application/rss+xml"}[r.feed]
		if err := pageRedirectHTML.Execute(&b, map[string]string{"URL": to, "Feed": feedType, "Lang": s.build.Site.Language}); err != nil {
			panic(err) // a constant template over strings
		}
		s.static[path.Join(strings.TrimPrefix(r.from, "/"), "index.html")] = b.Bytes()
	}
	if lines.Len() == 0 {
		return
	}
	list := []byte("# The old site's feeds and lists, written by blog import.\n" + lines.String())
	if s.into && exists(filepath.Join(s.dst, filepath.FromSlash(s.build.Build.Static), "_redirects")) {
		s.extra["_redirects.imported"] = list
		s.report.Notes = append(s.report.Notes, "the blog has a static/_redirects: add the lines of _redirects.imported to it")
		return
	}
	s.static["_redirects"] = list
}

// pageRedirectHTML is the build's redirect page, with the feed's link for
// feed readers that find a feed in the page they are given.
var pageRedirectHTML = template.Must(template.New("redirect").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>Moved</title>
<link rel="canonical" href="{{.URL}}">
{{- if .Feed}}
<link rel="alternate" type="{{.Feed}}" href="{{.URL}}">
{{- end}}
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={{.URL}}">
</head>
<body>
<p>This page has moved to <a href="{{.URL}}">{{.URL}}</a>.</p>
</body>
</html>
`))

// The old generated pages of each origin, by their default URLs.

// wordpressRedirects: WordPress's feeds (/feed/ is RSS 2.0, /feed/atom/
// Atom) and its /tag/SLUG/ and /category/SLUG/ pages with their feeds,
// when the old site had pretty permalinks (with plain ones they were
// query URLs, which a static site cannot redirect).
func (w *wordpress) redirects() {
	s := w.s
	if !w.pretty {
		return
	}
	for _, f := range []string{"/feed/", "/feed/rss2/"} {
		s.redirectFeed(f, "/", "rss")
	}
	s.redirectFeed("/feed/atom/", "/", "atom")
	// An attachment's page showed its file: it leads to the file now,
	// the downloaded copy or the file on the old host.
	for _, ap := range w.attachPages {
		u, err := url.Parse(ap[0])
		if err != nil || u.RawQuery != "" || hostOf(ap[0]) != hostOf(w.baseURL) {
			continue
		}
		p, err := url.PathUnescape(u.EscapedPath())
		if err != nil || !strings.HasSuffix(p, "/") {
			continue
		}
		to := ap[1]
		if local, ok := w.local[to]; ok {
			to = "/" + local
		}
		s.redirect(aliasPath(strings.TrimPrefix(p, strings.TrimSuffix(urlPath(w.baseURL+"/"), "/"))), to, "")
	}
	s.terms(func(kind, name string) {
		nice := cmp.Or(w.nicenames[kind+"\x00"+name], render.Slugify(name))
		if nice == "" || !safeSegment(nice) {
			return
		}
		to := s.termURL(kind, name)
		if to == "" {
			return
		}
		old := "/" + kind + "/" + nice + "/"
		s.redirect(old, to, "")
		s.redirect(old+"feed/", s.feedURL(to, "rss"), "rss")
		s.redirect(old+"feed/atom/", s.feedURL(to, "atom"), "atom")
	})
}

// jekyllRedirects: the feed files at the old site's root (atom.xml,
// feed.xml, rss.xml, or jekyll-feed's /feed.xml), and jekyll-archives'
// /tag/NAME/ and /category/NAME/ pages when the site used it.
func (j *jekyll) redirects() {
	s := j.s
	plugins := fmt.Sprint(j.site["plugins"], j.site["gems"])
	for _, name := range []string{"atom.xml", "feed.xml", "rss.xml", "index.xml", "feed/index.xml"} {
		if !exists(filepath.Join(j.root, filepath.FromSlash(name))) && !(name == "feed.xml" && strings.Contains(plugins, "jekyll-feed")) {
			continue
		}
		kind := "atom"
		if strings.Contains(name, "rss") || name == "index.xml" {
			kind = "rss"
		}
		from := "/" + strings.TrimSuffix(name, "index.xml")
		s.redirectFeed(from, "/", kind)
	}
	if !strings.Contains(plugins, "jekyll-archives") {
		return
	}
	s.terms(func(kind, name string) {
		if to := s.termURL(kind, name); to != "" {
			s.redirect("/"+kind+"/"+render.Slugify(name)+"/", to, "")
		}
	})
}

// hugoRedirects: Hugo's RSS feeds (/index.xml, each section's and each
// term's index.xml) and its /tags/ and /categories/ pages, whose slugs
// can differ from ours.
func (h *hugo) redirects() {
	s := h.s
	s.redirectFeed("/"+h.rss, "/", "rss")
	sections := map[string]bool{}
	for _, d := range s.docs {
		if _, sec, ok := strings.Cut(d.src, "content/"); ok && strings.Contains(sec, "/") && !d.page {
			sections[strings.SplitN(sec, "/", 2)[0]] = true
		}
	}
	for sec := range sections {
		s.redirectFeed("/"+sec+"/"+h.rss, "/", "rss")
	}
	s.terms(func(kind, name string) {
		to := s.termURL(kind, name)
		if to == "" {
			return
		}
		old := "/" + map[string]string{"tag": "tags", "category": "categories"}[kind] + "/" + hugoURLize(name) + "/"
		if !safeSegment(hugoURLize(name)) {
			return
		}
		s.redirect(old, to, "")
		s.redirect(old+h.rss, s.feedURL(to, "rss"), "rss")
	})
}

// hugoURLize is what Hugo's urlize makes of a term for its URL: lower
// case, spaces to hyphens.
func hugoURLize(name string) string {
	return strings.ToLower(strings.Join(strings.Fields(name), "-"))
}

// blogofileRedirects: Blogofile's feeds (feed/ RSS, feed/atom/ Atom) and
// category pages with theirs, under the old blog.path (the new site's
// root).
func (b *blogofile) redirects() {
	s := b.s
	s.redirectFeed("/feed/", "/", "rss")
	s.redirectFeed("/feed/atom/", "/", "atom")
	s.terms(func(kind, name string) {
		to := s.termURL(kind, name)
		slug := blogofileSlug(name)
		if b.v07 {
			slug = strings.ReplaceAll(strings.ToLower(name), " ", "-") // 0.7's Category.url_name
		}
		if kind != "category" || to == "" || slug == "" {
			return
		}
		old := "/category/" + slug + "/"
		s.redirect(old, to, "")
		s.redirect(old+"feed/", s.feedURL(to, "rss"), "rss")
		s.redirect(old+"feed/atom/", s.feedURL(to, "atom"), "atom")
	})
}

// safeSegment reports whether an old slug can be a directory name.
func safeSegment(seg string) bool {
	return seg != "." && seg != ".." && !strings.ContainsAny(seg, "/\\?#%\x00") && !strings.ContainsFunc(seg, unicode.IsSpace)
}

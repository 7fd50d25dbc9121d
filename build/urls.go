package build

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"strings"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
)

// checkURLs validates the URL values of the front matter of rel, fresh
// from the parser, and puts them in the form the rest of the build uses:
// an explicit slug must be a safe path segment (it is then used exactly,
// however long); permalink, url (Hugo's name for it) and each alias become
// paths from the output root, with the site's own scheme and host (and
// site.url's path) taken off absolute URLs. The result is cached with the
// front matter; site.url is part of every cache key, so a change to it
// brings the sources back here.
func (b *builder) checkURLs(rel string, fm *render.FrontMatter) error {
	var errs diag.List
	at := func(key string, err error) {
		p, ok := fm.Pos[key]
		if !ok {
			p = diag.Pos{File: rel, Line: 1, Col: 1}
		}
		errs.Add(&diag.Error{Pos: p, Err: err})
	}
	if fm.Slug != "" {
		if err := checkSlug(fm.Slug); err != nil {
			hint := ""
			if s := render.Slugify(fm.Slug); s != "" && s != fm.Slug && !strings.Contains(fm.Slug, "/") {
				hint = fmt.Sprintf(", such as %q (an explicit slug is used exactly)", s)
			}
			at("slug", fmt.Errorf("slug %q: %w%s", fm.Slug, err, hint))
		}
	}
	if fm.URL != "" && fm.Permalink != "" {
		at("url", errors.New("url: the post also has a permalink: keep one of them"))
	}
	for _, key := range []string{"permalink", "url"} {
		v := fm.Permalink
		if key == "url" {
			v = fm.URL
		}
		if v == "" || key == "url" && fm.Permalink != "" {
			continue
		}
		p, err := b.sitePath(v, false)
		if err != nil {
			at(key, fmt.Errorf("%s: %w", key, err))
			continue
		}
		fm.Permalink = p
	}
	for i, a := range fm.Aliases {
		p, err := b.sitePath(a, true)
		if err != nil {
			at(fmt.Sprintf("aliases.%d", i), fmt.Errorf("alias: %w", err))
			continue
		}
		fm.Aliases[i] = p
	}
	return errs.Err()
}

// sitePath turns v, a permalink or an alias as written in front matter,
// into a clean path from the output root. v is a path, or an absolute URL
// on site.url's host (scheme, host and site.url's path are dropped; a
// leading www. and the default port do not count). Percent escapes are
// decoded: the path names files. Aliases must start with /; permalinks
// without one are read from the root, as they always were.
func (b *builder) sitePath(v string, alias bool) (string, error) {
	v = strings.TrimSpace(v)
	if strings.Contains(v, "://") || strings.HasPrefix(v, "//") {
		p, err := b.stripSite(v)
		if err != nil {
			return "", err
		}
		v = p
	} else {
		if alias && !strings.HasPrefix(v, "/") {
			return "", fmt.Errorf("%q: want a path from the site's root, starting with /", v)
		}
		if strings.ContainsAny(v, "?#") {
			return "", fmt.Errorf("%q: want a path without a query or a fragment", v)
		}
		p, err := url.PathUnescape(v)
		if err != nil {
			return "", fmt.Errorf("%q: bad percent escape: write the character itself", v)
		}
		v = p
	}
	if err := checkPath(v); err != nil {
		return "", fmt.Errorf("%q: %w", v, err)
	}
	return cleanKeepSlash(v), nil
}

// stripSite returns the path of the absolute URL v, which must be on
// site.url's host and under its path.
func (b *builder) stripSite(v string) (string, error) {
	u, err := url.Parse(v)
	site, serr := url.Parse(b.cfg.Site.URL)
	switch {
	case err != nil:
		return "", fmt.Errorf("%q is not a URL: %v", v, errors.Unwrap(err))
	case serr != nil:
		return "", serr
	case u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https":
		return "", fmt.Errorf("%q: want a path, or an http or https URL", v)
	case hostKey(u) != hostKey(site):
		return "", fmt.Errorf("%q is on another host than site.url (%s): want a path such as /2011/04/slug/, or a URL on %s", v, site.Host, site.Host)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return "", fmt.Errorf("%q: want a URL without a query or a fragment", v)
	}
	p := cmpOr(u.Path, "/")
	base := basePath(b.cfg.Site.URL)
	if base == "/" {
		return p, nil
	}
	if rest, ok := strings.CutPrefix(p, base); ok {
		return "/" + rest, nil
	}
	if p == strings.TrimSuffix(base, "/") {
		return "/", nil
	}
	return "", fmt.Errorf("%q is outside site.url (%s): the site can only hold URLs under %s", v, b.cfg.Site.URL, base)
}

// hostKey is u's host as compared with site.url's: lower case, without a
// leading www. or the scheme's default port.
func hostKey(u *url.URL) string {
	h := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if p := u.Port(); p != "" && !(p == "80" && u.Scheme == "http") && !(p == "443" && u.Scheme == "https") {
		h += ":" + p
	}
	return h
}

// cleanKeepSlash cleans p into a path from the root, keeping a trailing
// slash: it says "a directory" to the build.
func cleanKeepSlash(p string) string {
	c := path.Clean("/" + p)
	if strings.HasSuffix(p, "/") && c != "/" {
		c += "/"
	}
	return c
}

// checkSlug reports what makes an explicit slug unsafe as one path
// segment.
func checkSlug(s string) error {
	if strings.Contains(s, "/") {
		return errors.New("a slug is one part of a path: use permalink for a whole path")
	}
	if s == "." || s == ".." {
		return errors.New(`want a name: "." and ".." are not names`)
	}
	return checkPath(s)
}

// postURL returns where it is written, as a slash path from the output
// root, and its URL path from the output root (with a leading slash): its
// permalink, else /SLUG/ for a page, else build.permalink filled in. A
// path with an HTML extension is that file; any other is a directory
// holding index.html (Blogofile's /2011/04/17/slug is
// 2011/04/17/slug/index.html).
func (b *builder) postURL(it *item) (out, rel string) {
	switch {
	case it.fm.Permalink != "":
		rel = it.fm.Permalink
	case it.isPage:
		rel = "/" + it.fm.Slug + "/"
	default:
		rel = b.expandedURL(it)
	}
	rel = cleanKeepSlash(rel)
	if !isHTMLFile(rel) && !strings.HasSuffix(rel, "/") {
		rel += "/"
	}
	out = strings.TrimPrefix(rel, "/")
	if strings.HasSuffix(rel, "/") {
		out += "index.html"
	}
	return out, rel
}

// checkPostURL reports a URL that build.permalink makes unsafe for it (a
// file name with a space, through :filename). Permalinks and slugs from
// front matter were checked when parsed.
func (b *builder) checkPostURL(it *item) error {
	if it.isPage || it.fm.Permalink != "" {
		return nil
	}
	p := b.expandedURL(it)
	if err := checkPath(p); err != nil {
		return &diag.Error{Pos: diag.Pos{File: it.rel, Line: 1, Col: 1}, Err: fmt.Errorf("URL %q (build.permalink %q): %w", p, b.cfg.Build.Permalink, err)}
	}
	return nil
}

// expandedURL is build.permalink expanded for it, once.
func (b *builder) expandedURL(it *item) string {
	if it.permalink == "" {
		it.permalink = expandPermalink(b.cfg.Build.Permalink, b.permalinkVars(it))
	}
	return it.permalink
}

// permalinkVars are the values it gives build.permalink's placeholders.
func (b *builder) permalinkVars(it *item) *permalinkVars {
	v := &permalinkVars{date: it.fm.Date, slug: it.fm.Slug, filename: fileStem(it.name()), categories: it.fm.Categories}
	// Only what the pattern shows: a model of 10,000 posts would spend a
	// tenth of its time on titles and sections no URL has.
	pattern := b.cfg.Build.Permalink
	if strings.Contains(pattern, ":title") {
		v.title = jekyllTitle(v.filename)
		if it.src.FM.Slug != "" {
			v.title = it.src.FM.Slug
		}
	}
	if !strings.Contains(pattern, ":section") {
		return v
	}
	if postsDir, err := filepath.Rel(b.cfg.Root, b.cfg.path(b.cfg.Build.Posts)); err == nil {
		under := strings.TrimPrefix(it.name(), filepath.ToSlash(postsDir)+"/")
		if dir, _, ok := strings.Cut(under, "/"); ok {
			v.section = dir
		}
	}
	return v
}

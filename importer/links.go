package importer

import (
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/blog-gen/blog/diag"
)

// linkTarget is the target of a Markdown link or image, or of an href or
// src attribute: group 1 is what comes before it, group 2 the URL.
var linkTarget = regexp.MustCompile(`(\]\(\s*<?|\b(?:src|href)\s*=\s*["'])([^\s"'<>()]+)`)

// fixLinks points the posts' links at the new site: a link to an old URL
// of a post (on the old host, or a path from its root) goes to the post's
// new URL, without the detour of a redirect; a relative link to a file
// that exists only at the site's root (old themes set <base href> to the
// root, so images/x.png meant /images/x.png) becomes a path from the
// root. Links that resolve as they are, and every other link, are left.
func (s *site) fixLinks() {
	base := strings.TrimSuffix(urlPath(cmpOr(s.build.Site.URL, "/")), "/")
	old := map[string]string{} // old URL path → new URL, with the base
	for _, d := range s.docs {
		if d.url == "" || d.draft {
			continue
		}
		for _, a := range append([]string{d.oldURL}, d.aliases...) {
			if a = aliasPath(a); a != "" && a != "/" {
				old[a] = base + d.url
			}
		}
	}
	for _, r := range s.redirects {
		if strings.HasPrefix(r.to, "/") {
			old[r.from] = base + r.to // an old feed or tag page
		}
	}
	drafts := map[string]*doc{} // a draft's new URL → the draft
	for _, d := range s.docs {
		if d.draft && d.url != "" {
			drafts[base+d.url] = d
		}
	}
	oldHost := hostOf(s.cfg.URL)
	copied := map[string]string{} // old file → its path in the new blog
	for to, from := range s.copies {
		copied[filepath.Clean(from)] = to
	}
	for _, d := range s.docs {
		if d.bundle == "" { // a bundle's relative links are to the files beside it
			d.body = linkTarget.ReplaceAllStringFunc(d.body, func(m string) string {
				sm := linkTarget.FindStringSubmatch(m)
				if to := s.newLink(d, sm[2], oldHost, base, old, copied); to != "" {
					return sm[1] + to
				}
				return m
			})
		}
		if d.draft {
			continue
		}
		for _, sm := range linkTarget.FindAllStringSubmatch(d.body, -1) {
			if to, ok := drafts[strings.SplitN(sm[2], "#", 2)[0]]; ok {
				s.warn(diag.Pos{File: d.src}, "links to %s, a draft: the link is broken until the draft is published", to.src)
			}
		}
	}
}

// newLink is the new target of the link u of d, or "" to leave it.
// copied maps the old files the import copies to their new paths.
func (s *site) newLink(d *doc, u, oldHost, base string, old, copied map[string]string) string {
	pu, err := url.Parse(u)
	if err != nil || pu.Opaque != "" {
		return ""
	}
	suffix := ""
	if pu.RawQuery != "" {
		suffix = "?" + pu.RawQuery
	}
	if pu.Fragment != "" {
		suffix += "#" + pu.EscapedFragment()
	}
	switch {
	case pu.Scheme == "http" || pu.Scheme == "https":
		if oldHost == "" || hostOf(u) != oldHost {
			return ""
		}
		p := strings.TrimPrefix(pu.Path, strings.TrimSuffix(urlPath(s.cfg.URL), "/"))
		if to, ok := old[aliasPath(p)]; ok {
			return to + suffix
		}
		if to, ok := old[aliasPath(p)+"/"]; ok {
			return to + suffix
		}
	case pu.Scheme != "" || pu.Host != "" || pu.Path == "":
	case strings.HasPrefix(pu.Path, "/"):
		if to, ok := old[pu.Path]; ok && pu.Path != to {
			return to + suffix
		}
		if _, ok := old[pu.Path]; !ok && isMedia(pu.Path) && s.missing(pu.Path) {
			// A file the old host served from elsewhere (another
			// repository's pages, an upload folder not in the source):
			// the new site has no copy, and the build would stop at an
			// image it cannot find.
			if s.cfg.URL == "" {
				s.warn(diag.Pos{File: d.src}, "links to %s, which is not among the old site's files: copy it into static/ by hand", pu.Path)
				return ""
			}
			to := strings.TrimSuffix(s.cfg.URL, "/") + pu.EscapedPath()
			s.warn(diag.Pos{File: d.src}, "links to %s, which is not among the old site's files: linked on the old host as %s", pu.Path, to)
			return to + suffix
		}
	default:
		root := path.Clean("/" + pu.Path)
		if _, ok := s.copies[path.Join("static", root)]; ok {
			return base + root + suffix
		}
		// A link to another post, relative to this one's old URL or, as
		// under an old theme's <base href>, to the old site's root: to
		// that post's new URL (its old one may be another directory).
		if d.oldURL != "" {
			if to, ok := s.oldTarget(old, (&url.URL{Path: oldDir(d.oldURL)}).ResolveReference(&url.URL{Path: pu.Path}).Path); ok {
				return to + suffix
			}
		}
		if to, ok := s.oldTarget(old, root); ok {
			return to + suffix
		}
		// A link relative to the source file itself, as an editor's
		// preview resolves it (../../static/images/x.png): to where
		// that file is published.
		if s.root != "" {
			from := filepath.Join(s.root, filepath.FromSlash(path.Dir(d.src)), filepath.FromSlash(pu.Path))
			if to, ok := copied[from]; ok {
				if rest, ok := strings.CutPrefix(to, "static/"); ok {
					return base + "/" + rest + suffix
				}
			}
		}
		if isMedia(pu.Path) && d.oldURL != "" && s.cfg.URL != "" {
			// In no file of the old site: the old page showed it from
			// where the server had it, beside the page's old URL.
			to := (&url.URL{Path: oldDir(d.oldURL)}).ResolveReference(&url.URL{Path: pu.Path}).EscapedPath()
			abs := strings.TrimSuffix(s.cfg.URL, "/") + to
			s.warn(diag.Pos{File: d.src}, "links to %s, which is not among the old site's files: linked on the old host as %s", pu.Path, abs)
			return abs + suffix
		}
	}
	return ""
}

// oldDir is the directory of the old URL u, with a trailing slash: what
// a relative link on the page at u was resolved against.
func oldDir(u string) string {
	dir := path.Dir(aliasPath(u) + "x")
	if !strings.HasSuffix(dir, "/") {
		dir += "/"
	}
	return dir
}

// oldTarget is the new URL of the post or page whose old URL is the path
// p, given as it is, as a directory, or with the old site's base path
// (the new site's root) in front.
func (s *site) oldTarget(old map[string]string, p string) (string, bool) {
	cands := []string{p}
	if b := strings.TrimSuffix(urlPath(s.cfg.URL), "/"); b != "" {
		if rest, ok := strings.CutPrefix(p, b+"/"); ok {
			cands = append(cands, "/"+rest)
		}
	}
	for _, c := range cands {
		for _, k := range []string{c, strings.TrimSuffix(c, "/") + "/"} {
			if to, ok := old[k]; ok {
				return to, true
			}
		}
	}
	return "", false
}

// missing reports whether the site path p is no file the import writes
// or copies, under static/ or beside a post.
func (s *site) missing(p string) bool {
	p = strings.TrimPrefix(path.Clean(p), "/")
	if _, ok := s.copies[path.Join("static", p)]; ok {
		return false
	}
	if _, ok := s.static[p]; ok {
		return false
	}
	for to := range s.copies {
		if strings.HasSuffix(to, "/"+p) || to == p {
			return false // a bundle's file, published beside its post
		}
	}
	return true
}

// hostOf is u's host, lower case, without www.; "" for a path.
func hostOf(u string) string {
	pu, err := url.Parse(strings.TrimSpace(u))
	if err != nil {
		return ""
	}
	return strings.TrimPrefix(strings.ToLower(pu.Hostname()), "www.")
}

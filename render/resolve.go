package render

import (
	"net/url"
	"path"
	"strings"
)

// ResolveRelative rewrites the relative href and src URLs in the HTML h
// (a post's summary) against pageURL, the site-relative URL of the page
// they were written for: photo.jpg in the summary of /2026/08/trip/ becomes
// /2026/08/trip/photo.jpg, so the summary links the same wherever it is
// shown (the index, a tag page). Root-relative and absolute URLs and
// fragments are left alone.
func ResolveRelative(h, pageURL string) string {
	dir := pageURL
	if !strings.HasSuffix(dir, "/") {
		dir = path.Dir(dir) + "/"
	}
	if !strings.Contains(h, "=") || !strings.HasPrefix(dir, "/") {
		return h
	}
	return string(tagRE.ReplaceAllFunc([]byte(h), func(tag []byte) []byte {
		return attrRE.ReplaceAllFunc(tag, func(attr []byte) []byte {
			m := attrRE.FindSubmatch(attr)
			v, q := string(m[2]), ""
			if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
				q, v = v[:1], v[1:len(v)-1]
			}
			return []byte(string(m[1]) + q + resolve(dir, v) + q)
		})
	}))
}

// resolve returns ref resolved against the directory URL dir when ref is
// a relative path.
func resolve(dir, ref string) string {
	if ref == "" || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "?") {
		return ref
	}
	u, err := url.Parse(ref)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ref
	}
	return (&url.URL{Path: dir}).ResolveReference(u).String()
}

package render

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Links under a sub-path
//
// A post links to its site's pages and files by root-relative URLs, as
// it would at the root of a domain: ![](/img/x.png), [about](/about/).
// When site.url has a path (https://example.com/blog/), those URLs must
// carry it: /blog/img/x.png. Rewriting them in the AST, before anything
// is rendered, covers the body, the summary and the feeds alike, and
// never touches code, which has no link nodes.

// rebase returns dest as a link on a site whose base path is base (with a
// trailing slash, "/" at the root). A root-relative dest not already under
// base gets it; everything else is left alone: relative and absolute
// URLs, protocol-relative //host URLs, fragments, and URLs under base.
func rebase(base, dest string) string {
	if base == "" || base == "/" || !strings.HasPrefix(dest, "/") || strings.HasPrefix(dest, "//") ||
		strings.HasPrefix(dest, base) || dest == strings.TrimSuffix(base, "/") {
		return dest
	}
	return base + dest[1:]
}

// basePath is the path part of a site URL or base path, with a trailing
// slash.
func basePath(base string) string {
	if u, err := url.Parse(base); err == nil && (u.Scheme != "" || u.Host != "") {
		base = u.Path
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	if !strings.HasPrefix(base, "/") {
		base = "/" + base
	}
	return base
}

// siteBase returns the base URL (or path) a template gave relURL or
// absURL: .Site, or a string such as .Site.URL.
func siteBase(site any) string {
	switch s := site.(type) {
	case *Site:
		if s != nil {
			return s.URL
		}
	case Site:
		return s.URL
	case string:
		return s
	}
	return "/"
}

// relURL is the template function {{relURL .Site "/img/x.png"}} (or
// {{"img/x.png" | relURL .Site}}): the site-relative URL of a path, under
// the site's base path. Absolute URLs and URLs already under the base
// path come back as they are.
func relURL(site any, p string) string {
	base := basePath(siteBase(site))
	if u, err := url.Parse(p); err != nil || u.Scheme != "" || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "#") {
		return p
	}
	if !strings.HasPrefix(p, "/") {
		return base + p
	}
	return rebase(base, p)
}

// absURL is the template function {{absURL .Site "/img/x.png"}}: the
// absolute URL of a path on the site, as relURL places it. The first
// argument may also be a base URL string, as in earlier themes.
func absURL(site any, p string) string {
	raw := siteBase(site)
	b, err := url.Parse(raw)
	if err != nil {
		return p
	}
	r, err := url.Parse(relURL(raw, p))
	if err != nil {
		return p
	}
	return b.ResolveReference(r).String()
}

// linkTransformer rebases the destinations of links and images.
type linkTransformer struct{ base string }

func (t linkTransformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Link:
			n.Destination = []byte(rebase(t.base, string(n.Destination)))
		case *ast.Image:
			n.Destination = []byte(rebase(t.base, string(n.Destination)))
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
}

// tagRE matches an HTML start tag, and attrRE an href or src attribute
// in one, with its value (quoted or not).
var (
	tagRE  = regexp.MustCompile(`<[A-Za-z][^<>]*>`)
	attrRE = regexp.MustCompile(`(?i)(\s(?:href|src)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>` + "`" + `]+)`)
)

// rebaseHTML rebases the href and src attributes of the tags in raw HTML.
// Text between tags is left alone: a literal "<a href" there would be
// markup, so what looks like one in a code example is escaped already.
func rebaseHTML(base string, b []byte) []byte {
	return tagRE.ReplaceAllFunc(b, func(tag []byte) []byte {
		return attrRE.ReplaceAllFunc(tag, func(attr []byte) []byte {
			m := attrRE.FindSubmatch(attr)
			v, q := string(m[2]), ""
			if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
				q, v = v[:1], v[1:len(v)-1]
			}
			return []byte(string(m[1]) + q + rebase(base, v) + q)
		})
	})
}

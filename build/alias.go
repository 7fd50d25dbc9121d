package build

import (
	"bytes"
	"fmt"
	"html/template"
	"slices"
	"strings"

	"github.com/blog-gen/blog/diag"
)

// Aliases are the old URLs of a post (front matter aliases, Hugo's and
// Zola's name, or redirect_from, Jekyll's). Each gets a small redirect page
// at its path, and the site gets one _redirects list of them all for the
// hosts that read it (Netlify, Cloudflare Pages), which can then answer
// with a real 301.

// alias is one old URL of a published post or page.
type alias struct {
	from string   // the alias: a clean path from the output root
	out  string   // the redirect page's file
	it   *item    // the post it leads to
	pos  diag.Pos // where the alias is written
}

// aliases lists the aliases of the published posts and pages, in source
// path order, each path once per post. Two kinds read it, concurrently:
// it is made once per build.
func (b *builder) aliases() []alias {
	b.aliasOnce.Do(func() { b.aliasList = b.findAliases() })
	return b.aliasList
}

func (b *builder) findAliases() []alias {
	var items []*item // most posts have none
	for _, it := range b.all() {
		if len(it.fm.Aliases) > 0 {
			items = append(items, it)
		}
	}
	slices.SortFunc(items, func(a, c *item) int { return strings.Compare(a.rel, c.rel) })
	var out []alias
	for _, it := range items {
		seen := map[string]bool{}
		for i, a := range it.fm.Aliases {
			file := aliasFile(a)
			if seen[file] {
				continue
			}
			seen[file] = true
			pos, ok := it.fm.Pos[fmt.Sprintf("aliases.%d", i)]
			if !ok || pos.Line == 0 {
				pos = diag.Pos{File: it.rel, Line: 1, Col: 1}
			}
			out = append(out, alias{from: a, out: file, it: it, pos: pos})
		}
	}
	return out
}

// aliasFile is the redirect page's file for the alias path a: the file
// itself for an HTML name, else a directory's index.html
// (/2011/04/slug and /2011/04/slug/ are both 2011/04/slug/index.html).
func aliasFile(a string) string {
	if isHTMLFile(a) {
		return strings.TrimPrefix(a, "/")
	}
	if a = strings.Trim(a, "/"); a == "" {
		return "index.html"
	}
	return a + "/index.html"
}

// aliasPages: a redirect page at each alias. An alias ranks after every
// other producer (byAlias), so one that falls on a post, a page, a
// generated page, a static file or another alias is an error at the
// alias, naming the other (see checkProducers).
type aliasPages struct{}

func (aliasPages) plan(p *planner) ([]*output, error) {
	b := p.b
	var outs []*output
	for _, a := range b.aliases() {
		target := a.it.meta.Permalink
		title := a.it.meta.Title
		outs = append(outs, &output{
			path: a.out,
			dep:  newHasher("alias", a.out, target, title).key(b.global).sum(),
			from: origin{what: "the alias at " + a.pos.String(), pos: a.pos, rank: byAlias},
			render: func() ([]byte, error) {
				var buf bytes.Buffer
				err := redirectPage.Execute(&buf, map[string]string{"URL": target, "Title": title, "Lang": b.site.Language})
				return buf.Bytes(), err
			},
		})
	}
	return outs, nil
}

// redirectPage sends readers and crawlers on to the post: at once with a
// refresh, with a canonical link for search engines (which also read the
// refresh as a permanent redirect), kept out of indexes, and with a
// link for readers whose browser does not follow refreshes.
var redirectPage = template.Must(template.New("redirect").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<title>Moved: {{.Title}}</title>
<link rel="canonical" href="{{.URL}}">
<meta name="robots" content="noindex">
<meta http-equiv="refresh" content="0; url={{.URL}}">
</head>
<body>
<p>This page has moved to <a href="{{.URL}}">{{.URL}}</a>.</p>
</body>
</html>
`))

// redirectsPath is the redirect list hosts read, at the output's root.
const redirectsPath = "_redirects"

// redirectsFile: _redirects, every alias as "/old /new 301" in Netlify's
// and Cloudflare Pages' format, sorted, with paths from the host's root
// (site.url's path included). Written only when there are aliases. A
// _redirects of the site's own (static/_redirects) is kept: its lines come
// first, so its rules win where both name a path.
type redirectsFile struct{}

func (redirectsFile) plan(p *planner) ([]*output, error) {
	b := p.b
	var lines []string
	for _, a := range b.aliases() {
		lines = append(lines, fmt.Sprintf("%s %s 301\n", b.base+strings.TrimPrefix(a.from, "/"), a.it.meta.URL))
	}
	if len(lines) == 0 {
		return nil, nil
	}
	slices.Sort(lines)
	list := strings.Join(lines, "")
	h := newHasher("redirects", list).key(b.global)
	own := p.take(redirectsPath)
	if own != nil {
		h.key(own.dep)
	}
	return []*output{{path: redirectsPath, dep: h.sum(), from: origin{what: "the alias list " + redirectsPath, rank: byBuild}, render: func() ([]byte, error) {
		if own == nil {
			return []byte(list), nil
		}
		data, err := own.render()
		if err != nil {
			return nil, err
		}
		if len(data) > 0 && !bytes.HasSuffix(data, []byte("\n")) {
			data = append(data, '\n')
		}
		return append(data, list...), nil
	}}}, nil
}

// take removes the output planned at path, if any, and returns it, for a
// kind that folds another's output into its own.
func (p *planner) take(path string) *output {
	i := slices.IndexFunc(p.outs, func(o *output) bool { return o.path == path })
	if i < 0 {
		return nil
	}
	o := p.outs[i]
	p.outs = slices.Delete(p.outs, i, i+1)
	return o
}

package build

import (
	"cmp"
	"fmt"
	"maps"
	"path"
	"slices"
	"strings"

	"github.com/blog-gen/blog/diag"
)

// Every output path has exactly one producer. A second producer of a path
// is an error naming both, and so is an output whose path is a directory
// another output needs (atom.xml and atom.xml/index.html): the build
// fails before anything is written, in a full build or an incremental
// one. The one override is by design and is not a collision: a site's own
// static file replaces the theme's static file of the same path (see
// planStatic). A site's static file at the path of a generated page or of
// a post is an error like any other.

// Ranks of producers: when several claim one path, the lowest rank is
// named as the owner and each other one is the error, located where the
// site can change it.
const (
	byBuild  = iota // a generated page, feed or file
	byTheme         // a static file of the theme
	byStatic        // a static file of the site
	bySource        // a post or standalone page
	byAlias         // a redirect page at an old URL of a post (alias.go)
	byAsset         // a file of a page bundle, beside its post (bundle.go)
)

// origin names the producer of an output. The name is put together only
// for an error: a plan has an origin per output.
type origin struct {
	what string   // "the Atom feed", "the tag page for go", "static file static/x"; "" for a source
	pos  diag.Pos // the site file (and place in it) that decides the path, if any
	rank int
	n    int  // the page number, for a list's pages after the first
	page bool // for bySource: a standalone page, not a post
}

// name is how errors name the producer: "the Atom feed", "page 2 of the
// index page", "posts/a.md:4:12".
func (o origin) name() string {
	switch {
	case o.rank == bySource:
		return o.pos.String()
	case o.n > 1:
		return fmt.Sprintf("page %d of %s", o.n, o.what)
	}
	return o.what
}

// sourceOrigin names the post or page it: located at its permalink, else
// its slug, else its first line (its path comes from its file name).
func sourceOrigin(it *item) origin {
	pos := diag.Pos{File: it.rel, Line: 1, Col: 1}
	switch fm := &it.src.FM; {
	case fm.Permalink != "" && fm.Pos["permalink"].Line > 0:
		pos = fm.Pos["permalink"]
	case fm.URL != "" && fm.Pos["url"].Line > 0:
		pos = fm.Pos["url"]
	case fm.Slug != "" && fm.Pos["slug"].Line > 0:
		pos = fm.Pos["slug"]
	}
	pos.File = it.rel
	return origin{pos: pos, rank: bySource, page: it.isPage}
}

// fix says what to do about a collision where o is the later producer
// and owner the first.
func (o origin) fix(owner origin) string {
	switch {
	case o.rank == bySource && owner.rank == bySource:
		return "give one of them another slug or permalink"
	case o.rank == bySource && o.page:
		return "give the page another slug or permalink"
	case o.rank == bySource:
		return "give the post another slug or permalink"
	case o.rank == byStatic:
		return "rename or remove the static file"
	case o.rank == byAlias:
		return "remove the alias"
	case o.rank == byAsset:
		return "rename or move the bundle's file"
	}
	return ""
}

// error is the collision of o with owner, o being the later: located at o
// when o is a site file, else prefixed with o's name.
func (o origin) error(owner origin, msg string) error {
	if fix := o.fix(owner); fix != "" {
		msg += ": " + fix
	}
	if o.pos.File == "" {
		return fmt.Errorf("%s: %s", o.name(), msg)
	}
	return &diag.Error{Pos: o.pos, Err: fmt.Errorf("%s", msg)}
}

// compareOrigins orders the producers of outputs: by rank, then the site
// file, then the path.
func compareOrigins(a, c *output) int {
	return cmp.Or(cmp.Compare(a.from.rank, c.from.rank), strings.Compare(a.from.pos.File, c.from.pos.File),
		strings.Compare(a.path, c.path), cmp.Compare(a.from.pos.Line, c.from.pos.Line))
}

// outputURL is the URL of the output at the slash path p.
func outputURL(base, p string) string {
	if p == "index.html" {
		return base
	}
	if dir, ok := strings.CutSuffix(p, "/index.html"); ok {
		return base + dir + "/"
	}
	return base + p
}

// checkProducers reports every path of outs that two outputs claim, and
// every output whose path is another output's directory. It returns the
// set of paths it made (each path's first producer by rank), which write
// takes to find the last build's outputs no longer planned.
func checkProducers(outs []*output, base string) (map[string]*output, error) {
	owner := make(map[string]*output, len(outs)) // the first producer of each path
	var claims map[string][]*output              // every producer of a path claimed twice
	for _, o := range outs {
		prev, ok := owner[o.path]
		switch {
		case !ok:
			owner[o.path] = o
		case claims[o.path] == nil:
			if claims == nil {
				claims = make(map[string][]*output)
			}
			claims[o.path] = []*output{prev, o}
		default:
			claims[o.path] = append(claims[o.path], o)
		}
	}
	var errs diag.List
	for _, p := range slices.Sorted(maps.Keys(claims)) {
		list := claims[p]
		slices.SortStableFunc(list, compareOrigins)
		owner[p] = list[0]
		for _, o := range list[1:] {
			errs.Add(o.from.error(list[0].from, fmt.Sprintf("URL %s is also written by %s", outputURL(base, p), list[0].from.name())))
		}
	}
	// A directory an output claims (output.claims) is its producer's
	// alone: a full build knows the files it makes there only once the
	// bodies rendered, after this check.
	for _, c := range outs {
		if c.claims == "" {
			continue
		}
		dir := strings.TrimSuffix(c.claims, "/")
		for _, o := range outs {
			if o.from != c.from && (o.path == dir || strings.HasPrefix(o.path, c.claims)) {
				errs.Add(o.from.error(c.from, fmt.Sprintf("URL %s is in %s, where %s writes its files", outputURL(base, o.path), outputURL(base, c.claims), c.from.name())))
			}
		}
	}
	// below[d] is the first output (by rank) under the path d of a file.
	var below map[string]*output
	for _, o := range outs {
		for d := path.Dir(o.path); d != "."; d = path.Dir(d) {
			if _, ok := owner[d]; !ok {
				continue
			}
			if below == nil {
				below = make(map[string]*output)
			}
			if cur := below[d]; cur == nil || compareOrigins(o, cur) < 0 {
				below[d] = o
			}
		}
	}
	for _, d := range slices.Sorted(maps.Keys(below)) {
		file, dir := owner[d], below[d]
		fileURL, dirURL := outputURL(base, d), outputURL(base, dir.path)
		if compareOrigins(file, dir) < 0 {
			errs.Add(dir.from.error(file.from, fmt.Sprintf("URL %s needs %s to be a directory, but %s writes a file there", dirURL, fileURL, file.from.name())))
		} else {
			errs.Add(file.from.error(dir.from, fmt.Sprintf("URL %s is a file, but %s needs a directory there (%s)", fileURL, dir.from.name(), dirURL)))
		}
	}
	return owner, errs.Err()
}

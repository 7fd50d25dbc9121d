package build

import (
	"maps"
	"slices"
	"strconv"

	"github.com/blog-gen/blog/render"
)

// search: the search page (search/index.html, whose script is inline), the
// index's manifest and fragments, and one document file per post (see
// search_index.go). The index is built at plan time from the text each
// source's scan keeps (sourceState.Text), so an incremental build knows it
// without rendering a body; each index file is keyed to its own bytes and
// each document file to its post, so an edit writes only the files it
// changes. build.disable: [search] turns all of it off.
type search struct{}

func (search) plan(p *planner) ([]*output, error) {
	b := p.b
	if !b.cfg.Enabled("search") {
		return nil, nil
	}
	outs := []*output{p.templated("search/index.html", "search.html", p.listKey("search", nil, false), origin{what: "the search page"}, func() *render.Page {
		pg := b.page("search", "Search", p.site.BasePath+"search/")
		pg.Description = "Search " + p.site.Title
		return pg
	})}
	// Oldest first: a new post is the next number and renumbers nothing.
	posts := slices.Clone(b.posts)
	slices.Reverse(posts)
	docs := make([]searchDoc, len(posts))
	for i, it := range posts {
		docs[i] = searchDoc{title: it.fm.Title, text: it.src.Text}
		docPath := searchDocDir + strconv.Itoa(i) + ".json"
		outs = append(outs, &output{
			path: docPath,
			dep:  newHasher("search doc", docPath, it.rel).key(b.global).key(it.src.Hash).key(it.src.Meta).sum(),
			from: origin{what: "the search index"},
			render: func() ([]byte, error) {
				return encodeSearchDoc(it.fm.Title, it.meta.URL, it.fm.Date.Format("2006-01-02"), it.src.Text), nil
			},
		})
	}
	idx := buildSearchIndex(docs)
	files := maps.Clone(idx.fragments)
	files["search/index.json"] = idx.manifest
	for _, path := range slices.Sorted(maps.Keys(files)) {
		data := files[path]
		outs = append(outs, &output{
			path:   path,
			dep:    newHasher("search index", path).key(hashBytes(data)).sum(),
			from:   origin{what: "the search index"},
			render: func() ([]byte, error) { return data, nil },
		})
	}
	return outs, nil
}

package build

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/blog-gen/blog/render"
)

// search: the search page (search/index.html, whose script is inline), the
// index's manifest and fragments, and one document file per post (see
// search_index.go). The index is made once the posts' pages have
// rendered, from the text each body's render gives (sourceState.text,
// kept in the state), so that a body is parsed once; an incremental build
// reads the texts of the posts it did not render from the state. Each
// index file is keyed to its own bytes and each document file to its
// post, so an edit writes only the files it changes. The fragments'
// names are known only then: the index claims search/f/ whole when the
// paths are checked. build.disable: [search] turns all of it off.
type search struct{}

func (search) modelOnly() {}

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
	deps := make([]key, len(posts))
	texts := make([]textAt, len(posts))
	for i, it := range posts {
		docs[i] = searchDoc{title: it.fm.Title} // the text is read when needed
		docPath := searchDocPath(i)
		deps[i] = b.docKey(i, docPath, it)
		outs = append(outs, &output{
			path: docPath,
			dep:  deps[i],
			from: origin{what: "the search index"},
			render: func() ([]byte, error) {
				// On a worker, while a feed may render the post's
				// body: the text is where the index found it.
				text, _, err := b.readText(it.rel, it.abs, it.src.Hash, texts[i])
				if err != nil {
					return nil, err
				}
				return encodeSearchDoc(it.fm.Title, it.meta.URL, it.fm.Date.Format("2006-01-02"), text), nil
			},
		})
	}
	from := origin{what: "the search index"}
	return append(outs, &output{
		path:   searchManifestPath,
		from:   from,
		claims: searchFragDir,
		late: func() ([]*output, error) {
			for i, it := range posts {
				texts[i] = textAt{ref: it.src.text, known: it.src.Rendered}
			}
			return b.searchIndex(posts, docs, deps, from)
		},
	}), nil
}

// searchManifestPath is the path of the index's manifest.
const searchManifestPath = "search/index.json"

// searchIndex makes the index of posts (oldest first; docs and deps are
// their documents and their files' keys), patched from the last build's
// when it can be, and returns its manifest and fragments as outputs. It
// fills in the text of each document in docs whose key changed (every
// one when the index is made whole).
func (b *builder) searchIndex(posts []*item, docs []searchDoc, deps []key, from origin) ([]*output, error) {
	idx, ok := b.patchSearch(posts, docs, deps)
	if !ok {
		var err error
		idx, err = buildSearchIndexOf(len(docs), func(i int) (searchDoc, error) {
			it := posts[i]
			text, derived, err := b.searchText(it.rel, it.abs, it.src)
			if derived {
				// Between the phases: kept in memory, the text is
				// written anew with the state.
				it.src.text, it.src.raw = memText(text), ""
			}
			return searchDoc{title: docs[i].title, text: text}, err
		}, searchDefaultSizes)
		if err != nil {
			return nil, err
		}
	}
	files := maps.Clone(idx.fragments)
	files[searchManifestPath] = idx.manifest
	var outs []*output
	for _, path := range slices.Sorted(maps.Keys(files)) {
		data := files[path]
		if data == nil { // the last build's, unchanged
			kept := b.old.Outputs[path].Hash
			outs = append(outs, &output{
				path:   path,
				dep:    newHasher("search index", path).key(kept).sum(),
				from:   from,
				render: func() ([]byte, error) { return b.oldOutput(path, kept) },
			})
			continue
		}
		outs = append(outs, &output{
			path:   path,
			dep:    newHasher("search index", path).key(hashBytes(data)).sum(),
			from:   from,
			render: func() ([]byte, error) { return data, nil },
		})
	}
	return outs, nil
}

func searchDocPath(n int) string { return searchDocDir + strconv.Itoa(n) + ".json" }

// searchDocKey is the key of a document file: its number, its post's
// source and what every output depends on.
func searchDocKey(docPath, rel string, global key, src *sourceState) key {
	return newHasher("search doc", docPath, rel).key(global).key(src.Hash).key(src.Meta).sum()
}

// docKey is searchDocKey of it's document file docPath, number n, kept in
// its source's state while the number is the same (the key is a hash,
// 10,000 of them per build). The global key is the same while the state
// is.
func (b *builder) docKey(n int, docPath string, it *item) key {
	s := it.src
	if s.Doc == n+1 {
		return s.DocKey
	}
	k := searchDocKey(docPath, it.rel, b.global, s)
	s.Doc, s.DocKey, s.raw = n+1, k, "" // raw: the entry changed
	return k
}

// patchSearch is the index of docs (posts', oldest first; deps are their
// files' keys) patched from the last build's, when it can be: see
// patchSearchIndex. What it reads of the last build's output must have
// the bytes the cache state says.
func (b *builder) patchSearch(posts []*item, docs []searchDoc, deps []key) (searchIndex, bool) {
	if b.old == nil {
		return searchIndex{}, false
	}
	m, ok := b.old.Outputs[searchManifestPath]
	if !ok {
		return searchIndex{}, false
	}
	manifest, err := b.oldOutput(searchManifestPath, m.Hash)
	if err != nil {
		return searchIndex{}, false
	}
	var changes []docChange
	for i, it := range posts {
		docPath := searchDocPath(i)
		prev, had := b.old.Outputs[docPath]
		if had && prev.Dep == deps[i] {
			continue // the same post, unchanged
		}
		var was *searchDoc
		if had {
			// The same post, changed, or another post: renumbered.
			src := b.old.Sources[it.rel]
			if src == nil || searchDocKey(docPath, it.rel, b.global, src) != prev.Dep {
				return searchIndex{}, false
			}
			old := *it
			old.src = src
			if b.derive(&old) != nil {
				return searchIndex{}, false
			}
			text, err := src.text.read()
			if err != nil {
				return searchIndex{}, false
			}
			was = &searchDoc{title: old.fm.Title, text: text}
		} // else a new number: patchSearchIndex checks it is past the old ones
		text, _, err := b.searchText(it.rel, it.abs, it.src)
		if err != nil {
			return searchIndex{}, false
		}
		docs[i].text = text
		changes = append(changes, docChange{doc: i, old: was, new: &docs[i]})
	}
	frag := func(name string) ([]byte, bool) {
		path := searchFragDir + name + ".json"
		o, ok := b.old.Outputs[path]
		if !ok {
			return nil, false
		}
		data, err := b.oldOutput(path, o.Hash)
		return data, err == nil
	}
	idx, ok := patchSearchIndex(manifest, frag, len(docs), changes, searchDefaultSizes)
	for path, data := range idx.fragments {
		if _, had := b.old.Outputs[path]; data == nil && !had {
			return searchIndex{}, false // kept, but not in the state: not known to be on disk
		}
	}
	return idx, ok
}

// oldOutput reads an output file the last build wrote, which must still
// have the bytes it wrote (hash).
func (b *builder) oldOutput(path string, hash key) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(b.old.Output, filepath.FromSlash(path)))
	if err == nil && hashBytes(data) != hash {
		err = fmt.Errorf("%s: changed since the last build: build again", path)
	}
	return data, err
}

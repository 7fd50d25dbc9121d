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
// search_index.go). The index is made from the text each body's render
// gives (sourceState.text, kept in the state), so that a body is parsed
// once: a full build makes it once the bodies have rendered; an
// incremental build, which renders few, with the plan, from the state's
// texts and those of the bodies it will render, derived as their renders
// will give them. Each index file is keyed to its own bytes and each
// document file to its post, so an edit writes only the files it
// changes. The index claims search/f/ whole: in a full build its
// fragments' names are known only after the paths are checked.
// build.disable: [search] turns all of it off.
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
	sp := &searchPlan{posts: slices.Clone(b.posts), from: origin{what: "the search index"}}
	slices.Reverse(sp.posts)
	n := len(sp.posts)
	sp.docs, sp.deps, sp.texts = make([]searchDoc, n), make([]key, n), make([]textAt, n)
	for i, it := range sp.posts {
		sp.docs[i] = searchDoc{title: it.fm.Title} // the text is read when needed
		docPath := searchDocPath(i)
		sp.deps[i] = b.docKey(i, docPath, it)
		outs = append(outs, &output{
			path: docPath,
			dep:  sp.deps[i],
			from: sp.from,
			render: func() ([]byte, error) {
				// On a worker, while a feed may render the post's
				// body: the text is where the index found it.
				text, _, err := b.readText(it.rel, it.abs, it.src.Hash, sp.texts[i])
				if err != nil {
					return nil, err
				}
				return encodeSearchDoc(it.fm.Title, it.meta.URL, it.fm.Date.Format("2006-01-02"), text), nil
			},
		})
	}
	if b.old != nil {
		// An incremental build renders few bodies: the index is made with
		// the plan (on its own goroutine), the texts of those changed
		// derived as their renders will give them.
		index, err := b.searchIndex(sp)
		if err != nil {
			return nil, err
		}
		return append(outs, index...), nil
	}
	// A full build renders every body: the index waits for their texts.
	return append(outs, &output{
		path:   searchManifestPath,
		from:   sp.from,
		claims: searchFragDir,
		late:   func() ([]*output, error) { return b.searchIndex(sp) },
	}), nil
}

// searchManifestPath is the path of the index's manifest.
const searchManifestPath = "search/index.json"

// searchPlan is what the search index and its documents are made from:
// the posts, oldest first, with their documents, their files' keys and
// where their texts are.
type searchPlan struct {
	posts []*item
	docs  []searchDoc
	deps  []key
	texts []textAt // taken when the index is made, for the document files
	from  origin
}

// docText is the text of document i, which it keeps in sp.texts when it was
// derived (see readText).
func (b *builder) docText(sp *searchPlan, i int) (string, error) {
	it := sp.posts[i]
	text, derived, err := b.readText(it.rel, it.abs, it.src.Hash, sp.texts[i])
	if derived {
		sp.texts[i] = textAt{ref: memText(text), known: true}
		if it.src.Rendered {
			// Damaged in the cache: kept in memory, the text is written
			// anew with the state.
			it.src.text, it.src.raw = memText(text), ""
		}
	}
	return text, err
}

// searchIndex makes the index of sp's posts, patched from the last
// build's when it can be, and returns its manifest, which claims the
// fragments' directory (see checkProducers), and its fragments.
func (b *builder) searchIndex(sp *searchPlan) ([]*output, error) {
	for i, it := range sp.posts {
		sp.texts[i] = textAt{ref: it.src.text, known: it.src.Rendered}
	}
	idx, ok := b.patchSearch(sp)
	if !ok {
		var err error
		idx, err = buildSearchIndexOf(len(sp.docs), func(i int) (searchDoc, error) {
			text, err := b.docText(sp, i)
			return searchDoc{title: sp.docs[i].title, text: text}, err
		}, searchDefaultSizes)
		if err != nil {
			return nil, err
		}
	}
	files := maps.Clone(idx.fragments)
	files[searchManifestPath] = idx.manifest
	var outs []*output
	for _, path := range slices.Sorted(maps.Keys(files)) {
		o := &output{path: path, from: sp.from}
		if data := files[path]; data == nil { // the last build's, unchanged
			kept := b.old.Outputs[path].Hash
			o.dep = newHasher("search index", path).key(kept).sum()
			o.render = func() ([]byte, error) { return b.oldOutput(path, kept) }
		} else {
			o.dep = newHasher("search index", path).key(hashBytes(data)).sum()
			o.render = func() ([]byte, error) { return data, nil }
		}
		if path == searchManifestPath {
			o.claims = searchFragDir
		}
		outs = append(outs, o)
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
func (b *builder) patchSearch(sp *searchPlan) (searchIndex, bool) {
	posts, docs, deps := sp.posts, sp.docs, sp.deps
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
			if src == nil || !src.Rendered || searchDocKey(docPath, it.rel, b.global, src) != prev.Dep {
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
		text, err := b.docText(sp, i)
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

package build

import (
	"bytes"
	"encoding/json"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// patchAgainstWhole patches the index of before with changes and checks
// the result is byte for byte the whole index of after. It reports whether
// the patch was made (false: it declined, and the caller builds whole).
func patchAgainstWhole(t *testing.T, before, after []searchDoc, changes []docChange, sz searchSizes) bool {
	t.Helper()
	old := buildSearchIndex(before, sz)
	frag := func(name string) ([]byte, bool) {
		data, ok := old.fragments[searchFragDir+name+".json"]
		return data, ok
	}
	got, ok := patchSearchIndex(old.manifest, frag, len(after), changes, sz)
	if !ok {
		return false
	}
	want := buildSearchIndex(after, sz)
	if !bytes.Equal(got.manifest, want.manifest) {
		t.Fatalf("manifest:\n%.2000s\nwant\n%.2000s", got.manifest, want.manifest)
	}
	if g, w := slices.Sorted(maps.Keys(got.fragments)), slices.Sorted(maps.Keys(want.fragments)); !slices.Equal(g, w) {
		t.Fatalf("fragments %q, want %q", g, w)
	}
	for path, w := range want.fragments {
		g := got.fragments[path]
		if g == nil {
			g = old.fragments[path] // kept
		}
		if !bytes.Equal(g, w) {
			t.Fatalf("%s:\n%.2000s\nwant\n%.2000s", path, g, w)
		}
	}
	return true
}

// editDocs applies n random edits to a copy of docs, as a writer does:
// a word added, a word removed, a title changed, a new post at the end.
func editDocs(rng *rand.Rand, docs []searchDoc, n int, words []string) ([]searchDoc, []docChange) {
	after := slices.Clone(docs)
	changed := map[int]bool{}
	for range n {
		if rng.IntN(5) == 0 {
			after = append(after, searchDoc{title: words[rng.IntN(len(words))] + " new", text: strings.Repeat(words[rng.IntN(len(words))]+" ", 1+rng.IntN(50))})
			changed[len(after)-1] = true
			continue
		}
		i := rng.IntN(len(docs))
		d := &after[i]
		switch rng.IntN(4) {
		case 0:
			d.text += " " + words[rng.IntN(len(words))]
		case 1:
			if f := strings.Fields(d.text); len(f) > 0 {
				k := rng.IntN(len(f))
				d.text = strings.Join(append(f[:k:k], f[k+1:]...), " ")
			}
		case 2:
			d.title = words[rng.IntN(len(words))] + " " + words[rng.IntN(len(words))]
		default:
			d.text = strings.ReplaceAll(d.text, words[rng.IntN(len(words))], words[rng.IntN(len(words))])
		}
		changed[i] = true
	}
	var changes []docChange
	for _, i := range slices.Sorted(maps.Keys(changed)) {
		c := docChange{doc: i, new: &after[i]}
		if i < len(docs) {
			c.old = &docs[i]
		}
		changes = append(changes, c)
	}
	return after, changes
}

// vocabDocs is n documents of Zipf-distributed words from a vocabulary of
// random ones, a few of them common enough to be big terms at smallSizes.
func vocabDocs(rng *rand.Rand, n int) ([]searchDoc, []string) {
	vocab := make([]string, 3000)
	for i := range vocab {
		var w []byte
		for range 2 + rng.IntN(8) {
			w = append(w, byte('a'+rng.IntN(26)))
		}
		vocab[i] = string(w)
	}
	vocab = append(vocab, "été", "İstanbul", "日本語", "straße", "ǅemal", "\u212a", "x"+strings.Repeat("y", 31))
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	docs := make([]searchDoc, n)
	for i := range docs {
		var text strings.Builder
		for range 20 + rng.IntN(200) {
			text.WriteString(vocab[zipf.Uint64()])
			text.WriteByte(' ')
		}
		docs[i] = searchDoc{title: vocab[zipf.Uint64()] + " " + vocab[rng.IntN(len(vocab))], text: text.String()}
	}
	return docs, vocab
}

// smallSizes cut the index of vocabDocs into dozens of fragments.
var smallSizes = searchSizes{frag: 2 << 10, big: 400}

// TestSearchPatchSameBytes: a patched index is the whole index of the
// edited documents, byte for byte, over random edits to indexes of one
// fragment and of dozens, with big terms, rare words and words of other
// scripts; and the patch is made for most of them (it declines only when
// the spacing of boundaries changes).
func TestSearchPatchSameBytes(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	many, vocab := vocabDocs(rng, 150)
	for _, tc := range []struct {
		name string
		docs []searchDoc
		sz   searchSizes
	}{
		{"one fragment", benchSearchDocs(3), searchDefaultSizes},
		{"dozens of fragments", many, smallSizes},
	} {
		if n := len(buildSearchIndex(tc.docs, tc.sz).fragments); tc.sz == smallSizes && n < 30 {
			t.Fatalf("%s: %d fragments", tc.name, n)
		}
		made, edits := 0, 0
		for range 60 {
			docs := tc.docs
			// Edits on top of each other, each patched from the index
			// of the one before.
			for range 3 {
				after, changes := editDocs(rng, docs, 1+rng.IntN(4), vocab)
				edits++
				if patchAgainstWhole(t, docs, after, changes, tc.sz) {
					made++
				}
				docs = after
			}
		}
		if made < edits*3/4 {
			t.Errorf("%s: patched %d of %d edits, want most", tc.name, made, edits)
		}
	}
}

// TestSearchPatchFragmentEdges: removing the first or the last term of
// each fragment from the index, and adding a term just before each
// fragment's first, patches to the whole index: fragments merge or split
// at their edges as a whole build cuts them. Adding many terms at once
// changes the spacing of boundaries, and the patch declines or is exact.
func TestSearchPatchFragmentEdges(t *testing.T) {
	t.Parallel()
	docs, _ := vocabDocs(rand.New(rand.NewPCG(7, 8)), 150)
	idx := buildSearchIndex(docs, smallSizes)
	var m searchManifest
	if err := json.Unmarshal(idx.manifest, &m); err != nil {
		t.Fatal(err)
	}
	// withoutTerm removes every occurrence of term from the documents.
	withoutTerm := func(term string) ([]searchDoc, []docChange) {
		after := slices.Clone(docs)
		var changes []docChange
		for i, d := range docs {
			var kept []string
			found := false
			for _, w := range strings.Fields(d.text) {
				if strings.ToLower(w) == term {
					found = true
					continue
				}
				kept = append(kept, w)
			}
			if found {
				after[i].text = strings.Join(kept, " ")
				changes = append(changes, docChange{doc: i, old: &docs[i], new: &after[i]})
			}
		}
		return after, changes
	}
	made := 0
	for k, first := range m.Firsts {
		es, ok := parseFragment(idx.fragments[searchFragDir+m.Names[k]+".json"])
		if !ok {
			t.Fatalf("fragment %d unreadable", k)
		}
		for _, term := range []string{first, es[len(es)-1].term} {
			if after, changes := withoutTerm(term); len(changes) > 0 && patchAgainstWhole(t, docs, after, changes, smallSizes) {
				made++
			}
		}
		if k > 0 {
			// A new term sorting just before the fragment's first.
			after := slices.Clone(docs)
			after[k].text += " " + first[:len(first)-1] + "\u00e0"
			if patchAgainstWhole(t, docs, after, []docChange{{doc: k, old: &docs[k], new: &after[k]}}, smallSizes) {
				made++
			}
		}
	}
	if made < 2*len(m.Firsts) {
		t.Errorf("patched %d of %d edge edits", made, 3*len(m.Firsts)-1)
	}
	// Thousands of new terms in a new document.
	var text strings.Builder
	for i := range 5000 {
		text.WriteString("new" + strconv.Itoa(i) + " ")
	}
	after := append(slices.Clone(docs), searchDoc{"flood", text.String()})
	patchAgainstWhole(t, docs, after, []docChange{{doc: len(docs), new: &after[len(docs)]}}, smallSizes)
}

// TestSearchPatchDeclines: the patch is not made, and the index is built
// whole, when it cannot be exact.
func TestSearchPatchDeclines(t *testing.T) {
	t.Parallel()
	docs := benchSearchDocs(100)
	old := buildSearchIndex(docs, searchDefaultSizes)
	frag := func(name string) ([]byte, bool) {
		data, ok := old.fragments[searchFragDir+name+".json"]
		return data, ok
	}
	edited := docs[5]
	edited.text += " unheardof"
	edit := []docChange{{doc: 5, old: &docs[5], new: &edited}}
	if _, ok := patchSearchIndex(old.manifest, frag, len(docs), edit, searchDefaultSizes); !ok {
		t.Fatal("a one-word edit was not patched")
	}
	bad := func(name string) ([]byte, bool) {
		data, ok := frag(name)
		return append(slices.Clone(data[:len(data)-3]), "1}\n"...), ok
	}
	for name, tc := range map[string]struct {
		manifest []byte
		frag     func(string) ([]byte, bool)
		n        int
		changes  []docChange
	}{
		"a document removed":        {old.manifest, frag, len(docs) - 1, nil},
		"a new document unreported": {old.manifest, frag, len(docs) + 1, nil},
		"an old document as new":    {old.manifest, frag, len(docs), []docChange{{doc: 5, new: &edited}}},
		"a new document as old":     {old.manifest, frag, len(docs) + 1, []docChange{{doc: len(docs), old: &docs[0], new: &edited}}},
		"a fragment missing":        {old.manifest, func(string) ([]byte, bool) { return nil, false }, len(docs), edit},
		"a fragment changed":        {old.manifest, bad, len(docs), edit},
		"a manifest cut short":      {old.manifest[:len(old.manifest)/2], frag, len(docs), edit},
		"a manifest without totals": {bytes.Replace(old.manifest, []byte(`"terms":`), []byte(`"other":`), 1), frag, len(docs), edit},
		"another manifest version":  {bytes.Replace(old.manifest, []byte(`"v":1`), []byte(`"v":2`), 1), frag, len(docs), edit},
	} {
		if _, ok := patchSearchIndex(tc.manifest, tc.frag, tc.n, tc.changes, searchDefaultSizes); ok {
			t.Errorf("%s: patched, want the index built whole", name)
		}
	}
}

// TestParseFragment: a fragment's entries are read back as written.
func TestParseFragment(t *testing.T) {
	t.Parallel()
	fr := newFragmenter(0, searchBigTerm)
	want := []termEntry{
		{"ab", appendTerm(nil, "ab", []posting{{0, 1}, {3, 5}})},
		{"été", appendTerm(nil, "été", []posting{{2, 7}})},
		{"x\u2028y", appendTerm(nil, "x\u2028y", []posting{{1, 1}})}, // not a term, but escaped when written
	}
	for _, e := range want {
		fr.add(e.term, e.entry)
	}
	fr.flush()
	got, ok := parseFragment(fr.files[searchFragDir+fr.names[0]+".json"])
	if !ok || len(got) != len(want) {
		t.Fatalf("parseFragment = %q, %v", got, ok)
	}
	for i := range want {
		if got[i].term != want[i].term || !bytes.Equal(got[i].entry, want[i].entry) {
			t.Errorf("entry %d = %q %s, want %q %s", i, got[i].term, got[i].entry, want[i].term, want[i].entry)
		}
		ps, ok := decodePostings(got[i].entry)
		if !ok || !bytes.Equal(appendTerm(nil, want[i].term, ps), want[i].entry) {
			t.Errorf("entry %d: postings %v, %v", i, ps, ok)
		}
	}
	for _, in := range []string{"", "{}\n", "\"a\":[0,1]}\n", "{\"a\":[0,1]}", "{\"a\":[0,1],}\n", "{\"a\"[0,1]}\n", "{a:[0,1]}\n", "{\"a:[0,1]}\n"} {
		if es, ok := parseFragment([]byte(in)); ok {
			t.Errorf("parseFragment(%q) = %q, want not ok", in, es)
		}
	}
	for _, in := range []string{`"a":[]`, `"a":[0]`, `"a":[0,1,0,1]`, `"a":[0,0]`, `"a":[-1,1]`, `"a":[0,1,]`, `"a":[x,1]`} {
		if ps, ok := decodePostings([]byte(in)); ok {
			t.Errorf("decodePostings(%s) = %v, want not ok", in, ps)
		}
	}
}

// FuzzSearchPatch: for any edit of any document, the patched index is the
// whole one, or the patch declines.
func FuzzSearchPatch(f *testing.F) {
	f.Add(3, "Go tips", "Use gofmt. Ünïcode wörds, 日本語 too.", true)
	f.Add(0, "", "", false)
	f.Fuzz(func(t *testing.T, at int, title, text string, add bool) {
		docs, _ := vocabDocs(rand.New(rand.NewPCG(1, 2)), 40)
		docs[4] = searchDoc{"filler", strings.Repeat(text+" ", 3)}
		after := slices.Clone(docs)
		var c docChange
		if add {
			after = append(after, searchDoc{title, text})
			c = docChange{doc: len(docs), new: &after[len(docs)]}
		} else {
			i := int(uint(at) % uint(len(docs)))
			after[i] = searchDoc{title, text}
			c = docChange{doc: i, old: &docs[i], new: &after[i]}
		}
		patchAgainstWhole(t, docs, after, []docChange{c}, smallSizes)
	})
}

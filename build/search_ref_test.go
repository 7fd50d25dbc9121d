package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// refSearchIndex is the plain way of building the index, kept to check the
// faster one against: a map of counts per document, a map of postings per
// term, each term's entry marshalled on its own.
func refSearchIndex(docs []searchDoc) searchIndex {
	refTerms := func(s string, f func(string)) {
		start, n := -1, 0
		flush := func(end int) {
			if start >= 0 && n >= searchMinTerm && n <= searchMaxTerm {
				f(strings.ToLower(s[start:end]))
			}
			start, n = -1, 0
		}
		for i, r := range s {
			if isTermRune(r) {
				if start < 0 {
					start = i
				}
				n++
				continue
			}
			flush(i)
		}
		flush(len(s))
	}
	type refPosting struct{ doc, tf int }
	postings := make(map[string][]refPosting)
	lengths := make([]int, len(docs))
	for id, d := range docs {
		counts := make(map[string]int)
		refTerms(d.title, func(t string) { counts[t] += searchTitleWeight })
		refTerms(d.text, func(t string) { counts[t]++ })
		for t, c := range counts {
			postings[t] = append(postings[t], refPosting{id, c})
			lengths[id] += c
		}
	}
	terms := slices.Sorted(maps.Keys(postings))
	encoded := make([][]byte, len(terms))
	total := 0
	for i, t := range terms {
		b, _ := json.Marshal(t)
		b = append(b, ':', '[')
		prev := 0
		for j, p := range postings[t] {
			if j > 0 {
				b = append(b, ',')
			}
			b = fmt.Appendf(b, "%d,%d", p.doc-prev, p.tf)
			prev = p.doc
		}
		encoded[i] = append(b, ']')
		total += len(encoded[i])
	}
	every := boundaryEvery(len(terms), total, searchFragBytes)
	idx := searchIndex{fragments: make(map[string][]byte)}
	var firsts, names []string
	var frag bytes.Buffer
	first := ""
	emit := func() {
		if frag.Len() == 0 {
			return
		}
		frag.WriteString("}\n")
		sum := sha256.Sum256(frag.Bytes())
		name := hex.EncodeToString(sum[:6])
		idx.fragments[searchFragDir+name+".json"] = slices.Clone(frag.Bytes())
		firsts, names = append(firsts, first), append(names, name)
		frag.Reset()
	}
	for i, t := range terms {
		h := fnv.New32a()
		h.Write([]byte(t))
		boundary := every != 0 && h.Sum32()%every == 0
		big := len(encoded[i]) >= searchBigTerm
		if frag.Len() > 0 && (big || i > 0 && len(encoded[i-1]) >= searchBigTerm || boundary) {
			emit()
		}
		if frag.Len() == 0 {
			frag.WriteByte('{')
			first = t
		} else {
			frag.WriteByte(',')
		}
		frag.Write(encoded[i])
	}
	emit()
	idx.manifest = encodeManifest(lengths, firsts, names, len(terms), total)
	return idx
}

// checkSameIndex fails t unless buildSearchIndex gives refSearchIndex's bytes.
func checkSameIndex(t *testing.T, docs []searchDoc) {
	t.Helper()
	got, want := buildSearchIndex(docs, searchDefaultSizes), refSearchIndex(docs)
	if !bytes.Equal(got.manifest, want.manifest) {
		t.Fatalf("manifest:\n%s\nwant\n%s", got.manifest, want.manifest)
	}
	if g, w := slices.Sorted(maps.Keys(got.fragments)), slices.Sorted(maps.Keys(want.fragments)); !slices.Equal(g, w) {
		t.Fatalf("fragments %q, want %q", g, w)
	}
	for path, w := range want.fragments {
		if g := got.fragments[path]; !bytes.Equal(g, w) {
			t.Fatalf("%s:\n%s\nwant\n%s", path, g, w)
		}
	}
}

// TestSearchIndexSameBytes: the index is byte for byte the plain way's, for
// the benchmark's documents (several fragments, big terms) and for random
// ones mixing cases, scripts, marks, digits, punctuation and invalid UTF-8.
func TestSearchIndexSameBytes(t *testing.T) {
	t.Parallel()
	checkSameIndex(t, nil)
	checkSameIndex(t, benchSearchDocs(300))
	pieces := []string{"go", "Go", "GO", "gofmt", "x", "été", "ÉTÉ", "İstanbul", "ǅemal", "ΣΊΣΥΦΟΣ", "naïve", "nai\u0308ve",
		"日本語", "straße", "STRASSE", "K", "\u212a", "ﬁle", "Ⅻ", "٣٤", "a1b2", "\xff\xfe", "ab\xc3", "\xe2\x80\xa8", "<b>", "&amp;",
		`"q"`, `\`, "\t", "\n\n", ", ", ". ", " ", "-", "_", strings.Repeat("z", 32), strings.Repeat("Z", 33), strings.Repeat("é", 32), strings.Repeat("é", 33)}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20 {
		docs := make([]searchDoc, 1+rng.IntN(60))
		for i := range docs {
			var title, text strings.Builder
			for range rng.IntN(6) {
				title.WriteString(pieces[rng.IntN(len(pieces))])
			}
			for range rng.IntN(400) {
				text.WriteString(pieces[rng.IntN(len(pieces))])
				if rng.IntN(3) == 0 {
					text.WriteByte(' ')
				}
			}
			docs[i] = searchDoc{title.String(), text.String()}
		}
		checkSameIndex(t, docs)
	}
}

// FuzzSearchIndexSameBytes: as TestSearchIndexSameBytes, for any documents.
func FuzzSearchIndexSameBytes(f *testing.F) {
	f.Add("Go tips", "Use gofmt. Ünïcode wörds, 日本語 too.", "Second", "go GO Go, again and again \xff")
	f.Fuzz(func(t *testing.T, t1, x1, t2, x2 string) {
		checkSameIndex(t, []searchDoc{{t1, x1}, {t2, x2}, {"filler", strings.Repeat(x1+" ", 3)}})
	})
}

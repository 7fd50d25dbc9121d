package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"hash/fnv"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The search index is split as Pagefind splits its own, so that a reader's
// first query downloads a small part of it whatever the size of the site:
//
//	search/index.json     the manifest: the number of documents, each one's
//	                      length, and the first term of each fragment
//	search/f/HASH.json    a fragment: a range of the sorted terms, each with
//	                      its postings (document number, weighted count)
//	search/d/N.json       document N: title, URL, date and text, for the
//	                      results and their excerpts
//
// Documents are the published posts, numbered from the oldest, so a new
// post does not renumber the others. Fragment boundaries depend only on
// the terms beside them (a boundary falls before a term whose hash says so,
// and around a term with many postings), not on how full a fragment is:
// an edit that adds or drops terms changes the fragments those terms are
// in, and the names (hashes of the content) of the others stay. Postings
// hold counts, not scores: the script computes BM25 from them and the
// manifest's lengths, so a longer post does not change every fragment.
//
// search.js must split text into terms exactly as searchTerms does.

const (
	searchTitleWeight = 5           // a term in the title counts as this many in the body
	searchMinTerm     = 2           // runes; shorter words are not indexed
	searchMaxTerm     = 32          // runes; longer words (hashes, base64) are not indexed
	searchBigTerm     = 16 << 10    // postings bytes from which a term has a fragment of its own
	searchFragBytes   = 48 << 10    // the size a fragment aims at
	searchDocText     = 20 << 10    // bytes of a post's text its document file keeps, for excerpts
	searchFragDir     = "search/f/" // fragment files
	searchDocDir      = "search/d/" // document files
)

// searchDoc is one document of the index.
type searchDoc struct {
	title, text string
}

// searchTerms calls f with each term of s: the runs of letters, marks and
// digits, lower-cased, of searchMinTerm to searchMaxTerm runes.
func searchTerms(s string, f func(term string)) {
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

// termASCII marks the ASCII runes that are letters, marks or digits.
var termASCII = func() (t [utf8.RuneSelf]bool) {
	for r := range t {
		t[r] = unicode.In(rune(r), unicode.L, unicode.M, unicode.N)
	}
	return t
}()

// isTermRune reports whether r is a letter, a mark or a digit: a table for
// ASCII, which most text is, and the Unicode tables for the rest.
func isTermRune(r rune) bool {
	if uint32(r) < utf8.RuneSelf {
		return termASCII[r]
	}
	return unicode.In(r, unicode.L, unicode.M, unicode.N)
}

// searchIndex is a built index: the manifest and the fragments, by path.
type searchIndex struct {
	manifest  []byte
	fragments map[string][]byte // path → bytes
}

// posting is one document's weighted count of a term.
type posting struct{ doc, tf int }

// buildSearchIndex indexes docs (numbered by their place).
func buildSearchIndex(docs []searchDoc) searchIndex {
	postings := make(map[string][]posting)
	lengths := make([]int, len(docs))
	counts := make(map[string]int)
	for id, d := range docs {
		clear(counts)
		searchTerms(d.title, func(t string) { counts[t] += searchTitleWeight })
		searchTerms(d.text, func(t string) { counts[t]++ })
		for t, c := range counts {
			postings[t] = append(postings[t], posting{id, c})
			lengths[id] += c
		}
	}
	terms := make([]string, 0, len(postings))
	for t := range postings {
		terms = append(terms, t)
	}
	slices.Sort(terms)
	// Documents were added in order, so each list is sorted already.
	encoded := make([][]byte, len(terms))
	total := 0
	for i, t := range terms {
		encoded[i] = encodeTerm(t, postings[t])
		total += len(encoded[i])
	}
	every := boundaryEvery(len(terms), total)
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
		big := len(encoded[i]) >= searchBigTerm
		if frag.Len() > 0 && (big || i > 0 && len(encoded[i-1]) >= searchBigTerm || isBoundary(t, every)) {
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
	idx.manifest = encodeManifest(lengths, firsts, names)
	return idx
}

// encodeTerm is a term's entry in a fragment: "term":[d0,c0,d1-d0,c1,…].
func encodeTerm(t string, ps []posting) []byte {
	b, _ := json.Marshal(t) // a string always marshals
	b = append(b, ':', '[')
	prev := 0
	for i, p := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(p.doc-prev), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, int64(p.tf), 10)
		prev = p.doc
	}
	return append(b, ']')
}

// boundaryEvery is how many terms a fragment holds on average, a power of
// two so that it stays the same while a site grows a little.
func boundaryEvery(terms, bytes int) uint32 {
	if bytes <= searchFragBytes || terms == 0 {
		return 0 // one fragment
	}
	want := float64(terms) * searchFragBytes / float64(bytes)
	return uint32(math.Exp2(math.Max(0, math.Round(math.Log2(want)))))
}

// isBoundary reports whether a fragment starts at term t.
func isBoundary(t string, every uint32) bool {
	if every == 0 {
		return false
	}
	h := fnv.New32a()
	h.Write([]byte(t))
	return h.Sum32()%every == 0
}

// encodeManifest writes search/index.json.
func encodeManifest(lengths []int, firsts, names []string) []byte {
	total := 0
	for _, l := range lengths {
		total += l
	}
	avg := 0.0
	if len(lengths) > 0 {
		avg = math.Round(float64(total)/float64(len(lengths))*100) / 100
	}
	m := struct {
		Version int      `json:"v"`
		Docs    int      `json:"n"`
		Avg     float64  `json:"avg"`
		Lengths []int    `json:"len"`
		Firsts  []string `json:"first"`
		Names   []string `json:"frag"`
	}{1, len(lengths), avg, lengths, firsts, names}
	if m.Lengths == nil {
		m.Lengths, m.Firsts, m.Names = []int{}, []string{}, []string{}
	}
	b, _ := json.Marshal(m) // plain types always marshal
	return append(b, '\n')
}

// encodeSearchDoc writes a document file.
func encodeSearchDoc(title, url, date, text string) []byte {
	if len(text) > searchDocText {
		cut := searchDocText
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut]
	}
	b, _ := json.Marshal(struct {
		Title string `json:"t"`
		URL   string `json:"u"`
		Date  string `json:"d"`
		Text  string `json:"x"`
	}{title, url, date, text})
	return append(b, '\n')
}

package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

// searchSizes are the sizes fragments are cut by: searchFragBytes and
// searchBigTerm, or smaller ones in tests, to make many fragments of a
// few documents.
type searchSizes struct {
	frag int // the size a fragment aims at
	big  int // postings bytes from which a term has a fragment of its own
}

var searchDefaultSizes = searchSizes{frag: searchFragBytes, big: searchBigTerm}

// searchDoc is one document of the index.
type searchDoc struct {
	title, text string
}

// searchTerms calls f with each term of s: the runs of letters, marks and
// digits, lower-cased, of searchMinTerm to searchMaxTerm runes.
func searchTerms(s string, f func(term string)) {
	var sc termScanner
	sc.scan(s, func(term []byte) { f(string(term)) })
}

// termScanner splits text into terms as searchTerms does, into a buffer it
// reuses: an ASCII term, most of them, is lower-cased there byte by byte
// (what strings.ToLower does to ASCII), without allocating.
type termScanner struct{ buf []byte }

// scan calls f with each term of s, lower-cased; the slice is valid until f
// returns.
func (sc *termScanner) scan(s string, f func(term []byte)) {
	for i := 0; i < len(s); {
		// An ASCII run, lower-cased into the buffer as it is read.
		start := i
		for i < len(s) && s[i] < utf8.RuneSelf && termASCII[s[i]] {
			i++
		}
		b := append(sc.buf[:0], s[start:i]...)
		for j, c := range b {
			if 'A' <= c && c <= 'Z' {
				b[j] = c + ('a' - 'A')
			}
		}
		n := i - start
		ascii := true
		// The rest of the term, if it goes on past ASCII.
		for i < len(s) {
			r, size := rune(s[i]), 1
			if r >= utf8.RuneSelf {
				r, size = utf8.DecodeRuneInString(s[i:])
			}
			if !isTermRune(r) {
				break
			}
			ascii = ascii && size == 1
			n++
			i += size
		}
		sc.buf = b
		if n == 0 {
			// Not a term rune: skip it.
			_, size := utf8.DecodeRuneInString(s[i:])
			i += size
			continue
		}
		if n < searchMinTerm || n > searchMaxTerm {
			continue
		}
		if !ascii {
			b = append(b[:0], strings.ToLower(s[start:i])...)
			sc.buf = b
		}
		f(b)
	}
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
type posting struct{ doc, tf int32 }

// buildSearchIndex indexes docs (numbered by their place). Each term is
// looked up once in a map of term numbers; a document's counts are kept
// in a slice by term number, and so are the postings.
func buildSearchIndex(docs []searchDoc, sz searchSizes) searchIndex {
	idx, _ := buildSearchIndexOf(len(docs), func(i int) (searchDoc, error) { return docs[i], nil }, sz)
	return idx
}

// buildSearchIndexOf indexes the n documents doc returns, one at a time:
// the texts need not all be in memory. It stops at doc's first error.
func buildSearchIndexOf(n int, doc func(i int) (searchDoc, error), sz searchSizes) (searchIndex, error) {
	var tab termTable
	var terms []string       // by number
	var postings [][]posting // by term number, in document order
	var tf []int32           // the current document's count, by term number
	var touched []int32      // the terms the current document has
	var sc termScanner
	lengths := make([]int, n)
	npost := 0
	for id := range n {
		d, err := doc(id)
		if err != nil {
			return searchIndex{}, err
		}
		add := func(w int32) func([]byte) {
			return func(term []byte) {
				n, added := tab.number(term, terms)
				if added {
					terms, postings, tf = append(terms, string(term)), append(postings, nil), append(tf, 0)
				}
				if tf[n] == 0 {
					touched = append(touched, n)
				}
				tf[n] += w
			}
		}
		sc.scan(d.title, add(searchTitleWeight))
		sc.scan(d.text, add(1))
		for _, n := range touched {
			postings[n] = append(postings[n], posting{int32(id), tf[n]})
			lengths[id] += int(tf[n])
			tf[n] = 0
		}
		npost += len(touched)
		touched = touched[:0]
	}
	order := make([]int32, len(terms))
	size := 0
	for i, t := range terms {
		order[i] = int32(i)
		size += len(t) + 5
	}
	slices.SortFunc(order, func(a, b int32) int { return strings.Compare(terms[a], terms[b]) })
	// All the terms' entries in one buffer, in order; ends[i] is where the
	// i-th ends. Documents were added in order, so each list is sorted already.
	enc := make([]byte, 0, size+npost*6)
	ends := make([]int, len(order))
	for i, n := range order {
		enc = appendTerm(enc, terms[n], postings[n])
		ends[i] = len(enc)
		postings[n] = nil
	}
	fr := newFragmenter(boundaryEvery(len(order), len(enc), sz.frag), sz.big)
	from := 0
	for i, n := range order {
		fr.add(terms[n], enc[from:ends[i]])
		from = ends[i]
	}
	fr.flush()
	return searchIndex{
		manifest:  encodeManifest(lengths, fr.firsts, fr.names, len(order), len(enc)),
		fragments: fr.files,
	}, nil
}

// fragmenter cuts a run of terms' entries, in term order, into fragments.
// Where a fragment starts depends only on a term and the one before it
// (see the package comment above), so a run that starts where the whole
// index has a fragment start is cut as the whole index would be.
type fragmenter struct {
	every         uint32
	big           int // searchSizes.big
	frag          bytes.Buffer
	first         string
	prevBig       bool
	firsts, names []string
	files         map[string][]byte // path → bytes
}

func newFragmenter(every uint32, big int) *fragmenter {
	return &fragmenter{every: every, big: big, files: make(map[string][]byte)}
}

// add appends term t's entry.
func (fr *fragmenter) add(t string, entry []byte) {
	big := len(entry) >= fr.big
	if fr.frag.Len() > 0 && (big || fr.prevBig || isBoundary(t, fr.every)) {
		fr.flush()
	}
	fr.prevBig = big
	if fr.frag.Len() == 0 {
		fr.frag.WriteByte('{')
		fr.first = t
	} else {
		fr.frag.WriteByte(',')
	}
	fr.frag.Write(entry)
}

// flush ends the fragment being filled, if any.
func (fr *fragmenter) flush() {
	if fr.frag.Len() == 0 {
		return
	}
	fr.frag.WriteString("}\n")
	sum := sha256.Sum256(fr.frag.Bytes())
	name := hex.EncodeToString(sum[:6])
	fr.files[searchFragDir+name+".json"] = slices.Clone(fr.frag.Bytes())
	fr.firsts, fr.names = append(fr.firsts, fr.first), append(fr.names, name)
	fr.frag.Reset()
}

// termTable numbers terms: an open-addressing hash table of term numbers,
// cheaper than a map[string]int32 for the many lookups of short terms.
type termTable struct {
	slots  []int32  // a term's number + 1, or 0 for none; a power of two long
	hashes []uint32 // by term number
}

// number returns the number of term among terms (the table's terms, by
// number), or len(terms) and true if term is new: the caller appends it.
func (tab *termTable) number(term []byte, terms []string) (int32, bool) {
	h := uint32(2166136261)
	for _, c := range term {
		h ^= uint32(c)
		h *= 16777619
	}
	h ^= h >> 15 // spread the high bits into the low, which pick the slot
	h *= 0x2c1b3c6d
	h ^= h >> 12
	if 2*(len(terms)+1) > len(tab.slots) {
		tab.grow()
	}
	mask := uint32(len(tab.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		s := tab.slots[i]
		if s == 0 {
			tab.slots[i] = int32(len(terms)) + 1
			tab.hashes = append(tab.hashes, h)
			return int32(len(terms)), true
		}
		if tab.hashes[s-1] == h && terms[s-1] == string(term) {
			return s - 1, false
		}
	}
}

// grow doubles the table (or makes it) and places the terms again.
func (tab *termTable) grow() {
	slots := make([]int32, max(1024, 2*len(tab.slots)))
	mask := uint32(len(slots) - 1)
	for n, h := range tab.hashes {
		i := h & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = int32(n) + 1
	}
	tab.slots = slots
}

// appendTerm appends a term's entry in a fragment: "term":[d0,c0,d1-d0,c1,…].
func appendTerm(b []byte, t string, ps []posting) []byte {
	if isASCII(t) {
		// An ASCII term is lower-case letters and digits: nothing to escape.
		b = append(append(append(b, '"'), t...), '"')
	} else {
		q, _ := json.Marshal(t) // a string always marshals
		b = append(b, q...)
	}
	b = append(b, ':', '[')
	prev := int32(0)
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

// isASCII reports whether s is all ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// boundaryEvery is how many terms a fragment holds on average, a power of
// two so that it stays the same while a site grows a little.
func boundaryEvery(terms, bytes, fragBytes int) uint32 {
	if bytes <= fragBytes || terms == 0 {
		return 0 // one fragment
	}
	want := float64(terms) * float64(fragBytes) / float64(bytes)
	return uint32(math.Exp2(math.Max(0, math.Round(math.Log2(want)))))
}

// isBoundary reports whether a fragment starts at term t.
func isBoundary(t string, every uint32) bool {
	if every == 0 {
		return false
	}
	// FNV-1a (hash/fnv's New32a), without its allocations.
	h := uint32(2166136261)
	for i := 0; i < len(t); i++ {
		h ^= uint32(t[i])
		h *= 16777619
	}
	return h%every == 0
}

// searchManifest is search/index.json. Terms and Bytes (the number of
// terms and the size of all their entries) are what fragment boundaries
// depend on: an incremental build reads them back (see search_patch.go).
type searchManifest struct {
	Version int      `json:"v"`
	Docs    int      `json:"n"`
	Avg     float64  `json:"avg"`
	Lengths []int    `json:"len"`
	Firsts  []string `json:"first"`
	Names   []string `json:"frag"`
	Terms   int      `json:"terms"`
	Bytes   int      `json:"bytes"`
}

// encodeManifest writes search/index.json.
func encodeManifest(lengths []int, firsts, names []string, terms, bytes int) []byte {
	total := 0
	for _, l := range lengths {
		total += l
	}
	avg := 0.0
	if len(lengths) > 0 {
		avg = math.Round(float64(total)/float64(len(lengths))*100) / 100
	}
	m := searchManifest{1, len(lengths), avg, lengths, firsts, names, terms, bytes}
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

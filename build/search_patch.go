package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"sort"
	"strconv"
)

// An incremental build does not index every post again: it patches the
// last build's index. The documents an edit changed give the terms whose
// postings change (a term whose count in the edited post stays the same
// is not one of them); only the fragments holding those terms, and one
// fragment on each side, are read back from the output, changed and cut
// again. The rest keep their bytes and their names. The cut is the one a
// whole build makes, because where a fragment starts depends only on a
// term and the one before it (see fragmenter) and on how many terms in
// how many bytes the index has, which the manifest records: when that
// changes the boundaries' spacing, or documents are renumbered or removed,
// the index is built whole.

// docChange is a document an edit changed: its number, and its title and
// text before (nil for a new document) and after.
type docChange struct {
	doc      int
	old, new *searchDoc
}

// termChange is a document's new count of a term; 0 removes its posting.
type termChange struct{ doc, tf int32 }

// termEntry is a term's entry in a fragment, "term":[…], as written.
type termEntry struct {
	term  string
	entry []byte
}

// patchSearchIndex returns the index of ndocs documents: the index whose
// manifest is given, with changes applied. frag returns one of its
// fragments by name. In the result, a fragment kept as it was maps to nil.
// It reports false when the index must be built whole instead: manifest or
// fragments unreadable, documents removed, a change to a document the old
// index did not have (or a new one it had), or a new spacing of boundaries.
func patchSearchIndex(manifest []byte, frag func(name string) ([]byte, bool), ndocs int, changes []docChange, sz searchSizes) (searchIndex, bool) {
	var m searchManifest
	if json.Unmarshal(manifest, &m) != nil || m.Version != 1 || m.Docs != len(m.Lengths) || len(m.Firsts) != len(m.Names) || ndocs < m.Docs ||
		len(m.Names) > 0 && (m.Terms < len(m.Names) || m.Bytes <= 0) { // an older manifest, without the totals

		return searchIndex{}, false
	}
	lengths := append(m.Lengths, make([]int, ndocs-m.Docs)...)
	added := 0
	byTerm := make(map[string][]termChange)
	for _, c := range changes {
		if c.doc < 0 || c.doc >= ndocs || (c.old == nil) != (c.doc >= m.Docs) {
			return searchIndex{}, false
		}
		if c.old == nil {
			added++
		}
		var before map[string]int32
		if c.old != nil {
			before = docCounts(c.old)
		}
		after := docCounts(c.new)
		lengths[c.doc] = 0
		for t, n := range after {
			lengths[c.doc] += int(n)
			if before[t] != n {
				byTerm[t] = append(byTerm[t], termChange{int32(c.doc), n})
			}
		}
		for t := range before {
			if _, ok := after[t]; !ok {
				byTerm[t] = append(byTerm[t], termChange{int32(c.doc), 0})
			}
		}
	}
	if added != ndocs-m.Docs {
		return searchIndex{}, false
	}
	nfrags := len(m.Names)
	if nfrags == 0 && len(byTerm) > 0 {
		return searchIndex{}, false
	}
	// The fragment each changed term is (or goes) in, and the stretches of
	// fragments to cut again: those and their neighbours.
	terms := slices.Sorted(maps.Keys(byTerm))
	in := make([]int, len(terms))
	marked := make([]bool, nfrags)
	for i, t := range terms {
		k := max(0, sort.Search(nfrags, func(k int) bool { return m.Firsts[k] > t })-1)
		in[i] = k
		for j := max(0, k-1); j <= min(nfrags-1, k+1); j++ {
			marked[j] = true
		}
	}
	type stretch struct {
		lo, hi  int // fragments lo…hi
		entries []termEntry
	}
	var stretches []stretch
	nterms, nbytes := m.Terms, m.Bytes
	next := 0 // the next changed term
	for lo := 0; lo < nfrags; lo++ {
		if !marked[lo] {
			continue
		}
		hi := lo
		for hi+1 < nfrags && marked[hi+1] {
			hi++
		}
		var old []termEntry
		for k := lo; k <= hi; k++ {
			data, ok := frag(m.Names[k])
			if !ok || fragmentName(data) != m.Names[k] {
				return searchIndex{}, false
			}
			es, ok := parseFragment(data)
			if !ok {
				return searchIndex{}, false
			}
			old = append(old, es...)
		}
		end := next
		for end < len(terms) && in[end] <= hi {
			end++
		}
		entries, dterms, dbytes, ok := applyTermChanges(old, terms[next:end], byTerm)
		if !ok {
			return searchIndex{}, false
		}
		next = end
		nterms, nbytes = nterms+dterms, nbytes+dbytes
		stretches = append(stretches, stretch{lo, hi, entries})
		lo = hi
	}
	every := boundaryEvery(m.Terms, m.Bytes, sz.frag)
	if boundaryEvery(nterms, nbytes, sz.frag) != every {
		return searchIndex{}, false
	}
	idx := searchIndex{fragments: make(map[string][]byte)}
	var firsts, names []string
	from := 0
	for _, s := range stretches {
		firsts, names = append(firsts, m.Firsts[from:s.lo]...), append(names, m.Names[from:s.lo]...)
		fr := newFragmenter(every, sz.big)
		for _, e := range s.entries {
			fr.add(e.term, e.entry)
		}
		fr.flush()
		firsts, names = append(firsts, fr.firsts...), append(names, fr.names...)
		maps.Copy(idx.fragments, fr.files)
		from = s.hi + 1
	}
	firsts, names = append(firsts, m.Firsts[from:]...), append(names, m.Names[from:]...)
	for _, name := range names {
		if p := searchFragDir + name + ".json"; idx.fragments[p] == nil {
			idx.fragments[p] = nil // kept
		}
	}
	idx.manifest = encodeManifest(lengths, firsts, names, nterms, nbytes)
	return idx, true
}

// docCounts is a document's weighted count of each of its terms.
func docCounts(d *searchDoc) map[string]int32 {
	counts := make(map[string]int32)
	var sc termScanner
	sc.scan(d.title, func(t []byte) { counts[string(t)] += searchTitleWeight })
	sc.scan(d.text, func(t []byte) { counts[string(t)]++ })
	return counts
}

// applyTermChanges applies the changes of terms (sorted; every one sorts
// within the stretch of entries, or after it when the stretch ends the
// index) to entries, sorted by term. It returns the new entries and the
// change in their number and in their bytes.
func applyTermChanges(entries []termEntry, terms []string, byTerm map[string][]termChange) (out []termEntry, dterms, dbytes int, ok bool) {
	out = make([]termEntry, 0, len(entries)+len(terms))
	i := 0
	for _, t := range terms {
		for i < len(entries) && entries[i].term < t {
			out = append(out, entries[i])
			i++
		}
		var ps []posting
		if i < len(entries) && entries[i].term == t {
			if ps, ok = decodePostings(entries[i].entry); !ok {
				return nil, 0, 0, false
			}
			dterms--
			dbytes -= len(entries[i].entry)
			i++
		}
		ps = mergePostings(ps, byTerm[t])
		if len(ps) == 0 {
			continue
		}
		e := appendTerm(nil, t, ps)
		out = append(out, termEntry{t, e})
		dterms++
		dbytes += len(e)
	}
	return append(out, entries[i:]...), dterms, dbytes, true
}

// mergePostings applies changes (a document appears at most once) to ps,
// both in document order.
func mergePostings(ps []posting, changes []termChange) []posting {
	slices.SortFunc(changes, func(a, b termChange) int { return int(a.doc - b.doc) })
	out := make([]posting, 0, len(ps)+len(changes))
	i := 0
	for _, c := range changes {
		for i < len(ps) && ps[i].doc < c.doc {
			out = append(out, ps[i])
			i++
		}
		if i < len(ps) && ps[i].doc == c.doc {
			i++
		}
		if c.tf > 0 {
			out = append(out, posting(c))
		}
	}
	return append(out, ps[i:]...)
}

// fragmentName is the name a fragment of these bytes has.
func fragmentName(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:6])
}

// parseFragment splits a fragment, as fragmenter writes it, into its
// entries.
func parseFragment(data []byte) ([]termEntry, bool) {
	body, open := bytes.CutPrefix(data, []byte("{"))
	body, closed := bytes.CutSuffix(body, []byte("}\n"))
	if !open || !closed || len(body) == 0 {
		return nil, false
	}
	var out []termEntry
	for len(body) > 0 {
		if body[0] != '"' {
			return nil, false
		}
		end := 1 // the closing quote
		for end < len(body) && body[end] != '"' {
			if body[end] == '\\' {
				end++
			}
			end++
		}
		if end >= len(body) {
			return nil, false
		}
		var t string
		if q := body[:end+1]; bytes.IndexByte(q, '\\') < 0 {
			t = string(q[1:end])
		} else if json.Unmarshal(q, &t) != nil {
			return nil, false
		}
		rest := body[end+1:]
		closing := bytes.IndexByte(rest, ']')
		if len(rest) < 3 || rest[0] != ':' || rest[1] != '[' || closing < 0 {
			return nil, false
		}
		n := end + 1 + closing + 1
		out = append(out, termEntry{t, body[:n:n]})
		if body = body[n:]; len(body) > 0 {
			if body[0] != ',' || len(body) == 1 {
				return nil, false
			}
			body = body[1:]
		}
	}
	return out, true
}

// decodePostings reads the postings of an entry "term":[d0,c0,d1-d0,c1,…].
func decodePostings(entry []byte) ([]posting, bool) {
	at := bytes.LastIndex(entry, []byte(":["))
	if at < 0 || !bytes.HasSuffix(entry, []byte("]")) {
		return nil, false
	}
	list := entry[at+2 : len(entry)-1]
	var ps []posting
	doc := int64(0)
	for i := 0; len(list) > 0; i++ {
		num := list
		if c := bytes.IndexByte(list, ','); c >= 0 {
			num, list = list[:c], list[c+1:]
			if len(list) == 0 {
				return nil, false
			}
		} else {
			list = nil
		}
		v, err := strconv.ParseInt(string(num), 10, 32)
		if err != nil || v < 0 {
			return nil, false
		}
		if i%2 == 0 {
			if doc += v; doc > 1<<31-1 || i > 0 && v == 0 {
				return nil, false
			}
			ps = append(ps, posting{doc: int32(doc)})
		} else {
			if v == 0 {
				return nil, false
			}
			ps[len(ps)-1].tf = int32(v)
		}
	}
	if len(ps) == 0 || ps[len(ps)-1].tf == 0 {
		return nil, false
	}
	return ps, true
}

package build

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzSearchIndex indexes arbitrary documents and checks what the search
// script relies on: the manifest and each fragment are JSON, the
// fragments' first terms are sorted, and every term of every document is
// in the fragment the manifest points it to, with that document among its
// postings.
func FuzzSearchIndex(f *testing.F) {
	f.Add("Go tips", "Use gofmt. Ünïcode wörds, 日本語 too.", "Second", "go go go, again and again")
	f.Add("", "", "a", "b")
	f.Fuzz(func(t *testing.T, t1, x1, t2, x2 string) {
		docs := []searchDoc{{t1, x1}, {t2, x2}, {"filler", strings.Repeat(x1+" ", 3)}}
		idx := buildSearchIndex(docs, searchDefaultSizes)
		var man struct {
			N     int      `json:"n"`
			Len   []int    `json:"len"`
			First []string `json:"first"`
			Frag  []string `json:"frag"`
		}
		if err := json.Unmarshal(idx.manifest, &man); err != nil {
			t.Fatalf("manifest %s: %v", idx.manifest, err)
		}
		if man.N != len(docs) || len(man.Len) != len(docs) || len(man.First) != len(man.Frag) || !slices.IsSorted(man.First) {
			t.Fatalf("manifest %s", idx.manifest)
		}
		frags := map[string]map[string][]int{}
		for i, name := range man.Frag {
			var fr map[string][]int
			if err := json.Unmarshal(idx.fragments[searchFragDir+name+".json"], &fr); err != nil {
				t.Fatalf("fragment %d: %v", i, err)
			}
			frags[name] = fr
		}
		for id, d := range docs {
			check := func(term string) {
				at, found := slices.BinarySearch(man.First, term)
				if !found {
					at--
				}
				p, ok := frags[man.Frag[at]][term]
				if !ok {
					t.Fatalf("term %q of document %d is not in fragment %d (first term %q)", term, id, at, man.First[at])
				}
				doc, has := 0, false
				for i := 0; i < len(p); i += 2 {
					doc += p[i]
					has = has || doc == id
				}
				if !has {
					t.Fatalf("term %q: postings %v lack document %d", term, p, id)
				}
			}
			searchTerms(d.title, check)
			searchTerms(d.text, check)
		}
	})
}

func TestSearchTerms(t *testing.T) {
	t.Parallel()
	var got []string
	searchTerms("Go's gofmt, x, ÉTÉ_2026 naïve 日本語 "+strings.Repeat("z", 33), func(s string) { got = append(got, s) })
	want := []string{"go", "gofmt", "été", "2026", "naïve", "日本語"}
	if !slices.Equal(got, want) {
		t.Errorf("searchTerms = %q, want %q", got, want)
	}
}

// TestIsTermRune: the ASCII table says what the Unicode tables say, for
// every rune up to the end of the Basic Multilingual Plane and a few
// beyond.
func TestIsTermRune(t *testing.T) {
	t.Parallel()
	for r := rune(0); r <= 0x10000; r++ {
		if got, want := isTermRune(r), unicode.In(r, unicode.L, unicode.M, unicode.N); got != want {
			t.Fatalf("isTermRune(%U) = %v, want %v", r, got, want)
		}
	}
	for _, r := range []rune{0x1F600, 0x20000, utf8.RuneError, -1, 0x110000} {
		if got, want := isTermRune(r), unicode.In(r, unicode.L, unicode.M, unicode.N); got != want {
			t.Errorf("isTermRune(%U) = %v, want %v", r, got, want)
		}
	}
}

// BenchmarkSearchIndex indexes 1,000 documents of some 1,500 words each,
// English-like ASCII with code, as a build's plan does for every post.
func BenchmarkSearchIndex(b *testing.B) {
	docs := benchSearchDocs(1000)
	b.ReportAllocs()
	for b.Loop() {
		buildSearchIndex(docs, searchDefaultSizes)
	}
}

// benchSearchDocs is BenchmarkSearchIndex's documents.
func benchSearchDocs(n int) []searchDoc {
	words := strings.Fields("the of and to in is that for it as with was on be by this are from or an at " +
		"func return err nil config build cache state page index render template output source post " +
		"Kubernetes PostgreSQL Redis goroutine channel mutex latency throughput deploy rollback")
	docs := make([]searchDoc, n)
	for i := range docs {
		var sb strings.Builder
		for j := range 1500 {
			w := words[(i*7+j*13+j*j)%len(words)]
			if j%40 == 0 {
				w = fmt.Sprintf("%s%d", w, (i*j)%977)
			}
			sb.WriteString(w)
			sb.WriteString(" ")
		}
		docs[i] = searchDoc{title: fmt.Sprintf("Post %d about %s", i, words[i%len(words)]), text: sb.String()}
	}
	return docs
}

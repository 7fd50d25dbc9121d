package build

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
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
		idx := buildSearchIndex(docs)
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

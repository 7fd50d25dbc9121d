package build_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/build"
)

// searchSite is what the search script reads of a built site: the manifest,
// and the fragments and documents by path, read when first asked for.
type searchSite struct {
	t   testing.TB
	dir string
	man struct {
		N     int      `json:"n"`
		Avg   float64  `json:"avg"`
		Len   []int    `json:"len"`
		First []string `json:"first"`
		Frag  []string `json:"frag"`
	}
	frags map[string]map[string][]int
}

func openSearch(t testing.TB, dir string) *searchSite {
	t.Helper()
	s := &searchSite{t: t, dir: dir, frags: map[string]map[string][]int{}}
	if err := json.Unmarshal(readFile(t, filepath.Join(dir, "search", "index.json")), &s.man); err != nil {
		t.Fatalf("search/index.json: %v", err)
	}
	return s
}

// terms splits a query as search-script.html does.
func queryTerms(q string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(q, func(r rune) bool { return !unicode.In(r, unicode.L, unicode.M, unicode.N) }) {
		if n := len([]rune(w)); n >= 2 && n <= 32 && !slices.Contains(out, strings.ToLower(w)) {
			out = append(out, strings.ToLower(w))
		}
	}
	return out
}

// lookup ranks the documents for q as search-script.html does: every term
// must match (exactly, or for the last one as the start of an indexed
// term, which scores less), BM25 summed over the terms, ties to the newer
// document.
func (s *searchSite) lookup(q string) []int {
	qs := queryTerms(q)
	var total map[int]float64
	for k, t := range qs {
		prefix := k == len(qs)-1 // the last word may be typed in part
		at, _ := slices.BinarySearch(s.man.First, t)
		if at == len(s.man.First) || s.man.First[at] != t {
			at--
		}
		at = max(at, 0)
		best := map[int]float64{}
		for i := at; i < len(s.man.First) && i < at+4; i++ {
			if i > at && (!prefix || !strings.HasPrefix(s.man.First[i], t)) {
				break
			}
			for term, p := range s.frag(s.man.Frag[i]) {
				if !strings.HasPrefix(term, t) || !prefix && term != t {
					continue
				}
				df := float64(len(p) / 2)
				idf := math.Log(1 + (float64(s.man.N)-df+0.5)/(df+0.5))
				w := 1.0
				if term != t {
					w = 0.6
				}
				doc := 0
				for j := 0; j < len(p); j += 2 {
					doc += p[j]
					tf := float64(p[j+1])
					sc := w * idf * tf * 2.2 / (tf + 1.2*(0.25+0.75*float64(s.man.Len[doc])/s.man.Avg))
					best[doc] = max(best[doc], sc)
				}
			}
		}
		if total == nil {
			total = best
			continue
		}
		for doc, v := range total {
			if b, ok := best[doc]; ok {
				total[doc] = v + b
			} else {
				delete(total, doc)
			}
		}
	}
	var hits []int
	for doc := range total {
		hits = append(hits, doc)
	}
	slices.SortFunc(hits, func(a, b int) int {
		if total[a] != total[b] {
			if total[a] > total[b] {
				return -1
			}
			return 1
		}
		return b - a
	})
	return hits
}

func (s *searchSite) frag(name string) map[string][]int {
	if f, ok := s.frags[name]; ok {
		return f
	}
	var f map[string][]int
	if err := json.Unmarshal(readFile(s.t, filepath.Join(s.dir, "search", "f", name+".json")), &f); err != nil {
		s.t.Fatalf("fragment %s: %v", name, err)
	}
	s.frags[name] = f
	return f
}

// doc returns the title and URL of document n.
func (s *searchSite) doc(n int) (title, url string) {
	var d struct{ T, U string }
	if err := json.Unmarshal(readFile(s.t, filepath.Join(s.dir, "search", "d", fmt.Sprint(n)+".json")), &d); err != nil {
		s.t.Fatalf("document %d: %v", n, err)
	}
	return d.T, d.U
}

// wordsSite writes a site of n posts whose titles and bodies draw on a
// vocabulary of made-up words, and returns each post's title word and body
// word that no other post has.
func wordsSite(t testing.TB, n int) (root string, titleWord, bodyWord []string) {
	t.Helper()
	root = t.TempDir()
	writeFile(t, filepath.Join(root, "_config.yaml"), []byte("site: {title: Gen, url: \"https://example.com/\"}\nwidget: {enabled: false}\n"))
	rng := rand.New(rand.NewPCG(1, 2))
	vocab := make([]string, 3000)
	for i := range vocab {
		vocab[i] = pseudoWord(rng, i)
	}
	zipf := rand.NewZipf(rng, 1.1, 1, uint64(len(vocab)-1))
	for i := range n {
		tw, bw := fmt.Sprintf("x%dtitle", i), fmt.Sprintf("y%dbody", i)
		var body strings.Builder
		for j := range 120 {
			if j == 60 {
				body.WriteString(bw + " ")
			}
			body.WriteString(vocab[zipf.Uint64()] + " ")
			if j%15 == 14 {
				body.WriteString(".\n\n")
			}
		}
		post := fmt.Sprintf("---\ntitle: %s %s %s\ndate: 2025-%02d-%02d %02d:%02d\n---\n%s\n", vocab[zipf.Uint64()], tw, vocab[rng.IntN(len(vocab))], i%12+1, i%28+1, i%24, i%60, body.String())
		writeFile(t, filepath.Join(root, "posts", fmt.Sprintf("p%05d.md", i)), []byte(post))
		titleWord, bodyWord = append(titleWord, tw), append(bodyWord, bw)
	}
	return root, titleWord, bodyWord
}

// pseudoWord is a pronounceable made-up word, distinct for each i.
func pseudoWord(rng *rand.Rand, i int) string {
	const cons, vow = "bcdfghjklmnprstvz", "aeiou"
	var b strings.Builder
	for range 2 + rng.IntN(3) {
		b.WriteByte(cons[rng.IntN(len(cons))])
		b.WriteByte(vow[rng.IntN(len(vow))])
	}
	fmt.Fprintf(&b, "%c", 'a'+rune(i%26))
	for i /= 26; i > 0; i /= 26 {
		fmt.Fprintf(&b, "%c", 'a'+rune(i%26))
	}
	return b.String()
}

// TestSearchFindsEveryPost builds a generated site and looks up, as the
// search script does, a word of each post's title and one of its body:
// each finds that post first. A title word typed in part still finds it.
func TestSearchFindsEveryPost(t *testing.T) {
	t.Parallel()
	root, titleWords, bodyWords := wordsSite(t, 300)
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	runBuild(t, cfg, build.Options{NoCache: true})
	s := openSearch(t, cfg.OutputDir())
	if s.man.N != 300 || len(s.man.Frag) < 2 {
		t.Fatalf("manifest: %d documents in %d fragments; want 300 in several", s.man.N, len(s.man.Frag))
	}
	seen := map[string]bool{}
	for i := range 300 {
		for _, q := range []string{titleWords[i], strings.ToUpper(bodyWords[i]), titleWords[i][:len(titleWords[i])-1]} {
			hits := s.lookup(q)
			if len(hits) == 0 {
				t.Errorf("search %q: no results, want post %d", q, i)
				continue
			}
			title, url := s.doc(hits[0])
			if !strings.Contains(title, titleWords[i]) {
				t.Errorf("search %q: first result %q (%s), want the post titled with %s", q, title, url, titleWords[i])
			}
			seen[url] = true
		}
	}
	if len(seen) != 300 {
		t.Errorf("searches found %d distinct posts, want 300", len(seen))
	}
}

// TestSearchRanksTitleFirst: a word in one post's title and in another's
// body ranks the first one first; a query of two words finds only the post
// that has both.
func TestSearchRanksTitleFirst(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, "_config.yaml"), []byte("site: {title: T, url: \"https://example.com/\"}\n"))
	writeFile(t, filepath.Join(root, "posts", "2026-01-01-body.md"), []byte("---\ntitle: Something else\n---\nThe gopher goes here, and the gopher again, with a zebra.\n"))
	writeFile(t, filepath.Join(root, "posts", "2026-01-02-title.md"), []byte("---\ntitle: The gopher\n---\nA body that says nothing of it.\n"))
	writeFile(t, filepath.Join(root, "posts", "2026-01-03-none.md"), []byte("---\ntitle: Third\n---\nNothing at all.\n"))
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	runBuild(t, cfg, build.Options{NoCache: true})
	s := openSearch(t, cfg.OutputDir())
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"gopher", []string{"The gopher", "Something else"}},
		{"Gopher zebra", []string{"Something else"}},
		{"goph", []string{"The gopher", "Something else"}},
		{"goph zebra", nil}, // only the last word is a prefix
		{"zebra goph", []string{"Something else"}},
		{"unicorn", nil},
	} {
		var got []string
		for _, d := range s.lookup(tc.q) {
			title, _ := s.doc(d)
			got = append(got, title)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("search %q = %q, want %q", tc.q, got, tc.want)
		}
	}
}

// TestSearchDisabled: build.disable: [search] writes no search page or
// index, and the header has no search box.
func TestSearchDisabled(t *testing.T) {
	t.Parallel()
	root := genSite(t, 3)
	writeFile(t, filepath.Join(root, "_config.yaml"), []byte("site: {title: Gen, url: \"https://example.com/\"}\nbuild: {disable: [search]}\n"))
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	runBuild(t, cfg, build.Options{NoCache: true})
	if _, err := os.Stat(filepath.Join(cfg.OutputDir(), "search")); !os.IsNotExist(err) {
		t.Errorf("search/ with search disabled: %v, want it absent", err)
	}
	if page := string(readFile(t, filepath.Join(cfg.OutputDir(), "index.html"))); strings.Contains(page, "site-search") {
		t.Errorf("index.html has a search box with search disabled")
	}
}

// TestSearchTextAsShown: a post's search document has the text its page
// shows, typography included, whether the text came with the body's
// render (a full build) or was derived for an edit the index is patched
// for (an incremental build), and the edit's output is a full build's.
func TestSearchTextAsShown(t *testing.T) {
	t.Parallel()
	root := site(t, map[string]string{
		"_config.yaml": okConfig + "markdown: {typographer: true}\n",
		"posts/a.md":   "---\ntitle: A\ndate: 2026-01-01\n---\nIt's \"quoted\" -- see <https://go.dev>.\n",
		"posts/b.md":   "---\ntitle: B\ndate: 2026-01-02\n---\nAnother post.\n",
	})
	setPast(t, root)
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	doc := func() string {
		t.Helper()
		var d struct {
			Text string `json:"x"`
		}
		if err := json.Unmarshal(readFile(t, filepath.Join(cfg.OutputDir(), "search", "d", "0.json")), &d); err != nil {
			t.Fatal(err)
		}
		return d.Text
	}
	if res := runBuild(t, cfg, build.Options{}); !res.Full {
		t.Fatalf("first build not full: %+v", res)
	}
	if got, want := doc(), "It’s “quoted” – see https://go.dev."; got != want {
		t.Errorf("full build: document text %q, want %q", got, want)
	}
	writeFile(t, filepath.Join(root, "posts", "a.md"), []byte("---\ntitle: A\ndate: 2026-01-01\n---\nIt's \"quoted\" -- see <https://go.dev>.\n\nDon't stop...\n"))
	if res := runBuild(t, cfg, build.Options{}); res.Full {
		t.Fatalf("the edit's build was full (%s)", res.Reason)
	}
	if got, want := doc(), "It’s “quoted” – see https://go.dev.\nDon’t stop…"; got != want {
		t.Errorf("incremental build: document text %q, want %q", got, want)
	}
	if d := cmp.Diff(fullSnapshot(t, root), snapshot(t, cfg.OutputDir())); d != "" {
		t.Errorf("the edit's build differs from a full build (-full +got):\n%s", d)
	}
}

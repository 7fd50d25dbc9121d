package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// writeCorpus writes a site of n generated posts: titles of five words and
// bodies of some 400, drawn from a vocabulary of 20,000 made-up words by a
// Zipf law as natural text is, in paragraphs, with a code block in every
// fourth post and three tags each.
func writeCorpus(tb testing.TB, dir string, n int) []string {
	tb.Helper()
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	vocab := make([]string, 20000)
	const cons, vow = "bcdfghjklmnprstvwz", "aeiouy"
	for i := range vocab {
		var b strings.Builder
		for range 2 + rng.IntN(3) {
			b.WriteByte(cons[rng.IntN(len(cons))])
			b.WriteByte(vow[rng.IntN(len(vow))])
		}
		for j := i; ; j /= len(cons) {
			b.WriteByte(cons[j%len(cons)])
			if j < len(cons) {
				break
			}
		}
		vocab[i] = b.String()
	}
	zipf := rand.NewZipf(rng, 1.07, 2, uint64(len(vocab)-1))
	words := func(k int) string {
		w := make([]string, k)
		for i := range w {
			w[i] = vocab[zipf.Uint64()]
		}
		return strings.Join(w, " ")
	}
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "posts"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "_config.yaml"), []byte("site: {title: Corpus, url: \"http://127.0.0.1/\"}\nwidget: {enabled: false}\n"), 0o644))
	start := time.Date(2015, 1, 1, 8, 0, 0, 0, time.UTC)
	for i := range n {
		var body strings.Builder
		for p := range 5 {
			body.WriteString(words(80) + ".\n\n")
			if p == 2 && i%4 == 0 {
				fmt.Fprintf(&body, "```go\nfunc %s() int { return %d }\n```\n\n", vocab[rng.IntN(len(vocab))], i)
			}
		}
		tags := []string{vocab[rng.IntN(40)], vocab[rng.IntN(200)], vocab[rng.IntN(1000)]}
		post := fmt.Sprintf("---\ntitle: %s\ndate: %s\ntags: [%s]\ncategories: [%s]\n---\n%s",
			words(5), start.Add(time.Duration(i)*97*time.Minute).Format(time.RFC3339), strings.Join(tags, ", "), vocab[rng.IntN(8)], body.String())
		must(os.WriteFile(filepath.Join(dir, "posts", fmt.Sprintf("p%05d.md", i)), []byte(post), 0o644))
	}
	return vocab
}

// dirSize is the bytes of the files under dir, raw and gzip-compressed one
// by one (as a static host serves them).
func dirSize(tb testing.TB, dir string) (raw, gz int64, files int) {
	tb.Helper()
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		var buf bytes.Buffer
		z := gzip.NewWriter(&buf)
		z.Write(data)
		z.Close()
		raw, gz, files = raw+int64(len(data)), gz+int64(buf.Len()), files+1
		return nil
	})
	return raw, gz, files
}

// BenchmarkSearch builds sites of 1,000 and 10,000 generated posts and,
// in headless Chromium against a loopback static server that gzips, runs
// a first query on a freshly loaded search page: how long until the
// results are on the page, and how many compressed bytes of the index and
// documents the page downloaded (the manifest, fetched on load, included). It reports the index's size too (manifest and
// fragments; documents apart).
//
//	go test ./cmd/blog -run '^$' -bench BenchmarkSearch -benchtime 20x
func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("posts=%d", n), func(b *testing.B) {
			browser := newBrowser(b)
			dir := b.TempDir()
			vocab := writeCorpus(b, dir, n)
			s := buildServed(b, dir)
			out := filepath.Join(dir, "_site", "search")
			fragRaw, fragGz, frags := dirSize(b, filepath.Join(out, "f"))
			manRaw, manGz, _ := dirSize(b, filepath.Join(out, "index.json"))
			docRaw, docGz, _ := dirSize(b, filepath.Join(out, "d"))
			// A word of middling frequency, then a common one with it.
			queries := []string{vocab[300], vocab[40] + " " + vocab[900]}
			var total time.Duration
			var maxBytes int64
			for i := 0; b.Loop(); i++ {
				q := queries[i%len(queries)]
				b.StopTimer()
				s.reset()
				step(b, browser, "open the search page", chromedp.Navigate(s.url+"search/"))
				b.StartTimer()
				ms := evalFloat(b, browser, fmt.Sprintf(`(async () => { const t0 = performance.now(); await window.blogSearch(%q); return performance.now() - t0; })()`, q))
				b.StopTimer()
				total += time.Duration(ms * float64(time.Millisecond))
				got, _ := s.downloaded()
				maxBytes = max(maxBytes, got)
				if hits := evalString(b, browser, `String(document.querySelectorAll("#search-results li").length)`); hits == "0" {
					b.Fatalf("query %q found nothing", q)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(total.Microseconds())/1000/float64(b.N), "query-ms")
			b.ReportMetric(float64(maxBytes)/1024, "first-query-gz-KB")
			b.ReportMetric(float64(fragRaw+manRaw)/1024, "index-KB")
			b.ReportMetric(float64(fragGz+manGz)/1024, "index-gz-KB")
			b.ReportMetric(float64(frags), "fragments")
			b.ReportMetric(float64(manGz)/1024, "manifest-gz-KB")
			b.ReportMetric(float64(docRaw)/1024, "docs-KB")
			b.ReportMetric(float64(docGz)/1024, "docs-gz-KB")
		})
	}
}

// evalFloat evaluates the JavaScript expression js, a promise of a number.
func evalFloat(tb testing.TB, tab context.Context, js string) float64 {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tab, serveWait)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[float64](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

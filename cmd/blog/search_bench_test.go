package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/performance"
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
// in headless Chromium against a loopback static server that serves them
// gzipped (compressed once, as a host with precompressed files does),
// measures what a reader sees of a first query on a freshly loaded search
// page:
//
//   - first-results-ms, all-results-ms: the query typed into the box at a
//     quick typist's pace (keyGap), from the last key's input event to the
//     frame that shows its first results, and the whole first page, by the
//     page's clock;
//   - query-ms: the query run at once on a fresh page (as pasted, or sent
//     from the header's box), to its first results;
//   - first-query-gz-KB, first-query-requests: the compressed bytes and the
//     requests of the index and documents the typed query downloaded (the
//     manifest, fetched on load, included);
//   - page-task-ms, chromium-cpu-ms: the page's main thread busy time over
//     the typed query (DevTools Performance domain) and the CPU time of
//     every Chromium process (Linux), which say what the query costs when
//     the machine's load stretches wall time;
//   - the index's size (manifest and fragments; documents apart).
//
// Run it with
//
//	go test ./cmd/blog -run '^$' -bench BenchmarkSearch -benchtime 10x
func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("posts=%d", n), func(b *testing.B) {
			browser := newBrowser(b)
			dir := b.TempDir()
			vocab := writeCorpus(b, dir, n)
			s := buildServed(b, dir)
			s.precompressed = true
			out := filepath.Join(dir, "_site", "search")
			fragRaw, fragGz, frags := dirSize(b, filepath.Join(out, "f"))
			manRaw, manGz, _ := dirSize(b, filepath.Join(out, "index.json"))
			docRaw, docGz, _ := dirSize(b, filepath.Join(out, "d"))
			// A word of middling frequency, then a common one with it.
			queries := []string{vocab[300], vocab[40] + " " + vocab[900]}
			step(b, browser, "measure the page's busy time", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
				_, err := chromedp.Call(ctx, performance.Enable, performance.EnableParams{})
				return err
			}))
			var first, all, direct, task, cpu float64
			var maxBytes int64
			var maxFiles int
			for i := 0; b.Loop(); i++ {
				q := queries[i%len(queries)]
				b.StopTimer()
				s.reset()
				step(b, browser, "open the search page", chromedp.Navigate(s.url+"search/"))
				evalFloat(b, browser, manifestIn)
				evalFloat(b, browser, fmt.Sprintf(watchResults, q))
				task0, cpu0 := pageTask(b, browser), chromiumCPU()
				b.StartTimer()
				// A quick typist: a key every 150 ms.
				for k, r := range []rune(q) {
					if k > 0 {
						time.Sleep(keyGap)
					}
					step(b, browser, "type the query", chromedp.SendKeys(chromedp.ID("search-q"), string(r)))
				}
				f := evalFloat(b, browser, `window.__searchTimes.then(t => t.first)`)
				b.StopTimer()
				a := evalFloat(b, browser, `window.__searchTimes.then(t => t.all)`)
				task += pageTask(b, browser) - task0
				cpu += chromiumCPU() - cpu0
				first, all = first+f, all+a
				got, files := s.downloaded()
				maxBytes, maxFiles = max(maxBytes, got), max(maxFiles, len(files))
				if hits := evalString(b, browser, `String(document.querySelectorAll("#search-results li").length)`); hits == "0" {
					b.Fatalf("query %q found nothing", q)
				}
				// The query at once, as pasted or sent from the header's box:
				// the time to its first results, with no key typed before.
				step(b, browser, "open the search page again", chromedp.Navigate(s.url+"search/"))
				evalFloat(b, browser, manifestIn)
				direct += evalFloat(b, browser, fmt.Sprintf(`(async () => { const t0 = performance.now(); await window.blogSearch(%q); return performance.now() - t0; })()`, q))
				b.StartTimer()
			}
			perOp := func(v float64) float64 { return v / float64(b.N) }
			b.ReportMetric(perOp(first), "first-results-ms")
			b.ReportMetric(perOp(all), "all-results-ms")
			b.ReportMetric(perOp(direct), "query-ms")
			b.ReportMetric(perOp(task), "page-task-ms")
			if cpu >= 0 {
				b.ReportMetric(perOp(cpu), "chromium-cpu-ms")
			}
			b.ReportMetric(float64(maxBytes)/1024, "first-query-gz-KB")
			b.ReportMetric(float64(maxFiles), "first-query-requests")
			b.ReportMetric(float64(fragRaw+manRaw)/1024, "index-KB")
			b.ReportMetric(float64(fragGz+manGz)/1024, "index-gz-KB")
			b.ReportMetric(float64(frags), "fragments")
			b.ReportMetric(float64(manGz)/1024, "manifest-gz-KB")
			b.ReportMetric(float64(docRaw)/1024, "docs-KB")
			b.ReportMetric(float64(docGz)/1024, "docs-gz-KB")
		})
	}
}

// manifestIn waits until the page has the index's manifest, which it
// fetches on load: a reader looks at the page before typing.
const manifestIn = `(async () => {
  for (let i = 0; i < 200 && !performance.getEntriesByName(location.origin + "/search/index.json").length; i++) await new Promise(r => setTimeout(r, 10));
  return 0;
})()`

// keyGap is the time between two keys of a typed query.
const keyGap = 150 * time.Millisecond

// watchResults, with the query, sets window.__searchTimes to a promise of
// the times, in ms from the last input event in the search box, of the
// frames that show the query's first results and its whole first page
// (the blog:search events the script sends as it shows them).
const watchResults = `(() => {
  const q = %q, box = document.getElementById("search-q");
  let last = 0, first = 0;
  box.addEventListener("input", () => { last = performance.now(); }, true);
  window.__searchTimes = new Promise(done => {
    document.addEventListener("blog:search", e => {
      if (e.detail.q !== q) return;
      requestAnimationFrame(() => {
        const t = performance.now() - last;
        if (!first) first = t;
        if (e.detail.shown >= Math.min(e.detail.hits, 10)) done({ first: first, all: t });
      });
    });
  });
  return 0;
})()`

// pageTask is the main thread's busy time in the page so far, in ms.
func pageTask(tb testing.TB, tab context.Context) float64 {
	tb.Helper()
	var ms float64
	step(tb, tab, "read the page's metrics", chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		res, err := chromedp.Call(ctx, performance.GetMetrics, cdp.Empty{})
		for _, m := range res.Metrics {
			if m.Name == "TaskDuration" {
				ms = m.Value * 1000
			}
		}
		return err
	}))
	return ms
}

// chromiumCPU is the user and system CPU time, in ms, of the processes
// below this one (the browser and its helpers), read from /proc; -1 where
// there is none.
func chromiumCPU() float64 {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return -1
	}
	parent := map[int]int{}
	ticks := map[int]float64{}
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid … utime stime: fields 4, 14 and 15.
		f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
		if len(f) < 13 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		ut, _ := strconv.ParseFloat(f[11], 64)
		st, _ := strconv.ParseFloat(f[12], 64)
		parent[pid], ticks[pid] = ppid, ut+st
	}
	self, total := os.Getpid(), 0.0
	for pid, t := range ticks {
		for p := parent[pid]; p > 1; p = parent[p] {
			if p == self {
				total += t
				break
			}
		}
	}
	return total * 10 // USER_HZ is 100 on Linux
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

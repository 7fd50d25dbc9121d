// Package servebench measures the dev server's save-to-reload latency: the
// time from writing a post to a browser-like client receiving the reload
// event over Server-Sent Events. It holds benchmarks only:
//
//	go test ./bench/serve -run '^$' -bench SaveToReload -benchtime 20x
//	BLOG_BENCH_SITE=/tmp/corpus10k go test ./bench/serve -run '^$' -bench SaveToReload -benchtime 20x
//
// The site (default: the sample blog at the repository root) is copied to
// a temporary directory first, so the edits never touch it.
package servebench

import (
	"bufio"
	"context"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/serve"
)

func BenchmarkSaveToReload(b *testing.B) {
	src := os.Getenv("BLOG_BENCH_SITE")
	if src == "" {
		src = "../.."
	}
	root := copySite(b, src)
	cfg, err := build.Load(root)
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	builds := make(chan serve.Event, 16)
	s, err := serve.New(cfg, serve.Options{OnBuild: func(ev serve.Event) { builds <- ev }})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			b.Error(err)
		}
	}()
	first := <-builds
	if first.Err != nil {
		b.Fatalf("initial build: %v", first.Err)
	}
	b.Logf("initial build: %d posts in %v", first.Result.Posts, first.Elapsed.Round(time.Millisecond))

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL(ln.Addr())+"_blog/events", nil)
	if err != nil {
		b.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	events := make(chan string, 16)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if name, ok := strings.CutPrefix(sc.Text(), "event: "); ok {
				events <- name
			}
		}
	}()
	if ev := <-events; ev != "hello" {
		b.Fatalf("first event %q, want hello", ev)
	}

	post := firstPost(b, filepath.Join(root, cfg.Build.Posts))
	orig, err := os.ReadFile(post)
	if err != nil {
		b.Fatal(err)
	}
	var total, builder []time.Duration
	n := 0
	for b.Loop() {
		n++
		edit := append(slices.Clone(orig), "\n\nEdit number "+strconv.Itoa(n)+".\n"...)
		start := time.Now()
		if err := os.WriteFile(post, edit, 0o644); err != nil {
			b.Fatal(err)
		}
		select {
		case ev := <-events:
			if ev != "reload" {
				b.Fatalf("event %q after an edit, want reload", ev)
			}
		case <-time.After(5 * time.Minute):
			b.Fatal("no reload within 5 minutes")
		}
		total = append(total, time.Since(start))
		ev := <-builds
		builder = append(builder, ev.Elapsed)
	}
	b.ReportMetric(ms(quantile(total, 0.5)), "ms-p50")
	b.ReportMetric(ms(quantile(total, 0.95)), "ms-p95")
	b.ReportMetric(ms(quantile(builder, 0.5)), "build-ms-p50")
	b.ReportMetric(ms(quantile(builder, 0.95)), "build-ms-p95")
	b.ReportMetric(rssMB(), "rss-MB")
	if peak := peakRSSMB(); peak > 0 {
		b.ReportMetric(peak, "peak-rss-MB") // the initial build's, usually
	}
	b.ReportMetric(0, "ns/op") // one edit's time is the latency above
}

// rssMB is the resident set of the process now, from /proc (0 elsewhere):
// the server holding its build session after the edits.
func rssMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for l := range strings.Lines(string(data)) {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}

// copySite copies the site at src (its _config.yaml and source
// directories) into a temporary directory.
func copySite(b *testing.B, src string) string {
	b.Helper()
	dst := b.TempDir()
	data, err := os.ReadFile(filepath.Join(src, build.ConfigFile))
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dst, build.ConfigFile), data, 0o644); err != nil {
		b.Fatal(err)
	}
	for _, dir := range []string{"posts", "pages", "templates", "static"} {
		if _, err := os.Stat(filepath.Join(src, dir)); err != nil {
			continue
		}
		if err := os.CopyFS(filepath.Join(dst, dir), os.DirFS(filepath.Join(src, dir))); err != nil {
			b.Fatal(err)
		}
	}
	return dst
}

// firstPost returns the first Markdown post under dir, in name order.
func firstPost(b *testing.B, dir string) string {
	b.Helper()
	var posts []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".md") {
			posts = append(posts, p)
		}
		return nil
	})
	if len(posts) == 0 {
		b.Fatalf("no posts under %s", dir)
	}
	slices.Sort(posts)
	return posts[0]
}

// quantile returns the q-quantile of ds (nearest rank).
func quantile(ds []time.Duration, q float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

package serve_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/serve"
)

// wait bounds every wait for something the server does: generous, because
// CI machines are slow, and never a sleep that asserts.
const wait = 15 * time.Second

// recv receives from ch (a close counts, as for a signal channel),
// failing the test when nothing comes within wait.
func recv[T any](tb testing.TB, ch <-chan T, what string) T {
	tb.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(wait):
		tb.Fatalf("no %s within %v", what, wait)
	}
	var zero T
	return zero
}

// writeFile writes data to root/rel, making directories as needed.
func writeFile(tb testing.TB, root, rel, data string) {
	tb.Helper()
	p := filepath.Join(root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// post returns a post's Markdown with the given title and body.
func post(title, body string) string {
	return "---\ntitle: " + title + "\ndate: 2026-01-02\n---\n" + body + "\n"
}

// newSite writes a small site into a temporary directory and returns its
// root: two posts, a stylesheet, the embedded theme's templates.
func newSite(tb testing.TB) string {
	tb.Helper()
	root := tb.TempDir()
	writeFile(tb, root, "_config.yaml", "site: {title: Test site}\n")
	writeFile(tb, root, "posts/a.md", post("Alpha", "Alpha body."))
	writeFile(tb, root, "posts/b.md", post("Beta", "Beta body."))
	writeFile(tb, root, "static/css/extra.css", "body { color: black }\n")
	return root
}

// testServer is a Server running on a loopback port, with its builds
// delivered on a channel.
type testServer struct {
	*serve.Server
	root   string
	url    string // the site's home page
	events chan serve.Event
	cfg    build.Config
}

// startServer runs a dev server for the site at root until the test ends,
// and waits for its initial build.
func startServer(tb testing.TB, root string, opts serve.Options) *testServer {
	tb.Helper()
	cfg, err := build.Load(root)
	if err != nil {
		tb.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	if opts.Debounce == 0 {
		// Longer than the default, so that a test's burst of changes is
		// one burst even on a loaded machine.
		opts.Debounce = 200 * time.Millisecond
	}
	events := make(chan serve.Event, 100)
	onBuild := opts.OnBuild
	opts.OnBuild = func(ev serve.Event) {
		if onBuild != nil {
			onBuild(ev)
		}
		events <- ev
	}
	s, err := serve.New(cfg, opts)
	if err != nil {
		ln.Close()
		tb.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	tb.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				tb.Errorf("Serve: %v", err)
			}
		case <-time.After(wait):
			tb.Errorf("Serve did not return %v after its context was cancelled", wait)
		}
	})
	ts := &testServer{Server: s, root: root, url: s.URL(ln.Addr()), events: events, cfg: cfg}
	if ev := ts.next(tb); ev.Seq != 1 || ev.Changed != nil {
		tb.Fatalf("first build: Seq %d, Changed %q; want the initial build", ev.Seq, ev.Changed)
	}
	return ts
}

// next returns the server's next build, failing after a bounded wait.
func (ts *testServer) next(tb testing.TB) serve.Event {
	tb.Helper()
	select {
	case ev := <-ts.events:
		return ev
	case <-time.After(wait):
		tb.Fatalf("no build within %v", wait)
		return serve.Event{}
	}
}

// sentinel proves that nothing was built since the build last: it changes
// a file nothing else touches and checks that the next build is the one
// right after last and was caused by that file alone.
func (ts *testServer) sentinel(tb testing.TB, last serve.Event) serve.Event {
	tb.Helper()
	writeFile(tb, ts.root, "posts/sentinel.md", post("Sentinel", time.Now().String()))
	ev := ts.next(tb)
	if ev.Seq != last.Seq+1 || strings.Join(ev.Changed, " ") != "posts/sentinel.md" {
		tb.Fatalf("after build %d, next build is %d for %q; want %d for posts/sentinel.md alone (an extra build happened)", last.Seq, ev.Seq, ev.Changed, last.Seq+1)
	}
	return ev
}

// output reads a file of the built site.
func (ts *testServer) output(tb testing.TB, rel string) string {
	tb.Helper()
	data, err := os.ReadFile(filepath.Join(ts.cfg.OutputDir(), filepath.FromSlash(rel)))
	if err != nil {
		tb.Fatal(err)
	}
	return string(data)
}

// sseEvent is one Server-Sent Event as the browser sees it.
type sseEvent struct {
	Name   string
	Build  string
	Errors []string
}

// sseClient reads the dev server's event stream.
type sseClient struct {
	events chan sseEvent
	resp   *http.Response
}

// streamURL is the live reload's event stream of the server at base (a
// URL ending in /), or base itself when it names another stream (one
// ending in /stream/, the widget's).
func streamURL(base string) string {
	if strings.HasSuffix(base, "/stream/") {
		return strings.TrimSuffix(base, "/")
	}
	return strings.TrimSuffix(base, "/") + "/_blog/events"
}

// connect opens the event stream of the server at base (see streamURL)
// until the test ends.
func connect(tb testing.TB, base string) *sseClient {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, streamURL(base), nil)
	if err != nil {
		tb.Fatal(err)
	}
	req.Header.Set("Accept", "text/event-stream") // as EventSource does
	// A stream has no overall timeout; its response header must come
	// within wait all the same.
	noHeader := time.AfterFunc(wait, cancel)
	resp, err := http.DefaultClient.Do(req)
	if !noHeader.Stop() {
		err = fmt.Errorf("no response header within %v: %w", wait, err)
	}
	if err != nil {
		cancel()
		tb.Fatal(err)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		tb.Errorf("event stream Content-Type = %q, want text/event-stream", ct)
	}
	c := &sseClient{events: make(chan sseEvent, 100), resp: resp}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer close(c.events)
		readSSE(resp.Body, c.events)
	}()
	tb.Cleanup(func() {
		cancel()
		resp.Body.Close()
		select {
		case <-done:
		case <-time.After(wait):
			tb.Errorf("the event stream reader did not end within %v of closing the stream", wait)
		}
	})
	return c
}

// readSSE parses an event stream into events until it ends.
func readSSE(body interface{ Read([]byte) (int, error) }, out chan<- sseEvent) {
	sc := bufio.NewScanner(body)
	var name, data string
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if name != "" {
				var d struct {
					Build  string   `json:"build"`
					Errors []string `json:"errors"`
				}
				json.Unmarshal([]byte(data), &d)
				out <- sseEvent{Name: name, Build: d.Build, Errors: d.Errors}
			}
			name, data = "", ""
		case strings.HasPrefix(line, "event: "):
			name = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			data += strings.TrimPrefix(line, "data: ")
		}
	}
}

// next returns the next event, failing after a bounded wait.
func (c *sseClient) next(tb testing.TB) sseEvent {
	tb.Helper()
	select {
	case ev, ok := <-c.events:
		if !ok {
			tb.Fatal("event stream ended")
		}
		return ev
	case <-time.After(wait):
		tb.Fatalf("no event within %v", wait)
		return sseEvent{}
	}
}

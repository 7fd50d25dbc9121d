package serve_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/serve"
)

func TestEventsReload(t *testing.T) {
	t.Parallel()
	ts := startServer(t, newSite(t), serve.Options{})
	c := connect(t, ts.url)
	hello := c.next(t)
	if hello.Name != "hello" || hello.Build == "" || len(hello.Errors) != 0 {
		t.Fatalf("first event %+v, want hello with a build and no errors", hello)
	}
	// The page carries the same build, so it does not reload on connect.
	page := get(t, ts.url+"2026/01/a/")
	if m := regexp.MustCompile(`data-build="([^"]*)"`).FindStringSubmatch(page); m == nil || m[1] != hello.Build {
		t.Errorf("page's data-build %q, want the hello's %q", m, hello.Build)
	}

	writeFile(t, ts.root, "posts/a.md", post("Alpha", "New words."))
	ev := c.next(t)
	if ev.Name != "reload" || ev.Build == hello.Build {
		t.Fatalf("event after an edit %+v, want reload with a new build", ev)
	}

	writeFile(t, ts.root, "static/css/extra.css", "body { color: blue }\n")
	css := c.next(t)
	if css.Name != "css" || css.Build == ev.Build {
		t.Fatalf("event after a CSS edit %+v, want css with a new build", css)
	}
	if got := get(t, ts.url+"css/extra.css"); got != "body { color: blue }\n" {
		t.Errorf("the stylesheet is %q after the CSS edit", got)
	}
}

func TestEventsError(t *testing.T) {
	t.Parallel()
	ts := startServer(t, newSite(t), serve.Options{})
	c := connect(t, ts.url)
	hello := c.next(t)

	writeFile(t, ts.root, "posts/a.md", "---\ntitle: Alpha\ndate: never\n---\nBroken.\n")
	ev := c.next(t)
	if ev.Name != "error" || len(ev.Errors) != 1 || !strings.HasPrefix(ev.Errors[0], "posts/a.md:3:") {
		t.Fatalf("event after breaking a post %+v, want error with one line at posts/a.md:3", ev)
	}
	if ev.Build != hello.Build {
		t.Errorf("a failed build changed the build from %q to %q", hello.Build, ev.Build)
	}
	// A page opened now gets the errors at once, and the last good site.
	late := connect(t, ts.url)
	if h := late.next(t); h.Name != "hello" || h.Build != hello.Build || strings.Join(h.Errors, "\n") != strings.Join(ev.Errors, "\n") {
		t.Errorf("hello while broken %+v, want build %q with errors %q", h, hello.Build, ev.Errors)
	}
	if page := get(t, ts.url+"2026/01/a/"); !strings.Contains(page, "Alpha body.") {
		t.Errorf("while broken, the post's page is not the last good one")
	}

	// A stylesheet edit does not fix the post: still an error.
	writeFile(t, ts.root, "static/css/extra.css", "body { color: green }\n")
	for _, c := range []*sseClient{c, late} {
		if ev := c.next(t); ev.Name != "error" {
			t.Fatalf("event after a CSS edit while broken %+v, want error", ev)
		}
	}
	writeFile(t, ts.root, "posts/a.md", post("Alpha", "Fixed."))
	for _, c := range []*sseClient{c, late} {
		if ev := c.next(t); ev.Name != "reload" || len(ev.Errors) != 0 {
			t.Errorf("event after the fix %+v, want reload without errors", ev)
		}
	}
}

// TestEventsFirstBuildFails starts on a broken site: the server still
// serves, shows the errors, and reloads pages once the fix builds.
func TestEventsFirstBuildFails(t *testing.T) {
	t.Parallel()
	root := newSite(t)
	writeFile(t, root, "posts/a.md", "---\ntitle: [unclosed\n---\n")
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	first := make(chan serve.Event, 1)
	s, err := serve.New(cfg, serve.Options{OnBuild: func(ev serve.Event) {
		select {
		case first <- ev:
		default:
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	defer func() {
		cancel()
		if err := recv(t, done, "return from Serve after cancel"); err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	if ev := recv(t, first, "first build"); ev.Err == nil {
		t.Fatal("the first build of a broken site succeeded")
	}
	url := s.URL(ln.Addr())
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("GET / with no site built: %d, want 503", resp.StatusCode)
	}
	c := connect(t, url)
	if h := c.next(t); h.Name != "hello" || h.Build == "" || len(h.Errors) == 0 || !strings.HasPrefix(h.Errors[0], "posts/a.md:2:") {
		t.Fatalf("hello with no site built %+v, want the errors at posts/a.md:2", h)
	}
	writeFile(t, root, "posts/a.md", post("Alpha", "Fixed."))
	if ev := c.next(t); ev.Name != "reload" {
		t.Fatalf("event after the fix %+v, want reload", ev)
	}
	if page := get(t, url+"2026/01/a/"); !strings.Contains(page, "Fixed.") {
		t.Errorf("the post's page does not show the fix")
	}
}

// TestServeShutdown cancels the server's context while a request is in
// flight and a page listens for events: the request finishes, the stream
// ends, Serve returns nil, and nothing of the server is left running or on
// disk.
func TestServeShutdown(t *testing.T) {
	root := newSite(t)
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	entered, finish := make(chan struct{}), make(chan struct{})
	slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		select {
		case <-finish:
		case <-time.After(wait):
		}
		io.WriteString(w, "finished")
	})
	built := make(chan struct{}, 10)
	s, err := serve.New(cfg, serve.Options{Widget: slow, OnBuild: func(serve.Event) { built <- struct{}{} }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	recv(t, built, "first build")
	url := s.URL(ln.Addr())

	stream := connect(t, url)
	stream.next(t) // hello
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: wait}
	type result struct {
		body string
		err  error
	}
	inflight := make(chan result, 1)
	go func() {
		resp, err := client.Get(url + "_online/slow")
		if err != nil {
			inflight <- result{err: err}
			return
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		inflight <- result{string(b), err}
	}()
	recv(t, entered, "the slow request in its handler")
	// Start a rebuild too, so shutdown meets a build in progress.
	writeFile(t, root, "posts/a.md", post("Alpha", "Edited at shutdown."))
	cancel()
	close(finish)
	if r := recv(t, inflight, "end of the in-flight request"); r.err != nil || r.body != "finished" {
		t.Errorf("in-flight request: %q, %v; want it to finish", r.body, r.err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Serve after cancel: %v, want nil", err)
		}
	case <-time.After(wait):
		t.Fatal("Serve did not return after its context was cancelled")
	}
	// Drain the stream until it ends, within wait.
	streamEnd := time.After(wait)
drain:
	for {
		select {
		case _, ok := <-stream.events:
			if !ok {
				break drain
			}
		case <-streamEnd:
			t.Error("the event stream did not end at shutdown")
			break drain
		}
	}
	client.CloseIdleConnections()
	http.DefaultClient.CloseIdleConnections()

	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".site-") {
			t.Errorf("a build's temporary directory %s was left behind", e.Name())
		}
	}
	// Every goroutine the server started has ended.
	deadline := time.Now().Add(wait)
	for {
		buf := make([]byte, 1<<20)
		stacks := string(buf[:runtime.Stack(buf, true)])
		left := regexp.MustCompile(`blog/serve\.\(|fsnotify\.`).FindString(stacks)
		if left == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines of the server are still running:\n%s", stacks)
		}
		runtime.Gosched()
		time.Sleep(10 * time.Millisecond)
	}
}

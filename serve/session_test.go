package serve_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/serve"
)

// TestServeSavesCacheOnStop: the server's builds keep the cache state in
// memory; when it stops, the state is on disk, so the next `blog build`
// is incremental and has nothing to write, the edit made while serving
// included.
func TestServeSavesCacheOnStop(t *testing.T) {
	t.Parallel()
	root := newSite(t)
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan serve.Event, 10)
	s, err := serve.New(cfg, serve.Options{Debounce: 200 * time.Millisecond, OnBuild: func(ev serve.Event) { events <- ev }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	next := func() serve.Event {
		t.Helper()
		select {
		case ev := <-events:
			return ev
		case <-time.After(wait):
			t.Fatalf("no build within %v", wait)
			return serve.Event{}
		}
	}
	if ev := next(); ev.Err != nil {
		t.Fatalf("initial build: %v", ev.Err)
	}
	writeFile(t, root, "posts/a.md", post("Alpha", "Edited while serving."))
	if ev := next(); ev.Err != nil || ev.Result.Full {
		t.Fatalf("build after an edit: %+v", ev)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(wait):
		t.Fatalf("Serve did not return within %v", wait)
	}
	if _, err := os.Stat(filepath.Join(root, build.CacheDir, "dirty")); err == nil {
		t.Error("the cache's dirty mark is still there after the server stopped")
	}
	// A build as the server's (in serve mode, where the widget shows):
	// it starts from the state the server left on disk.
	res, err := build.Run(t.Context(), cfg, build.Options{Mode: "serve"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Full || res.Written != 0 {
		t.Errorf("blog build after serve: %s; want incremental with nothing written", res)
	}
	page, err := os.ReadFile(filepath.Join(root, "_site", "2026", "01", "a", "index.html"))
	if err != nil || !strings.Contains(string(page), "Edited while serving.") {
		t.Errorf("the served edit is not in the output (%v)", err)
	}
}

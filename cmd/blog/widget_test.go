package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/widget"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestWidgetOptions(t *testing.T) {
	t.Parallel()
	env := map[string]string{"BLOG_WIDGET_SECRET": "s3cret", "OTHER": "other"}
	getenv := func(k string) string { return env[k] }
	tests := []struct {
		name string
		edit func(*build.Config)
		want widget.Options
	}{
		{
			name: "defaults",
			edit: func(*build.Config) {},
			want: widget.Options{Site: "localhost:4000", Strategy: "zset", Window: 5 * time.Minute, Heartbeat: time.Minute,
				Origins: []string{"http://localhost:4000"}, Secret: []byte("s3cret"), GuestsPerAddr: 4},
		},
		{
			name: "everything set",
			edit: func(c *build.Config) {
				c.Site.URL = "https://blog.example/"
				c.Widget = build.WidgetConfig{Enabled: build.SwitchOn, Path: "/_online", Redis: "redis://r:6379/0", Strategy: "sets",
					Window: time.Minute, Heartbeat: 20 * time.Second, Guests: false, Origins: []string{"https://a.example"},
					SecretEnv: "OTHER", Site: "ns", Stream: true, RespectGPC: false,
					TrustProxy: true, TrustedProxies: []string{"10.0.0.0/8"}, GuestsPerAddress: 9}
			},
			want: widget.Options{Redis: "redis://r:6379/0", Site: "ns", Strategy: "sets", Window: time.Minute, Heartbeat: 20 * time.Second,
				NoGuests: true, RecordGPC: true, Origins: []string{"https://a.example"}, Secret: []byte("other"), Stream: true,
				TrustProxy: true, TrustedProxies: []string{"10.0.0.0/8"}, GuestsPerAddr: 9},
		},
		{
			name: "no secret in env",
			edit: func(c *build.Config) { c.Widget.SecretEnv = "UNSET" },
			want: widget.Options{Site: "localhost:4000", Strategy: "zset", Window: 5 * time.Minute, Heartbeat: time.Minute,
				Origins: []string{"http://localhost:4000"}, GuestsPerAddr: 4},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg := build.DefaultConfig()
			tc.edit(&cfg)
			got := widgetOptions(cfg, getenv)
			if d := cmp.Diff(tc.want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(widget.Options{}, "Client", "Logger", "Now")); d != "" {
				t.Errorf("widgetOptions (-want +got):\n%s", d)
			}
		})
	}
}

func TestCmdWidgetBadFlag(t *testing.T) {
	t.Parallel()
	var stderr bytes.Buffer
	if err := cmdWidget(t.Context(), []string{"--nope"}, &bytes.Buffer{}, &stderr); err == nil {
		t.Errorf("cmdWidget(--nope) = nil, want an error")
	}
}

func TestCmdWidgetNoSite(t *testing.T) {
	t.Parallel()
	if err := cmdWidget(t.Context(), []string{"--root", t.TempDir()}, &bytes.Buffer{}, &bytes.Buffer{}); err == nil {
		t.Errorf("cmdWidget in an empty directory = nil, want an error")
	}
}

// widgetTestBuffer is a bytes.Buffer safe to read while a command writes it.
type widgetTestBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *widgetTestBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *widgetTestBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func TestCmdWidgetServes(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "_config.yaml"), []byte("widget:\n  path: /_who\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr widgetTestBuffer
	done := make(chan error, 1)
	go func() { done <- cmdWidget(ctx, []string{"--root", root, "--addr", "127.0.0.1:0"}, &stdout, &stderr) }()
	re := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/_who/`)
	var base string
	for i := 0; base == ""; i++ {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			base = "http://" + m[1] + "/_who"
		}
		if i == 200 {
			t.Fatalf("no listening line; stdout %q stderr %q", stdout.String(), stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	resp, err := http.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	var snap widget.Snapshot
	json.NewDecoder(resp.Body).Decode(&snap)
	resp.Body.Close()
	if resp.StatusCode != 200 || snap.Scope != "local" || !snap.Available {
		t.Errorf("GET /_who/ = %d %+v, want 200, local, available", resp.StatusCode, snap)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("cmdWidget after cancel = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("cmdWidget did not stop after cancel")
	}
}

// serveWidget serves h with newWidgetServer and timeouts t on a loopback
// port until the test ends, and returns its address.
func serveWidget(t *testing.T, h http.Handler, to httpTimeouts) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := newWidgetServer(h, slog.New(slog.DiscardHandler), to)
	var wg sync.WaitGroup
	wg.Go(func() { hs.Serve(ln) })
	t.Cleanup(func() {
		hs.Close()
		wg.Wait()
	})
	return ln.Addr().String()
}

// TestWidgetServerCutsOffSlowBodies sends a hit whose 1 KB body dribbles
// in a byte every 20ms: the server must close the connection after its
// read timeout, long before the body is complete.
func TestWidgetServerCutsOffSlowBodies(t *testing.T) {
	t.Parallel()
	srv, err := widget.New(widget.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const readTimeout = 300 * time.Millisecond
	addr := serveWidget(t, srv, httpTimeouts{ReadHeader: readTimeout, Read: readTimeout, Write: time.Second, Idle: time.Second})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	fmt.Fprint(conn, "POST /hit HTTP/1.1\r\nHost: example.com\r\nUser-Agent: Mozilla/5.0\r\nContent-Type: text/plain\r\nContent-Length: 1024\r\n\r\n")

	closed := make(chan struct{}) // the server closed the connection
	var wg sync.WaitGroup
	wg.Go(func() {
		defer close(closed)
		io.Copy(io.Discard, conn) // until EOF or reset
	})
	defer wg.Wait()
	start := time.Now()
	sent := 0
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for sent < 1024 {
		select {
		case <-closed:
			if d := time.Since(start); d > 10*readTimeout {
				t.Errorf("cut off after %v, want about %v", d, readTimeout)
			}
			return
		case <-tick.C:
		}
		if _, err := conn.Write([]byte{'x'}); err != nil {
			return // closed under us: cut off
		}
		if sent++; time.Since(start) > 5*time.Second {
			break
		}
	}
	conn.Close()
	t.Errorf("a body dribbled at 50 bytes/s was not cut off: %d bytes sent over %v", sent, time.Since(start).Round(time.Millisecond))
}

// TestWidgetServerStreamOutlivesTimeouts checks GET /stream keeps pushing
// events long after the server's read and write timeouts.
func TestWidgetServerStreamOutlivesTimeouts(t *testing.T) {
	t.Parallel()
	srv, err := widget.New(widget.Options{Stream: true, Flush: 50 * time.Millisecond, Refresh: 50 * time.Millisecond, Secret: []byte("s")})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	const timeout = 200 * time.Millisecond
	addr := serveWidget(t, srv, httpTimeouts{ReadHeader: timeout, Read: timeout, Write: timeout, Idle: timeout})
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://"+addr+"/stream", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	events := bufio.NewScanner(resp.Body)
	next := func() widget.Snapshot {
		t.Helper()
		for events.Scan() {
			if data, ok := strings.CutPrefix(events.Text(), "data: "); ok {
				var snap widget.Snapshot
				if err := json.Unmarshal([]byte(data), &snap); err != nil {
					t.Fatal(err)
				}
				return snap
			}
		}
		t.Fatalf("stream ended: %v", events.Err())
		return widget.Snapshot{}
	}
	if snap := next(); snap.Named != 0 {
		t.Fatalf("first event: %+v, want nobody", snap)
	}
	time.Sleep(5 * timeout) // past every deadline the server set
	if err := srv.Report(ctx, "alice", ""); err != nil {
		t.Fatal(err)
	}
	for snap := next(); snap.Named != 1; snap = next() {
	}
}

// TestCmdWidgetRoutesRedisLogs runs the endpoint against a Redis that is
// not there: go-redis's own complaints must reach the command's logger,
// throttled, rather than standard error line by line. Not parallel: the
// go-redis logger is process-wide, and other tests running cmdWidget
// would take it over.
func TestCmdWidgetRoutesRedisLogs(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close() // nothing listens there now
	root := t.TempDir()
	if err := os.WriteFile(filepath.Join(root, "_config.yaml"), []byte("widget:\n  path: /_who\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr widgetTestBuffer
	done := make(chan error, 1)
	go func() {
		done <- cmdWidget(ctx, []string{"--root", root, "--addr", "127.0.0.1:0", "--redis", "redis://" + dead}, &stdout, &stderr)
	}()
	re := regexp.MustCompile(`http://(127\.0\.0\.1:\d+)/_who/`)
	var base string
	for i := 0; base == ""; i++ {
		if m := re.FindStringSubmatch(stdout.String()); m != nil {
			base = "http://" + m[1] + "/_who"
		}
		if i == 200 {
			t.Fatalf("no listening line; stdout %q stderr %q", stdout.String(), stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	for i := 0; !strings.Contains(stderr.String(), `msg="redis client"`); i++ {
		if i == 100 {
			t.Fatalf("go-redis's lines did not reach the logger; stderr:\n%s", stderr.String())
		}
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("cmdWidget = %v", err)
	}
	if n := strings.Count(stderr.String(), `msg="redis client" log="redis: connection pool: failed to dial`); n != 1 {
		t.Errorf("%d dial failure lines from go-redis, want 1 (throttled):\n%s", n, stderr.String())
	}
}

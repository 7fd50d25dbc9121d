package serve_test

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/serve"
)

// Short timeouts for the dribbling clients: the test's own bounds (wait)
// are far longer, so a server without timeouts fails them.
const (
	tReadHeader = 300 * time.Millisecond
	tRead       = 600 * time.Millisecond
	tWrite      = 600 * time.Millisecond
	tIdle       = 600 * time.Millisecond
)

// dribbleFor is how long a dribbling client keeps sending, at most: far
// longer than any timeout above, far shorter than wait.
const dribbleFor = 6 * time.Second

// startTimeoutServer runs a dev server with the short timeouts above and
// widget as its who's-online endpoint.
func startTimeoutServer(t *testing.T, widget http.Handler) *testServer {
	t.Helper()
	opts := serve.WithTimeouts(serve.Options{Widget: widget}, tReadHeader, tRead, tWrite, tIdle, 0)
	return startServer(t, newSite(t), opts)
}

// dial opens a raw connection to the test server.
func (ts *testServer) dial(t *testing.T) net.Conn {
	t.Helper()
	host := strings.TrimPrefix(strings.TrimSuffix(ts.url, "/"), "http://")
	c, err := net.DialTimeout("tcp", host, wait)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// dribble writes data one byte every 50ms until it is all sent, the
// connection fails, or dribbleFor has passed. It reports on done whether
// the server cut it off (a write failed).
func dribble(c net.Conn, data string, done chan<- bool) {
	deadline := time.Now().Add(dribbleFor)
	for i := 0; i < len(data) && time.Now().Before(deadline); i++ {
		c.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := c.Write([]byte{data[i]}); err != nil {
			done <- true
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	done <- false
}

// waitClosed reads c until the server closes it, and returns what it read
// and how long that took. It fails when the connection is still open
// after wait.
func waitClosed(t *testing.T, c net.Conn, start time.Time) (string, time.Duration) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(wait))
	data, err := io.ReadAll(c)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the server kept the connection open for %v (read %q)", wait, data)
	}
	return string(data), time.Since(start)
}

// TestSlowHeader sends a request header one byte at a time: the server
// closes the connection after its header timeout, without an answer.
func TestSlowHeader(t *testing.T) {
	t.Parallel()
	ts := startTimeoutServer(t, nil)
	c := ts.dial(t)
	start := time.Now()
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: localhost\r\n"); err != nil {
		t.Fatal(err)
	}
	done := make(chan bool, 1)
	go dribble(c, "X-Slow: "+strings.Repeat("a", 1000)+"\r\n\r\n", done)
	got, took := waitClosed(t, c, start)
	// The server's clock starts before the client's: half the timeout is
	// the lower bound.
	if took < tReadHeader/2 || took > dribbleFor/2 {
		t.Errorf("a dribbled header was cut off after %v, want just after the %v header timeout", took, tReadHeader)
	}
	// net/http answers 400 or nothing at all: never the page.
	if got != "" && !strings.HasPrefix(got, "HTTP/1.1 4") {
		t.Errorf("a dribbled header got the answer %q, want a 4xx or the connection closed", got)
	}
	c.Close()
	recv(t, done, "the dribbling client to stop")
}

// TestSlowBody sends a request body one byte at a time: the handler's read
// fails at the read timeout and the connection is closed.
func TestSlowBody(t *testing.T) {
	t.Parallel()
	readErr := make(chan error, 1)
	widget := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		readErr <- err
	})
	ts := startTimeoutServer(t, widget)
	c := ts.dial(t)
	start := time.Now()
	const size = 1000
	if _, err := fmt.Fprintf(c, "POST /_online/hit HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n\r\n", size); err != nil {
		t.Fatal(err)
	}
	done := make(chan bool, 1)
	go dribble(c, strings.Repeat("b", size), done)
	select {
	case err := <-readErr:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("reading a dribbled body: %v, want a deadline error", err)
		}
		if took := time.Since(start); took < tRead/2 || took > dribbleFor/2 {
			t.Errorf("a dribbled body was cut off after %v, want just after the %v read timeout", took, tRead)
		}
	case <-time.After(wait):
		t.Fatalf("the handler was still reading a dribbled body after %v", wait)
	}
	waitClosed(t, c, start)
	c.Close()
	recv(t, done, "the dribbling client to stop")
}

// TestIdleConnection keeps a connection open after one request: the
// server closes it after its idle timeout.
func TestIdleConnection(t *testing.T) {
	t.Parallel()
	ts := startTimeoutServer(t, nil)
	c := ts.dial(t)
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	c.SetReadDeadline(time.Now().Add(wait))
	br := bufio.NewReader(c)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Close {
		t.Fatalf("GET /: %s, Close %v; want 200 on a kept-alive connection", resp.Status, resp.Close)
	}
	start := time.Now()
	rest, err := io.ReadAll(br)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the server kept an idle connection open for %v", wait)
	}
	if took := time.Since(start); took < tIdle/2 || took > dribbleFor/2 || len(rest) != 0 {
		t.Errorf("an idle connection was closed after %v (read %q), want just after the %v idle timeout", took, rest, tIdle)
	}
}

// TestEventStreamsOutliveTimeouts keeps the live reload's stream and a
// widget stream open past the read and write timeouts: both still deliver.
func TestEventStreamsOutliveTimeouts(t *testing.T) {
	t.Parallel()
	next := make(chan string)
	widget := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		rc := http.NewResponseController(w)
		if rc.Flush() != nil {
			return
		}
		for {
			select {
			case <-r.Context().Done():
				return
			case data := <-next:
				fmt.Fprintf(w, "event: count\ndata: {\"build\":%q}\n\n", data)
				if rc.Flush() != nil {
					return
				}
			}
		}
	})
	ts := startTimeoutServer(t, widget)
	reload := connect(t, ts.url)
	if ev := reload.next(t); ev.Name != "hello" {
		t.Fatalf("first event %q, want hello", ev.Name)
	}
	online := connect(t, ts.url+"_online/stream/")
	sendOnline := func(data string) {
		select {
		case next <- data:
		case <-time.After(wait):
			t.Fatalf("the widget stream handler is gone: cannot send %q", data)
		}
	}
	sendOnline("1")
	if ev := online.next(t); ev.Build != "1" {
		t.Fatalf("widget stream: first event %+v, want build 1", ev)
	}

	// Past both timeouts, with room: then each stream must still deliver.
	time.Sleep(2 * max(tRead, tWrite))

	writeFile(t, ts.root, "posts/a.md", post("Alpha", "Still listening."))
	ts.next(t)
	if ev := reload.next(t); ev.Name != "reload" {
		t.Errorf("live reload stream after the timeouts: %q, want reload", ev.Name)
	}
	sendOnline("2")
	if ev := online.next(t); ev.Build != "2" {
		t.Errorf("widget stream after the timeouts: %+v, want build 2", ev)
	}
}

// Package redistest starts a real redis-server for tests: on a Unix socket
// in a short temporary directory, never the machine's own Redis. Tests
// that need one skip when redis-server is missing, or fail when
// BLOG_TEST_STRICT=1 (as CI sets), so CI never silently skips.
package redistest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// NeedBinary returns the path of a program the test needs. It skips the
// test when the program is missing, or fails it when BLOG_TEST_STRICT=1.
func NeedBinary(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("BLOG_TEST_STRICT") == "1" {
			t.Fatalf("%s not found and BLOG_TEST_STRICT=1: %v", name, err)
		}
		t.Skipf("%s not installed; skipping (install it, or set BLOG_TEST_STRICT=1 to fail)", name)
	}
	return p
}

// Server is a redis-server a test started.
type Server struct {
	bin, dir, sock string
	args           []string // extra arguments, such as "--maxmemory", "2mb"
	cmd            *exec.Cmd
}

// Start starts redis-server on a Unix socket in a short temporary
// directory (socket paths cap at about 100 bytes) and waits for PING.
// args are passed on to redis-server. The server is killed and its
// directory removed when the test ends.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	bin := NeedBinary(t, "redis-server")
	dir, err := os.MkdirTemp("", "wo")
	if err != nil {
		t.Fatal(err)
	}
	rs := &Server{bin: bin, dir: dir, sock: filepath.Join(dir, "r.sock"), args: args}
	t.Cleanup(func() {
		rs.Kill()
		os.RemoveAll(dir)
	})
	rs.Restart(t)
	return rs
}

// Restart starts the server again after [Server.Kill], on the same socket.
func (rs *Server) Restart(t testing.TB) {
	t.Helper()
	args := append([]string{"--port", "0", "--unixsocket", rs.sock, "--unixsocketperm", "700",
		"--save", "", "--appendonly", "no", "--dir", rs.dir}, rs.args...)
	rs.cmd = exec.Command(rs.bin, args...)
	if err := rs.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := rs.Client()
	defer c.Close()
	WaitPing(t, c)
}

// Kill stops the server at once, as a crash would.
func (rs *Server) Kill() {
	if rs.cmd != nil && rs.cmd.Process != nil {
		rs.cmd.Process.Kill()
		rs.cmd.Wait()
		rs.cmd = nil
	}
}

// URL is the server's address as widget.redis takes it.
func (rs *Server) URL() string { return "unix://" + rs.sock }

// Client returns a new client of the server with short timeouts and no
// retries; the caller closes it.
func (rs *Server) Client() *redis.Client {
	return redis.NewClient(&redis.Options{Network: "unix", Addr: rs.sock, DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond, MaxRetries: -1})
}

// WaitPing waits (up to about 25s) until c answers PING.
func WaitPing(t testing.TB, c redis.UniversalClient) {
	t.Helper()
	for i := 0; ; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := c.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if i == 100 {
			t.Fatalf("redis did not answer PING: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

package widget

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// needBinary returns the path of a program the test needs. It skips the
// test when the program is missing, or fails it when BLOG_TEST_STRICT=1
// (as CI sets), so CI never silently skips.
func needBinary(t testing.TB, name string) string {
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

// redisServer is a redis-server the test started on a Unix socket, never
// the machine's own Redis.
type redisServer struct {
	bin, dir, sock string
	cmd            *exec.Cmd
}

// startRedis starts redis-server on a Unix socket in a short temporary
// directory (socket paths cap at about 100 bytes) and waits for PING.
func startRedis(t testing.TB) *redisServer {
	t.Helper()
	bin := needBinary(t, "redis-server")
	dir, err := os.MkdirTemp("", "wo")
	if err != nil {
		t.Fatal(err)
	}
	rs := &redisServer{bin: bin, dir: dir, sock: filepath.Join(dir, "r.sock")}
	t.Cleanup(func() {
		rs.kill()
		os.RemoveAll(dir)
	})
	rs.start(t)
	return rs
}

func (rs *redisServer) start(t testing.TB) {
	t.Helper()
	rs.cmd = exec.Command(rs.bin, "--port", "0", "--unixsocket", rs.sock, "--unixsocketperm", "700",
		"--save", "", "--appendonly", "no", "--dir", rs.dir)
	if err := rs.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	c := rs.client(t)
	defer c.Close()
	waitPing(t, c)
}

func (rs *redisServer) kill() {
	if rs.cmd != nil && rs.cmd.Process != nil {
		rs.cmd.Process.Kill()
		rs.cmd.Wait()
		rs.cmd = nil
	}
}

func (rs *redisServer) url() string { return "unix://" + rs.sock }

func (rs *redisServer) client(t testing.TB) *redis.Client {
	return redis.NewClient(&redis.Options{Network: "unix", Addr: rs.sock, DialTimeout: 200 * time.Millisecond,
		ReadTimeout: 500 * time.Millisecond, WriteTimeout: 500 * time.Millisecond, MaxRetries: -1})
}

func waitPing(t testing.TB, c redis.UniversalClient) {
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

func realBackend(rs *redisServer) func(t *testing.T) backend {
	return func(t *testing.T) backend {
		c := rs.client(t)
		t.Cleanup(func() { c.Close() })
		return backend{client: c, advance: time.Sleep, keys: func(t *testing.T) []string { return scanKeys(t, c, "*") }}
	}
}

func TestStoreContractRedis(t *testing.T) {
	t.Parallel()
	rs := startRedis(t)
	runContract(t, realBackend(rs))
}

// freePort returns a loopback port that is free, as is port+10000 (the
// cluster bus).
func freePort(t testing.TB) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if port+10000 > 65535 {
			continue
		}
		bus, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port+10000))
		if err != nil {
			continue
		}
		bus.Close()
		return port
	}
	t.Fatal("no free port pair")
	return 0
}

// startCluster starts three cluster-enabled redis-servers on loopback,
// joins them with redis-cli --cluster create and waits for
// cluster_state:ok.
func startCluster(t testing.TB) *redis.ClusterClient {
	t.Helper()
	bin := needBinary(t, "redis-server")
	cli := needBinary(t, "redis-cli")
	dir := t.TempDir()
	var addrs []string
	for i := range 3 {
		port := freePort(t)
		addr := "127.0.0.1:" + strconv.Itoa(port)
		cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--cluster-enabled", "yes",
			"--cluster-config-file", filepath.Join(dir, fmt.Sprintf("nodes-%d.conf", i)),
			"--save", "", "--appendonly", "no", "--dir", dir)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		c := redis.NewClient(&redis.Options{Addr: addr})
		waitPing(t, c)
		c.Close()
		addrs = append(addrs, addr)
	}
	args := append([]string{"--cluster", "create"}, addrs...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, addr := range addrs {
		c := redis.NewClient(&redis.Options{Addr: addr})
		for i := 0; ; i++ {
			info, _ := c.ClusterInfo(context.Background()).Result()
			if strings.Contains(info, "cluster_state:ok") {
				break
			}
			if i == 200 {
				t.Fatalf("cluster node %s not ok:\n%s", addr, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
		c.Close()
	}
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { cc.Close() })
	return cc
}

func TestStoreContractCluster(t *testing.T) {
	t.Parallel()
	cc := startCluster(t)
	runContract(t, func(t *testing.T) backend {
		return backend{client: cc, advance: time.Sleep, keys: func(t *testing.T) []string { return scanKeys(t, cc, "*") }}
	})
	// The whole endpoint, through a cluster URL, streams included.
	var addrs []string
	for _, a := range cc.Options().Addrs {
		addrs = append(addrs, "addr="+a)
	}
	clk := newClock()
	s := mustServer(t, Options{Redis: "redis://" + cc.Options().Addrs[0] + "?" + strings.Join(addrs[1:], "&"), Now: clk.Now, Stream: true, Strategy: "sets"})
	serve(s, hitReq("192.0.2.1", ua1, `{"path":"/a/"}`))
	serve(s, hitReq("192.0.2.2", ua1, `{"path":"/a/","token":"`+SignToken(nil, "x", t0)+`"}`))
	s.flush(t.Context())
	if snap := getSnapshot(t, s, clk, "/a/"); snap.Total != 2 || snap.Page != 2 || snap.Stale {
		t.Errorf("snapshot over a cluster: %+v, want total 2 page 2", snap)
	}
	if _, ok := s.c.(*redis.ClusterClient); !ok {
		t.Errorf("client for a cluster URL is %T, want *redis.ClusterClient", s.c)
	}
}

func TestThreeInstancesRealRedis(t *testing.T) {
	t.Parallel()
	rs := startRedis(t)
	clk := newClock()
	var servers []*Server
	for range 3 {
		servers = append(servers, mustServer(t, Options{Redis: rs.url(), Now: clk.Now, Site: "shared"}))
	}
	for i, s := range servers {
		for j := range 5 { // each instance sees 5 hits from 2 readers
			serve(s, hitReq(fmt.Sprint("192.0.2.", i), ua1, `{"path":"/a/"}`))
			serve(s, hitReq("192.0.2.200", fmt.Sprint(ua2, j%2), `{"path":"/b/"}`))
		}
	}
	for _, s := range servers {
		s.flush(t.Context())
	}
	for i, s := range servers {
		snap := getSnapshot(t, s, clk, "/a/")
		if snap.Total != 5 || snap.Page != 3 || snap.Scope != "shared" {
			t.Errorf("instance %d: total %d page %d scope %s, want 5 3 shared", i, snap.Total, snap.Page, snap.Scope)
		}
	}
}

func TestFaultRedisKilled(t *testing.T) {
	t.Parallel()
	rs := startRedis(t)
	s := mustServer(t, Options{Redis: rs.url(), Timeout: 200 * time.Millisecond, Flush: 50 * time.Millisecond,
		Refresh: 100 * time.Millisecond, HitRate: -1})
	ts := httptest.NewServer(s)
	defer ts.Close()
	hit := func(ua string) int {
		req, _ := http.NewRequest("POST", ts.URL+"/hit", strings.NewReader(`{"path":"/a/"}`))
		req.Header.Set("User-Agent", ua)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	get := func() (Snapshot, time.Duration) {
		start := time.Now()
		return getSnapshot(t, s, nil, "/a/"), time.Since(start)
	}
	hit(ua1)
	waitFor(t, 5*time.Second, func() bool { snap, _ := get(); return snap.Total == 1 })

	rs.kill()
	for i := range 10 {
		start := time.Now()
		if code := hit(ua2); code != 204 {
			t.Errorf("POST /hit with redis dead = %d, want 204", code)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("POST /hit %d with redis dead took %v", i, d)
		}
	}
	waitFor(t, 5*time.Second, func() bool {
		snap, d := get()
		if d > time.Second {
			t.Errorf("GET / with redis dead took %v", d)
		}
		return snap.Stale && snap.Available && snap.Total == 1
	})

	rs.start(t) // same socket, empty data
	waitFor(t, 20*time.Second, func() bool {
		hit(ua1)
		hit(ua2)
		snap, _ := get()
		return !snap.Stale && snap.Total == 2
	})
}

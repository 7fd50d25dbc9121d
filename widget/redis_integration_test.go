package widget

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/blog-gen/blog/internal/redistest"
)

// needBinary, startRedis and waitPing are the shared helpers of
// internal/redistest, under the names these tests use.
func needBinary(t testing.TB, name string) string { t.Helper(); return redistest.NeedBinary(t, name) }

type redisServer struct{ *redistest.Server }

func startRedis(t testing.TB, args ...string) *redisServer {
	t.Helper()
	return &redisServer{redistest.Start(t, args...)}
}

func (rs *redisServer) start(t testing.TB)              { t.Helper(); rs.Restart(t) }
func (rs *redisServer) kill()                           { rs.Kill() }
func (rs *redisServer) url() string                     { return rs.URL() }
func (rs *redisServer) client(testing.TB) *redis.Client { return rs.Client() }

func waitPing(t testing.TB, c redis.UniversalClient) { t.Helper(); redistest.WaitPing(t, c) }

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
	cc, _ := startClusterNodes(t)
	return cc
}

// startClusterNodes is startCluster, also returning each node's process by
// address.
func startClusterNodes(t testing.TB) (*redis.ClusterClient, map[string]*exec.Cmd) {
	t.Helper()
	nodes := map[string]*exec.Cmd{}
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
		nodes[addr] = cmd
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
	return cc, nodes
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
		setBeaconHeaders(req.Header, ua)
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

// syncBuffer is a bytes.Buffer safe for concurrent use, for loggers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// getHealth fetches GET /healthz. It decodes into a map, so that tests
// also run against versions without some of the fields.
func getHealth(t *testing.T, s *Server) (int, map[string]any) {
	t.Helper()
	w := serve(s, httptest.NewRequest("GET", "/healthz", nil))
	var h map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &h); err != nil {
		t.Fatalf("GET /healthz = %d %q: %v", w.Code, w.Body, err)
	}
	return w.Code, h
}

// fillRedis writes junk until Redis refuses writes for want of memory,
// and returns a function that deletes it again.
func fillRedis(t *testing.T, c *redis.Client) (free func()) {
	t.Helper()
	// Small values: a big one can be refused only for the query buffer
	// that holds it, leaving room for other writes.
	junk := strings.Repeat("x", 1<<10)
	var keys []string
	for i := 0; ; i++ {
		k := fmt.Sprint("junk:", i)
		err := c.Set(t.Context(), k, junk, 0).Err()
		if redis.IsOOMError(err) {
			break
		}
		if err != nil {
			t.Fatalf("fill redis: %v", err)
		}
		keys = append(keys, k)
		if i == 10_000 {
			t.Fatal("redis took 10 MB under its maxmemory")
		}
	}
	// Right at the limit, Redis can take a small write again whenever it
	// shrinks a client buffer: lower the limit below what it now holds.
	var limit string
	if v, err := c.ConfigGet(t.Context(), "maxmemory").Result(); err != nil {
		t.Fatal(err)
	} else {
		limit = v["maxmemory"]
	}
	if err := c.ConfigSet(t.Context(), "maxmemory", "1536kb").Err(); err != nil {
		t.Fatal(err)
	}
	return func() {
		t.Helper()
		if len(keys) > 0 {
			if err := c.Del(t.Context(), keys...).Err(); err != nil {
				t.Fatalf("free redis: %v", err)
			}
		}
		if err := c.ConfigSet(t.Context(), "maxmemory", limit).Err(); err != nil {
			t.Fatal(err)
		}
	}
}

// TestOutOfMemoryCountsAgainstHealth runs the endpoint on a redis-server
// with maxmemory 2mb under noeviction, filled up: reads work, every write
// is refused. Health must say so, the snapshot must go stale, the log
// must say why, and all of it must recover once Redis takes writes again.
func TestOutOfMemoryCountsAgainstHealth(t *testing.T) {
	t.Parallel()
	rs := startRedis(t, "--maxmemory", "2mb", "--maxmemory-policy", "noeviction")
	c := rs.client(t)
	defer c.Close()
	var logs syncBuffer
	clk := newClock()
	s := mustServer(t, Options{Redis: rs.url(), Now: clk.Now, HitRate: -1,
		Logger: slog.New(slog.NewTextHandler(&logs, nil)), LogEvery: time.Nanosecond})
	serve(s, hitReq("192.0.2.1", ua1, `{"path":"/a/"}`))
	s.flush(t.Context())
	if code, h := getHealth(t, s); code != 200 || h["status"] != "ok" {
		t.Fatalf("before: GET /healthz = %d %v, want 200 ok", code, h)
	}
	if snap := getSnapshot(t, s, clk, "/a/"); snap.Total != 1 || snap.Stale {
		t.Fatalf("before: snapshot %+v, want total 1, fresh", snap)
	}

	free := fillRedis(t, c)
	for i := range 3 { // three flushes in a row fail, while reads work
		serve(s, hitReq(fmt.Sprint("192.0.2.", 10+i), ua1, `{"path":"/a/"}`))
		clk.Add(time.Second)
		s.flush(t.Context())
		getSnapshot(t, s, clk, "/a/")
	}
	code, h := getHealth(t, s)
	if code != 503 || h["status"] != "unavailable" || h["writes"] != "failing" {
		t.Errorf("out of memory: GET /healthz = %d %v, want 503 unavailable, writes failing", code, h)
	}
	if snap := getSnapshot(t, s, clk, "/a/"); !snap.Stale || !snap.Available {
		t.Errorf("out of memory: snapshot %+v, want the last one, stale", snap)
	}
	if !strings.Contains(logs.String(), "OOM command not allowed") {
		t.Errorf("log does not say why writes fail:\n%s", logs.String())
	}

	free()
	clk.Add(time.Minute) // whatever the breaker waits
	serve(s, hitReq("192.0.2.20", ua1, `{"path":"/a/"}`))
	s.flush(t.Context())
	if code, h := getHealth(t, s); code != 200 || h["status"] != "ok" || h["writes"] != "ok" {
		t.Errorf("after: GET /healthz = %d %v, want 200 ok", code, h)
	}
	if snap := getSnapshot(t, s, clk, "/a/"); snap.Stale || snap.Total < 2 {
		t.Errorf("after: snapshot %+v, want fresh, counting again", snap)
	}
}

// TestHealthClusterNodeOfSiteDown kills the Cluster node that holds the
// site's slot: /healthz must say so, though the other nodes answer.
func TestHealthClusterNodeOfSiteDown(t *testing.T) {
	t.Parallel()
	cc, nodes := startClusterNodes(t)
	s := mustServer(t, Options{Client: cc, Site: "blog.example", Timeout: 300 * time.Millisecond})
	if code, h := getHealth(t, s); code != 200 {
		t.Fatalf("before: GET /healthz = %d %v, want 200", code, h)
	}
	master, err := cc.MasterForKey(t.Context(), s.k.users())
	if err != nil {
		t.Fatal(err)
	}
	addr := master.Options().Addr
	cmd := nodes[addr]
	cmd.Process.Kill()
	cmd.Wait()
	for i := range 5 {
		if code, h := getHealth(t, s); code != 503 {
			t.Fatalf("GET /healthz %d with the site's node %s down = %d %v, want 503", i, addr, code, h)
		}
	}
	// The other nodes still answer: it is the site's node that matters.
	for a := range nodes {
		if a == addr {
			continue
		}
		c := redis.NewClient(&redis.Options{Addr: a})
		if err := c.Ping(t.Context()).Err(); err != nil {
			t.Errorf("PING %s: %v", a, err)
		}
		c.Close()
	}
}

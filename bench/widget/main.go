// Command widgetbench load-tests the who's-online endpoint.
//
//	widgetbench serve  -addr 127.0.0.1:8091 -redis unix:///tmp/wb/r.sock [-pprof 127.0.0.1:6061]  # the endpoint
//	widgetbench noop   -addr 127.0.0.1:8092                                # a do-nothing 204 handler
//	widgetbench load   -url http://127.0.0.1:8091/_online/hit -c 64 -d 10s -readers 10000 [-redis URL]
//	widgetbench memory -redis unix:///tmp/wb/r.sock -n 100000
//
// load prints requests/s, p50 and p99 latency and, given -redis, the Redis
// commands per second during the run. memory fills a guest set with n
// guest-shaped members and prints MEMORY USAGE per guest. See run.sh.
package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"log"
	"net/http"
	_ "net/http/pprof" // serve -pprof
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/blog-gen/blog/widget"
	"github.com/redis/go-redis/v9"
)

func main() {
	if len(os.Args) < 2 {
		log.Fatal("usage: widgetbench serve|noop|load|memory [flags]")
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:8091", "listen address")
	redisURL := fs.String("redis", "", "Redis URL")
	target := fs.String("url", "", "load: target URL")
	method := fs.String("method", "POST", "load: POST (hits) or GET (snapshots)")
	conns := fs.Int("c", 64, "load: concurrent connections")
	dur := fs.Duration("d", 10*time.Second, "load: duration")
	readers := fs.Int("readers", 10000, "load: distinct simulated readers")
	n := fs.Int("n", 100000, "memory: guests")
	pprofAddr := fs.String("pprof", "", "serve, noop: also serve net/http/pprof on this address")
	fs.Parse(os.Args[2:])
	log.SetFlags(0)
	if *pprofAddr != "" {
		go func() { log.Print(http.ListenAndServe(*pprofAddr, nil)) }()
	}
	switch os.Args[1] {
	case "serve":
		srv, err := widget.New(widget.Options{Redis: *redisURL, Site: "bench", HitRate: -1})
		if err != nil {
			log.Fatal(err)
		}
		defer srv.Close()
		log.Fatal(http.ListenAndServe(*addr, http.StripPrefix("/_online", srv)))
	case "noop":
		log.Fatal(http.ListenAndServe(*addr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusNoContent)
		})))
	case "load":
		load(*target, *method, *conns, *dur, *readers, *redisURL)
	case "memory":
		memory(*redisURL, *n)
	default:
		log.Fatalf("unknown mode %q", os.Args[1])
	}
}

func redisClient(raw string) *redis.Client {
	o, err := redis.ParseURL(raw)
	if err != nil {
		log.Fatal(err)
	}
	return redis.NewClient(o)
}

func commandsProcessed(ctx context.Context, c *redis.Client) int64 {
	info := c.Info(ctx, "stats").Val()
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "total_commands_processed:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	return 0
}

func load(target, method string, conns int, dur time.Duration, readers int, redisURL string) {
	ctx := context.Background()
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	hc := &http.Client{Transport: tr, Timeout: 5 * time.Second}
	var rc *redis.Client
	var cmds0 int64
	if redisURL != "" {
		rc = redisClient(redisURL)
		cmds0 = commandsProcessed(ctx, rc)
	}
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		lat    []time.Duration
		errs   atomic.Int64
		next   atomic.Int64
		status = map[int]int{}
	)
	deadline := time.Now().Add(dur)
	start := time.Now()
	for range conns {
		wg.Go(func() {
			var mine []time.Duration
			codes := map[int]int{}
			for time.Now().Before(deadline) {
				i := int(next.Add(1)) % readers
				var body io.Reader
				if method == "POST" {
					body = strings.NewReader(fmt.Sprintf(`{"path":"/2030/05/post-%d/"}`, i%50))
				}
				u := target
				if method == "GET" {
					u = fmt.Sprintf("%s?path=/2030/05/post-%d/", target, i%50)
				}
				req, _ := http.NewRequest(method, u, body)
				req.Header.Set("User-Agent", "Mozilla/5.0 bench-reader-"+strconv.Itoa(i))
				req.Header.Set("Content-Type", "text/plain")
				t := time.Now()
				resp, err := hc.Do(req)
				if err != nil {
					errs.Add(1)
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				mine = append(mine, time.Since(t))
				codes[resp.StatusCode]++
			}
			mu.Lock()
			lat = append(lat, mine...)
			for k, v := range codes {
				status[k] += v
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[int(float64(len(lat)-1)*p)]
	}
	fmt.Printf("%s %s c=%d readers=%d: %d requests in %v: %.0f req/s, p50 %v, p99 %v, errors %d, status %v",
		method, target, conns, readers, len(lat), elapsed.Round(time.Millisecond), float64(len(lat))/elapsed.Seconds(),
		pct(0.50).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond), errs.Load(), status)
	if rc != nil {
		time.Sleep(1500 * time.Millisecond) // the last flush
		cmds := commandsProcessed(ctx, rc) - cmds0
		fmt.Printf(", redis %.0f commands/s", float64(cmds)/elapsed.Seconds())
	}
	fmt.Println()
}

func memory(redisURL string, n int) {
	ctx := context.Background()
	c := redisClient(redisURL)
	key := "wo:{membench}:g"
	c.Del(ctx, key)
	now := float64(time.Now().UnixMilli())
	buf := make([]byte, 16)
	for i := 0; i < n; i += 1000 {
		zs := make([]redis.Z, 0, 1000)
		for j := i; j < min(n, i+1000); j++ {
			rand.Read(buf)
			zs = append(zs, redis.Z{Score: now + float64(j), Member: base64.RawURLEncoding.EncodeToString(buf)})
		}
		if err := c.ZAdd(ctx, key, zs...).Err(); err != nil {
			log.Fatal(err)
		}
	}
	used, err := c.MemoryUsage(ctx, key, 0).Result()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("guests %d: MEMORY USAGE %d bytes, %.1f bytes/guest\n", n, used, float64(used)/float64(n))
	c.Del(ctx, key)
}

package widget

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
)

// clock is an injectable clock that tests move by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var testSecret = []byte("test-secret")

// mustServer returns a Server whose background loops are effectively off
// (tests call flush), closed at cleanup.
func mustServer(t testing.TB, o Options) *Server {
	t.Helper()
	if o.Flush == 0 {
		o.Flush = time.Hour
	}
	s, err := New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// miniServer returns a Server on a fresh miniredis with a fake clock.
func miniServer(t testing.TB, o Options) (*Server, *miniredis.Miniredis, *clock) {
	t.Helper()
	mr := miniredis.RunT(t)
	c := redis.NewClient(&redis.Options{Addr: mr.Addr(), DisableIdentity: true})
	t.Cleanup(func() { c.Close() })
	clk := newClock()
	mr.SetTime(clk.Now())
	o.Client = c
	o.Now = clk.Now
	if o.Secret == nil {
		o.Secret = testSecret
	}
	return mustServer(t, o), mr, clk
}

// hitReq builds a beacon from a reader at addr with user agent ua, with
// the headers a browser's sendBeacon sends.
func hitReq(addr, ua, body string) *http.Request {
	r := httptest.NewRequest("POST", "/hit", strings.NewReader(body))
	r.RemoteAddr = addr + ":5555"
	setBeaconHeaders(r.Header, ua)
	return r
}

// setBeaconHeaders sets the headers Chromium sends with sendBeacon
// (Origin and Referer aside).
func setBeaconHeaders(h http.Header, ua string) {
	h.Set("Content-Type", "text/plain;charset=UTF-8")
	h.Set("User-Agent", ua)
	h.Set("Accept-Language", "en-US,en;q=0.9")
	h.Set("Sec-Fetch-Dest", "empty")
	h.Set("Sec-Fetch-Mode", "no-cors")
	h.Set("Sec-Fetch-Site", "same-origin")
}

func serve(s *Server, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

// getSnapshot fetches GET /?path=path after the cache has expired.
func getSnapshot(t *testing.T, s *Server, clk *clock, path string) Snapshot {
	t.Helper()
	if clk != nil {
		clk.Add(s.o.Refresh)
	}
	w := serve(s, httptest.NewRequest("GET", "/?path="+url.QueryEscape(path), nil))
	var snap Snapshot
	if err := json.Unmarshal(w.Body.Bytes(), &snap); err != nil {
		t.Fatalf("GET / = %d %q: %v", w.Code, w.Body, err)
	}
	return snap
}

const chromeUA = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

const ua1 = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"
const ua2 = "Mozilla/5.0 (Macintosh) Safari/605.1.15"

func TestHitCountsGuestsOncePerBrowser(t *testing.T) {
	t.Parallel()
	s, _, clk := miniServer(t, Options{})
	for range 3 { // three tabs
		if w := serve(s, hitReq("192.0.2.1", ua1, `{"path":"/a/"}`)); w.Code != 204 {
			t.Fatalf("POST /hit = %d, want 204", w.Code)
		}
	}
	serve(s, hitReq("192.0.2.1", ua2, `{"path":"/b/"}`)) // another browser
	serve(s, hitReq("192.0.2.2", ua1, `{"path":"/a/"}`)) // another machine
	s.flush(t.Context())
	got := getSnapshot(t, s, clk, "/a/")
	want := Snapshot{Available: true, Scope: "shared", Window: 300, Heartbeat: 60, Poll: 15,
		Names: []string{}, Guests: 3, Total: 3, Path: "/a/", Page: 2}
	if d := cmp.Diff(want, got, cmp.FilterPath(func(p cmp.Path) bool { return p.Last().String() == ".Time" }, cmp.Ignore())); d != "" {
		t.Errorf("snapshot (-want +got):\n%s", d)
	}
}

func TestHitStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		origin   string
		body     string
		header   map[string]string
		want     int
		recorded bool
	}{
		{name: "same origin", origin: "http://example.com", body: `{"path":"/a/"}`, want: 204, recorded: true},
		{name: "no origin", body: `{"path":"/a/"}`, want: 204, recorded: true},
		{name: "listed origin", origin: "https://blog.example", body: `{"path":"/a/"}`, want: 204, recorded: true},
		{name: "disallowed origin", origin: "https://evil.example", body: `{"path":"/a/"}`, want: 403},
		{name: "oversized body", body: `{"path":"/` + strings.Repeat("a", 2000) + `"}`, want: 413},
		{name: "bad json", body: `{"path":`, want: 400},
		{name: "empty body", body: ``, want: 204, recorded: true},
		{name: "bad path counts site-wide", body: `{"path":"no-slash"}`, want: 204, recorded: true},
		{name: "crawler", body: `{}`, header: map[string]string{"User-Agent": "Googlebot/2.1"}, want: 204},
		{name: "headless chrome", body: `{}`, header: map[string]string{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36"}, want: 204},
		{name: "python-httpx", body: `{}`, header: map[string]string{"User-Agent": "python-httpx/0.27.0"}, want: 204},
		{name: "scrapy", body: `{}`, header: map[string]string{"User-Agent": "Scrapy/2.11.0 (+https://scrapy.org)"}, want: 204},
		{name: "node-fetch", body: `{}`, header: map[string]string{"User-Agent": "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)"}, want: 204},
		{name: "axios", body: `{}`, header: map[string]string{"User-Agent": "axios/1.6.7"}, want: 204},
		{name: "java", body: `{}`, header: map[string]string{"User-Agent": "Java/17.0.2"}, want: 204},
		{name: "okhttp", body: `{}`, header: map[string]string{"User-Agent": "okhttp/4.12.0"}, want: 204},
		{name: "libwww-perl", body: `{}`, header: map[string]string{"User-Agent": "libwww-perl/6.72"}, want: 204},
		{name: "no accept-language", body: `{}`, header: map[string]string{"Accept-Language": ""}, want: 204},
		{name: "chrome without fetch metadata over https", origin: "https://blog.example", body: `{}`, want: 204,
			header: map[string]string{"User-Agent": chromeUA, "Sec-Fetch-Mode": ""}},
		{name: "firefox without fetch metadata over https", origin: "https://blog.example", body: `{}`, want: 204,
			header: map[string]string{"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Sec-Fetch-Mode": ""}},
		{name: "chrome without fetch metadata over http", origin: "http://example.com", body: `{}`, want: 204, recorded: true,
			header: map[string]string{"User-Agent": chromeUA, "Sec-Fetch-Mode": ""}},
		{name: "old chrome without fetch metadata", origin: "https://blog.example", body: `{}`, want: 204, recorded: true,
			header: map[string]string{"User-Agent": "Mozilla/5.0 (Windows NT 6.1) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36", "Sec-Fetch-Mode": ""}},
		{name: "safari without fetch metadata", origin: "https://blog.example", body: `{}`, want: 204, recorded: true,
			header: map[string]string{"User-Agent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/15.6 Safari/605.1.15", "Sec-Fetch-Mode": ""}},
		{name: "chrome with fetch metadata over https", origin: "https://blog.example", body: `{}`, want: 204, recorded: true,
			header: map[string]string{"User-Agent": chromeUA}},
		{name: "no user agent", body: `{}`, header: map[string]string{"User-Agent": ""}, want: 204},
		{name: "gpc", body: `{}`, header: map[string]string{"Sec-GPC": "1"}, want: 204},
		{name: "dnt", body: `{}`, header: map[string]string{"DNT": "1"}, want: 204},
		{name: "prefetch", body: `{}`, header: map[string]string{"Sec-Purpose": "prefetch"}, want: 204},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _, clk := miniServer(t, Options{Origins: []string{"https://blog.example"}})
			r := hitReq("192.0.2.1", ua1, tc.body)
			r.Host = "example.com"
			if tc.origin != "" {
				r.Header.Set("Origin", tc.origin)
			}
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			if w := serve(s, r); w.Code != tc.want {
				t.Errorf("POST /hit = %d, want %d", w.Code, tc.want)
			}
			s.flush(t.Context())
			if got := getSnapshot(t, s, clk, "").Total > 0; got != tc.recorded {
				t.Errorf("recorded = %v, want %v", got, tc.recorded)
			}
		})
	}
}

func TestRecordGPC(t *testing.T) {
	t.Parallel()
	s, _, clk := miniServer(t, Options{RecordGPC: true})
	r := hitReq("192.0.2.1", ua1, `{}`)
	r.Header.Set("Sec-GPC", "1")
	serve(s, r)
	s.flush(t.Context())
	if got := getSnapshot(t, s, clk, "").Guests; got != 1 {
		t.Errorf("guests with RecordGPC = %d, want 1", got)
	}
}

func TestNamedReaders(t *testing.T) {
	t.Parallel()
	const evil = `<script>alert(1)</script>`
	tests := []struct {
		name      string
		token     func(now time.Time) string
		cookie    bool
		wantNames []string
	}{
		{name: "signed", token: func(now time.Time) string { return SignToken(testSecret, "alice", now.Add(time.Hour)) }, wantNames: []string{"alice"}},
		{name: "cookie", cookie: true, token: func(now time.Time) string { return SignToken(testSecret, "Ana María", now.Add(time.Hour)) }, wantNames: []string{"Ana María"}},
		{name: "markup is text", token: func(now time.Time) string { return SignToken(testSecret, evil, now.Add(time.Hour)) }, wantNames: []string{evil}},
		{name: "forged", token: func(now time.Time) string { return SignToken([]byte("other"), "mallory", now.Add(time.Hour)) }},
		{name: "tampered", token: func(now time.Time) string {
			return strings.Replace(SignToken(testSecret, "alice", now.Add(time.Hour)), "alice", "admin", 1)
		}},
		{name: "expired", token: func(now time.Time) string { return SignToken(testSecret, "alice", now.Add(-time.Second)) }},
		{name: "unsigned", token: func(time.Time) string { return "alice" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _, clk := miniServer(t, Options{})
			tok := tc.token(clk.Now())
			body, _ := json.Marshal(hitBody{Path: "/a/", Token: tok})
			r := hitReq("192.0.2.1", ua1, string(body))
			if tc.cookie {
				r = hitReq("192.0.2.1", ua1, `{"path":"/a/"}`)
				r.AddCookie(&http.Cookie{Name: tokenCookie, Value: url.PathEscape(tok)})
			}
			serve(s, r)
			s.flush(t.Context())
			clk.Add(s.o.Refresh)
			w := serve(s, httptest.NewRequest("GET", "/", nil))
			if strings.Contains(w.Body.String(), "<script>") {
				t.Errorf("snapshot JSON contains raw markup: %s", w.Body)
			}
			var snap Snapshot
			json.Unmarshal(w.Body.Bytes(), &snap)
			if d := cmp.Diff(tc.wantNames, snap.Names, cmpEmpty); d != "" {
				t.Errorf("names (-want +got):\n%s", d)
			}
			if snap.Total != 1 {
				t.Errorf("total = %d, want 1 (named or guest, never both)", snap.Total)
			}
		})
	}
}

func TestNoRawAddressInRedis(t *testing.T) {
	t.Parallel()
	s, mr, _ := miniServer(t, Options{})
	tok := SignToken(testSecret, "alice", t0.Add(time.Hour))
	for i := range 20 {
		serve(s, hitReq(fmt.Sprintf("203.0.113.%d", i), ua1, `{"path":"/a/"}`))
	}
	r := hitReq("2001:db8::1234", ua2, `{"path":"/a/","token":"`+tok+`"}`)
	serve(s, r)
	serve(s, hitReq("2001:db8::99", ua2, `{"path":"/a/"}`))
	serve(s, hitReq("2001:db8::98", ua2, `{"path":"/a/","id":"BrowserIdOfTheReader01"}`))
	s.flush(t.Context())
	dump := mr.Dump()
	for _, key := range mr.Keys() {
		dump += key + "\n"
	}
	for _, raw := range []string{"203.0.113", "2001:db8", ua1, "Firefox", "BrowserIdOfTheReader01"} {
		if strings.Contains(dump, raw) {
			t.Errorf("redis holds %q:\n%s", raw, dump)
		}
	}
	if !strings.Contains(dump, "alice") {
		t.Errorf("redis lacks the named reader:\n%s", dump)
	}
}

func TestSnapshotCachingAndETag(t *testing.T) {
	t.Parallel()
	s, mr, clk := miniServer(t, Options{})
	serve(s, hitReq("192.0.2.1", ua1, `{"path":"/a/"}`))
	s.flush(t.Context())
	clk.Add(s.o.Refresh)
	w := serve(s, httptest.NewRequest("GET", "/?path=/a/", nil))
	etag := w.Header().Get("ETag")
	if w.Code != 200 || etag == "" || !strings.HasPrefix(w.Header().Get("Cache-Control"), "public, max-age=") {
		t.Fatalf("GET / = %d, ETag %q, Cache-Control %q", w.Code, etag, w.Header().Get("Cache-Control"))
	}
	before := mr.CommandCount()
	for i := range 100 {
		r := httptest.NewRequest("GET", "/?path=/a/", nil)
		r.Header.Set("If-None-Match", etag)
		if w := serve(s, r); w.Code != 304 {
			t.Fatalf("poll %d = %d, want 304", i, w.Code)
		}
	}
	if n := mr.CommandCount() - before; n != 0 {
		t.Errorf("100 polls within Refresh ran %d Redis commands, want 0", n)
	}
	// After Refresh, one read (one pipeline) serves everybody; the time
	// moved but the counts did not, so the ETag holds.
	clk.Add(s.o.Refresh)
	r := httptest.NewRequest("GET", "/?path=/a/", nil)
	r.Header.Set("If-None-Match", etag)
	if w := serve(s, r); w.Code != 304 {
		t.Errorf("poll after refresh with same counts = %d, want 304", w.Code)
	}
}

func TestThreeInstancesAgree(t *testing.T) {
	t.Parallel()
	mr := miniredis.RunT(t)
	clk := newClock()
	var servers []*Server
	for range 3 {
		c := redis.NewClient(&redis.Options{Addr: mr.Addr(), DisableIdentity: true})
		t.Cleanup(func() { c.Close() })
		servers = append(servers, mustServer(t, Options{Client: c, Now: clk.Now, Site: "shared"}))
	}
	for i, s := range servers {
		serve(s, hitReq(fmt.Sprint("192.0.2.", i), ua1, `{"path":"/a/"}`))
		serve(s, hitReq("192.0.2.100", ua2, `{"path":"/a/"}`)) // one reader, seen by all three
	}
	for _, s := range servers {
		s.flush(t.Context())
	}
	for i, s := range servers {
		if got := getSnapshot(t, s, clk, "/a/"); got.Total != 4 || got.Page != 4 {
			t.Errorf("instance %d: total %d page %d, want 4 4", i, got.Total, got.Page)
		}
	}
}

func TestReport(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, auth, body string
		want             int
	}{
		{"ok", "Bearer " + string(testSecret), `{"name":"alice","path":"/a/"}`, 204},
		{"batch", "Bearer " + string(testSecret), `{"names":["alice","bob"]}`, 204},
		{"wrong secret", "Bearer nope", `{"name":"alice"}`, 401},
		{"no auth", "", `{"name":"alice"}`, 401},
		{"bad name", "Bearer " + string(testSecret), `{"name":"a\u0000b"}`, 400},
		{"too large", "Bearer " + string(testSecret), `{"names":["` + strings.Repeat("a", 9000) + `"]}`, 413},
		{"scheme in lower case", "bearer " + string(testSecret), `{"name":"alice"}`, 204},
		{"scheme in upper case", "BEARER " + string(testSecret), `{"name":"alice"}`, 204},
		{"spaces after scheme", "Bearer   " + string(testSecret), `{"name":"alice"}`, 204},
		{"other scheme", "Basic " + string(testSecret), `{"name":"alice"}`, 401},
		{"no space", "Bearer" + string(testSecret), `{"name":"alice"}`, 401},
		{"trailing json", "Bearer " + string(testSecret), `{"name":"a"} {"x":1}`, 400},
		{"trailing garbage", "Bearer " + string(testSecret), `{"name":"a"}}`, 400},
		{"trailing space", "Bearer " + string(testSecret), "{\"name\":\"a\"}\n", 204},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _, _ := miniServer(t, Options{})
			r := httptest.NewRequest("POST", "/report", strings.NewReader(tc.body))
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			if w := serve(s, r); w.Code != tc.want {
				t.Errorf("POST /report = %d, want %d", w.Code, tc.want)
			}
		})
	}
}

func TestHitRateLimit(t *testing.T) {
	t.Parallel()
	s, _, _ := miniServer(t, Options{HitRate: 1})
	var codes []int
	for range 12 {
		codes = append(codes, serve(s, hitReq("192.0.2.1", ua1, `{}`)).Code)
	}
	if codes[9] != 204 || codes[10] != 429 {
		t.Errorf("codes = %v, want ten 204 then 429", codes)
	}
	if w := serve(s, hitReq("192.0.2.2", ua1, `{}`)); w.Code != 204 {
		t.Errorf("another client = %d, want 204", w.Code)
	}
}

func TestStaleThenUnavailableThenRecovers(t *testing.T) {
	t.Parallel()
	s, mr, clk := miniServer(t, Options{Timeout: 200 * time.Millisecond, StaleFor: time.Minute})
	serve(s, hitReq("192.0.2.1", ua1, `{}`))
	s.flush(t.Context())
	if snap := getSnapshot(t, s, clk, ""); snap.Total != 1 || snap.Stale {
		t.Fatalf("before: %+v", snap)
	}
	mr.Close()
	start := time.Now()
	if w := serve(s, hitReq("192.0.2.2", ua1, `{}`)); w.Code != 204 {
		t.Errorf("POST /hit with redis down = %d, want 204", w.Code)
	}
	s.flush(t.Context())
	snap := getSnapshot(t, s, clk, "")
	if !snap.Stale || snap.Total != 1 {
		t.Errorf("with redis down: stale %v total %d, want stale 1", snap.Stale, snap.Total)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("requests with redis down took %v", d)
	}
	clk.Add(2 * time.Minute)
	w := serve(s, httptest.NewRequest("GET", "/", nil))
	if w.Code != 503 || !strings.Contains(w.Body.String(), `"available":false`) {
		t.Errorf("long after redis died: GET / = %d %s, want 503 unavailable", w.Code, w.Body)
	}
	if err := mr.Restart(); err != nil {
		t.Fatal(err)
	}
	clk.Add(time.Minute) // past the breaker's backoff
	for i := 0; ; i++ {
		serve(s, hitReq("192.0.2.3", ua1, `{}`))
		s.flush(t.Context())
		if snap := getSnapshot(t, s, clk, ""); snap.Available && !snap.Stale && snap.Total >= 1 {
			// The hit sent while Redis was down was kept, not dropped.
			if snap.Total != 3 || s.dropped.Load() != 0 {
				t.Errorf("after recovery: total %d, dropped %d; want 3 readers, none dropped", snap.Total, s.dropped.Load())
			}
			break
		}
		if i == 20 {
			t.Fatal("did not recover after redis restarted")
		}
		clk.Add(time.Minute)
	}
}

func TestHealthz(t *testing.T) {
	t.Parallel()
	s, mr, _ := miniServer(t, Options{})
	w := serve(s, httptest.NewRequest("GET", "/healthz", nil))
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"status":"ok"`) {
		t.Errorf("GET /healthz = %d %s", w.Code, w.Body)
	}
	mr.Close()
	if w := serve(s, httptest.NewRequest("GET", "/healthz", nil)); w.Code != 503 {
		t.Errorf("GET /healthz with redis down = %d, want 503", w.Code)
	}
}

func TestEmbeddedDefault(t *testing.T) {
	t.Parallel()
	clk := newClock()
	s := mustServer(t, Options{Now: clk.Now, Flush: 20 * time.Millisecond, Window: time.Minute, Heartbeat: 10 * time.Second})
	ts := httptest.NewServer(http.StripPrefix("/_online", s))
	defer ts.Close()
	req, _ := http.NewRequest("POST", ts.URL+"/_online/hit", strings.NewReader(`{"path":"/a/"}`))
	setBeaconHeaders(req.Header, ua1)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	waitFor(t, 5*time.Second, func() bool {
		clk.Add(s.o.Refresh)
		snap := getSnapshot(t, s, nil, "/a/")
		return snap.Scope == "local" && snap.Total == 1 && snap.Page == 1
	})
	// The ticker moves miniredis's clock, so the keys expire once idle.
	clk.Add(2 * time.Minute)
	waitFor(t, 5*time.Second, func() bool { return len(s.mini.Keys()) == 1 }) // only the day key is left
	if k := s.mini.Keys(); !strings.Contains(k[0], ":k:") {
		t.Errorf("keys left = %q, want only the day key", k)
	}
	resp, err = ts.Client().Get(ts.URL + "/_online")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("GET /_online = %d, want 200", resp.StatusCode)
	}
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestStream(t *testing.T) {
	t.Parallel()
	s, _, _ := miniServer(t, Options{Stream: true, Refresh: 50 * time.Millisecond, Now: time.Now})
	s.o.Now = time.Now
	ts := httptest.NewServer(s)
	defer ts.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", ts.URL+"/stream?path=/a/", nil)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type = %q", ct)
	}
	events := make(chan Snapshot, 10)
	go func() {
		buf := make([]byte, 64<<10)
		var acc string
		for {
			n, err := resp.Body.Read(buf)
			acc += string(buf[:n])
			for {
				i := strings.Index(acc, "\n\n")
				if i < 0 {
					break
				}
				ev := acc[:i]
				acc = acc[i+2:]
				if data, ok := strings.CutPrefix(ev, "data: "); ok {
					var snap Snapshot
					json.Unmarshal([]byte(data), &snap)
					events <- snap
				}
			}
			if err != nil {
				close(events)
				return
			}
		}
	}()
	first := <-events
	if first.Total != 0 {
		t.Errorf("first event total = %d, want 0", first.Total)
	}
	serve(s, hitReq("192.0.2.1", ua1, `{"path":"/a/"}`))
	s.flush(t.Context())
	for snap := range events {
		if snap.Total == 1 && snap.Page == 1 {
			return
		}
	}
	t.Errorf("stream ended without the update")
}

func TestStreamOffByDefault(t *testing.T) {
	t.Parallel()
	s, _, _ := miniServer(t, Options{})
	if w := serve(s, httptest.NewRequest("GET", "/stream", nil)); w.Code != 404 {
		t.Errorf("GET /stream = %d, want 404", w.Code)
	}
}

func TestWidgetJS(t *testing.T) {
	t.Parallel()
	s, _, _ := miniServer(t, Options{})
	w := serve(s, httptest.NewRequest("GET", "/widget.js", nil))
	body, _ := io.ReadAll(w.Body)
	if w.Code != 200 || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/javascript") || len(body) == 0 {
		t.Fatalf("GET /widget.js = %d %q", w.Code, w.Header().Get("Content-Type"))
	}
	for _, bad := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
		if strings.Contains(string(body), bad) {
			t.Errorf("widget.js uses %s; it must render with textContent only", bad)
		}
	}
	r := httptest.NewRequest("GET", "/widget.js", nil)
	r.Header.Set("If-None-Match", w.Header().Get("ETag"))
	if w := serve(s, r); w.Code != 304 {
		t.Errorf("conditional GET /widget.js = %d, want 304", w.Code)
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	s, _, _ := miniServer(t, Options{Origins: []string{"https://blog.example"}})
	tests := []struct {
		origin, method string
		wantCode       int
		wantACAO       string
	}{
		{"https://blog.example", "GET", 200, "https://blog.example"},
		{"https://evil.example", "GET", 403, ""},
		{"https://blog.example", "OPTIONS", 204, "https://blog.example"},
		{"https://evil.example", "OPTIONS", 403, ""},
	}
	for _, tc := range tests {
		r := httptest.NewRequest(tc.method, "/", nil)
		r.Header.Set("Origin", tc.origin)
		w := serve(s, r)
		if w.Code != tc.wantCode || w.Header().Get("Access-Control-Allow-Origin") != tc.wantACAO {
			t.Errorf("%s / from %s = %d ACAO %q, want %d %q", tc.method, tc.origin, w.Code, w.Header().Get("Access-Control-Allow-Origin"), tc.wantCode, tc.wantACAO)
		}
	}
}

func TestOptionsValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		o    Options
	}{
		{"strategy", Options{Strategy: "lists"}},
		{"site braces", Options{Site: "a}b"}},
		{"heartbeat", Options{Window: time.Minute, Heartbeat: time.Minute}},
		{"sets heartbeat", Options{Strategy: "sets", Window: time.Minute, Heartbeat: 40 * time.Second}},
		{"redis url", Options{Redis: "://nope"}},
	}
	for _, tc := range tests {
		if s, err := New(tc.o); err == nil {
			s.Close()
			t.Errorf("New(%s) = nil error, want one", tc.name)
		}
	}
}

func TestValidPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		path string
		want bool
	}{
		{"/", true},
		{"/2024/01/hello-world/", true},
		{"/caf\u00e9/", true},
		{"", false},
		{"relative", false},
		{"/a b", false},
		{"/a?q=1", false},
		{"/a#x", false},
		{"/{x}", false},
		{"/\x00", false},
		{"/" + strings.Repeat("a", MaxPathLen), false},
		{"/\xff", false},
	}
	for _, tc := range tests {
		if got := validPath(tc.path); got != tc.want {
			t.Errorf("validPath(%q) = %v, want %v", tc.path, got, tc.want)
		}
	}
}

func TestClientAddr(t *testing.T) {
	t.Parallel()
	named := []string{"203.0.113.10", "198.51.100.0/24"}
	tests := []struct {
		name                 string
		remote               string
		xff                  []string // X-Forwarded-For lines
		trust                bool
		proxies              []string
		wantClient, wantPeer string
	}{
		{"peer", "192.0.2.1:1234", nil, false, nil, "192.0.2.1", "192.0.2.1"},
		{"xff not trusted", "192.0.2.1:1234", []string{"198.51.100.7"}, false, nil, "192.0.2.1", "192.0.2.1"},
		{"ipv6 cut to /64", "[2001:db8:1:2:3:4:5:6]:1234", nil, false, nil, "2001:db8:1:2::", "2001:db8:1:2::"},
		{"ipv4-mapped", "[::ffff:192.0.2.9]:1", nil, false, nil, "192.0.2.9", "192.0.2.9"},
		{"no port", "192.0.2.1", nil, false, nil, "192.0.2.1", "192.0.2.1"},
		{"unix socket", "@", []string{"198.51.100.7"}, true, nil, "198.51.100.7", "@"},

		// Default trusted proxies: loopback, private, link-local.
		{"local proxy", "127.0.0.1:5", []string{"10.0.0.1, 198.51.100.7"}, true, nil, "198.51.100.7", "127.0.0.1"},
		{"private proxies skipped", "10.1.2.3:5", []string{"198.51.100.7, 192.168.1.1"}, true, nil, "198.51.100.7", "10.1.2.3"},
		{"second header line", "127.0.0.1:5", []string{"198.51.100.7", "192.0.2.44"}, true, nil, "192.0.2.44", "127.0.0.1"},
		{"direct client ignored", "192.0.2.1:5", []string{"198.51.100.7"}, true, nil, "192.0.2.1", "192.0.2.1"},
		{"not an address", "127.0.0.1:5", []string{"garbage-1"}, true, nil, "127.0.0.1", "127.0.0.1"},
		{"garbage left of client", "127.0.0.1:5", []string{"garbage-1, 198.51.100.7"}, true, nil, "198.51.100.7", "127.0.0.1"},
		{"empty entry", "127.0.0.1:5", []string{"198.51.100.7, "}, true, nil, "127.0.0.1", "127.0.0.1"},
		{"entry with port", "127.0.0.1:5", []string{"198.51.100.7:4711"}, true, nil, "198.51.100.7", "127.0.0.1"},
		{"ipv6 entry", "127.0.0.1:5", []string{"[2001:db8:a:b:c::1]:80"}, true, nil, "2001:db8:a:b::", "127.0.0.1"},
		{"all trusted", "127.0.0.1:5", []string{"10.0.0.2, 10.0.0.1"}, true, nil, "10.0.0.2", "127.0.0.1"},

		// Named proxies.
		{"named proxy", "203.0.113.10:5", []string{"192.0.2.50"}, false, named, "192.0.2.50", "203.0.113.10"},
		{"named chain", "198.51.100.3:5", []string{"192.0.2.50, 203.0.113.10"}, true, named, "192.0.2.50", "198.51.100.3"},
		{"local not trusted when named", "127.0.0.1:5", []string{"192.0.2.50"}, true, named, "127.0.0.1", "127.0.0.1"},
		{"spoofed left of client", "203.0.113.10:5", []string{"1.1.1.1, 192.0.2.50"}, true, named, "192.0.2.50", "203.0.113.10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, err := newProxies(tc.trust, tc.proxies)
			if err != nil {
				t.Fatal(err)
			}
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.remote
			for _, v := range tc.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			client, peer, _ := p.clientAddr(r)
			if client != tc.wantClient || peer != tc.wantPeer {
				t.Errorf("clientAddr(%q, xff %q) = %q, %q; want %q, %q", tc.remote, tc.xff, client, peer, tc.wantClient, tc.wantPeer)
			}
		})
	}
}

func TestTrustedProxiesValidation(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"proxy.example", "10.0.0.0/33", ""} {
		if s, err := New(Options{TrustedProxies: []string{bad}}); err == nil {
			s.Close()
			t.Errorf("New(TrustedProxies %q) = nil error, want one", bad)
		}
	}
}

// TestGuestInflation checks that one client cannot add guests at will:
// by rotating its User-Agent, by rotating X-Forwarded-For when it reaches
// the endpoint around the proxy, or with X-Forwarded-For values that are
// not addresses; and that readers behind a proxy still count one by one.
func TestGuestInflation(t *testing.T) {
	t.Parallel()
	fwd := func(peer, xff, ua string) *http.Request {
		r := hitReq(peer, ua, `{"path":"/a/"}`)
		r.Header.Set("X-Forwarded-For", xff)
		return r
	}
	tests := []struct {
		name       string
		opts       Options
		reqs       func(i int) *http.Request
		n          int
		wantGuests int64
		want429    bool
	}{
		{
			name:       "rotating user agents",
			opts:       Options{HitRate: -1},
			reqs:       func(i int) *http.Request { return hitReq("192.0.2.1", fmt.Sprint(ua1, " r", i), `{}`) },
			n:          50,
			wantGuests: 4,
		},
		{
			name: "rotating x-forwarded-for around the proxy",
			opts: Options{TrustProxy: true},
			reqs: func(i int) *http.Request {
				return fwd("203.0.113.9", fmt.Sprintf("198.51.%d.%d", i/250, i%250), fmt.Sprint(ua1, i))
			},
			n:          5000,
			wantGuests: 4,
			want429:    true,
		},
		{
			name:       "x-forwarded-for that is not an address",
			opts:       Options{TrustProxy: true, HitRate: -1},
			reqs:       func(i int) *http.Request { return fwd("127.0.0.1", fmt.Sprint("garbage-", i), ua1) },
			n:          20,
			wantGuests: 1, // the proxy's own address
		},
		{
			name:       "readers behind the proxy",
			opts:       Options{TrustProxy: true},
			reqs:       func(i int) *http.Request { return fwd("127.0.0.1", fmt.Sprint("198.51.100.", i), ua1) },
			n:          100,
			wantGuests: 100,
		},
		{
			name:       "rotating browser ids",
			opts:       Options{HitRate: -1},
			reqs:       func(i int) *http.Request { return hitReq("192.0.2.1", ua1, fmt.Sprintf(`{"id":"%022d"}`, i)) },
			n:          50,
			wantGuests: 4,
		},
		{
			name:       "a household",
			opts:       Options{HitRate: -1},
			reqs:       func(i int) *http.Request { return hitReq("192.0.2.1", fmt.Sprint(ua1, " browser", i%3), `{}`) },
			n:          30,
			wantGuests: 3,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _, clk := miniServer(t, tc.opts)
			got429 := false
			for i := range tc.n {
				switch w := serve(s, tc.reqs(i)); w.Code {
				case 204:
				case 429:
					got429 = true
				default:
					t.Fatalf("POST /hit %d = %d", i, w.Code)
				}
			}
			s.flush(t.Context())
			if got := getSnapshot(t, s, clk, "").Guests; got != tc.wantGuests {
				t.Errorf("guests = %d, want %d", got, tc.wantGuests)
			}
			if got429 != tc.want429 {
				t.Errorf("answered 429: %v, want %v", got429, tc.want429)
			}
		})
	}
}

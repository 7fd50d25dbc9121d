package widget

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

func FuzzHitHandler(f *testing.F) {
	f.Add("POST", "/hit", `{"path":"/a/"}`, "https://example.com", ua1)
	f.Add("POST", "/hit", `{"path":"/a/","token":"alice|1|00"}`, "", "")
	f.Add("POST", "/hit", `{"path":"`+strings.Repeat("/x", 200)+`"}`, "null", "bot")
	f.Add("POST", "/hit", "\x00\xff{", "http://[::1", ua2)
	f.Add("GET", "/?path=%2F%00", "", "", ua1)
	f.Add("GET", "/?path=/a/&path=/b/", "", "https://evil.example", ua1)
	f.Add("POST", "/report", `{"names":["a","b"]}`, "", ua1)
	f.Add("POST", "/hit", `{"path":"/a/","id":"AAAAAAAAAAAAAAAAAAAAAA"}`, "", ua1)
	f.Add("POST", "/leave", `{"path":"/a/","id":"AAAAAAAAAAAAAAAAAAAAAA","all":true}`, "https://example.com", ua1)
	f.Add("POST", "/leave", `{"all":true}`, "https://evil.example", ua2)
	f.Add("OPTIONS", "/hit", "", "https://example.com", ua1)
	f.Add("GET", "/healthz", "", "", "")
	f.Add("GET", "/stream?path=/a/", "", "", "")
	s, _, clk := miniServer(f, Options{Origins: []string{"https://example.com"}, HitRate: -1})
	f.Fuzz(func(t *testing.T, method, target, body, origin, ua string) {
		if _, err := url.ParseRequestURI(target); err != nil || !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \r\n\t#") {
			return // not a request line a server could receive
		}
		switch method {
		case "GET", "POST", "OPTIONS", "HEAD", "PUT", "DELETE":
		default:
			return
		}
		defer func() {
			if p := recover(); p != nil {
				t.Fatalf("%s %s panicked: %v", method, target, p)
			}
		}()
		r := httptest.NewRequest(method, target, strings.NewReader(body))
		r.Header.Set("Origin", origin)
		r.Header.Set("User-Agent", ua)
		r.Header.Set("Cookie", tokenCookie+"="+body)
		w := serve(s, r)
		if w.Code >= 500 {
			t.Errorf("%s %s body %q = %d, want no 5xx", method, target, body, w.Code)
		}
		if method == "POST" && strings.HasPrefix(target, "/hit") && w.Code == 204 {
			s.flush(t.Context())
		}
		clk.Add(s.o.Refresh / 4)
	})
}

// FuzzPresenceHandler sends POST /hit with arbitrary bodies and headers:
// it never answers 5xx and never panics, and the flush after it works.
func FuzzPresenceHandler(f *testing.F) {
	f.Add(`{"path":"/a/"}`, ua1, "en", "no-cors", "", "", "192.0.2.1:1", "text/plain;charset=UTF-8")
	f.Add(`{"path":"/a/","token":"alice|1|00"}`, chromeUA, "", "", "198.51.100.7", "wo_token=x", "127.0.0.1:5", "")
	f.Add(`{"path":"\u00e9","token":null}`, "Googlebot/2.1", "fr", "cors", "garbage-1, ::1", "", "[2001:db8::1]:80", "application/json")
	f.Add(`{"path":"/a/"} {"x":1}`, "", "", "", "", "", "@", "")
	f.Add("\x00\xff", "python-httpx/0.27", "en", "", "10.0.0.1,,", "wo_token=%zz", "not an address", "")
	f.Add(`{"path":"`+strings.Repeat("/x", 600)+`"}`, ua2, "en", "no-cors", "", "", "192.0.2.9:9", "")
	s, _, clk := miniServer(f, Options{HitRate: -1, TrustProxy: true, Origins: []string{"https://example.com"}})
	f.Fuzz(func(t *testing.T, body, ua, lang, mode, xff, cookie, remote, ctype string) {
		r := httptest.NewRequest("POST", "/hit", strings.NewReader(body))
		r.RemoteAddr = remote
		for k, v := range map[string]string{"User-Agent": ua, "Accept-Language": lang, "Sec-Fetch-Mode": mode,
			"X-Forwarded-For": xff, "Cookie": cookie, "Content-Type": ctype} {
			if v != "" {
				r.Header.Set(k, v)
			}
		}
		w := serve(s, r)
		if w.Code >= 500 {
			t.Fatalf("POST /hit body %q = %d, want no 5xx", body, w.Code)
		}
		s.flush(t.Context())
		clk.Add(time.Second)
	})
}

// FuzzForwardedFor checks the address a request is taken to come from:
// a canonical address, or the peer's text when the peer is not an
// address; the peer's own unless the peer is a trusted proxy; and when
// taken from X-Forwarded-For, an address that is in it.
func FuzzForwardedFor(f *testing.F) {
	f.Add("127.0.0.1:5", "198.51.100.7", "", true)
	f.Add("10.0.0.1:5", "198.51.100.7, 10.0.0.2", "", true)
	f.Add("203.0.113.9:5", "garbage-1", "", true)
	f.Add("[::1]:5", "[2001:db8::1]:80,::ffff:192.0.2.1", "", true)
	f.Add("203.0.113.10:5", "1.1.1.1, 192.0.2.50", "203.0.113.0/24", false)
	f.Add("@", "fe80::1%eth0", "", true)
	f.Add("192.0.2.1", ",,,", "", true)
	f.Fuzz(func(t *testing.T, remote, xff, proxy string, trust bool) {
		var list []string
		if proxy != "" {
			list = []string{proxy}
		}
		p, err := newProxies(trust, list)
		if err != nil {
			return
		}
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		if xff != "" {
			r.Header.Set("X-Forwarded-For", xff)
		}
		client, peer, _ := p.clientAddr(r)
		wantPeer, pip, isIP := peerAddr(remote)
		if peer != wantPeer {
			t.Fatalf("clientAddr(%q, %q): peer %q, want %q", remote, xff, peer, wantPeer)
		}
		if client == peer {
			return
		}
		if isIP && !p.trusted(pip) {
			t.Fatalf("clientAddr(%q, %q) = %q: took X-Forwarded-For from an untrusted peer", remote, xff, client)
		}
		if key, _, ok := addrKey(client); !ok || key != client {
			t.Fatalf("clientAddr(%q, %q) = %q, not a canonical address", remote, xff, client)
		}
		found := false
		for entry := range strings.SplitSeq(xff, ",") {
			if key, _, ok := addrKey(strings.Trim(entry, " \t")); ok && key == client {
				found = true
			}
		}
		if !found {
			t.Fatalf("clientAddr(%q, %q) = %q, which is not in X-Forwarded-For", remote, xff, client)
		}
	})
}

// FuzzClientFromURL checks the Redis URL parser: it never panics, and a
// URL it takes makes the kind of client it names, with the default
// timeout wherever the URL sets none. Nothing is dialled.
func FuzzClientFromURL(f *testing.F) {
	for _, u := range []string{
		"redis://localhost:6379/0", "rediss://user:pw@r.example:6380/2?dial_timeout=3s",
		"unix:///tmp/r.sock?db=1", "redis://s1:26379?master_name=mymaster&addr=s2:26379",
		"redis://n1:6379?addr=n2:6379&addr=n3:6379&read_timeout=-1", "://nope", "redis://:6379?db=x",
		"redis://[::1]:6379", "http://example.com",
	} {
		f.Add(u)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		c, err := clientFromURL(raw, 123*time.Millisecond)
		if err != nil {
			return
		}
		defer c.Close()
		q := url.Values{}
		if u, err := url.Parse(raw); err == nil {
			q = u.Query()
		}
		var dial time.Duration
		switch c := c.(type) {
		case *redis.ClusterClient:
			if q.Has("master_name") || !q.Has("addr") {
				t.Fatalf("clientFromURL(%q) made a cluster client", raw)
			}
			dial = c.Options().DialTimeout
		case *redis.Client:
			if q.Has("addr") && !q.Has("master_name") {
				t.Fatalf("clientFromURL(%q) made a single client for a cluster URL", raw)
			}
			dial = c.Options().DialTimeout
		default:
			t.Fatalf("clientFromURL(%q) made a %T", raw, c)
		}
		if !q.Has("dial_timeout") && dial != 123*time.Millisecond {
			t.Fatalf("clientFromURL(%q): dial timeout %v, want the default", raw, dial)
		}
	})
}

// FuzzReportBody posts arbitrary bodies to /report: never a 5xx or a
// panic, and only a single JSON object with valid names is accepted.
func FuzzReportBody(f *testing.F) {
	for _, b := range []string{
		`{"name":"alice","path":"/a/"}`, `{"names":["a","b"]}`, `{"name":"a"} {"x":1}`, `{"name":"a"}}`,
		`{"name":"a\u0000"}`, `[]`, `null`, `{"names":null,"name":""}`, "{\"name\":\"a\"}\n", `{"name":1}`,
	} {
		f.Add(b, "Bearer "+string(testSecret))
	}
	f.Add(`{"name":"a"}`, "bearer "+string(testSecret))
	f.Add(`{"name":"a"}`, "Basic x")
	s, _, _ := miniServer(f, Options{})
	f.Fuzz(func(t *testing.T, body, auth string) {
		r := httptest.NewRequest("POST", "/report", strings.NewReader(body))
		r.Header.Set("Authorization", auth)
		w := serve(s, r)
		if w.Code >= 500 {
			t.Fatalf("POST /report %q = %d, want no 5xx", body, w.Code)
		}
		if w.Code != 204 {
			return
		}
		dec := json.NewDecoder(strings.NewReader(body))
		var rb reportBody
		if err := dec.Decode(&rb); err != nil || dec.More() {
			t.Fatalf("POST /report accepted %q, not one JSON value", body)
		}
		if rb.Name != "" && !validName(rb.Name) {
			t.Fatalf("POST /report accepted the name %q", rb.Name)
		}
		for _, n := range rb.Names {
			if !validName(n) {
				t.Fatalf("POST /report accepted the name %q", n)
			}
		}
	})
}

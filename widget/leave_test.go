package widget

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const (
	idA = "AAAAAAAAAAAAAAAAAAAAAA"
	idB = "b-b_bbbbbbbbbbbbbbbbb9"
)

// leaveReq builds a leave beacon as hitReq builds a hit.
func leaveReq(addr, ua, body string) *http.Request {
	r := hitReq(addr, ua, body)
	r.URL.Path = "/leave"
	return r
}

func TestValidID(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]bool{
		idA: true, idB: true,
		"":                          false,
		idA[:21]:                    false,
		idA + "A":                   false,
		"AAAAAAAAAAAAAAAAAAAAA=":    false, // padding
		"AAAAAAAAAAAAAAAAAAAAA+":    false, // base64, not base64url
		"AAAAAAAAAAAAAAAAAAAAA/":    false,
		"AAAAAAAAAAAAAAAAAAAA\x00A": false,
		"AAAAAAAAAAAAAAAAAAAAé":     false, // 22 bytes, not the alphabet
		"AAAAAAAAAA AAAAAAAAAAA":    false,
	} {
		if got := validID(id); got != want {
			t.Errorf("validID(%q) = %v, want %v", id, got, want)
		}
	}
}

// TestBrowserIDs: browsers with one address and one user agent count
// apart by their ids; an invalid id falls back to address and user agent;
// the same id from two tabs is one reader.
func TestBrowserIDs(t *testing.T) {
	t.Parallel()
	s, _, clk := miniServer(t, Options{HitRate: -1})
	for _, body := range []string{
		`{"path":"/a/","id":"` + idA + `"}`,
		`{"path":"/a/","id":"` + idA + `"}`, // a second tab
		`{"path":"/a/","id":"` + idB + `"}`,
		`{"path":"/a/","id":"not-an-id"}`, // falls back ...
		`{"path":"/a/"}`,                  // ... to this one
	} {
		if w := serve(s, hitReq("192.0.2.1", ua1, body)); w.Code != 204 {
			t.Fatalf("POST /hit %s = %d, want 204", body, w.Code)
		}
	}
	s.flush(t.Context())
	if got := getSnapshot(t, s, clk, "/a/"); got.Guests != 3 || got.Page != 3 {
		t.Errorf("guests %d, page %d; want 3 3 (two ids, one without)", got.Guests, got.Page)
	}
}

// TestLeave: a leave takes the reader off the page (and with all, the
// site) at the next flush; it never adds anybody and leaves the others.
func TestLeave(t *testing.T) {
	t.Parallel()
	tok := SignToken(testSecret, "alice", t0.Add(time.Hour))
	type counts struct{ guests, named, a, b int64 }
	tests := []struct {
		name  string
		leave *http.Request
		want  counts
	}{
		{"page only", leaveReq("192.0.2.1", ua1, `{"path":"/a/","id":"`+idA+`"}`), counts{3, 1, 2, 1}},
		{"the site", leaveReq("192.0.2.1", ua1, `{"path":"/a/","id":"`+idA+`","all":true}`), counts{2, 1, 2, 1}},
		{"by address and user agent", leaveReq("192.0.2.2", ua2, `{"path":"/a/","all":true}`), counts{2, 1, 2, 1}},
		{"a named reader", leaveReq("192.0.2.3", ua1, `{"path":"/a/","token":"`+tok+`","all":true}`), counts{3, 0, 2, 1}},
		{"an unknown id", leaveReq("192.0.2.1", ua1, `{"path":"/a/","id":"CCCCCCCCCCCCCCCCCCCCCC","all":true}`), counts{3, 1, 3, 1}},
		{"another tab of a reader elsewhere", leaveReq("192.0.2.1", ua1, `{"path":"/a/","id":"`+idB+`","all":true}`), counts{2, 1, 3, 1}},
		{"the wrong page", leaveReq("192.0.2.1", ua1, `{"path":"/c/","id":"`+idA+`","all":false}`), counts{3, 1, 3, 1}},
		{"a crawler", leaveReq("192.0.2.2", "Googlebot/2.1", `{"path":"/a/","all":true}`), counts{3, 1, 3, 1}},
		{"nobody known", leaveReq("198.51.100.1", ua1, `{"path":"/b/","all":true}`), counts{3, 1, 3, 1}},
		{"an invalid path", leaveReq("192.0.2.1", ua1, `{"path":"a","id":"`+idA+`","all":true}`), counts{2, 1, 3, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s, _, clk := miniServer(t, Options{HitRate: -1})
			for _, r := range []*http.Request{
				hitReq("192.0.2.1", ua1, `{"path":"/a/","id":"`+idA+`"}`),
				hitReq("192.0.2.1", ua1, `{"path":"/b/","id":"`+idB+`"}`),
				hitReq("192.0.2.2", ua2, `{"path":"/a/"}`),
				hitReq("192.0.2.3", ua1, `{"path":"/a/","token":"`+tok+`"}`),
			} {
				serve(s, r)
			}
			s.flush(t.Context())
			clk.Add(time.Second)
			if w := serve(s, tc.leave); w.Code != 204 {
				t.Fatalf("POST /leave = %d %q, want 204", w.Code, w.Body)
			}
			s.flush(t.Context())
			a := getSnapshot(t, s, clk, "/a/")
			b := getSnapshot(t, s, clk, "/b/")
			if got := (counts{a.Guests, a.Named, a.Page, b.Page}); got != tc.want {
				t.Errorf("after the leave: %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestLeaveThenBack: a reader who leaves and beats again (the next page
// of the site) counts, in the same flush or the next.
func TestLeaveThenBack(t *testing.T) {
	t.Parallel()
	s, _, clk := miniServer(t, Options{HitRate: -1})
	serve(s, hitReq("192.0.2.1", ua1, `{"path":"/a/","id":"`+idA+`"}`))
	s.flush(t.Context())
	clk.Add(time.Second)
	serve(s, leaveReq("192.0.2.1", ua1, `{"path":"/a/","id":"`+idA+`","all":true}`))
	clk.Add(time.Millisecond)
	serve(s, hitReq("192.0.2.1", ua1, `{"path":"/b/","id":"`+idA+`"}`))
	s.flush(t.Context())
	a, b := getSnapshot(t, s, clk, "/a/"), getSnapshot(t, s, clk, "/b/")
	if a.Guests != 1 || a.Page != 0 || b.Page != 1 {
		t.Errorf("guests %d, /a/ %d, /b/ %d; want 1 0 1", a.Guests, a.Page, b.Page)
	}
}

func TestLeaveStatus(t *testing.T) {
	t.Parallel()
	s, _, _ := miniServer(t, Options{Origins: []string{"https://blog.example"}})
	tests := []struct {
		name, body, origin string
		want               int
	}{
		{"ok", `{"path":"/a/","id":"` + idA + `","all":true}`, "", 204},
		{"empty", ``, "", 204},
		{"allowed origin", `{"path":"/a/"}`, "https://blog.example", 204},
		{"other origin", `{"path":"/a/"}`, "https://evil.example", 403},
		{"bad json", `{"path":`, "", 400},
		{"wrong type", `{"all":"yes"}`, "", 400},
		{"too large", `{"path":"/` + strings.Repeat("a", maxHitBody) + `"}`, "", 413},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := leaveReq("192.0.2.1", ua1, tc.body)
			if tc.origin != "" {
				r.Header.Set("Origin", tc.origin)
			}
			if w := serve(s, r); w.Code != tc.want {
				t.Errorf("POST /leave %s = %d, want %d", tc.name, w.Code, tc.want)
			}
		})
	}
	r := httptest.NewRequest("GET", "/leave", nil)
	if w := serve(s, r); w.Code != http.StatusMethodNotAllowed {
		t.Errorf("GET /leave = %d, want 405", w.Code)
	}
}

// FuzzLeaveHandler sends POST /leave with arbitrary bodies and headers:
// it never answers 5xx, never panics, never adds a reader, and the flush
// after it works.
func FuzzLeaveHandler(f *testing.F) {
	f.Add(`{"path":"/a/","id":"`+idA+`","all":true}`, ua1, "192.0.2.1:1", "")
	f.Add(`{"path":"/a/","token":"alice|1|00","all":false}`, chromeUA, "127.0.0.1:5", "wo_token=x")
	f.Add(`{"path":"\u00e9","id":null,"all":1}`, "Googlebot/2.1", "[2001:db8::1]:80", "")
	f.Add(`{"path":"/a/"} {"x":1}`, "", "@", "")
	f.Add("\x00\xff", "python-httpx/0.27", "not an address", "wo_token=%zz")
	f.Add(`{"path":"`+strings.Repeat("/x", 600)+`","all":true}`, ua2, "192.0.2.9:9", "")
	s, _, clk := miniServer(f, Options{HitRate: -1, TrustProxy: true})
	serve(s, hitReq("192.0.2.1", ua1, `{"path":"/a/"}`))
	s.flush(f.Context())
	f.Fuzz(func(t *testing.T, body, ua, remote, cookie string) {
		r := httptest.NewRequest("POST", "/leave", strings.NewReader(body))
		r.RemoteAddr = remote
		setBeaconHeaders(r.Header, ua)
		if cookie != "" {
			r.Header.Set("Cookie", cookie)
		}
		w := serve(s, r)
		if w.Code >= 500 {
			t.Fatalf("POST /leave body %q = %d, want no 5xx", body, w.Code)
		}
		s.flush(t.Context())
		if got := getSnapshot(t, s, nil, "").Total; got > 1 {
			t.Fatalf("after POST /leave %q: %d readers, want at most the 1 there was", body, got)
		}
		clk.Add(time.Millisecond)
	})
}

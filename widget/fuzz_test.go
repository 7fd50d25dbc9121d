package widget

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func FuzzHitHandler(f *testing.F) {
	f.Add("POST", "/hit", `{"path":"/a/"}`, "https://example.com", ua1)
	f.Add("POST", "/hit", `{"path":"/a/","token":"alice|1|00"}`, "", "")
	f.Add("POST", "/hit", `{"path":"`+strings.Repeat("/x", 200)+`"}`, "null", "bot")
	f.Add("POST", "/hit", "\x00\xff{", "http://[::1", ua2)
	f.Add("GET", "/?path=%2F%00", "", "", ua1)
	f.Add("GET", "/?path=/a/&path=/b/", "", "https://evil.example", ua1)
	f.Add("POST", "/report", `{"names":["a","b"]}`, "", ua1)
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

package widget

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

type recordingReporter struct {
	mu    sync.Mutex
	names []string
}

func (r *recordingReporter) Report(_ context.Context, name, _ string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.names = append(r.names, name)
	return nil
}

func TestMiddlewareThrottleAndToken(t *testing.T) {
	t.Parallel()
	s, _, clk := miniServer(t, Options{})
	rep := &recordingReporter{}
	h := Middleware(MiddlewareOptions{
		Name:     func(r *http.Request) string { return r.Header.Get("X-User") },
		Reporter: rep, Secret: testSecret, Now: clk.Now,
	})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))

	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("X-User", "alice")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	cookies := w.Result().Cookies()
	if len(rep.names) != 1 || len(cookies) != 2 {
		t.Fatalf("first request: reports %q, cookies %v; want one report and two cookies", rep.names, cookies)
	}
	// The browser now carries the cookies: no report until they expire.
	r2 := httptest.NewRequest("GET", "/", nil)
	r2.Header.Set("X-User", "alice")
	for _, c := range cookies {
		r2.AddCookie(c)
	}
	h.ServeHTTP(httptest.NewRecorder(), r2)
	if len(rep.names) != 1 {
		t.Errorf("reports after a throttled request = %q, want one", rep.names)
	}
	// The token cookie makes the page's beacon count alice by name.
	hit := hitReq("192.0.2.1", ua1, `{"path":"/a/"}`)
	for _, c := range cookies {
		hit.AddCookie(c)
	}
	serve(s, hit)
	s.flush(t.Context())
	if snap := getSnapshot(t, s, clk, "/a/"); snap.Named != 1 || snap.Guests != 0 || snap.Page != 1 {
		t.Errorf("snapshot after a beacon with the token cookie: %+v, want alice named on /a/", snap)
	}
	// Guests are left alone.
	w3 := httptest.NewRecorder()
	h.ServeHTTP(w3, httptest.NewRequest("GET", "/", nil))
	if len(w3.Result().Cookies()) != 0 {
		t.Errorf("guest got cookies %v", w3.Result().Cookies())
	}
}

func TestReportClient(t *testing.T) {
	t.Parallel()
	s, _, clk := miniServer(t, Options{})
	ts := httptest.NewServer(http.StripPrefix("/_online", s))
	defer ts.Close()
	rc := &ReportClient{Endpoint: ts.URL + "/_online/", Secret: testSecret}
	if err := rc.Report(t.Context(), "bob", "/b/"); err != nil {
		t.Fatalf("Report: %v", err)
	}
	bad := &ReportClient{Endpoint: ts.URL + "/_online", Secret: []byte("wrong")}
	if err := bad.Report(t.Context(), "eve", ""); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("Report with a wrong secret = %v, want a 401 error", err)
	}
	s.flush(t.Context())
	clk.Add(time.Second)
	if snap := getSnapshot(t, s, clk, "/b/"); snap.Named != 1 || snap.Page != 1 || snap.Names[0] != "bob" {
		t.Errorf("snapshot after report: %+v", snap)
	}
}

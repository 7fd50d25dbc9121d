package serve_test

import (
	"io"
	"net/http"
	"path/filepath"
	"testing"
)

// TestServeLatestETag checks that latest.json is served with an ETag of
// its content, that If-None-Match with it answers 304, and that a new
// latest.json gets a new ETag and its new body.
func TestServeLatestETag(t *testing.T) {
	t.Parallel()
	ts, root := newOutput(t, "", nil)
	out := filepath.Join(root, "_site")
	get := func(inm string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest("GET", ts.URL+"/latest.json", nil)
		if err != nil {
			t.Fatal(err)
		}
		if inm != "" {
			req.Header.Set("If-None-Match", inm)
		}
		resp, err := noRedirect.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp, string(body)
	}
	const first = `{"url":"/a/","title":"A","date":"2026-01-01T00:00:00Z"}` + "\n"
	writeFile(t, out, "latest.json", first)
	resp, body := get("")
	etag := resp.Header.Get("ETag")
	if resp.StatusCode != 200 || body != first || etag == "" {
		t.Fatalf("GET /latest.json = %d %q ETag %q, want 200 %q with an ETag", resp.StatusCode, body, etag, first)
	}
	if got := resp.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	if resp, body := get(etag); resp.StatusCode != http.StatusNotModified || body != "" {
		t.Errorf("GET /latest.json If-None-Match %s = %d %q, want 304 and no body", etag, resp.StatusCode, body)
	}
	if resp, _ := get(`"other"`); resp.StatusCode != 200 {
		t.Errorf("GET /latest.json If-None-Match \"other\" = %d, want 200", resp.StatusCode)
	}

	const second = `{"url":"/b/","title":"B","date":"2026-02-01T00:00:00Z"}` + "\n"
	writeFile(t, out, "latest.json", second)
	resp, body = get(etag)
	if resp.StatusCode != 200 || body != second {
		t.Fatalf("after a change, GET /latest.json If-None-Match old = %d %q, want 200 %q", resp.StatusCode, body, second)
	}
	if got := resp.Header.Get("ETag"); got == etag || got == "" {
		t.Errorf("after a change, ETag = %q, want a new one (old %q)", got, etag)
	}
}

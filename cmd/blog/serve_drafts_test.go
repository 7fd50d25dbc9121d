package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestServeDrafts is the writer's loop with a draft: blog new while blog
// serve runs prints the post's address on the server, which shows it with
// its Draft banner and noindex; blog build's _site, kept warm by the
// server, never has it, and a blog build after serving renders nothing
// again.
func TestServeDrafts(t *testing.T) {
	t.Parallel()
	dir := copySampleSite(t)
	s := startServe(t, dir)

	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"new", "A draft in progress", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("blog new: %v\n%s", err, &stderr)
	}
	m := regexp.MustCompile(`blog serve shows it at (http://\S+)`).FindStringSubmatch(stderr.String())
	if m == nil || !strings.HasPrefix(m[1], s.url) {
		t.Fatalf("blog new printed %q, want the draft's address on %s", stderr.String(), s.url)
	}
	page := m[1]
	body := waitPage(t, page, "the new draft served")
	for _, want := range []string{`<p class="draft-banner" role="note">Draft</p>`, `<meta name="robots" content="noindex">`, "A draft in progress"} {
		if !strings.Contains(body, want) {
			t.Errorf("GET %s: no %q in the page", page, want)
		}
	}
	// The sample's post dated 2030 is shown too, marked as scheduled.
	future := waitPage(t, s.url+"2030/01/scheduled-posts/", "the scheduled post served")
	if !strings.Contains(future, `<p class="draft-banner" role="note">Scheduled for 15 January 2030`) || !strings.Contains(future, `content="noindex"`) {
		t.Errorf("the scheduled post has no Scheduled banner or no noindex")
	}

	// The server keeps blog build's _site up to date once the sources are
	// quiet: wait for it (the sentinel), then build.
	site := filepath.Join(dir, "_site")
	deadline := time.Now().Add(serveWait)
	for {
		if _, err := os.Stat(filepath.Join(site, "index.html")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("blog serve did not write %s within %v", site, serveWait)
		}
		time.Sleep(50 * time.Millisecond)
	}
	stdout.Reset()
	stderr.Reset()
	if err := run(t.Context(), []string{"build", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("blog build: %v\n%s", err, &stderr)
	}
	if out := stdout.String(); !strings.Contains(out, " 0 files written") || !strings.Contains(out, "(incremental build)") {
		t.Errorf("blog build after blog serve: %q, want an incremental build writing nothing (a warm cache)", out)
	}
	if _, err := os.Stat(filepath.Join(site, "2030/01/scheduled-posts/index.html")); err == nil {
		t.Errorf("_site has the post scheduled for 2030")
	}
	err := filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(p) != ".html" {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, leak := range []string{"A draft in progress", `class="draft-banner"`, "livereload", "data-whos-online"} {
			if bytes.Contains(data, []byte(leak)) {
				t.Errorf("%s holds %q: drafts, scheduled posts and the dev server never reach _site", p, leak)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// waitPage GETs url until it answers 200 and returns the body.
func waitPage(t *testing.T, url, what string) string {
	t.Helper()
	client := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(serveWait)
	last := ""
	for time.Now().Before(deadline) {
		resp, err := client.Get(url)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return string(body)
			}
			last = resp.Status
		} else {
			last = err.Error()
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("waiting %v for %s at %s: last answer %s", serveWait, what, url, last)
	return ""
}

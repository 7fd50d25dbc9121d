package importer

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// exportLinking is a WordPress export of one post linking to the files
// at base (an httptest server), with one post per file so that they are
// fetched concurrently.
func exportLinking(base string, files []string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>T</title><wp:base_blog_url>` + base + `</wp:base_blog_url>
`)
	for i, f := range files {
		fmt.Fprintf(&b, `<item><title>P%d</title><link>%s/2011/04/p%d/</link>
<content:encoded><![CDATA[<img src="%s/wp-content/uploads/%s" alt="">]]></content:encoded>
<wp:post_id>%d</wp:post_id><wp:post_date>2011-04-17 10:00:00</wp:post_date><wp:post_date_gmt>2011-04-17 10:00:00</wp:post_date_gmt>
<wp:post_name>p%d</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>
`, i, base, i, base, f, i+10, i)
	}
	b.WriteString("</channel></rss>\n")
	return b.String()
}

// uploadServer serves the files of content under /wp-content/uploads/,
// with Range support (http.ServeContent). A file named in cut has its
// first response cut off halfway, as a dropped connection does; a file
// named in hang never answers until the client gives up.
type uploadServer struct {
	content        map[string][]byte
	cut, hang      map[string]bool
	mu             sync.Mutex
	cutDone        map[string]bool
	ranges         map[string]string // file → the Range header of its last request
	inFlight, peak atomic.Int32
	requests       atomic.Int32
}

func (u *uploadServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := u.inFlight.Add(1)
	defer u.inFlight.Add(-1)
	for p := u.peak.Load(); n > p && !u.peak.CompareAndSwap(p, n); p = u.peak.Load() {
	}
	u.requests.Add(1)
	name := strings.TrimPrefix(r.URL.Path, "/wp-content/uploads/")
	data, ok := u.content[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	u.mu.Lock()
	u.ranges[name] = r.Header.Get("Range")
	cutNow := u.cut[name] && !u.cutDone[name]
	u.cutDone[name] = u.cutDone[name] || cutNow
	u.mu.Unlock()
	switch {
	case u.hang[name]:
		<-r.Context().Done()
		return
	case cutNow:
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.Write(data[:len(data)/2])
		panic(http.ErrAbortHandler) // the connection drops mid-body
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}

func TestWordPressDownload(t *testing.T) {
	t.Parallel()
	big := bytes.Repeat([]byte("0123456789"), 20000)
	us := &uploadServer{
		content: map[string][]byte{
			"2011/04/a.jpg": []byte("picture a"), "2011/04/b.png": []byte("picture b"), "2011/04/c.gif": []byte("picture c"),
			"2011/04/d.jpg": []byte("picture d"), "2011/04/e.jpg": []byte("picture e"), "2011/04/f.jpg": []byte("picture f"),
			"2011/04/cut.pdf": big, "2011/04/huge.zip": bytes.Repeat([]byte{1}, 300000), "2011/04/slow.mp3": []byte("x"),
		},
		cut:     map[string]bool{"2011/04/cut.pdf": true},
		hang:    map[string]bool{"2011/04/slow.mp3": true},
		cutDone: map[string]bool{}, ranges: map[string]string{},
	}
	srv := httptest.NewServer(us)
	t.Cleanup(srv.Close)
	files := []string{"2011/04/a.jpg", "2011/04/b.png", "2011/04/c.gif", "2011/04/d.jpg", "2011/04/e.jpg", "2011/04/f.jpg",
		"2011/04/cut.pdf", "2011/04/huge.zip", "2011/04/slow.mp3", "2011/04/missing.jpg"}
	root := t.TempDir()
	export := filepath.Join(root, "export.xml")
	if err := os.WriteFile(export, []byte(exportLinking(srv.URL, files)), 0o644); err != nil {
		t.Fatal(err)
	}
	opts := Options{Download: true, MaxFileSize: 250000, Client: &http.Client{Timeout: 2 * time.Second}}

	// First run: the small files arrive, the cut one is left partial,
	// the huge one is refused, the slow one times out, the missing one 404s.
	rep, err := WordPress(t.Context(), export, filepath.Join(root, "one"), opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Complete() {
		t.Error("first run: complete, want warnings for the files it could not fetch")
	}
	warned := map[string]string{}
	for _, w := range rep.Warnings {
		for _, f := range files {
			if strings.Contains(w.Error(), "/wp-content/uploads/"+f+":") {
				warned[f] = w.Error()
			}
		}
	}
	for f, want := range map[string]string{"2011/04/cut.pdf": "interrupted", "2011/04/huge.zip": "more than the 250000", "2011/04/slow.mp3": "Timeout", "2011/04/missing.jpg": "404"} {
		if !strings.Contains(warned[f], want) {
			t.Errorf("first run: warning for %s = %q, want one saying %q", f, warned[f], want)
		}
	}
	if p := us.peak.Load(); p > downloadWorkers {
		t.Errorf("%d requests at once, want at most %d", p, downloadWorkers)
	}
	cache := export + ".files"
	if _, err := os.Stat(filepath.Join(cache, "wp-content/uploads/2011/04/cut.pdf")); err == nil {
		t.Error("the interrupted download is in the cache under its own name: a partial file passes for a complete one")
	}
	if fi, err := os.Stat(filepath.Join(cache, "wp-content/uploads/2011/04/cut.pdf.part")); err != nil || fi.Size() != int64(len(big)/2) {
		t.Errorf("the interrupted download's .part: %v, want %d bytes kept to resume from", err, len(big)/2)
	}
	post, err := os.ReadFile(filepath.Join(root, "one", "posts", "2011-04-17-p0.md"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(post), `src="/wp-content/uploads/2011/04/a.jpg"`) {
		t.Errorf("the post's link is not rewritten to the copy:\n%s", post)
	}
	if got, err := os.ReadFile(filepath.Join(root, "one", "static/wp-content/uploads/2011/04/a.jpg")); err != nil || string(got) != "picture a" {
		t.Errorf("static/wp-content/uploads/2011/04/a.jpg = %q, %v; want the downloaded file", got, err)
	}

	// Second run into a fresh directory: complete files are not fetched
	// again, the partial one resumes where it stopped.
	before := us.requests.Load()
	us.hang = nil
	us.content["2011/04/slow.mp3"] = []byte("now quick")
	rep2, err := WordPress(t.Context(), export, filepath.Join(root, "two"), opts)
	if err != nil {
		t.Fatal(err)
	}
	// cut.pdf, slow.mp3, huge.zip and missing.jpg are asked for again; the six done ones are not.
	if n := us.requests.Load() - before; n != 4 {
		t.Errorf("second run made %d requests, want 4 (only the files the first did not finish)", n)
	}
	if got := us.ranges["2011/04/cut.pdf"]; got != fmt.Sprintf("bytes=%d-", len(big)/2) {
		t.Errorf("the partial download resumed with Range %q, want from byte %d", got, len(big)/2)
	}
	if got, err := os.ReadFile(filepath.Join(root, "two", "static/wp-content/uploads/2011/04/cut.pdf")); err != nil || !bytes.Equal(got, big) {
		t.Errorf("the resumed file: %d bytes, %v; want the whole %d", len(got), err, len(big))
	}
	if len(rep2.Warnings) != 2 {
		t.Errorf("second run: %d warnings, want 2 (huge.zip, missing.jpg): %v", len(rep2.Warnings), rep2.Warnings)
	}
}

// TestWordPressUploadsListed: without --download the files are listed,
// with the command that fetches them, and the import is incomplete.
func TestWordPressUploadsListed(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	export := filepath.Join(root, "export.xml")
	if err := os.WriteFile(export, []byte(exportLinking("http://127.0.0.1:1", []string{"2011/04/a.jpg", "2011/04/b.jpg"})), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := WordPress(t.Context(), export, filepath.Join(root, "new"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Complete() || !strings.Contains(rep.Warnings[0].Error(), "--download") {
		t.Errorf("warnings %v: want one naming --download", rep.Warnings)
	}
	list, err := os.ReadFile(filepath.Join(root, "new", "uploads.txt"))
	if want := "http://127.0.0.1:1/wp-content/uploads/2011/04/a.jpg\nhttp://127.0.0.1:1/wp-content/uploads/2011/04/b.jpg\n"; err != nil || string(list) != want {
		t.Errorf("uploads.txt = %q, %v; want %q", list, err, want)
	}
}

func TestUploadPath(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"https://x.com/wp-content/uploads/2011/04/cat.jpg":         "wp-content/uploads/2011/04/cat.jpg",
		"https://cdn.x.com/blog/wp-content/uploads/a%20b.jpg":      "",
		"https://x.com/wp-content/uploads/%C3%A9t%C3%A9.jpg?w=30":  "wp-content/uploads/été.jpg",
		"https://x.com/wp-content/uploads/../../etc/passwd":        "",
		"https://x.com/wp-content/uploads/2011/x.jpg.part":         "",
		"https://x.com/wp-content/uploads/":                        "",
		"https://blogname.files.wordpress.com/2008/06/canola2.jpg": "wp-content/uploads/2008/06/canola2.jpg",
		"https://x.com/images/canola2.jpg":                         "",
	} {
		if got := uploadPath(in); got != want {
			t.Errorf("uploadPath(%q) = %q, want %q", in, got, want)
		}
	}
}

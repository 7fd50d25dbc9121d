package render

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// feedFixture is a feed of two posts: the newer updated later, with its
// own author and a summary; the older without either.
func feedFixture() FeedInfo {
	paris := time.FixedZone("CET", 3600)
	newer := &Post{
		Title:     "Ampersands & <angles>",
		Permalink: "https://example.com/blog/2026/02/b/",
		Date:      time.Date(2026, 2, 1, 10, 0, 0, 0, paris),
		Updated:   time.Date(2026, 3, 5, 8, 30, 0, 0, time.UTC),
		Author:    "Guest Writer",
		Tags:      []*Term{{Name: "Go"}, {Name: "XML & feeds"}},
		Summary:   "<p>A <em>summary</em>.</p>",
		Content:   "<p>Body of b &amp; more.</p>",
	}
	older := &Post{
		Title:     "First",
		Permalink: "https://example.com/blog/2026/01/a/",
		Date:      time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Author:    "Site Owner",
		Content:   "<p>Body of a.</p>",
	}
	return FeedInfo{
		Title:    "Test & Co",
		Subtitle: "Notes",
		SiteURL:  "https://example.com/blog/",
		FeedURL:  "https://example.com/blog/atom.xml",
		Author:   "Site Owner",
		Language: "en",
		Posts:    []*Post{newer, older},
	}
}

func TestWriteAtom(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := WriteAtom(&buf, feedFixture()); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("testdata", "feed.atom.golden"), buf.Bytes())
}

func TestWriteRSS(t *testing.T) {
	t.Parallel()
	f := feedFixture()
	f.FeedURL = "https://example.com/blog/rss.xml"
	var buf bytes.Buffer
	if err := WriteRSS(&buf, f); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("testdata", "feed.rss.golden"), buf.Bytes())

	// Without a subtitle the channel's description is the title.
	f.Subtitle = ""
	buf.Reset()
	if err := WriteRSS(&buf, f); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "<description>Test &amp; Co</description>") {
		t.Errorf("RSS without a subtitle: no description from the title in\n%s", buf.String())
	}
}

// TestEmptyFeeds: a feed with no posts is still valid and dated at the
// Unix epoch, never at build time, so builds stay deterministic.
func TestEmptyFeeds(t *testing.T) {
	t.Parallel()
	f := FeedInfo{Title: "Empty", SiteURL: "https://example.com/", FeedURL: "https://example.com/atom.xml"}
	var atom, rss bytes.Buffer
	if err := WriteAtom(&atom, f); err != nil {
		t.Fatal(err)
	}
	if err := WriteRSS(&rss, f); err != nil {
		t.Fatal(err)
	}
	want := xmlHeader + `<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Empty</title>
  <id>https://example.com/</id>
  <updated>1970-01-01T00:00:00Z</updated>
  <link href="https://example.com/atom.xml" rel="self" type="application/atom+xml"></link>
  <link href="https://example.com/" rel="alternate" type="text/html"></link>
  <author>
    <name>Empty</name>
  </author>
</feed>
`
	if atom.String() != want {
		t.Errorf("empty Atom feed:\n%s\nwant:\n%s", atom.String(), want)
	}
	if !strings.Contains(rss.String(), "<lastBuildDate>Thu, 01 Jan 1970 00:00:00 +0000</lastBuildDate>") || strings.Contains(rss.String(), "<item>") {
		t.Errorf("empty RSS feed:\n%s", rss.String())
	}
}

const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

func TestWriteSitemap(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	err := WriteSitemap(&buf, []SitemapEntry{
		{Loc: "https://example.com/", LastMod: time.Date(2026, 3, 5, 9, 30, 0, 0, time.FixedZone("CET", 3600))},
		{Loc: "https://example.com/about/?a=1&b=2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := xmlHeader + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url>
    <loc>https://example.com/</loc>
    <lastmod>2026-03-05T08:30:00Z</lastmod>
  </url>
  <url>
    <loc>https://example.com/about/?a=1&amp;b=2</loc>
  </url>
</urlset>
`
	if buf.String() != want {
		t.Errorf("WriteSitemap:\n%s\nwant:\n%s", buf.String(), want)
	}
}

// failWriter fails its nth write (counting from 1).
type failWriter struct{ n, calls int }

var errWrite = errors.New("disk full")

func (w *failWriter) Write(p []byte) (int, error) {
	w.calls++
	if w.calls == w.n {
		return 0, errWrite
	}
	return len(p), nil
}

// TestFeedWriteErrors: every writer error is returned, at the header, in
// the body and at the final newline.
func TestFeedWriteErrors(t *testing.T) {
	t.Parallel()
	writers := map[string]func(*failWriter) error{
		"atom":    func(w *failWriter) error { return WriteAtom(w, feedFixture()) },
		"rss":     func(w *failWriter) error { return WriteRSS(w, feedFixture()) },
		"sitemap": func(w *failWriter) error { return WriteSitemap(w, []SitemapEntry{{Loc: "https://example.com/"}}) },
	}
	for name, write := range writers {
		// Count the writes of a good run, then fail each in turn.
		probe := &failWriter{n: -1}
		if err := write(probe); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for n := 1; n <= probe.calls; n++ {
			if err := write(&failWriter{n: n}); !errors.Is(err, errWrite) {
				t.Errorf("%s with write %d of %d failing: %v, want %v", name, n, probe.calls, err, errWrite)
			}
		}
	}
}

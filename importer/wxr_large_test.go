package importer

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
)

// largeExport generates a WordPress export of posts items, each with its
// comments and a revision, as a stream: the test never holds it whole.
// Comments and revisions are most of a big export's bytes.
type largeExport struct {
	posts, comments, i int
	buf                bytes.Buffer
	size               int64
}

func newLargeExport(posts, comments int) *largeExport {
	e := &largeExport{posts: posts, comments: comments}
	e.buf.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:wp="http://wordpress.org/export/1.2/">
<channel><title>Big</title><wp:base_blog_url>https://big.example.com</wp:base_blog_url>
`)
	return e
}

var filler = strings.Repeat("All work and no play makes a long export. ", 24) // about 1 KB

func (e *largeExport) Read(p []byte) (int, error) {
	for e.buf.Len() < len(p) && e.i <= e.posts {
		if e.i == e.posts {
			e.buf.WriteString("</channel></rss>\n")
			e.i++
			break
		}
		n := e.i
		fmt.Fprintf(&e.buf, `<item><title>Post %d</title><link>https://big.example.com/%d/</link>
<content:encoded><![CDATA[<p>%s</p>]]></content:encoded>
<wp:post_id>%d</wp:post_id><wp:post_date>2011-04-17 10:00:00</wp:post_date><wp:post_date_gmt>2011-04-17 10:00:00</wp:post_date_gmt>
<wp:post_name>p%d</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>
`, n, n, filler, 2*n+1, n)
		for c := range e.comments {
			fmt.Fprintf(&e.buf, "<wp:comment><wp:comment_id>%d</wp:comment_id><wp:comment_content><![CDATA[%s]]></wp:comment_content><wp:comment_approved>1</wp:comment_approved></wp:comment>\n", c, filler)
		}
		fmt.Fprintf(&e.buf, `</item>
<item><title>Post %d</title><content:encoded><![CDATA[<p>%s</p>]]></content:encoded><wp:post_id>%d</wp:post_id><wp:post_parent>%d</wp:post_parent><wp:post_type>revision</wp:post_type></item>
`, n, filler+filler, 2*n+2, 2*n+1)
		e.i++
	}
	n, err := e.buf.Read(p)
	e.size += int64(n)
	if err == io.EOF && e.i <= e.posts {
		err = nil
	}
	return n, err
}

// readLarge reads a generated export and returns the bytes it was and the
// heap still in use after it, the import's state.
func readLarge(tb testing.TB, posts, comments int) (size, retained int64) {
	tb.Helper()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	w := &wordpress{s: newSite(), file: "export.xml", attachments: map[string]string{}, nicenames: map[string]string{}}
	defer w.close()
	e := newLargeExport(posts, comments)
	if err := w.read(tb.Context(), e); err != nil {
		tb.Fatal(err)
	}
	w.finish()
	runtime.GC()
	runtime.ReadMemStats(&after)
	if len(w.s.docs) != posts || w.spoolSize == 0 {
		tb.Fatalf("read %d posts (comments spooled: %d bytes), want %d", len(w.s.docs), w.spoolSize, posts)
	}
	runtime.KeepAlive(w)
	return e.size, int64(after.HeapAlloc) - int64(before.HeapAlloc)
}

// TestWordPressLargeExportMemory: what the import keeps of an export is
// its posts' text, not the export: the comments are spooled to disk,
// revisions dropped, and the reader keeps no per-line state. A 28 MB
// export of 1000 posts of 1 KB keeps well under a tenth of its size.
func TestWordPressLargeExportMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 28 MB export")
	}
	size, retained := readLarge(t, 1000, 24)
	if size < 25<<20 {
		t.Fatalf("the generated export is %d bytes, want over 25 MB", size)
	}
	if retained > size/10 {
		t.Errorf("after reading a %d MB export, %d MB of heap still in use: want under a tenth", size>>20, retained>>20)
	}
	t.Logf("export %d MB, heap kept %.1f MB", size>>20, float64(retained)/(1<<20))
}

// benchPosts sizes the benchmark's export: 5000 posts are about 220 MB.
var benchPosts = 5000

// BenchmarkWordPressExport reads a generated 200 MB export: go test
// -bench WordPressExport -benchtime 1x ./importer reports its speed and
// the heap the import keeps.
func BenchmarkWordPressExport(b *testing.B) {
	b.ReportAllocs()
	var size, retained int64
	for b.Loop() {
		size, retained = readLarge(b, benchPosts, 38)
	}
	b.SetBytes(size)
	b.ReportMetric(float64(size)/(1<<20), "MB-export")
	b.ReportMetric(float64(retained)/(1<<20), "MB-kept")
}

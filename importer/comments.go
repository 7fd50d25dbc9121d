package importer

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// The comments of a WordPress export go to comments.wxr, in the WXR form
// Disqus imports, with each post's thread named as the theme names it (the
// post's URL as identifier, its permalink as link), so they show under the
// imported posts. An export's comments can outweigh its posts many times,
// so they are spooled to a temporary file as they are read, not kept.

// spooled is where one post's comments are in the spool.
type spooled struct {
	off, size int64
	n         int
}

// thread is a post with comments.
type thread struct {
	it *wxrItem
	d  *doc
}

// keep takes one item of the export: an attachment's URL, a post or a
// page (with its comments spooled); the rest (revisions, menus, blocks)
// is not imported.
func (w *wordpress) keep(it *wxrItem) error {
	switch it.Type {
	case "attachment":
		w.attachments[it.ID] = it.Attachment
		if it.Link != "" && it.Attachment != "" {
			w.attachPages = append(w.attachPages, [2]string{it.Link, it.Attachment})
		}
		return nil
	case "post", "page":
	default:
		return nil
	}
	comments := it.Comments
	it.Comments = nil
	w.items = append(w.items, it)
	var b strings.Builder
	for _, c := range comments {
		// Spam, trashed comments and pingbacks are not conversation.
		if c.Approved == "spam" || c.Approved == "trash" || c.Type != "" && c.Type != "comment" {
			continue
		}
		b.WriteString("<wp:comment>" + c.Inner + "</wp:comment>\n")
		it.comments.n++
	}
	if it.comments.n == 0 {
		return nil
	}
	if w.spool == nil {
		f, err := os.CreateTemp("", "blog-import-comments-*")
		if err != nil {
			return err
		}
		w.spool = f
	}
	n, err := io.WriteString(w.spool, b.String())
	it.comments.off, it.comments.size = w.spoolSize, int64(n)
	w.spoolSize += int64(n)
	return err
}

// writeComments writes comments.wxr from the spool, once every post's
// new URL is known.
func (w *wordpress) writeComments() error {
	if len(w.threads) == 0 {
		return nil
	}
	out, err := os.CreateTemp("", "blog-import-comments-*.wxr")
	if err != nil {
		return err
	}
	w.temps = append(w.temps, out.Name())
	defer out.Close()
	siteURL := strings.TrimSuffix(cmp.Or(w.s.build.Site.URL, "/"), "/")
	base := strings.TrimSuffix(urlPath(siteURL+"/"), "/")
	esc := func(s string) string {
		var e strings.Builder
		xml.EscapeText(&e, []byte(s))
		return e.String()
	}
	io.WriteString(out, `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dsq="http://www.disqus.com/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.0/">
<channel>
`)
	n := 0
	for _, t := range w.threads {
		if t.d.url == "" {
			continue
		}
		link := siteURL + t.d.url
		if w.s.build.Site.URL == "" {
			link = t.d.url
		}
		fmt.Fprintf(out, "<item>\n<title>%s</title>\n<link>%s</link>\n<content:encoded><![CDATA[]]></content:encoded>\n", esc(t.d.title), esc(link))
		fmt.Fprintf(out, "<dsq:thread_identifier>%s</dsq:thread_identifier>\n<wp:post_date_gmt>%s</wp:post_date_gmt>\n<wp:comment_status>open</wp:comment_status>\n",
			esc(base+t.d.url), esc(t.it.DateGMT))
		if _, err := io.Copy(out, io.NewSectionReader(w.spool, t.it.comments.off, t.it.comments.size)); err != nil {
			return err
		}
		io.WriteString(out, "</item>\n")
		n += t.it.comments.n
	}
	if _, err := io.WriteString(out, "</channel>\n</rss>\n"); err != nil {
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	w.s.moved["comments.wxr"] = out.Name()
	w.s.report.Notes = append(w.s.report.Notes, fmt.Sprintf("the %d comments of %d posts are in comments.wxr, which Disqus imports (Admin → Import → WordPress)", n, len(w.threads)))
	return nil
}

// close removes the temporary files.
func (w *wordpress) close() {
	if w.spool != nil {
		w.spool.Close()
		os.Remove(w.spool.Name())
	}
	for _, t := range w.temps {
		os.Remove(filepath.Clean(t))
	}
}

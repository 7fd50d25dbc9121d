package importer

import (
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"os"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	htmltomarkdown "github.com/JohannesKaufmann/html-to-markdown/v2"
	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
	"github.com/goccy/go-yaml"
)

// WordPress imports a WordPress export (WXR, the file Tools → Export
// writes) as a new blog in dst. The export is streamed, so its size does
// not matter. Posts keep their HTML (or become Markdown with
// opts.Markdown); pages go to pages/; drafts, pending and private posts
// become drafts; comments are written to comments.wxr for Disqus.
func WordPress(ctx context.Context, export, dst string, opts Options) (*Report, error) {
	s := newSite()
	w := &wordpress{s: s, export: export, file: path.Base(export), opts: opts, attachments: map[string]string{}, nicenames: map[string]string{}}
	defer w.close()
	return s.importFrom(ctx, w, dst, opts)
}

// The export's channel holds the site's settings: they are read with
// its items, by walk.
func (w *wordpress) config() error { return nil }

func (w *wordpress) walk(ctx context.Context) error {
	f, err := os.Open(w.export)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := w.read(ctx, f); err != nil {
		return err
	}
	w.finish()
	return w.uploads(ctx)
}

// WordPress's markup is converted as each item is read; what is left is
// pointing links at the downloaded copies, under the new site's path.
func (w *wordpress) convert() {
	w.rewriteUploads()
	w.redirects()
	if err := w.writeComments(); err != nil {
		w.s.warn(diag.Pos{File: w.file}, "the comments for Disqus: %v: not written", err)
	}
}

// wxrItem is one <item> of the export: a post, page, attachment or
// something else WordPress keeps (menus, blocks), skipped.
type wxrItem struct {
	Title      string        `xml:"title"`
	Link       string        `xml:"link"`
	Creator    string        `xml:"creator"`
	Content    string        `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
	Excerpt    string        `xml:"http://wordpress.org/export/1.2/excerpt/ encoded"`
	ID         string        `xml:"post_id"`
	Date       string        `xml:"post_date"`
	DateGMT    string        `xml:"post_date_gmt"`
	Modified   string        `xml:"post_modified"`
	Name       string        `xml:"post_name"`
	Status     string        `xml:"status"`
	Type       string        `xml:"post_type"`
	Attachment string        `xml:"attachment_url"`
	Categories []wxrCategory `xml:"category"`
	Comments   []wxrComment  `xml:"comment"`
	line       int
	comments   spooled // the approved comments, once kept
}

type wxrCategory struct {
	Domain   string `xml:"domain,attr"`
	Nicename string `xml:"nicename,attr"`
	Name     string `xml:",chardata"`
}

// wxrComment is kept as it came, for the Disqus file.
type wxrComment struct {
	Approved string `xml:"comment_approved"`
	Type     string `xml:"comment_type"`
	Inner    string `xml:",innerxml"`
}

type wordpress struct {
	s           *site
	export      string // the export's path
	file        string // its name, for positions
	opts        Options
	baseURL     string
	items       []*wxrItem
	attachments map[string]string // post_id → URL
	attachPages [][2]string       // an attachment's page → its file's URL
	spool       *os.File          // the approved comments of every post, as read
	spoolSize   int64
	threads     []thread          // the posts that have comments
	temps       []string          // temporary files to remove
	local       map[string]string // downloaded upload URL → its path under static/
	nicenames   map[string]string // "tag\x00Name" or "category\x00Name" → the term's old slug
	pretty      bool              // some post had a path URL, not ?p=N
}

// maxItem bounds one item of the export (a post with its comments).
const maxItem = 32 << 20

func (w *wordpress) read(ctx context.Context, r io.Reader) error {
	cr := &countingReader{r: bufio.NewReaderSize(r, 64<<10)}
	dec := xml.NewDecoder(cr)
	dec.Strict = false
	dec.CharsetReader = func(_ string, in io.Reader) (io.Reader, error) { return in, nil }
	sawChannel, sawItem := false, false
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return w.xmlError(cr, dec, err)
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "channel":
			sawChannel = true
		case "base_blog_url":
			var v string
			if err := dec.DecodeElement(&v, &se); err != nil {
				return w.xmlError(cr, dec, err)
			}
			w.baseURL = strings.TrimSuffix(strings.TrimSpace(v), "/")
		case "title", "description", "language":
			if sawItem {
				continue // the channel's own come before its items
			}
			var v string
			if err := dec.DecodeElement(&v, &se); err != nil {
				return w.xmlError(cr, dec, err)
			}
			w.channelField(se.Name.Local, strings.TrimSpace(v))
		case "item":
			line := w.line(cr, dec)
			start := dec.InputOffset()
			var it wxrItem
			if err := dec.DecodeElement(&it, &se); err != nil {
				return w.xmlError(cr, dec, err)
			}
			if dec.InputOffset()-start > maxItem {
				w.s.warn(diag.Pos{File: w.file, Line: line}, "an item of more than %d MB: skipped", maxItem>>20)
				continue
			}
			it.line = line
			sawItem = true
			if err := w.keep(&it); err != nil {
				return err
			}
		}
	}
	if !sawChannel {
		return diag.Errorf(diag.Pos{File: w.file, Line: 1}, "not a WordPress export: no <channel> (export it with Tools → Export)")
	}
	return nil
}

func (w *wordpress) channelField(name, v string) {
	c := &w.s.cfg
	switch name {
	case "title":
		c.Title = cmpOr(c.Title, v)
	case "description":
		c.Description = cmpOr(c.Description, v)
	case "language":
		c.Language = cmpOr(c.Language, v)
	}
}

// countingReader counts the newlines the decoder has consumed, so a
// position can be given as a line. It is an io.ByteReader, so the decoder
// reads from it byte by byte (through its buffer) and does no buffering
// of its own: the count is exact at every token, and its memory constant.
type countingReader struct {
	r     *bufio.Reader
	lines int
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if b == '\n' && err == nil {
		c.lines++
	}
	return b, err
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.lines += bytes.Count(p[:n], []byte("\n"))
	return n, err
}

func (w *wordpress) line(cr *countingReader, _ *xml.Decoder) int { return cr.lines + 1 }

func (w *wordpress) xmlError(cr *countingReader, dec *xml.Decoder, err error) error {
	var se *xml.SyntaxError
	if errors.As(err, &se) {
		return &diag.Error{Pos: diag.Pos{File: w.file, Line: se.Line}, Err: fmt.Errorf("the export is not well-formed XML (truncated?): %w", err)}
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return &diag.Error{Pos: diag.Pos{File: w.file, Line: w.line(cr, dec)}, Err: errors.New("the export ends in the middle of an item: it is truncated")}
	}
	return &diag.Error{Pos: diag.Pos{File: w.file, Line: w.line(cr, dec)}, Err: err}
}

// finish turns the items into posts and pages, now that every
// attachment's URL is known.
func (w *wordpress) finish() {
	c := &w.s.cfg
	c.UnsafeHTML = true // the posts are HTML
	c.URL = w.baseURL + "/"
	if w.baseURL == "" {
		c.URL = ""
	}
	var patterns []string
	for _, it := range w.items {
		d, err := w.doc(it)
		if err != nil {
			w.s.report.Warnings = append(w.s.report.Warnings, err)
			continue
		}
		if !d.page && !d.draft {
			patterns = append(patterns, permalinkPattern(d.oldURL, d.date, it.Name))
		}
		w.s.docs = append(w.s.docs, d)
		if it.comments.n > 0 {
			w.threads = append(w.threads, thread{it: it, d: d})
		}
		it.Content = "" // converted: d.body has it now
	}
	c.Permalink = majority(patterns)
}

// majority is the permalink structure of more than half of the published
// posts, which becomes build.permalink (the others get aliases), or "".
func majority(patterns []string) string {
	count := map[string]int{}
	for _, p := range patterns {
		if p != "" {
			count[p]++
		}
	}
	best := ""
	for _, p := range slices.Sorted(maps.Keys(count)) {
		if count[p] > count[best] {
			best = p
		}
	}
	if 2*count[best] <= len(patterns) {
		return ""
	}
	return best
}

// permalinkPattern finds the structure of a post's URL: its date and
// name put back as placeholders, or "" when it has none blog knows.
func permalinkPattern(u string, t time.Time, name string) string {
	if name == "" || !strings.HasSuffix(u, "/") {
		return ""
	}
	var out []string
	for seg := range strings.SplitSeq(strings.Trim(u, "/"), "/") {
		switch seg {
		case t.Format("2006"):
			out = append(out, ":year")
		case t.Format("01"):
			out = append(out, ":month")
		case t.Format("02"):
			out = append(out, ":day")
		case name:
			out = append(out, ":slug")
		default:
			return ""
		}
	}
	p := "/" + strings.Join(out, "/") + "/"
	if !strings.Contains(p, ":slug") {
		return ""
	}
	return p
}

var wpLocal = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$`)

func (w *wordpress) doc(it *wxrItem) (*doc, error) {
	pos := diag.Pos{File: w.file, Line: it.line}
	// The body stays HTML, in a Markdown file: with markdown.unsafe_html
	// (which the import sets) goldmark passes HTML blocks through as they
	// are, and every build reads .md.
	d := &doc{src: w.file, line: it.line, page: it.Type == "page", ext: ".md"}
	d.title = strings.TrimSpace(it.Title)
	d.author = it.Creator
	switch it.Status {
	case "publish", "inherit":
	case "future":
		// A scheduled post: its date is in the future, which blog keeps out until then.
	case "draft", "pending", "private", "auto-draft":
		d.draft = true
	case "trash":
		return nil, diag.Errorf(pos, "%q is in the trash: skipped", d.title)
	default:
		d.draft = true
	}
	var ok bool
	if d.date, d.zoned, ok = wpDate(it); !ok {
		return nil, diag.Errorf(pos, "%q has no date: skipped", d.title)
	}
	if t, err := time.Parse("2006-01-02 15:04:05", it.Modified); err == nil && t.After(d.date.Add(time.Hour)) {
		d.updated = t
	}
	d.cats, d.tags = wpTerms(it.Categories)
	for _, c := range it.Categories {
		kind := map[string]string{"category": "category", "post_tag": "tag"}[c.Domain]
		if nice, err := url.PathUnescape(c.Nicename); err == nil && kind != "" && nice != "" {
			w.nicenames[kind+"\x00"+strings.TrimSpace(c.Name)] = nice
		}
	}
	d.slug = it.Name
	name := cmpOr(it.Name, render.Slugify(d.title), "post-"+it.ID)
	if decoded, err := url.PathUnescape(name); err == nil {
		name = decoded // WordPress percent-encodes non-ASCII slugs
		d.slug = decoded
	}
	if d.title == "" {
		d.title = name
	}
	d.stem = name
	if !d.page {
		d.stem = d.date.Format("2006-01-02") + "-" + name
	}
	// A draft was never published: its link (?p=N) is nobody's bookmark.
	if u, err := url.Parse(it.Link); err == nil && it.Link != "" && !d.draft {
		p := u.EscapedPath()
		if u.RawQuery != "" || p == "" {
			w.s.warn(pos, "%q was at %s: a query URL cannot be redirected by a static site (on Netlify, add a _redirects rule with a query parameter)", d.title, it.Link)
		} else {
			w.pretty = true
			p, _ = url.PathUnescape(p)
			d.oldURL = strings.TrimPrefix(p, urlPath(w.baseURL))
			if !strings.HasPrefix(d.oldURL, "/") {
				d.oldURL = "/" + d.oldURL
			}
		}
	}
	if ex := strings.TrimSpace(it.Excerpt); ex != "" {
		d.summary = render.PlainText(ex)
	}
	c := newConverter(w.file, it.line, it.Content, nil)
	convertWordPress(c, w.attachments)
	body := autop(c.out.String())
	w.s.report.Warnings = append(w.s.report.Warnings, toErrors(c.warns)...)
	if w.opts.Markdown {
		md, err := htmltomarkdown.ConvertString(body)
		if err != nil {
			w.s.warn(pos, "%q: to Markdown: %v: kept as HTML", d.title, err)
		} else {
			body, d.ext = md, ".md"
		}
	}
	d.body = body
	d.params = append(d.params, yaml.MapItem{Key: "wordpress_id", Value: atoiOr(it.ID)})
	return d, nil
}

func atoiOr(s string) any {
	if n, err := strconv.Atoi(s); err == nil {
		return n
	}
	return s
}

// wpDate is an item's date: post_date is the blog's local time and
// post_date_gmt its UTC (zero for drafts), so together they give the
// offset. zoned reports whether the offset is known.
func wpDate(it *wxrItem) (t time.Time, zoned, ok bool) {
	if gmt, err := time.Parse("2006-01-02 15:04:05", it.DateGMT); err == nil && !gmt.IsZero() && it.DateGMT != "0000-00-00 00:00:00" {
		if local, err := time.Parse("2006-01-02 15:04:05", it.Date); err == nil {
			return gmt.In(time.FixedZone("", int(local.Sub(gmt).Seconds()))), true, true
		}
		return gmt, true, true
	}
	if wpLocal.MatchString(it.Date) {
		t, _ := time.Parse("2006-01-02 15:04:05", it.Date)
		return t, false, true
	}
	return time.Time{}, false, false
}

// wpTerms splits an item's terms into categories (without WordPress's
// "Uncategorized") and tags.
func wpTerms(terms []wxrCategory) (cats, tags []string) {
	for _, c := range terms {
		switch c.Domain {
		case "category":
			if c.Nicename != "uncategorized" {
				cats = append(cats, strings.TrimSpace(c.Name))
			}
		case "post_tag":
			tags = append(tags, strings.TrimSpace(c.Name))
		}
	}
	return cats, tags
}

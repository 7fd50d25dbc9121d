package importer

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/diag"
	"github.com/goccy/go-yaml"
)

// Options say how to import. The zero value writes a new blog.
type Options struct {
	// Into writes into an existing blog instead of a new directory; no
	// existing file is ever overwritten (a name that is taken is an
	// error naming it).
	Into bool
	// Markdown converts WordPress's HTML bodies to Markdown; by default
	// they are kept as HTML posts, which read exactly as they did.
	Markdown bool
	// Download fetches the files WordPress posts link to on the old
	// host (wp-content/uploads) into static/, and rewrites the links to
	// them. Without it they are listed in uploads.txt.
	Download bool
	// DownloadDir keeps the downloaded files between runs, so a second
	// run fetches only what the first did not finish. Default: the
	// export's path with ".files" added.
	DownloadDir string
	// MaxFileSize caps one downloaded file. Default: 64 MiB.
	MaxFileSize int64
	// Client makes the download requests. Default: a client with a
	// 10s connect and a 2 minute whole-request timeout.
	Client *http.Client
}

// Report says what an import did. Warnings are positioned in the old
// site's files (or in the export), one per construct that could not be
// converted, so the writer can fix the rest by hand.
type Report struct {
	Posts, Pages, Drafts int
	Aliases              int // old URLs that now redirect
	Attachments          int // files copied into static/
	Files                []string
	Warnings             []error
	Notes                []string // what the writer should know, nothing lost
}

// Complete reports whether everything was imported as it was.
func (r *Report) Complete() bool { return len(r.Warnings) == 0 }

// String is the summary blog import prints.
func (r *Report) String() string {
	return fmt.Sprintf("imported %d posts (%d drafts), %d pages, %d aliases, %d attachments; %d warnings",
		r.Posts, r.Drafts, r.Pages, r.Aliases, r.Attachments, len(r.Warnings))
}

// doc is one post or page on its way into the new blog.
type doc struct {
	page    bool      // a standalone page (pages/), not a post
	src     string    // the old file, relative to the old site (for warnings)
	stem    string    // the new file name without extension
	ext     string    // ".md", ".html", ".rst"
	title   string    //
	date    time.Time //
	zoned   bool      // date carried its own UTC offset
	updated time.Time
	tags    []string
	cats    []string
	draft   bool
	summary string
	author  string
	slug    string
	perma   string   // an explicit per-post permalink
	aliases []string // old URLs that must redirect here
	params  yaml.MapSlice
	body    string
	line    int    // the line of the old file where body starts
	oldURL  string // where the old site published it
	name    string // its file in the new blog, a slash path (see place)
	url     string // where the new blog publishes it, "" if it cannot
	bundle  string // a Hugo leaf bundle's directory, whose files go beside the post
}

// siteConfig is what the import maps of the old site's settings.
type siteConfig struct {
	Title, URL, Author, Description, Language, Timezone string
	Paginate                                            int
	Permalink                                           string
	Disqus                                              string
	UnsafeHTML                                          bool // the old Markdown passed raw HTML through
}

// site is the new blog being written.
type site struct {
	cfg    siteConfig
	root   string // the old site's directory ("" for an export file)
	docs   []*doc
	static map[string][]byte // path under static/ → content
	extra  map[string][]byte // other files, by path in the new blog
	copies map[string]string // path in the new blog → source file to copy
	moved  map[string]string // path in the new blog → a file of the import's own to copy
	build  build.Config      // the new blog's configuration (see place)
	dst    string            // the new blog's directory
	into   bool              // dst is an existing blog
	// redirects are the old URLs of generated pages (feeds, tag pages).
	redirects []pageRedirect
	report    Report
}

func newSite() *site {
	return &site{static: map[string][]byte{}, extra: map[string][]byte{}, copies: map[string]string{}, moved: map[string]string{}}
}

func (s *site) warn(pos diag.Pos, format string, args ...any) {
	s.report.Warnings = append(s.report.Warnings, diag.Errorf(pos, format, args...))
}

// frontMatter renders d's front matter in a fixed key order, then its
// other keys (the old tool's parameters) in their order.
func (d *doc) frontMatter() ([]byte, error) {
	var m yaml.MapSlice
	add := func(k string, v any) { m = append(m, yaml.MapItem{Key: k, Value: v}) }
	add("title", d.title)
	if !d.date.IsZero() {
		add("date", formatDate(d.date, d.zoned))
	}
	if !d.updated.IsZero() {
		add("updated", formatDate(d.updated, d.zoned))
	}
	if d.slug != "" {
		add("slug", d.slug)
	}
	if d.perma != "" {
		add("permalink", d.perma)
	}
	if len(d.tags) > 0 {
		add("tags", d.tags)
	}
	if len(d.cats) > 0 {
		add("categories", d.cats)
	}
	if d.author != "" {
		add("author", d.author)
	}
	if d.summary != "" {
		add("summary", d.summary)
	}
	if d.draft {
		add("draft", true)
	}
	if len(d.aliases) > 0 {
		add("aliases", d.aliases)
	}
	m = append(m, d.params...)
	return yaml.MarshalWithOptions(m, yaml.UseLiteralStyleIfMultiline(true))
}

func formatDate(t time.Time, zoned bool) string {
	if zoned {
		return t.Format("2006-01-02 15:04:05 -0700")
	}
	return t.Format("2006-01-02 15:04:05")
}

// configYAML is the new blog's _config.yaml.
func (c siteConfig) yaml() []byte {
	var b bytes.Buffer
	q := func(s string) string { v, _ := yaml.Marshal(s); return strings.TrimSpace(string(v)) }
	b.WriteString("# Imported by blog import; every other key has its default (see the README).\nsite:\n")
	b.WriteString("  title: " + q(cmp.Or(c.Title, "My blog")) + "\n")
	if c.URL != "" {
		b.WriteString("  url: " + q(c.URL) + "\n")
	}
	for _, kv := range [][2]string{{"author", c.Author}, {"description", c.Description}, {"language", c.Language}, {"timezone", c.Timezone}} {
		if kv[1] != "" {
			b.WriteString("  " + kv[0] + ": " + q(kv[1]) + "\n")
		}
	}
	if c.Permalink != "" || c.Paginate > 0 {
		b.WriteString("build:\n")
		if c.Permalink != "" {
			b.WriteString("  permalink: " + q(c.Permalink) + "\n")
		}
		if c.Paginate > 0 {
			fmt.Fprintf(&b, "  paginate: %d\n", c.Paginate)
		}
	}
	if c.UnsafeHTML {
		b.WriteString("markdown:\n  unsafe_html: true   # the old site's Markdown passed raw HTML through\n")
	}
	if c.Disqus != "" {
		b.WriteString("comments:\n  disqus: " + q(c.Disqus) + "\n")
	}
	return b.Bytes()
}

// write writes the new blog into dst: a new directory unless opts.Into.
// It never overwrites a file, and a second run into a fresh directory
// writes the same bytes.
func (s *site) write(dst string, opts Options) error {
	files := map[string][]byte{}
	if !opts.Into {
		files["_config.yaml"] = s.cfg.yaml()
		files[".gitignore"] = []byte("/_site/\n/.blog-cache/\n")
	}
	if err := s.addDocs(files); err != nil {
		return err
	}
	for p, data := range s.static {
		files[path.Join("static", p)] = data
	}
	maps.Copy(files, s.extra)
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if err := writeNew(filepath.Join(dst, filepath.FromSlash(name)), files[name]); err != nil {
			return err
		}
		s.report.Files = append(s.report.Files, name)
	}
	for _, m := range []map[string]string{s.copies, s.moved} {
		for _, name := range slices.Sorted(maps.Keys(m)) {
			if err := copyNew(filepath.Join(dst, filepath.FromSlash(name)), m[name]); err != nil {
				return err
			}
			s.report.Files = append(s.report.Files, name)
			if m[name] == s.copies[name] {
				s.report.Attachments++
			}
		}
	}
	return nil
}

// sortDocs orders the docs by date, then old file, so that names are
// given the same way on every run.
func (s *site) sortDocs() {
	slices.SortStableFunc(s.docs, func(a, b *doc) int {
		return cmp.Or(a.date.Compare(b.date), strings.Compare(a.src, b.src))
	})
}

// addDocs renders every doc into files, at the name place gave it.
func (s *site) addDocs(files map[string][]byte) error {
	for _, d := range s.docs {
		fm, err := d.frontMatter()
		if err != nil {
			return fmt.Errorf("%s: front matter: %w", d.src, err)
		}
		body := d.body
		if body != "" && !strings.HasSuffix(body, "\n") {
			body += "\n"
		}
		files[d.name] = []byte("---\n" + string(fm) + "---\n" + body)
		switch {
		case d.page:
			s.report.Pages++
		default:
			s.report.Posts++
		}
		if d.draft {
			s.report.Drafts++
		}
		s.report.Aliases += len(d.aliases)
	}
	return nil
}

// writeNew creates name with data, refusing to replace a file.
func writeNew(name string, data []byte) error {
	return createNew(name, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// copyNew creates name with the content of the file src, streamed.
func copyNew(name, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return createNew(name, func(w io.Writer) error {
		_, err := io.Copy(w, in)
		return err
	})
}

func createNew(name string, fill func(io.Writer) error) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists: blog import never overwrites a file", name)
		}
		return err
	}
	if err := fill(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// pageVars are d's front matter as a template of the old tool saw it.
func (d *doc) pageVars() map[string]any {
	m := map[string]any{"title": d.title, "author": d.author, "summary": d.summary, "excerpt": d.summary}
	if !d.date.IsZero() {
		m["date"] = formatDate(d.date, d.zoned)
	}
	for _, it := range d.params {
		if k, ok := it.Key.(string); ok {
			m[k] = it.Value
		}
	}
	return m
}

// zone is the old site's time zone, in which its dates without an offset
// are read; an unknown one is a warning (naming the config file) and UTC.
func (s *site) zone(file string) *time.Location {
	if s.cfg.Timezone == "" {
		return time.UTC
	}
	loc, err := time.LoadLocation(s.cfg.Timezone)
	if err != nil {
		s.warn(diag.Pos{File: file}, "timezone %q: %v: dates read as UTC", s.cfg.Timezone, err)
		s.cfg.Timezone = ""
		return time.UTC
	}
	return loc
}

// origin is an old site being read: its settings, then its files, then,
// once every new file and URL is known (see place), the conversion of
// their markup, which links to the new URLs.
type origin interface {
	config() error
	walk(ctx context.Context) error
	convert()
}

// checkDst refuses a dst that is not empty, or with --into not a blog,
// before any work is done.
func checkDst(dst string, opts Options) error {
	if opts.Into {
		if _, err := os.Stat(filepath.Join(dst, "_config.yaml")); err != nil {
			return fmt.Errorf("--into %s: no _config.yaml there: not a blog", dst)
		}
		return nil
	}
	if entries, err := os.ReadDir(dst); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty: import into a new directory, or use --into to add to the blog there", dst)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// importFrom reads o into s and writes the new blog into dst.
func (s *site) importFrom(ctx context.Context, o origin, dst string, opts Options) (*Report, error) {
	if err := checkDst(dst, opts); err != nil {
		return nil, err
	}
	if err := o.config(); err != nil {
		return nil, err
	}
	if err := o.walk(ctx); err != nil {
		return nil, err
	}
	if err := s.place(dst, opts); err != nil {
		return nil, err
	}
	o.convert()
	s.checkKramdown()
	s.fixLinks()
	s.writeRedirects(s.settleAliases())
	if err := s.write(dst, opts); err != nil {
		return nil, err
	}
	return &s.report, nil
}

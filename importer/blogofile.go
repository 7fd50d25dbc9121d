package importer

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"html"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
	"golang.org/x/text/unicode/norm"
)

// Blogofile imports the Blogofile site in src (_config.py, _posts/, and
// the media files beside them) as a new blog in dst. reStructuredText
// posts stay reST (blog renders them with docutils); $$code blocks
// become fenced code.
func Blogofile(ctx context.Context, src, dst string, opts Options) (*Report, error) {
	s := newSite()
	s.root = src
	return s.importFrom(ctx, &blogofile{s: s, root: src}, dst, opts)
}

// Blogofile's markup ($$code) is converted as each post is read; what
// is left is redirecting its feeds and category pages.
func (b *blogofile) convert() { b.redirects() }

type blogofile struct {
	s        *site
	root     string
	loc      *time.Location
	siteURL  string // site.url, without a trailing slash
	blogPath string // blog.path, "" or "/blog"
	pattern  string // blog.auto_permalink.path
	// v07: the site is Blogofile 0.7's, with the blog controller in
	// _controllers/blog/ (0.8's is the blogofile_blog plugin), whose
	// slugs and :uuid are made differently.
	v07 bool
}

// pySetting matches a setting of _config.py: `blog.name = "x"`, or a
// number or a boolean.
var pySetting = regexp.MustCompile(`(?m)^\s*([a-z_][a-z0-9_.]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|([0-9]+|True|False))\s*(?:#.*)?$`)

func (b *blogofile) config() error {
	if _, err := os.Stat(filepath.Join(b.root, "_posts")); err != nil {
		return fmt.Errorf("%s: no _posts/ directory: not a Blogofile site", b.root)
	}
	data, err := os.ReadFile(filepath.Join(b.root, "_config.py"))
	if err != nil && !os.IsNotExist(err) {
		return err
	}
	set := map[string]string{}
	for _, m := range pySetting.FindAllStringSubmatch(string(data), -1) {
		set[m[1]] = m[2] + m[3] + m[4]
	}
	// blog = plugins.blog (Blogofile 0.8) names the same settings.
	get := func(k string) string { return cmpOr(set["blog."+k], set["plugins.blog."+k], set[k]) }
	c := &b.s.cfg
	b.siteURL = strings.TrimSuffix(set["site.url"], "/")
	b.blogPath = strings.TrimSuffix(get("path"), "/")
	c.Title, c.Description, c.Timezone = get("name"), get("description"), get("timezone")
	if b.siteURL != "" {
		c.URL = b.siteURL + b.blogPath + "/"
	}
	if n, err := strconv.Atoi(get("posts_per_page")); err == nil && n > 0 {
		c.Paginate = n
	}
	if set["blog.disqus.enabled"] != "False" {
		c.Disqus = get("disqus.name")
	}
	c.UnsafeHTML = true // python-markdown passes HTML through
	b.pattern = cmpOr(get("auto_permalink.path"), ":blog_path/:year/:month/:day/:title")
	// The new site's root is the old blog.path, which the pattern names
	// as :blog_path or writes out.
	p, under := strings.CutPrefix(b.pattern, ":blog_path")
	if !under && b.blogPath != "" {
		p, under = strings.CutPrefix(b.pattern, b.blogPath)
	}
	if (under || b.blogPath == "") && !strings.ContainsAny(strings.NewReplacer(":year", "", ":month", "", ":day", "", ":title", "").Replace(p), ":") {
		c.Permalink = strings.TrimSuffix(strings.ReplaceAll(p, ":title", ":slug"), "/") + "/"
	}
	b.loc = b.s.zone("_config.py")
	_, err = os.Stat(filepath.Join(b.root, "_controllers", "blog", "post.py"))
	b.v07 = err == nil
	return nil
}

func (b *blogofile) walk(ctx context.Context) error {
	return filepath.WalkDir(b.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(b.root, p)
		rel = filepath.ToSlash(rel)
		name := d.Name()
		if d.IsDir() {
			if rel != "." && (strings.HasPrefix(name, ".") || (strings.HasPrefix(name, "_") && name != "_posts")) {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(rel, "_posts/") {
			return b.post(rel)
		}
		if isMedia(name) && !strings.HasPrefix(name, "_") {
			b.s.copies["static/"+rel] = p
		}
		if page, ok := strings.CutSuffix(rel, ".mako"); ok && !strings.HasPrefix(name, "_") && page != "index.html" { // the new site makes its own home page
			b.s.warn(diag.Pos{File: rel}, "a Mako page: not imported (blog runs no Mako templates), so /%s is missing from the new site: write it as a page in pages/", page)
		}
		return nil
	})
}

func (b *blogofile) post(rel string) error {
	ext := strings.ToLower(path.Ext(rel))
	var newExt string
	switch ext {
	case ".markdown", ".md", ".mkd":
		newExt = ".md"
	case ".html", ".htm":
		newExt = ".md" // HTML passes through: the import sets markdown.unsafe_html
	case ".rst":
		newExt = ".rst"
	case ".textile":
		b.s.warn(diag.Pos{File: rel}, "Textile is not a format blog reads: imported as preformatted text; convert it by hand")
		newExt = ".md"
	default:
		return nil
	}
	data, err := os.ReadFile(filepath.Join(b.root, filepath.FromSlash(rel)))
	if err != nil {
		return err
	}
	fm, body, line, err := render.SplitFrontMatter(rel, data)
	if err != nil {
		b.s.report.Warnings = append(b.s.report.Warnings, err)
		return nil
	}
	m, err := parseYAMLMeta(rel, fm)
	if err != nil {
		b.s.report.Warnings = append(b.s.report.Warnings, err)
		return nil
	}
	d := &doc{src: rel, line: line, ext: newExt}
	perma := m.str("permalink")
	guid := m.str("guid")
	m.take("filter", "filters", "encoding")
	if err := fillDoc(d, &m, b.loc); err != nil {
		b.s.report.Warnings = append(b.s.report.Warnings, err)
	}
	if d.date.IsZero() {
		b.s.warn(diag.Pos{File: rel}, "no date: the post is imported as a draft dated today's file time")
		if fi, err := os.Stat(filepath.Join(b.root, filepath.FromSlash(rel))); err == nil {
			d.date = fi.ModTime().In(b.loc).Truncate(time.Second)
		}
		d.draft = true
	}
	stem := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	if d.title == "" {
		d.title = stem
	}
	// Blogofile named files "001 - Title.markdown"; ours are dated.
	d.stem = d.date.Format("2006-01-02") + "-" + render.Slugify(cmpOr(d.slug, d.title))
	d.oldURL = b.oldURL(d, perma, path.Base(rel), guid)
	text := string(body)
	if ext == ".textile" {
		text = "<pre>" + htmlEscape(text) + "</pre>"
	}
	c := newConverter(rel, line, text, nil)
	if newExt != ".rst" {
		convertBlogofile(c)
		text = c.out.String()
	}
	d.body = text
	b.s.report.Warnings = append(b.s.report.Warnings, toErrors(c.warns)...)
	b.s.docs = append(b.s.docs, d)
	return nil
}

// oldURL is the path Blogofile published the post at: its permalink with
// the site's URL stripped, or blog.auto_permalink.path expanded as the
// site's Blogofile did (create_permalink in 0.8, Post.__post_process in
// 0.7), as a directory. file is the post's file name, with its extension.
func (b *blogofile) oldURL(d *doc, perma, file, guid string) string {
	if perma != "" {
		p := strings.TrimPrefix(perma, b.siteURL)
		if strings.Contains(p, "://") {
			b.s.warn(diag.Pos{File: d.src}, "permalink %q is not on site.url %q: kept as an alias path", perma, b.siteURL)
			p = urlPath(p)
		}
		return b.underBlog(dirURL(p))
	}
	t := d.date
	var title, filename, uuid string
	if b.v07 {
		// 0.7: :title is the slug, else the title with spaces and ?
		// made hyphens; :uuid the SHA-1 of the title.
		title = cmpOr(d.slug, blogofile07Slug(d.title))
		filename = blogofile07Slug(file)
		uuid = fmt.Sprintf("%x", sha1.Sum([]byte(d.title)))
	} else {
		// 0.8: :title is create_slug(title) (a slug: key is not used);
		// :uuid the post's guid, URL-quoted, else create_guid.
		title, filename = blogofileSlug(d.title), blogofileSlug(file)
		if guid != "" {
			uuid = pyQuote(guid)
		} else {
			sum := sha1.Sum([]byte(pyISOFormat(t) + d.title))
			uuid = base64.URLEncoding.EncodeToString(sum[:])
		}
	}
	// Blogofile substitutes one placeholder after the other, in this
	// order; a title with ":year" in it is not expanded again here.
	p := b.pattern
	for _, r := range [][2]string{
		{":blog_path", b.blogPath}, {":year", t.Format("2006")}, {":month", t.Format("01")},
		{":day", t.Format("02")}, {":hour", t.Format("15")}, {":minute", t.Format("04")},
		{":second", t.Format("05")}, {":title", title}, {":filename", filename}, {":uuid", uuid},
	} {
		p = strings.ReplaceAll(p, r[0], r[1])
	}
	return b.underBlog(dirURL(p))
}

// pyISOFormat is Python's datetime.isoformat() of an aware time.
func pyISOFormat(t time.Time) string {
	if t.Nanosecond()/1000 != 0 {
		return t.Format("2006-01-02T15:04:05.000000-07:00")
	}
	return t.Format("2006-01-02T15:04:05-07:00")
}

// pyQuote is Python's urllib.parse.quote(s): every byte but letters,
// digits, _.-~ and / percent-encoded.
func pyQuote(s string) string {
	var out strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_.-~/", c) >= 0 {
			out.WriteByte(c)
		} else {
			fmt.Fprintf(&out, "%%%02X", c)
		}
	}
	return out.String()
}

// underBlog makes an old path relative to the new site's root, which is
// the old blog.path (site.url includes it).
func (b *blogofile) underBlog(p string) string {
	if rest, ok := strings.CutPrefix(p, b.blogPath+"/"); ok && b.blogPath != "" {
		return "/" + rest
	}
	return p
}

// blogofileSlug is Blogofile 0.8's create_slug: the title's words, split
// at white space and the punctuation of its PUNCT_RE, lower-cased and
// joined by hyphens. (Blogofile also transliterates non-ASCII letters
// with unidecode; here accents are dropped and other letters kept.)
func blogofileSlug(s string) string {
	s = html.UnescapeString(s)
	var words []string
	for _, w := range blogofilePunct.Split(s, -1) {
		words = append(words, strings.Fields(stripMarks(w))...)
	}
	return strings.ToLower(strings.Join(words, "-"))
}

// blogofilePunct is Blogofile's PUNCT_RE.
var blogofilePunct = regexp.MustCompile(`[\t !"#$%&'()*\-/<=>?@\[\\\]^_` + "`" + `{|},.]+`)

// blogofile07Slug is Blogofile 0.7's slug of a title: spaces and
// question marks to hyphens, lower case.
func blogofile07Slug(s string) string {
	return strings.ToLower(strings.NewReplacer(" ", "-", "?", "-").Replace(s))
}

// stripMarks drops the accents of letters (é to e), as unidecode does.
func stripMarks(s string) string {
	if isASCII(s) {
		return s
	}
	var out strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			out.WriteRune(r)
		}
	}
	return out.String()
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// dirURL is p as Blogofile wrote it: PATH/index.html, so PATH/.
func dirURL(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if path.Ext(p) == ".html" || strings.HasSuffix(p, "/") {
		return p
	}
	return p + "/"
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

package importer

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
)

// Blogofile imports the Blogofile site in src (_config.py, _posts/, and
// the media files beside them) as a new blog in dst. reStructuredText
// posts stay reST (blog renders them with docutils); $$code blocks
// become fenced code.
func Blogofile(ctx context.Context, src, dst string, opts Options) (*Report, error) {
	s := newSite()
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
	m.take("guid", "filter", "filters", "encoding")
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
	d.oldURL = b.oldURL(d, perma, stem)
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
// the site's URL stripped, or the auto permalink, as a directory.
func (b *blogofile) oldURL(d *doc, perma, stem string) string {
	if perma != "" {
		p := strings.TrimPrefix(perma, b.siteURL)
		if strings.Contains(p, "://") {
			b.s.warn(diag.Pos{File: d.src}, "permalink %q is not on site.url %q: kept as an alias path", perma, b.siteURL)
			p = urlPath(p)
		}
		return b.underBlog(dirURL(p))
	}
	t := d.date
	r := strings.NewReplacer(":blog_path", b.blogPath, ":year", t.Format("2006"), ":month", t.Format("01"),
		":day", t.Format("02"), ":hour", t.Format("15"), ":minute", t.Format("04"), ":second", t.Format("05"),
		":title", blogofileSlug(cmpOr(d.slug, d.title)), ":filename", blogofileSlug(stem))
	return b.underBlog(dirURL(r.Replace(b.pattern)))
}

// underBlog makes an old path relative to the new site's root, which is
// the old blog.path (site.url includes it).
func (b *blogofile) underBlog(p string) string {
	if rest, ok := strings.CutPrefix(p, b.blogPath+"/"); ok && b.blogPath != "" {
		return "/" + rest
	}
	return p
}

// blogofileSlug is Blogofile's create_slug: lower case, spaces to
// hyphens, only letters, digits and hyphens kept.
func blogofileSlug(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.ReplaceAll(s, " ", "-")
	s = notSlug.ReplaceAllString(s, "")
	return hyphens.ReplaceAllString(s, "-")
}

var (
	notSlug = regexp.MustCompile(`[^a-z0-9\-]`)
	hyphens = regexp.MustCompile(`-+`)
)

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

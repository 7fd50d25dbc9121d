package importer

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
	"github.com/goccy/go-yaml"
)

// jekyllName is a post's file name: its date and the title part.
var jekyllName = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})-(.+)\.(md|markdown|mkd|mkdn|html|htm|textile)$`)

// Jekyll imports the Jekyll site in src (its _config.yml, _posts/,
// _drafts/, Markdown pages and media files) as a new blog in dst.
func Jekyll(ctx context.Context, src, dst string, opts Options) (*Report, error) {
	s := newSite()
	s.root = src
	return s.importFrom(ctx, &jekyll{s: s, root: src, posts: map[string]*doc{}}, dst, opts)
}

type jekyll struct {
	s        *site
	root     string
	loc      *time.Location
	site     map[string]any
	baseURL  string // url, without a trailing slash
	basePath string // baseurl, "" or "/blog"
	pattern  string // the old permalink pattern, styles expanded
	posts    map[string]*doc
	docs     []*doc
}

// jekyllStyles are Jekyll's named permalink styles.
var jekyllStyles = map[string]string{
	"date":    "/:categories/:year/:month/:day/:title:output_ext",
	"pretty":  "/:categories/:year/:month/:day/:title/",
	"ordinal": "/:categories/:year/:y_day/:title:output_ext",
	"none":    "/:categories/:title:output_ext",
}

func (j *jekyll) config() error {
	name := filepath.Join(j.root, "_config.yml")
	data, err := os.ReadFile(name)
	if os.IsNotExist(err) {
		name = filepath.Join(j.root, "_config.yaml")
		data, err = os.ReadFile(name)
	}
	if _, perr := os.Stat(filepath.Join(j.root, "_posts")); perr != nil {
		return fmt.Errorf("%s: no _posts/ directory: not a Jekyll site", j.root)
	}
	j.site = map[string]any{}
	if err == nil {
		if err := yaml.Unmarshal(data, &j.site); err != nil {
			return diag.FromYAML("_config.yml", 0, err)
		}
	}
	get := func(k string) string {
		if v, ok := j.site[k]; ok && v != nil {
			return strings.TrimSpace(fmt.Sprint(v))
		}
		return ""
	}
	c := &j.s.cfg
	c.Title, c.Description, c.Language, c.Timezone = get("title"), get("description"), get("lang"), get("timezone")
	if a, ok := j.site["author"].(map[string]any); ok {
		c.Author = fmt.Sprint(a["name"])
	} else {
		c.Author = get("author")
	}
	j.baseURL = strings.TrimSuffix(get("url"), "/")
	j.basePath = strings.TrimSuffix(get("baseurl"), "/")
	if j.baseURL == "" {
		// A GitHub Pages site names its host in CNAME instead.
		if cname, err := os.ReadFile(filepath.Join(j.root, "CNAME")); err == nil {
			if host := strings.TrimSpace(string(cname)); host != "" && safeSegment(host) && !strings.Contains(host, ":") {
				j.baseURL = "https://" + host
			}
		}
	}
	if j.baseURL != "" {
		c.URL = j.baseURL + j.basePath + "/"
	}
	if n, err := strconv.Atoi(get("paginate")); err == nil && n > 0 {
		c.Paginate = n
	}
	if d, ok := j.site["disqus"].(map[string]any); ok {
		c.Disqus = fmt.Sprint(d["shortname"])
	} else {
		c.Disqus = get("disqus_shortname")
	}
	j.loc = j.s.zone("_config.yml")
	j.pattern = cmpOr(get("permalink"), "date")
	if p, ok := jekyllStyles[j.pattern]; ok {
		j.pattern = p
	}
	c.Permalink = ourPermalink(j.pattern)
	c.UnsafeHTML = true // kramdown passes HTML through
	return nil
}

// ourPermalink is build.permalink for an old Jekyll pattern when blog's
// placeholders mean the same, else "" (the default, with aliases).
func ourPermalink(p string) string {
	q := strings.ReplaceAll(p, ":output_ext", ".html")
	for _, ph := range placeholders.FindAllString(q, -1) {
		switch ph {
		case ":year", ":month", ":day", ":title", ":categories", ":i_month", ":i_day", ":hour", ":minute", ":second", ":slug":
		default:
			return ""
		}
	}
	if !strings.HasPrefix(q, "/") || (!strings.HasSuffix(q, "/") && !strings.HasSuffix(q, ".html")) {
		return ""
	}
	return q
}

var placeholders = regexp.MustCompile(`:[a-z_]+`)

func (j *jekyll) walk(ctx context.Context) error {
	return filepath.WalkDir(j.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(j.root, p)
		rel = filepath.ToSlash(rel)
		name := d.Name()
		if d.IsDir() {
			if rel != "." && (name == "_site" || name == "node_modules" || name == "vendor" || strings.HasPrefix(name, ".") ||
				(strings.HasPrefix(name, "_") && name != "_posts" && name != "_drafts")) {
				return filepath.SkipDir
			}
			return nil
		}
		return j.file(p, rel, name)
	})
}

// file takes one file of the old site, at p (rel from its root).
func (j *jekyll) file(p, rel, name string) error {
	dir := path.Dir(rel)
	inPosts := strings.Contains("/"+dir+"/", "/_posts/")
	inDrafts := strings.Contains("/"+dir+"/", "/_drafts/")
	switch {
	case (inPosts || inDrafts) && !isPostFile(name):
		// An image beside the posts: Jekyll publishes none of them.
		j.s.warn(diag.Pos{File: rel}, "not a post (Jekyll does not publish the other files of _posts/ and _drafts/): skipped")
		return nil
	case inPosts || inDrafts:
		return j.post(rel, inDrafts)
	case strings.HasPrefix(name, "_") || strings.HasPrefix(name, "."):
		return nil
	case isMedia(name):
		j.s.copies["static/"+rel] = p
		return nil
	case (strings.HasSuffix(name, ".md") || strings.HasSuffix(name, ".markdown")) && !isReadme(rel),
		(strings.HasSuffix(name, ".html") || strings.HasSuffix(name, ".htm")) && name != "404.html" && hasFrontMatter(p):
		if strings.HasPrefix(name, "index.") && dir == "." {
			// Not a loss: the new home page lists the posts, as the old one did.
			j.s.report.Notes = append(j.s.report.Notes, rel+": the old home page is not imported: the new one lists the posts")
			return nil
		}
		return j.page(rel)
	}
	return nil
}

// hasFrontMatter reports whether the file starts with a front matter
// line, which makes Jekyll convert an HTML file (its layout, its Liquid).
func hasFrontMatter(name string) bool {
	f, err := os.Open(name)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 4)
	n, _ := io.ReadFull(f, head)
	return string(head[:n]) == "---\n" || string(head[:n]) == "---\r"
}

// isPostFile reports whether name is in a format Jekyll converts.
func isPostFile(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".md", ".markdown", ".mkd", ".mkdn", ".html", ".htm", ".textile":
		return true
	}
	return false
}

func isReadme(rel string) bool {
	base := strings.ToLower(path.Base(rel))
	return path.Dir(rel) == "." && (strings.HasPrefix(base, "readme") || strings.HasPrefix(base, "license") || strings.HasPrefix(base, "changelog"))
}

// isMedia reports whether a file is an image or other asset a post may
// link to, copied into static/ under the same path.
func isMedia(name string) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".ico", ".pdf", ".mp3", ".mp4", ".ogg", ".webm", ".zip", ".tar", ".gz", ".txt":
		return true
	}
	return false
}

func (j *jekyll) read(rel string) (m oldMeta, body string, line int, ok bool, err error) {
	data, err := os.ReadFile(filepath.Join(j.root, filepath.FromSlash(rel)))
	if err != nil {
		return oldMeta{}, "", 0, false, err
	}
	fm, b, line, err := render.SplitFrontMatter(rel, data)
	if err != nil {
		j.s.report.Warnings = append(j.s.report.Warnings, err)
		return oldMeta{}, "", 0, false, nil
	}
	if fm == nil && !strings.HasPrefix(string(data), "---") {
		return oldMeta{file: rel}, string(data), 1, true, nil
	}
	m, err = parseYAMLMeta(rel, fm)
	if err != nil {
		j.s.report.Warnings = append(j.s.report.Warnings, err)
		return oldMeta{}, "", 0, false, nil
	}
	return m, string(b), line, true, nil
}

func (j *jekyll) post(rel string, draft bool) error {
	name := path.Base(rel)
	mt := jekyllName.FindStringSubmatch(name)
	if mt == nil && !draft {
		j.s.warn(diag.Pos{File: rel}, "not a post: Jekyll posts are named YYYY-MM-DD-title.md: skipped")
		return nil
	}
	m, body, line, ok, err := j.read(rel)
	if err != nil || !ok {
		return err
	}
	d := &doc{src: rel, draft: draft}
	title := strings.TrimSuffix(name, path.Ext(name))
	if mt != nil {
		y, _ := strconv.Atoi(mt[1])
		mo, _ := strconv.Atoi(mt[2])
		dd, _ := strconv.Atoi(mt[3])
		d.date = time.Date(y, time.Month(mo), dd, 0, 0, 0, 0, j.loc)
		title = mt[4]
	} else if fi, err := os.Stat(filepath.Join(j.root, rel)); err == nil {
		d.date = fi.ModTime().In(j.loc).Truncate(time.Second) // as Jekyll dates a draft
	}
	// Categories from the directories above _posts, as Jekyll reads them.
	if before, _, ok := strings.Cut(rel, "_posts/"); ok && before != "" {
		d.cats = strings.Split(strings.Trim(before, "/"), "/")
	}
	perma := m.str("permalink")
	if err := fillDoc(d, &m, j.loc); err != nil {
		j.s.report.Warnings = append(j.s.report.Warnings, err)
	}
	if d.zoned {
		// Jekyll dated the post, and its URL, in the site's time zone
		// (Time#localtime); so does the new front matter.
		d.date = d.date.In(j.loc)
	}
	if d.title == "" {
		d.title = strings.ReplaceAll(title, "-", " ")
	}
	d.stem = d.date.Format("2006-01-02") + "-" + title
	d.ext = ".md"
	if e := path.Ext(name); e == ".html" || e == ".htm" {
		d.ext = ".html"
	}
	d.body = body
	d.oldURL = j.postURL(d, title, perma)
	// blog's :title is Jekyll's: the file name's title part, unless slug.
	if d.slug == "" && render.Slugify(title) != title {
		d.slug = title
	}
	j.convertLater(d, line)
	j.posts[strings.TrimSuffix(name, path.Ext(name))] = d
	j.posts[rel] = d
	return nil
}

func (j *jekyll) page(rel string) error {
	m, body, line, ok, err := j.read(rel)
	if err != nil || !ok {
		return err
	}
	d := &doc{src: rel, page: true, ext: ".md"}
	perma := m.str("permalink")
	if err := fillDoc(d, &m, j.loc); err != nil {
		j.s.report.Warnings = append(j.s.report.Warnings, err)
	}
	stem := strings.TrimSuffix(rel, path.Ext(rel))
	d.stem = strings.ReplaceAll(stem, "/", "-")
	if d.title == "" {
		d.title = path.Base(stem)
	}
	d.body = body
	d.oldURL = cmpOr(perma, "/"+stem+".html")
	if path.Base(stem) == "index" {
		d.oldURL = "/" + strings.TrimSuffix(stem, "index")
	}
	j.convertLater(d, line)
	j.posts[rel] = d
	return nil
}

func (j *jekyll) convertLater(d *doc, line int) {
	d.line = line
	j.s.docs = append(j.s.docs, d)
	j.docs = append(j.docs, d)
}

// postURL is where Jekyll published d: its permalink pattern expanded.
func (j *jekyll) postURL(d *doc, title, perma string) string {
	p := cmpOr(perma, j.pattern)
	if style, ok := jekyllStyles[p]; ok {
		p = style
	}
	slug := cmpOr(d.slug, title)
	var cats []string
	for _, c := range d.cats {
		cats = append(cats, url.PathEscape(strings.ToLower(c)))
	}
	// Jekyll reads a date with a zone of its own as the same instant in
	// the site's time zone (Time#localtime), and dates the URL there.
	t := d.date.In(j.loc)
	r := strings.NewReplacer(
		":year", t.Format("2006"), ":i_month", strconv.Itoa(int(t.Month())), ":month", t.Format("01"),
		":i_day", strconv.Itoa(t.Day()), ":day", t.Format("02"), ":y_day", fmt.Sprintf("%03d", t.YearDay()),
		":hour", t.Format("15"), ":minute", t.Format("04"), ":second", t.Format("05"),
		":title", slug, ":slug", render.Slugify(slug), ":categories", strings.Join(cats, "/"),
		":output_ext", ".html",
	)
	u := r.Replace(p)
	for strings.Contains(u, "//") {
		u = strings.ReplaceAll(u, "//", "/")
	}
	return u
}

// convert rewrites the Liquid of every imported file, now that every
// post's URL is known.
func (j *jekyll) convert() {
	e := &env{
		site: j.site, baseURL: j.baseURL, basePath: j.basePath,
		url: func(ref string) (string, bool) {
			ref = strings.TrimPrefix(strings.TrimSpace(ref), "/")
			if d, ok := j.posts[ref]; ok {
				return j.basePath + cmpOr(d.url, d.oldURL), true
			}
			return "", false
		},
		include: func(name string) (string, bool) {
			data, err := os.ReadFile(filepath.Join(j.root, "_includes", filepath.FromSlash(path.Clean("/"+name))))
			return string(data), err == nil
		},
	}
	for _, d := range j.docs {
		e.page = d.pageVars()
		c := newConverter(d.src, d.line, dropTOCList(d.body), e)
		convertLiquid(c)
		d.body = c.out.String()
		for k, v := range c.params {
			d.params = append(d.params, yaml.MapItem{Key: k, Value: v})
		}
		j.s.report.Warnings = append(j.s.report.Warnings, toErrors(c.warns)...)
	}
	j.redirects()
}

func toErrors(ws []*diag.Error) []error {
	out := make([]error, len(ws))
	for i, w := range ws {
		out[i] = w
	}
	return out
}

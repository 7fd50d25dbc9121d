package importer

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
	"github.com/goccy/go-yaml"
	"github.com/pelletier/go-toml/v2"
)

// Hugo imports the Hugo site in src (config.toml, .yaml or .json, or
// hugo.*; content/; static/) as a new blog in dst.
func Hugo(ctx context.Context, src, dst string, opts Options) (*Report, error) {
	s := newSite()
	s.root = src
	return s.importFrom(ctx, &hugo{s: s, root: src, refs: map[string]*doc{}, resources: map[string][]string{}}, dst, opts)
}

type hugo struct {
	s          *site
	root       string
	cfg        map[string]any
	params     map[string]any
	permalinks map[string]string // section → pattern
	loc        *time.Location
	basePath   string
	refs       map[string]*doc // content paths and file names → doc
	docs       []*doc
	resources  map[string][]string // a bundle's directory under content/ → its files
	rss        string              // the file name of Hugo's RSS feeds
}

// hugoConfigs are the names Hugo reads its configuration from, in order.
var hugoConfigs = []string{"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml", "config.json"}

func (h *hugo) config() error {
	var name string
	var data []byte
	for _, n := range hugoConfigs {
		if b, err := os.ReadFile(filepath.Join(h.root, n)); err == nil {
			name, data = n, b
			break
		}
	}
	if name == "" {
		if _, err := os.Stat(filepath.Join(h.root, "content")); err != nil {
			return fmt.Errorf("%s: no hugo.toml, config.toml (or .yaml, .json) and no content/: not a Hugo site", h.root)
		}
	}
	h.cfg = map[string]any{}
	if err := decodeByExt(name, data, &h.cfg); err != nil {
		return err
	}
	lower := map[string]any{}
	for k, v := range h.cfg {
		lower[strings.ToLower(k)] = v
	}
	get := func(k string) string {
		if v, ok := lower[k]; ok && v != nil {
			return strings.TrimSpace(fmt.Sprint(v))
		}
		return ""
	}
	h.params, _ = lower["params"].(map[string]any)
	c := &h.s.cfg
	c.Title = get("title")
	c.URL = get("baseurl")
	if c.URL != "" && !strings.HasSuffix(c.URL, "/") {
		c.URL += "/"
	}
	h.basePath = strings.TrimSuffix(urlPath(c.URL), "/")
	c.Language = cmpOr(get("languagecode"), get("defaultcontentlanguage"))
	c.Timezone = get("timezone")
	if a, ok := lower["author"].(map[string]any); ok {
		c.Author = str(a["name"])
	} else {
		c.Author = get("author")
	}
	if h.params != nil {
		c.Description = cmpOr(str(h.params["description"]), str(h.params["subtitle"]))
		if c.Author == "" {
			c.Author = str(h.params["author"])
		}
	}
	c.Disqus = get("disqusshortname")
	if n, err := strconv.Atoi(cmpOr(get("paginate"), get("pagination"))); err == nil && n > 0 {
		c.Paginate = n
	}
	h.outputs(lower)
	h.loc = h.s.zone(cmpOr(name, "config.toml"))
	return nil
}

// outputs reads the settings of how Hugo wrote pages: raw HTML passed
// through, the RSS feeds' name, each section's permalink pattern.
func (h *hugo) outputs(lower map[string]any) {
	if lowerKeys(lowerKeys(lowerKeys(lower["markup"])["goldmark"])["renderer"])["unsafe"] == true {
		h.s.cfg.UnsafeHTML = true
	}
	h.rss = "index.xml"
	if of, ok := lowerKeys(lower["outputformats"])["rss"]; ok {
		if name := str(lowerKeys(of)["basename"]); name != "" && safeSegment(name) {
			h.rss = name + ".xml" // outputFormats.RSS.baseName renames every feed
		}
	}
	h.permalinks = map[string]string{}
	if p, ok := lower["permalinks"].(map[string]any); ok {
		for k, v := range p {
			if s, ok := v.(string); ok {
				h.permalinks[k] = s
			}
		}
	}
}

// lowerKeys is the map v with its keys in lower case (Hugo's are not
// case-sensitive), or nil when v is not a map.
func lowerKeys(v any) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	out := make(map[string]any, len(m))
	for k, x := range m {
		out[strings.ToLower(k)] = x
	}
	return out
}

func str(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

func urlPath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
		if j := strings.IndexByte(u, '/'); j >= 0 {
			return u[j:]
		}
		return "/"
	}
	return u
}

// decodeByExt decodes a TOML, YAML or JSON document, by file name.
func decodeByExt(name string, data []byte, v any) error {
	switch path.Ext(name) {
	case ".toml":
		if err := toml.Unmarshal(data, v); err != nil {
			return tomlError(name, 0, err)
		}
	case ".json":
		if err := json.Unmarshal(data, v); err != nil {
			return diag.Errorf(diag.Pos{File: name}, "%v", err)
		}
	case ".yaml", ".yml":
		if err := yaml.Unmarshal(data, v); err != nil {
			return diag.FromYAML(name, 0, err)
		}
	}
	return nil
}

func tomlError(file string, lineOffset int, err error) error {
	if de, ok := err.(*toml.DecodeError); ok {
		row, col := de.Position()
		return &diag.Error{Pos: diag.Pos{File: file, Line: row + lineOffset, Col: col}, Err: err}
	}
	return &diag.Error{Pos: diag.Pos{File: file}, Err: err}
}

// hugoFrontMatter splits a Hugo content file: TOML between +++ lines,
// YAML between --- lines, or a JSON object.
func hugoFrontMatter(file string, src []byte) (oldMeta, string, int, error) {
	text := string(src)
	switch {
	case strings.HasPrefix(text, "+++"):
		_, rest, _ := strings.Cut(text, "\n")
		fm, body, ok := strings.Cut(rest, "\n+++")
		if !ok {
			return oldMeta{}, "", 0, diag.Errorf(diag.Pos{File: file, Line: 1, Col: 1}, "front matter is not closed: want a +++ line after it")
		}
		_, body, _ = strings.Cut(body, "\n")
		var m map[string]any
		if err := toml.Unmarshal([]byte(fm), &m); err != nil {
			return oldMeta{}, "", 0, tomlError(file, 1, err)
		}
		return sortedMeta(file, m), body, strings.Count(fm, "\n") + 3, nil
	case strings.HasPrefix(text, "{"):
		dec := json.NewDecoder(strings.NewReader(text))
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return oldMeta{}, "", 0, diag.Errorf(diag.Pos{File: file, Line: 1}, "JSON front matter: %v", err)
		}
		off := int(dec.InputOffset())
		return sortedMeta(file, m), strings.TrimPrefix(text[off:], "\n"), strings.Count(text[:off], "\n") + 2, nil
	}
	fm, body, line, err := render.SplitFrontMatter(file, src)
	if err != nil {
		return oldMeta{}, "", 0, err
	}
	m, err := parseYAMLMeta(file, fm)
	return m, string(body), line, err
}

// sortedMeta orders a decoded map's keys, so output is the same each run.
func sortedMeta(file string, m map[string]any) oldMeta {
	var items yaml.MapSlice
	for _, k := range slices.Sorted(maps.Keys(m)) {
		items = append(items, yaml.MapItem{Key: k, Value: m[k]})
	}
	return oldMeta{items: items, file: file}
}

// postSections are the sections whose files are posts; the others (and
// files at the top of content/) are pages.
var postSections = map[string]bool{"posts": true, "post": true, "blog": true, "articles": true, "article": true, "news": true, "notes": true}

func (h *hugo) walk(ctx context.Context) error {
	content := filepath.Join(h.root, "content")
	if err := filepath.WalkDir(content, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(content, p)
		rel = filepath.ToSlash(rel)
		ext := strings.ToLower(path.Ext(rel))
		switch ext {
		case ".md", ".markdown", ".html", ".htm":
			return h.content(rel, ext)
		}
		if dir := path.Dir(rel); isMedia(rel) && dir != "." {
			h.resources[dir] = append(h.resources[dir], p)
		}
		return nil
	}); err != nil {
		return err
	}
	static := filepath.Join(h.root, "static")
	return filepath.WalkDir(static, func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(static, p)
		h.s.copies["static/"+filepath.ToSlash(rel)] = p
		return nil
	})
}

func (h *hugo) content(rel, ext string) error {
	src := "content/" + rel
	file := filepath.Join(h.root, "content", filepath.FromSlash(rel))
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	if (ext == ".html" || ext == ".htm") && isHTMLDocument(data) {
		// A whole page of the writer's own, which Hugo published as it
		// is: it stays one, at its old URL.
		h.s.copies[path.Join("static", strings.TrimSuffix(rel, path.Ext(rel)), "index.html")] = file
		return nil
	}
	m, body, line, err := hugoFrontMatter(src, data)
	if err != nil {
		h.s.report.Warnings = append(h.s.report.Warnings, err)
		return nil
	}
	base := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	if base == "_index" {
		return nil // a section's list page: blog makes its own
	}
	section := ""
	if i := strings.IndexByte(rel, '/'); i >= 0 {
		section = rel[:i]
	}
	d := &doc{src: src, line: line, body: body, ext: ".md"}
	if ext == ".html" || ext == ".htm" {
		d.ext = ".html"
	}
	bundle := base == "index" // a leaf bundle: the directory names the post
	if bundle {
		base = path.Base(path.Dir(rel))
	}
	oldURL := m.str("url")
	if v, ok := m.take("aliases"); ok {
		d.aliases = append(d.aliases, anyList(v)...)
	}
	publish, _, _ := m.date(h.loc, "publishDate", "publishdate", "pubdate")
	expiry, _, _ := m.date(h.loc, "expiryDate", "expirydate")
	if err := fillDoc(d, &m, h.loc); err != nil {
		h.s.report.Warnings = append(h.s.report.Warnings, err)
	}
	if d.slug != "" {
		d.slug = hugoPath(d.slug)
	}
	if d.date.IsZero() && !publish.IsZero() {
		d.date = publish
	}
	if !expiry.IsZero() && expiry.Before(time.Now()) {
		d.draft = true
		h.s.warn(diag.Pos{File: src}, "expired on %s: imported as a draft", expiry.Format("2006-01-02"))
	}
	d.page = !postSections[section]
	if d.title == "" {
		d.title = base
	}
	if !d.page && d.date.IsZero() {
		if fi, err := os.Stat(filepath.Join(h.root, "content", filepath.FromSlash(rel))); err == nil {
			d.date = fi.ModTime().In(h.loc).Truncate(time.Second)
			h.s.warn(diag.Pos{File: src}, "no date: the file's time is used")
		}
	}
	d.stem = base
	if !d.page {
		// Hugo sites often name files like Jekyll's: keep one date.
		// The build slugifies the name after the date, as Jekyll's.
		d.stem = d.date.Format("2006-01-02") + "-" + strings.TrimPrefix(base, d.date.Format("2006-01-02")+"-")
	}
	if bundle {
		d.stem = path.Join(base, "index")
		d.bundle = path.Dir(rel)
	}
	d.oldURL = cmpOr(oldURL, h.defaultURL(d, section, base))
	for i, a := range d.aliases {
		d.aliases[i] = hugoAlias(d.oldURL, a)
	}
	h.docs = append(h.docs, d)
	h.s.docs = append(h.s.docs, d)
	h.refs[rel] = d
	h.refs[path.Base(rel)] = d
	h.refs["/"+rel] = d
	return nil
}

// isHTMLDocument reports whether data is a whole HTML page, not content
// with front matter.
func isHTMLDocument(data []byte) bool {
	head := strings.ToLower(strings.TrimSpace(string(data[:min(len(data), 512)])))
	return strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html")
}

// hugoPath is a slug as Hugo puts it in a URL (helpers.MakePathSanitized):
// white space made hyphens, what is not a letter, digit or one of
// %._-#+~ dropped, lower case.
func hugoPath(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.IsSpace(r):
			b.WriteByte('-')
		case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.M, r) || strings.ContainsRune("%._-#+~", r):
			b.WriteRune(r)
		}
	}
	return strings.ToLower(b.String())
}

// hugoAlias is the path Hugo wrote the alias a of the page published at
// pageURL: a relative alias (no leading slash) is relative to the
// directory the page's own directory is in, as Hugo resolves it
// (path.Join(page, "..", a)), so "old" on /posts/new/ is /posts/old.
func hugoAlias(pageURL, a string) string {
	a = strings.TrimSpace(a)
	if a == "" || strings.HasPrefix(a, "/") || strings.Contains(a, "://") {
		return a
	}
	p := path.Join(path.Dir(strings.TrimSuffix(urlPath(pageURL), "/")), a)
	if strings.HasSuffix(a, "/") && p != "/" {
		p += "/"
	}
	return p
}

func anyList(v any) []string {
	switch v := v.(type) {
	case []any:
		var out []string
		for _, x := range v {
			out = append(out, fmt.Sprint(x))
		}
		return out
	case string:
		return []string{v}
	}
	return nil
}

// defaultURL is where Hugo published a content file: its section's
// permalink pattern, else /section/slug/.
func (h *hugo) defaultURL(d *doc, section, base string) string {
	slug := cmpOr(d.slug, base)
	p, ok := h.permalinks[section]
	if !ok {
		if section == "" {
			return "/" + strings.ToLower(slug) + "/"
		}
		return "/" + section + "/" + strings.ToLower(slug) + "/"
	}
	t := d.date
	r := strings.NewReplacer(":year", t.Format("2006"), ":month", t.Format("01"), ":day", t.Format("02"),
		":monthname", strings.ToLower(t.Month().String()), ":section", section,
		":title", render.Slugify(d.title), ":slug", render.Slugify(cmpOr(d.slug, d.title)), ":filename", base,
		":contentbasename", base)
	return r.Replace(p)
}

func (h *hugo) convert() {
	e := &env{site: h.params, basePath: h.basePath, url: func(ref string) (string, bool) {
		if d, ok := h.refs[strings.TrimPrefix(ref, "/")]; ok {
			return h.basePath + cmpOr(d.url, d.oldURL), true
		}
		if d, ok := h.refs[ref]; ok {
			return h.basePath + cmpOr(d.url, d.oldURL), true
		}
		return "", false
	}}
	for _, d := range h.docs {
		params := map[string]any{}
		for _, it := range d.params {
			params[fmt.Sprint(it.Key)] = it.Value
		}
		c := newConverter(d.src, d.line, d.body, e)
		convertShortcodes(c, params)
		d.body = c.out.String()
		h.s.report.Warnings = append(h.s.report.Warnings, toErrors(c.warns)...)
		for _, f := range h.resources[d.bundle] {
			h.s.copies[path.Join(path.Dir(d.name), path.Base(f))] = f
		}
	}
	h.redirects()
}

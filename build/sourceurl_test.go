package build_test

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/internal/testenv"
)

// TestSourceURL: the URL SourceURL gives each source is the one a build
// writes, for every way a URL is made (build.permalink with each kind of
// placeholder, a Jekyll-style file name, an explicit slug and permalink,
// a same-host URL, a page) and for every format and front matter the
// build reads: Markdown and HTML with YAML, TOML and JSON front matter,
// reStructuredText with a field list or YAML. Each URL is checked
// against the build's own: the sitemap lists it and the page there is the
// source's.
func TestSourceURL(t *testing.T) {
	testenv.Docutils(t)
	t.Parallel()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, build.ConfigFile), []byte("site:\n  url: https://example.com/blog/\n  timezone: Europe/Paris\nbuild:\n  permalink: /:year/:month/:day/:title:output_ext\n"))
	sources := map[string]struct {
		data  string
		page  bool
		want  string
		title string // what the page at want shows
	}{
		"posts/2011-04-17-Hello-World.md": {data: "---\ntitle: Hi\n---\nx\n", want: "/2011/04/17/Hello-World.html", title: "Hi"},
		"posts/late.md":                   {data: "---\ntitle: Late\ndate: 2011-04-17 23:30:00\n---\nx\n", want: "/2011/04/17/late.html", title: "Late"},
		"posts/notes/slugged.md":          {data: "---\ntitle: Slugged\ndate: 2012-01-02\nslug: Exact_Slug\n---\n", want: "/2012/01/02/Exact_Slug.html", title: "Slugged"},
		"posts/perma.md":                  {data: "---\ntitle: Perma\ndate: 2012-01-02\npermalink: https://example.com/blog/old/place\n---\n", want: "/old/place/", title: "Perma"},
		"pages/about.md":                  {data: "---\ntitle: About me\n---\n", page: true, want: "/about/", title: "About me"},
		"posts/toml.md":                   {data: "+++\ntitle = \"In TOML\"\ndate = 2013-05-06T23:30:00Z\nslug = \"toml-slug\"\n+++\nx\n", want: "/2013/05/06/toml-slug.html", title: "In TOML"},
		"posts/json.md":                   {data: "{\n  \"title\": \"In JSON\",\n  \"date\": \"2013-05-08\"\n}\nx\n", want: "/2013/05/08/json.html", title: "In JSON"},
		"posts/2014-01-02-page.html":      {data: "---\ntitle: An HTML post\n---\n<p>x</p>\n", want: "/2014/01/02/page.html", title: "An HTML post"},
		"posts/tomlhtml.htm":              {data: "+++\ntitle = \"HTML in TOML\"\ndate = 2014-02-03\npermalink = \"/old/tomlhtml/\"\n+++\n<p>x</p>\n", want: "/old/tomlhtml/", title: "HTML in TOML"},
		"posts/fields.rst":                {data: "A field-list post\n=================\n\n:date: 2015-06-07 23:30:00 +0000\n:slug: Fields\n\nBody.\n", want: "/2015/06/07/Fields.html", title: "A field-list post"},
		"posts/2015-07-08-yaml-rst.rst":   {data: "---\ntitle: reST with YAML\n---\nBody.\n", want: "/2015/07/08/yaml-rst.html", title: "reST with YAML"},
		"pages/colophon.rst":              {data: ":title: Colophon\n:permalink: /colophon.html\n\nBody.\n", page: true, want: "/colophon.html", title: "Colophon"},
	}
	for rel, s := range sources {
		writeFile(t, filepath.Join(root, filepath.FromSlash(rel)), []byte(s.data))
	}
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := build.Run(t.Context(), cfg, build.Options{}); err != nil {
		t.Fatal(err)
	}
	var built []string
	for _, m := range regexp.MustCompile(`<loc>https://example\.com/blog(/[^<]*)</loc>`).FindAllStringSubmatch(string(readFile(t, filepath.Join(root, "_site", "sitemap.xml"))), -1) {
		built = append(built, m[1])
	}
	for rel, s := range sources {
		got, err := build.SourceURL(cfg, rel, []byte(s.data), s.page)
		if err != nil {
			t.Errorf("SourceURL(%s): %v", rel, err)
			continue
		}
		if got != s.want {
			t.Errorf("SourceURL(%s) = %q, want %q", rel, got, s.want)
		}
		if !slices.Contains(built, got) {
			t.Errorf("SourceURL(%s) = %q, not in the built sitemap %q", rel, got, built)
			continue
		}
		file := filepath.Join(root, "_site", filepath.FromSlash(got))
		if strings.HasSuffix(got, "/") {
			file = filepath.Join(file, "index.html")
		}
		page, err := os.ReadFile(file)
		if err != nil {
			t.Errorf("SourceURL(%s) = %q, but the build wrote no %s", rel, got, file)
		} else if !strings.Contains(string(page), s.title) {
			t.Errorf("SourceURL(%s) = %q: the page there does not show %q", rel, got, s.title)
		}
	}
	for _, bad := range []struct{ rel, data string }{
		{"posts/x.md", "---\nslug: a/b\n---\n"},
		{"posts/x.toml.md", "+++\nslug = \"a/b\"\n+++\n"},
		{"posts/x.rst", ":slug: a/b\n\nx\n"},
		{"posts/x.png", "---\ntitle: x\n---\n"},
	} {
		if _, err := build.SourceURL(cfg, bad.rel, []byte(bad.data), false); err == nil {
			t.Errorf("SourceURL(%s, %q): no error", bad.rel, bad.data)
		}
	}
}

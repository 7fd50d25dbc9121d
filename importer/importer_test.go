package importer

import (
	"bytes"
	"context"
	"encoding/xml"
	"flag"
	"html"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/internal/testenv"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of testdata/*.txtar")

// importFunc is one origin's importer.
type importFunc func(ctx context.Context, src, dst string, opts Options) (*Report, error)

// runFixture expands the old/ files of testdata/name.txtar, imports them
// with imp and compares every written file and the report with the
// want/ sections (rewritten with -update). It returns the new blog's
// directory and the report.
func runFixture(t *testing.T, name string, imp importFunc) (string, *Report) {
	t.Helper()
	file := filepath.Join("testdata", name+".txtar")
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, f := range ar.Files {
		if rest, ok := strings.CutPrefix(f.Name, "old/"); ok {
			p := filepath.Join(root, "old", filepath.FromSlash(rest))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	dst := filepath.Join(root, "new")
	src := filepath.Join(root, "old")
	if _, err := os.Stat(filepath.Join(src, "export.xml")); err == nil {
		src = filepath.Join(src, "export.xml") // WordPress imports a file
	}
	rep, err := imp(t.Context(), src, dst, Options{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	got := map[string][]byte{}
	err = filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dst, p)
		data, err := os.ReadFile(p)
		got["want/"+filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	report.WriteString(rep.String() + "\n")
	for _, w := range rep.Warnings {
		report.WriteString(w.Error() + "\n")
	}
	for _, n := range rep.Notes {
		report.WriteString("note: " + n + "\n")
	}
	got["want/report"] = report.Bytes()
	compareWant(t, file, ar, got)
	return dst, rep
}

func compareWant(t *testing.T, file string, ar *txtar.Archive, got map[string][]byte) {
	t.Helper()
	if *update {
		var files []txtar.File
		for _, f := range ar.Files {
			if !strings.HasPrefix(f.Name, "want/") {
				files = append(files, f)
			}
		}
		names := make([]string, 0, len(got))
		for n := range got {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			files = append(files, txtar.File{Name: n, Data: got[n]})
		}
		ar.Files = files
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := map[string][]byte{}
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "want/") {
			want[f.Name] = f.Data
		}
	}
	if d := cmp.Diff(want, got, cmp.Transformer("string", func(b []byte) string { return string(b) })); d != "" {
		t.Errorf("%s: imported files differ (-want +got; go test ./importer -update rewrites):\n%s", file, d)
	}
}

// buildImported builds the imported blog as blog build would (drafts
// and future posts left out) and returns its _site and configuration.
func buildImported(t *testing.T, dir string) (string, build.Config) {
	t.Helper()
	cfg, err := build.Load(dir)
	if err != nil {
		t.Fatalf("the imported blog's config: %v", err)
	}
	now := func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }
	if _, err := build.Run(t.Context(), cfg, build.Options{Now: now}); err != nil {
		t.Fatalf("building the imported blog: %v", err)
	}
	return filepath.Join(dir, "_site"), cfg
}

// expect is what a fixture's built site must show.
type expect struct {
	complete bool
	// oldURLs maps each URL of the old site to the title of the post or
	// page it must lead to: that page itself, or a redirect page to it.
	oldURLs map[string]string
	// drafts are imported files that must be drafts, absent from the site.
	drafts []string
	// kept is markup the fixture keeps as text on purpose, with a warning.
	kept []string
	// warnedLinks are links the fixture leaves broken on purpose, with a
	// warning: to a draft, to a file left on the old host.
	warnedLinks []string
}

// checkImport imports testdata/name.txtar (see runFixture), builds the
// new blog and checks it against want; then imports again into a fresh
// directory, which must give the same bytes.
func checkImport(t *testing.T, name string, imp importFunc, want expect) string {
	t.Helper()
	dir, rep := runFixture(t, name, imp)
	if rep.Complete() != want.complete {
		t.Errorf("report: Complete() = %v, want %v (warnings: %v)", rep.Complete(), want.complete, rep.Warnings)
	}
	site, cfg := buildImported(t, dir)
	for old, title := range want.oldURLs {
		final, page := follow(t, site, cfg.Site.URL, old)
		if page == "" {
			continue
		}
		if m := pageTitle.FindStringSubmatch(page); m == nil || !strings.HasPrefix(html.UnescapeString(m[1]), title) {
			t.Errorf("old URL %s leads to %s, which is not %q", old, final, title)
		}
	}
	for _, d := range want.drafts {
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(d)))
		if err != nil {
			t.Error(err)
			continue
		}
		if !bytes.Contains(data, []byte("\ndraft: true\n")) {
			t.Errorf("%s is not a draft:\n%s", d, data)
		}
		u, err := build.SourceURL(cfg, d, data, false)
		if err != nil {
			t.Errorf("build.SourceURL(%s): %v", d, err)
		} else if hasPage(site, u) {
			t.Errorf("draft %s is published at %s", d, u)
		}
	}
	checkNoLeftovers(t, site, want.kept)
	checkLinks(t, site, cfg, want.warnedLinks)
	// A second import of the same site writes the same bytes.
	again, _ := runFixture(t, name, imp)
	if d := diffTrees(t, dir, again); d != "" {
		t.Errorf("a second import differs:\n%s", d)
	}
	return site
}

func basePath(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.IndexByte(u[i+3:], '/'); j >= 0 {
			return u[i+3+j:]
		}
	}
	return "/"
}

var pageTitle = regexp.MustCompile(`<title>([^<]*)`)

var refresh = regexp.MustCompile(`<meta http-equiv="refresh" content="0; url=([^"]+)">`)

// follow reads the page at the old URL u in site, following one redirect
// page to a URL under siteURL; it returns the final URL and page ("" after
// reporting an error).
func follow(t *testing.T, site, siteURL, u string) (string, string) {
	t.Helper()
	page, ok := readPage(site, u)
	if !ok {
		t.Errorf("old URL %s: nothing there in the built site", u)
		return u, ""
	}
	m := refresh.FindStringSubmatch(page)
	if m == nil {
		return u, page
	}
	target := html.UnescapeString(m[1])
	rel, ok := strings.CutPrefix(target, siteURL)
	if !ok {
		rel, ok = strings.CutPrefix(target, basePath(siteURL))
	}
	if !ok {
		t.Errorf("old URL %s redirects to %s, outside the site (%s)", u, target, siteURL)
		return target, ""
	}
	final, ok := readPage(site, "/"+rel)
	if !ok {
		t.Errorf("old URL %s redirects to %s, which is not in the built site", u, target)
		return target, ""
	}
	if refresh.MatchString(final) {
		t.Errorf("old URL %s redirects to %s, another redirect", u, target)
	}
	return target, final
}

func readPage(site, u string) (string, bool) {
	p := filepath.Join(site, filepath.FromSlash(u))
	if strings.HasSuffix(u, "/") {
		p = filepath.Join(p, "index.html")
	}
	data, err := os.ReadFile(p)
	return string(data), err == nil
}

// hasPage reports whether site publishes urlPath.
func hasPage(site, urlPath string) bool {
	_, ok := readPage(site, urlPath)
	return ok
}

// leftoverMarkup is the markup of the old tools, which must not be in a
// built page outside code.
var leftoverMarkup = []string{"{%", "{{ site.", "{{site.", "{{<", "{{%", "$$code", "[caption", "[gallery", "[sourcecode", "[code", "[audio", "[video", "{:toc}", "{: ."}

var codeBlocks = regexp.MustCompile(`(?s)<pre\b.*?</pre>|<code\b.*?</code>`)

// checkNoLeftovers fails for old markup in any built HTML page outside
// <pre> and <code>, but for the kept constructs.
func checkNoLeftovers(t *testing.T, site string, kept []string) {
	t.Helper()
	err := filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		text := html.UnescapeString(codeBlocks.ReplaceAllString(string(data), ""))
		for _, k := range kept {
			text = strings.ReplaceAll(text, k, "")
		}
		for _, m := range leftoverMarkup {
			if i := strings.Index(text, m); i >= 0 {
				rel, _ := filepath.Rel(site, p)
				t.Errorf("%s: %q left outside code: …%s…", rel, m, text[max(0, i-40):min(len(text), i+60)])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var linkAttr = regexp.MustCompile(`\s(?:href|src)="([^"#?]+)[^"]*"`)

// checkLinks fails for a link of a built page to a path of the site that
// is not in it (the who's-online widget's endpoint is served, not built).
func checkLinks(t *testing.T, site string, cfg build.Config, warned []string) {
	t.Helper()
	base := strings.TrimSuffix(basePath(cfg.Site.URL), "/")
	filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		from, _ := filepath.Rel(site, p)
		pageURL := &url.URL{Path: base + "/" + filepath.ToSlash(from)}
		for _, m := range linkAttr.FindAllStringSubmatch(string(data), -1) {
			u := html.UnescapeString(m[1])
			u = strings.TrimPrefix(u, strings.TrimSuffix(cfg.Site.URL, "/"))
			if ref, err := url.Parse(u); err == nil && ref.Scheme == "" && ref.Host == "" && !strings.HasPrefix(u, "/") {
				u = pageURL.ResolveReference(ref).Path // a relative link, such as a bundle's image
			}
			rel, ok := strings.CutPrefix(u, base+"/")
			if !ok || !strings.HasPrefix(u, "/") || strings.HasPrefix(u, "//") || strings.HasPrefix(u, cfg.Widget.Path+"/") || slices.Contains(warned, u) {
				continue
			}
			if !hasPage(site, "/"+rel) {
				if fi, err := os.Stat(filepath.Join(site, filepath.FromSlash(rel))); err != nil || !fi.IsDir() || !hasPage(site, "/"+rel+"/") {
					t.Errorf("%s links to %s, which is not in the built site", from, u)
				}
			}
		}
		return nil
	})
}

// diffTrees compares the source files of two imported blogs.
func diffTrees(t *testing.T, a, b string) string {
	t.Helper()
	read := func(root string) map[string]string {
		m := map[string]string{}
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			if d.IsDir() && (rel == "_site" || rel == ".blog-cache") {
				return filepath.SkipDir
			}
			if !d.IsDir() {
				data, _ := os.ReadFile(p)
				m[filepath.ToSlash(rel)] = string(data)
			}
			return nil
		})
		return m
	}
	return cmp.Diff(read(a), read(b))
}

func TestJekyll(t *testing.T) {
	t.Parallel()
	site := checkImport(t, "jekyll", Jekyll, expect{
		oldURLs: map[string]string{
			"/2010/07/21/hello.html":        "Hello, world",
			"/notes/2011/01/02/second.html": "Second",
			"/about/":                       "About",
			"/contact.html":                 "Contact",
			"/2012/03/05/late-night.html":   "Late at night",
			"/2012/04/01/eastern.html":      "Eastern",
		},
		drafts:      []string{"posts/2012-03-04-unfinished.md"},
		kept:        []string{"{% if site.x %}", "{% endif %}", "{: .note"},
		warnedLinks: []string{"/other-project/shot.png"},
	})
	page, _ := readPage(site, "/2012/05/06/kramdown.html")
	if !strings.Contains(page, `<div class="note">raw HTML</div>`) || strings.Contains(page, "for me only") || strings.Contains(page, "options") {
		t.Errorf("kramdown extensions: the page shows\n%s", page)
	}
	if !hasPage(site, "/images/cat.png") {
		t.Error("/images/cat.png is not in the built site")
	}
}

func TestHugo(t *testing.T) {
	t.Parallel()
	site := checkImport(t, "hugo", Hugo, expect{
		oldURLs: map[string]string{
			"/posts/first-post/":       "First post",
			"/posts/spaced-out-slug/":  "A spaced slug",
			"/posts/old-first/":        "First post",
			"/legacy/first.html":       "First post",
			"/absolute/first/":         "First post",
			"/custom/place/":           "Moved",
			"/posts/2019-02-03-dated/": "Dated file name",
			"/posts/bundle/":           "Bundled",
			"/about/":                  "About",
			"/standalone/":             "Standalone",
		},
		drafts:      []string{"posts/2020-06-02-second.md", "posts/2019-01-01-gone.md"},
		kept:        []string{"{{< notice warning >}}", "{{< /notice >}}"},
		warnedLinks: []string{"/2020/06/the-second/", "/posts/2019-02-03-dated/images/gone.png"},
	})
	// The page bundle stays a bundle: its page and its image side by
	// side, the image's relative link resolving in the built site.
	cfg, err := build.Load(filepath.Dir(site))
	if err != nil {
		t.Fatal(err)
	}
	final, page := follow(t, site, cfg.Site.URL, "/posts/bundle/")
	m := regexp.MustCompile(`<img [^>]*src="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("the bundle's page %s has no image", final)
	}
	base, _ := url.Parse(final)
	img := base.ResolveReference(&url.URL{Path: html.UnescapeString(m[1])})
	if data, ok := readPage(site, strings.TrimPrefix(img.Path, strings.TrimSuffix(basePath(cfg.Site.URL), "/"))); !ok || data != "PNG\n" {
		t.Errorf("the bundle's image %s (from %s on %s) is not the imported photo.png", img.Path, m[1], final)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(site), "posts", "bundle", "index.md")); err != nil {
		t.Errorf("the bundle is not imported as a bundle: %v", err)
	}
}

func TestBlogofile(t *testing.T) {
	testenv.Docutils(t) // the reST posts are built
	t.Parallel()
	checkImport(t, "blogofile", Blogofile, expect{
		oldURLs: map[string]string{
			"/2011/04/17/first-post/":     "First Post",
			"/2011/05/01/second-in-rest/": "Second, in reST",
			"/2011/05/02/rest-notes/":     "C++ & Go, notes",
			"/2011/06/01/it-s-here/":      "It's here",
		},
		drafts: []string{"posts/2012-01-02-html-post.md"},
	})
}

func TestWordPress(t *testing.T) {
	t.Parallel()
	site := checkImport(t, "wordpress", WordPress, expect{
		oldURLs: map[string]string{
			"/2011/04/17/hello-world/": "Hello world!",
			"/about/":                  "About",
		},
		drafts:      []string{"posts/2011-05-01-half-done.md"},
		warnedLinks: []string{"/wp-content/uploads/2011/04/cat.jpg"},
	})
	// The comments' thread is the post's, as the theme names it: its URL.
	var wxr struct {
		Items []struct {
			ID       string   `xml:"http://www.disqus.com/ thread_identifier"`
			Comments []string `xml:"http://wordpress.org/export/1.0/ comment>comment_id"`
		} `xml:"channel>item"`
	}
	data, err := os.ReadFile(filepath.Join(site, "..", "comments.wxr"))
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, &wxr); err != nil {
		t.Fatalf("comments.wxr: %v", err)
	}
	if len(wxr.Items) != 1 || !hasPage(site, wxr.Items[0].ID) || !slices.Equal(wxr.Items[0].Comments, []string{"1"}) {
		t.Errorf("comments.wxr: threads %+v, want one, at a post's URL, with comment 1 only (not the spam, not the pingback)", wxr.Items)
	}
	page, _ := readPage(site, "/2011/04/17/hello-world/")
	for _, want := range []string{"<figure><img", "<figcaption>A cat</figcaption>", `<ul class="gallery">`} {
		if !strings.Contains(page, want) {
			t.Errorf("the imported post's page has no %s", want)
		}
	}
}

// TestHugoAlias: a Hugo alias without a leading slash is relative to
// the directory above the page's own, as Hugo writes it.
func TestHugoAlias(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ page, alias, want string }{
		{"/posts/new/", "old", "/posts/old"},
		{"/posts/new/", "old/", "/posts/old/"},
		{"/posts/new/", "old.html", "/posts/old.html"},
		{"/posts/new/", "../top/", "/top/"},
		{"/posts/new/", "./sibling/", "/posts/sibling/"},
		{"/posts/new.html", "old", "/posts/old"},
		{"/about/", "me/", "/me/"},
		{"/2020/05/slug/", "2019/slug/", "/2020/05/2019/slug/"},
		{"https://example.com/posts/new/", "old/", "/posts/old/"},
		{"/posts/new/", "/abs/", "/abs/"},
		{"/posts/new/", "https://example.com/x/", "https://example.com/x/"},
		{"/posts/new/", "../../../x/", "/x/"},
	} {
		if got := hugoAlias(c.page, c.alias); got != c.want {
			t.Errorf("hugoAlias(%q, %q) = %q, want %q", c.page, c.alias, got, c.want)
		}
	}
}

// TestBlogofileAutoPermalink: blog.auto_permalink.path names the blog's
// path as :blog_path or writes it out; either way the new site's root is
// that path, so build.permalink starts after it.
func TestBlogofileAutoPermalink(t *testing.T) {
	t.Parallel()
	for pattern, want := range map[string]string{
		":blog_path/:year/:month/:day/:title": "/:year/:month/:day/:slug/",
		"/blog/:year/:month/:title":           "/:year/:month/:slug/",
		"/elsewhere/:year/:title":             "",
	} {
		b := &blogofile{s: newSite(), root: t.TempDir()}
		if err := os.MkdirAll(filepath.Join(b.root, "_posts"), 0o755); err != nil {
			t.Fatal(err)
		}
		cfg := "site.url = \"http://example.com\"\nblog.path = \"/blog\"\nblog.auto_permalink.path = \"" + pattern + "\"\n"
		if err := os.WriteFile(filepath.Join(b.root, "_config.py"), []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := b.config(); err != nil {
			t.Fatal(err)
		}
		if got := b.s.cfg.Permalink; got != want {
			t.Errorf("auto_permalink.path %q: build.permalink %q, want %q", pattern, got, want)
		}
	}
}

// TestBlogofilePlaceholders: each placeholder of blog.auto_permalink.path
// expands as the site's Blogofile expanded it (0.8's create_slug and
// create_guid; 0.7's own slugs and SHA-1), and the imported, built site
// answers at that old URL with the post or a redirect to it.
func TestBlogofilePlaceholders(t *testing.T) {
	t.Parallel()
	const title = "It's C++: a test, é"
	post := "---\ntitle: \"" + title + "\"\ndate: 2011/04/17 10:15:00\n---\nBody.\n"
	guidPost := "---\ntitle: Guided\nguid: post_12~x\ndate: 2011/04/18 10:15:00\n---\nBody.\n"
	for _, c := range []struct {
		name, pattern string
		v07           bool
		file, data    string
		want          string // the old URL, under blog.path
	}{
		{"title", ":blog_path/:year/:month/:day/:title", false, "001 - first.markdown", post, "/2011/04/17/it-s-c++:-a-test-e/"},
		{"filename", ":blog_path/:year/:filename", false, "001 - first.markdown", post, "/2011/001-first-markdown/"},
		{"uuid", ":blog_path/:uuid", false, "001 - first.markdown", post, "/MKWhqxOEiTrRkIgq8ih6-5169Zk=/"},
		{"uuid-guid", ":blog_path/p/:uuid", false, "002 - guided.markdown", guidPost, "/p/post_12~x/"},
		{"time", "/blog/:year/:month/:day/:hour:minute/:title.html", false, "001 - first.markdown", post, "/2011/04/17/1015/it-s-c++:-a-test-e.html"},
		{"title-0.7", ":blog_path/:year/:month/:day/:title", true, "001 - first.markdown", post, "/2011/04/17/it's-c++:-a-test,-é/"},
		{"filename-0.7", ":blog_path/:filename", true, "001 - first.markdown", post, "/001---first.markdown/"},
		{"uuid-0.7", ":blog_path/:uuid", true, "001 - first.markdown", post, "/6bb6ffdf6076f8c8ca8895856f7dcc6cc6fa3f88/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			root := t.TempDir()
			old := filepath.Join(root, "old")
			cfg := "site.url = \"http://www.example.com\"\nblog = plugins.blog\nblog.path = \"/blog\"\nblog.timezone = \"US/Eastern\"\nblog.auto_permalink.enabled = True\nblog.auto_permalink.path = \"" + c.pattern + "\"\n"
			files := map[string]string{"_config.py": cfg, "_posts/" + c.file: c.data}
			if c.v07 {
				files["_controllers/blog/post.py"] = "# Blogofile 0.7's blog controller\n"
			}
			for name, data := range files {
				p := filepath.Join(old, filepath.FromSlash(name))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			dst := filepath.Join(root, "new")
			if _, err := Blogofile(t.Context(), old, dst, Options{}); err != nil {
				t.Fatal(err)
			}
			site, bcfg := buildImported(t, dst)
			final, page := follow(t, site, bcfg.Site.URL, c.want)
			if page == "" {
				posts, _ := filepath.Glob(filepath.Join(dst, "posts", "*"))
				for _, p := range posts {
					data, _ := os.ReadFile(p)
					t.Logf("%s:\n%s", p, data)
				}
				return
			}
			want := title
			if c.data == guidPost {
				want = "Guided"
			}
			if m := pageTitle.FindStringSubmatch(page); m == nil || !strings.HasPrefix(html.UnescapeString(m[1]), want) {
				t.Errorf("old URL %s leads to %s, not the post", c.want, final)
			}
		})
	}
}

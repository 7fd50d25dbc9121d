package build_test

import (
	"encoding/xml"
	"errors"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/build"
)

// site writes files into a new temporary site root and returns it.
func site(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		writeFile(t, filepath.Join(dir, name), []byte(data))
	}
	return dir
}

func buildSite(t testing.TB, root string) error {
	t.Helper()
	cfg, err := build.Load(root)
	if err != nil {
		return err
	}
	_, err = build.Run(t.Context(), cfg, build.Options{Now: func() time.Time { return testNow }})
	return err
}

const okConfig = "site: {title: T, url: https://example.com/}\n"

// TestBuildErrors asserts the full message of each kind of bad input.
func TestBuildErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{
			name:  "broken front matter yaml",
			files: map[string]string{"posts/a.md": "---\ntitle: [x\ndate: 2026-01-01\n---\n"},
			want:  "posts/a.md:3:1: ',' or ']' must be specified",
		},
		{
			name:  "bad date",
			files: map[string]string{"posts/a.md": "---\ntitle: A\ndate: 2026-02-30\n---\n"},
			want:  `posts/a.md:3:7: date: invalid date "2026-02-30": want RFC 3339, 2006-01-02, 2006-01-02 15:04[:05] [-0700] or 2006/01/02 15:04:05`,
		},
		{
			name:  "wrong type",
			files: map[string]string{"posts/a.md": "---\ntitle: A\ndate: 2026-01-01\ndraft: [yes]\n---\n"},
			want:  "posts/a.md:4:8: draft: want true or false, not a list",
		},
		{
			name:  "no date",
			files: map[string]string{"posts/a.md": "---\ntitle: A\n---\n"},
			want:  "posts/a.md:1:1: post has no date: add date: to its front matter or name the file YYYY-MM-DD-slug.md",
		},
		{
			name:  "unknown config key with suggestion",
			files: map[string]string{"_config.yaml": "site:\n  title: T\n  titel: U\nbuild:\n  paginat: 3\n"},
			want:  "_config.yaml:3:3: unknown key \"site.titel\" (did you mean \"site.title\"?)\n_config.yaml:5:3: unknown key \"build.paginat\" (did you mean \"build.paginate\"?)",
		},
		{
			name:  "bad config values",
			files: map[string]string{"_config.yaml": "site:\n  url: example.com\n  timezone: Mars/Olympus\nhighlight:\n  style: monokia\n"},
			want:  "_config.yaml:2:8: site.url: want an absolute URL such as https://example.com/, not \"example.com\"\n_config.yaml:3:13: site.timezone: unknown time zone \"Mars/Olympus\": want an IANA name such as Europe/Paris or UTC\n_config.yaml:5:10: highlight.style: unknown style \"monokia\" (did you mean \"monokai\"?)",
		},
		{
			name:  "config type error",
			files: map[string]string{"_config.yaml": "build:\n  paginate: ten\n"},
			want:  `_config.yaml:2:13: build.paginate: want a whole number, not "ten"`,
		},
		{
			name:  "output is the site",
			files: map[string]string{"_config.yaml": "site: {title: T, url: https://example.com/}\nbuild:\n  output: .\n"},
			want:  `_config.yaml:3:11: build.output: "." would hold the site itself, and every build replaces the output directory: use a directory of its own, such as _site`,
		},
		{
			name:  "output inside the posts",
			files: map[string]string{"_config.yaml": "site: {title: T, url: https://example.com/}\nbuild:\n  output: posts/html\n"},
			want:  `_config.yaml:3:11: build.output: "posts/html" overlaps build.posts (posts), and every build replaces the output directory: use a directory of its own, such as _site`,
		},
		{
			name: "duplicate URL",
			files: map[string]string{
				"posts/a.md": "---\ntitle: A\ndate: 2026-01-01\nslug: same\n---\n",
				"posts/b.md": "---\ntitle: B\ndate: 2026-01-02\nslug: same\n---\n",
			},
			want: "posts/b.md:4:7: URL /2026/01/same/ is also written by posts/a.md:4:7: give one of them another slug or permalink",
		},
		{
			name: "template parse error",
			files: map[string]string{
				"templates/post.html": "{{define \"main\"}}\n{{.Post.Title}\n{{end}}{{template \"base\" .}}",
				"posts/a.md":          "---\ntitle: A\ndate: 2026-01-01\n---\n",
			},
			want: "templates/post.html:2: bad character U+007D '}'",
		},
		{
			name: "template execution error",
			files: map[string]string{
				"templates/post.html": "{{define \"main\"}}\n\n{{.Post.Nope}}{{end}}{{template \"base\" .}}",
				"posts/a.md":          "---\ntitle: A\ndate: 2026-01-01\n---\n",
			},
			want: "render posts/a.md: templates/post.html:3:7: <.Post.Nope>: can't evaluate field Nope in type *render.Post",
		},
		{
			name: "errors sorted, all reported",
			files: map[string]string{
				"posts/b.md": "---\ndate: nope\n---\n",
				"posts/a.md": "---\ndate: [\n---\n",
			},
			want: "posts/a.md:2:7: sequence end token ']' not found\nposts/b.md:2:7: date: invalid date \"nope\": want RFC 3339, 2006-01-02, 2006-01-02 15:04[:05] [-0700] or 2006/01/02 15:04:05",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if _, ok := tc.files["_config.yaml"]; !ok {
				tc.files["_config.yaml"] = okConfig
			}
			root := site(t, tc.files)
			err := buildSite(t, root)
			if err == nil {
				t.Fatalf("build succeeded, want error:\n%s", tc.want)
			}
			if d := cmp.Diff(tc.want, err.Error()); d != "" {
				t.Errorf("error mismatch (-want +got):\n%s", d)
			}
			if _, err := os.Stat(filepath.Join(root, "_site")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("a failed build wrote _site (stat: %v)", err)
			}
			if left, _ := filepath.Glob(filepath.Join(root, ".site-*")); len(left) > 0 {
				t.Errorf("a failed build left temporary directories: %v", left)
			}
		})
	}
}

// TestFailedBuildKeepsSite checks that a failing build leaves an existing
// output byte for byte as it was.
func TestFailedBuildKeepsSite(t *testing.T) {
	t.Parallel()
	root := site(t, map[string]string{
		"_config.yaml": okConfig,
		"posts/a.md":   "---\ntitle: A\ndate: 2026-01-01\n---\nHello.\n",
	})
	if err := buildSite(t, root); err != nil {
		t.Fatal(err)
	}
	before := snapshot(t, filepath.Join(root, "_site"))
	writeFile(t, filepath.Join(root, "posts/b.md"), []byte("---\ndate: broken\n---\n"))
	writeFile(t, filepath.Join(root, "posts/a.md"), []byte("---\ntitle: A changed\ndate: 2026-01-01\n---\nChanged.\n"))
	if err := buildSite(t, root); err == nil {
		t.Fatal("build with a broken post succeeded")
	}
	if d := cmp.Diff(before, snapshot(t, filepath.Join(root, "_site"))); d != "" {
		t.Errorf("failed build changed _site (-before +after):\n%s", d)
	}
}

// sampleRoot is the repository root: the sample blog.
const sampleRoot = ".."

// buildSample builds the sample blog into a temporary output directory.
func buildSample(t testing.TB) string {
	t.Helper()
	cfg, err := build.Load(sampleRoot)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Build.Output = filepath.Join(t.TempDir(), "_site")
	opts := build.Options{Now: func() time.Time { return testNow }, NoCache: true}
	if _, err := build.Run(t.Context(), cfg, opts); err != nil {
		t.Fatal(err)
	}
	return cfg.Build.Output
}

// TestDeterministic builds the sample blog twice: the bytes must match.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, b := snapshot(t, buildSample(t)), snapshot(t, buildSample(t))
	if d := cmp.Diff(a, b); d != "" {
		t.Errorf("two builds differ (-first +second):\n%s", d)
	}
}

var refRE = regexp.MustCompile(`(?:href|src)="([^"]*)"`)

// TestSampleLinks checks that every internal link and asset reference in
// the built sample site resolves to a file in the output.
func TestSampleLinks(t *testing.T) {
	t.Parallel()
	out := buildSample(t)
	files := listFiles(t, out)
	if len(files) < 30 {
		t.Fatalf("sample site has only %d files", len(files))
	}
	cfg, err := build.Load(sampleRoot)
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if !strings.HasSuffix(f, ".html") {
			continue
		}
		page := "/" + f
		for _, m := range refRE.FindAllStringSubmatch(string(readFile(t, filepath.Join(out, f))), -1) {
			ref := strings.ReplaceAll(m[1], "&amp;", "&")
			u, err := url.Parse(ref)
			if err != nil {
				t.Errorf("%s: bad URL %q", f, ref)
				continue
			}
			abs := strings.TrimSuffix(cfg.Site.URL, "/")
			if u.IsAbs() && !strings.HasPrefix(ref, abs) || u.Scheme == "mailto" || ref == "" || strings.HasPrefix(ref, "#") {
				continue
			}
			p := strings.TrimPrefix(u.Path, strings.TrimPrefix(abs, "http://localhost:4000"))
			if u.IsAbs() {
				p = strings.TrimPrefix(ref, abs)
				p, _, _ = strings.Cut(p, "#")
			}
			if strings.HasPrefix(p, cfg.Widget.Path+"/") {
				continue // served by the widget endpoint, not a file
			}
			if !strings.HasPrefix(p, "/") {
				p = path.Join(path.Dir(page), p)
			}
			target := strings.TrimPrefix(p, "/")
			if target == "" || strings.HasSuffix(target, "/") {
				target += "index.html"
			}
			checked++
			if !slices.Contains(files, target) {
				t.Errorf("%s links to %s: no such file %s in the output", f, ref, target)
			}
		}
	}
	if checked < 100 {
		t.Errorf("checked only %d links", checked)
	}
}

// TestSampleFeeds parses the sample's feeds and sitemap as XML and checks
// their entries are the published posts with absolute URLs.
func TestSampleFeeds(t *testing.T) {
	t.Parallel()
	out := buildSample(t)
	var atom struct {
		Entries []struct {
			Title string `xml:"title"`
			ID    string `xml:"id"`
		} `xml:"entry"`
	}
	var rss struct {
		Items []struct {
			Title string `xml:"title"`
			Link  string `xml:"link"`
		} `xml:"channel>item"`
	}
	var sitemap struct {
		URLs []struct {
			Loc string `xml:"loc"`
		} `xml:"url"`
	}
	for name, v := range map[string]any{"atom.xml": &atom, "rss.xml": &rss, "sitemap.xml": &sitemap} {
		if err := xml.Unmarshal(readFile(t, filepath.Join(out, name)), v); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if len(atom.Entries) < 5 || len(atom.Entries) != len(rss.Items) {
		t.Fatalf("atom has %d entries, rss %d items; want the same, at least 5", len(atom.Entries), len(rss.Items))
	}
	var locs []string
	for _, u := range sitemap.URLs {
		locs = append(locs, u.Loc)
	}
	for i, e := range atom.Entries {
		if !strings.HasPrefix(e.ID, "http://localhost:4000/") || e.ID != rss.Items[i].Link {
			t.Errorf("entry %d: atom id %q, rss link %q: want the same absolute URL", i, e.ID, rss.Items[i].Link)
		}
		if !slices.Contains(locs, e.ID) {
			t.Errorf("sitemap lacks %s", e.ID)
		}
		if strings.Contains(e.Title, "Draft") || strings.Contains(strings.ToLower(e.Title), "scheduled") {
			t.Errorf("feed has the draft or future post %q", e.Title)
		}
	}
}

// TestProgress: a build reports its outputs done, never fewer than it
// reported before, up to the total it ends at (which counts the outputs
// made once the bodies rendered: the search index's), in a full build
// and in an incremental one that renders some and takes the rest from
// the cache.
func TestProgress(t *testing.T) {
	t.Parallel()
	root := site(t, map[string]string{
		"_config.yaml": okConfig,
		"posts/a.md":   "---\ntitle: A\ndate: 2026-01-01\ntags: [go]\n---\nAlpha.\n",
		"posts/b.md":   "---\ntitle: B\ndate: 2026-01-02\n---\nBeta.\n",
	})
	setPast(t, root)
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string) {
		t.Helper()
		var calls [][2]int
		res := runBuild(t, cfg, build.Options{Progress: func(done, total int) { calls = append(calls, [2]int{done, total}) }})
		if len(calls) == 0 {
			t.Fatalf("%s: no progress reported", name)
		}
		for i, c := range calls {
			if c[0] < 1 || c[0] > c[1] || i > 0 && c[0] < calls[i-1][0] {
				t.Fatalf("%s: progress %v after %v (calls %v)", name, c, calls[max(0, i-1)], calls)
			}
		}
		if last := calls[len(calls)-1]; last[0] != last[1] || last[1] != res.Files {
			t.Errorf("%s: last progress %v, want %d of %d (the build's files)", name, last, res.Files, res.Files)
		}
	}
	check("full build")
	writeFile(t, filepath.Join(root, "posts", "b.md"), []byte("---\ntitle: B\ndate: 2026-01-02\n---\nBeta, edited.\n"))
	check("incremental build")
}

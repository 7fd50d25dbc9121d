package build_test

import (
	"github.com/blog-gen/blog/build"
	"os"
	"path/filepath"
	"testing"
)

// TestSourceURL: the URL SourceURL gives each source is the one a build
// writes, for every way a URL is made: build.permalink with each kind of
// placeholder, a Jekyll-style file name, an explicit slug and permalink,
// a same-host URL, a page.
func TestSourceURL(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	writeFile(t, filepath.Join(root, build.ConfigFile), []byte("site:\n  url: https://example.com/blog/\n  timezone: Europe/Paris\nbuild:\n  permalink: /:year/:month/:day/:title:output_ext\n"))
	sources := map[string]struct {
		data string
		page bool
		want string
	}{
		"posts/2011-04-17-Hello-World.md": {data: "---\ntitle: Hi\n---\nx\n", want: "/2011/04/17/Hello-World.html"},
		"posts/late.md":                   {data: "---\ntitle: Late\ndate: 2011-04-17 23:30:00\n---\nx\n", want: "/2011/04/17/late.html"},
		"posts/notes/slugged.md":          {data: "---\ntitle: S\ndate: 2012-01-02\nslug: Exact_Slug\n---\n", want: "/2012/01/02/Exact_Slug.html"},
		"posts/perma.md":                  {data: "---\ntitle: P\ndate: 2012-01-02\npermalink: https://example.com/blog/old/place\n---\n", want: "/old/place/"},
		"pages/about.md":                  {data: "---\ntitle: About me\n---\n", page: true, want: "/about/"},
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
	for rel, s := range sources {
		got, err := build.SourceURL(cfg, rel, []byte(s.data), s.page)
		if err != nil {
			t.Errorf("SourceURL(%s): %v", rel, err)
			continue
		}
		if got != s.want {
			t.Errorf("SourceURL(%s) = %q, want %q", rel, got, s.want)
		}
		file := filepath.Join(root, "_site", filepath.FromSlash(got))
		if got[len(got)-1] == '/' {
			file = filepath.Join(file, "index.html")
		}
		if _, err := os.Stat(file); err != nil {
			t.Errorf("SourceURL(%s) = %q, but the build wrote no %s", rel, got, file)
		}
	}
	if _, err := build.SourceURL(cfg, "posts/x.md", []byte("---\nslug: a/b\n---\n"), false); err == nil {
		t.Error("SourceURL of a slug with a slash: no error")
	}
}

package build

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/unicode/norm"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
)

func TestExpandPermalink(t *testing.T) {
	t.Parallel()
	v := &permalinkVars{
		date: time.Date(2011, 4, 7, 9, 5, 3, 0, time.UTC), slug: "my-post", title: "My-Post",
		filename: "My Post", section: "notes", categories: []string{"Go Lang", "web", "go lang"},
	}
	tests := []struct{ pattern, want string }{
		{"/:year/:month/:slug/", "/2011/04/my-post/"},
		{"/:year/:i_month/:i_day/:slug.html", "/2011/4/7/my-post.html"},
		{"/:year_:month_:day/:title:output_ext", "/2011_04_07/My-Post.html"},
		{"/:hour::minute::second/:slug", "/09:05:03/my-post"},
		{"/:section/:categories/:filename/", "/notes/go-lang/web/My Post/"},
		{"/a:/b/:slug", "/a:/b/my-post"},
	}
	for _, tc := range tests {
		if got := expandPermalink(tc.pattern, v); got != tc.want {
			t.Errorf("expandPermalink(%q) = %q, want %q", tc.pattern, got, tc.want)
		}
	}
}

func TestCheckPermalinkColumns(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, src, want string }{
		{"plain", "build:\n  permalink: /:year/:nope/:slug/\n",
			"_config.yaml:2:21: build.permalink: unknown placeholder :nope: want one of " + placeholderList()},
		{"double quoted", "build: {permalink: \"/:year/:nope/:slug/\"}\n",
			"_config.yaml:1:28: build.permalink: unknown placeholder :nope: want one of " + placeholderList()},
		{"single quoted, after non-ASCII", "build:\n  permalink: '/é/:nope/:slug/'\n",
			"_config.yaml:2:18: build.permalink: unknown placeholder :nope: want one of " + placeholderList()},
		{"longest name", "build:\n  permalink: /:i_monthly/:slug/\n",
			"_config.yaml:2:15: build.permalink: unknown placeholder :i_monthly: want one of " + placeholderList()},
		{":title makes URLs unique", "build:\n  permalink: /:year/:title/\n", ""},
		{":filename makes URLs unique", "build:\n  permalink: /:filename.html\n", ""},
		{"default", "site: {title: T}\n", ""},
	}
	for _, tc := range tests {
		cfg := DefaultConfig()
		err := Parse([]byte(tc.src), &cfg)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("%s: Parse(%q) error:\n got %s\nwant %s", tc.name, tc.src, got, tc.want)
		}
	}
}

func TestJekyllTitle(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"My First Post", "My-First-Post"},
		{"what's new (2011)", "what's-new-(2011)"},
		{"--a  b--", "a-b"},
		{"C# & .NET", "C-&-.NET"},
		{"Ünïcödé", "Ünïcödé"},
	} {
		if got := jekyllTitle(tc.in); norm.NFC.String(got) != norm.NFC.String(tc.want) {
			t.Errorf("jekyllTitle(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// TestStateKeepsURLs: the front matter's url, aliases and their positions
// survive the cache, so an incremental build writes the same aliases and
// reports the same positions as a full one.
func TestStateKeepsURLs(t *testing.T) {
	t.Parallel()
	fm := render.FrontMatter{
		Title: "A", URL: "/u/", Permalink: "/u/", Aliases: []string{"/old/", "/older.html"},
		Pos: map[string]diag.Pos{"url": {File: "posts/a.md", Line: 2, Col: 6}, "aliases.1": {File: "posts/a.md", Line: 5, Col: 5}},
	}
	st := &state{Format: cacheFormat, Sources: map[string]*sourceState{"posts/a.md": {FM: fm}}, Outputs: map[string]outputState{}}
	got, err := decodeEncoded(st, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(fm, got.Sources["posts/a.md"].FM, cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })); d != "" {
		t.Errorf("front matter after the cache (-want +got):\n%s", d)
	}
}

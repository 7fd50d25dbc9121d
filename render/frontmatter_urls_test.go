package render

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/diag"
)

func TestFrontMatterURLs(t *testing.T) {
	t.Parallel()
	src := `url: /blog/old/
aliases:
  - /2011/04/17/first/
  - "http://example.com/2011/04/17/second"
redirect_from: /third.html
permalink: /p/
`
	got, err := ParseFrontMatter("posts/a.md", []byte(src), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	at := func(line, col int) diag.Pos { return diag.Pos{File: "posts/a.md", Line: line, Col: col} }
	want := FrontMatter{
		URL:       "/blog/old/",
		Permalink: "/p/",
		Aliases:   []string{"/2011/04/17/first/", "http://example.com/2011/04/17/second", "/third.html"},
		Pos: map[string]diag.Pos{
			"url": at(2, 6), "permalink": at(7, 12),
			"aliases.0": at(4, 5), "aliases.1": at(5, 5), "aliases.2": at(6, 16),
		},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("ParseFrontMatter mismatch (-want +got):\n%s", d)
	}
}

func TestFrontMatterRedirectAliases(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, src, want string }{
		{"alias is a map", "aliases:\n  - {a: b}\n", "posts/a.md:3:5: aliases: want a list of paths such as /2011/04/old-post/: want a single value, not a mapping"},
		{"redirect_from is a map", "redirect_from: {a: b}\n", "posts/a.md:2:16: redirect_from: want a list of paths such as /2011/04/old-post/: want a single value, not a mapping"},
	} {
		_, err := ParseFrontMatter("posts/a.md", []byte(tc.src), time.UTC)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: ParseFrontMatter error = %v, want %s", tc.name, err, tc.want)
		}
	}
}

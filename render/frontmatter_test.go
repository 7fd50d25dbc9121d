package render

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blog-gen/blog/diag"
)

func TestParseDate(t *testing.T) {
	t.Parallel()
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		in   string
		want time.Time
	}{
		{"2026-03-15T09:30:00Z", time.Date(2026, 3, 15, 9, 30, 0, 0, time.UTC)},
		{"2026-03-15T09:30:00+02:00", time.Date(2026, 3, 15, 7, 30, 0, 0, time.UTC)},
		{"2026-03-15", time.Date(2026, 3, 15, 0, 0, 0, 0, paris)},
		{"2026-03-15 09:30", time.Date(2026, 3, 15, 9, 30, 0, 0, paris)},
		{"2026-03-15 09:30:05", time.Date(2026, 3, 15, 9, 30, 5, 0, paris)},
		{"2026-03-15 09:30 -0700", time.Date(2026, 3, 15, 16, 30, 0, 0, time.UTC)},
		{"2026-03-15 09:30:05 +0100", time.Date(2026, 3, 15, 8, 30, 5, 0, time.UTC)},
		{"2026/03/15 09:30:05", time.Date(2026, 3, 15, 9, 30, 5, 0, paris)},
	}
	for _, tc := range tests {
		got, err := ParseDate(tc.in, paris)
		if err != nil {
			t.Errorf("ParseDate(%q) error: %v", tc.in, err)
			continue
		}
		if !got.Equal(tc.want) {
			t.Errorf("ParseDate(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{"", "yesterday", "2026-13-01", "15/03/2026"} {
		if _, err := ParseDate(bad, paris); err == nil {
			t.Errorf("ParseDate(%q) succeeded, want an error", bad)
		}
	}
}

func TestParseFrontMatter(t *testing.T) {
	t.Parallel()
	src := `title: "Hello: world"
date: 2026/04/22 08:00:00
updated: 2026-05-01
slug: hello
tags: go, yaml ,  web
categories: [Notes, "Deep dives"]
draft: true
summary: A *short* one.
author: Ann
layout: wide
weight: 3
`
	got, err := ParseFrontMatter("posts/a.md", []byte(src), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	want := FrontMatter{
		Title:      "Hello: world",
		Date:       time.Date(2026, 4, 22, 8, 0, 0, 0, time.UTC),
		Updated:    time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC),
		Slug:       "hello",
		Tags:       []string{"go", "yaml", "web"},
		Categories: []string{"Notes", "Deep dives"},
		Draft:      true,
		Summary:    "A *short* one.",
		Author:     "Ann",
		Params:     map[string]any{"layout": "wide", "weight": uint64(3)},
		DatePos:    diag.Pos{File: "posts/a.md", Line: 3, Col: 7},
		Pos:        map[string]diag.Pos{"slug": {File: "posts/a.md", Line: 5, Col: 7}},
	}
	if d := cmp.Diff(want, got, cmpopts.EquateComparable(time.Time{})); d != "" {
		t.Errorf("ParseFrontMatter mismatch (-want +got):\n%s", d)
	}
}

// TestFrontMatterErrors asserts the full message of each kind of bad
// front matter: positions are in the file, counting the opening --- line.
func TestFrontMatterErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, want string
	}{
		{"bad date", "---\ntitle: x\ndate: yesterday\n---\n",
			`posts/a.md:3:7: date: invalid date "yesterday": want RFC 3339, 2006-01-02, 2006-01-02 15:04[:05] [-0700] or 2006/01/02 15:04:05`},
		{"draft not bool", "---\ndraft: maybe\n---\n",
			`posts/a.md:2:8: draft: want true or false, not a string`},
		{"title is a list", "---\ntitle: [a, b]\n---\n",
			`posts/a.md:2:8: title: want a single value, not a list`},
		{"tags is a map", "---\ntags: {a: 1}\n---\n",
			`posts/a.md:2:7: tags: want a list or a comma-separated string, not a mapping`},
		{"not a mapping", "---\n- a\n- b\n---\n",
			`posts/a.md:2:1: front matter must be a mapping of keys to values, not a list`},
		{"unclosed", "---\ntitle: x\n",
			`posts/a.md:1:1: front matter is not closed: want a --- line after it`},
		{"broken yaml", "---\ntitle: \"x\ndate: 2026-01-01\n---\n",
			`posts/a.md:2:8: could not find end character of double-quoted text`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fm, _, _, err := SplitFrontMatter("posts/a.md", []byte(tc.file))
			if err == nil {
				_, err = ParseFrontMatter("posts/a.md", fm, time.UTC)
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestSplitFrontMatter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, fm, body string
		bodyLine           int
	}{
		{"none", "# Hi\n", "", "# Hi\n", 1},
		{"simple", "---\ntitle: a\n---\nbody\n", "title: a\n", "body\n", 4},
		{"crlf", "---\r\ntitle: a\r\n---\r\nbody\r\n", "title: a\r\n", "body\r\n", 4},
		{"empty", "---\n---\nbody", "", "body", 3},
		{"no body", "---\ntitle: a\n---", "title: a\n", "", 4},
		{"dashes later are body", "intro\n---\n", "", "intro\n---\n", 1},
	}
	for _, tc := range tests {
		fm, body, line, err := SplitFrontMatter("a.md", []byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if string(fm) != tc.fm || string(body) != tc.body || line != tc.bodyLine {
			t.Errorf("%s: SplitFrontMatter(%q) = %q, %q, %d; want %q, %q, %d", tc.name, tc.in, fm, body, line, tc.fm, tc.body, tc.bodyLine)
		}
	}
}

// FuzzFrontMatter checks that parsing never panics and that every error
// position lies inside the input.
func FuzzFrontMatter(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: x\ndate: 2026-01-01\ntags: a, b\n---\nbody",
		"---\ndate: [\n---\n",
		"---\ndraft: yes\n---\n",
		"---\n: :\n---\n",
		"---\ntags: [a, [b]]\ncategories: {x: y}\n---\n",
		"---\n&a x: *a\n---\n",
		"no front matter",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fm, _, _, err := SplitFrontMatter("f.md", src)
		if err == nil {
			_, err = ParseFrontMatter("f.md", fm, time.UTC)
		}
		if err == nil {
			return
		}
		lines := strings.Count(string(src), "\n") + 1
		for _, e := range flatten(err) {
			var de *diag.Error
			if !asDiag(e, &de) {
				t.Fatalf("error without a position: %v", e)
			}
			if de.Pos.File != "f.md" || de.Pos.Line < 0 || de.Pos.Line > lines {
				t.Fatalf("position %v outside the input (%d lines): %v", de.Pos, lines, e)
			}
		}
	})
}

func flatten(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func asDiag(err error, target **diag.Error) bool {
	d, ok := err.(*diag.Error)
	if ok {
		*target = d
	}
	return ok
}

// TestFrontMatterAliases holds that anchors and aliases mean what YAML
// says, in known keys as in free-form params.
func TestFrontMatterAliases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      FrontMatter
	}{
		{"param alias", "x: &a hello\ny: *a\n",
			FrontMatter{Params: map[string]any{"x": "hello", "y": "hello"}}},
		{"title alias", "x: &a hello\ntitle: *a\n",
			FrontMatter{Title: "hello", Params: map[string]any{"x": "hello"}}},
		{"tags alias", "x: &t [go, web]\ntags: *t\n",
			FrontMatter{Tags: []string{"go", "web"}, Params: map[string]any{"x": []any{"go", "web"}}}},
		{"alias in a list", "x: &a hello\ntags: [one, *a]\n",
			FrontMatter{Tags: []string{"one", "hello"}, Params: map[string]any{"x": "hello"}}},
		{"anchored title", "title: &a Hello\nauthor: *a\n",
			FrontMatter{Title: "Hello", Author: "Hello"}},
		{"draft alias", "x: &d true\ndraft: *d\n",
			FrontMatter{Draft: true, Params: map[string]any{"x": true}}},
		{"date alias", "x: &d 2026-01-02\ndate: *d\n",
			FrontMatter{Date: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Params: map[string]any{"x": "2026-01-02"}, DatePos: diag.Pos{File: "posts/a.md", Line: 3, Col: 1}}},
		{"merge", "base: &b {title: T, tags: [a]}\n<<: *b\ntags: [b]\n",
			FrontMatter{Title: "T", Tags: []string{"b"}, Params: map[string]any{"base": map[string]any{"title": "T", "tags": []any{"a"}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseFrontMatter("posts/a.md", []byte(tc.src), time.UTC)
			if err != nil {
				t.Fatalf("ParseFrontMatter(%q): %v", tc.src, err)
			}
			if d := cmp.Diff(tc.want, got, cmpopts.EquateComparable(time.Time{})); d != "" {
				t.Errorf("ParseFrontMatter(%q) (-want +got):\n%s", tc.src, d)
			}
		})
	}
}

// TestFrontMatterAliasErrors: hostile or broken aliases are refused with
// their position in the post.
func TestFrontMatterAliasErrors(t *testing.T) {
	t.Parallel()
	var bomb strings.Builder
	bomb.WriteString("a0: &a0 lol\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&bomb, "a%d: &a%d [*a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d, *a%[3]d]\n", i, i, i-1)
	}
	tests := []struct {
		name, src, want string
	}{
		{"unknown", "title: *nope\n", "posts/a.md:2:8: alias *nope: no anchor &nope before it"},
		{"bomb", bomb.String(), "posts/a.md:7:45: more than 100000 values once aliases are expanded"},
		{"deep", "x: " + strings.Repeat("{a: ", 120) + strings.Repeat("}", 120) + "\n", "posts/a.md:2:400: lists and mappings nest deeper than 100 levels"},
		{"title is an aliased list", "x: &l [a]\ntitle: *l\n", "posts/a.md:3:1: title: want a single value, not a list"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseFrontMatter("posts/a.md", []byte(tc.src), time.UTC)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

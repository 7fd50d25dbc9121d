package render

import (
	"bytes"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blog-gen/blog/diag"
)

// TestFrontMatterSyntaxesAgree: the same front matter written in YAML,
// TOML and JSON reads the same, positions included.
func TestFrontMatterSyntaxesAgree(t *testing.T) {
	t.Parallel()
	srcs := map[string]string{
		"yaml": `---
title: "Hello: world"
date: 2026-04-22 08:00:00
slug: hello
tags: [go, web]
categories: Notes, Deep dives
aliases: [/old/, /older/]
draft: true
summary: A short one.
layout: wide
---
body
`,
		"toml": `+++
title = "Hello: world"
date = "2026-04-22 08:00:00"
slug = "hello"
tags = ["go", "web"]
categories = "Notes, Deep dives"
aliases = ["/old/", "/older/"]
draft = true
summary = "A short one."
layout = "wide"
+++
body
`,
		"json": `{
"title": "Hello: world",
"date": "2026-04-22 08:00:00",
"slug": "hello",
"tags": ["go", "web"],
"categories": "Notes, Deep dives",
"aliases": ["/old/", "/older/"],
"draft": true,
"summary": "A short one.",
"layout": "wide"
}
body
`,
	}
	// The values are on the same lines in each: the JSON object opens on
	// the line of the YAML and TOML delimiters.
	for name, src := range srcs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, body, line, err := ReadFrontMatter("posts/a.md", []byte(src), time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != "body\n" || line != 12 {
				t.Errorf("body = %q on line %d, want %q on line 12", body, line, "body\n")
			}
			want := FrontMatter{
				Title:      "Hello: world",
				Date:       time.Date(2026, 4, 22, 8, 0, 0, 0, time.UTC),
				Slug:       "hello",
				Aliases:    []string{"/old/", "/older/"},
				Tags:       []string{"go", "web"},
				Categories: []string{"Notes", "Deep dives"},
				Draft:      true,
				Summary:    "A short one.",
				Params:     map[string]any{"layout": "wide"},
			}
			if d := cmp.Diff(want, got, cmpopts.EquateComparable(time.Time{}), cmpopts.IgnoreFields(FrontMatter{}, "Pos", "DatePos")); d != "" {
				t.Errorf("ReadFrontMatter mismatch (-want +got):\n%s", d)
			}
			col := map[string]int{"yaml": 7, "toml": 8, "json": 9}[name]
			if want := (diag.Pos{File: "posts/a.md", Line: 3, Col: col}); got.DatePos != want {
				t.Errorf("DatePos = %v, want %v", got.DatePos, want)
			}
			if want := (diag.Pos{File: "posts/a.md", Line: 4, Col: col}); got.Pos["slug"] != want {
				t.Errorf("Pos[slug] = %v, want %v", got.Pos["slug"], want)
			}
			aliasCol := map[string]int{"yaml": 18, "toml": 21, "json": 22}[name]
			if want := (diag.Pos{File: "posts/a.md", Line: 7, Col: aliasCol}); got.Pos["aliases.1"] != want {
				t.Errorf("Pos[aliases.1] = %v, want %v", got.Pos["aliases.1"], want)
			}
		})
	}
}

// TestFrontMatterSyntaxErrors asserts the full message of each kind of
// bad TOML and JSON front matter: a value of the wrong type is located at
// the value, in the file's lines.
func TestFrontMatterSyntaxErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, want string
	}{
		{"toml draft not bool", "+++\ntitle = \"x\"\ndraft = \"yes\"\n+++\n",
			`posts/a.md:3:9: draft: want true or false, not a string`},
		{"toml bad date", "+++\ndate = \"yesterday\"\n+++\n",
			`posts/a.md:2:8: date: invalid date "yesterday": want RFC 3339, 2006-01-02, 2006-01-02 15:04[:05] [-0700] or 2006/01/02 15:04:05`},
		{"toml local time is no date", "+++\ndate = 10:30:00\n+++\n",
			`posts/a.md:2:8: date: invalid date "10:30:00": want RFC 3339, 2006-01-02, 2006-01-02 15:04[:05] [-0700] or 2006/01/02 15:04:05`},
		{"toml title is a list", "+++\ntitle = [\"a\", \"b\"]\n+++\n",
			`posts/a.md:2:9: title: want a single value, not a list`},
		{"toml tags is a table", "+++\n[tags]\na = 1\n+++\n",
			`posts/a.md:2:2: tags: want a list or a comma-separated string, not a mapping`},
		{"toml dotted title", "+++\ntitle.x = 1\n+++\n",
			`posts/a.md:2:1: title: want a single value, not a mapping`},
		{"toml bad alias", "+++\naliases = [\"/a/\", [\"/b/\"]]\n+++\n",
			`posts/a.md:2:11: aliases: want a list of paths such as /2011/04/old-post/: want a single value, not a list`},
		{"toml syntax", "+++\ntitle = \"x\ndate = 2026-01-01\n+++\n",
			`posts/a.md:2:11: TOML front matter: basic strings cannot have new lines`},
		{"toml key twice", "+++\ntitle = \"a\"\ntitle = \"b\"\n+++\n",
			`posts/a.md:3:1: TOML front matter: key title is already defined`},
		{"toml unclosed", "+++\ntitle = \"x\"\n",
			`posts/a.md:1:1: front matter is not closed: want a +++ line after it`},
		{"json draft not bool", "{\n  \"title\": \"x\",\n  \"draft\": \"yes\"\n}\n",
			`posts/a.md:3:12: draft: want true or false, not a string`},
		{"json tags is an object", "{\"tags\": {\"a\": 1}}\n",
			`posts/a.md:1:10: tags: want a list or a comma-separated string, not a mapping`},
		{"json tag is a list", "{\"tags\": [\"a\", [1]]}\n",
			`posts/a.md:1:10: tags: want a list of names: want a single value, not a list`},
		{"json date is an object", "{\n\"date\": {\"y\": 2026}\n}\n",
			`posts/a.md:2:9: date: want a single value, not a mapping`},
		{"json syntax", "{\n\"title\": \"x\",\n}\n",
			`posts/a.md:3:1: JSON front matter: invalid character '}' looking for beginning of object key string`},
		{"json unclosed", "{\n\"title\": \"x\"\n",
			`posts/a.md:3:1: JSON front matter: unexpected end of the front matter`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, _, _, err := ReadFrontMatter("posts/a.md", []byte(tc.file), time.UTC)
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("error:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// TestFrontMatterParamsTable: Hugo's [params] table gives its keys as
// params, under the post's own keys.
func TestFrontMatterParamsTable(t *testing.T) {
	t.Parallel()
	src := "+++\ncolor = \"blue\"\n[params]\ncolor = \"red\"\nsize = 3\n+++\n"
	got, _, _, err := ReadFrontMatter("posts/a.md", []byte(src), time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"color": "blue", "size": int64(3), "params": map[string]any{"color": "red", "size": int64(3)}}
	if d := cmp.Diff(want, got.Params); d != "" {
		t.Errorf("Params mismatch (-want +got):\n%s", d)
	}
}

func TestCutFrontMatter(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		syntax   FrontMatterSyntax
		fm, body string
		bodyLine int
	}{
		{"none", "# Hi\n", NoFrontMatter, "", "# Hi\n", 1},
		{"yaml", "---\ntitle: a\n---\nbody\n", YAMLFrontMatter, "title: a\n", "body\n", 4},
		{"toml", "+++\ntitle = 'a'\n+++\nbody\n", TOMLFrontMatter, "title = 'a'\n", "body\n", 4},
		{"toml crlf", "+++\r\ntitle = 'a'\r\n+++\r\nbody\r\n", TOMLFrontMatter, "title = 'a'\r\n", "body\r\n", 4},
		{"json", "{\n\"title\": \"a\"\n}\nbody\n", JSONFrontMatter, "{\n\"title\": \"a\"\n}", "body\n", 4},
		{"json one line", "{\"title\": \"a\"}\nbody", JSONFrontMatter, "{\"title\": \"a\"}", "body", 2},
		{"json then text", "{\"title\": \"a\"} body", JSONFrontMatter, "{\"title\": \"a\"}", " body", 1},
		{"json no body", "{}", JSONFrontMatter, "{}", "", 1},
		{"a shortcode is no json", "{{< x >}}\n", NoFrontMatter, "", "{{< x >}}\n", 1},
		{"liquid is no json", "{% raw %}\n", NoFrontMatter, "", "{% raw %}\n", 1},
	}
	for _, tc := range tests {
		syntax, fm, body, line, err := CutFrontMatter("a.md", []byte(tc.in))
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if syntax != tc.syntax || string(fm) != tc.fm || string(body) != tc.body || line != tc.bodyLine {
			t.Errorf("%s: CutFrontMatter(%q) = %v, %q, %q, %d; want %v, %q, %q, %d", tc.name, tc.in, syntax, fm, body, line, tc.syntax, tc.fm, tc.body, tc.bodyLine)
		}
	}
}

// TestFrontMatterFromFields: fields given as text have the keys of the
// other syntaxes.
func TestFrontMatterFromFields(t *testing.T) {
	t.Parallel()
	at := func(line int) diag.Pos { return diag.Pos{File: "posts/a.rst", Line: line, Col: 8} }
	got, err := FrontMatterFromFields([]Field{
		{Key: "title", Value: "Hello", Pos: at(1)},
		{Key: "date", Value: "2026-01-02 10:00", Pos: at(2)},
		{Key: "tags", Value: "go, rst", Pos: at(3)},
		{Key: "draft", Value: "true", Pos: at(4)},
		{Key: "layout", Value: "wide", Pos: at(5)},
	}, time.UTC)
	if err != nil {
		t.Fatal(err)
	}
	want := FrontMatter{Title: "Hello", Date: time.Date(2026, 1, 2, 10, 0, 0, 0, time.UTC), Tags: []string{"go", "rst"}, Draft: true, Params: map[string]any{"layout": "wide"}, DatePos: at(2)}
	if d := cmp.Diff(want, got, cmpopts.EquateComparable(time.Time{})); d != "" {
		t.Errorf("FrontMatterFromFields mismatch (-want +got):\n%s", d)
	}
	_, err = FrontMatterFromFields([]Field{{Key: "date", Value: "soon", Pos: at(7)}}, time.UTC)
	if want := `posts/a.rst:7:8: date: invalid date "soon": want RFC 3339, 2006-01-02, 2006-01-02 15:04[:05] [-0700] or 2006/01/02 15:04:05`; err == nil || err.Error() != want {
		t.Errorf("FrontMatterFromFields(bad date) = %v, want %s", err, want)
	}
}

// fuzzFrontMatterPositions checks that reading src never panics and that
// every error, and every position noted in the front matter, lies in the
// input (lines counted at \n, as TOML and JSON count them).
func fuzzFrontMatterPositions(t *testing.T, src []byte) {
	m, _, _, err := ReadFrontMatter("f.md", src, time.UTC)
	lines := bytes.Count(src, []byte("\n")) + 1
	inside := func(p diag.Pos) bool { return p.File == "f.md" && p.Line >= 1 && p.Line <= lines && p.Col >= 1 }
	if err != nil {
		for _, e := range flatten(err) {
			var de *diag.Error
			if !asDiag(e, &de) {
				t.Fatalf("error without a position: %v", e)
			}
			if !inside(de.Pos) && !(de.Pos.Line == 0 && de.Pos.File == "f.md") {
				t.Fatalf("position %v outside the input (%d lines): %v", de.Pos, lines, e)
			}
		}
		return
	}
	for k, p := range m.Pos {
		if !inside(p) {
			t.Fatalf("Pos[%s] = %v outside the input (%d lines)", k, p, lines)
		}
	}
	if !m.Date.IsZero() && !inside(m.DatePos) {
		t.Fatalf("DatePos = %v outside the input (%d lines)", m.DatePos, lines)
	}
}

// FuzzTOMLFrontMatter: TOML front matter never panics the reader, and
// every position it gives is in the file.
func FuzzTOMLFrontMatter(f *testing.F) {
	for _, s := range []string{
		"+++\ntitle = 'x'\ndate = 2026-01-01\ntags = ['a', 'b']\n+++\nbody",
		"+++\ndate = [\n+++\n",
		"+++\ndraft = 'yes'\n+++\n",
		"+++\na.b.c = 1\n[params]\nx = 1\n[[list]]\ny = 2\n+++\n",
		"+++\naliases = ['/a/', ['/b/'], {x = 1}]\nslug = 3\n+++\n",
		"+++\n\"quoted key\" = 1\n'slug' = 'x'\ndate = 1979-05-27T07:32:00-08:00\n+++\n",
		"+++\ntitle = \"\"\"\nmulti\nline\"\"\"\n+++\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(fuzzFrontMatterPositions)
}

// FuzzJSONFrontMatter: JSON front matter never panics the reader, and
// every position it gives is in the file.
func FuzzJSONFrontMatter(f *testing.F) {
	for _, s := range []string{
		"{\n\"title\": \"x\",\n\"date\": \"2026-01-01\",\n\"tags\": [\"a\"]\n}\nbody",
		"{\"draft\": \"yes\"}",
		"{\"aliases\": [\"/a/\", [1], {\"x\": null}], \"slug\": 1e400}",
		"{\"x\": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
		"{\n\"title\": \"x\",\n}",
		"{",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(fuzzFrontMatterPositions)
}

package render

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

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
		// YAML, like CommonMark, ends a line at a lone CR too.
		lines := len(lineBreak.Split(string(src), -1))
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

var lineBreak = regexp.MustCompile("\r\n|\r|\n")

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

// FuzzFrontMatterValues is a round trip: it makes front matter values
// from the fuzzer's input, writes them as YAML in one of the ways a writer
// may (plain, single- or double-quoted, a flow or block list, a
// comma-separated string, through an anchor and an alias), parses the
// result and requires the same values back. (Checking only that errors
// have positions let aliases be misread.)
func FuzzFrontMatterValues(f *testing.F) {
	f.Add("Hello, world", "Ann", "hello", "go, web", "layout", "wide", uint16(2026), uint8(3), uint8(15), uint8(9), uint8(30), uint8(5), uint32(0), int16(60), uint8(0), true, uint32(0))
	f.Add("title: with colon", "O'Brien", "s", "a,b,,c", "k", "123", uint16(1999), uint8(12), uint8(31), uint8(23), uint8(59), uint8(59), uint32(999), int16(-330), uint8(1), false, uint32(0x5555))
	f.Add("*", "&", "yes", "true", "on", "null", uint16(1), uint8(1), uint8(1), uint8(0), uint8(0), uint8(0), uint32(1), int16(0), uint8(8), false, uint32(0xffffffff))
	f.Add("tab\there \u2028 \"q\" \\", "\x00\x1b", "---", "- a, [b], {c}", "p", "\n---\n", uint16(9999), uint8(6), uint8(30), uint8(12), uint8(0), uint8(1), uint32(123456789), int16(840), uint8(4), true, uint32(0xaaaa))
	f.Fuzz(func(t *testing.T, title, author, slug, tags, pkey, pval string,
		year uint16, month, day, hour, minute, sec uint8, nanos uint32, offset int16, layout uint8, draft bool, styles uint32) {
		g := &fmWriter{styles: styles}
		loc := time.FixedZone("site", int(offset%(14*60))*60)
		want := FrontMatter{Draft: draft}
		want.Title = g.scalar("title", clean(title))
		want.Author = g.scalar("author", clean(author))
		want.Slug = g.scalar("slug", clean(slug))
		want.Tags = g.list("tags", clean(tags))

		l := dateLayouts[int(layout)%len(dateLayouts)]
		d := time.Date(int(year%10000), time.Month(month%12+1), int(day%28+1), int(hour%24), int(minute%60), int(sec%60), int(nanos%1e9), loc)
		if zoned := strings.Contains(l, "07"); zoned {
			d = d.In(time.FixedZone("", int(offset%(14*60))*-60))
		}
		text := d.Format(l)
		wantDate, err := time.ParseInLocation(l, text, loc)
		if err != nil {
			t.Skipf("%q does not parse as %q: %v", text, l, err) // a Go layout limit, not ours
		}
		g.scalar("date", text)
		want.Date = wantDate
		g.line("draft", strconv.FormatBool(draft))

		key := "p_" + strings.Map(func(r rune) rune {
			if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
				return r
			}
			return -1
		}, pkey)
		pv := g.scalar(key, clean(pval))
		want.Params = g.params
		if want.Params == nil {
			want.Params = map[string]any{}
		}
		want.Params[key] = pv

		src := "---\n" + g.b.String() + "---\nbody\n"
		fm, _, _, err := SplitFrontMatter("f.md", []byte(src))
		if err != nil {
			t.Fatalf("SplitFrontMatter(%q): %v", src, err)
		}
		got, err := ParseFrontMatter("f.md", fm, loc)
		if err != nil {
			t.Fatalf("ParseFrontMatter(%q): %v", src, err)
		}
		sameInstant := cmp.Comparer(func(a, b time.Time) bool { return a.Equal(b) })
		if d := cmp.Diff(want, got, sameInstant, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(FrontMatter{}, "DatePos", "Pos")); d != "" {
			t.Errorf("ParseFrontMatter(%q) (-want +got):\n%s", src, d)
		}
	})
}

// clean makes s something front matter can hold: UTF-8 (YAML is text).
func clean(s string) string { return strings.ToValidUTF8(s, "?") }

// fmWriter writes front matter, choosing how to write each value from
// two bits of styles.
type fmWriter struct {
	b      strings.Builder
	styles uint32
	params map[string]any // the keys written for anchors
}

func (g *fmWriter) style() uint32 {
	s := g.styles & 3
	g.styles = g.styles>>2 | g.styles<<30
	return s
}

func (g *fmWriter) line(key, value string) { fmt.Fprintf(&g.b, "%s: %s\n", key, value) }

// anchor writes value under a key of its own with an anchor, and returns
// the alias to it.
func (g *fmWriter) anchor(key, value string, decoded any) string {
	holder := "anchor_" + key
	fmt.Fprintf(&g.b, "%s: &%s %s\n", holder, key, value)
	if g.params == nil {
		g.params = map[string]any{}
	}
	g.params[holder] = decoded
	return "*" + key
}

// scalar writes the string s under key and returns what reading it gives.
func (g *fmWriter) scalar(key, s string) string {
	v := quote(s)
	switch g.style() {
	case 1:
		if plainSafe(s) {
			v = s
		}
	case 2:
		if !strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) {
			v = "'" + strings.ReplaceAll(s, "'", "''") + "'"
		}
	case 3:
		v = g.anchor(key, v, s)
	}
	g.line(key, v)
	return s
}

// list writes the comma-separated names in s as a list under key and
// returns the names reading it gives.
func (g *fmWriter) list(key, s string) []string {
	var names []string
	for n := range strings.SplitSeq(s, ",") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	quoted := make([]string, len(names))
	items := make([]any, len(names))
	for i, n := range names {
		quoted[i], items[i] = quote(n), n
	}
	switch g.style() {
	case 0:
		g.line(key, quote(strings.Join(names, ", ")))
	case 1:
		g.line(key, "["+strings.Join(quoted, ", ")+"]")
	case 2:
		if len(names) == 0 {
			g.line(key, "[]")
			break
		}
		g.b.WriteString(key + ":\n")
		for _, q := range quoted {
			g.b.WriteString("  - " + q + "\n")
		}
	case 3:
		g.line(key, g.anchor(key, "["+strings.Join(quoted, ", ")+"]", items))
	}
	return names
}

// quote writes s as a YAML double-quoted scalar: Go's escapes are YAML's.
func quote(s string) string { return strconv.Quote(s) }

var plainRE = regexp.MustCompile(`^[A-Za-z]([A-Za-z0-9 _.-]*[A-Za-z0-9])?$`)

// plainSafe reports whether s may be written as a plain scalar and read
// back as the same string.
func plainSafe(s string) bool {
	switch strings.ToLower(s) {
	case "null", "true", "false", "yes", "no", "on", "off", "y", "n", "nan", "inf":
		return false
	}
	return plainRE.MatchString(s) && !strings.Contains(s, "  ")
}

// FuzzParseDate: every accepted layout round-trips (a time written in it
// parses back to the same instant, read by the first layout that takes
// it), and whatever parses is a time that writes back and parses again.
func FuzzParseDate(f *testing.F) {
	f.Add(int64(1773567000), uint32(0), int16(60), uint8(0), "2026-03-15 09:30")
	f.Add(int64(-62135596800), uint32(999999999), int16(-720), uint8(3), "2006/01/02")
	f.Add(int64(253402300799), uint32(1), int16(0), uint8(10), "0000-01-01T00:00:00Z")
	f.Fuzz(func(t *testing.T, sec int64, nanos uint32, offset int16, layout uint8, s string) {
		loc := time.FixedZone("site", int(offset%(14*60))*60)
		if got, err := ParseDate(s, loc); err == nil {
			again, err := ParseDate(got.Format(time.RFC3339Nano), loc)
			if got.Year() >= 0 && got.Year() <= 9999 && (err != nil || !again.Equal(got)) {
				t.Errorf("ParseDate(%q) = %v, which writes as %q and parses as %v, %v", s, got, got.Format(time.RFC3339Nano), again, err)
			}
		}
		const lo, hi = -62135596800, 253402300799 // years 1 to 9999
		d := time.Unix(lo+(sec%(hi-lo)+(hi-lo))%(hi-lo), int64(nanos%1e9)).In(loc)
		l := dateLayouts[int(layout)%len(dateLayouts)]
		text := d.Format(l)
		want, err := time.ParseInLocation(l, text, loc)
		if err != nil {
			t.Fatalf("time.ParseInLocation(%q, %q): %v", l, text, err)
		}
		got, err := ParseDate(text, loc)
		if err != nil || !got.Equal(want) {
			t.Errorf("ParseDate(%q) = %v, %v; want %v (layout %q)", text, got, err, want, l)
		}
	})
}

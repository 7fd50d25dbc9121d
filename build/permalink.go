package build

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
)

// permalinkVars are what one post gives the placeholders of
// build.permalink.
type permalinkVars struct {
	date       time.Time
	slug       string   // the post's slug
	title      string   // Jekyll's :title: the slug front matter, else the file name, cased
	filename   string   // the file name without date prefix and extension
	section    string   // the first directory under posts/, or ""
	categories []string // as written in the front matter
}

// placeholders are the names build.permalink may use after a colon, with
// the meanings Jekyll and Hugo give them.
var placeholders = map[string]func(v *permalinkVars) string{
	"year":       func(v *permalinkVars) string { return strconv.Itoa(v.date.Year()) },
	"month":      func(v *permalinkVars) string { return twoDigits(int(v.date.Month())) },
	"day":        func(v *permalinkVars) string { return twoDigits(v.date.Day()) },
	"hour":       func(v *permalinkVars) string { return twoDigits(v.date.Hour()) },
	"minute":     func(v *permalinkVars) string { return twoDigits(v.date.Minute()) },
	"second":     func(v *permalinkVars) string { return twoDigits(v.date.Second()) },
	"i_month":    func(v *permalinkVars) string { return strconv.Itoa(int(v.date.Month())) },
	"i_day":      func(v *permalinkVars) string { return strconv.Itoa(v.date.Day()) },
	"slug":       func(v *permalinkVars) string { return v.slug },
	"title":      func(v *permalinkVars) string { return v.title },
	"filename":   func(v *permalinkVars) string { return v.filename },
	"section":    func(v *permalinkVars) string { return v.section },
	"categories": func(v *permalinkVars) string { return joinCategories(v.categories) },
	// Jekyll's :output_ext, so "/:year/:month/:day/:title:output_ext"
	// (its "date" style) can be copied as it is.
	"output_ext": func(*permalinkVars) string { return ".html" },
}

// uniqueNames are the placeholders that tell one post of a day from
// another: a pattern needs one, or posts would share URLs.
var uniqueNames = []string{"slug", "title", "filename"}

// placeholderAt returns the placeholder name that pattern[i] (a colon)
// starts, and its length in bytes including the colon. The name is the
// longest run of a-z and _ after the colon, so :i_month is never :i
// followed by "_month", and :monthly is an unknown name, not :month
// followed by "ly". Underscores ending the run are literal when the name
// without them is known (Jekyll's "/:year_:month/"). An empty name means
// the colon is literal; ok is false for an unknown name (returned without
// its trailing underscores, for the message).
func placeholderAt(pattern string, i int) (name string, n int, ok bool) {
	j := i + 1
	for j < len(pattern) && (pattern[j] >= 'a' && pattern[j] <= 'z' || pattern[j] == '_') {
		j++
	}
	name = pattern[i+1 : j]
	if name == "" {
		return "", 1, true
	}
	if _, known := placeholders[name]; known {
		return name, j - i, true
	}
	if trimmed := strings.TrimRight(name, "_"); trimmed != name {
		if _, known := placeholders[trimmed]; known {
			return trimmed, len(trimmed) + 1, true
		}
	}
	return strings.TrimRight(name, "_"), j - i, false
}

// expandPermalink fills the placeholders of pattern, which
// [checkPermalink] accepted, with v's values.
func expandPermalink(pattern string, v *permalinkVars) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(pattern, ':')
		if i < 0 {
			b.WriteString(pattern)
			return b.String()
		}
		b.WriteString(pattern[:i])
		name, n, ok := placeholderAt(pattern, i)
		if name == "" || !ok {
			b.WriteString(pattern[i : i+n])
		} else {
			b.WriteString(placeholders[name](v))
		}
		pattern = pattern[i+n:]
	}
}

// checkPermalink validates build.permalink, whose value is at pos in the
// configuration src: it starts with /, uses known placeholders (an
// unknown one is located at its own column), includes one that makes
// URLs unique, and is otherwise a safe URL path.
func checkPermalink(src []byte, pattern string, pos diag.Pos) error {
	if pos.File == "" {
		pos.File = ConfigFile
	}
	colOf := func(off int) diag.Pos {
		p := pos
		if p.Line == 0 {
			return p
		}
		line := lineOf(src, p.Line)
		if c := p.Col - 1; c >= 0 && c < len(line) && (line[c] == '"' || line[c] == '\'') {
			p.Col++ // the value is quoted: the string starts after the quote
		}
		p.Col += utf8.RuneCountInString(pattern[:off])
		return p
	}
	var errs diag.List
	if !strings.HasPrefix(pattern, "/") {
		errs.Add(&diag.Error{Pos: pos, Err: fmt.Errorf("build.permalink: %q must start with /, such as /:year/:month/:slug/", pattern)})
	}
	unique := false
	for i := 0; i < len(pattern); i++ {
		if pattern[i] != ':' {
			continue
		}
		name, n, ok := placeholderAt(pattern, i)
		switch {
		case !ok:
			errs.Add(&diag.Error{Pos: colOf(i), Err: fmt.Errorf("build.permalink: unknown placeholder :%s: want one of %s", name, placeholderList())})
		case slices.Contains(uniqueNames, name):
			unique = true
		}
		i += n - 1
	}
	if !unique {
		errs.Add(&diag.Error{Pos: pos, Err: fmt.Errorf("build.permalink: %q must contain :slug, :title or :filename, or posts would share a URL", pattern)})
	}
	sample := &permalinkVars{date: time.Date(2006, 1, 2, 15, 4, 5, 0, time.UTC), slug: "s", title: "t", filename: "f", section: "d", categories: []string{"c"}}
	if err := checkPath(expandPermalink(pattern, sample)); err != nil {
		errs.Add(&diag.Error{Pos: pos, Err: fmt.Errorf("build.permalink: %q: %w", pattern, err)})
	}
	return errs.Err()
}

func placeholderList() string {
	names := make([]string, 0, len(placeholders))
	for n := range placeholders {
		names = append(names, ":"+n)
	}
	slices.Sort(names)
	return strings.Join(names, " ")
}

// lineOf returns the 1-based line n of src, without its newline.
func lineOf(src []byte, n int) []byte {
	for ; n > 1; n-- {
		i := bytes.IndexByte(src, '\n')
		if i < 0 {
			return nil
		}
		src = src[i+1:]
	}
	line, _, _ := bytes.Cut(src, []byte("\n"))
	return line
}

// joinCategories is :categories: the post's categories slugified, without
// repeats, joined by slashes.
func joinCategories(cats []string) string {
	var parts []string
	for _, c := range cats {
		if s := render.Slugify(c); s != "" && !slices.Contains(parts, s) {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "/")
}

// jekyllTitle is what Jekyll's :title gives a name: its "pretty", cased
// slugify, which keeps letters, digits and ._~!$&'()+,;=@ and replaces any
// run of other characters with one hyphen.
func jekyllTitle(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.Is(unicode.Nd, r) || unicode.IsMark(r) || strings.ContainsRune("._~!$&'()+,;=@", r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			continue
		}
		dash = true
	}
	return b.String()
}

// fileStem is a post's file name without its extension and without a
// Jekyll date prefix (2006-01-02-).
func fileStem(rel string) string {
	base := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	if m := jekyllName.FindStringSubmatch(base); m != nil {
		return m[2]
	}
	return base
}

// htmlExts are the endings that make a permalink name a file rather than
// a directory: /:year/:slug.html writes that file, /2011/04/slug writes
// 2011/04/slug/index.html.
var htmlExts = []string{".html", ".htm", ".xhtml", ".shtml"}

func isHTMLFile(p string) bool {
	return !strings.HasSuffix(p, "/") && slices.Contains(htmlExts, strings.ToLower(path.Ext(p)))
}

// checkPath reports what makes p, a URL path, unsafe to write or to link
// to: control characters, white space, backslashes, ? and #, and . or ..
// segments. Percent escapes are decoded by the caller: a % left names a
// file no link can reach unescaped.
func checkPath(p string) error {
	if !utf8.ValidString(p) {
		return errors.New("not valid UTF-8")
	}
	for _, r := range p {
		switch {
		case unicode.IsControl(r):
			return fmt.Errorf("control character %q: want a plain path", r)
		case unicode.IsSpace(r):
			return errors.New("white space: use - between words")
		case r == '\\':
			return errors.New(`backslash: use / between directories`)
		case r == '?' || r == '#':
			return fmt.Errorf("%q: want a path without a query or a fragment", r)
		case r == '%':
			return errors.New("a percent sign: write the character itself, not its escape")
		}
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("%q segment: want a path without . and .. segments", seg)
		}
	}
	return nil
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

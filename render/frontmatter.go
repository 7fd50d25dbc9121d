package render

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"github.com/blog-gen/blog/diag"
)

// FrontMatter is the metadata at the top of a post: YAML between ---
// lines, TOML between +++ lines, or a JSON object (see [CutFrontMatter]).
type FrontMatter struct {
	Title      string
	Date       time.Time // zero when absent
	Updated    time.Time // zero when absent
	Slug       string
	Permalink  string
	URL        string   // Hugo's url: the post's URL, as permalink
	Aliases    []string // aliases and redirect_from: old URLs that redirect here
	Tags       []string
	Categories []string
	Draft      bool
	Summary    string
	Author     string
	// Params holds every other key, decoded as YAML values, for templates
	// (.Params.layout and the like). Unknown keys are never an error.
	Params map[string]any

	// DatePos locates the date value, for errors found later.
	DatePos diag.Pos
	// Pos locates the values of slug, permalink, url and each alias
	// (aliases.0, aliases.1, … in the order of Aliases), for errors found
	// later (a bad or contested URL).
	Pos map[string]diag.Pos
}

// dateLayouts are the accepted date forms, tried in order. Layouts without
// a zone are read in the site's time zone.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02",
	"2006-01-02 15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04 -0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02T15:04",
	"2006-01-02T15:04:05",
	"2006/01/02 15:04:05",
	"2006/01/02 15:04",
	"2006/01/02",
}

// ParseDate parses s in one of the accepted forms: RFC 3339,
// 2006-01-02, 2006-01-02 15:04[:05] [-0700], or Blogofile's
// 2006/01/02 15:04:05. Forms without a zone are read in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q: want RFC 3339, 2006-01-02, 2006-01-02 15:04[:05] [-0700] or 2006/01/02 15:04:05", s)
}

// SplitFrontMatter splits src into its YAML front matter (without the
// --- lines) and body. bodyLine is the 1-based line of src where the body
// starts. A file without a leading --- line has no front matter. See
// [CutFrontMatter] for every syntax.
func SplitFrontMatter(file string, src []byte) (fm, body []byte, bodyLine int, err error) {
	return splitDelimited(file, src, "---", "...")
}

// splitDelimited splits src at a front matter between lines of delim (or
// the other closing line alt, if given).
func splitDelimited(file string, src []byte, delim, alt string) (fm, body []byte, bodyLine int, err error) {
	first, rest, _ := cutLine(src)
	if strings.TrimRight(string(first), " \t\r") != delim {
		return nil, src, 1, nil
	}
	line := 2
	start := len(src) - len(rest)
	for off := start; off < len(src); {
		l, _, _ := cutLine(src[off:])
		next := off + len(l) + 1
		if t := strings.TrimRight(string(l), " \t\r"); t == delim || alt != "" && t == alt {
			return src[start:off], src[min(next, len(src)):], line + 1, nil
		}
		off = next
		line++
	}
	return nil, nil, 0, &diag.Error{Pos: diag.Pos{File: file, Line: 1, Col: 1}, Err: fmt.Errorf("front matter is not closed: want a %s line after it", delim)}
}

func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil, false
	}
	return b[:i], b[i+1:], true
}

// fmLineOffset is the line of a file before its front matter: the
// opening --- line.
const fmLineOffset = 1

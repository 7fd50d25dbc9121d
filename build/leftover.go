package build

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/blog-gen/blog/diag"
)

// warning is one thing worth telling the writer about a source that still
// builds: its line in the source and the message. Warnings are kept in the
// cache with the source's rendering, so every build reports them, not only
// the one that rendered the post.
type warning struct {
	Line int
	Msg  string
}

// leftoverRE finds markup another blog tool expanded at build time and we
// do not: Hugo shortcodes, Liquid tags and variables (Jekyll), Blogofile's
// $$code, WordPress shortcodes and kramdown's attribute lists and
// extensions ({:toc}, {: .class}, {:#id}, {:target="_blank"}, {::comment},
// {:/comment}; not a Clojure map such as {:a 1}). Alternatives are tried leftmost first,
// so {{% is a shortcode, not a Liquid tag one byte later.
var leftoverRE = regexp.MustCompile(`(?P<hugo>\{\{[<%])|(?P<liquidtag>\{%-?\s*[a-z])|(?P<liquidvar>\{\{-?\s*(?:site|page|post|paginator|include)\.)|(?P<blogofile>\$\$code\()|(?P<wordpress>\[(?:caption|gallery|embed|audio|video|playlist|sourcecode)[\s\]])|(?P<kramdown>\{:(?:\s*toc\s*\}|\s*[.#][A-Za-z_-]|\s*[A-Za-z][\w:-]*=|:[a-z]|/[a-z]))`)

// leftoverStarts are the bytes a match of leftoverRE can start with.
const leftoverStarts = "{$["

var leftoverNames = map[string]string{
	"hugo":      "Hugo shortcode",
	"liquidtag": "Liquid tag",
	"liquidvar": "Liquid variable",
	"blogofile": "Blogofile $$code block",
	"wordpress": "WordPress shortcode",
	"kramdown":  "kramdown attribute list",
}

// leftoverEnds close each kind's snippet in the message.
var leftoverEnds = map[string]string{"hugo": "}}", "liquidtag": "%}", "liquidvar": "}}", "blogofile": ")", "wordpress": "]", "kramdown": "}"}

// leftoverWarning looks in a post's rendered HTML, outside code, for markup
// of another blog tool, and returns one warning naming the first construct
// and the line of the source (src, whose body starts at bodyLine) it is on;
// nil when there is none.
func leftoverWarning(src []byte, bodyLine int, rendered string) []warning {
	var found []string // the matched texts, in order
	kind, snippet := "", ""
	note := func(s string) {
		if !strings.ContainsAny(s, leftoverStarts) {
			return // most text: the regexp would try every position
		}
		for _, m := range leftoverRE.FindAllStringSubmatchIndex(s, -1) {
			if kind == "" {
				kind = matchedGroup(m)
				snippet = snippetAt(s[m[0]:], leftoverEnds[kind])
			}
			found = append(found, s[m[0]:m[1]])
		}
	}
	z := html.NewTokenizer(strings.NewReader(rendered))
	code := 0 // depth inside pre, code, script and style
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		switch tt {
		case html.TextToken:
			if t := z.Text(); code == 0 && bytes.ContainsAny(t, leftoverStarts) {
				note(string(t))
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			switch atom.Lookup(name) {
			case atom.Pre, atom.Code, atom.Script, atom.Style:
				if tt == html.StartTagToken {
					code++
				} else if tt == html.EndTagToken && code > 0 {
					code--
				}
				continue
			}
			for hasAttr && code == 0 {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if a := string(k); a == "href" || a == "src" {
					if u, err := url.PathUnescape(string(v)); err == nil {
						note(u)
					}
				}
			}
		}
	}
	if kind == "" {
		return nil
	}
	line, rest := sourceLine(src, bodyLine, found[0])
	if rest != "" {
		snippet = snippetAt(rest, leftoverEnds[kind]) // as written, not as typeset
	}
	msg := fmt.Sprintf("%s %s left in the post: blog build does not expand it, so readers see it as text; blog import converts it (or put it in a code block to show it)", leftoverNames[kind], snippet)
	if n := len(found) - 1; n > 0 {
		msg += fmt.Sprintf("; %d more in the post", n)
	}
	return []warning{{Line: line, Msg: msg}}
}

func matchedGroup(m []int) string {
	for i, name := range leftoverRE.SubexpNames() {
		if name != "" && m[2*i] >= 0 {
			return name
		}
	}
	return ""
}

// snippetAt is the construct at the start of s, up to its closing end, for
// the message: at most 60 bytes, on one line, quoted.
func snippetAt(s, end string) string {
	if i := strings.Index(s, end); i >= 0 && i+len(end) <= 60 {
		s = s[:i+len(end)]
	} else if len(s) > 40 {
		cut := 40
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	s = strings.Join(strings.Fields(s), " ")
	if strings.ContainsFunc(s, func(r rune) bool { return !unicode.IsPrint(r) }) {
		return strconv.Quote(s)
	}
	return `"` + s + `"`
}

// sourceLine is the line of src, from bodyLine on, where text first
// appears outside fenced code and code spans, and the rest of that line
// from there; bodyLine and "" when it cannot be found (the source writes
// it another way, as an HTML post may).
func sourceLine(src []byte, bodyLine int, text string) (int, string) {
	lines := bytes.Split(src, []byte("\n"))
	fence := ""
	for i := bodyLine - 1; i >= 0 && i < len(lines); i++ {
		line := string(lines[i])
		trimmed := strings.TrimLeft(line, " ")
		if len(line)-len(trimmed) <= 3 {
			if f := fenceOf(trimmed); f != "" && (fence == "" || strings.HasPrefix(f, fence) && strings.TrimSpace(trimmed[len(f):]) == "") {
				if fence == "" {
					fence = f
				} else {
					fence = ""
				}
				continue
			}
		}
		if fence == "" {
			if j := strings.Index(withoutCodeSpans(line), text); j >= 0 {
				return i + 1, line[j:]
			}
		}
	}
	return bodyLine, ""
}

// fenceOf returns the ``` or ~~~ run opening line, or "".
func fenceOf(line string) string {
	for _, c := range []string{"`", "~"} {
		n := len(line) - len(strings.TrimLeft(line, c))
		if n >= 3 {
			return line[:n]
		}
	}
	return ""
}

// withoutCodeSpans blanks `code` spans of one line.
func withoutCodeSpans(line string) string {
	parts := strings.Split(line, "`")
	for i := 1; i < len(parts)-1; i += 2 {
		parts[i] = ""
	}
	return strings.Join(parts, "`")
}

// collectWarnings gathers the warnings of every published post and page
// into res, sorted by file and line. With build.strict they are errors and
// the build fails, leaving the previous output in place.
func (b *builder) collectWarnings(res *Result) error {
	for _, w := range b.strayWarnings {
		var de *diag.Error
		if errors.As(w, &de) && b.images != nil && b.images.files[de.Pos.File] != nil {
			continue // an image a post shows beside it is published, not stray
		}
		res.Warnings = append(res.Warnings, w)
	}
	for _, it := range b.all() {
		for _, w := range it.src.Warnings {
			res.Warnings = append(res.Warnings, &diag.Error{Pos: diag.Pos{File: it.rel, Line: w.Line}, Err: errors.New(w.Msg)})
		}
	}
	slices.SortStableFunc(res.Warnings, func(a, c error) int {
		pa, pc := a.(*diag.Error).Pos, c.(*diag.Error).Pos
		if d := strings.Compare(pa.File, pc.File); d != 0 {
			return d
		}
		return pa.Line - pc.Line
	})
	return b.cfg.strictErrors(res.Warnings)
}

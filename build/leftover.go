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
	if cut, n, ok := cutCode(rendered); ok {
		if quietHTML(cut) {
			return nil // most posts: nothing to tokenize for
		}
		if w, cuts := leftoverScan(src, bodyLine, cut); cuts == n {
			return w
		}
	} else if quietHTML(rendered) {
		return nil
	}
	w, _ := leftoverScan(src, bodyLine, rendered)
	return w
}

// quietHTML reports whether leftoverScan of s is sure to find nothing and
// to read every cutPlaceholder in s as a tag, without tokenizing it: s
// has no byte a match starts with (leftoverStarts), no character
// reference that could decode to one (numeric, or one of
// quietEntities), no percent-encoding of one (href and src are
// unescaped), and every < before a letter or / starts a plain tag (see
// plainTag), so no placeholder is inside an attribute value or a
// comment. (No < before ! or ? either: a comment or a processing
// instruction.)
func quietHTML(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '{', '$', '[':
			return false
		case '%':
			if i+2 < len(s) {
				switch strings.ToLower(s[i+1 : i+3]) {
				case "7b", "5b", "24":
					return false
				}
			}
		case '&':
			if i+1 < len(s) && s[i+1] == '#' {
				return false
			}
			for _, name := range quietEntities {
				if strings.HasPrefix(s[i+1:], name) {
					return false
				}
			}
		case '<':
			if i+1 < len(s) {
				if c := s[i+1]; c == '!' || c == '?' {
					return false
				} else if c == '/' || isLetter(c) {
					if n, _, _ := plainTag(s[i:]); n < 0 {
						return false
					}
				}
			}
		}
	}
	return true
}

// quietEntities are the named character references, as the tokenizer
// reads them (with their semicolon: none of them is one of the legacy
// names it reads without), of the bytes leftoverRE starts with and of %.
var quietEntities = []string{"lbrace;", "lcub;", "lbrack;", "lsqb;", "dollar;", "percnt;"}

// cutPlaceholder stands for a <pre> element cutCode emptied; its one
// attribute, cutAttr, tells the scan it read it as a tag.
const (
	cutAttr        = "data-blog-cut"
	cutPlaceholder = "<pre " + cutAttr + "></pre>"
)

// cutCode returns rendered with each <pre>…</pre> element (a highlighted
// code block, most of a post's HTML in tokens) replaced by
// cutPlaceholder, and how many it replaced; ok is false when it cannot
// show that the scan of leftoverWarning, which skips all that is inside
// pre and code, would find the same in the result. That needs no
// comment, processing instruction or raw text element anywhere (their
// contents are not tags), a plain start tag, and no end tag of pre,
// code, script or style inside, but a last </code>, with as many start
// tags of pre and code inside as end tags, and only plain tags inside (so
// that the first </pre> is the end). Whether each placeholder is
// read as a tag (it is not inside another tag's attribute value) is for
// the scan to count.
func cutCode(rendered string) (cut string, n int, ok bool) {
	if !strings.Contains(rendered, "<pre") {
		return "", 0, false
	}
	for i := 0; ; {
		j := strings.IndexByte(rendered[i:], '<')
		if j < 0 {
			break
		}
		i += j + 1
		if i < len(rendered) && (rendered[i] == '!' || rendered[i] == '?') {
			return "", 0, false
		}
		if i+1 < len(rendered) && rawTextStart[rendered[i]|0x20][rendered[i+1]|0x20] {
			for _, name := range rawTextElements {
				if hasTagName(rendered[i:], name) {
					return "", 0, false
				}
			}
		}
	}
	var b strings.Builder
	b.Grow(len(rendered) / 4)
	rest := rendered
	for {
		i := strings.Index(rest, "<pre")
		if i < 0 {
			b.WriteString(rest)
			return b.String(), n, true
		}
		if !hasTagName(rest[i+1:], "pre") {
			b.WriteString(rest[:i+4])
			rest = rest[i+4:]
			continue
		}
		tagEnd, _, _ := plainTag(rest[i:])
		if tagEnd < 0 {
			return "", 0, false
		}
		end := strings.Index(rest[i+tagEnd:], "</pre>")
		if end < 0 {
			return "", 0, false
		}
		inner := rest[i+tagEnd : i+tagEnd+end]
		if !closedCode(inner) {
			return "", 0, false
		}
		b.WriteString(rest[:i])
		b.WriteString(cutPlaceholder)
		n++
		rest = rest[i+tagEnd+end+len("</pre>"):]
	}
}

// rawTextElements are the elements whose contents the tokenizer reads as
// text, not tags.
var rawTextElements = []string{"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"}

// rawTextStart holds the first two letters of each of rawTextElements,
// by byte: most tags (chroma's spans) are told apart by them, with two
// loads rather than a map's hash.
var rawTextStart = func() *[256][256]bool {
	var t [256][256]bool
	for _, name := range rawTextElements {
		t[name[0]][name[1]] = true
	}
	return &t
}()

// hasTagName reports whether s, just after a < (or </), starts with the
// tag name (in any case) followed by the end of the name.
func hasTagName(s, name string) bool {
	if len(s) <= len(name) || !strings.EqualFold(s[:len(name)], name) {
		return false
	}
	switch s[len(name)] {
	case ' ', '\t', '\n', '\f', '\r', '/', '>':
		return true
	}
	return false
}

// plainTag returns the length of the tag at the start of s, its name in
// lower case and whether it is an end tag, when it is plain: <name
// followed by attributes of the form name or name="value" (the value
// without quotes or angle brackets), or </name>; so that its first >
// ends it, as the tokenizer reads it. Else n is -1.
func plainTag(s string) (n int, name string, end bool) {
	i := 1
	if i < len(s) && s[i] == '/' {
		end = true
		i++
	}
	start := i
	for i < len(s) && isNameByte(s[i]) {
		i++
	}
	if i == start || !isLetter(s[start]) {
		return -1, "", false
	}
	name = strings.ToLower(s[start:i])
	for i < len(s) {
		switch c := s[i]; {
		case c == '>':
			return i + 1, name, end
		case c == ' ' || c == '\n' || c == '\t':
			i++
		case !end && isLetter(c):
			for i < len(s) && isNameByte(s[i]) {
				i++
			}
			if i < len(s) && s[i] == '=' {
				if i+1 >= len(s) || s[i+1] != '"' {
					return -1, "", false
				}
				v := strings.IndexAny(s[i+2:], "\"<>'")
				if v < 0 || s[i+2+v] != '"' {
					return -1, "", false
				}
				i += 2 + v + 1
				if i < len(s) && s[i] != ' ' && s[i] != '>' {
					return -1, "", false
				}
			}
		default:
			return -1, "", false
		}
	}
	return -1, "", false
}

func isLetter(c byte) bool   { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isNameByte(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '-' }

// closedCode reports whether the inside of a <pre> element keeps the
// scan inside code all through: plain tags only (see plainTag), no end
// tag of pre, code, script or style but a </code> that ends it, and as
// many start tags of pre and code as that.
func closedCode(inner string) bool {
	inner, closed := strings.CutSuffix(inner, "</code>")
	starts := 0
	for i := 0; ; {
		j := strings.IndexByte(inner[i:], '<')
		if j < 0 {
			break
		}
		i += j
		n, name, end := plainTag(inner[i:])
		if n < 0 {
			return false
		}
		switch name {
		case "pre", "code", "script", "style":
			if end {
				return false
			}
			starts++
		}
		i += n
	}
	if closed {
		return starts == 1
	}
	return starts == 0
}

// leftoverScan is leftoverWarning's scan of rendered, and how many
// cutPlaceholder start tags it read.
func leftoverScan(src []byte, bodyLine int, rendered string) (_ []warning, cuts int) {
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
			switch a := atom.Lookup(name); a {
			case atom.Pre, atom.Code, atom.Script, atom.Style:
				if a == atom.Pre && tt == html.StartTagToken && hasAttr {
					if k, _, _ := z.TagAttr(); string(k) == cutAttr {
						cuts++
					}
				}
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
		return nil, cuts
	}
	line, rest := sourceLine(src, bodyLine, found[0])
	if rest != "" {
		snippet = snippetAt(rest, leftoverEnds[kind]) // as written, not as typeset
	}
	msg := fmt.Sprintf("%s %s left in the post: blog build does not expand it, so readers see it as text; blog import converts it (or put it in a code block to show it)", leftoverNames[kind], snippet)
	if n := len(found) - 1; n > 0 {
		msg += fmt.Sprintf("; %d more in the post", n)
	}
	return []warning{{Line: line, Msg: msg}}, cuts
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

package importer

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/blog-gen/blog/diag"
)

// A converter rewrites the markup an old tool expanded at build time
// (Liquid, Hugo shortcodes, Blogofile's $$code, WordPress shortcodes)
// into the Markdown or HTML blog renders. It is run once, at import; the
// build never needs to understand the old markup.
type converter struct {
	file   string // the source file, for warnings
	line   int    // the line of the body's first byte in file
	src    string
	out    strings.Builder
	warns  []*diag.Error
	env    *env
	params map[string]any // front matter set by the conversion (toc: true)
}

// env is what a conversion may look up: the old site's settings and
// the new URLs of the other imported files.
type env struct {
	site map[string]any // site.* (Jekyll) or .Site.Params (Hugo)
	// url returns the new URL of the post or page the old tool named by
	// ref (a Jekyll post_url name, a link path, a Hugo ref), if known.
	url func(ref string) (string, bool)
	// include returns the text of a static include file, if it has one.
	include func(name string) (string, bool)
	// baseURL is the old site's URL (no trailing slash); basePath its
	// path part (Jekyll's baseurl), "" for the root.
	baseURL, basePath string
	// page is the front matter of the file being converted (Jekyll's
	// page.*), set per file.
	page map[string]any
}

func newConverter(file string, line int, src string, e *env) *converter {
	if e == nil {
		e = &env{}
	}
	return &converter{file: file, line: line, src: src, env: e}
}

// warnf records a warning at byte offset off of the body.
func (c *converter) warnf(off int, format string, args ...any) {
	line := c.line + strings.Count(c.src[:min(off, len(c.src))], "\n")
	c.warns = append(c.warns, diag.Errorf(diag.Pos{File: c.file, Line: line}, format, args...))
}

func (c *converter) setParam(k string, v any) {
	if c.params == nil {
		c.params = map[string]any{}
	}
	c.params[k] = v
}

// fence writes a fenced code block of code in lang with attrs (without
// braces), on lines of its own, with a fence longer than any run of
// backticks inside.
func (c *converter) fence(lang, attrs, code string) {
	code = strings.TrimPrefix(code, "\r")
	code = strings.TrimPrefix(code, "\n")
	code = strings.TrimRight(code, " \t\r\n")
	ticks := "```"
	for strings.Contains(code, ticks) {
		ticks += "`"
	}
	if s := c.out.String(); s != "" && !strings.HasSuffix(s, "\n") {
		c.out.WriteByte('\n')
	}
	c.out.WriteString(ticks)
	c.out.WriteString(lang)
	if attrs != "" {
		c.out.WriteString(" {" + attrs + "}")
	}
	c.out.WriteByte('\n')
	c.out.WriteString(code)
	c.out.WriteString("\n" + ticks + "\n")
}

// codeAttrs turns line-number and highlighted-line options into our fence
// attributes: hl_lines=[1,"3-4"] and linenos=true.
func codeAttrs(linenos bool, hl string) string {
	var parts []string
	if hl = strings.TrimSpace(strings.NewReplacer(",", " ", `"`, "", "'", "").Replace(hl)); hl != "" {
		var items []string
		for f := range strings.FieldsSeq(hl) {
			if strings.Contains(f, "-") {
				items = append(items, fmt.Sprintf("%q", f))
			} else {
				items = append(items, f)
			}
		}
		parts = append(parts, "hl_lines=["+strings.Join(items, ",")+"]")
	}
	if linenos {
		parts = append(parts, "linenos=true")
	}
	return strings.Join(parts, " ")
}

// splitArgs splits a tag's arguments on spaces, keeping quoted strings
// (with their quotes removed) together.
func splitArgs(s string) []string {
	var out []string
	var cur strings.Builder
	quote := byte(0)
	in := false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote != 0 && ch == '\\' && i+1 < len(s) && s[i+1] == quote:
			cur.WriteByte(quote)
			i++
		case quote != 0 && ch == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(ch)
		case ch == '"' || ch == '\'' || ch == '`':
			quote, in = ch, true
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(ch)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	return out
}

// keyValues parses name=value arguments (values may be quoted); bare
// words go under their position ("0", "1", …).
func keyValues(args []string) map[string]string {
	m := map[string]string{}
	n := 0
	for _, a := range args {
		if k, v, ok := strings.Cut(a, "="); ok && k != "" && !strings.ContainsAny(k, "/.:") {
			m[strings.ToLower(k)] = v
			continue
		}
		m[fmt.Sprint(n)] = a
		n++
	}
	return m
}

// kramdownLeft is kramdown markup ({:toc}, {: .class}, {:#id},
// {:key="v"}, {::ext}, {:/ext}) as blog build's leftover check finds it.
var kramdownLeft = regexp.MustCompile(`\{:(?:\s*toc\s*\}|\s*[.#][A-Za-z_-]|\s*[A-Za-z][\w:-]*=|:[a-z]|/[a-z])`)

// checkKramdown warns, once a post per construct, about kramdown markup
// a Markdown post still has outside code after its conversion (an
// attribute list over two lines, one in a Hugo or Blogofile post), which
// the new site would show as text.
func (s *site) checkKramdown() {
	for _, d := range s.docs {
		if d.ext != ".md" || !strings.Contains(d.body, "{:") {
			continue
		}
		fence := ""
		for i, line := range strings.Split(d.body, "\n") {
			t := strings.TrimLeft(line, " ")
			if f := fenceRun(t); f != "" && (fence == "" || strings.HasPrefix(t, fence)) {
				if fence == "" {
					fence = f
				} else {
					fence = ""
				}
				continue
			}
			if fence != "" || strings.HasPrefix(line, "    ") || strings.HasPrefix(line, "\t") {
				continue
			}
			if m := kramdownLeft.FindStringIndex(line); m != nil {
				end := strings.IndexByte(line[m[0]:], '}')
				text := line[m[0]:]
				if end >= 0 {
					text = text[:end+1]
				}
				s.warn(diag.Pos{File: d.src, Line: d.line + i}, "kramdown %s left in the post: blog's Markdown has no attribute lists; remove or convert it by hand", text)
			}
		}
	}
}

// fenceRun is the ``` or ~~~ run a line opens or closes a fence with.
func fenceRun(line string) string {
	for _, c := range []string{"`", "~"} {
		if n := len(line) - len(strings.TrimLeft(line, c)); n >= 3 {
			return line[:n]
		}
	}
	return ""
}

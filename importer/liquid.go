package importer

import (
	"fmt"
	"html"
	"regexp"
	"strings"
)

// convertLiquid rewrites the Liquid and kramdown of a Jekyll post: what
// Jekyll would have expanded at build time is expanded now, once.
//
//	{% highlight ruby linenos %}…{% endhighlight %}  → a fenced block
//	{% raw %}…{% endraw %}                          → the text inside, untouched
//	{% post_url 2010-07-21-name %}, {% link path %}  → the target's new URL
//	{{ site.url }}, {{ site.baseurl }}, {{ site.x }} → their values
//	{{ "/x" | relative_url }}, absolute_url, prepend: site.baseurl
//	{% include file.html %}                         → the file's text, if static
//	{% comment %}…{% endcomment %}                  → removed
//	{:toc} (and its "* TOC" line)                   → toc: true in front matter
//	{: .class} and other attribute lists            → removed, with a warning
//	{::comment}…{:/comment}, {::nomarkdown}…{:/}     → removed; the HTML kept
//
// Anything else is kept as it was, with a warning naming it: the build
// will warn about it too, and the writer can fix it by hand.
func convertLiquid(c *converter) {
	src := c.src
	i := 0
	for i < len(src) {
		j := indexAny2(src[i:], "{%", "{{", "{:")
		if j < 0 {
			c.out.WriteString(src[i:])
			return
		}
		j += i
		c.out.WriteString(src[i:j])
		switch src[j : j+2] {
		case "{%":
			i = c.liquidTag(j)
		case "{{":
			i = c.liquidOutput(j)
		default:
			i = c.kramdownIAL(j)
		}
	}
}

func indexAny2(s string, seps ...string) int {
	best := -1
	for _, sep := range seps {
		if k := strings.Index(s, sep); k >= 0 && (best < 0 || k < best) {
			best = k
		}
	}
	return best
}

// tagAt parses the Liquid tag {% … %} at off: its name, its arguments
// and the offset after it. ok is false when the tag is not closed.
func tagAt(src string, off int) (name, args string, end int, ok bool) {
	k := strings.Index(src[off+2:], "%}")
	if k < 0 {
		return "", "", 0, false
	}
	inner := src[off+2 : off+2+k]
	inner = strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(inner, "-"), "-"))
	name, args, _ = strings.Cut(inner, " ")
	return name, strings.TrimSpace(args), off + 2 + k + 2, true
}

// endTags match the tags that close the blocks convertLiquid knows.
var endTags = map[string]*regexp.Regexp{}

func init() {
	for _, name := range []string{"endraw", "endcomment", "endhighlight"} {
		endTags[name] = regexp.MustCompile(`\{%-?\s*` + name + `\s*-?%\}`)
	}
}

// endTag finds {% name %} from off on: the offsets of its start and end.
func endTag(src string, off int, name string) (start, end int, ok bool) {
	loc := endTags[name].FindStringIndex(src[off:])
	if loc == nil {
		return 0, 0, false
	}
	return off + loc[0], off + loc[1], true
}

func (c *converter) liquidTag(off int) int {
	src := c.src
	name, args, end, ok := tagAt(src, off)
	if !ok {
		c.warnf(off, "unclosed Liquid tag: kept as text")
		c.out.WriteString("{%")
		return off + 2
	}
	block := func(endName string) (inner string, after int, ok bool) {
		s, e, ok := endTag(src, end, endName)
		if !ok {
			c.warnf(off, "{%% %s %%} has no {%% %s %%}: kept as text", name, endName)
			return "", 0, false
		}
		return src[end:s], e, true
	}
	switch name {
	case "raw":
		inner, after, ok := block("endraw")
		if !ok {
			break
		}
		c.out.WriteString(inner)
		return after
	case "comment":
		if _, after, ok := block("endcomment"); ok {
			return after
		}
	case "highlight":
		inner, after, ok := block("endhighlight")
		if !ok {
			break
		}
		f := splitArgs(args)
		lang, hl, linenos := "", "", false
		for k, a := range f {
			switch {
			case k == 0:
				lang = a
			case a == "linenos" || strings.HasPrefix(a, "linenos="):
				linenos = true
			case strings.HasPrefix(a, "hl_lines="):
				hl = strings.TrimPrefix(a, "hl_lines=")
			}
		}
		c.fence(lang, codeAttrs(linenos, hl), inner)
		return after
	case "post_url", "link":
		ref := strings.Trim(args, `"' `)
		if u, ok := c.env.lookup(ref); ok {
			c.out.WriteString(u)
			return end
		}
		c.warnf(off, "{%% %s %s %%}: no imported post or page by that name: kept as text", name, ref)
	case "include", "include_relative":
		f := splitArgs(args)
		if len(f) == 1 && c.env.include != nil {
			if text, ok := c.env.include(f[0]); ok && !strings.Contains(text, "{%") && !strings.Contains(text, "{{") {
				c.out.WriteString(text)
				return end
			}
		}
		c.warnf(off, "{%% %s %s %%}: the include has parameters or Liquid of its own, or is missing: kept as text", name, args)
	default:
		c.warnf(off, "Liquid tag {%% %s %%} cannot be converted: kept as text", name)
	}
	c.out.WriteString(src[off:end])
	return end
}

// liquidOutput converts {{ expression }}: site variables and the URL
// filters Jekyll sites use for links.
func (c *converter) liquidOutput(off int) int {
	src := c.src
	k := strings.Index(src[off+2:], "}}")
	if k < 0 {
		c.out.WriteString("{{")
		return off + 2
	}
	end := off + 2 + k + 2
	expr := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(src[off+2:off+2+k], "-"), "-"))
	if v, ok := c.liquidValue(expr); ok {
		c.out.WriteString(v)
		return end
	}
	c.warnf(off, "Liquid output {{ %s }} cannot be converted: kept as text", expr)
	c.out.WriteString(src[off:end])
	return end
}

func (c *converter) liquidValue(expr string) (string, bool) {
	parts := strings.Split(expr, "|")
	v, ok := c.liquidTerm(strings.TrimSpace(parts[0]))
	if !ok {
		return "", false
	}
	for _, f := range parts[1:] {
		name, arg, _ := strings.Cut(strings.TrimSpace(f), ":")
		arg = strings.TrimSpace(arg)
		switch strings.TrimSpace(name) {
		case "relative_url":
			v = joinURL(c.env.basePath, v)
		case "absolute_url":
			v = c.env.baseURL + joinURL(c.env.basePath, v)
		case "prepend":
			a, ok := c.liquidTerm(arg)
			if !ok {
				return "", false
			}
			v = a + v
		case "append":
			a, ok := c.liquidTerm(arg)
			if !ok {
				return "", false
			}
			v += a
		default:
			return "", false
		}
	}
	return v, true
}

// liquidTerm is a quoted string or a site variable.
func (c *converter) liquidTerm(t string) (string, bool) {
	if len(t) >= 2 && (t[0] == '"' || t[0] == '\'') && t[len(t)-1] == t[0] {
		return t[1 : len(t)-1], true
	}
	var v any = c.env.site
	name, ok := strings.CutPrefix(t, "site.")
	if !ok {
		if name, ok = strings.CutPrefix(t, "page."); !ok {
			return "", false
		}
		v = c.env.page
	} else {
		switch name {
		case "url":
			return c.env.baseURL, true
		case "baseurl":
			return c.env.basePath, true
		}
	}
	for part := range strings.SplitSeq(name, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return "", false
		}
		if v, ok = m[part]; !ok {
			return "", false
		}
	}
	switch v.(type) {
	case string, int, int64, uint64, float64, bool:
		return fmt.Sprint(v), true
	}
	return "", false
}

// joinURL puts path p under the base path base ("" or "/blog").
func joinURL(base, p string) string {
	base = strings.TrimSuffix(base, "/")
	if p == "" {
		return base + "/"
	}
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	return base + p
}

var (
	tocLine  = regexp.MustCompile(`(?m)^[ \t]*(?:[*+-]|1\.)[ \t]+[^\n]*\n[ \t]*\{:\s*toc\s*\}[ \t]*$`)
	ialToken = regexp.MustCompile(`^\{:[^}\n]*\}`)
)

// kramdownIAL removes a kramdown attribute list ({: .class}, {:#id},
// {:toc}) at off. A table of contents becomes toc: true.
func (c *converter) kramdownIAL(off int) int {
	if strings.HasPrefix(c.src[off:], "{::") {
		return c.kramdownExtension(off)
	}
	m := ialToken.FindString(c.src[off:])
	if m == "" {
		c.out.WriteString("{:")
		return off + 2
	}
	end := off + len(m)
	if strings.TrimSpace(strings.Trim(m, "{:}")) == "toc" {
		c.setParam("toc", true)
		return end
	}
	if c.spanIAL(m) {
		return end
	}
	c.warnf(off, "kramdown attribute list %s: blog's Markdown has no attribute lists: removed", m)
	return end
}

// kramdownExt is a kramdown extension tag: {::name attrs} or, without
// a body, {::name attrs /}.
var kramdownExt = regexp.MustCompile(`^\{::([a-z]+)\b[^}\n]*?(/?)\}`)

// kramdownExtension converts the kramdown extension at off: a comment
// goes, with its text; nomarkdown's text stays as it is (HTML, which the
// imported site passes through); options go, with a warning. Any other
// is kept as text, with a warning.
func (c *converter) kramdownExtension(off int) int {
	m := kramdownExt.FindStringSubmatch(c.src[off:])
	if m == nil {
		c.warnf(off, "kramdown extension %s cannot be converted: kept as text", snippet(c.src[off:]))
		c.out.WriteString("{::")
		return off + 3
	}
	end := off + len(m[0])
	name, empty := m[1], m[2] == "/"
	body, after := "", end
	if !empty {
		closeTag := "{:/" + name + "}"
		k := strings.Index(c.src[end:], closeTag)
		if k < 0 {
			closeTag = "{:/}"
			k = strings.Index(c.src[end:], closeTag)
		}
		if k < 0 {
			c.warnf(off, "kramdown extension %s is not closed: kept as text", m[0])
			c.out.WriteString(m[0])
			return end
		}
		body, after = c.src[end:end+k], end+k+len(closeTag)
	}
	switch name {
	case "comment":
		// its lines stay, blank, so later warnings keep their lines
		c.out.WriteString(strings.Repeat("\n", strings.Count(c.src[off:after], "\n")))
	case "nomarkdown":
		c.out.WriteString(body)
	case "options":
		c.warnf(off, "kramdown options %s: blog's Markdown has no such options: removed", m[0])
	default:
		c.warnf(off, "kramdown extension %s cannot be converted: kept as text", m[0])
		c.out.WriteString(c.src[off:after])
	}
	return after
}

func snippet(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

var (
	// lastLink is a Markdown link or image just before an attribute list.
	lastLink = regexp.MustCompile(`(!?)\[([^\[\]\n]*)\]\(\s*<?([^\s()<>]+)>?(?:\s+"([^"\n]*)")?\s*\)$`)
	// ialPart is one attribute of a list: key="value", key=value, .class or #id.
	ialPart = regexp.MustCompile(`^\s*(?:([A-Za-z][\w:-]*)=(?:"([^"]*)"|'([^']*)'|([^\s"'}]+))|\.([\w-]+)|#([\w-]+))`)
)

// spanIAL applies the attribute list m to the link or image written just
// before it ([text](url){:target="_blank"}, ![alt](src){:width="300"}) by
// writing that element as HTML, which the imported site passes through.
// It reports false, writing nothing, when there is no such element or m
// is not a plain list of attributes.
func (c *converter) spanIAL(m string) bool {
	out := c.out.String()
	lm := lastLink.FindStringSubmatchIndex(out)
	if lm == nil {
		return false
	}
	var attrs strings.Builder
	var classes []string
	rest := strings.TrimSpace(strings.TrimSuffix(strings.TrimPrefix(m, "{:"), "}"))
	for rest != "" {
		pm := ialPart.FindStringSubmatch(rest)
		if pm == nil {
			return false
		}
		switch {
		case pm[5] != "":
			classes = append(classes, pm[5])
		case pm[6] != "":
			attrs.WriteString(` id="` + html.EscapeString(pm[6]) + `"`)
		case strings.HasPrefix(strings.ToLower(pm[1]), "on"):
			return false // an event handler is script: not carried over
		default:
			attrs.WriteString(" " + pm[1] + `="` + html.EscapeString(pm[2]+pm[3]+pm[4]) + `"`)
		}
		rest = strings.TrimSpace(rest[len(pm[0]):])
	}
	if len(classes) > 0 {
		attrs.WriteString(` class="` + html.EscapeString(strings.Join(classes, " ")) + `"`)
	}
	sub := func(i int) string {
		if lm[2*i] < 0 {
			return ""
		}
		return out[lm[2*i]:lm[2*i+1]]
	}
	title := ""
	if t := sub(4); t != "" {
		title = ` title="` + html.EscapeString(t) + `"`
	}
	var el string
	if sub(1) == "!" {
		el = `<img src="` + html.EscapeString(sub(3)) + `" alt="` + html.EscapeString(sub(2)) + `"` + title + attrs.String() + `>`
	} else {
		el = `<a href="` + html.EscapeString(sub(3)) + `"` + title + attrs.String() + `>` + sub(2) + `</a>`
	}
	c.out.Reset()
	c.out.WriteString(out[:lm[0]] + el)
	return true
}

// dropTOCList removes the "* TOC" list item kramdown replaces by the table
// of contents, so only {:toc} is left for kramdownIAL.
func dropTOCList(src string) string {
	return tocLine.ReplaceAllStringFunc(src, func(m string) string {
		return m[strings.LastIndex(m, "{:"):]
	})
}

// lookup asks env.url, tolerating a missing function.
func (e *env) lookup(ref string) (string, bool) {
	if e.url == nil {
		return "", false
	}
	return e.url(ref)
}

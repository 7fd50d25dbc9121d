package render

import (
	"html/template"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// tocEntry is one heading the table of contents links to.
type tocEntry struct {
	level int
	id    string
	text  string // escaped HTML text
}

// tocEntries lists the headings of doc whose level is in levels and that
// have an id, in document order.
func tocEntries(doc ast.Node, src []byte, levels [2]int) []tocEntry {
	var out []tocEntry
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		h, ok := n.(*ast.Heading)
		if !ok || h.Level < levels[0] || h.Level > levels[1] {
			continue
		}
		id, ok := h.AttributeString("id")
		if !ok {
			continue
		}
		idb, ok := id.([]byte)
		if !ok || len(idb) == 0 {
			continue
		}
		out = append(out, tocEntry{level: h.Level, id: string(idb), text: headingText(h, src)})
	}
	return out
}

// headingText is the text of a heading as escaped HTML, without markup or
// footnote references.
func headingText(h ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(h, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *east.FootnoteLink, *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			b.WriteString(template.HTMLEscapeString(string(n.Segment.Value(src))))
			if n.SoftLineBreak() || n.HardLineBreak() {
				b.WriteByte(' ')
			}
		case *ast.String:
			if n.IsCode() { // the typographer's entities
				b.Write(n.Value)
			} else {
				b.WriteString(template.HTMLEscapeString(string(n.Value)))
			}
		}
		return ast.WalkContinue, nil
	})
	return strings.TrimSpace(b.String())
}

// tocHTML renders entries as a nested list in a labelled nav: a heading
// deeper than the one before opens a sublist, a shallower one closes
// sublists back to its level.
func tocHTML(entries []tocEntry, label string) template.HTML {
	if len(entries) == 0 {
		return ""
	}
	var b strings.Builder
	b.WriteString(`<nav class="toc" aria-label="` + template.HTMLEscapeString(label) + `">` + "\n")
	var stack []int // levels of the open lists
	for _, e := range entries {
		switch {
		case len(stack) == 0:
			b.WriteString("<ol>\n<li>")
			stack = append(stack, e.level)
		case e.level > stack[len(stack)-1]:
			b.WriteString("\n<ol>\n<li>")
			stack = append(stack, e.level)
		default:
			for len(stack) > 1 && e.level < stack[len(stack)-1] && e.level <= stack[len(stack)-2] {
				b.WriteString("</li>\n</ol>")
				stack = stack[:len(stack)-1]
			}
			b.WriteString("</li>\n<li>")
		}
		b.WriteString(`<a href="#` + template.HTMLEscapeString(e.id) + `">` + e.text + `</a>`)
	}
	for range stack {
		b.WriteString("</li>\n</ol>")
	}
	b.WriteString("\n</nav>")
	return template.HTML(b.String())
}

// ShowTOC decides whether a post shows its table of contents: the front
// matter's toc (a bool) decides when set, else the post needs at least min
// headings in the contents.
func ShowTOC(params map[string]any, headings, min int) bool {
	if v, ok := params["toc"].(bool); ok {
		return v && headings > 0
	}
	return min > 0 && headings >= min
}

package render

import (
	"html/template"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"
)

// maxCodeTitle bounds a fence's title attribute, which comes from the post.
const maxCodeTitle = 200

// fenceTitle reads title="NAME" (or title=NAME, or single quotes) from the
// attributes in braces of a fence's info string: ```go {title="main.go"}.
// It returns "" when there is none.
func fenceTitle(info string) string {
	i := strings.IndexByte(info, '{')
	if i < 0 {
		return ""
	}
	attrs := info[i:]
	j := strings.Index(attrs, "title")
	for j > 0 && !strings.ContainsRune("{ ,", rune(attrs[j-1])) {
		// part of another name (subtitle=): look further on
		k := strings.Index(attrs[j+1:], "title")
		if k < 0 {
			return ""
		}
		j += k + 1
	}
	if j < 0 {
		return ""
	}
	v := strings.TrimLeft(attrs[j+len("title"):], " ")
	if !strings.HasPrefix(v, "=") {
		return ""
	}
	v = strings.TrimLeft(v[1:], " ")
	var title string
	if v != "" && (v[0] == '"' || v[0] == '\'') {
		end := strings.IndexByte(v[1:], v[0])
		if end < 0 {
			return ""
		}
		title = v[1 : 1+end]
	} else {
		end := strings.IndexAny(v, " ,}")
		if end < 0 {
			end = len(v)
		}
		title = v[:end]
	}
	title = strings.TrimSpace(title)
	if len(title) > maxCodeTitle {
		return ""
	}
	return title
}

// writeCodeHeader opens the wrapper of a code block with a language label
// and a file name, when it has either; it reports whether it did, so the
// caller closes the wrapper with [closeCodeBlock]. The copy button is
// added to the header by the theme's script; without it the block reads
// the same.
func writeCodeHeader(w util.BufWriter, lang, title string) bool {
	if lang == "" && title == "" {
		return false
	}
	w.WriteString(`<div class="code-block">` + "\n" + `<div class="code-header">`)
	if title != "" {
		w.WriteString(`<span class="code-title">` + template.HTMLEscapeString(title) + `</span>`)
	}
	if lang != "" {
		w.WriteString(`<span class="code-lang">` + template.HTMLEscapeString(lang) + `</span>`)
	}
	w.WriteString("</div>\n")
	return true
}

func closeCodeBlock(w util.BufWriter) { w.WriteString("</div>\n") }

// hasCode reports whether doc holds a code block, so a theme loads its
// code tools only where they serve.
func hasCode(doc ast.Node) bool {
	found := false
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if k := n.Kind(); entering && (k == ast.KindFencedCodeBlock || k == ast.KindCodeBlock) {
			found = true
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return found
}

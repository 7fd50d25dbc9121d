package render

import (
	"bytes"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"
)

// summaryMinWords is how long a paragraph must be to stand as a post's
// automatic summary: a short opener ("Hi!") is passed over for the next.
const summaryMinWords = 8

// summaryParagraph picks the automatic summary among doc's top-level
// blocks: the first paragraph of at least summaryMinWords words, else the
// first paragraph at all. Headings, code and HTML are never summaries,
// nor is a paragraph ending in a colon that introduces a list or code
// (unless the body has no other paragraph).
func summaryParagraph(doc ast.Node, src []byte) ast.Node {
	var first, intro ast.Node
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if n.Kind() != ast.KindParagraph {
			continue
		}
		if introduces(n, src) {
			if intro == nil {
				intro = n
			}
			continue
		}
		if first == nil {
			first = n
		}
		if countWords(paragraphText(n, src)) >= summaryMinWords {
			return n
		}
	}
	if first == nil {
		return intro
	}
	return first
}

// introduces reports whether paragraph p ends in a colon and is followed
// by a list or code: "These are the keys:" says nothing on its own.
func introduces(p ast.Node, src []byte) bool {
	if !bytes.HasSuffix(bytes.TrimSpace(paragraphText(p, src)), []byte(":")) {
		return false
	}
	switch next := p.NextSibling(); {
	case next == nil:
		return true
	default:
		k := next.Kind()
		return k == ast.KindList || k == ast.KindFencedCodeBlock || k == ast.KindCodeBlock || k == east.KindTable
	}
}

// paragraphText is the source text of a block's lines.
func paragraphText(n ast.Node, src []byte) []byte {
	var b bytes.Buffer
	for i := 0; i < n.Lines().Len(); i++ {
		seg := n.Lines().At(i)
		b.Write(seg.Value(src))
	}
	return b.Bytes()
}

// dropFootnoteRefs removes footnote references from n, so a summary shown
// away from its footnotes has no dangling links. It runs after the body is
// rendered, so it changes only the summary.
func dropFootnoteRefs(n ast.Node) {
	var refs []ast.Node
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering && c.Kind() == east.KindFootnoteLink {
			refs = append(refs, c)
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, r := range refs {
		r.Parent().RemoveChild(r.Parent(), r)
	}
}

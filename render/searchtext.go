package render

import (
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	extast "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"
)

// MaxSearchText is the most bytes of a post's text that [SearchText]
// returns: the search index and its excerpts see the text up to there.
const MaxSearchText = 64 << 10

// searchParser parses Markdown as the renderer does (GFM, footnotes), for
// its text only: nothing is highlighted or rendered.
var searchParser = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote)).Parser()

// SearchText returns the text a reader sees in the Markdown body src, for
// the search index: the text of paragraphs, headings, lists, tables and
// code blocks, blocks separated by a new line and white space folded within
// them. Raw HTML, link destinations and footnote reference numbers are
// left out. The result is at most [MaxSearchText] bytes, cut at a rune.
func SearchText(src []byte) string {
	doc := searchParser.Parse(text.NewReader(src))
	var b strings.Builder
	block := func() {
		if b.Len() > 0 && !strings.HasSuffix(b.String(), "\n") {
			b.WriteByte('\n')
		}
	}
	ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if b.Len() >= MaxSearchText {
			return ast.WalkStop, nil
		}
		switch n := n.(type) {
		case *ast.Text:
			if entering {
				b.Write(n.Segment.Value(src))
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.String:
			if entering {
				b.Write(n.Value)
			}
		case *ast.CodeBlock, *ast.FencedCodeBlock:
			if entering {
				block()
				lines := n.Lines()
				for i := range lines.Len() {
					seg := lines.At(i)
					b.Write(seg.Value(src))
				}
				block()
			}
			return ast.WalkSkipChildren, nil
		case *ast.HTMLBlock, *ast.RawHTML, *extast.FootnoteLink, *extast.FootnoteBacklink:
			return ast.WalkSkipChildren, nil
		case *ast.AutoLink:
			if entering {
				b.Write(n.Label(src))
			}
			return ast.WalkSkipChildren, nil
		default:
			if n.Type() == ast.TypeBlock {
				block()
			}
		}
		return ast.WalkContinue, nil
	})
	return foldText(b.String())
}

// foldText folds the white space of each line of s, drops empty lines and
// cuts the result at MaxSearchText bytes.
func foldText(s string) string {
	var out strings.Builder
	for line := range strings.SplitSeq(s, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if out.Len() > 0 {
			out.WriteByte('\n')
		}
		out.WriteString(strings.Join(f, " "))
	}
	r := out.String()
	if len(r) > MaxSearchText {
		cut := MaxSearchText
		for cut > 0 && !utf8.RuneStart(r[cut]) {
			cut--
		}
		r = r[:cut]
	}
	return r
}

package render

import (
	"html"
	"strings"
	"unicode"
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

// searchParser parses Markdown with GFM and footnotes, for its text only:
// nothing is highlighted or rendered.
var searchParser = goldmark.New(goldmark.WithExtensions(extension.GFM, extension.Footnote)).Parser()

// SearchText returns the text a reader sees in the Markdown body src, for
// the search index: the text of paragraphs, headings, lists, tables and
// code blocks, blocks separated by a new line and white space folded within
// them. Raw HTML, link destinations and footnote reference numbers are
// left out. The result is at most [MaxSearchText] bytes, cut at a rune.
// It is the text of posts in formats that do not render with a
// [Markdown] (their source as Markdown reads it); a Markdown post's is
// [Markdown.SearchText], from the renderer's own parse.
func SearchText(src []byte) string {
	return searchTextOf(searchParser.Parse(text.NewReader(src)), src)
}

// SearchText is [SearchText] of the Markdown body src as m parses it for
// rendering, with its extensions (typography, footnotes when on): the
// text [Rendered.Text] holds, for a body not rendered this time.
func (m *Markdown) SearchText(src []byte) string {
	return searchTextOf(m.md.Parser().Parse(text.NewReader(src)), src)
}

// searchTextOf is the text of doc, parsed from src: see [SearchText].
// Typographic substitutions (strings of HTML references) are decoded.
func searchTextOf(doc ast.Node, src []byte) string {
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
			if entering && n.IsCode() {
				b.WriteString(html.UnescapeString(string(n.Value)))
			} else if entering {
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
// cuts the result at MaxSearchText bytes: each line's words (as
// strings.Fields splits them) joined by one space, the non-empty lines by
// a new line. It is one pass over s, with one allocation, because it
// runs for every post a build reads.
func foldText(s string) string {
	out := make([]byte, 0, min(len(s), MaxSearchText+utf8.UTFMax))
	lineHasWord, space := false, false
	for i := 0; i < len(s) && len(out) <= MaxSearchText; {
		if s[i] == '\n' {
			if lineHasWord {
				out = append(out, '\n') // dropped again if no word follows
			}
			lineHasWord, space = false, false
			i++
			continue
		}
		j := i // the end of the word starting at i
		n := 0 // the size of the white space character ending it
		for j < len(s) {
			if c := s[j]; c < utf8.RuneSelf {
				if asciiSpace[c] {
					n = 1
					break
				}
				j++
				continue
			}
			r, size := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(r) {
				n = size
				break
			}
			j += size
		}
		if j > i {
			if space {
				out = append(out, ' ')
			}
			out = append(out, s[i:j]...)
			lineHasWord, space = true, false
			i = j
			continue
		}
		space = lineHasWord // s[i] is white space, n bytes of it
		i += n
	}
	if len(out) > 0 && out[len(out)-1] == '\n' {
		out = out[:len(out)-1]
	}
	if len(out) > MaxSearchText {
		cut := MaxSearchText
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = out[:cut]
	}
	return string(out)
}

// asciiSpace is the ASCII white space strings.Fields splits at.
var asciiSpace = [256]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

package render

import (
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// PlainText returns the text of an HTML fragment (a rendered summary), for
// meta descriptions and other attributes: tags dropped, character
// references decoded once, white space folded. It is plain text, not HTML:
// html/template escapes it once where it is used.
//
// Inline elements add nothing, so the space before <code>.NET</code> stays
// and none appears inside "a<em>b</em>c"; block elements and line breaks
// separate words. Footnote references ([^1]) and the content of script,
// style and template elements are dropped.
func PlainText(h string) string {
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(h))
	skip := 0      // depth inside elements whose text is not shown
	inRef := false // inside a footnote reference's link
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.Join(strings.Fields(b.String()), " ")
		case html.TextToken:
			if skip == 0 && !inRef {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			switch {
			case slices.Contains(hiddenElems, a):
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case a == atom.A && tt == html.StartTagToken:
				inRef = hasAttr && isFootnoteRef(z)
			case a == atom.A && tt == html.EndTagToken:
				inRef = false
			case !inlineElems[a]:
				b.WriteByte(' ')
			}
		}
	}
}

// hiddenElems hold no text a reader sees.
var hiddenElems = []atom.Atom{atom.Script, atom.Style, atom.Template, atom.Noscript}

// isFootnoteRef reports whether the start tag z is at is a link with
// class footnote-ref (goldmark's [^1]).
func isFootnoteRef(z *html.Tokenizer) bool {
	for {
		k, v, more := z.TagAttr()
		if string(k) == "class" && slices.Contains(strings.Fields(string(v)), "footnote-ref") {
			return true
		}
		if !more {
			return false
		}
	}
}

// inlineElems are the phrasing elements: text on both sides of one is one
// run of text.
var inlineElems = map[atom.Atom]bool{
	atom.A: true, atom.Abbr: true, atom.B: true, atom.Bdi: true, atom.Bdo: true, atom.Cite: true,
	atom.Code: true, atom.Data: true, atom.Del: true, atom.Dfn: true, atom.Em: true, atom.I: true,
	atom.Ins: true, atom.Kbd: true, atom.Mark: true, atom.Q: true, atom.S: true, atom.Samp: true,
	atom.Small: true, atom.Span: true, atom.Strong: true, atom.Sub: true, atom.Sup: true,
	atom.Time: true, atom.U: true, atom.Var: true, atom.Img: true, atom.Wbr: true, atom.Label: true,
}

package build

import (
	"errors"
	"path"
	"strings"
	"time"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/highlight"
	"github.com/blog-gen/blog/render"
)

// A bodyFormat is one kind of post body: the file name endings that
// mark it and how its body, after the front matter, becomes HTML. The
// build knows the formats of [builder.bodyFormats] and nothing else: a new
// format is a new entry there, with its render function in a file of its
// own.
type bodyFormat struct {
	name string   // as said in messages: "markdown"
	exts []string // file name endings, lower case, with the dot
	// render converts body, the part of file after its front matter
	// starting at line bodyLine, to HTML. The Rendered has the body, its
	// summary (the part before <!--more-->, else the first paragraph)
	// and what the page shows of it (TOC, words). Warnings are the
	// format's own, such as a code block highlighted inexactly.
	render func(file string, body []byte, bodyLine int) (render.Rendered, []warning, error)
	// frontMatter cuts the front matter from src and parses it; nil means
	// [render.ReadFrontMatter] (YAML, TOML or JSON, told by the first
	// line). A format with front matter of its own (a reST field list)
	// sets it.
	frontMatter func(file string, src []byte, loc *time.Location) (fm render.FrontMatter, body []byte, bodyLine int, err error)
	// images lists the images body shows, with their positions in the
	// file; nil for a format whose images the build does not handle.
	images func(body []byte, bodyLine int) []render.ImageRef
	// searchText is the text of body for the search index. When
	// textRendered is set, render gives it from its own parse
	// (render.Rendered.Text) and searchText gives the same, for a body not
	// rendered; else renderBody takes it from searchText.
	searchText   func(body []byte) string
	textRendered bool
}

// bodyFormats returns the formats this build reads in posts/ and pages/,
// made from the configuration once in setup.
func (b *builder) bodyFormats() []bodyFormat {
	return append([]bodyFormat{
		{name: "markdown", exts: []string{".md", ".markdown"}, render: b.renderMarkdown, images: b.md.Images, searchText: b.md.SearchText, textRendered: true},
		{name: "html", exts: []string{".html", ".htm"}, render: b.renderHTML, images: b.htmlBody.Images, searchText: render.SearchText},
	}, b.rstFormats()...)
}

// formatOf returns the format of the file name, or nil when it is not a
// post (an image, a .xml, a file of a format the site does not read).
func (b *builder) formatOf(name string) *bodyFormat {
	ext := strings.ToLower(path.Ext(name))
	for i := range b.formats {
		for _, e := range b.formats[i].exts {
			if ext == e {
				return &b.formats[i]
			}
		}
	}
	return nil
}

// readFrontMatter parses the front matter of the source file of format f
// and returns it with the body after it.
func (f *bodyFormat) readFrontMatter(file string, src []byte, loc *time.Location) (render.FrontMatter, []byte, int, error) {
	if f.frontMatter != nil {
		return f.frontMatter(file, src, loc)
	}
	return render.ReadFrontMatter(file, src, loc)
}

// cutBody returns the body of the source file of format f, after its
// front matter, and the line it starts on.
func (f *bodyFormat) cutBody(file string, src []byte) ([]byte, int, error) {
	if f.frontMatter != nil {
		_, body, line, err := f.frontMatter(file, src, time.UTC)
		return body, line, err
	}
	_, _, body, line, err := render.CutFrontMatter(file, src)
	return body, line, err
}

// isPost reports whether the file name is a post or page in one of the
// build's formats.
func (b *builder) isPost(name string) bool { return b.formatOf(name) != nil }

// renderMarkdown renders a Markdown body. A code block chroma could not
// lex in time fails the first render, which says where it is; the page
// then keeps chroma's best try and the build warns (commit makes the next
// build a full one, which tries again).
func (b *builder) renderMarkdown(file string, body []byte, bodyLine int) (render.Rendered, []warning, error) {
	r, err := b.md.Render(file, body, bodyLine)
	if !errors.Is(err, highlight.ErrInexact) {
		return r, nil, err
	}
	w := []warning{inexactWarning(err, bodyLine)}
	r, err = b.mdBest.Render(file, body, bodyLine)
	return r, w, err
}

// inexactWarning is the warning for err, a highlighter's ErrInexact for a
// code block of a body starting at line bodyLine.
func inexactWarning(err error, bodyLine int) warning {
	line := bodyLine
	var de *diag.Error
	if errors.As(err, &de) && de.Pos.Line > 0 {
		line = de.Pos.Line
	}
	return warning{Line: line, Msg: "code block may be highlighted wrongly (chroma's lexer timed out on a busy machine): the next build highlights it again"}
}

// renderHTML passes an HTML body through (see [render.HTMLBody]).
func (b *builder) renderHTML(file string, body []byte, bodyLine int) (render.Rendered, []warning, error) {
	r, err := b.htmlBody.Render(file, body, bodyLine)
	return r, nil, err
}

package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/blog-gen/blog/diag"
)

// A CodeHighlighter writes the HTML for one fenced code block. hl lists
// 1-based inclusive line ranges to emphasise. It must be safe for
// concurrent use.
type CodeHighlighter interface {
	Highlight(w io.Writer, lang, code string, hl [][2]int) error
}

// MarkdownOptions configures [NewMarkdown]. The zero value renders
// CommonMark plus GFM with raw HTML omitted and code unhighlighted.
type MarkdownOptions struct {
	Typographer bool // smart quotes, dashes and ellipses
	Footnotes   bool // [^1] footnotes
	UnsafeHTML  bool // pass raw HTML through instead of omitting it
	// Highlighter renders fenced code; nil writes plain escaped blocks.
	Highlighter CodeHighlighter
	// BasePath is the path of the site's URL ("/blog/" for
	// https://example.com/blog/). Root-relative links and images in posts
	// (/img/x.png) are put under it; "" or "/" leaves them alone.
	BasePath string
	// TOCLevels are the lowest and highest heading levels the table of
	// contents lists; zero means h2–h3.
	TOCLevels [2]int
	// TOCLabel names the table of contents for screen readers; "" is
	// "Contents".
	TOCLabel string
	// Images gives local images their size and smaller copies; nil
	// leaves images as written (but for lazy loading and figures).
	Images ImageResolver
}

// Markdown converts post bodies to HTML. It is safe for concurrent use.
type Markdown struct {
	md        goldmark.Markdown
	tocLevels [2]int
	tocLabel  string
	unsafe    bool
}

// Rendered is a post body converted to HTML.
type Rendered struct {
	HTML    template.HTML
	Summary template.HTML // the part before <!--more-->, else the first paragraph
	HasMore bool          // the body has a <!--more--> mark
	Words   int
	// TOC is the table of contents (a nav of nested links to the
	// headings), empty when the body has no headings in TOCLevels.
	TOC      template.HTML
	Headings int    // entries in TOC
	HasCode  bool   // the body has a code block
	Image    string // the first image's destination, as written
	// Text is the body's text for the search index, from the same parse
	// (see [Markdown.SearchText]).
	Text string
}

// moreMark separates the summary from the rest in the rendered HTML. It is
// an HTML comment, so it is harmless where it stays.
const moreMark = "<!--more-->"

// NewMarkdown returns a Markdown converter for opts.
func NewMarkdown(opts MarkdownOptions) *Markdown {
	exts := []goldmark.Extender{extension.GFM}
	if opts.Footnotes {
		exts = append(exts, extension.Footnote)
	}
	if opts.Typographer {
		exts = append(exts, extension.Typographer)
	}
	rendererOpts := []renderer.Option{
		renderer.WithNodeRenderers(
			util.Prioritized(&codeRenderer{h: opts.Highlighter}, 100),
			util.Prioritized(moreRenderer{}, 100),
		),
	}
	if opts.UnsafeHTML {
		rendererOpts = append(rendererOpts, html.WithUnsafe())
	}
	transformers := []util.PrioritizedValue{
		util.Prioritized(moreTransformer{}, 100),
		// Before links are rebased: the resolver sees what the post says.
		util.Prioritized(imageTransformer{res: opts.Images, unsafe: opts.UnsafeHTML}, 150),
	}
	if base := basePath(opts.BasePath); base != "/" {
		transformers = append(transformers, util.Prioritized(linkTransformer{base: base}, 200))
	}
	rendererOpts = append(rendererOpts, renderer.WithNodeRenderers(util.Prioritized(imageRenderer{base: opts.BasePath, unsafe: opts.UnsafeHTML}, 100)))
	md := goldmark.New(
		goldmark.WithExtensions(exts...),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(transformers...),
		),
		goldmark.WithRendererOptions(rendererOpts...),
	)
	levels := opts.TOCLevels
	if levels == [2]int{} {
		levels = [2]int{2, 3}
	}
	label := opts.TOCLabel
	if label == "" {
		label = "Contents"
	}
	return &Markdown{md: md, tocLevels: levels, tocLabel: label, unsafe: opts.UnsafeHTML}
}

// Render converts src, the body of file starting at line bodyLine, to
// HTML. Errors from the highlighter carry the code block's position.
func (m *Markdown) Render(file string, src []byte, bodyLine int) (Rendered, error) {
	ctx := parser.NewContext()
	ctx.Set(fileKey, file)
	doc := m.md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
	searchText := searchTextOf(doc, src) // before the summary drops its footnote references
	var buf bytes.Buffer
	buf.Grow(len(src) * 2)
	if err := m.md.Renderer().Render(&buf, src, doc); err != nil {
		var ce *codeError
		if errors.As(err, &ce) {
			line, _ := diag.LineCol(src, ce.offset)
			return Rendered{}, &diag.Error{Pos: diag.Pos{File: file, Line: line + bodyLine - 1, Col: 1}, Err: ce.err}
		}
		return Rendered{}, &diag.Error{Pos: diag.Pos{File: file}, Err: err}
	}
	out := buf.Bytes()
	r := Rendered{HTML: template.HTML(out), Words: countWords(src), Text: searchText}
	toc := tocEntries(doc, src, m.tocLevels)
	r.TOC, r.Headings, r.HasCode, r.Image = tocHTML(toc, m.tocLabel), len(toc), hasCode(doc), firstImage(doc)
	if i := bytes.Index(out, []byte(moreMark)); i >= 0 {
		r.HasMore = true
		r.Summary = template.HTML(bytes.TrimSpace(out[:i]))
		return r, nil
	}
	if n := summaryParagraph(doc, src); n != nil {
		dropFootnoteRefs(n)
		var p bytes.Buffer
		if err := m.md.Renderer().Render(&p, src, n); err == nil {
			r.Summary = template.HTML(bytes.TrimSpace(p.Bytes()))
		}
	}
	return r, nil
}

// RenderInline converts a short Markdown text (a front matter summary) to
// HTML, dropping the paragraph around it.
func (m *Markdown) RenderInline(s string) template.HTML {
	var buf bytes.Buffer
	if err := m.md.Convert([]byte(s), &buf); err != nil {
		return template.HTML(template.HTMLEscapeString(s))
	}
	out := bytes.TrimSpace(buf.Bytes())
	if bytes.HasPrefix(out, []byte("<p>")) && bytes.HasSuffix(out, []byte("</p>")) && bytes.Count(out, []byte("<p>")) == 1 {
		out = out[3 : len(out)-4]
	}
	return template.HTML(out)
}

// countWords counts the runs of letters and digits in src. ASCII bytes
// are classified by a table: bodies are mostly ASCII, and this runs over
// every body a build renders.
func countWords(src []byte) int {
	n, in := 0, false
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			i++
			if asciiWord[c] {
				if !in {
					n++
				}
				in = true
			} else {
				in = false
			}
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		i += size
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if !in {
				n++
			}
			in = true
		} else {
			in = false
		}
	}
	return n
}

// asciiWord marks the ASCII letters and digits.
var asciiWord = func() (t [utf8.RuneSelf]bool) {
	for c := range utf8.RuneSelf {
		t[c] = unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c))
	}
	return t
}()

// codeError carries a highlighter failure and where its block starts.
type codeError struct {
	offset int
	err    error
}

func (e *codeError) Error() string { return e.err.Error() }

// codeRenderer renders fenced and indented code blocks through the
// highlighter.
type codeRenderer struct {
	h CodeHighlighter
}

func (r *codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.render)
	reg.Register(ast.KindCodeBlock, r.render)
}

func (r *codeRenderer) render(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	var lang, title string
	var hl [][2]int
	offset := -1
	if f, ok := n.(*ast.FencedCodeBlock); ok && f.Info != nil {
		info := string(f.Info.Value(src))
		lang, hl = parseInfo(info)
		title = fenceTitle(info)
		offset = f.Info.Segment.Start // errors point at the fence line
	}
	var code strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		if offset < 0 {
			offset = seg.Start
		}
		code.Write(seg.Value(src))
	}
	if writeCodeHeader(w, lang, title) {
		defer closeCodeBlock(w)
	}
	if r.h == nil {
		fmt.Fprintf(w, `<pre class="chroma"><code>%s</code></pre>`+"\n", template.HTMLEscapeString(code.String()))
		return ast.WalkSkipChildren, nil
	}
	if err := r.h.Highlight(w, lang, code.String(), hl); err != nil {
		return ast.WalkStop, &codeError{offset: offset, err: fmt.Errorf("highlight %s code: %w", lang, err)}
	}
	return ast.WalkSkipChildren, nil
}

// parseInfo reads a fence's info string: the language, then optional
// attributes in braces, of which hl_lines is understood:
//
//	go {hl_lines=[2,"4-5"]}
//	go {hl_lines="2 4-5"}
func parseInfo(info string) (lang string, hl [][2]int) {
	info = strings.TrimSpace(info)
	attrs := ""
	if i := strings.IndexByte(info, '{'); i >= 0 {
		attrs = info[i:]
		info = info[:i]
	}
	if f := strings.Fields(info); len(f) > 0 {
		lang = strings.ToLower(f[0])
	}
	_, v, ok := strings.Cut(attrs, "hl_lines")
	if !ok {
		return lang, nil
	}
	v = strings.TrimLeft(v, " =")
	if end := strings.IndexAny(v, "]}"); end >= 0 {
		v = v[:end]
	}
	for part := range strings.FieldsFuncSeq(v, func(r rune) bool { return r == ',' || r == ' ' || r == '[' || r == '"' || r == '\'' }) {
		a, b, isRange := strings.Cut(part, "-")
		lo, err1 := strconv.Atoi(a)
		hi := lo
		var err2 error
		if isRange {
			hi, err2 = strconv.Atoi(b)
		}
		if err1 != nil || err2 != nil || lo < 1 || hi < lo {
			continue
		}
		hl = append(hl, [2]int{lo, hi})
	}
	return lang, hl
}

// kindMore is the AST node standing for a <!--more--> mark.
var kindMore = ast.NewNodeKind("More")

type moreNode struct{ ast.BaseBlock }

func (n *moreNode) Kind() ast.NodeKind         { return kindMore }
func (n *moreNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }
func (n *moreNode) IsRaw() bool                { return true }
func (moreRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindMore, renderMore)
}

type moreRenderer struct{}

func renderMore(w util.BufWriter, _ []byte, _ ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString(moreMark + "\n")
	}
	return ast.WalkSkipChildren, nil
}

// moreTransformer replaces the first top-level <!--more--> HTML block with a
// moreNode, so it survives with raw HTML off.
type moreTransformer struct{}

func (moreTransformer) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		hb, ok := n.(*ast.HTMLBlock)
		if !ok {
			continue
		}
		var b bytes.Buffer
		for i := 0; i < hb.Lines().Len(); i++ {
			seg := hb.Lines().At(i)
			b.Write(seg.Value(src))
		}
		if !strings.EqualFold(strings.Join(strings.Fields(b.String()), ""), moreMark) {
			continue
		}
		doc.ReplaceChild(doc, hb, &moreNode{})
		return
	}
}

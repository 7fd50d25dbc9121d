package render

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"

	"github.com/blog-gen/blog/diag"
)

// Images in posts
//
// A post's local images get what a reader's browser needs to lay the
// page out before they load (width and height), to load them late
// (loading="lazy", decoding="async", but not the first image of the page,
// which is likely in view) and to pick a copy of the right size (srcset
// and sizes). The build knows the files; this package asks it through an
// [ImageResolver] while the post's AST is transformed, before anything is
// rendered, so the body, the summary and the feeds agree.

// ImageInfo is what the build knows of one local image.
type ImageInfo struct {
	Width, Height int
	// Srcset lists smaller copies, narrowest first; empty when the image
	// is not resized (too small, or a format that is not).
	Srcset []ImageSource
	Sizes  string // the sizes attribute that goes with Srcset
	// Src is the URL the image is shown at when it is not the one
	// written (a file beside the post, published under another path);
	// "" keeps the one written.
	Src string
}

// ImageSource is one copy of an image in a srcset.
type ImageSource struct {
	URL   string
	Width int
}

// An ImageResolver finds the local image dest, as written in the post or
// page file (a slash path relative to the site root). ok is false when
// dest is not a local image the build knows (a remote URL, a missing
// file, which the build reports on its own). It must be safe for
// concurrent use.
type ImageResolver interface {
	ResolveImage(file, dest string) (info ImageInfo, ok bool)
}

// ImageRef is one image a post body shows: a Markdown image, or an <img>
// in raw HTML when raw HTML is allowed.
type ImageRef struct {
	Dest      string // as written
	Alt       bool   // it has alt text
	Line, Col int    // in the file
}

// fileKey holds the file being rendered in a parser context, for the
// image transformer.
var fileKey = parser.NewContextKey()

// Images lists the images in src, the body of a file starting at line
// bodyLine, in document order. Images in code are not images.
func (m *Markdown) Images(src []byte, bodyLine int) []ImageRef {
	if !bytes.Contains(src, []byte("![")) && !(m.unsafe && hasImgTag(src)) {
		return nil // most posts: no second parse
	}
	doc := m.md.Parser().Parse(text.NewReader(src))
	var refs []ImageRef
	at := func(offset int) (int, int) {
		line, col := diag.LineCol(src, offset)
		return line + bodyLine - 1, col
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Image:
			ref := ImageRef{Dest: string(n.Destination), Alt: len(bytes.TrimSpace(imageAlt(n, src))) > 0}
			ref.Line, ref.Col = at(max(n.Pos(), 0))
			refs = append(refs, ref)
		case *ast.RawHTML, *ast.HTMLBlock:
			if !m.unsafe {
				return ast.WalkSkipChildren, nil
			}
			raw, start := rawBytes(n, src)
			for _, t := range imgTags(raw) {
				ref := ImageRef{Dest: t.src, Alt: t.hasAlt()}
				ref.Line, ref.Col = at(start + t.offset)
				refs = append(refs, ref)
			}
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return refs
}

// imageAlt is the text of an image's description.
func imageAlt(n ast.Node, src []byte) []byte {
	var b []byte
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			b = append(b, t.Segment.Value(src)...)
		} else {
			b = append(b, imageAlt(c, src)...)
		}
	}
	return b
}

// rawBytes is the source of a raw HTML node and the offset it starts at.
func rawBytes(n ast.Node, src []byte) ([]byte, int) {
	var segs *text.Segments
	switch n := n.(type) {
	case *ast.RawHTML:
		segs = n.Segments
	case *ast.HTMLBlock:
		segs = n.Lines()
	}
	if segs == nil || segs.Len() == 0 {
		return nil, 0
	}
	var b []byte
	for i := 0; i < segs.Len(); i++ {
		seg := segs.At(i)
		b = append(b, seg.Value(src)...)
	}
	if hb, ok := n.(*ast.HTMLBlock); ok && hb.HasClosure() {
		cl := hb.ClosureLine
		b = append(b, cl.Value(src)...)
	}
	first := segs.At(0)
	return b, first.Start
}

// imageAttrs are the attributes an image gets, in order: width and height,
// lazy loading unless it is the page's first image, and its srcset.
func imageAttrs(info ImageInfo, first bool) [][2]string {
	var attrs [][2]string
	if info.Width > 0 && info.Height > 0 {
		attrs = append(attrs, [2]string{"width", fmt.Sprint(info.Width)}, [2]string{"height", fmt.Sprint(info.Height)})
	}
	if !first {
		attrs = append(attrs, [2]string{"loading", "lazy"}, [2]string{"decoding", "async"})
	}
	if len(info.Srcset) > 0 {
		var set strings.Builder
		for i, s := range info.Srcset {
			if i > 0 {
				set.WriteString(", ")
			}
			fmt.Fprintf(&set, "%s %dw", s.URL, s.Width)
		}
		attrs = append(attrs, [2]string{"srcset", set.String()})
		if info.Sizes != "" {
			attrs = append(attrs, [2]string{"sizes", info.Sizes})
		}
	}
	return attrs
}

// imageTransformer gives the local images of a post their attributes,
// and makes an image with a title that is alone in its paragraph a
// figure with a caption.
type imageTransformer struct {
	res    ImageResolver
	unsafe bool
}

// rawImagesAttr is the attribute of a raw HTML node that holds the
// edits of its <img> tags ([]tagEdit), found in the same bytes the
// renderer writes.
var rawImagesAttr = []byte("blog-images")

func (t imageTransformer) Transform(doc *ast.Document, reader text.Reader, pc parser.Context) {
	src := reader.Source()
	file, _ := pc.Get(fileKey).(string)
	first := true
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Image:
			if t.res != nil && file != "" {
				if info, ok := t.res.ResolveImage(file, string(n.Destination)); ok {
					if info.Src != "" {
						n.Destination = []byte(info.Src)
					}
					for _, a := range imageAttrs(info, first) {
						n.SetAttributeString(a[0], []byte(a[1]))
					}
				}
			}
			first = false
		case *ast.RawHTML, *ast.HTMLBlock:
			if !t.unsafe {
				return ast.WalkSkipChildren, nil
			}
			raw, _ := rawBytes(n, src)
			add, has := imageEdits(t.res, file, raw, first)
			first = first && !has
			if len(add) > 0 {
				n.SetAttribute(rawImagesAttr, add)
			}
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	figures(doc)
}

// figures replaces each paragraph holding only an image with a title by a
// figure whose caption is the title.
func figures(doc *ast.Document) {
	var paras []*ast.Paragraph
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if p, ok := n.(*ast.Paragraph); ok && entering {
			if img, ok := p.FirstChild().(*ast.Image); ok && p.ChildCount() == 1 && len(bytes.TrimSpace(img.Title)) > 0 {
				paras = append(paras, p)
			}
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	for _, p := range paras {
		img := p.FirstChild().(*ast.Image)
		fig := &figureNode{caption: img.Title}
		img.Title = nil
		fig.AppendChild(fig, img)
		p.Parent().ReplaceChild(p.Parent(), p, fig)
	}
}

// kindFigure is the AST node of a captioned image.
var kindFigure = ast.NewNodeKind("Figure")

type figureNode struct {
	ast.BaseBlock
	caption []byte
}

func (n *figureNode) Kind() ast.NodeKind         { return kindFigure }
func (n *figureNode) Dump(src []byte, level int) { ast.DumpHelper(n, src, level, nil, nil) }

// imageRenderer writes figures, and raw HTML with the attributes the
// transformer gave its <img> tags (and its links rebased, with a base).
type imageRenderer struct {
	base   string // the site's base path; "/" or "" leaves links alone
	unsafe bool
}

func (r imageRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(kindFigure, r.figure)
	if r.unsafe {
		reg.Register(ast.KindHTMLBlock, r.block)
		reg.Register(ast.KindRawHTML, r.inline)
	}
}

func (r imageRenderer) figure(w util.BufWriter, _ []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		w.WriteString("<figure>")
		return ast.WalkContinue, nil
	}
	w.WriteString("<figcaption>")
	w.Write(util.EscapeHTML(n.(*figureNode).caption))
	w.WriteString("</figcaption></figure>\n")
	return ast.WalkContinue, nil
}

// rewrite adds the transformer's attributes to the <img> tags of raw and
// rebases its links.
func (r imageRenderer) rewrite(n ast.Node, raw []byte) []byte {
	if v, ok := n.Attribute(rawImagesAttr); ok {
		raw = editImgTags(raw, v.([]tagEdit))
	}
	if base := basePath(r.base); r.base != "" && base != "/" {
		raw = rebaseHTML(base, raw)
	}
	return raw
}

func (r imageRenderer) block(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if entering {
		raw, _ := rawBytes(node, src)
		gmhtml.DefaultWriter.SecureWrite(w, r.rewrite(node, raw))
	}
	return ast.WalkContinue, nil
}

func (r imageRenderer) inline(w util.BufWriter, src []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkSkipChildren, nil
	}
	raw, _ := rawBytes(node, src)
	w.Write(r.rewrite(node, raw))
	return ast.WalkSkipChildren, nil
}

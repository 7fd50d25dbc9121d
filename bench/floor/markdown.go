package main

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"runtime"
	"slices"
	"sync/atomic"
	"time"

	"github.com/alecthomas/chroma/v2"
	chromahtml "github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// markdown is goldmark with the extensions Hugo enables by default and a
// fenced code block renderer that calls chroma as Hugo does.
type markdown struct{ gm goldmark.Markdown }

// blocks counts the code blocks highlighted.
var blocks atomic.Int64

func newMarkdown() *markdown {
	gm := goldmark.New(
		goldmark.WithExtensions(extension.GFM, extension.Footnote, extension.DefinitionList, extension.Typographer),
		goldmark.WithParserOptions(parser.WithAutoHeadingID()),
		goldmark.WithRendererOptions(renderer.WithNodeRenderers(util.Prioritized(&codeRenderer{}, 100))),
	)
	return &markdown{gm: gm}
}

func (m *markdown) render(w io.Writer, src []byte) error {
	return m.gm.Convert(src, w)
}

// codeRenderer renders fenced code blocks with chroma.
type codeRenderer struct{}

func (r *codeRenderer) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindFencedCodeBlock, r.fenced)
}

func (r *codeRenderer) fenced(w util.BufWriter, src []byte, n ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	b := n.(*ast.FencedCodeBlock)
	lang := string(b.Language(src))
	code := blockText(b, src)
	if err := highlight(w, lang, code); err != nil {
		return ast.WalkStop, err
	}
	return ast.WalkSkipChildren, nil
}

func blockText(b *ast.FencedCodeBlock, src []byte) string {
	var buf bytes.Buffer
	lines := b.Lines()
	for i := range lines.Len() {
		seg := lines.At(i)
		buf.Write(seg.Value(src))
	}
	return buf.String()
}

var (
	formatter = chromahtml.New(chromahtml.WithClasses(true), chromahtml.TabWidth(4))
	style     = styles.Get("monokai")
)

// highlight is what Hugo's highlighter does for one block: look the lexer
// up by name, coalesce, tokenise, format with classes. An unknown language
// is written escaped, without highlighting.
func highlight(w io.Writer, lang, code string) error {
	blocks.Add(1)
	lexer := lexers.Get(lang)
	if lexer == nil {
		_, err := fmt.Fprintf(w, "<pre><code>%s</code></pre>\n", html.EscapeString(code))
		return err
	}
	it, err := chroma.Coalesce(lexer).Tokenise(nil, code)
	if err != nil {
		return err
	}
	return formatter.Format(w, style, it)
}

// block is one fenced code block of the corpus.
type block struct{ lang, code string }

// collect parses every post and returns its fenced code blocks.
func collect(posts [][]byte) []block {
	p := goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()
	var out []block
	for _, src := range posts {
		doc := p.Parse(text.NewReader(src))
		ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if b, ok := n.(*ast.FencedCodeBlock); ok && entering {
				out = append(out, block{lang: string(b.Language(src)), code: blockText(b, src)})
			}
			return ast.WalkContinue, nil
		})
	}
	return out
}

// langs highlights every block of the corpus on one core, language by
// language, and prints the time of each.
func langs(posts [][]byte) error {
	runtime.GOMAXPROCS(1)
	all := collect(posts)
	by := map[string][]block{}
	for _, b := range all {
		by[b.lang] = append(by[b.lang], b)
	}
	names := make([]string, 0, len(by))
	for n := range by {
		names = append(names, n)
	}
	slices.Sort(names)
	type row struct {
		lang          string
		blocks, bytes int
		dur           time.Duration
	}
	var rows []row
	var total time.Duration
	for _, n := range names {
		r := row{lang: n, blocks: len(by[n])}
		start := time.Now()
		for _, b := range by[n] {
			r.bytes += len(b.code)
			if err := highlight(io.Discard, b.lang, b.code); err != nil {
				return err
			}
		}
		r.dur = time.Since(start)
		total += r.dur
		rows = append(rows, r)
	}
	fmt.Printf("chroma posts=%d blocks=%d wall_ms=%d (one core)\n", len(posts), len(all), total.Milliseconds())
	fmt.Printf("%-12s %7s %10s %9s %6s %9s\n", "language", "blocks", "bytes", "ms", "share", "µs/KB")
	for _, r := range rows {
		fmt.Printf("%-12s %7d %10d %9d %5.1f%% %9.0f\n", r.lang, r.blocks, r.bytes, r.dur.Milliseconds(),
			100*float64(r.dur)/float64(total), float64(r.dur.Microseconds())/(float64(r.bytes)/1024))
	}
	return nil
}

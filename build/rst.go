package build

import (
	"context"
	"errors"
	"time"

	"github.com/blog-gen/blog/highlight"
	"github.com/blog-gen/blog/render"
)

// RSTConfig sets how reStructuredText posts are read. docutils converts
// them, as an external program (Debian's python3-docutils).
type RSTConfig struct {
	// Enabled makes .rst files posts; false leaves them unread (and
	// docutils unneeded). Default true.
	Enabled bool `yaml:"enabled"`
	Txt     bool `yaml:"txt"` // .txt files are reStructuredText posts too; default false
	// LiteralLanguage is the language :: literal blocks (and code
	// directives naming none) are highlighted in; default "" (plain).
	LiteralLanguage string        `yaml:"literal_language"`
	Python          string        `yaml:"python"`  // the Python 3 that has docutils; default "python3" (from PATH)
	Timeout         time.Duration `yaml:"timeout"` // the longest docutils may take over one post; default 30s
}

// rstState is a build's docutils: the converter, the highlighters its
// code blocks go to (exact, then keeping inexact blocks; see
// [inexactCode]) and what its output depends on.
type rstState struct {
	conv *render.RST
	code [2]render.CodeHighlighter
	key  string // render.RST.Key, once startRST ran
	stop func() bool
}

// rstFormats is the reStructuredText entry of the format table, when
// rst.enabled.
func (b *builder) rstFormats() []bodyFormat {
	c := b.cfg.RST
	if !c.Enabled {
		return nil
	}
	exts := []string{".rst"}
	if c.Txt {
		exts = append(exts, ".txt")
	}
	conv := render.NewRST(render.RSTOptions{
		Python:          c.Python,
		LiteralLanguage: c.LiteralLanguage,
		UnsafeHTML:      b.cfg.Markdown.UnsafeHTML,
		Typographer:     b.cfg.Markdown.Typographer,
		TabWidth:        b.cfg.Highlight.TabWidth,
		Timeout:         c.Timeout,
	})
	var code render.CodeHighlighter = b.hl
	if b.codes != nil {
		code = b.codes
	}
	b.rst = &rstState{conv: conv, code: [2]render.CodeHighlighter{
		inexactCode{h: code, seen: &b.inexact},
		inexactCode{h: code, seen: &b.inexact, keep: true},
	}}
	return []bodyFormat{{name: "reStructuredText", exts: exts, render: b.renderRST, frontMatter: render.ParseRST, searchText: render.SearchText}}
}

// startRST checks, when the site has reStructuredText posts, that
// docutils is there (one error for the whole site when it is not, before
// any post is read), and learns its version for the posts' cache keys.
// A site without such posts never starts Python. The docutils processes
// stop with ctx or at the end of the build.
func (b *builder) startRST(ctx context.Context) error {
	if b.rst == nil {
		return nil
	}
	has := false
	for _, list := range [][]source{b.srcPosts, b.srcPages} {
		for _, s := range list {
			if f := b.formatOf(s.rel); f != nil && f.frontMatter != nil {
				has = true
			}
		}
	}
	if !has {
		return nil
	}
	b.rst.stop = context.AfterFunc(ctx, b.rst.conv.Close)
	k, err := b.rst.conv.Key(ctx)
	if err != nil {
		return err
	}
	b.rst.key = k
	return nil
}

// stopRST stops the docutils processes at the end of the build.
func (b *builder) stopRST() {
	if b.rst == nil {
		return
	}
	if b.rst.stop != nil {
		b.rst.stop()
	}
	b.rst.conv.Close()
}

// formatKey is what rendering the file depends on beyond the site's
// global key: for reStructuredText, the driver and docutils' version.
func (b *builder) formatKey(rel string) string {
	if f := b.formatOf(rel); f != nil && f.frontMatter != nil {
		return b.rst.key
	}
	return ""
}

// renderRST renders a reStructuredText body: docutils' errors fail the
// post, its warnings are the post's warnings. A code block chroma could
// not lex in time is kept as chroma wrote it, with a warning, as in
// Markdown. The HTML is then read as an HTML post's body is.
func (b *builder) renderRST(file string, body []byte, bodyLine int) (render.Rendered, []warning, error) {
	doc, err := b.rst.conv.Convert(context.Background(), file, body, bodyLine)
	if err != nil {
		return render.Rendered{}, nil, err
	}
	var warns []warning
	for _, w := range doc.Warnings {
		msg := w.Err.Error()
		if msg == `"raw" directive disabled` {
			msg += ": its HTML is left out; markdown.unsafe_html: true passes raw HTML through"
		}
		warns = append(warns, warning{Line: w.Pos.Line, Msg: msg})
	}
	r, err := doc.Render(b.rst.code[0])
	if errors.Is(err, highlight.ErrInexact) {
		warns = append(warns, inexactWarning(err, bodyLine))
		r, err = doc.Render(b.rst.code[1])
	}
	if err != nil {
		return render.Rendered{}, warns, err
	}
	// From here docutils' output is an HTML body like an .html post's:
	// links under the base path, heading ids and the table of contents,
	// and the summary chosen as in every format.
	hasCode := r.HasCode
	r, err = b.htmlBody.Render(file, []byte(r.HTML), bodyLine)
	r.HasCode = r.HasCode || hasCode
	return r, warns, err
}

func (c *Config) validateRST(ck *checker) {
	if c.RST.Python == "" {
		ck.badf("rst.python", "want the Python 3 program to run docutils with, such as python3")
	}
	if c.RST.Timeout <= 0 {
		ck.badf("rst.timeout", "want a duration above 0, such as 30s, not %s", c.RST.Timeout)
	}
}

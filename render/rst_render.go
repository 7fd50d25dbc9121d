package render

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"html"
	"html/template"
	"regexp"
	"strconv"
	"strings"

	"github.com/blog-gen/blog/diag"
)

// RSTDoc is a reStructuredText document converted by docutils, with its
// code blocks still to highlight: [RSTDoc.Render] does that, so a caller
// can render again with another highlighter without running docutils
// again.
type RSTDoc struct {
	file     string
	bodyLine int
	src      []byte
	body     string // docutils' HTML body, with a placeholder per code block
	nonce    string
	codes    []rstCode
	// Warnings are docutils' warnings (level 2), located in the file.
	Warnings []*diag.Error
}

// Convert runs docutils on src, the body of file starting at line
// bodyLine. docutils' errors (level 3 and up) are returned as
// [diag.Error]s located in the file, joined; its warnings are in the
// document's Warnings.
func (r *RST) Convert(ctx context.Context, file string, src []byte, bodyLine int) (*RSTDoc, error) {
	var n [12]byte
	if _, err := rand.Read(n[:]); err != nil {
		return nil, err
	}
	nonce := "blog-code-" + hex.EncodeToString(n[:])
	reply, err := r.convert(ctx, rstRequest{
		File: file, Src: string(src), Nonce: nonce, Lang: r.opts.LiteralLanguage,
		Raw: r.opts.UnsafeHTML, SmartQuotes: r.opts.Typographer, TabWidth: r.opts.TabWidth,
	})
	if err != nil {
		if errors.Is(err, ErrNoDocutils) {
			return nil, err
		}
		return nil, &diag.Error{Pos: diag.Pos{File: file, Line: bodyLine, Col: 1}, Err: err}
	}
	if reply.Error != "" {
		return nil, &diag.Error{Pos: diag.Pos{File: file, Line: bodyLine, Col: 1}, Err: fmt.Errorf("docutils failed: %s", reply.Error)}
	}
	doc := &RSTDoc{file: file, bodyLine: bodyLine, src: src, body: reply.Body, nonce: nonce, codes: reply.Codes}
	var errs diag.List
	for _, m := range reply.Msgs {
		e := &diag.Error{Pos: doc.pos(m.Line), Err: errors.New(rstMessage(m.Msg))}
		if m.Level >= 3 {
			errs.Add(e)
		} else {
			doc.Warnings = append(doc.Warnings, e)
		}
	}
	return doc, errs.Err()
}

// pos locates line of the body in the file.
func (d *RSTDoc) pos(line int) diag.Pos {
	if line < 1 {
		return diag.Pos{File: d.file, Line: d.bodyLine, Col: 1}
	}
	return diag.Pos{File: d.file, Line: line + d.bodyLine - 1, Col: 1}
}

// rstMessage makes a docutils message one line without a final period,
// as our messages are.
func rstMessage(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.TrimSuffix(s, ".")
	if s == "" {
		return "docutils reported a problem"
	}
	return s
}

// codeMark matches a code block's placeholder: <!--NONCE:N--> and its line.
var codeMark = regexp.MustCompile(`<!--(blog-code-[0-9a-f]{24}):([0-9]+)-->\n?`)

// Render highlights the document's code blocks with h (nil writes plain
// escaped blocks) as Markdown fences are, and returns the page body.
// Errors from h carry the code block's position.
func (d *RSTDoc) Render(h CodeHighlighter) (Rendered, error) {
	var out bytes.Buffer
	w := bufio.NewWriter(&out)
	rest := d.body
	for {
		m := codeMark.FindStringSubmatchIndex(rest)
		if m == nil {
			break
		}
		i, err := strconv.Atoi(rest[m[4]:m[5]])
		if rest[m[2]:m[3]] != d.nonce || err != nil || i >= len(d.codes) {
			w.WriteString(rest[:m[1]]) // not ours: leave it
			rest = rest[m[1]:]
			continue
		}
		w.WriteString(rest[:m[0]])
		rest = rest[m[1]:]
		if err := d.writeCode(w, d.codes[i], h); err != nil {
			return Rendered{}, err
		}
	}
	w.WriteString(rest)
	if err := w.Flush(); err != nil {
		return Rendered{}, err
	}
	page := out.String()
	r := Rendered{HTML: template.HTML(page), Words: countWords(d.src), HasCode: len(d.codes) > 0, Image: firstImgSrc(page)}
	if i := strings.Index(page, moreMark); i >= 0 {
		r.HasMore = true
		r.Summary = template.HTML(strings.TrimSpace(page[:i]))
	} else if p := firstPara.FindString(page); p != "" {
		r.Summary = template.HTML(p)
	}
	return r, nil
}

// writeCode writes one code block as codeRenderer writes a fence.
func (d *RSTDoc) writeCode(w *bufio.Writer, c rstCode, h CodeHighlighter) error {
	lang := strings.ToLower(c.Lang)
	if writeCodeHeader(w, lang, c.Caption) {
		defer closeCodeBlock(w)
	}
	if h == nil {
		fmt.Fprintf(w, `<pre class="chroma"><code>%s</code></pre>`+"\n", template.HTMLEscapeString(c.Code))
		return nil
	}
	var b bytes.Buffer
	if err := h.Highlight(&b, lang, c.Code, c.HL); err != nil {
		return &diag.Error{Pos: d.pos(c.Line), Err: fmt.Errorf("highlight %s code: %w", lang, err)}
	}
	out := b.Bytes()
	if c.LineNos {
		out = numberLines(out, max(c.Start, 1))
	}
	w.Write(out)
	return nil
}

// lineOpen matches the start of a line in package highlight's markup.
var lineOpen = regexp.MustCompile(`<span class="line(?: hl)?">`)

// numberLines adds line numbers, from start, to a block package
// highlight wrote without them, in the markup it writes with
// Options.LineNumbers: <span class="ln">N</span> first in each line,
// padded to the widest number. A block that has them already is left.
func numberLines(block []byte, start int) []byte {
	if bytes.Contains(block, []byte(`<span class="ln">`)) {
		return block
	}
	locs := lineOpen.FindAllIndex(block, -1)
	width := len(strconv.Itoa(start + len(locs) - 1))
	var b bytes.Buffer
	b.Grow(len(block) + len(locs)*(width+26))
	last := 0
	for i, loc := range locs {
		b.Write(block[last:loc[1]])
		fmt.Fprintf(&b, `<span class="ln">%*d</span>`, width, start+i)
		last = loc[1]
	}
	b.Write(block[last:])
	return b.Bytes()
}

var (
	firstPara = regexp.MustCompile(`(?s)<p>.*?</p>`)
	imgSrc    = regexp.MustCompile(`<img [^>]*?src="([^"]*)"`)
)

// firstImgSrc is the source of the first image of html, as written.
func firstImgSrc(page string) string {
	m := imgSrc.FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

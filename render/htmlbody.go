package render

import (
	"bytes"
	"html/template"
	"regexp"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// HTMLBody reads post bodies written in HTML (.html and .htm posts). The
// HTML is the writer's own, like raw HTML with markdown.unsafe_html: it is
// passed through as written, with the changes that make it work as a
// Markdown body does: local images get their size, lazy loading and
// srcset (see [ImageResolver]), root-relative links and images are put
// under the site's base path, and headings the table of contents lists
// get an id when they have none. It is safe for concurrent use.
type HTMLBody struct {
	base      string
	tocLevels [2]int
	tocLabel  string
	images    ImageResolver
}

// NewHTMLBody returns an HTML body reader. It uses the BasePath,
// TOCLevels, TOCLabel and Images of opts.
func NewHTMLBody(opts MarkdownOptions) *HTMLBody {
	levels := opts.TOCLevels
	if levels == [2]int{} {
		levels = [2]int{2, 3}
	}
	label := opts.TOCLabel
	if label == "" {
		label = "Contents"
	}
	return &HTMLBody{base: basePath(opts.BasePath), tocLevels: levels, tocLabel: label, images: opts.Images}
}

// moreRE is a <!--more--> mark as a writer may write it in HTML.
var moreRE = regexp.MustCompile(`(?i)<!--\s*more\s*-->`)

// Render returns the body src as a rendered post body: the summary is the
// part before <!--more-->, else the first paragraph (<p>) of at least a
// few words, else the first paragraph at all; paragraphs inside quotes,
// lists, tables and code are passed over, as in Markdown. file and
// bodyLine are for errors; HTML has none: a browser reads any bytes.
func (h *HTMLBody) Render(file string, src []byte, bodyLine int) (Rendered, error) {
	edits, _ := imageEdits(h.images, file, src, true) // before rebasing: the resolver knows the src as written
	out := editImgTags(src, edits)
	if h.base != "/" {
		out = rebaseHTML(h.base, out)
	}
	sc := scanHTML(out, h.tocLevels)
	if len(sc.ids) > 0 {
		out = sc.withIDs(out)
		sc = scanHTML(out, h.tocLevels) // the offsets moved; the headings have ids now
	}
	r := Rendered{HTML: template.HTML(out), Words: countWords([]byte(PlainText(string(out)))), HasCode: sc.hasCode, Image: sc.image}
	r.TOC, r.Headings = tocHTML(sc.toc, h.tocLabel), len(sc.toc)
	if loc := moreRE.FindIndex(out); loc != nil {
		r.HasMore = true
		r.Summary = template.HTML(bytes.TrimSpace(out[:loc[0]]))
		if !bytes.Equal(out[loc[0]:loc[1]], []byte(moreMark)) {
			out = append(append(append([]byte(nil), out[:loc[0]]...), moreMark...), out[loc[1]:]...)
			r.HTML = template.HTML(out)
		}
		return r, nil
	}
	var first []byte
	for _, p := range sc.paras {
		para := out[p.start:p.end]
		if !p.closed {
			para = append(append([]byte(nil), bytes.TrimRight(para, " \t\r\n")...), "</p>"...)
		}
		if first == nil {
			first = para
		}
		if countWords([]byte(PlainText(string(para)))) >= summaryMinWords {
			first = para
			break
		}
	}
	r.Summary = template.HTML(bytes.TrimSpace(first))
	return r, nil
}

// htmlScan is what one pass over an HTML body finds.
type htmlScan struct {
	paras   []htmlPara // the paragraphs that may be summaries
	toc     []tocEntry // the headings the table of contents lists
	ids     []idInsert // ids to give headings that have none
	hasCode bool
	image   string // the first image's src
}

// htmlPara is a paragraph's byte range, closed when it ends with </p>
// (HTML may leave it to the next block).
type htmlPara struct {
	start, end int
	closed     bool
}

// idInsert is an id attribute to write at an offset: the end of a
// heading's tag name.
type idInsert struct {
	at int
	id string
}

// nestedBlocks hold paragraphs that are not summaries.
var nestedBlocks = map[atom.Atom]bool{atom.Blockquote: true, atom.Li: true, atom.Td: true, atom.Th: true, atom.Pre: true, atom.Figure: true, atom.Aside: true}

// headingLevel is the level of h1…h6, else 0.
func headingLevel(a atom.Atom) int {
	switch a {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return int(a.String()[1] - '0')
	}
	return 0
}

// scanHTML finds the paragraphs, headings, code and first image of b.
func scanHTML(b []byte, levels [2]int) *htmlScan {
	s := &htmlScanner{htmlScan: &htmlScan{}, levels: levels, para: -1, used: map[string]int{}}
	z := html.NewTokenizer(bytes.NewReader(b))
	off := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			s.closePara(off, false)
			return s.htmlScan
		}
		start := off
		off += len(z.Raw())
		switch tt {
		case html.TextToken:
			if s.heading != nil {
				s.text.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, hasAttr := z.TagName()
			attrs := map[string]string{}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				attrs[string(k)] = string(v)
			}
			s.tag(tt, atom.Lookup(name), len(name), attrs, start, off)
		}
	}
}

// htmlScanner is the state of scanHTML between tokens.
type htmlScanner struct {
	*htmlScan
	levels  [2]int
	nested  int       // depth in nestedBlocks
	para    int       // start of the open paragraph, or -1
	heading *tocEntry // the open heading the TOC lists
	text    strings.Builder
	used    map[string]int // heading ids so far
}

func (s *htmlScanner) closePara(end int, closed bool) {
	if s.para >= 0 {
		s.paras = append(s.paras, htmlPara{s.para, end, closed})
		s.para = -1
	}
}

// tag notes the tag a (whose name is nameLen bytes) between the offsets
// start and end.
func (s *htmlScanner) tag(tt html.TokenType, a atom.Atom, nameLen int, attrs map[string]string, start, end int) {
	closing := tt == html.EndTagToken
	if !closing && a == atom.Img && s.image == "" {
		s.image = attrs["src"]
	}
	if !closing && a == atom.Pre {
		s.hasCode = true
	}
	switch {
	case closing && a == atom.P:
		s.closePara(end, true)
	case !inlineElems[a] && a != 0 && a != atom.Br:
		s.closePara(start, false) // a block ends the paragraph
	}
	switch {
	case nestedBlocks[a] && tt == html.StartTagToken:
		s.nested++
	case nestedBlocks[a] && closing && s.nested > 0:
		s.nested--
	case a == atom.P && tt == html.StartTagToken && s.nested == 0 && s.heading == nil:
		s.para = start
	}
	if l := headingLevel(a); l >= s.levels[0] && l <= s.levels[1] {
		s.headingTag(tt, l, attrs["id"], start+1+nameLen)
	}
}

// headingTag opens or closes a heading of level l that the TOC lists; a
// heading without an id gets one at idAt, the end of its tag name.
func (s *htmlScanner) headingTag(tt html.TokenType, l int, id string, idAt int) {
	switch {
	case tt == html.StartTagToken && s.heading == nil:
		s.heading = &tocEntry{level: l, id: id}
		s.text.Reset()
		if id == "" {
			s.ids = append(s.ids, idInsert{at: idAt})
		}
	case tt == html.EndTagToken && s.heading != nil:
		h := s.heading
		text := strings.Join(strings.Fields(s.text.String()), " ")
		h.text = template.HTMLEscapeString(text)
		if h.id == "" {
			h.id = uniqueID(Slugify(text), s.used)
			s.ids[len(s.ids)-1].id = h.id
		}
		s.used[h.id]++
		s.toc = append(s.toc, *h)
		s.heading = nil
	}
}

// uniqueID returns id, or id-1, id-2… when taken ("section" when empty).
func uniqueID(id string, used map[string]int) string {
	if id == "" {
		id = "section"
	}
	if used[id] == 0 {
		return id
	}
	for n := 1; ; n++ {
		if c := id + "-" + strconv.Itoa(n); used[c] == 0 {
			return c
		}
	}
}

// withIDs writes the ids of sc into b.
func (sc *htmlScan) withIDs(b []byte) []byte {
	if len(sc.ids) == 0 {
		return b
	}
	var out bytes.Buffer
	out.Grow(len(b) + 16*len(sc.ids))
	last := 0
	for _, in := range sc.ids {
		if in.id == "" {
			continue // a heading never closed
		}
		out.Write(b[last:in.at])
		out.WriteString(` id="` + template.HTMLEscapeString(in.id) + `"`)
		last = in.at
	}
	out.Write(b[last:])
	return out.Bytes()
}

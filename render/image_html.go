package render

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/net/html"

	"github.com/blog-gen/blog/diag"
)

// Images in HTML
//
// The <img> tags of an HTML body, and of raw HTML in Markdown, are found
// with the HTML tokenizer, so a tag in a comment, a script or a quoted
// attribute is not one, and attributes are read as a browser reads them.
// A tag is edited in place: its src value replaced, the new attributes
// written after its last one; every other byte of the HTML stays as
// written.

// hasImgTag reports whether src may hold an <img> tag, in any case.
func hasImgTag(src []byte) bool {
	for i := bytes.IndexByte(src, '<'); i >= 0 && i+4 <= len(src); {
		if bytes.EqualFold(src[i:i+4], []byte("<img")) {
			return true
		}
		j := bytes.IndexByte(src[i+1:], '<')
		if j < 0 {
			return false
		}
		i += j + 1
	}
	return false
}

// imgTag is an <img> start tag found in HTML.
type imgTag struct {
	offset, end int // of the tag in the HTML
	src         string
	attrs       map[string]string // lower-case names; the first of a name wins
	// srcValue is the byte range of the src attribute's value in the
	// tag, quotes included; attrsEnd is the end of its last attribute
	// (of its name when it has none), where new attributes go.
	srcValue [2]int
	attrsEnd int
}

// imgTags finds the <img> tags of raw HTML that have a src.
func imgTags(raw []byte) []imgTag {
	if !hasImgTag(raw) {
		return nil
	}
	var tags []imgTag
	z := html.NewTokenizer(bytes.NewReader(raw))
	offset := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return tags
		}
		tok := z.Raw()
		n := len(tok)
		if tt == html.StartTagToken || tt == html.SelfClosingTagToken {
			name, more := z.TagName()
			if string(name) == "img" {
				t := imgTag{offset: offset, end: offset + n, attrs: map[string]string{}}
				for more {
					var k, v []byte
					k, v, more = z.TagAttr()
					if _, dup := t.attrs[string(k)]; !dup {
						t.attrs[string(k)] = string(v)
					}
				}
				t.src = t.attrs["src"]
				t.srcValue, t.attrsEnd = tagSpans(tok)
				if t.src != "" && t.srcValue[1] > 0 {
					tags = append(tags, t)
				}
			}
		}
		offset += n
	}
}

// hasAlt reports whether the tag has alt text: alt="" counts, as it
// marks a decorative image, but an alt of spaces only does not.
func (t imgTag) hasAlt() bool {
	alt, ok := t.attrs["alt"]
	return ok && (alt == "" || strings.TrimSpace(alt) != "")
}

// tagSpans reads the attributes of the start tag tag (as the tokenizer
// returned it, "<name" to ">") by the states of the HTML standard's
// tokenizer: it returns the range of the first src attribute's value,
// quotes included ({0, 0} when there is none or it has no value), and the
// end of the last attribute.
func tagSpans(tag []byte) (src [2]int, end int) {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }
	i := 1
	for i < len(tag) && !isSpace(tag[i]) && tag[i] != '/' && tag[i] != '>' {
		i++ // the tag name
	}
	end = i
	seenSrc := false
	for i < len(tag) {
		if c := tag[i]; isSpace(c) || c == '/' {
			i++
			continue
		} else if c == '>' {
			break
		}
		start := i
		i++ // a first '=' belongs to the name
		for i < len(tag) && !isSpace(tag[i]) && tag[i] != '/' && tag[i] != '>' && tag[i] != '=' {
			i++
		}
		name := tag[start:i]
		end = i
		j := i
		for j < len(tag) && isSpace(tag[j]) {
			j++
		}
		if j >= len(tag) || tag[j] != '=' {
			continue // no value: what follows is the next attribute
		}
		j++
		for j < len(tag) && isSpace(tag[j]) {
			j++
		}
		vstart := j
		switch {
		case j < len(tag) && (tag[j] == '"' || tag[j] == '\''):
			k := bytes.IndexByte(tag[j+1:], tag[j])
			if k < 0 {
				return src, end // unclosed: the tokenizer ran out of input
			}
			j += k + 2
		default:
			for j < len(tag) && !isSpace(tag[j]) && tag[j] != '>' {
				j++
			}
		}
		if !seenSrc && bytes.EqualFold(name, []byte("src")) {
			seenSrc = true
			if j > vstart {
				src = [2]int{vstart, j}
			}
		}
		i, end = j, j
	}
	return src, end
}

// tagEdit is what is done to one <img> tag.
type tagEdit struct {
	tag   imgTag      // the tag, as imgTags found it in the HTML edited
	attrs [][2]string // attributes to add
	src   string      // the new src; "" keeps it
}

// missingAttrs drops from attrs those the tag sets itself: the writer's
// own loading wins, and so does a width or height (the file's size would
// contradict it).
func missingAttrs(attrs [][2]string, has map[string]string) [][2]string {
	_, w := has["width"]
	_, h := has["height"]
	var out [][2]string
	for _, a := range attrs {
		if _, ok := has[a[0]]; ok || (w || h) && (a[0] == "width" || a[0] == "height") {
			continue
		}
		out = append(out, a)
	}
	return out
}

// editImgTags applies edits, each to the tag imgTags found in raw, in
// the order of the tags; raw is not tokenized again.
func editImgTags(raw []byte, edits []tagEdit) []byte {
	if len(edits) == 0 {
		return raw
	}
	var out []byte
	last := 0
	for _, edit := range edits {
		t := edit.tag
		if edit.src != "" {
			out = append(out, raw[last:t.offset+t.srcValue[0]]...)
			out = append(out, '"')
			out = append(out, html.EscapeString(edit.src)...)
			out = append(out, '"')
			last = t.offset + t.srcValue[1]
		}
		at := t.offset + t.attrsEnd
		out = append(out, raw[last:at]...)
		for _, a := range edit.attrs {
			out = fmt.Appendf(out, ` %s="%s"`, a[0], html.EscapeString(a[1]))
		}
		last = at
	}
	return append(out, raw[last:]...)
}

// imageEdits are the edits that give the <img> tags of raw, in the file
// file, what res knows of their images; first says whether the first
// image of raw is the first of its page. It reports whether raw has an
// image at all.
func imageEdits(res ImageResolver, file string, raw []byte, first bool) ([]tagEdit, bool) {
	tags := imgTags(raw)
	if res == nil || file == "" {
		return nil, len(tags) > 0
	}
	var edits []tagEdit
	for i, tag := range tags {
		if info, ok := res.ResolveImage(file, tag.src); ok {
			edits = append(edits, tagEdit{tag: tag, attrs: missingAttrs(imageAttrs(info, first && i == 0), tag.attrs), src: info.Src})
		}
	}
	return edits, len(tags) > 0
}

// Images lists the <img> tags of src, an HTML body of a file starting at
// line bodyLine, in document order, each at the "<" of its tag.
func (h *HTMLBody) Images(src []byte, bodyLine int) []ImageRef {
	var refs []ImageRef
	for _, t := range imgTags(src) {
		ref := ImageRef{Dest: t.src, Alt: t.hasAlt()}
		ref.Line, ref.Col = diag.LineCol(src, t.offset)
		ref.Line += bodyLine - 1
		refs = append(refs, ref)
	}
	return refs
}

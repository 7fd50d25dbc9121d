package render

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"
)

func TestHTMLImagesGolden(t *testing.T) {
	file := "testdata/images/post.html"
	src := readTestFile(t, file)
	_, body, line, err := SplitFrontMatter(file, src)
	if err != nil {
		t.Fatal(err)
	}
	res := &fakeImages{}
	r, err := NewHTMLBody(MarkdownOptions{BasePath: "/blog/", Images: res}).Render(file, body, line)
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("testdata/images", "post.html.golden"), []byte(r.HTML))
	if calls := strings.Join(res.calls, "\n"); strings.Contains(calls, "code.png") || strings.Contains(calls, "script.png") || strings.Contains(calls, "commented.png") {
		t.Errorf("resolver asked about an image in text, a script or a comment: %q", res.calls)
	}
	// Every byte outside the <img> tags is as written (at the site's
	// root: the base path changes root-relative links everywhere).
	r, err = NewHTMLBody(MarkdownOptions{Images: res}).Render(file, body, line)
	if err != nil {
		t.Fatal(err)
	}
	strip := func(b []byte) string {
		var out []byte
		last := 0
		for _, tag := range imgTags(b) {
			out = append(out, b[last:tag.offset]...)
			last = tag.end
		}
		return string(append(out, b[last:]...))
	}
	if d := cmp.Diff(strip(body), strip([]byte(r.HTML))); d != "" {
		t.Errorf("HTML outside the images changed (-want +got):\n%s", d)
	}
}

func TestHTMLImageRefs(t *testing.T) {
	file := "testdata/images/post.html"
	src := readTestFile(t, file)
	_, body, line, err := SplitFrontMatter(file, src)
	if err != nil {
		t.Fatal(err)
	}
	want := []ImageRef{
		{Dest: "/img/harbour.jpg", Alt: true, Line: 4, Col: 45},
		{Dest: "lighthouse.png", Alt: true, Line: 6, Col: 9},
		{Dest: "/img/icon.png", Alt: true, Line: 8, Col: 25}, // alt="" is a decorative image
		{Dest: "/img/diagram.png", Alt: false, Line: 9, Col: 4},
		{Dest: "https://example.org/x.png", Alt: true, Line: 10, Col: 4},
		{Dest: "/img/harbour.jpg?v=2", Alt: true, Line: 13, Col: 4},
	}
	got := NewHTMLBody(MarkdownOptions{}).Images(body, line)
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Images mismatch (-want +got):\n%s", d)
	}
}

// FuzzImgTags: tagSpans reads a tag's src where the HTML tokenizer does,
// and editing a tag keeps the attributes it had.
func FuzzImgTags(f *testing.F) {
	for _, s := range []string{`<img src="a.png">`, `<img/src=a.png/>`, `<img =x src = 'a' src=b>`, `<IMG data-x=" src=x" SRC=a.png alt>`, `<img src="a"/ alt=b >`, `<img src=a.png/>`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		tags := imgTags(raw)
		var edits []tagEdit
		for _, tag := range tags {
			v := raw[tag.offset+tag.srcValue[0] : tag.offset+tag.srcValue[1]]
			if len(v) > 0 && (v[0] == '"' || v[0] == '\'') {
				v = v[1 : len(v)-1]
			}
			if got := html.UnescapeString(string(v)); got != tag.src && !bytes.ContainsRune(v, 0) && !bytes.ContainsRune(v, '\r') {
				t.Fatalf("tag %q: src value %q, the tokenizer reads %q", raw[tag.offset:tag.end], got, tag.src)
			}
			edits = append(edits, tagEdit{tag: tag, src: "/new.png", attrs: [][2]string{{"width", "1"}}})
		}
		out := editImgTags(raw, edits)
		got := imgTags(out)
		if len(got) != len(tags) {
			t.Fatalf("edited %q into %q: %d images, want %d", raw, out, len(got), len(tags))
		}
		for i, tag := range got {
			if tag.src != "/new.png" || tag.attrs["width"] == "" {
				t.Errorf("edited %q into %q: image %d has src %q and width %q", raw, out, i, tag.src, tag.attrs["width"])
			}
			for k, v := range tags[i].attrs {
				if k != "src" && k != "width" && tag.attrs[k] != v {
					t.Errorf("edited %q into %q: attribute %s=%q, was %q", raw, out, k, tag.attrs[k], v)
				}
			}
		}
	})
}

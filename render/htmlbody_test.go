package render

import (
	"html/template"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHTMLBody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, base, src string
		want            Rendered
	}{
		{"first long paragraph", "", "<p>Hi!</p>\n<p>This is the first paragraph of eight words.</p>\n<p>More.</p>\n",
			Rendered{HTML: "<p>Hi!</p>\n<p>This is the first paragraph of eight words.</p>\n<p>More.</p>\n", Summary: "<p>This is the first paragraph of eight words.</p>", Words: 10}},
		{"short only", "", "<div><p>Short <em>one</em>.</p></div>",
			Rendered{HTML: "<div><p>Short <em>one</em>.</p></div>", Summary: "<p>Short <em>one</em>.</p>", Words: 2}},
		{"quote paragraphs are no summary", "", "<blockquote><p>Quoted words that are long enough to be one.</p></blockquote><p>Mine.</p>",
			Rendered{HTML: "<blockquote><p>Quoted words that are long enough to be one.</p></blockquote><p>Mine.</p>", Summary: "<p>Mine.</p>", Words: 10}},
		{"unclosed paragraph", "", "<p>Open paragraph, closed by a list\n<ul><li>x</li></ul>",
			Rendered{HTML: "<p>Open paragraph, closed by a list\n<ul><li>x</li></ul>", Summary: "<p>Open paragraph, closed by a list</p>", Words: 7}},
		{"br stays in the paragraph", "", "<p>one<br>two</p>",
			Rendered{HTML: "<p>one<br>two</p>", Summary: "<p>one<br>two</p>", Words: 2}},
		{"more mark", "", "<p>Intro.</p>\n<!-- More -->\n<p>Rest.</p>",
			Rendered{HTML: "<p>Intro.</p>\n<!--more-->\n<p>Rest.</p>", Summary: "<p>Intro.</p>", HasMore: true, Words: 2}},
		{"headings get ids", "", "<h2>Why &amp; how</h2><h3 id=\"own\">Own</h3><h2>Why &amp; how</h2><h4>Deep</h4>",
			Rendered{HTML: "<h2 id=\"why-how\">Why &amp; how</h2><h3 id=\"own\">Own</h3><h2 id=\"why-how-1\">Why &amp; how</h2><h4>Deep</h4>", Words: 6, Headings: 3,
				TOC: template.HTML("<nav class=\"toc\" aria-label=\"Contents\">\n<ol>\n<li><a href=\"#why-how\">Why &amp; how</a>\n<ol>\n<li><a href=\"#own\">Own</a></li>\n</ol></li>\n<li><a href=\"#why-how-1\">Why &amp; how</a></li>\n</ol>\n</nav>")}},
		{"code and image", "", "<pre><code>x := 1</code></pre><p><img src=\"/a.png\" alt=\"\"></p>",
			Rendered{HTML: "<pre><code>x := 1</code></pre><p><img src=\"/a.png\" alt=\"\"></p>", Summary: "<p><img src=\"/a.png\" alt=\"\"></p>", Words: 2, HasCode: true, Image: "/a.png"}},
		{"links under the base path", "/blog/", "<p><a href=\"/about/\">about</a> <img src='/a.png'> <a href=\"https://x.org/\">x</a></p>",
			Rendered{HTML: "<p><a href=\"/blog/about/\">about</a> <img src='/blog/a.png'> <a href=\"https://x.org/\">x</a></p>", Summary: "<p><a href=\"/blog/about/\">about</a> <img src='/blog/a.png'> <a href=\"https://x.org/\">x</a></p>", Words: 2, Image: "/blog/a.png"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := NewHTMLBody(MarkdownOptions{BasePath: tc.base}).Render("posts/a.html", []byte(tc.src), 4)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("Render(%q) mismatch (-want +got):\n%s", tc.src, d)
			}
		})
	}
}

// FuzzHTMLBody: any bytes are a body; the summary is a part of it and
// the rendering never panics.
func FuzzHTMLBody(f *testing.F) {
	for _, s := range []string{"<p>a</p>", "<h2>x<h2>y</h2>", "<p>a<!--more-->b", "<h3 id=x>a</h3><h3>x</h3>", "<p", "<h2><p>x</h2>"} {
		f.Add([]byte(s))
	}
	h := NewHTMLBody(MarkdownOptions{BasePath: "/b/"})
	f.Fuzz(func(t *testing.T, src []byte) {
		r, err := h.Render("f.html", src, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.HTML) < len(src) {
			t.Fatalf("HTML lost bytes: %q from %q", r.HTML, src)
		}
	})
}

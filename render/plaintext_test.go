package render

import (
	"bytes"
	"html/template"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPlainText(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"<p>It&rsquo;s &ldquo;quoted&rdquo; &amp; more.</p>", "It’s “quoted” & more."},
		{"the obscure <code>.NET</code> thing", "the obscure .NET thing"},
		{"a<em>b</em>c, x <strong>y</strong>, z", "abc, x y, z"},
		{"<p>one</p><p>two</p>", "one two"},
		{"line<br>break", "line break"},
		{"<p>&lt;script&gt; is text</p>", "<script> is text"},
		{"<script>alert(1)</script>shown<style>p{}</style>", "shown"},
		{`word<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>.`, "word."},
		{`<a href="/x">link</a>`, "link"},
		{"  spaced \n\t out  ", "spaced out"},
		{"&amp;amp;", "&amp;"},
		{"<p>unclosed", "unclosed"},
	}
	for _, tc := range tests {
		if got := PlainText(tc.in); got != tc.want {
			t.Errorf("PlainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// descriptionTmpl is how the theme's head uses a description: escaped once
// by html/template, in an attribute.
var descriptionTmpl = template.Must(template.New("").Funcs(funcs).Parse(`<meta name="description" content="{{truncate 200 .}}">` + "\n"))

// TestDescriptionGolden renders the first paragraph of each
// testdata/description/*.md as the theme's meta description: typographer
// quotes decoded once and escaped once, spaces kept around inline code.
func TestDescriptionGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/description/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test files: %v", err)
	}
	md := NewMarkdown(MarkdownOptions{Typographer: true, Footnotes: true})
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			r, err := md.Render(file, src, 1)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := descriptionTmpl.Execute(&buf, PlainText(string(r.Summary))); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, strings.TrimSuffix(file, ".md")+".golden", buf.Bytes())
		})
	}
}

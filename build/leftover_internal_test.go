package build

import (
	"regexp/syntax"
	"slices"
	"strings"
	"testing"

	"github.com/blog-gen/blog/bench/corpus"
	"github.com/blog-gen/blog/highlight"
	"github.com/blog-gen/blog/render"
)

// TestLeftoverStarts checks the shortcut of leftoverWarning: every
// alternative of leftoverRE starts with one of leftoverStarts, so text
// without them cannot match.
func TestLeftoverStarts(t *testing.T) {
	re, err := syntax.Parse(leftoverRE.String(), syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	if re.Op != syntax.OpAlternate {
		t.Fatalf("leftoverRE is %v, want an alternation", re.Op)
	}
	for _, alt := range re.Sub {
		first := alt
		for first.Op == syntax.OpCapture || first.Op == syntax.OpConcat {
			first = first.Sub[0]
		}
		if first.Op != syntax.OpLiteral || !strings.ContainsRune(leftoverStarts, first.Rune[0]) {
			t.Errorf("alternative %v does not start with a byte of %q", alt, leftoverStarts)
		}
	}
}

// leftoverCutSeeds are HTML bodies for the cut of highlighted code in
// leftoverWarning: chroma's blocks, and every way a <pre> can fail to be
// one (inside a comment, an attribute, raw text; unclosed, nested,
// self-closing, with an end tag of code inside).
var leftoverCutSeeds = []string{
	`<p>{{< ref "x" >}}</p><pre tabindex="0" class="chroma"><code><span class="line"><span class="cl">{{&lt; x &gt;}} {% if %}</span></span></code></pre><p>[caption]x</p>`,
	`<pre class="chroma"><code>{{&lt; x &gt;}}</code></pre><p>plain</p>`,
	`<div class="chroma"><table class="lntable"><tr><td class="lntd"><pre tabindex="0" class="chroma"><code><span class="lnt">1
</span></code></pre></td><td class="lntd"><pre tabindex="0" class="chroma"><code><span class="line"><span class="cl">{% raw %}
</span></span></code></pre></td></tr></table></div><p>{{< a >}}</p>`,
	`<!-- <pre> -->{{< x >}}<!-- </pre> -->`,
	`<a href="/a<pre>{{< x >}}</pre>">l</a>`,
	`<a title="<pre>">{{< x >}}</pre>`,
	`<script>"<pre>"</script>{{< x >}}<script>"</pre>"</script>`,
	`<pre><code>a</code></code>{{< x >}}</pre>`,
	`<pre><code><code>a</code>{{< x >}}</pre>{{< y >}}`,
	`<pre>a</ x </pre> >{{< x >}}`,
	`<pre><span title="</pre>">{{< x >}}</span></pre>`,
	`<pre title='</pre>'>{{< x >}}</pre>`,
	`<pre a=x" b=">{{< x >}}</pre>`,
	`<pre data-blog-cut></pre><pre>{{< x >}}</pre>{{< y >}}`,
	`<PRE>{{< x >}}</PRE><pre>{{% y %}}</pre>`,
	`<pre>{{< x >}}`,
	`<code><pre>x</pre>{{< x >}}</code>{{< y >}}`,
	`</ <pre class="c">x</pre>{{< x >}}`,
	`<pre><br/>{{< x >}}</pre>`,
	`<prefix>{{< x >}}</prefix><pre>y</pre>`,
	`<p><img src="/%7B%7B%3C%20x%20%3E%7D%7D.png" alt=""></p><pre><code>z</code></pre>`,
	// What quietHTML must not take for quiet: each is a leftover only
	// once decoded.
	`<p>&#123;&#123;&lt; x &gt;}}</p><pre><code>a</code></pre>`,
	`<p>&#x7b;% if %}</p>`,
	`<p>&lbrace;&lcub;&lt; x &gt;}}</p>`,
	`<p>&lsqb;caption]x</p><pre><code>a</code></pre>`,
	`<p>&lbrack;gallery]</p>`,
	`<p>&dollar;&dollar;code(x)</p>`,
	`<a href="/%7b%7b%3C%20x">l</a><pre><code>z</code></pre>`,
	`<a href="/&percnt;7B&percnt;7B&percnt;3C">l</a>`,
	`<a href="/%5Bcaption%5D">l</a>`,
	`<a href="/%24%24code(">l</a>`,
	`<a title='<pre>'>l</a><pre>{{< x >}}</pre>`,
	`<p>x</p><!-- a --><pre>{{< x >}}</pre>`,
}

// FuzzLeftoverCut checks that cutting highlighted code out of a body
// before the scan never changes what leftoverWarning finds: for any HTML,
// the warning is the one of the scan of the whole body.
func FuzzLeftoverCut(f *testing.F) {
	for _, s := range leftoverCutSeeds {
		f.Add(s)
	}
	src := []byte("{{< x >}}\n{% y %}\n")
	f.Fuzz(func(t *testing.T, rendered string) {
		want, _ := leftoverScan(src, 1, rendered)
		got := leftoverWarning(src, 1, rendered)
		if !slices.Equal(got, want) {
			t.Errorf("leftoverWarning(%q) = %v, the whole scan %v", rendered, got, want)
		}
	})
}

// TestQuietHTML checks that quietHTML, the shortcut past the scan, is
// taken for what most posts render to (or FuzzLeftoverCut could pass with
// a shortcut never taken) and not for what the scan could find something
// in once decoded.
func TestQuietHTML(t *testing.T) {
	for _, tc := range []struct {
		html  string
		quiet bool
	}{
		{`<h2 id="a">A &amp; b</h2><p>Text with <a href="https://e.com/a%20b?q=1&amp;r=2">a link</a>, &ldquo;quotes&rdquo; &lt;tags&gt; and 100%.</p>` + cutPlaceholder + `<ul><li>x</li></ul><img src="/p.png" alt="p">`, true},
		{"", true},
		{`<p>a < b and c <3</p>`, true},
		{`<p>{x}</p>`, false},
		{`<p>$5</p>`, false},
		{`<p>[x]</p>`, false},
		{`<p>&#39;</p>`, false},
		{`<p>&lbrace;</p>`, false},
		{`<p>&percnt;7B</p>`, false},
		{`<a href="/%7Bx">l</a>`, false},
		{`<a href="/%5b">l</a>`, false},
		{`<a href="/%24">l</a>`, false},
		{`<a title='x'>l</a>`, false},
		{`<a title="<pre>">l</a>`, false},
		{`</ x>`, false},
		{`<!-- x -->`, false},
		{`<?x?>`, false},
	} {
		if got := quietHTML(tc.html); got != tc.quiet {
			t.Errorf("quietHTML(%q) = %v, want %v", tc.html, got, tc.quiet)
		}
	}
}

// TestLeftoverCutTakesChroma checks that the cut applies to chroma's
// blocks, its placeholders all read as tags (or the fuzz test above could
// pass with a cut that never applies).
func TestLeftoverCutTakesChroma(t *testing.T) {
	for _, s := range leftoverCutSeeds[:3] {
		cut, n, ok := cutCode(s)
		if !ok || n == 0 {
			t.Fatalf("cutCode(%q) = %d cuts, ok %v: want the code cut", s, n, ok)
		}
		if _, cuts := leftoverScan(nil, 1, cut); cuts != n {
			t.Errorf("cutCode(%q): the scan read %d placeholders of %d", s, cuts, n)
		}
		if strings.Contains(cut, "{%") {
			t.Errorf("cutCode(%q) = %q: code left in", s, cut)
		}
	}
	// And chroma's own, through the renderer, with and without line
	// numbers.
	for _, lines := range []bool{false, true} {
		hl, err := highlight.New(highlight.Options{LineNumbers: lines})
		if err != nil {
			t.Fatal(err)
		}
		md := render.NewMarkdown(render.MarkdownOptions{Highlighter: hl})
		src := "{{< x >}}\n\n```go\nfunc f() { m := map[string]int{\"{{<\": 1}; _ = `$$code(` }\n```\n\n```\n{% raw %} <b> & </b>\n```\n"
		r, err := md.Render("p.md", []byte(src), 1)
		if err != nil {
			t.Fatal(err)
		}
		cut, n, ok := cutCode(string(r.HTML))
		if !ok || n != 2 {
			t.Fatalf("line numbers %v: cutCode(%q) = %d cuts, ok %v: want 2", lines, r.HTML, n, ok)
		}
		if w, cuts := leftoverScan([]byte(src), 1, cut); cuts != n || len(w) != 1 || strings.Contains(w[0].Msg, "more") {
			t.Errorf("line numbers %v: the scan of the cut read %d placeholders, warned %v: want %d, one construct", lines, cuts, w, n)
		}
	}
}

// BenchmarkLeftoverWarning checks 300 posts of the benchmark corpus,
// rendered and highlighted as a build renders them: "check" is
// leftoverWarning, "scan" the tokenizing scan of the body without its
// code, which the check skips for a body with nothing it could find (all
// 300 of these).
func BenchmarkLeftoverWarning(b *testing.B) {
	hl, err := highlight.New(highlight.Options{})
	if err != nil {
		b.Fatal(err)
	}
	md := render.NewMarkdown(render.MarkdownOptions{Highlighter: hl})
	var srcs [][]byte
	var bodies []string
	for i := range 300 {
		src := []byte(corpus.NewPost(1, i).Body())
		r, err := md.Render("p.md", src, 1)
		if err != nil {
			b.Fatal(err)
		}
		srcs, bodies = append(srcs, src), append(bodies, string(r.HTML))
	}
	b.Run("check", func(b *testing.B) {
		for b.Loop() {
			for i, body := range bodies {
				leftoverWarning(srcs[i], 1, body)
			}
		}
	})
	b.Run("scan", func(b *testing.B) {
		for b.Loop() {
			for i, body := range bodies {
				if cut, _, ok := cutCode(body); ok {
					leftoverScan(srcs[i], 1, cut)
				} else {
					leftoverScan(srcs[i], 1, body)
				}
			}
		}
	})
}

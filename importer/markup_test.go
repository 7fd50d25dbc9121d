package importer

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/blog-gen/blog/diag"
	"github.com/google/go-cmp/cmp"
)

func testEnv() *env {
	return &env{
		site:     map[string]any{"title": "Old blog", "author": "Ann"},
		baseURL:  "https://old.example.com",
		basePath: "/blog",
		page:     map[string]any{"title": "This page"},
		url: func(ref string) (string, bool) {
			switch ref {
			case "2010-07-21-hello", "_posts/2010-07-21-hello.md", "hello.md", "posts/hello.md":
				return "/2010/07/hello/", true
			}
			return "", false
		},
		include: func(name string) (string, bool) {
			switch name {
			case "note.html":
				return "<aside>static</aside>", true
			case "dyn.html":
				return "{{ include.x }}", true
			}
			return "", false
		},
	}
}

type markupCase struct {
	name, in, want string
	warns          []string // substrings of the warnings, in order
}

func runMarkup(t *testing.T, cases []markupCase, conv func(*converter)) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newConverter("posts/p.md", 5, tc.in, testEnv())
			conv(c)
			if d := cmp.Diff(tc.want, c.out.String()); d != "" {
				t.Errorf("convert(%q) mismatch (-want +got):\n%s", tc.in, d)
			}
			if len(c.warns) != len(tc.warns) {
				t.Fatalf("convert(%q) warnings = %v, want %d matching %q", tc.in, c.warns, len(tc.warns), tc.warns)
			}
			for i, w := range c.warns {
				if !strings.Contains(w.Error(), tc.warns[i]) {
					t.Errorf("warning %d = %q, want it to contain %q", i, w, tc.warns[i])
				}
			}
		})
	}
}

func TestConvertLiquid(t *testing.T) {
	t.Parallel()
	runMarkup(t, []markupCase{
		{name: "highlight", in: "Code:\n{% highlight ruby linenos %}\ndef x\n  \"q\"\nend\n{% endhighlight %}\nafter",
			want: "Code:\n```ruby {linenos=true}\ndef x\n  \"q\"\nend\n```\n\nafter"},
		{name: "highlight hl_lines", in: "{% highlight go hl_lines=\"1 3-4\" %}\na\n{% endhighlight %}",
			want: "```go {hl_lines=[1,\"3-4\"]}\na\n```\n"},
		{name: "highlight inline start", in: "text {% highlight sh %}ls{% endhighlight %}",
			want: "text \n```sh\nls\n```\n"},
		{name: "backticks inside", in: "{% highlight md %}\n```\nx\n```\n{% endhighlight %}",
			want: "````md\n```\nx\n```\n````\n"},
		{name: "raw", in: "{% raw %}{{ not.this }} {% if %}{% endraw %} and {{ site.title }}",
			want: "{{ not.this }} {% if %} and Old blog"},
		{name: "whitespace control", in: "{%- raw -%}x{%- endraw -%}", want: "x"},
		{name: "post_url", in: "[see]({% post_url 2010-07-21-hello %})", want: "[see](/2010/07/hello/)"},
		{name: "link", in: "[see]({% link _posts/2010-07-21-hello.md %})", want: "[see](/2010/07/hello/)"},
		{name: "post_url unknown", in: "{% post_url 2099-01-01-nope %}", want: "{% post_url 2099-01-01-nope %}",
			warns: []string{"posts/p.md:5: {% post_url 2099-01-01-nope %}: no imported post"}},
		{name: "site vars", in: "{{ site.url }}{{ site.baseurl }}/x by {{site.author}}", want: "https://old.example.com/blog/x by Ann"},
		{name: "url filters", in: `![a]({{ "/img/a.png" | relative_url }}) {{ '/feed.xml' | absolute_url }} {{ "/x" | prepend: site.baseurl }}`,
			want: `![a](/blog/img/a.png) https://old.example.com/blog/feed.xml /blog/x`},
		{name: "include static", in: "{% include note.html %}", want: "<aside>static</aside>"},
		{name: "include dynamic", in: "line\n{% include dyn.html %}", want: "line\n{% include dyn.html %}",
			warns: []string{"posts/p.md:6: {% include dyn.html %}"}},
		{name: "comment", in: "a{% comment %}secret{% endcomment %}b", want: "ab"},
		{name: "unknown tag", in: "{% if x %}y{% endif %}", want: "{% if x %}y{% endif %}",
			warns: []string{"Liquid tag {% if %}", "Liquid tag {% endif %}"}},
		{name: "page var", in: "{{ page.title }}", want: "This page"},
		{name: "unknown page var", in: "{{ page.nope }}", want: "{{ page.nope }}", warns: []string{"Liquid output {{ page.nope }}"}},
		{name: "unclosed", in: "{% raw", want: "{% raw", warns: []string{"unclosed Liquid tag"}},
		{name: "no endraw", in: "{% raw %}x", want: "{% raw %}x", warns: []string{"has no {% endraw %}"}},
		{name: "toc", in: "* TOC\n{:toc}\n\n# A", want: "\n\n# A"},
		{name: "ial", in: "# Head\n{: .big #id}\ntext", want: "# Head\n\ntext", warns: []string{"attribute list {: .big #id}"}},
		{name: "plain braces", in: "a {b} {:c", want: "a {b} {:c"},
	}, func(c *converter) {
		c.src = dropTOCList(c.src)
		convertLiquid(c)
	})
}

func TestConvertShortcodes(t *testing.T) {
	t.Parallel()
	runMarkup(t, []markupCase{
		{name: "highlight", in: "{{< highlight go \"linenos=table,hl_lines=2 4-5\" >}}\nfunc main() {}\n{{< /highlight >}}",
			want: "```go {hl_lines=[2,\"4-5\"] linenos=true}\nfunc main() {}\n```\n"},
		{name: "highlight percent", in: "{{% highlight py %}}x{{% /highlight %}}", want: "```py\nx\n```\n"},
		{name: "figure", in: `{{< figure src="/img/a b.png" title="T" caption="A \"c\"" alt="Alt" >}}`,
			want: `![Alt](</img/a b.png> "A \"c\"")`},
		{name: "figure link", in: `{{< figure src="a.png" link="https://x.org/" >}}`, want: `[![](a.png)](https://x.org/)`},
		{name: "img", in: `{{< img src="a.png" alt="[x]" >}}`, want: `![\[x\]](a.png)`},
		{name: "youtube", in: "{{< youtube w7Ft2ymGmfc >}}", want: "[Video on YouTube](https://www.youtube.com/watch?v=w7Ft2ymGmfc)"},
		{name: "youtube id", in: `{{< youtube id="abc" >}}`, want: "[Video on YouTube](https://www.youtube.com/watch?v=abc)"},
		{name: "vimeo", in: "{{< vimeo 146022717 >}}", want: "[Video on Vimeo](https://vimeo.com/146022717)"},
		{name: "gist", in: "{{< gist spf13 7896402 >}}", want: "[Gist 7896402](https://gist.github.com/spf13/7896402)"},
		{name: "tweet", in: `{{< tweet user="SanDiegoZoo" id="1453110110599868418" >}}`, want: "[Post on X](https://x.com/SanDiegoZoo/status/1453110110599868418)"},
		{name: "instagram", in: "{{< instagram BWNjjyYFxVx >}}", want: "[Post on Instagram](https://www.instagram.com/p/BWNjjyYFxVx/)"},
		{name: "ref", in: `[x]({{< ref "hello.md" >}}) [y]({{< relref "posts/hello.md#part" >}})`, want: "[x](/2010/07/hello/) [y](/2010/07/hello/#part)"},
		{name: "ref unknown", in: `{{< ref "gone.md" >}}`, want: `{{< ref "gone.md" >}}`, warns: []string{`{{< ref "gone.md" >}}: no imported post`}},
		{name: "param", in: "{{< param subtitle >}} / {{< param title >}}", want: "Sub / Old blog"},
		{name: "escaped", in: "{{</* figure src=\"x\" */>}}", want: "{{< figure src=\"x\" >}}"},
		{name: "unknown", in: "{{< myshort a >}}", want: "{{< myshort a >}}", warns: []string{"Hugo shortcode {{< myshort >}}"}},
		{name: "unclosed", in: "{{< figure", want: "{{< figure", warns: []string{"unclosed Hugo shortcode"}},
	}, func(c *converter) { convertShortcodes(c, map[string]any{"subtitle": "Sub"}) })
}

func TestConvertBlogofile(t *testing.T) {
	t.Parallel()
	runMarkup(t, []markupCase{
		{name: "code", in: "Text.\n\n$$code(lang=python)\nimport this\nprint 'x'\n$$/code\n\nMore.",
			want: "Text.\n\n```python\nimport this\nprint 'x'\n```\n\n\nMore."},
		{name: "linenums", in: "$$code(lang=ruby, linenums=True)\nputs 1\n$$/code", want: "```ruby {linenos=true}\nputs 1\n```\n"},
		{name: "no args", in: "$$code\nplain\n$$/code", want: "```\nplain\n```\n"},
		{name: "unclosed", in: "$$code(lang=c)\nint x;", want: "$$code(lang=c)\nint x;", warns: []string{"$$code block without $$/code"}},
	}, convertBlogofile)
}

func TestConvertWordPress(t *testing.T) {
	t.Parallel()
	att := map[string]string{"7": "https://old.example.com/wp-content/uploads/a.jpg", "8": "/b.jpg"}
	runMarkup(t, []markupCase{
		{name: "caption", in: `[caption id="attachment_7" align="alignnone" width="300"]<a href="/a.jpg"><img src="/a.jpg" alt="A" /></a> A <em>cat</em>[/caption]`,
			want: `<figure><a href="/a.jpg"><img src="/a.jpg" alt="A" /></a><figcaption>A <em>cat</em></figcaption></figure>`},
		{name: "caption attribute", in: `[caption caption="Old &amp; style"]<img src="x.png">[/caption]`,
			want: `<figure><img src="x.png"><figcaption>Old &amp;amp; style</figcaption></figure>`},
		{name: "gallery", in: `[gallery ids="7,8,9"]`,
			want: `<ul class="gallery"><li><a href="https://old.example.com/wp-content/uploads/a.jpg"><img src="https://old.example.com/wp-content/uploads/a.jpg" alt=""></a></li><li><a href="/b.jpg"><img src="/b.jpg" alt=""></a></li></ul>`},
		{name: "code", in: "[code lang=\"js\"]\nif (a < b && c) {}\n[/code]", want: `<pre><code class="language-js">if (a &lt; b &amp;&amp; c) {}</code></pre>`},
		{name: "sourcecode escaped once", in: `[sourcecode language="python"]x = "&lt;"[/sourcecode]`, want: `<pre><code class="language-python">x = &#34;&lt;&#34;</code></pre>`},
		{name: "audio", in: `[audio mp3="/a.mp3"][/audio]`, want: `<audio controls preload="none" src="/a.mp3"><a href="/a.mp3">/a.mp3</a></audio>`},
		{name: "video", in: `[video src="/v.mp4"]`, want: `<video controls preload="none" src="/v.mp4"><a href="/v.mp4">/v.mp4</a></video>`},
		{name: "audio without source", in: `x[audio]`, want: `x`, warns: []string{"[audio] without a source"}},
		{name: "not a shortcode", in: "[link](x) [codes] [captioned]", want: "[link](x) [codes] [captioned]"},
	}, func(c *converter) { convertWordPress(c, att) })
}

func TestAutop(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"One\ntwo\n\nThree", "<p>One<br>\ntwo</p>\n\n<p>Three</p>\n\n"},
		{"<h2>H</h2>\n\nText", "<h2>H</h2>\n\n<p>Text</p>\n\n"},
		{"<pre>a\n\nb</pre>\n\nAfter", "<pre>a\n\nb</pre>\n\n<p>After</p>\n\n"},
		{"<!--more-->\n\nx", "<!--more-->\n\n<p>x</p>\n\n"},
		{"  ", "  "},
	} {
		if got := autop(tc.in); got != tc.want {
			t.Errorf("autop(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// FuzzMarkup feeds arbitrary bodies to every converter: none panics,
// text without any markup they know comes back unchanged, and every
// warning is on a line of the body.
func FuzzMarkup(f *testing.F) {
	for _, s := range []string{
		"{% highlight go %}x{% endhighlight %}", "{% raw %}{{x}}{% endraw %}", "{{ site.url | relative_url }}",
		"{{< figure src=\"a\" >}}", "{{< highlight go >}}x{{< /highlight >}}", "{{</* x */>}}", "$$code(lang=x)\ny\n$$/code",
		"[caption]<img>t[/caption]", "[gallery ids=\"1\"]", "* TOC\n{:toc}", "{%", "{{", "{{<", "[code]", "{: x}",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		lines := strings.Count(in, "\n")
		for _, conv := range []func(*converter){
			func(c *converter) { c.src = dropTOCList(c.src); convertLiquid(c) },
			func(c *converter) { convertShortcodes(c, nil) },
			convertBlogofile,
			func(c *converter) { convertWordPress(c, nil) },
		} {
			c := newConverter("p.md", 1, in, testEnv())
			conv(c)
			for _, w := range c.warns {
				if w.Pos.Line < 1 || w.Pos.Line > 1+lines {
					t.Errorf("warning %q outside the body's %d lines", w, lines+1)
				}
			}
			if !strings.ContainsAny(in, "{$[") && c.out.String() != in {
				t.Errorf("plain text %q changed to %q", in, c.out.String())
			}
		}
		_ = autop(in) // only that it does not panic
	})
}

// FuzzWXR feeds arbitrary exports to the WordPress reader: it never
// panics, and an error it returns names the export and a line in it.
func FuzzWXR(f *testing.F) {
	f.Add([]byte(`<rss><channel><title>T</title><item><title>A</title><wp:post_type>post</wp:post_type><wp:post_date>2011-01-01 00:00:00</wp:post_date></item></channel></rss>`))
	f.Add([]byte(`<rss><channel><item><title>truncated`))
	f.Add([]byte(`not xml at all`))
	f.Fuzz(func(t *testing.T, data []byte) {
		w := &wordpress{s: newSite(), file: "export.xml", attachments: map[string]string{}}
		err := w.read(t.Context(), bytes.NewReader(data))
		if err != nil {
			var de *diag.Error
			if !errors.As(err, &de) || de.Pos.File != "export.xml" || de.Pos.Line > 1+bytes.Count(data, []byte("\n")) {
				t.Fatalf("read: %v: want a diag.Error at a line of export.xml", err)
			}
			return
		}
		w.finish()
	})
}

// TestKramdownSpanIAL: an attribute list after a link or an image is
// carried by writing the element as HTML; after anything else, or with
// what is not a plain attribute, it is removed with a warning.
func TestKramdownSpanIAL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want, warn string }{
		{in: `See [the site](https://x.com){:target="_blank"}.`, want: `See <a href="https://x.com" target="_blank">the site</a>.`},
		{in: `![A cat](/img/cat.png "Cat"){: width="300" .center #c1}`, want: `<img src="/img/cat.png" alt="A cat" title="Cat" width="300" id="c1" class="center">`},
		{in: `[**bold** link](/x/){:rel=nofollow}`, want: `<a href="/x/" rel="nofollow">**bold** link</a>`},
		{in: `[x](/y){:onclick="alert(1)"}`, want: `[x](/y)`, warn: "attribute list"},
		{in: "Para.\n{: .note}", want: "Para.\n", warn: "attribute list"},
		{in: `[q](/a?b="c"){:title='T&'}`, want: `<a href="/a?b=&#34;c&#34;" title="T&amp;">q</a>`},
	} {
		c := newConverter("p.md", 1, tc.in, &env{})
		convertLiquid(c)
		if got := c.out.String(); got != tc.want {
			t.Errorf("convert(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if (len(c.warns) > 0) != (tc.warn != "") || tc.warn != "" && !strings.Contains(c.warns[0].Error(), tc.warn) {
			t.Errorf("convert(%q): warnings %v, want one with %q", tc.in, c.warns, tc.warn)
		}
	}
}

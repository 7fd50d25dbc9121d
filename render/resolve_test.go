package render

import "testing"

func TestResolveRelative(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, page, want string }{
		{`<p><img src="photo.jpg" alt=""> <a href='img/a.png'>a</a></p>`, "/2026/08/trip/",
			`<p><img src="/2026/08/trip/photo.jpg" alt=""> <a href='/2026/08/trip/img/a.png'>a</a></p>`},
		{`<a href="x.png">x</a>`, "/blog/2026/08/25/trip.html", `<a href="/blog/2026/08/25/x.png">x</a>`},
		{`<a href="/about/">a</a> <a href="#top">t</a> <a href="https://x.org/y">y</a> <a href="mailto:a@b">m</a> <a href="?q=1">q</a>`, "/p/",
			`<a href="/about/">a</a> <a href="#top">t</a> <a href="https://x.org/y">y</a> <a href="mailto:a@b">m</a> <a href="?q=1">q</a>`},
		{`<p>src="a.png" is text</p>`, "/p/", `<p>src="a.png" is text</p>`},
		{`<a href="sp%20ace.png#x">s</a>`, "/p/", `<a href="/p/sp%20ace.png#x">s</a>`},
		{`<a href="../up/">up</a>`, "/p/q/", `<a href="/p/up/">up</a>`},
	}
	for _, tc := range tests {
		if got := ResolveRelative(tc.in, tc.page); got != tc.want {
			t.Errorf("ResolveRelative(%q, %q) = %q, want %q", tc.in, tc.page, got, tc.want)
		}
	}
}

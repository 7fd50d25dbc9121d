package serve

import "testing"

func TestInjectScript(t *testing.T) {
	t.Parallel()
	const tag = `<script src="/_blog/livereload.js" data-build="x-1"></script>` + "\n"
	tests := []struct{ in, want string }{
		{"<html><body>hi</body></html>", "<html><body>hi" + tag + "</body></html>"},
		{"<BODY>hi</BODY>", "<BODY>hi" + tag + "</BODY>"},
		{"<p>fragment</p>", "<p>fragment</p>" + tag},
		{"", tag},
		// The last </body> counts: an earlier one may sit in a code block.
		{"<body><pre>&lt;/body&gt; </body ></pre></body>", "<body><pre>&lt;/body&gt; </body ></pre>" + tag + "</body>"},
	}
	for _, tc := range tests {
		if got := string(injectScript([]byte(tc.in), "x-1")); got != tc.want {
			t.Errorf("injectScript(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestBadPath(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"/a%2fb", "/a%2Fb", "/a%5cb", "/a\\b", "/a%00", "/a\x00"} {
		if !badPath(p) {
			t.Errorf("badPath(%q) = false, want true", p)
		}
	}
	for _, p := range []string{"/", "/a/b/", "/a%20b", "/caf%C3%A9/"} {
		if badPath(p) {
			t.Errorf("badPath(%q) = true, want false", p)
		}
	}
}

func TestCSSOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		changed []string
		want    bool
	}{
		{nil, false},
		{[]string{"static/css/style.css"}, true},
		{[]string{"static/a.css", "static/b.css"}, true},
		{[]string{"static/a.css", "posts/a.md"}, false},
		{[]string{"static/css"}, false}, // a directory
	}
	for _, tc := range tests {
		if got := cssOnly(tc.changed); got != tc.want {
			t.Errorf("cssOnly(%q) = %v, want %v", tc.changed, got, tc.want)
		}
	}
}

func TestBasePath(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"http://localhost:4000/", "/"},
		{"http://localhost:4000", "/"},
		{"https://example.com/blog/", "/blog/"},
		{"https://example.com/blog", "/blog/"},
		{"https://example.com/a/b/", "/a/b/"},
		{"%zz", "/"},
	}
	for _, tc := range tests {
		if got := basePath(tc.in); got != tc.want {
			t.Errorf("basePath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

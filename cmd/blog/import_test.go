package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportExitCodes: blog import exits 0 when everything was imported,
// 1 when something was not (the blog is still written, and the warning
// names the file and line), 2 for a usage error.
func TestImportExitCodes(t *testing.T) {
	t.Parallel()
	site := func(post string) string {
		dir := t.TempDir()
		for name, data := range map[string]string{
			"_config.yml":              "title: Old\nurl: https://old.example.com\n",
			"_posts/2010-07-21-a.md":   "---\ntitle: A\n---\nPlain text.\n",
			"_posts/2010-07-22-b.md":   post,
			"_drafts/not-yet.markdown": "---\ntitle: Later\n---\nSoon.\n",
		} {
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		return dir
	}
	for _, tc := range []struct {
		name, post string
		args       []string
		code       int
		stdout     string // a line of it
		stderr     string
	}{
		{name: "complete", post: "---\ntitle: B\n---\n{% highlight go %}\nx\n{% endhighlight %}\n", code: 0,
			stdout: "imported 3 posts (1 drafts), 0 pages, 0 aliases, 0 attachments; 0 warnings into "},
		{name: "incomplete", post: "---\ntitle: B\n---\n{% if site.x %}y{% endif %}\n", code: 1,
			stdout: "imported 3 posts (1 drafts), 0 pages, 0 aliases, 0 attachments; 2 warnings into ",
			stderr: "_posts/2010-07-22-b.md:4: Liquid tag {% if %} cannot be converted: kept as text"},
		{name: "usage", args: []string{"import", "textpattern", "x", "y"}, code: 2, stderr: `unknown origin "textpattern"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			args := tc.args
			if args == nil {
				args = []string{"import", "jekyll", site(tc.post), filepath.Join(t.TempDir(), "new")}
			}
			var stdout, stderr bytes.Buffer
			code := exitCode(run(t.Context(), args, &stdout, &stderr), &stderr)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr.String())
			}
			if tc.stdout != "" && !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("stdout:\n%s\nwant a line %q", stdout.String(), tc.stdout)
			}
			if tc.stderr != "" && !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("stderr:\n%s\nwant %q", stderr.String(), tc.stderr)
			}
		})
	}
}

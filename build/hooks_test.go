package build_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
)

func TestHooks(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		hooks   string // the build.hooks section
		wantErr string // exact error; "" for success
		output  []string
		site    bool // whether _site exists afterwards
	}{
		{
			name: "env and prefix",
			hooks: `    pre_build:
      - echo "src=$(basename $BLOG_SOURCE) out=$(basename $BLOG_OUTPUT) mode=$BLOG_MODE"
      - {name: second, run: "echo one; echo two >&2"}
    post_build:
      - test -f "$BLOG_OUTPUT/index.html" && echo built`,
			output: []string{"[echo] src=site out=_site mode=build", "[second] one", "[second] two", "[test] built"},
			site:   true,
		},
		{
			name: "pre-build writes a post the same build uses",
			hooks: `    pre_build:
      - name: gen
        run: |
          printf -- '---\ntitle: Generated\ndate: 2026-01-02\n---\nhi\n' > posts/gen.md`,
			site: true,
		},
		{
			name: "failing hook",
			hooks: `    pre_build:
      - {name: lint, run: "echo checking; echo 'bad thing' >&2; exit 3"}`,
			wantErr: "hooks: pre_build hook \"lint\": exit status 3; last output:\n  checking\n  bad thing",
			output:  []string{"[lint] checking", "[lint] bad thing"},
		},
		{
			name: "timeout",
			hooks: `    pre_build:
      - {name: slow, run: "echo start; sleep 30", timeout: 200ms}`,
			wantErr: "hooks: pre_build hook \"slow\": timed out after 200ms; last output:\n  start",
			output:  []string{"[slow] start"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := filepath.Join(t.TempDir(), "site")
			writeFile(t, filepath.Join(root, "_config.yaml"), []byte("site: {title: T, url: \"https://example.com/\"}\nbuild:\n  hooks:\n"+tc.hooks+"\n"))
			writeFile(t, filepath.Join(root, "posts", "a.md"), []byte("---\ntitle: A\ndate: 2026-01-01\n---\nA.\n"))
			cfg, err := build.Load(root)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			start := time.Now()
			_, err = build.Run(t.Context(), cfg, build.Options{HookOutput: &out, Now: func() time.Time { return testNow }})
			if time.Since(start) > 20*time.Second {
				t.Errorf("the build did not stop the hook at its timeout")
			}
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.wantErr {
				t.Errorf("error:\n got %q\nwant %q", got, tc.wantErr)
			}
			if lines := strings.Split(strings.TrimSpace(out.String()), "\n"); tc.output != nil && strings.Join(lines, "\n") != strings.Join(tc.output, "\n") {
				t.Errorf("hook output:\n%s\nwant:\n%s", out.String(), strings.Join(tc.output, "\n"))
			}
			_, statErr := os.Stat(filepath.Join(root, "_site", "index.html"))
			if (statErr == nil) != tc.site {
				t.Errorf("_site exists = %v, want %v", statErr == nil, tc.site)
			}
			if tc.name == "pre-build writes a post the same build uses" {
				if _, err := os.Stat(filepath.Join(root, "_site", "2026", "01", "gen", "index.html")); err != nil {
					t.Errorf("the generated post was not built: %v", err)
				}
			}
		})
	}
}

func TestHookConfigErrors(t *testing.T) {
	t.Parallel()
	root := site(t, map[string]string{"_config.yaml": "build:\n  hooks:\n    pre_build:\n      - {name: x, run: \"\"}\n      - {name: y, runn: ls}\n"})
	_, err := build.Load(root)
	want := "_config.yaml:5:19: unknown key \"build.hooks.pre_build.1.runn\" (did you mean \"build.hooks.pre_build.1.run\"?)"
	if err == nil || err.Error() != want {
		t.Errorf("Load error:\n got %v\nwant %s", err, want)
	}
}

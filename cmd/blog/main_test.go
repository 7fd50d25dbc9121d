package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestExitCodes(t *testing.T) {
	t.Parallel()
	broken := t.TempDir()
	os.WriteFile(filepath.Join(broken, "_config.yaml"), []byte("site: {title: T}\n"), 0o644)
	os.MkdirAll(filepath.Join(broken, "posts"), 0o755)
	os.WriteFile(filepath.Join(broken, "posts", "a.md"), []byte("---\ndate: never\n---\n"), 0o644)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // a substring of stderr
		stdout string // a substring of stdout
	}{
		{"no command", nil, 2, "no command given", ""},
		{"unknown command", []string{"frobnicate"}, 2, `unknown command "frobnicate"`, ""},
		{"help", []string{"help"}, 0, "", "Usage:"},
		{"bad flag", []string{"build", "--nope"}, 2, "flag provided but not defined: -nope", ""},
		{"too many dirs", []string{"build", "a", "b"}, 2, "want at most one site directory", ""},
		{"not a blog", []string{"build", t.TempDir()}, 1, "no _config.yaml here", ""},
		{"content error", []string{"build", broken}, 1, "posts/a.md:2:7: date: invalid date \"never\"", ""},
		{"output is the site", []string{"build", "--output", broken, broken}, 1, "would hold the site itself", ""},
		{"styles unknown", []string{"styles", "nope"}, 2, `unknown style "nope"`, ""},
		{"styles list", []string{"styles", "--list"}, 0, "", "monokai\n"},
		{"styles css", []string{"styles", "monokai"}, 0, "", ".chroma"},
		{"version", []string{"version"}, 0, "", "blog "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr bytes.Buffer
			err := run(t.Context(), tc.args, &stdout, &stderr)
			code := exitCode(err, &stderr)
			if code != tc.code {
				t.Errorf("run(%q): exit %d, want %d; stderr:\n%s", tc.args, code, tc.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tc.stderr) {
				t.Errorf("run(%q): stderr %q does not contain %q", tc.args, stderr.String(), tc.stderr)
			}
			if !strings.Contains(stdout.String(), tc.stdout) {
				t.Errorf("run(%q): stdout %q does not contain %q", tc.args, stdout.String(), tc.stdout)
			}
		})
	}
}

// TestErrorLinesStartWithPosition checks that each content error is printed
// on its own line, starting with file:line:col.
func TestErrorLinesStartWithPosition(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "_config.yaml"), []byte("site: {title: T}\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "posts"), 0o755)
	os.WriteFile(filepath.Join(dir, "posts", "a.md"), []byte("---\ndate: never\n---\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "posts", "b.md"), []byte("---\ndate: 2026-01-01\ndraft: perhaps\n---\n"), 0o644)
	var stdout, stderr bytes.Buffer
	code := exitCode(run(t.Context(), []string{"build", dir}, &stdout, &stderr), &stderr)
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if code != 1 || len(lines) != 2 || !strings.HasPrefix(lines[0], "posts/a.md:2:7: ") || !strings.HasPrefix(lines[1], "posts/b.md:3:8: ") {
		t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and two lines at posts/a.md:2:7 and posts/b.md:3:8", code, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "_site")); err == nil {
		t.Error("failed build wrote _site")
	}
}

func TestInit(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "myblog")
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"init", "--theme", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("init: %v\n%s", err, stderr.String())
	}
	for _, f := range []string{"_config.yaml", ".gitignore", "templates/post.html", "static/css/style.css"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("init did not create %s: %v", f, err)
		}
	}
	if err := run(t.Context(), []string{"build", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("building the new blog: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "_site", "index.html")); err != nil {
		t.Errorf("no index.html after build: %v", err)
	}
	err := run(t.Context(), []string{"init", dir}, &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "is not empty") {
		t.Errorf("init into a non-empty directory: %v, want a refusal", err)
	}
}

// TestBuildOutputFlag checks that --output and --drafts change that build
// only: the site's own output directory is not made, and the summary names
// the directory written.
func TestBuildOutputFlag(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "_config.yaml"), []byte("site: {title: T}\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "posts"), 0o755)
	os.WriteFile(filepath.Join(dir, "posts", "a.md"), []byte("---\ntitle: A\ndate: 2026-01-01\ndraft: true\n---\nbody\n"), 0o644)
	out := filepath.Join(t.TempDir(), "elsewhere")
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"build", "--drafts", "--output", out, dir}, &stdout, &stderr); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	if !strings.HasPrefix(stdout.String(), "built "+out+": 1 posts") {
		t.Errorf("stdout = %q, want it to name %s and the draft", stdout.String(), out)
	}
	if _, err := os.Stat(filepath.Join(out, "2026", "01", "a", "index.html")); err != nil {
		t.Errorf("the draft is not in --output: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "_site")); err == nil {
		t.Error("build --output also wrote _site")
	}
}

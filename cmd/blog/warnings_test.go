package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuildPrintsWarnings: blog build prints each warning as
// file:line: warning: message on stderr and still succeeds.
func TestBuildPrintsWarnings(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "_config.yaml"), []byte("site: {title: T, url: \"https://example.com/\"}\n"), 0o644)
	os.MkdirAll(filepath.Join(dir, "posts"), 0o755)
	os.WriteFile(filepath.Join(dir, "posts", "a.md"), []byte("---\ndate: 2026-01-01\n---\n[gallery ids=\"1,2\"]\n"), 0o644)
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"build", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("build: %v\n%s", err, stderr.String())
	}
	want := `posts/a.md:4: warning: WordPress shortcode "[gallery ids="1,2"]" left in the post`
	if !strings.HasPrefix(stderr.String(), want) || strings.Count(stderr.String(), "\n") != 1 {
		t.Errorf("stderr:\n%s\nwant one line starting %s", stderr.String(), want)
	}
}

package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/render"
)

func newTestSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "_config.yaml"), "site: {title: T, timezone: Asia/Tokyo}\n")
	return dir
}

func TestNewSlugs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		title, slug string
	}{
		{"Hello, World!", "hello-world"},
		{"  Don't panic: a guide (part 2)  ", "dont-panic-a-guide-part-2"},
		{"Café au lait", "cafe-au-lait"},
		{"Привет, мир", "привет-мир"},
		{"日本語のタイトル", "日本語のタイトル"},
		{"C++ & Go?", "c-go"},
	}
	for _, tc := range tests {
		t.Run(tc.slug, func(t *testing.T) {
			t.Parallel()
			dir := newTestSite(t)
			var stdout, stderr bytes.Buffer
			if err := run(t.Context(), []string{"new", tc.title, dir}, &stdout, &stderr); err != nil {
				t.Fatalf("blog new %q: %v", tc.title, err)
			}
			tokyo, _ := time.LoadLocation("Asia/Tokyo")
			today := time.Now().In(tokyo).Format("2006-01-02")
			want := filepath.Join(dir, "posts", today+"-"+tc.slug+".md")
			if got := strings.TrimSpace(stdout.String()); got != want {
				t.Errorf("blog new %q printed %q, want %q", tc.title, got, want)
			}
			page := "http://127.0.0.1:4000/" + today[:4] + "/" + today[5:7] + "/" + tc.slug + "/"
			if !strings.Contains(stderr.String(), "blog serve will show it at "+page+"\n") {
				t.Errorf("blog new %q: stderr %q does not say where blog serve shows the draft (%s)", tc.title, stderr.String(), page)
			}
			src, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			fm, _, _, err := render.SplitFrontMatter("p.md", src)
			if err != nil {
				t.Fatal(err)
			}
			meta, err := render.ParseFrontMatter("p.md", fm, tokyo)
			if err != nil {
				t.Fatalf("front matter of %s: %v\n%s", want, err, src)
			}
			if meta.Title != strings.TrimSpace(tc.title) || !meta.Draft || len(meta.Tags) != 0 || meta.Date.In(tokyo).Format("2006-01-02") != today {
				t.Errorf("front matter = title %q, draft %v, tags %v, date %v; want %q, true, none, today in Tokyo", meta.Title, meta.Draft, meta.Tags, meta.Date, tc.title)
			}
		})
	}
}

func TestNewFlagsAndNoOverwrite(t *testing.T) {
	t.Parallel()
	dir := newTestSite(t)
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"new", "--draft=false", "--tags", "go, web,", `A "quoted" title`, dir}, &stdout, &stderr); err != nil {
		t.Fatalf("blog new: %v", err)
	}
	name := strings.TrimSpace(stdout.String())
	src, _ := os.ReadFile(name)
	fm, _, _, _ := render.SplitFrontMatter("p.md", src)
	meta, err := render.ParseFrontMatter("p.md", fm, time.UTC)
	if err != nil || meta.Title != `A "quoted" title` || meta.Draft || strings.Join(meta.Tags, ",") != "go,web" {
		t.Errorf("front matter = %+v, %v; want the quoted title, draft false, tags go and web", meta, err)
	}
	if got := stderr.String(); strings.Count(got, "\n") != 1 || !strings.HasPrefix(got, "blog new: blog serve will show it at ") {
		t.Errorf("blog new --draft=false wrote %q to stderr, want only where blog serve shows it", got)
	}

	os.WriteFile(name, []byte("my words"), 0o644)
	err = run(t.Context(), []string{"new", `A "quoted" title`, dir}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != 1 || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("blog new over an existing post: exit %d, %v; want exit 1, already exists", code, err)
	}
	if data, _ := os.ReadFile(name); string(data) != "my words" {
		t.Errorf("blog new overwrote %s", name)
	}

	for _, args := range [][]string{{"new", "?!…", dir}, {"new"}, {"new", "a", "b", "c"}} {
		err := run(t.Context(), args, &stdout, &stderr)
		if code := exitCode(err, &bytes.Buffer{}); code != 2 {
			t.Errorf("run(%q): exit %d (%v), want 2", args, code, err)
		}
	}
}

// TestNewPrintsServedURL: with a blog serve running for the site, blog new
// prints the post's address on it, from build.permalink and under
// site.url's path.
func TestNewPrintsServedURL(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "_config.yaml"), "site: {title: T, url: https://example.com/blog/}\nbuild: {permalink: /:year/:slug.html}\n")
	mustWrite(t, filepath.Join(dir, ".blog-cache", "serve", "url"), "http://127.0.0.1:4321/blog/\n")
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"new", "Hello there", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("blog new: %v", err)
	}
	want := "blog new: blog serve shows it at http://127.0.0.1:4321/blog/" + time.Now().UTC().Format("2006") + "/hello-there.html\n"
	if !strings.HasPrefix(stderr.String(), want) {
		t.Errorf("blog new: stderr %q, want it to start with %q", stderr.String(), want)
	}
}

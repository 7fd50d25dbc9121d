package importer

import (
	"bytes"
	"context"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want/ sections of testdata/*.txtar")

// importFunc is one origin's importer.
type importFunc func(ctx context.Context, src, dst string, opts Options) (*Report, error)

// runFixture expands the old/ files of testdata/name.txtar, imports them
// with imp and compares every written file and the report with the
// want/ sections (rewritten with -update). It returns the new blog's
// directory and the report.
func runFixture(t *testing.T, name string, imp importFunc) (string, *Report) {
	t.Helper()
	file := filepath.Join("testdata", name+".txtar")
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, f := range ar.Files {
		if rest, ok := strings.CutPrefix(f.Name, "old/"); ok {
			p := filepath.Join(root, "old", filepath.FromSlash(rest))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	dst := filepath.Join(root, "new")
	src := filepath.Join(root, "old")
	if _, err := os.Stat(filepath.Join(src, "export.xml")); err == nil {
		src = filepath.Join(src, "export.xml") // WordPress imports a file
	}
	rep, err := imp(t.Context(), src, dst, Options{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	got := map[string][]byte{}
	err = filepath.WalkDir(dst, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dst, p)
		data, err := os.ReadFile(p)
		got["want/"+filepath.ToSlash(rel)] = data
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var report bytes.Buffer
	report.WriteString(rep.String() + "\n")
	for _, w := range rep.Warnings {
		report.WriteString(w.Error() + "\n")
	}
	for _, n := range rep.Notes {
		report.WriteString("note: " + n + "\n")
	}
	got["want/report"] = report.Bytes()
	compareWant(t, file, ar, got)
	return dst, rep
}

func compareWant(t *testing.T, file string, ar *txtar.Archive, got map[string][]byte) {
	t.Helper()
	if *update {
		var files []txtar.File
		for _, f := range ar.Files {
			if !strings.HasPrefix(f.Name, "want/") {
				files = append(files, f)
			}
		}
		names := make([]string, 0, len(got))
		for n := range got {
			names = append(names, n)
		}
		slices.Sort(names)
		for _, n := range names {
			files = append(files, txtar.File{Name: n, Data: got[n]})
		}
		ar.Files = files
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want := map[string][]byte{}
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "want/") {
			want[f.Name] = f.Data
		}
	}
	if d := cmp.Diff(want, got, cmp.Transformer("string", func(b []byte) string { return string(b) })); d != "" {
		t.Errorf("%s: imported files differ (-want +got; go test ./importer -update rewrites):\n%s", file, d)
	}
}

// buildImported builds the imported blog and returns its _site.
func buildImported(t *testing.T, dir string) string {
	t.Helper()
	cfg, err := build.Load(dir)
	if err != nil {
		t.Fatalf("the imported blog's config: %v", err)
	}
	now := func() time.Time { return time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC) }
	if _, err := build.Run(t.Context(), cfg, build.Options{Now: now, Drafts: true}); err != nil {
		t.Fatalf("building the imported blog: %v", err)
	}
	return filepath.Join(dir, "_site")
}

// hasPage reports whether site publishes urlPath: as a page, or as a
// redirect page written for an alias.
func hasPage(site, urlPath string) bool {
	p := filepath.Join(site, filepath.FromSlash(urlPath))
	if strings.HasSuffix(urlPath, "/") {
		p = filepath.Join(p, "index.html")
	}
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func TestJekyll(t *testing.T) {
	t.Parallel()
	dir, rep := runFixture(t, "jekyll", Jekyll)
	if rep.Complete() {
		t.Error("report: complete, want the warnings for the dynamic Liquid")
	}
	site := buildImported(t, dir)
	for _, u := range []string{"/2010/07/21/hello.html", "/notes/2011/01/02/second.html", "/about/", "/images/cat.png"} {
		if !hasPage(site, u) {
			t.Errorf("old URL %s is not in the built site", u)
		}
	}
	// A second import of the same site writes the same bytes.
	again, _ := runFixture(t, "jekyll", Jekyll)
	if d := diffTrees(t, filepath.Join(dir), again); d != "" {
		t.Errorf("a second import differs:\n%s", d)
	}
}

// diffTrees compares the source files of two imported blogs.
func diffTrees(t *testing.T, a, b string) string {
	t.Helper()
	read := func(root string) map[string]string {
		m := map[string]string{}
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, p)
			if d.IsDir() && (rel == "_site" || rel == ".blog-cache") {
				return filepath.SkipDir
			}
			if !d.IsDir() {
				data, _ := os.ReadFile(p)
				m[filepath.ToSlash(rel)] = string(data)
			}
			return nil
		})
		return m
	}
	return cmp.Diff(read(a), read(b))
}

func TestHugo(t *testing.T) {
	t.Parallel()
	dir, _ := runFixture(t, "hugo", Hugo)
	buildImported(t, dir)
}

func TestBlogofile(t *testing.T) {
	t.Parallel()
	runFixture(t, "blogofile", Blogofile)
}

func TestWordPress(t *testing.T) {
	t.Parallel()
	dir, _ := runFixture(t, "wordpress", WordPress)
	site := buildImported(t, dir)
	for _, u := range []string{"/2011/04/17/hello-world/", "/about/"} {
		if !hasPage(site, u) {
			t.Errorf("URL %s is not in the built site", u)
		}
	}
	page, err := os.ReadFile(filepath.Join(site, "2011/04/17/hello-world/index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<figure><img", "<figcaption>A cat</figcaption>", `<ul class="gallery">`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the imported post's page has no %s", want)
		}
	}
	if strings.Contains(string(page), "[caption") || strings.Contains(string(page), "[gallery") {
		t.Error("WordPress shortcodes left in the built page")
	}
}

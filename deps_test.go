package blog_test

import (
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/blog-gen/blog"

// allowed is the dependency policy of DESIGN.md as a table: for each of
// our packages, the packages of this module it may import. cmd/blog → build
// → render → highlight; widget stands alone; diag is a leaf anyone
// may use; the root package (the embedded theme) imports nothing of ours.
var allowed = map[string][]string{
	"":     {},
	"diag": {},
	// internal/lock is the file lock that build and deploy share: a leaf,
	// so that neither needs the other's API for it.
	"internal/lock": {},
	// internal/redistest starts a real redis-server for tests (the widget's
	// and the CLI's); only test files import it.
	"internal/redistest": {},
	// highlight uses chroma through the copy in _third_party/chroma (see
	// its README); the walk below skips that directory.
	"highlight": {"_third_party/chroma", "_third_party/chroma/formatters/html", "_third_party/chroma/lexers", "bench/corpus"},
	"render":    {"diag", "internal/testenv"},
	// build's benchmarks (tests only) render posts of the bench corpus.
	"build":    {"", "render", "highlight", "diag", "internal/lock", "internal/testenv", "bench/corpus"},
	"widget":   {"internal/redistest"},
	"serve":    {"build", "render", "widget", "diag"},
	"deploy":   {"build", "diag", "internal/lock"},
	"importer": {"build", "render", "diag", "internal/testenv"},
	"cmd/blog": {"*"},

	// internal/testenv finds the real programs tests need (docutils).
	"internal/testenv": {},
}

func TestDependencyPolicy(t *testing.T) {
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			return nil
		}
		name := d.Name()
		if path != "." && (strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_") || name == "testdata" || name == "bench") {
			return filepath.SkipDir
		}
		pkg, err := build.ImportDir(path, 0)
		if err != nil {
			if _, ok := err.(*build.NoGoError); ok {
				return nil
			}
			return err
		}
		rel := filepath.ToSlash(path)
		if rel == "." {
			rel = ""
		}
		allow, ok := allowed[rel]
		if !ok {
			t.Errorf("package %q is not in the dependency policy table: add it to allowed in deps_test.go", rel)
			return nil
		}
		imports := append(slices.Clone(pkg.Imports), pkg.TestImports...)
		for _, imp := range imports {
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			target := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			if target == rel || slices.Contains(allow, "*") || slices.Contains(allow, target) {
				continue
			}
			t.Errorf("%s imports %s: not allowed by the dependency policy", displayPkg(rel), displayPkg(target))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func displayPkg(rel string) string {
	if rel == "" {
		return module
	}
	return rel
}

// TestNoChromaModuleInBlog checks that the blog command does not link the
// chroma module, whose lexers and styles packages build their registries
// when a program starts (see _third_party/chroma/README.md): it uses the
// copy, and the styles of highlight/styles_gen.go.
func TestNoChromaModuleInBlog(t *testing.T) {
	seen := map[string]bool{}
	var walk func(rel string)
	walk = func(rel string) {
		if seen[rel] {
			return
		}
		seen[rel] = true
		pkg, err := build.ImportDir(filepath.FromSlash("./"+rel), 0)
		if err != nil {
			t.Fatalf("%s: %v", displayPkg(rel), err)
		}
		for _, imp := range pkg.Imports {
			switch {
			case strings.HasPrefix(imp, "github.com/alecthomas/chroma"):
				t.Errorf("%s imports %s", displayPkg(rel), imp)
			case imp == module || strings.HasPrefix(imp, module+"/"):
				walk(strings.TrimPrefix(strings.TrimPrefix(imp, module), "/"))
			}
		}
	}
	walk("cmd/blog")
	if !seen["_third_party/chroma/lexers"] {
		t.Error("cmd/blog does not reach _third_party/chroma/lexers: is the walk broken?")
	}
}

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
	"highlight":     {},
	"render":        {"diag", "internal/testenv"},
	"build":         {"", "render", "highlight", "diag", "internal/lock", "internal/testenv"},
	"widget":        {},
	"serve":         {"build", "render", "widget", "diag"},
	"deploy":        {"build", "diag", "internal/lock"},
	"importer":      {"build", "render", "diag"},
	"cmd/blog":      {"*"},

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

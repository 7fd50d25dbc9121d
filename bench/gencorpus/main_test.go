package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/blog-gen/blog/bench/corpus"
)

// TestDeterministic checks what the benchmarks rely on: the same seed
// writes the same bytes, and -n 3 is the first three posts of -n 5.
func TestDeterministic(t *testing.T) {
	a, b := t.TempDir(), t.TempDir()
	if err := run(3, a, 1, "blog"); err != nil {
		t.Fatal(err)
	}
	if err := run(5, b, 1, "blog"); err != nil {
		t.Fatal(err)
	}
	names, err := filepath.Glob(filepath.Join(a, "posts", "*.md"))
	if err != nil || len(names) != 3 {
		t.Fatalf("posts of -n 3: %v (%v)", names, err)
	}
	for _, n := range names {
		x, _ := os.ReadFile(n)
		y, err := os.ReadFile(filepath.Join(b, "posts", filepath.Base(n)))
		if err != nil || string(x) != string(y) {
			t.Errorf("%s differs between -n 3 and -n 5 (%v)", filepath.Base(n), err)
		}
	}
	if corpus.NewPost(2, 1).Body() == corpus.NewPost(1, 1).Body() {
		t.Error("seeds 1 and 2 give the same first post")
	}
}

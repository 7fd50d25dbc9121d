package build

import (
	"errors"
	"io/fs"
	"testing"
	"testing/fstest"
)

// TestMapFS checks mapFS against the fs.FS contract: opening, reading,
// seeking, listing and walking files and the directories they imply.
func TestMapFS(t *testing.T) {
	t.Parallel()
	m := mapFS{
		"base.html":              []byte("{{define \"base\"}}{{end}}"),
		"partials/a.html":        []byte("a"),
		"partials/deep/b.html":   []byte("bb"),
		"partials/deep/c/d.html": nil,
	}
	if err := fstest.TestFS(m, "base.html", "partials/a.html", "partials/deep/b.html", "partials/deep/c/d.html"); err != nil {
		t.Fatal(err)
	}
	if err := fstest.TestFS(mapFS{}); err != nil {
		t.Fatalf("empty: %v", err)
	}
	if _, err := m.Open("nope"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Open(nope) = %v, want ErrNotExist", err)
	}
	if _, err := m.Open("../x"); !errors.Is(err, fs.ErrInvalid) {
		t.Errorf("Open(../x) = %v, want ErrInvalid", err)
	}
}

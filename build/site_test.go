package build_test

import (
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/tools/txtar"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata fixtures")

// testNow is the clock of every test build: posts after it are "future".
var testNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// TestSites builds each testdata/sites/*.txtar and compares the result:
//
//	-- want/files --        every output file, one per line
//	-- want/_site/PATH --   the exact content of one output file
//	-- want/stderr --       for a failing build, the error lines
//	-- want/warnings --     the warnings of a build, file:line: warning: msg
//
// Sections not under want/ are the site's files; one whose name ends in
// .base64 is a binary file (an image), written decoded without that
// ending. A line "flags: drafts
// future" in the archive comment sets build flags; a line "needs:
// docutils" skips the fixture where docutils is missing (and fails it
// under BLOG_TEST_STRICT=1).
func TestSites(t *testing.T) {
	files, err := filepath.Glob("testdata/sites/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			t.Parallel()
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if slices.Contains(fixtureNeeds(ar.Comment), "docutils") {
				testenv.Docutils(t)
			}
			dir := t.TempDir()
			for _, f := range ar.Files {
				if strings.HasPrefix(f.Name, "want/") {
					continue
				}
				name, data := f.Name, f.Data
				if n, ok := strings.CutSuffix(name, ".base64"); ok { // a binary file: a real PNG or JPEG
					name = n
					if data, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(f.Data)), "")); err != nil {
						t.Fatalf("%s: %v", f.Name, err)
					}
				}
				writeFile(t, filepath.Join(dir, name), data)
			}
			cfg, err := build.Load(dir)
			var stderr string
			var res build.Result
			if err == nil {
				flags := fixtureFlags(ar.Comment)
				res, err = build.Run(t.Context(), cfg, build.Options{
					Now:    func() time.Time { return testNow },
					Drafts: slices.Contains(flags, "drafts"),
					Future: slices.Contains(flags, "future"),
				})
			}
			if err != nil {
				stderr = err.Error() + "\n"
			}
			got := map[string][]byte{"want/stderr": []byte(stderr), "want/warnings": warningLines(res.Warnings)}
			if err == nil {
				got["want/files"] = []byte(strings.Join(listFiles(t, filepath.Join(dir, "_site")), "\n") + "\n")
				for _, f := range ar.Files {
					if name, ok := strings.CutPrefix(f.Name, "want/_site/"); ok {
						got[f.Name] = readFile(t, filepath.Join(dir, "_site", name))
					}
				}
			}
			compareArchive(t, file, ar, got)
		})
	}
}

// compareArchive checks the want/ sections of ar against got, or rewrites
// them with -update. want/stderr is checked when present or non-empty.
func compareArchive(t *testing.T, file string, ar *txtar.Archive, got map[string][]byte) {
	t.Helper()
	if *update {
		var kept []txtar.File
		for _, f := range ar.Files {
			if !strings.HasPrefix(f.Name, "want/") {
				kept = append(kept, f)
			}
		}
		names := []string{"want/stderr", "want/warnings", "want/files"}
		for _, f := range ar.Files {
			if strings.HasPrefix(f.Name, "want/_site/") {
				names = append(names, f.Name)
			}
		}
		for _, n := range names {
			if data, ok := got[n]; ok && (n != "want/stderr" && n != "want/warnings" || len(data) > 0) {
				kept = append(kept, txtar.File{Name: n, Data: data})
			}
		}
		ar.Files = kept
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	sawStderr, sawWarnings := false, false
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, "want/") {
			continue
		}
		sawStderr = sawStderr || f.Name == "want/stderr"
		sawWarnings = sawWarnings || f.Name == "want/warnings"
		if d := cmp.Diff(string(f.Data), string(got[f.Name])); d != "" {
			t.Errorf("%s mismatch (-want +got):\n%s", f.Name, d)
		}
	}
	if !sawStderr && len(got["want/stderr"]) > 0 {
		t.Errorf("build failed unexpectedly:\n%s", got["want/stderr"])
	}
	if !sawWarnings && len(got["want/warnings"]) > 0 {
		t.Errorf("unexpected warnings:\n%s", got["want/warnings"])
	}
}

func writeFile(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// listFiles returns the slash paths of all files under dir, sorted.
func listFiles(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// snapshot reads every file under dir into a map, for byte comparisons.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	m := make(map[string]string)
	for _, name := range listFiles(t, dir) {
		m[name] = string(readFile(t, filepath.Join(dir, name)))
	}
	return m
}

// fixtureFlags returns the words of the comment's "flags:" line.
func fixtureFlags(comment []byte) []string {
	for line := range strings.Lines(string(comment)) {
		if rest, ok := strings.CutPrefix(line, "flags:"); ok {
			return strings.Fields(rest)
		}
	}
	return nil
}

// fixtureNeeds returns the words of the comment's "needs:" line: the
// real programs the fixture's build runs (docutils).
func fixtureNeeds(comment []byte) []string {
	for line := range strings.Lines(string(comment)) {
		if rest, ok := strings.CutPrefix(line, "needs:"); ok {
			return strings.Fields(rest)
		}
	}
	return nil
}

// warningLines formats warnings as blog build prints them.
func warningLines(warnings []error) []byte {
	var b strings.Builder
	for _, w := range warnings {
		var de *diag.Error
		if errors.As(w, &de) {
			fmt.Fprintf(&b, "%s: warning: %s\n", de.Pos, de.Err)
		} else {
			fmt.Fprintf(&b, "warning: %s\n", w)
		}
	}
	return []byte(b.String())
}

// Package testenv finds the real programs tests run (docutils), skipping
// a test that needs a missing one, or failing it when BLOG_TEST_STRICT=1
// (as CI sets), so CI never skips in silence.
package testenv

import (
	"bytes"
	"os"
	"os/exec"
	"testing"
)

// Docutils returns the path of the interpreter of the python3 in PATH
// when it imports docutils (the interpreter itself, not a wrapper script
// such as pyenv's, so that it runs with any PATH), or skips (or, under
// BLOG_TEST_STRICT=1, fails) tb.
func Docutils(tb testing.TB) string {
	tb.Helper()
	python, err := exec.LookPath("python3")
	var out []byte
	if err == nil {
		out, err = exec.Command(python, "-c", "import docutils, sys; print(sys.executable)").Output()
	}
	if err == nil && len(bytes.TrimSpace(out)) > 0 {
		return string(bytes.TrimSpace(out))
	}
	if err != nil {
		if os.Getenv("BLOG_TEST_STRICT") == "1" {
			tb.Fatalf("python3 with docutils not found and BLOG_TEST_STRICT=1: %v", err)
		}
		tb.Skipf("python3 with docutils not installed (%v); skipping (apt-get install python3-docutils, or set BLOG_TEST_STRICT=1 to fail)", err)
	}
	tb.Fatalf("%s did not say where its interpreter is", python)
	return ""
}

package build

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/blog-gen/blog/highlight"
)

// fakeCode highlights a block as its code and a call number, and says
// ErrInexact while inexact is set.
type fakeCode struct {
	calls   int
	inexact bool
}

func (f *fakeCode) Highlight(w io.Writer, lang, code string, hl [][2]int) error {
	f.calls++
	fmt.Fprintf(w, "<pre>%s %d</pre>", code, f.calls)
	if f.inexact {
		return fmt.Errorf("highlight %s: %w", lang, highlight.ErrInexact)
	}
	return nil
}

// TestCodeCacheKeepsNoInexactBlock: a block the highlighter could not
// highlight exactly is written but not cached, in this build or the next;
// an exact one is.
func TestCodeCacheKeepsNoInexactBlock(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	h := &fakeCode{}
	check := func(c *codeCache, code, want string, wantInexact bool) {
		t.Helper()
		var b strings.Builder
		err := c.Highlight(&b, "go", code, nil)
		if errors.Is(err, highlight.ErrInexact) != wantInexact || (err != nil && !wantInexact) {
			t.Errorf("Highlight(%q) = %v, want ErrInexact: %t", code, err, wantInexact)
		}
		if b.String() != want {
			t.Errorf("Highlight(%q) wrote %q, want %q", code, b.String(), want)
		}
	}

	c := newCodeCache(h, "key", dir)
	h.inexact = true
	check(c, "slow", "<pre>slow 1</pre>", true)
	check(c, "slow", "<pre>slow 2</pre>", true) // not served from the fresh blocks either
	h.inexact = false
	check(c, "quick", "<pre>quick 3</pre>", false)
	if err := c.save(true); err != nil {
		t.Fatal(err)
	}
	c.close()

	next := newCodeCache(h, "key", dir)
	defer next.close()
	check(next, "quick", "<pre>quick 3</pre>", false) // from the pack
	check(next, "slow", "<pre>slow 4</pre>", false)   // highlighted again
	if h.calls != 4 {
		t.Errorf("highlighter called %d times, want 4", h.calls)
	}
}

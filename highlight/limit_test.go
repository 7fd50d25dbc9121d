package highlight

import (
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"

	"github.com/blog-gen/blog/_third_party/chroma"
)

// gateLexer holds every tokenisation until the test releases it, and
// counts how many are held. It lexes nothing itself: the test runs in a
// synctest bubble, and chroma's regexps start a clock goroutine that must
// not be born in one.
type gateLexer struct {
	chroma.Lexer
	release chan struct{}
	held    atomic.Int32
}

func (l *gateLexer) Tokenise(_ *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	l.held.Add(1)
	<-l.release
	l.held.Add(-1)
	return chroma.Literator(chroma.Token{Type: chroma.Name, Value: text}), nil
}

func TestHighlightConcurrencyBound(t *testing.T) {
	const procs, callers = 2, 6
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	synctest.Test(t, func(t *testing.T) {
		h := mustNew(t, Options{})
		gate := &gateLexer{release: make(chan struct{})}
		h.lexers["gated"] = gate
		var wg sync.WaitGroup
		for range callers {
			wg.Go(func() {
				if err := h.Highlight(io.Discard, "gated", "x\n", nil); err != nil {
					t.Error(err)
				}
			})
		}
		for left := callers; left > 0; left-- {
			synctest.Wait() // every caller is in the lexer or waiting for a turn
			if got, want := gate.held.Load(), int32(min(procs, left)); got != want {
				t.Fatalf("%d blocks in the lexer at once with %d callers left, want %d (GOMAXPROCS)", got, left, want)
			}
			gate.release <- struct{}{}
		}
		wg.Wait()
	})
}

//go:build linux

package highlight

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// longComment returns a Go block of one multi-line comment that takes d
// or more to lex: chroma's comment rule costs tens of nanoseconds a
// character. The length comes from the CPU time a shorter comment takes,
// which, unlike the wall time, load does not stretch.
func longComment(t *testing.T, d time.Duration) string {
	t.Helper()
	h := exactHighlighter(t, Options{}, "go")
	comment := func(n int) string { return "/*" + strings.Repeat("x", n) + "*/\n" }
	const probe = 1 << 16
	fastest := time.Duration(math.MaxInt64)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for range 5 { // the first run also compiles the lexer
		start := threadCPU(t)
		mustHighlight(t, h, "go", comment(probe))
		fastest = min(fastest, threadCPU(t)-start)
	}
	return comment(int(float64(probe) * float64(d) / float64(max(fastest, time.Microsecond))))
}

// threadCPU returns the CPU time the calling thread has used; the caller
// locks its goroutine to the thread. The process's would count the
// garbage collector's other threads, which is not lexing.
func threadCPU(t *testing.T) time.Duration {
	t.Helper()
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_THREAD, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestHighlightRaisedTimeout: a comment that takes 500ms of CPU to match
// is past chroma's timeout, which would leave "/*" to the operator rule,
// but not past the one Highlight gives the rules of the lexer a block
// names. The step is slow, so Highlight cannot vouch for the block; it is
// exact all the same. The test raises the timeout from 10s to an hour: at
// a load of 40 on two cores, half a second of CPU took over ten.
func TestHighlightRaisedTimeout(t *testing.T) {
	code := longComment(t, 500*time.Millisecond) // before the parallel tests run
	t.Parallel()
	want := mustHighlight(t, exactHighlighter(t, Options{}, "go"), "go", code)
	h := mustNew(t, Options{})
	if h.matchTimeout != raisedMatchTimeout {
		t.Fatalf("New gives lexers a match timeout of %v, want %v", h.matchTimeout, raisedMatchTimeout)
	}
	h.matchTimeout = time.Hour
	h.tries = 1 // the slow step would only be lexed again
	h.lexBudget = time.Hour
	var b strings.Builder
	if err := h.Highlight(&b, "go", code, nil); !errors.Is(err, ErrInexact) {
		t.Errorf("Highlight(500ms comment) = %v, want an error wrapping ErrInexact", err)
	}
	if got := b.String(); got != want {
		t.Errorf("Highlight(500ms comment) wrote %.300q…, want %.300q…", got, want)
	}
}

//go:build linux

package build_test

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/highlight"
)

// slowComment returns a Go block of one multi-line comment so long that
// lexing it is one step of d or more: chroma's comment rule costs tens of
// nanoseconds a character. The length comes from the CPU time a shorter
// comment takes, which, unlike the wall time, load does not stretch; a
// busy machine only makes the step longer.
func slowComment(t *testing.T, d time.Duration) string {
	t.Helper()
	h, err := highlight.New(highlight.Options{})
	if err != nil {
		t.Fatal(err)
	}
	comment := func(n int) string { return "/*" + strings.Repeat("x", n) + "*/\n" }
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// A probe the highlighter doubts is lexed three times: halve it until
	// it is lexed once.
	for probe := 1 << 16; probe > 1<<8; probe /= 2 {
		fastest, doubted := time.Duration(math.MaxInt64), false
		for range 5 { // the first run also compiles the lexer
			start := threadCPU(t)
			err := h.Highlight(&bytes.Buffer{}, "go", comment(probe), nil)
			if err != nil && !errors.Is(err, highlight.ErrInexact) {
				t.Fatal(err)
			}
			doubted = doubted || err != nil
			fastest = min(fastest, threadCPU(t)-start)
		}
		if !doubted {
			return comment(int(float64(probe) * float64(d) / float64(max(fastest, time.Microsecond))))
		}
	}
	t.Fatal("the highlighter doubts even a short comment")
	return ""
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

// TestInexactCodeBlock builds a post with a block whose lexing takes
// 200ms or more, past the step time after which the highlighter cannot
// rule out chroma's 250ms match timeout: each build warns, naming the
// block, writes the page, and leaves nothing that would let the next build
// skip the block.
func TestInexactCodeBlock(t *testing.T) {
	block := slowComment(t, 200*time.Millisecond) // before the parallel tests run
	t.Parallel()
	root := site(t, map[string]string{
		"_config.yaml":             okConfig + "build: {max_post_size: 1GB}\n", // 200ms of lexing is megabytes without -race
		"posts/2026-01-01-slow.md": "---\ntitle: Slow\n---\nText.\n\n```go\n" + block + "```\n",
	})
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	const wantWarn = "posts/2026-01-01-slow.md:6: code block may be highlighted wrongly (chroma's lexer timed out on a busy machine): the next build highlights it again"
	for i, wantReason := range []string{"no cache", "the last build has code that may be highlighted wrongly"} {
		res := runBuild(t, cfg, build.Options{})
		if !res.Full || res.Reason != wantReason {
			t.Errorf("build %d: %s, reason %q; want a full build, reason %q", i+1, res, res.Reason, wantReason)
		}
		var warns []string
		for _, w := range res.Warnings {
			warns = append(warns, w.Error())
		}
		if len(warns) != 1 || warns[0] != wantWarn {
			t.Errorf("build %d warnings %q, want one: %q", i+1, warns, wantWarn)
		}
		page := string(readFile(t, filepath.Join(cfg.OutputDir(), "2026/01/slow/index.html")))
		// The best try: if the machine was busy enough, chroma did time out.
		if !strings.Contains(page, `<pre class="chroma">`) || !strings.Contains(page, "xxxxxxxx") {
			t.Errorf("build %d: the post page has no code block", i+1)
		}
	}
}

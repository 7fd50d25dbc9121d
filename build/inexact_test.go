package build_test

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/highlight"
)

// slowComment returns a Go block of one multi-line comment so long that
// lexing it is one step of d or more: chroma's comment rule costs a couple
// of microseconds a character. Load only makes a step longer, so the
// length comes from the fastest of a few runs.
func slowComment(t *testing.T, d time.Duration) string {
	t.Helper()
	h, err := highlight.New(highlight.Options{})
	if err != nil {
		t.Fatal(err)
	}
	comment := func(n int) string { return "/*" + strings.Repeat("x", n) + "*/\n" }
	const probe = 1 << 14
	fastest := time.Duration(math.MaxInt64)
	for range 5 { // the first run also compiles the lexer
		start := time.Now()
		// On a loaded machine the probe itself may be slow enough to be in
		// doubt: its time is what is wanted, not its exactness.
		if err := h.Highlight(&bytes.Buffer{}, "go", comment(probe), nil); err != nil && !errors.Is(err, highlight.ErrInexact) {
			t.Fatal(err)
		}
		fastest = min(fastest, time.Since(start))
	}
	return comment(int(float64(probe) * float64(d) / float64(fastest)))
}

// TestInexactCodeBlock builds a post with a block whose lexing takes
// a second (well past, so a quieter moment cannot bring it under), past the step time after which the highlighter cannot rule out
// chroma's 250ms match timeout: each build warns, naming the block, writes
// the page, and leaves nothing that would let the next build skip the
// block.
func TestInexactCodeBlock(t *testing.T) {
	t.Parallel()
	root := site(t, map[string]string{
		"_config.yaml":             okConfig + "build: {max_post_size: 1GB}\n", // a second of lexing is megabytes without -race
		"posts/2026-01-01-slow.md": "---\ntitle: Slow\n---\nText.\n\n```go\n" + slowComment(t, time.Second) + "```\n",
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

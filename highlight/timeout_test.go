package highlight

import (
	"errors"
	"html"
	"math"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/blog-gen/blog/_third_party/chroma"
	"github.com/blog-gen/blog/_third_party/chroma/lexers"
)

const sqlSample = `SELECT p.title, COUNT(t.name) AS tags
FROM posts p LEFT JOIN post_tags t ON t.post_id = p.id
WHERE p.draft = FALSE GROUP BY p.title ORDER BY tags DESC;
`

// matchTimeout is a chroma LexerMutator that sets the match timeout of
// the rules emitting only (of every rule, if only is nil), then removes
// itself from the rules. It is how a test controls chroma's timeout.
type matchTimeout struct {
	d    time.Duration
	only chroma.Emitter
}

func (matchTimeout) Mutate(*chroma.LexerState) error { return nil }

func (m matchTimeout) MutateLexer(rules chroma.CompiledRules, state string, _ int) error {
	for _, rs := range rules {
		for _, r := range rs {
			if m.only == nil || r.Type == m.only {
				r.Regexp.MatchTimeout = m.d
			}
		}
	}
	delete(rules, state)
	return nil
}

// withMatchTimeout returns a copy of chroma's lexer for lang whose rules
// emitting only (or all) have match timeout d.
func withMatchTimeout(tb testing.TB, lang string, d time.Duration, only chroma.Emitter) chroma.Lexer {
	tb.Helper()
	l, ok := lexers.Get(lang).(*chroma.RegexLexer)
	if !ok {
		tb.Fatalf("chroma's %s lexer is a %T, not a *chroma.RegexLexer", lang, lexers.Get(lang))
	}
	return chroma.MustNewLexer(l.Config(), func() chroma.Rules {
		rules := l.MustRules().Clone()
		rules["set match timeout"] = []chroma.Rule{{Mutator: matchTimeout{d, only}}}
		return rules
	})
}

// timedOutSQL returns chroma's SQL lexer as it lexes when its keyword
// matches time out: regexp2 puts a match's deadline at its start plus the
// timeout, so a negative timeout has run out before any match starts, as
// it has when a busy machine takes the lexer's core away for over 250ms.
func timedOutSQL(tb testing.TB) chroma.Lexer {
	return withMatchTimeout(tb, "sql", -time.Hour, chroma.Keyword)
}

// exactHighlighter returns a Highlighter for opts whose lexers for langs
// have no match timeout (regexp2 takes the largest Duration for none):
// its output cannot depend on the machine's load, so it is what the
// Highlighter under test must write.
func exactHighlighter(tb testing.TB, opts Options, langs ...string) *Highlighter {
	tb.Helper()
	h := mustNew(tb, opts)
	h.doubtAfter = math.MaxInt64
	h.lexBudget = 24 * time.Hour // a reference: load must not cut it short
	for _, lang := range langs {
		h.lexers[lang] = withMatchTimeout(tb, lang, math.MaxInt64, nil)
	}
	return h
}

// testClock is a clock that moves only when told to.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

// busyLexer plays a busy machine: its nth Tokenise lexes with tries[n]
// (the last one for later calls), and every step of that lexer takes
// steps[n] on the clock. It counts its Tokenise calls.
type busyLexer struct {
	chroma.Lexer // for Config
	tries        []chroma.Lexer
	steps        []time.Duration
	clock        *testClock
	calls        atomic.Int32
}

func (l *busyLexer) Tokenise(o *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	n := min(int(l.calls.Add(1)), len(l.tries)) - 1
	it, err := l.tries[n].Tokenise(o, text)
	if err != nil {
		return nil, err
	}
	step := l.steps[n]
	return func() chroma.Token {
		l.clock.t = l.clock.t.Add(step)
		return it()
	}, nil
}

func newBusy(h *Highlighter, tries []chroma.Lexer, steps []time.Duration) *busyLexer {
	clock := &testClock{t: time.Now()}
	h.now = clock.now
	return &busyLexer{Lexer: lexers.Get("sql"), tries: tries, steps: steps, clock: clock}
}

// TestHighlightTimedOutKeywords pins what the fix is about: a keyword
// match that times out leaves the keyword to the next rule, and the block
// comes out with SELECT as a plain name.
func TestHighlightTimedOutKeywords(t *testing.T) {
	h := exactHighlighter(t, Options{}, "sql")
	exact := mustHighlight(t, h, "sql", sqlSample)
	h.lexers["timed-out-sql"] = timedOutSQL(t)
	timedOut := mustHighlight(t, h, "timed-out-sql", sqlSample)
	if !strings.Contains(exact, `<span class="k">SELECT</span>`) || !strings.Contains(timedOut, `<span class="n">SELECT</span>`) {
		t.Errorf("SELECT lexed as %q with time and as %q when keyword matches time out, want keyword (k) and name (n)", exact, timedOut)
	}
}

// TestHighlightExactAfterTimeout: the first try's keyword matches run out
// of time (each of its steps takes 300ms); the retry is not slowed down.
// The block must come out byte for byte as it does on an idle machine.
func TestHighlightExactAfterTimeout(t *testing.T) {
	want := mustHighlight(t, exactHighlighter(t, Options{}, "sql"), "sql", sqlSample)
	h := mustNew(t, Options{})
	busy := newBusy(h, []chroma.Lexer{timedOutSQL(t), lexers.Get("sql")}, []time.Duration{300 * time.Millisecond, time.Microsecond})
	h.lexers["busy-sql"] = busy
	if got := mustHighlight(t, h, "busy-sql", sqlSample); got != want {
		t.Errorf("Highlight after a try whose keywords timed out =\n%s\nwant\n%s", got, want)
	}
	if got := busy.calls.Load(); got != 2 {
		t.Errorf("Highlight lexed the block %d times, want 2", got)
	}
}

// TestHighlightInexact: when every try is slow enough for chroma to have
// given up, Highlight tries three times, then writes the last try and
// says the block may be wrong.
func TestHighlightInexact(t *testing.T) {
	best := exactHighlighter(t, Options{})
	best.lexers["timed-out-sql"] = timedOutSQL(t)
	want := mustHighlight(t, best, "timed-out-sql", sqlSample) // the best chroma can do
	h := mustNew(t, Options{})
	h.lexBudget = time.Hour
	busy := newBusy(h, []chroma.Lexer{timedOutSQL(t)}, []time.Duration{300 * time.Millisecond})
	h.lexers["busy-sql"] = busy
	var b strings.Builder
	err := h.Highlight(&b, "busy-sql", sqlSample, nil)
	if !errors.Is(err, ErrInexact) {
		t.Fatalf("Highlight with every try slow = %v, want an error wrapping ErrInexact", err)
	}
	const wantMsg = "highlight busy-sql: code may be highlighted wrongly: a lexer step took [300ms 300ms 300ms] on 3 tries, and chroma gives up on a match after 250ms"
	if err.Error() != wantMsg {
		t.Errorf("Highlight error = %q, want %q", err, wantMsg)
	}
	if got := busy.calls.Load(); got != 3 {
		t.Errorf("Highlight lexed the block %d times, want 3", got)
	}
	if b.String() != want {
		t.Errorf("Highlight wrote %q with ErrInexact, want the last try, %q", b.String(), want)
	}
}

// TestHighlightSlowStepsOnly: a block is lexed once when it is long but
// each step is quick; only a slow step calls for another try.
func TestHighlightSlowStepsOnly(t *testing.T) {
	h := mustNew(t, Options{})
	code := strings.Repeat(sqlSample, 20) // ~1,500 steps of 50ms: over a minute in all
	h.lexBudget = time.Hour
	busy := newBusy(h, []chroma.Lexer{lexers.Get("sql")}, []time.Duration{50 * time.Millisecond})
	h.lexers["busy-sql"] = busy
	mustHighlight(t, h, "busy-sql", code)
	if got := busy.calls.Load(); got != 1 {
		t.Errorf("Highlight lexed a block of quick steps %d times, want 1", got)
	}
}

// TestHighlightLexBudget: a block whose lexing runs past the budget is
// written with the rest plain, and said to be inexact.
func TestHighlightLexBudget(t *testing.T) {
	h := mustNew(t, Options{})
	h.doubtAfter = time.Hour // every step is quick enough: only the budget counts
	busy := newBusy(h, []chroma.Lexer{lexers.Get("sql")}, []time.Duration{time.Second})
	h.lexers["busy-sql"] = busy
	var b strings.Builder
	err := h.Highlight(&b, "busy-sql", sqlSample, nil)
	const wantMsg = "highlight busy-sql: code may be highlighted wrongly: lexing took over 10s; the rest is plain"
	if !errors.Is(err, ErrInexact) || err.Error() != wantMsg {
		t.Fatalf("Highlight past the budget = %v, want %q", err, wantMsg)
	}
	got := b.String()
	// Ten steps of a second: SELECT p.title, COUNT lexed, the rest plain.
	for _, want := range []string{`<span class="k">SELECT</span>`, `<span class="n">title</span>`, "WHERE p.draft = FALSE GROUP BY p.title ORDER BY tags DESC;"} {
		if !strings.Contains(got, want) {
			t.Errorf("Highlight past the budget wrote\n%s\nwant it to contain %q", got, want)
		}
	}
	if got := busy.calls.Load(); got != 1 {
		t.Errorf("Highlight lexed the block %d times past the budget, want 1", got)
	}
}

func mustHighlight(tb testing.TB, h *Highlighter, lang, code string) string {
	tb.Helper()
	var b strings.Builder
	if err := h.Highlight(&b, lang, code, nil); err != nil {
		tb.Fatalf("Highlight(%q, %d bytes) = %v", lang, len(code), err)
	}
	return b.String()
}

// TestHighlightStalledLexer: chroma's Jungle and JSONata lexers emit empty
// tokens without end at some texts; the block is written at once, as far
// as the lexer got and the rest plain, and is not inexact: the lexer
// stalls the same way every time.
func TestHighlightStalledLexer(t *testing.T) {
	h := mustNew(t, Options{})
	tags := regexp.MustCompile(`<[^>]*>`)
	for _, c := range []struct{ lang, code string }{
		{"jungle", "foo: bar\nbase.x = 1\n"},
		{"jsonata", "def f(x):\n    \"\"\"Doc.\"\"\"\n    return {'k': [1, 2.0]}\n"},
	} {
		got := mustHighlight(t, h, c.lang, c.code)
		if text := html.UnescapeString(tags.ReplaceAllString(got, "")); text != c.code {
			t.Errorf("%s: Highlight wrote the text %q, want %q", c.lang, text, c.code)
		}
	}
}

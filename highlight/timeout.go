package highlight

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/blog-gen/blog/_third_party/chroma"
	"github.com/blog-gen/blog/_third_party/chroma/lexers"
)

// ErrInexact is wrapped by the error [Highlighter.Highlight] returns for a
// block it could not rule out having highlighted wrongly. Highlight has
// still written the block, as well as chroma could lex it; a cache should
// not keep it. Test for it with errors.Is.
var ErrInexact = errors.New("code may be highlighted wrongly")

// chroma gives every lexer rule a 250ms wall-clock match timeout and takes
// a timed-out match for no match (chroma v2.27 regexp.go: maybeCompile
// sets MatchTimeout after regexp2.Compile, and matchRules drops the
// error), so a goroutine that loses its core in the middle of a match
// lexes a keyword as a name, and nothing says so. chroma has no option for
// the timeout, but a LexerMutator sees the compiled rules: raised gives
// the lexer a block names a copy with a timeout no load reaches. The
// lexers chroma wires in by themselves (Go's raw strings, Using, the
// lexers that are not RegexLexers) keep 250ms, so Highlight also watches
// the time: a match happens inside one step of the token iterator, and a
// block none of whose steps took long enough for chroma to give up was
// lexed exactly.
const (
	// chromaMatchTimeout is the timeout chroma gives every rule.
	chromaMatchTimeout = 250 * time.Millisecond
	// raisedMatchTimeout is the timeout raised gives the rules of the
	// lexer a block names. It still stops a match that backtracks without
	// end, but it is 40 times what makes chroma's fire: on two cores at a
	// load of 20, a match of half a second took over five.
	raisedMatchTimeout = 10 * time.Second
	// doubtAfter is the step time past which a block is lexed again. It is
	// well under chromaMatchTimeout because regexp2 measures the timeout
	// with a clock that a goroutine updates every 100ms, and that goroutine
	// can be late too: a late clock makes a match time out early.
	doubtAfter = 100 * time.Millisecond
	// tries is how many times a block is lexed before Highlight gives up
	// on lexing it exactly.
	tries = 3
	// lexBudget bounds the lexing of one block, all tries together: a
	// pattern that backtracks badly can be slow at every position, and
	// each match may take raisedMatchTimeout. What is left when the budget
	// runs out is written plain.
	lexBudget = 10 * time.Second
)

// raisedLexers memoizes raised: copies are compiled on first use, once
// per process and timeout.
var raisedLexers sync.Map // raisedKey → chroma.Lexer

type raisedKey struct {
	l       chroma.Lexer
	timeout time.Duration
}

// raised returns a lexer that lexes as l does but whose own rules have
// the match timeout given (raisedMatchTimeout outside tests), or l itself
// if l is not a RegexLexer. The copy looks up the lexers it delegates to
// (Using) in chroma's registry, as l does.
func raised(l chroma.Lexer, timeout time.Duration) chroma.Lexer {
	rl, ok := l.(*chroma.RegexLexer)
	if !ok {
		return l
	}
	key := raisedKey{l, timeout}
	if c, ok := raisedLexers.Load(key); ok {
		return c.(chroma.Lexer)
	}
	// Rules compiles rl too: chroma has no way to read rules uncompiled.
	rules, err := rl.Rules()
	if err != nil {
		return l // Tokenise reports it
	}
	c := chroma.MustNewLexer(rl.Config(), func() chroma.Rules {
		rules := rules.Clone()
		rules[raiseState] = []chroma.Rule{{Mutator: raiseTimeout{timeout}}}
		return rules
	})
	c.SetRegistry(lexers.GlobalLexerRegistry)
	v, _ := raisedLexers.LoadOrStore(key, chroma.Lexer(c))
	return v.(chroma.Lexer)
}

// raiseState is the state raiseTimeout is put in; it removes it.
const raiseState = "highlight: raise match timeout"

// raiseTimeout is a LexerMutator: when chroma compiles a lexer, it gives
// every compiled rule its timeout, then removes its own state.
type raiseTimeout struct{ timeout time.Duration }

func (raiseTimeout) Mutate(*chroma.LexerState) error { return nil }

func (m raiseTimeout) MutateLexer(rules chroma.CompiledRules, state string, _ int) error {
	for _, rs := range rules {
		for _, r := range rs {
			r.Regexp.MatchTimeout = m.timeout
		}
	}
	delete(rules, state)
	return nil
}

// tokenise lexes code with lexer, again while a step of the lexer took
// h.doubtAfter or more, up to h.tries times and within h.lexBudget. It
// returns the tokens of the last try and, when no try was known to be
// exact, an error wrapping ErrInexact. Tries but the last stop at the
// first slow step: their tokens are not used.
func (h *Highlighter) tokenise(lexer chroma.Lexer, lang, code string) ([]chroma.Token, error) {
	deadline := h.now().Add(h.lexBudget)
	var slowest []time.Duration
	for try := 1; ; try++ {
		timed := &timedLexer{Lexer: lexer, now: h.now, doubtAfter: h.doubtAfter, giveUp: try < h.tries, deadline: deadline}
		it, err := chroma.Coalesce(timed).Tokenise(tokeniseOptions, code)
		if err != nil {
			return nil, fmt.Errorf("highlight %s: %w", lang, err)
		}
		tokens := it.Tokens()
		if timed.cut {
			return tokens, fmt.Errorf("highlight %s: %w: lexing took over %v; the rest is plain", lang, ErrInexact, h.lexBudget)
		}
		if timed.slowest < h.doubtAfter {
			return tokens, nil
		}
		slowest = append(slowest, timed.slowest.Round(time.Millisecond))
		if try >= h.tries {
			return tokens, fmt.Errorf("highlight %s: %w: a lexer step took %v on %d tries, and chroma gives up on a match after %v",
				lang, ErrInexact, slowest, try, chromaMatchTimeout)
		}
	}
}

// timedLexer times each step of the lexer it wraps: the wall time from
// one token to the next, which covers every regexp match made for the
// second. It is for one Tokenise call.
type timedLexer struct {
	chroma.Lexer
	now        func() time.Time
	doubtAfter time.Duration
	giveUp     bool      // end the token stream at the first slow step
	deadline   time.Time // past it, the rest of the text is one Text token

	slowest time.Duration // the longest step so far
	cut     bool          // the deadline passed
	stalled bool          // the lexer stopped advancing
}

// maxEmptyTokens is how many empty tokens in a row make a lexer stalled.
// Some of chroma's lexers (JSONata and Jungle in v2.27) emit empty tokens
// without end at some texts, at the same place every time: chroma would
// loop for ever. A lexer that advances emits a few in a row at most (a
// group of a rule that matched nothing).
const maxEmptyTokens = 1000

func (l *timedLexer) Tokenise(o *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	it, err := l.Lexer.Tokenise(o, text)
	if err != nil {
		return nil, err
	}
	last := l.now()
	done := 0       // bytes of text lexed
	empty := 0      // empty tokens in a row
	var rest string // the text not lexed when the deadline passed or the lexer stalled
	return func() chroma.Token {
		if rest != "" {
			t := chroma.Token{Type: chroma.Text, Value: rest}
			rest = ""
			return t
		}
		if l.cut || l.stalled || l.giveUp && l.slowest >= l.doubtAfter {
			return chroma.EOF
		}
		t := it()
		if t.Value == "" && t != chroma.EOF {
			if empty++; empty > maxEmptyTokens {
				// The rest is plain, as after the deadline; the lexer
				// stalls the same way every time, so the block is no
				// less exact for it.
				l.stalled = true
				rest = text[min(done, len(text)):]
			}
		} else {
			empty = 0
		}
		now := l.now()
		l.slowest = max(l.slowest, now.Sub(last))
		last = now
		done += len(t.Value)
		if t != chroma.EOF && !now.Before(l.deadline) {
			l.cut = true
			// Tokens concatenate to the text (one newline more, for a
			// lexer that ensures the last line ends in one).
			rest = text[min(done, len(text)):]
		}
		return t
	}, nil
}

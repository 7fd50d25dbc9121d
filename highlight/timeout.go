package highlight

import (
	"errors"
	"fmt"
	"time"

	"github.com/alecthomas/chroma/v2"
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
// lexes a keyword as a name, and nothing says so. The timeout cannot be
// raised: no option, no environment variable, and the compiled rules are
// out of reach of chroma's API. What we can see is time: a match happens
// inside one step of the token iterator, so a block none of whose steps
// took long enough for chroma to give up was lexed exactly.
const (
	// chromaMatchTimeout is the timeout chroma gives every rule.
	chromaMatchTimeout = 250 * time.Millisecond
	// doubtAfter is the step time past which a block is lexed again. It is
	// well under chromaMatchTimeout because regexp2 measures the timeout
	// with a clock that a goroutine updates every 100ms, and that goroutine
	// can be late too: a late clock makes a match time out early.
	doubtAfter = 100 * time.Millisecond
	// tries is how many times a block is lexed before Highlight gives up
	// on lexing it exactly.
	tries = 3
)

// tokenise lexes code with lexer, again while a step of the lexer took
// h.doubtAfter or more, up to h.tries times. It returns the tokens of the
// last try and, when no try was known to be exact, an error wrapping
// ErrInexact. Tries but the last stop at the first slow step: their tokens
// are not used.
func (h *Highlighter) tokenise(lexer chroma.Lexer, lang, code string) ([]chroma.Token, error) {
	var slowest []time.Duration
	for try := 1; ; try++ {
		timed := &timedLexer{Lexer: lexer, now: h.now, doubtAfter: h.doubtAfter, giveUp: try < h.tries}
		it, err := chroma.Coalesce(timed).Tokenise(tokeniseOptions, code)
		if err != nil {
			return nil, fmt.Errorf("highlight %s: %w", lang, err)
		}
		tokens := it.Tokens()
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
	giveUp     bool // end the token stream at the first slow step

	slowest time.Duration // the longest step so far
}

func (l *timedLexer) Tokenise(o *chroma.TokeniseOptions, text string) (chroma.Iterator, error) {
	it, err := l.Lexer.Tokenise(o, text)
	if err != nil {
		return nil, err
	}
	last := l.now()
	return func() chroma.Token {
		if l.giveUp && l.slowest >= l.doubtAfter {
			return chroma.EOF
		}
		t := it()
		now := l.now()
		l.slowest = max(l.slowest, now.Sub(last))
		last = now
		return t
	}, nil
}

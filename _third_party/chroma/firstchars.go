package chroma

// This file is blog's, not chroma's (see README.md and prefilter.patch).

import (
	"unicode"

	"github.com/dlclark/regexp2/v2/syntax"
)

// firstChars is the set of runes a rule's match can start with, as
// regexp2's own analysis finds it (the set its unanchored search skips
// ahead with). chroma anchors every rule at the lexing position with \G,
// and regexp2 does not use the set for an anchored pattern, so without it
// each rule that cannot match at a position still costs a whole match
// attempt: at most positions, most of a state's rules. matchRules skips a
// rule whose set does not have the rune at the position.
type firstChars struct {
	any   bool           // a match may start with any rune (or be empty)
	fold  bool           // case-insensitive: any rune from 128 up may start one
	ascii [2]uint64      // the runes below 128 a match may start with
	set   syntax.CharSet // the analysis's set, for the other runes
}

// anyFirst is the firstChars of a rule the analysis has no set for: one
// whose match may be empty, or that does not parse here.
var anyFirst = &firstChars{any: true}

// firstChars returns the rule's set, analysing its pattern on first use
// (a state that is never entered is never analysed). Goroutines lexing at
// once may both analyse a rule; they store the same.
func (r *CompiledRule) firstChars() *firstChars {
	if fc := r.first.Load(); fc != nil {
		return fc
	}
	fc := firstCharsOf(r.Regexp.String())
	r.first.Store(fc)
	return fc
}

// firstCharsOf analyses pattern as regexp2 compiles it with no options
// (chroma's flags are inline in its patterns).
func firstCharsOf(pattern string) *firstChars {
	tree, err := syntax.Parse(pattern, syntax.ParseOptions{})
	if err != nil {
		return anyFirst
	}
	code, err := syntax.Write(tree)
	if err != nil || code.FcPrefix == nil {
		return anyFirst
	}
	fc := &firstChars{set: code.FcPrefix.PrefixSet, fold: code.FcPrefix.CaseInsensitive}
	for c := rune(0); c < 128; c++ {
		if fc.set.CharIn(c) || fc.fold && foldIn(fc.set, c) {
			fc.ascii[c/64] |= 1 << (c % 64)
		}
	}
	return fc
}

// foldIn reports whether c's lower or upper case, or a rune of its case
// orbit, is in set: a superset of what a case-insensitive match compares.
func foldIn(set syntax.CharSet, c rune) bool {
	if set.CharIn(unicode.ToLower(c)) || set.CharIn(unicode.ToUpper(c)) {
		return true
	}
	for f := unicode.SimpleFold(c); f != c; f = unicode.SimpleFold(f) {
		if set.CharIn(f) {
			return true
		}
	}
	return false
}

// may reports whether a match can start with r.
func (fc *firstChars) may(r rune) bool {
	switch {
	case fc.any:
		return true
	case r >= 0 && r < 128:
		return fc.ascii[r/64]&(1<<(r%64)) != 0
	case fc.fold:
		return true
	}
	return fc.set.CharIn(r)
}

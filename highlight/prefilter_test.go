package highlight

// The copy of chroma skips, at each position, the rules whose match cannot
// start with the rune there (_third_party/chroma/firstchars.go). The tests
// here hold it to chroma's own lexing, token for token: over the benchmark
// corpus, over a sample text in every lexer, and over fuzz inputs.

import (
	"flag"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	upchroma "github.com/alecthomas/chroma/v2"
	uplexers "github.com/alecthomas/chroma/v2/lexers"

	"github.com/blog-gen/blog/_third_party/chroma"
	"github.com/blog-gen/blog/_third_party/chroma/lexers"
	"github.com/blog-gen/blog/bench/corpus"
)

var corpusPosts = flag.Int("corpus", 0, "posts of the benchmark corpus (seed 1) TestPrefilterCorpus lexes; 0: 1000, 150 under -race or -short")

// lexed is one lexing: its tokens, or the panic that ended it, and how long
// it took.
type lexed struct {
	tokens  []string
	panic   string
	elapsed time.Duration
}

// exact reports whether the lexing ran to its end.
func (l lexed) exact() bool { return l.elapsed < exactWithin }

// exactWithin bounds a lexing; one stopped after it is not compared. The
// lexers compared have raisedMatchTimeout (see raised, upRaised), and the
// lexers they delegate to chroma's 250ms, which no single match of these
// inputs comes near.
const exactWithin = 2 * time.Second

// upRaised is raised for chroma's own lexers: a copy of l whose rules
// have raisedMatchTimeout.
func upRaised(l upchroma.Lexer) upchroma.Lexer {
	if c, ok := upRaisedLexers.Load(l); ok {
		return c.(upchroma.Lexer)
	}
	rl, ok := l.(*upchroma.RegexLexer)
	if !ok {
		return l
	}
	rules, err := rl.Rules()
	if err != nil {
		return l
	}
	c := upchroma.MustNewLexer(rl.Config(), func() upchroma.Rules {
		rules := rules.Clone()
		rules[raiseState] = []upchroma.Rule{{Mutator: upRaise{}}}
		return rules
	})
	c.SetRegistry(uplexers.GlobalLexerRegistry)
	v, _ := upRaisedLexers.LoadOrStore(l, upchroma.Lexer(c))
	return v.(upchroma.Lexer)
}

var upRaisedLexers sync.Map // upchroma.Lexer → upchroma.Lexer

type upRaise struct{}

func (upRaise) Mutate(*upchroma.LexerState) error { return nil }

func (upRaise) MutateLexer(rules upchroma.CompiledRules, state string, _ int) error {
	for _, rs := range rules {
		for _, r := range rs {
			r.Regexp.MatchTimeout = raisedMatchTimeout
		}
	}
	delete(rules, state)
	return nil
}

// maxTokens bounds a lexing: some of chroma's lexers emit empty tokens
// without end on some inputs. The copy must then emit the same ones.
func maxTokens(code string) int { return 2*len(code) + 64 }

// lexWith lexes code with the iterator start makes, of the copy's chroma
// or the module's, its tokens given as "Type value" and false at the end.
func lexWith(code string, start func() (next func() (string, bool), err error)) (out lexed) {
	begun := time.Now()
	defer func() {
		out.elapsed = time.Since(begun)
		if r := recover(); r != nil {
			out.panic = fmt.Sprint(r)
		}
	}()
	next, err := start()
	if err != nil {
		return lexed{panic: "error: " + err.Error()}
	}
	for t, ok := next(); ok && len(out.tokens) < maxTokens(code) && time.Since(begun) < exactWithin; t, ok = next() {
		out.tokens = append(out.tokens, t)
	}
	return out
}

func lexCopy(l chroma.Lexer, code string) lexed {
	return lexWith(code, func() (func() (string, bool), error) {
		it, err := l.Tokenise(nil, code)
		if err != nil {
			return nil, err
		}
		return func() (string, bool) { t := it(); return t.Type.String() + " " + t.Value, t != chroma.EOF }, nil
	})
}

func lexUpstream(l upchroma.Lexer, code string) lexed {
	return lexWith(code, func() (func() (string, bool), error) {
		it, err := l.Tokenise(nil, code)
		if err != nil {
			return nil, err
		}
		return func() (string, bool) { t := it(); return t.Type.String() + " " + t.Value, t != upchroma.EOF }, nil
	})
}

// sameLexing lexes code with the copy's lexer and chroma's and reports the
// first difference, both with raised match timeouts. It skips (returns
// "", false) a pair either of which took longer than exactWithin.
func sameLexing(l chroma.Lexer, up upchroma.Lexer, code string) (diff string, compared bool) {
	got, want := lexCopy(raised(l, raisedMatchTimeout), code), lexUpstream(upRaised(up), code)
	if !got.exact() || !want.exact() {
		return "", false
	}
	if got.panic != want.panic {
		return fmt.Sprintf("panic %q, chroma's %q", got.panic, want.panic), true
	}
	for i := range max(len(got.tokens), len(want.tokens)) {
		var g, w string
		if i < len(got.tokens) {
			g = got.tokens[i]
		}
		if i < len(want.tokens) {
			w = want.tokens[i]
		}
		if g != w {
			return fmt.Sprintf("token %d: %q, chroma's %q", i, g, w), true
		}
	}
	return "", true
}

// fences returns the fenced code blocks of a corpus post: language, code.
func fences(body string) [][2]string {
	var out [][2]string
	lang, code, in := "", strings.Builder{}, false
	for line := range strings.Lines(body) {
		switch {
		case !in && strings.HasPrefix(line, "```"):
			lang, in = strings.TrimSpace(line[3:]), true
			code.Reset()
		case in && strings.TrimSpace(line) == "```":
			out = append(out, [2]string{lang, code.String()})
			in = false
		case in:
			code.WriteString(line)
		}
	}
	return out
}

// TestPrefilterCorpus lexes every block of the first posts of the benchmark
// corpus with the copy and with chroma. The whole of what bench/run
// measures at 1,000 and 10,000 posts:
//
//	go test ./highlight -run PrefilterCorpus -corpus 1000
//	go test ./highlight -run PrefilterCorpus -corpus 10000 -timeout 30m
func TestPrefilterCorpus(t *testing.T) {
	n := *corpusPosts
	if n == 0 {
		n = 1000
		if raceEnabled || testing.Short() {
			n = 150
		}
	}
	blocks, compared := 0, 0
	for i := 1; i <= n; i++ {
		p := corpus.NewPost(1, i)
		for _, b := range fences(p.Body()) {
			blocks++
			l, up := lexers.Get(b[0]), uplexers.Get(b[0])
			if l == nil || up == nil {
				t.Fatalf("post %d: no lexer for %q (copy %v, chroma %v)", i, b[0], l != nil, up != nil)
			}
			diff, ok := sameLexing(l, up, b[1])
			if diff != "" {
				t.Fatalf("post %s, %s block %d: %s", p.Slug(), b[0], blocks, diff)
			}
			if ok {
				compared++
			}
		}
	}
	if blocks == 0 || compared < blocks*9/10 {
		t.Fatalf("%d blocks in %d posts, %d compared: the machine is too slow to tell", blocks, n, compared)
	}
	t.Logf("%d posts, %d blocks, %d lexed identically (the others took over %v)", n, blocks, compared, exactWithin)
}

// prefilterSamples are texts in many languages at once, so that every
// lexer meets runes its rules start with and runes they do not.
var prefilterSamples = []string{
	"#!/bin/sh\n<?php echo 1; ?>\n<div class=\"a\">{{ x }}</div>\nSELECT `a` FROM t; -- c\n" +
		"@ IN SOA ns. x. (1)\nfunc main() { return \"s\" + 'c' * 0x1f }\n  key: [1, 2.5e3]\n/* comment */ # note\n",
	"def f(x):\n    \"\"\"Doc.\"\"\"\n    return {'k': [1, 2.0, -3e4, 0o17, 0xFf]} if x else None  # ünïcode ✓\n",
	"<!DOCTYPE html>\n<html><head><style>a { color: #fff; }</style><script>let s = `t${1}`; /re[g]x/gi.test(s)</script></head></html>\n",
	"CREATE TABLE t (id INT PRIMARY KEY, Name VARCHAR(10) DEFAULT 'x');\nselect * from T where NAME like '%a%' AND id <> 3;\n",
	"fn main() -> Result<(), Box<dyn Error>> { let r#x = b'a'; println!(\"{x:?}\"); Ok(()) }\n// end\n",
	"\tmov eax, [ebx+4]\n; comment\nlabel:\n  .section .text\n%define X 1\n",
	"key = \"value\"\n[table.sub]\narr = [ 1, 2 ]\n---\n- a: b\n  c: |\n    text\n",
	"@interface X : NSObject\n@end\n#include <stdio.h>\nint main(void) { printf(\"%d\\n\", 'A'); }\n",
	"(defun f (x) (if (> x 0) 'pos \"neg\"))\n% TeX \\begin{document} $x^2$ \\end{document}\n",
	"İstanbul ſtraße Kelvin K Ωmega: the case-insensitive folds. ΣΑΣ σας\r\n\ttab\x00nul\n",
	"",
	"\n",
	"x",
}

// TestPrefilterEveryLexer lexes the samples with every lexer of the
// registry (every third under -race or -short), the copy's against
// chroma's.
func TestPrefilterEveryLexer(t *testing.T) {
	got, want := registries(t)
	for i := range got {
		if (raceEnabled || testing.Short()) && i%3 != 0 {
			continue
		}
		for j, s := range prefilterSamples {
			if diff, _ := sameLexing(got[i], want[i], s); diff != "" {
				t.Errorf("%s, sample %d: %s", got[i].Config().Name, j, diff)
			}
		}
	}
}

// FuzzPrefilter lexes its input with one lexer of the registry, the copy's
// against chroma's.
func FuzzPrefilter(f *testing.F) {
	got, want := registries(f)
	index := map[string]uint16{}
	for i, l := range got {
		index[l.Config().Name] = uint16(i)
	}
	for i := range 8 {
		for _, b := range fences(corpus.NewPost(1, i+1).Body()) {
			f.Add(index[lexers.Get(b[0]).Config().Name], b[1])
		}
	}
	for _, b := range benchBlocks() {
		f.Add(index[lexers.Get(b.lang).Config().Name], b.code)
	}
	for i, s := range prefilterSamples {
		f.Add(uint16(i*37), s)
	}
	f.Fuzz(func(t *testing.T, which uint16, code string) {
		if len(code) > 1024 {
			return
		}
		i := int(which) % len(got)
		if diff, _ := sameLexing(got[i], want[i], code); diff != "" {
			t.Errorf("%s: %s", got[i].Config().Name, diff)
		}
	})
}

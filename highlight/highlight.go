package highlight

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blog-gen/blog/_third_party/chroma"
	"github.com/blog-gen/blog/_third_party/chroma/formatters/html"
	"github.com/blog-gen/blog/_third_party/chroma/lexers"
)

// ErrUnknownStyle is wrapped by the error [New] and [WriteStyleCSS] return
// for a style name that chroma does not know. Test for it with errors.Is.
var ErrUnknownStyle = errors.New("unknown style")

// Options configures a [Highlighter]. The zero value works: it highlights
// with the monokai style, no dark variant, no line numbers and tabs four
// columns wide.
type Options struct {
	// Style is the chroma style for pages, matched case-insensitively
	// against [Names]. Default: "monokai".
	Style string
	// DarkStyle is the chroma style used under
	// @media (prefers-color-scheme: dark). Default: "", which means no dark
	// block: Style is used everywhere.
	DarkStyle string
	// LineNumbers puts a line number in front of every line. The numbers
	// sit inline, not in a table, so they scroll with the code, and CSS
	// keeps them out of copied text. Default: false.
	LineNumbers bool
	// TabWidth is how many columns a tab advances, applied through the CSS
	// tab-size property so that copied code keeps its tabs (Makefiles need
	// them). Default: 4.
	TabWidth int
}

// withDefaults returns o with the zero fields filled in.
func (o Options) withDefaults() Options {
	if o.Style == "" {
		o.Style = "monokai"
	}
	if o.TabWidth <= 0 {
		o.TabWidth = 4
	}
	return o
}

// A Highlighter turns code blocks into HTML that uses chroma's CSS classes,
// and writes the stylesheet those classes need. Create one with [New]; it is
// safe for concurrent use by multiple goroutines.
type Highlighter struct {
	opts  Options
	style *chroma.Style // Style as registered; WriteCSS adjusts its colours for contrast
	dark  *chroma.Style // DarkStyle adjusted likewise, or nil
	html  *html.Formatter
	key   string

	mu      sync.RWMutex
	lexers  map[string]chroma.Lexer // by lang as written; nil for unknown languages
	buffers sync.Pool               // *bytes.Buffer

	// slots holds one token per block being highlighted; see Highlight.
	slots chan struct{}

	doubtAfter   time.Duration // see tokenise; tests change these
	tries        int
	lexBudget    time.Duration
	matchTimeout time.Duration    // see raised
	now          func() time.Time // the clock lexer steps are timed with
}

// maxCachedLexers bounds the lexer cache: lang comes from user content, and
// a site with more distinct info strings than this pays a registry lookup
// for the rest.
const maxCachedLexers = 256

// New returns a Highlighter for opts. It fails, with an error wrapping
// [ErrUnknownStyle], when Style or DarkStyle names no chroma style.
func New(opts Options) (*Highlighter, error) {
	opts = opts.withDefaults()
	h := &Highlighter{opts: opts, lexers: map[string]chroma.Lexer{}, slots: make(chan struct{}, runtime.GOMAXPROCS(0)),
		doubtAfter: doubtAfter, tries: tries, lexBudget: lexBudget, matchTimeout: raisedMatchTimeout, now: time.Now}
	var err error
	if h.style, err = lookupStyle("style", opts.Style); err != nil {
		return nil, err
	}
	if opts.DarkStyle != "" {
		if h.dark, err = lookupStyle("dark style", opts.DarkStyle); err != nil {
			return nil, err
		}
	}
	h.html = html.New(h.formatterOptions()...)
	// highlight/2: blocks cached by highlight/1 may have been lexed by a
	// chroma that timed out (see ErrInexact).
	h.key = fmt.Sprintf("highlight/2 chroma/%s ln=%t", chromaVersion, opts.LineNumbers)
	return h, nil
}

// formatterOptions translates Options into chroma's functional options; it
// is the only place that does.
func (h *Highlighter) formatterOptions(extra ...html.Option) []html.Option {
	return append([]html.Option{
		html.WithClasses(true),
		html.TabWidth(h.opts.TabWidth),
		html.WithLineNumbers(h.opts.LineNumbers),
		html.LineNumbersInTable(false),
		html.WithCustomCSS(map[chroma.TokenType]string{
			// The pre scrolls sideways instead of widening the page. As a
			// grid, its one column is as wide as the longest line, so the
			// code element and every line in it (a highlighted one
			// included) span the whole scroll width, not just the part in
			// view.
			chroma.PreWrapper: "overflow: auto; display: grid;",
		}),
	}, extra...)
}

// Key returns a string that changes whenever the HTML that Highlight
// writes for the same arguments could change: it covers LineNumbers, the
// chroma version and the version of this package's markup. Style,
// DarkStyle and TabWidth are not in it, because they only change the
// stylesheet, so a cache of highlighted blocks keyed by Key survives a
// style change.
func (h *Highlighter) Key() string { return h.key }

// Highlight writes code as an HTML code block:
//
//	<pre class="chroma"><code><span class="line"><span class="cl">…</span></span>…</code></pre>
//
// lang is a chroma language name or alias ("go", "sh", "yaml"), matched
// case-insensitively. An empty or unknown lang gives the same wrapper
// with the code escaped but not highlighted; it is not an error. hl lists
// 1-based inclusive line ranges to emphasise with the "hl" class; nil means
// none. Highlight writes to w once, and returns w's error or chroma's.
//
// chroma gives up on a match that takes 250ms of wall time and lexes on
// as if the rule had not matched, so on a busy machine its output changes.
// Highlight lexes with a copy of the lexer whose rules have a 10s timeout,
// and bounds the lexing of a block to 10s, after which the rest is plain.
// The lexers chroma delegates to keep 250ms, so Highlight also times every
// step and lexes a block again when a step took long enough for chroma to
// have given up. When three tries cannot rule that out, or the 10s run
// out, it writes the block and returns an error wrapping [ErrInexact].
//
// At most GOMAXPROCS blocks (as it was when New ran) are highlighted at
// once, and further calls wait for a turn: more highlighters than cores
// would only make each match slower, and likelier to run out of time.
func (h *Highlighter) Highlight(w io.Writer, lang, code string, hl [][2]int) error {
	buf := h.buffer()
	defer h.buffers.Put(buf)
	h.slots <- struct{}{}
	err := h.format(buf, lang, code, hl)
	<-h.slots
	if err != nil && !errors.Is(err, ErrInexact) {
		return err
	}
	if _, werr := w.Write(buf.Bytes()); werr != nil {
		return werr
	}
	return err
}

func (h *Highlighter) buffer() *bytes.Buffer {
	if b, ok := h.buffers.Get().(*bytes.Buffer); ok {
		b.Reset()
		return b
	}
	return new(bytes.Buffer)
}

// format tokenises and formats into buf. chroma panics on some lexer bugs;
// we turn those into errors so that one odd code block cannot take down a
// build that renders posts in parallel.
func (h *Highlighter) format(buf *bytes.Buffer, lang, code string, hl [][2]int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("highlight %s: chroma panicked: %v", lang, r)
		}
	}()
	// No lexer: one Text token, which chroma writes escaped and without a
	// span, inside the same pre/code/line wrappers as highlighted code.
	tokens := []chroma.Token{{Type: chroma.Text, Value: code}}
	var inexact error
	if lexer := h.lexer(lang); lexer != nil {
		if strings.IndexByte(code, '\r') >= 0 {
			// chroma's EnsureLF option copies every input; most have no CR.
			code = strings.ReplaceAll(strings.ReplaceAll(code, "\r\n", "\n"), "\r", "\n")
		}
		tokens, inexact = h.tokenise(lexer, lang, code)
		if inexact != nil && !errors.Is(inexact, ErrInexact) {
			return inexact
		}
	}
	f := h.html
	if len(hl) > 0 {
		// HighlightLines sorts the slice it is given: pass a copy.
		f = html.New(h.formatterOptions(html.HighlightLines(slices.Clone(hl)))...)
	}
	if err := f.Format(buf, h.style, chroma.Literator(tokens...)); err != nil {
		return fmt.Errorf("highlight %s: %w", lang, err)
	}
	return inexact
}

// tokeniseOptions is shared by all calls: chroma only reads it.
var tokeniseOptions = &chroma.TokeniseOptions{State: "root"}

// lexer returns the lexer for lang, or nil. Lookups are cached because
// lexers.Get falls back to matching lang against every lexer's file name
// patterns, which is slow for a name it does not know. Cached lexers are
// shared between goroutines: a chroma RegexLexer compiles its rules once,
// under a lock, and keeps per-call state in a fresh LexerState.
func (h *Highlighter) lexer(lang string) chroma.Lexer {
	if lang == "" {
		return nil // never guess from the content: slow, and surprising
	}
	h.mu.RLock()
	l, ok := h.lexers[lang]
	h.mu.RUnlock()
	if ok {
		return l
	}
	if l = lexers.Get(lang); l != nil {
		l = raised(l, h.matchTimeout)
	}
	h.mu.Lock()
	if len(h.lexers) < maxCachedLexers {
		h.lexers[lang] = l
	}
	h.mu.Unlock()
	return l
}

// lookupStyle returns the registered style called name. styles.Get falls
// back to another style without saying so; we check the registry first.
// The style comes back as registered: WriteCSS makes its colours readable.
func lookupStyle(what, name string) (*chroma.Style, error) {
	if s, ok := registeredStyle(strings.ToLower(name)); ok {
		return s, nil
	}
	return nil, &styleError{what: what, name: name, suggest: closest(strings.ToLower(name), Names())}
}

// accessibleStyles memoizes accessible, a pure function of a registered
// style that costs milliseconds: every build makes a Highlighter.
var accessibleStyles styleMemo

type styleMemo struct{ m sync.Map } // *chroma.Style → *styleResult

type styleResult struct {
	once  sync.Once
	style *chroma.Style
	err   error
}

func (m *styleMemo) get(s *chroma.Style) (*chroma.Style, error) {
	v, _ := m.m.LoadOrStore(s, &styleResult{})
	r := v.(*styleResult)
	r.once.Do(func() { r.style, r.err = accessible(s) })
	return r.style, r.err
}

// styleError reports an unknown style name, with the closest known one.
type styleError struct {
	what    string // "style" or "dark style"
	name    string
	suggest string // "" when nothing is close
}

func (e *styleError) Error() string {
	msg := fmt.Sprintf("highlight: unknown %s %q", e.what, e.name)
	if e.suggest != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", e.suggest)
	}
	return msg
}

func (e *styleError) Unwrap() error { return ErrUnknownStyle }

// closest returns the candidate nearest to name by edit distance, or "" if
// none is within a third of name's length (at least 2 edits).
func closest(name string, candidates []string) string {
	best, bestDist := "", max(2, len(name)/3)+1
	for _, c := range candidates {
		if d := editDistance(name, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// chromaVersion is the version of chroma copied into _third_party/chroma
// (see its README), so that cached HTML is not reused across chroma
// upgrades. The copy lexes and formats exactly as that version does.
// TestChromaVersion checks it against update.sh and go.mod.
const chromaVersion = "v2.27.0"

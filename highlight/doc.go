// Package highlight turns fenced code blocks into HTML with chroma, and
// writes the stylesheet that HTML needs.
//
// The HTML uses CSS classes, never inline styles, so a site's look is
// one stylesheet: [Highlighter.WriteCSS] writes it for the configured
// style, and optionally for a second style under
// @media (prefers-color-scheme: dark). Changing the style needs no
// re-highlighting, which is why [Highlighter.Key] leaves it out.
//
// # Markup
//
// Every block, highlighted or not, has the same shape:
//
//	<pre class="chroma"><code>
//	  <span class="line"><span class="ln">1</span><span class="cl">…tokens…</span></span>
//	  <span class="line hl">…</span>
//	</code></pre>
//
// (without the whitespace). "chroma" is the scrolling wrapper, "line" one
// line, "hl" an emphasised line, "ln" a line number (only with
// [Options.LineNumbers]) and "cl" the line's code; tokens are spans with
// chroma's short classes ("k" keyword, "c1" comment, …). The stylesheet
// makes the wrapper scroll sideways (overflow: auto) and makes emphasised
// lines span the whole scroll width.
//
// # Contrast
//
// Many chroma styles have token colours below the WCAG AA contrast ratio
// of 4.5:1; monokai's comments are one. WriteCSS moves the lightness of
// each such colour just far enough to pass, against both the background
// and the emphasised-line background. An emphasised-line background that
// stands out from the background by more than 1.5:1 (github-dark's) is
// toned down first, and a style without a background or text colour gets
// one, so the page's colours never decide readability.
//
// # Busy machines
//
// chroma gives up on a lexer rule whose match takes 250ms of wall time and
// lexes on as if the rule had not matched, without saying so: on a loaded
// machine a keyword can come out as a plain name. [Highlighter.Highlight]
// lexes with copies of chroma's lexers whose own rules have a 10s timeout
// instead, and highlights at most GOMAXPROCS blocks at once. The lexers a
// lexer delegates to (the scripts in HTML, the raw strings in Go) keep
// chroma's, so Highlight also times every step of the lexer: it lexes a
// block again when a step was slow enough for chroma to have given up,
// and, when three tries cannot rule that out, writes the block all the
// same and returns an error wrapping [ErrInexact], so that a cache does
// not keep it.
//
// # Example
//
//	h, err := highlight.New(highlight.Options{Style: "github", DarkStyle: "monokai"})
//	if err != nil {
//		return err // unknown style: errors.Is(err, highlight.ErrUnknownStyle)
//	}
//	var b strings.Builder
//	if err := h.Highlight(&b, "go", "fmt.Println(1)\n", [][2]int{{1, 1}}); err != nil {
//		return err
//	}
//	err = h.WriteCSS(cssFile) // once per site, e.g. as css/chroma.css
//
// A Highlighter is safe for concurrent use: a build shares one between
// all the goroutines that render posts.
package highlight

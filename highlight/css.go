package highlight

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/blog-gen/blog/_third_party/chroma"
)

// minContrast is the WCAG 2 AA contrast ratio for normal text. We aim a
// little above it so that no rounding anywhere lands a colour just under.
const (
	minContrast    = 4.5
	targetContrast = 4.52
)

// WriteCSS writes the stylesheet for the HTML that Highlight writes: the
// rules for Style and, if DarkStyle is set, the rules for DarkStyle inside
// @media (prefers-color-scheme: dark). Token colours that would read below
// the WCAG AA contrast ratio of 4.5:1 against the background (or against
// the highlighted-line background) have their lightness moved just far
// enough to pass; the adjustment is deterministic, so the output is stable.
// WriteCSS writes to w once and returns its error.
func (h *Highlighter) WriteCSS(w io.Writer) error {
	style, err := accessibleStyles.get(h.style)
	if err != nil {
		return fmt.Errorf("highlight: style %q: %w", h.style.Name, err)
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "/* chroma style %q; colours adjusted to WCAG AA contrast (4.5:1) */\n", style.Name)
	if err := h.html.WriteCSS(&buf, style); err != nil {
		return err
	}
	if h.dark != nil {
		dark, err := accessibleStyles.get(h.dark)
		if err != nil {
			return fmt.Errorf("highlight: dark style %q: %w", h.dark.Name, err)
		}
		if err := h.writeDark(&buf, style, dark); err != nil {
			return err
		}
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// writeDark writes the dark style's rules inside a prefers-color-scheme
// media query.
func (h *Highlighter) writeDark(buf *bytes.Buffer, light, darkStyle *chroma.Style) error {
	var dark bytes.Buffer
	// Rules of the light style that the dark one does not override would
	// otherwise leak into dark mode (a light diff background under a light
	// token colour, say): reset them first.
	if resets := styledTokenClasses(light); len(resets) > 0 {
		fmt.Fprintf(&dark, "%s { color: inherit; background-color: transparent; font-weight: inherit; font-style: inherit; text-decoration: inherit }\n",
			strings.Join(resets, ", "))
	}
	if err := h.html.WriteCSS(&dark, darkStyle); err != nil {
		return err
	}
	fmt.Fprintf(buf, "@media (prefers-color-scheme: dark) {\n  /* chroma style %q */\n", darkStyle.Name)
	for line := range strings.Lines(dark.String()) {
		buf.WriteString("  ")
		buf.WriteString(line)
	}
	buf.WriteString("}\n")
	return nil
}

// WriteStyleCSS writes the stylesheet for one style with the default
// [Options], as `pygmentize -S monokai -f html -a .highlight` did, except
// that the wrapper class is "chroma". It is what `blog styles STYLE`
// prints. An unknown style is an error wrapping [ErrUnknownStyle].
func WriteStyleCSS(w io.Writer, style string) error {
	h, err := New(Options{Style: style})
	if err != nil {
		return err
	}
	return h.WriteCSS(w)
}

// styledTokenClasses returns the selectors of the token classes that s
// gives any colour or font attribute, in token type order.
func styledTokenClasses(s *chroma.Style) []string {
	bg := s.Get(chroma.Background)
	var types []chroma.TokenType
	for tt, class := range chroma.StandardTypes {
		if tt >= 0 && class != "" && !s.Get(tt).Sub(bg).IsZero() {
			types = append(types, tt)
		}
	}
	slices.Sort(types)
	out := make([]string, len(types))
	for i, tt := range types {
		out[i] = ".chroma ." + chroma.StandardTypes[tt]
	}
	return out
}

// accessible returns s with every foreground colour that fails
// minContrast replaced by the nearest passing colour of the same hue and
// saturation. Text on its own background is checked against that; text on
// the page background is checked against it and against the
// highlighted-line background, since a highlighted line can hold any token.
// A highlighted-line background that stands out from the background by more
// than maxHighlightContrast is first moved towards it: otherwise (as in
// github-dark) no colour but white could be read on both.
func accessible(s *chroma.Style) (*chroma.Style, error) {
	b := s.Builder()
	changed := false
	bgEntry := s.Get(chroma.Background)
	bg := bgEntry.Background
	if !bg.IsSet() {
		// chroma would write no background at all, leaving the page's
		// showing through; pin it to the white we check against.
		bg = chroma.NewColour(0xff, 0xff, 0xff)
		bgEntry.Background = bg
		b.AddEntry(chroma.Background, bgEntry)
		changed = true
	}
	if !bgEntry.Colour.IsSet() {
		// Likewise a style without a text colour (github) would inherit
		// the page's, which a dark theme makes light.
		bgEntry.Colour = readable(chroma.NewColour(0, 0, 0), []chroma.Colour{bg})
		b.AddEntry(chroma.Background, bgEntry)
		changed = true
	}
	hlEntry := s.Get(chroma.LineHighlight)
	hl := hlEntry.Background
	if hl.IsSet() && contrast(hl, bg) > maxHighlightContrast {
		hl = towards(hl, bg, maxHighlightContrast)
		hlEntry.Background = hl
		b.AddEntry(chroma.LineHighlight, hlEntry)
		changed = true
	}
	types := slices.Sorted(maps.Keys(chroma.StandardTypes))
	for _, tt := range types {
		if chroma.StandardTypes[tt] == "" {
			continue
		}
		e := s.Get(tt)
		if tt == chroma.LineHighlight {
			e = hlEntry
		}
		if !e.Colour.IsSet() {
			e.Colour = bgEntry.Colour // as above: drawn in the text colour
		}
		bgs := []chroma.Colour{bg}
		if own := e.Background; own.IsSet() && own != bgEntry.Background {
			bgs = []chroma.Colour{own}
		} else if hl.IsSet() {
			bgs = append(bgs, hl)
		}
		if c := readable(e.Colour, bgs); c != e.Colour {
			e.Colour = c
			b.AddEntry(tt, e)
			changed = true
		}
	}
	if !changed {
		return s, nil
	}
	return b.Build()
}

// maxHighlightContrast caps how far the highlighted-line background may
// stand out from the background; 1.5:1 is still plainly visible.
const maxHighlightContrast = 1.5

// towards moves c's HSL lightness towards bg's until their contrast is at
// most limit.
func towards(c, bg chroma.Colour, limit float64) chroma.Colour {
	hue, sat, light := toHSL(c)
	step := 0.001
	if luminance(c) > luminance(bg) {
		step = -step
	}
	for i := 0; i < 1000 && contrast(c, bg) > limit; i++ {
		light = min(1, max(0, light+step))
		c = fromHSL(hue, sat, light)
	}
	return c
}

// readable returns fg if it meets minContrast against every colour in
// bgs, and otherwise the colour of the same hue and saturation whose HSL
// lightness is closest to fg's and meets targetContrast, trying lighter
// and darker and taking the smaller change. Failing both, it returns black
// or white, whichever contrasts more.
func readable(fg chroma.Colour, bgs []chroma.Colour) chroma.Colour {
	if minContrastOf(fg, bgs) >= minContrast {
		return fg
	}
	hue, sat, light := toHSL(fg)
	const steps = 1000
	for i := 1; i <= steps; i++ {
		d := float64(i) / steps
		// Prefer lighter on a dark background and darker on a light one
		// when both directions need the same change.
		dirs := [2]float64{d, -d}
		if luminance(bgs[0]) > 0.18 {
			dirs = [2]float64{-d, d}
		}
		for _, dl := range dirs {
			l := light + dl
			if l < 0 || l > 1 {
				continue
			}
			if c := fromHSL(hue, sat, l); minContrastOf(c, bgs) >= targetContrast {
				return c
			}
		}
	}
	black, white := chroma.NewColour(0, 0, 0), chroma.NewColour(0xff, 0xff, 0xff)
	if minContrastOf(black, bgs) > minContrastOf(white, bgs) {
		return black
	}
	return white
}

func minContrastOf(fg chroma.Colour, bgs []chroma.Colour) float64 {
	m := math.Inf(1)
	for _, bg := range bgs {
		m = min(m, contrast(fg, bg))
	}
	return m
}

// contrast is the WCAG 2 contrast ratio of two colours, from 1 to 21.
func contrast(a, b chroma.Colour) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is the WCAG 2 relative luminance of c.
func luminance(c chroma.Colour) float64 {
	lin := func(v uint8) float64 {
		s := float64(v) / 255
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.Red()) + 0.7152*lin(c.Green()) + 0.0722*lin(c.Blue())
}

func toHSL(c chroma.Colour) (h, s, l float64) {
	r, g, b := float64(c.Red())/255, float64(c.Green())/255, float64(c.Blue())/255
	hi, lo := max(r, g, b), min(r, g, b)
	l = (hi + lo) / 2
	if hi == lo {
		return 0, 0, l
	}
	d := hi - lo
	if l > 0.5 {
		s = d / (2 - hi - lo)
	} else {
		s = d / (hi + lo)
	}
	switch hi {
	case r:
		h = (g - b) / d
		if g < b {
			h += 6
		}
	case g:
		h = (b-r)/d + 2
	default:
		h = (r-g)/d + 4
	}
	return h / 6, s, l
}

func fromHSL(h, s, l float64) chroma.Colour {
	if s == 0 {
		v := uint8(math.Round(l * 255))
		return chroma.NewColour(v, v, v)
	}
	var q float64
	if l < 0.5 {
		q = l * (1 + s)
	} else {
		q = l + s - l*s
	}
	p := 2*l - q
	channel := func(t float64) uint8 {
		t -= math.Floor(t)
		var v float64
		switch {
		case t < 1.0/6:
			v = p + (q-p)*6*t
		case t < 1.0/2:
			v = q
		case t < 2.0/3:
			v = p + (q-p)*(2.0/3-t)*6
		default:
			v = p
		}
		return uint8(math.Round(v * 255))
	}
	return chroma.NewColour(channel(h+1.0/3), channel(h), channel(h-1.0/3))
}

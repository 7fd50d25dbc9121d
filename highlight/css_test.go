package highlight

import (
	"bufio"
	"bytes"
	"math"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestWriteCSSGolden(t *testing.T) {
	tests := []struct {
		name string
		opts Options
	}{
		{"monokai", Options{}},
		{"github-dark-monokai", Options{Style: "github", DarkStyle: "monokai"}},
		{"line-numbers", Options{Style: "github", LineNumbers: true, TabWidth: 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := mustNew(t, tc.opts).WriteCSS(&b); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", tc.name+".css.golden"), b.Bytes())
		})
	}
}

func TestWriteStyleCSSIsDefaultWriteCSS(t *testing.T) {
	var a, b bytes.Buffer
	if err := WriteStyleCSS(&a, "dracula"); err != nil {
		t.Fatal(err)
	}
	if err := mustNew(t, Options{Style: "dracula"}).WriteCSS(&b); err != nil {
		t.Fatal(err)
	}
	if a.String() != b.String() {
		t.Errorf("WriteStyleCSS(dracula) differs from New(Style: dracula).WriteCSS")
	}
}

func TestWriteCSSLayout(t *testing.T) {
	for _, opts := range []Options{{}, {TabWidth: 2}, {Style: "github", DarkStyle: "monokai", TabWidth: 8}} {
		var b bytes.Buffer
		if err := mustNew(t, opts).WriteCSS(&b); err != nil {
			t.Fatal(err)
		}
		css := b.String()
		tab := opts.withDefaults().TabWidth
		for _, want := range []string{
			"overflow: auto;", // the block scrolls sideways
			"display: grid;",  // so that .hl spans the scroll width
			"tab-size: " + strconv.Itoa(tab),
			".chroma .hl {",
		} {
			if tab == 8 && strings.HasPrefix(want, "tab-size") {
				continue // 8 is the browser's default; chroma writes nothing
			}
			if !strings.Contains(css, want) {
				t.Errorf("WriteCSS(%+v) lacks %q", opts, want)
			}
		}
	}
}

// cssRule is one rule of a generated stylesheet.
type cssRule struct {
	dark     bool // inside the prefers-color-scheme: dark block
	selector string
	decls    map[string]string
}

var ruleRE = regexp.MustCompile(`^\s*(?:/\*.*?\*/\s*)?([^{}]+?)\s*\{(.*)\}\s*$`)

// parseCSS reads the one-rule-per-line stylesheets WriteCSS writes.
func parseCSS(t *testing.T, css string) []cssRule {
	t.Helper()
	var rules []cssRule
	dark := false
	sc := bufio.NewScanner(strings.NewReader(css))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case strings.HasPrefix(line, "@media (prefers-color-scheme: dark)"):
			dark = true
			continue
		case line == "}":
			dark = false
			continue
		case line == "" || strings.HasPrefix(line, "/*") && strings.HasSuffix(line, "*/") && !strings.Contains(line, "{"):
			continue
		}
		m := ruleRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("unparsed CSS line %q", line)
		}
		r := cssRule{dark: dark, selector: m[1], decls: map[string]string{}}
		for d := range strings.SplitSeq(m[2], ";") {
			k, v, ok := strings.Cut(d, ":")
			if ok {
				r.decls[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
		rules = append(rules, r)
	}
	return rules
}

func parseHex(t *testing.T, s string) [3]float64 {
	t.Helper()
	if len(s) != 7 || s[0] != '#' {
		t.Fatalf("colour %q: want #rrggbb", s)
	}
	var c [3]float64
	for i := range c {
		v, err := strconv.ParseUint(s[1+2*i:3+2*i], 16, 8)
		if err != nil {
			t.Fatal(err)
		}
		c[i] = float64(v)
	}
	return c
}

// wcagRatio is the WCAG 2 contrast ratio, written out again here rather
// than calling the package's own.
func wcagRatio(t *testing.T, fg, bg string) float64 {
	lum := func(c [3]float64) float64 {
		var l [3]float64
		for i, v := range c {
			v /= 255
			if v <= 0.04045 {
				l[i] = v / 12.92
			} else {
				l[i] = math.Pow((v+0.055)/1.055, 2.4)
			}
		}
		return 0.2126*l[0] + 0.7152*l[1] + 0.0722*l[2]
	}
	a, b := lum(parseHex(t, fg)), lum(parseHex(t, bg))
	return (max(a, b) + 0.05) / (min(a, b) + 0.05)
}

// checkContrast checks every text colour in css against the background it
// is drawn on: its own background-color if the rule has one, else the
// block background and the emphasised-line background.
func checkContrast(t *testing.T, css string) (checked int) {
	t.Helper()
	rules := parseCSS(t, css)
	type scheme struct{ text, bg, hl string }
	schemes := map[bool]*scheme{false: {bg: "#ffffff"}, true: {bg: "#ffffff"}}
	for _, r := range rules {
		s := schemes[r.dark]
		switch r.selector {
		case ".chroma":
			if v, ok := r.decls["background-color"]; ok {
				s.bg = v
			}
			s.text = r.decls["color"]
		case ".chroma .hl":
			s.hl = r.decls["background-color"]
		}
	}
	for _, r := range rules {
		s := schemes[r.dark]
		fg, ok := r.decls["color"]
		if !ok {
			fg = s.text // drawn in the inherited colour
		}
		if !strings.HasPrefix(fg, "#") {
			continue // inherit
		}
		bgs := []string{s.bg}
		if own, ok := r.decls["background-color"]; ok && r.selector != ".chroma" && r.selector != ".bg" {
			if !strings.HasPrefix(own, "#") {
				continue // transparent: a reset
			}
			bgs = []string{own}
		} else if s.hl != "" {
			bgs = append(bgs, s.hl)
		}
		for _, bg := range bgs {
			checked++
			if got := wcagRatio(t, fg, bg); got < 4.5 {
				t.Errorf("%s (dark=%t): %s on %s has contrast %.2f, want ≥ 4.5", r.selector, r.dark, fg, bg, got)
			}
		}
	}
	return checked
}

func TestWriteCSSContrast(t *testing.T) {
	tests := []Options{
		{Style: "monokai"},
		{Style: "github"},
		{Style: "github", DarkStyle: "monokai", LineNumbers: true},
	}
	for _, opts := range tests {
		var b bytes.Buffer
		if err := mustNew(t, opts).WriteCSS(&b); err != nil {
			t.Fatal(err)
		}
		if n := checkContrast(t, b.String()); n < 20 {
			t.Errorf("WriteCSS(%+v): only %d colour pairs checked; is the parser right?", opts, n)
		}
	}
}

// TestWriteCSSContrastAllStyles holds every chroma style to the same bar,
// so that any style a site picks is readable.
func TestWriteCSSContrastAllStyles(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			if err := mustNew(t, Options{Style: name, LineNumbers: true}).WriteCSS(&b); err != nil {
				t.Fatal(err)
			}
			checkContrast(t, b.String())
		})
	}
}

func TestReadableMonokaiComment(t *testing.T) {
	// monokai's comment colour, #75715e on #272822, is about 3.1:1.
	before := wcagRatio(t, "#75715e", "#272822")
	if before >= minContrast {
		t.Fatalf("monokai comments already pass (%.2f); the test needs another colour", before)
	}
	var b bytes.Buffer
	if err := WriteStyleCSS(&b, "monokai"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "#75715e") {
		t.Errorf("WriteStyleCSS(monokai) still uses the failing comment colour #75715e")
	}
}

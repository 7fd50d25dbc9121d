package highlight

// The tests here compare what this package highlights with (the copy of
// chroma in _third_party/chroma and the styles of styles_gen.go) against
// the chroma module it was made from.

import (
	"bytes"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"

	upchroma "github.com/alecthomas/chroma/v2"
	uphtml "github.com/alecthomas/chroma/v2/formatters/html"
	uplexers "github.com/alecthomas/chroma/v2/lexers"
	upstyles "github.com/alecthomas/chroma/v2/styles"

	"github.com/blog-gen/blog/_third_party/chroma"
	"github.com/blog-gen/blog/_third_party/chroma/formatters/html"
	"github.com/blog-gen/blog/_third_party/chroma/lexers"
)

// TestStylesMatchChroma checks styles_gen.go against chroma's styles
// package: the same names, and for every style the same entries for every
// token type and the same CSS and markup from chroma's HTML formatter. Run
// go generate when it fails after a chroma upgrade.
func TestStylesMatchChroma(t *testing.T) {
	if got, want := Names(), upstyles.Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, chroma's styles.Names() = %v: run go generate", got, want)
	}
	tokens := sampleTokens(t)
	for _, name := range Names() {
		ours, _ := registeredStyle(name)
		theirs := upstyles.Registry[name]
		if ours.Name != theirs.Name || ours.Counterpart != theirs.Counterpart || ours.Mode().String() != theirs.Mode().String() {
			t.Errorf("%s: name, counterpart, mode %q %q %v, chroma's %q %q %v", name,
				ours.Name, ours.Counterpart, ours.Mode(), theirs.Name, theirs.Counterpart, theirs.Mode())
		}
		if got, want := sortedTypes(ours.Types()), sortedTypes(theirs.Types()); !slices.Equal(got, want) {
			t.Errorf("%s: Types() = %v, chroma's %v", name, got, want)
		}
		for tt := range upchroma.StandardTypes {
			if got, want := ours.Get(chroma.TokenType(tt)).String(), theirs.Get(tt).String(); got != want {
				t.Errorf("%s: Get(%v) = %q, chroma's %q", name, tt, got, want)
			}
			if got, want := ours.Has(chroma.TokenType(tt)), theirs.Has(tt); got != want {
				t.Errorf("%s: Has(%v) = %t, chroma's %t", name, tt, got, want)
			}
		}
		for _, ln := range []bool{false, true} {
			f := html.New(html.WithClasses(true), html.TabWidth(4), html.WithLineNumbers(ln), html.HighlightLines([][2]int{{2, 3}}))
			uf := uphtml.New(uphtml.WithClasses(true), uphtml.TabWidth(4), uphtml.WithLineNumbers(ln), uphtml.HighlightLines([][2]int{{2, 3}}))
			var got, want bytes.Buffer
			if err := f.WriteCSS(&got, ours); err != nil {
				t.Fatal(err)
			}
			if err := uf.WriteCSS(&want, theirs); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%s (line numbers %t): CSS differs from chroma's:\n%s\nchroma's:\n%s", name, ln, got.String(), want.String())
			}
			got.Reset()
			want.Reset()
			toks := make([]chroma.Token, len(tokens))
			for i, tok := range tokens {
				toks[i] = chroma.Token{Type: chroma.TokenType(tok.Type), Value: tok.Value}
			}
			if err := f.Format(&got, ours, chroma.Literator(toks...)); err != nil {
				t.Fatal(err)
			}
			if err := uf.Format(&want, theirs, upchroma.Literator(tokens...)); err != nil {
				t.Fatal(err)
			}
			if got.String() != want.String() {
				t.Errorf("%s (line numbers %t): markup differs from chroma's:\n%s\nchroma's:\n%s", name, ln, got.String(), want.String())
			}
		}
	}
}

// sampleTokens is chroma's lexing of a Go snippet, a token of every
// standard type with a class appended.
func sampleTokens(t *testing.T) []upchroma.Token {
	it, err := upchroma.Coalesce(uplexers.Get("go")).Tokenise(nil, "package main\n\n// Hi.\nfunc main() { println(`x`, 1.5, 'c') }\n")
	if err != nil {
		t.Fatal(err)
	}
	tokens := it.Tokens()
	for _, tt := range sortedTypes(slices.Collect(func(yield func(upchroma.TokenType) bool) {
		for tt := range upchroma.StandardTypes {
			if !yield(tt) {
				return
			}
		}
	})) {
		if tt >= 0 {
			tokens = append(tokens, upchroma.Token{Type: upchroma.TokenType(tt), Value: "t<&>"})
		}
	}
	return tokens
}

func sortedTypes[T ~int](types []T) []int {
	out := make([]int, len(types))
	for i, tt := range types {
		out[i] = int(tt)
	}
	slices.Sort(out)
	return out
}

// TestLexersMatchChroma checks the copy's lexer registry against chroma's:
// the same lexers with the same configuration in the same order, the same
// lexer for every name, alias and file name, and the same tokens for a
// sample text from every lexer.
func TestLexersMatchChroma(t *testing.T) {
	got, want := registries(t)
	for i := range got {
		g, w := got[i].Config(), want[i].Config()
		if g.Name != w.Name || !slices.Equal(g.Aliases, w.Aliases) || !slices.Equal(g.Filenames, w.Filenames) ||
			!slices.Equal(g.AliasFilenames, w.AliasFilenames) || !slices.Equal(g.MimeTypes, w.MimeTypes) || g.Priority != w.Priority {
			t.Errorf("lexer %d: %+v, chroma's %+v", i, g, w)
		}
	}
	name := func(l interface{ Config() *chroma.Config }) string {
		if l == nil {
			return "<nil>"
		}
		return l.Config().Name
	}
	upname := func(l upchroma.Lexer) string {
		if l == nil {
			return "<nil>"
		}
		return l.Config().Name
	}
	star := regexp.MustCompile(`[*?]|\[[^]]*\]`)
	var names, files []string
	for _, l := range want {
		c := l.Config()
		names = append(names, c.Name, strings.ToUpper(c.Name))
		names = append(names, c.Aliases...)
		for _, glob := range append(slices.Clone(c.Filenames), c.AliasFilenames...) {
			files = append(files, star.ReplaceAllString(glob, "x"))
		}
	}
	names = append(names, "no-such-language", "Makefile.in", "x.go~")
	for _, n := range names {
		if g, w := lexers.Get(n), uplexers.Get(n); (g == nil) != (w == nil) || g != nil && name(g) != upname(w) {
			t.Errorf("Get(%q) = %s, chroma's %s", n, name(g), upname(w))
		}
	}
	// Match tries every glob of every lexer: a sample of the file names
	// keeps the test quick.
	slices.Sort(files)
	files = slices.Compact(files)
	for i, f := range files {
		if i%4 != 0 {
			continue
		}
		if g, w := lexers.Match(f), uplexers.Match(f); (g == nil) != (w == nil) || g != nil && name(g) != upname(w) {
			t.Errorf("Match(%q) = %s, chroma's %s", f, name(g), upname(w))
		}
	}
	sample := "#!/bin/sh\n<?php echo 1; ?>\n<div class=\"a\">{{ x }}</div>\nSELECT `a` FROM t; -- c\n" +
		"@ IN SOA ns. x. (1)\nfunc main() { return \"s\" + 'c' * 0x1f }\n  key: [1, 2.5e3]\n/* comment */ # note\n"
	if g, w := lexers.Analyse(sample), uplexers.Analyse(sample); name(g) != upname(w) {
		t.Errorf("Analyse = %s, chroma's %s", name(g), upname(w))
	}
	// The lexers' code is chroma's, unchanged: tokens of the languages a
	// blog shows most, of those defined in Go, and of those whose analyser
	// the copy sets up differently.
	for _, lang := range []string{"go", "python", "javascript", "typescript", "bash", "sql", "mysql", "yaml", "json", "toml",
		"html", "css", "php", "erb", "svelte", "markdown", "rst", "http", "c", "cpp", "rust", "java", "ruby", "diff",
		"docker", "makefile", "go-html-template", "go-text-template", "common-lisp", "emacs-lisp", "raku", "haxe",
		"caddyfile", "gemtext", "genshi", "typoscript", "yaml+jinja", "dns", "zed", "plaintext"} {
		g, w := lexers.Get(lang), uplexers.Get(lang)
		if w == nil {
			t.Errorf("chroma has no lexer %q", lang)
			continue
		}
		it, err := chroma.Coalesce(g).Tokenise(nil, sample)
		if err != nil {
			t.Fatal(err)
		}
		uit, err := upchroma.Coalesce(w).Tokenise(nil, sample)
		if err != nil {
			t.Fatal(err)
		}
		var gt, wt []string
		for _, tok := range it.Tokens() {
			gt = append(gt, tok.Type.String()+" "+tok.Value)
		}
		for _, tok := range uit.Tokens() {
			wt = append(wt, tok.Type.String()+" "+tok.Value)
		}
		if !slices.Equal(gt, wt) {
			t.Errorf("%s: tokens differ from chroma's:\n%q\nchroma's:\n%q", lang, gt, wt)
		}
	}
}

// registries returns the lexers of the copy's registry (filled by the
// call) and of chroma's, which must be as many.
func registries(tb testing.TB) ([]chroma.Lexer, []upchroma.Lexer) {
	tb.Helper()
	lexers.Names(false) // fills the registry
	got, want := lexers.GlobalLexerRegistry.Lexers, uplexers.GlobalLexerRegistry.Lexers
	if len(got) != len(want) {
		tb.Fatalf("%d lexers, chroma has %d", len(got), len(want))
	}
	return got, want
}

// TestLexerRegistryLazy checks, in a process of its own, that the copy's
// registry is filled on first use and not when the program starts.
func TestLexerRegistryLazy(t *testing.T) {
	if os.Getenv("HIGHLIGHT_LAZY_CHILD") == "1" {
		if n := len(lexers.GlobalLexerRegistry.Lexers); n != 0 {
			t.Fatalf("%d lexers registered before first use", n)
		}
		if lexers.Get("go") == nil || len(lexers.GlobalLexerRegistry.Lexers) == 0 {
			t.Fatal("Get(go) did not fill the registry")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestLexerRegistryLazy$", "-test.count=1")
	cmd.Env = append(os.Environ(), "HIGHLIGHT_LAZY_CHILD=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
}

// TestChromaVersion checks chromaVersion against the version update.sh
// copies and the chroma module go.mod requires (the one styles_gen.go and
// these tests are made from).
func TestChromaVersion(t *testing.T) {
	for _, f := range []struct{ path, re string }{
		{"../_third_party/chroma/update.sh", `(?m)^version=(\S+)$`},
		{"../go.mod", `(?m)^\s*github\.com/alecthomas/chroma/v2 (\S+)$`},
		{"styles_gen.go", `styles of chroma (\S+);`},
	} {
		b, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(f.re).FindSubmatch(b)
		if m == nil || string(m[1]) != chromaVersion {
			t.Errorf("%s: chroma version %q, want %q", f.path, m, chromaVersion)
		}
	}
}

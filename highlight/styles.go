package highlight

import (
	"slices"
	"strings"
	"sync"

	"github.com/blog-gen/blog/_third_party/chroma"
)

//go:generate go run gen_styles.go

// chroma's styles package builds every style from XML when a program
// starts, whether or not it highlights anything (some 20ms and 40,000
// allocations). styleDefs (styles_gen.go) holds the same styles as static
// data instead, and a style is built the first time it is looked up.

// A styleDef is one style of chroma's styles.Registry: key is its registry
// key, the lower-cased name.
type styleDef struct {
	key, name, counterpart string
	entries                []styleEntry
}

// A styleEntry is one entry of a style as chroma's XML writes it.
type styleEntry struct {
	tt    chroma.TokenType
	style string
}

// builtStyles[i] is styleDefs[i] built.
var builtStyles [len(styleDefs)]struct {
	once  sync.Once
	style *chroma.Style
}

// registeredStyle returns the style registered as key (lower case), as
// chroma's styles.Registry[key] would.
func registeredStyle(key string) (*chroma.Style, bool) {
	i, ok := slices.BinarySearchFunc(styleDefs[:], key, func(d styleDef, key string) int { return strings.Compare(d.key, key) })
	if !ok {
		return nil, false
	}
	b := &builtStyles[i]
	b.once.Do(func() { b.style = styleDefs[i].build() })
	return b.style, true
}

func (d *styleDef) build() *chroma.Style {
	sb := chroma.NewStyleBuilder(d.name).Counterpart(d.counterpart)
	for _, e := range d.entries {
		sb.Add(e.tt, e.style)
	}
	s, err := sb.Build()
	if err != nil {
		// styles_gen.go is made from styles chroma parsed:
		// TestStylesMatchChroma builds every one.
		panic("highlight: style " + d.name + ": " + err.Error())
	}
	return s
}

// Names returns the names of the styles [New] accepts, sorted.
func Names() []string {
	names := make([]string, len(styleDefs))
	for i, d := range styleDefs {
		names[i] = d.key
	}
	return names
}

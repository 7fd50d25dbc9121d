package render

import (
	"fmt"

	"github.com/goccy/go-yaml/ast"

	"github.com/blog-gen/blog/diag"
)

// notePos records where the value of key is, for the keys whose values
// the build checks later (slug, permalink, url).
func (m *FrontMatter) notePos(key string, p diag.Pos) {
	switch key {
	case "slug", "permalink", "url", "series":
		if m.Pos == nil {
			m.Pos = make(map[string]diag.Pos)
		}
		m.Pos[key] = p
	}
}

// addAliases appends the old URLs of an aliases (Hugo, Zola) or
// redirect_from (Jekyll) value, a list or a single string, to m.Aliases,
// noting where each is. A string is one URL: URLs may hold commas.
func (m *FrontMatter) addAliases(key string, val ast.Node, pos func(ast.Node) diag.Pos) error {
	items := []ast.Node{val}
	if seq, ok := val.(*ast.SequenceNode); ok {
		items = seq.Values
	}
	var errs diag.List
	for _, n := range items {
		n = unwrap(n)
		s, err := scalarString(n)
		if err != nil {
			errs.Add(&diag.Error{Pos: pos(n), Err: fmt.Errorf("%s: want a list of paths such as /2011/04/old-post/: %w", key, err)})
			continue
		}
		if s == "" {
			continue
		}
		if m.Pos == nil {
			m.Pos = make(map[string]diag.Pos)
		}
		m.Pos[fmt.Sprintf("aliases.%d", len(m.Aliases))] = pos(n)
		m.Aliases = append(m.Aliases, s)
	}
	return errs.Err()
}

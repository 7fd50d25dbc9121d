package render

import (
	"fmt"

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
func (m *FrontMatter) addAliases(key string, val fmValue) error {
	items := []fmValue{val}
	if val.kind == fmList {
		items = val.items
	}
	var errs diag.List
	for _, n := range items {
		s, err := n.scalar()
		if err != nil {
			errs.Add(&diag.Error{Pos: n.pos, Err: fmt.Errorf("%s: want a list of paths such as /2011/04/old-post/: %w", key, err)})
			continue
		}
		if s == "" {
			continue
		}
		if m.Pos == nil {
			m.Pos = make(map[string]diag.Pos)
		}
		m.Pos[fmt.Sprintf("aliases.%d", len(m.Aliases))] = n.pos
		m.Aliases = append(m.Aliases, s)
	}
	return errs.Err()
}

package render

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/blog-gen/blog/diag"
)

// parseTOML parses the TOML front matter fm of file, which starts on line
// 2 of the file (after the +++ line). go-toml decodes it, which checks
// what TOML forbids (a key set twice, a table redefined); its parser then
// locates each top-level key's value, and each item of a top-level list.
func parseTOML(file string, fm []byte, loc *time.Location) (FrontMatter, error) {
	var m FrontMatter
	var doc map[string]any
	if err := toml.Unmarshal(fm, &doc); err != nil {
		return m, tomlError(file, err)
	}
	where := tomlPositions(file, fm)
	keys := slices.SortedFunc(maps.Keys(doc), func(a, b string) int {
		pa, pb := where[a].at, where[b].at
		return cmp.Or(cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Col, pb.Col), strings.Compare(a, b))
	})
	var errs diag.List
	for _, k := range keys {
		p := where[k]
		if p.at.File == "" {
			p.at = diag.Pos{File: file, Line: fmLineOffset + 1, Col: 1}
		}
		m.set(k, tomlValue(doc[k], p.at, p.items), loc, &errs)
	}
	return m, errs.Err()
}

// tomlError locates an error of go-toml in the file.
func tomlError(file string, err error) error {
	var de *toml.DecodeError
	if errors.As(err, &de) {
		line, col := de.Position()
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		return &diag.Error{Pos: diag.Pos{File: file, Line: line + fmLineOffset, Col: col}, Err: fmt.Errorf("TOML front matter: %s", msg)}
	}
	return &diag.Error{Pos: diag.Pos{File: file, Line: fmLineOffset + 1, Col: 1}, Err: fmt.Errorf("TOML front matter: %w", err)}
}

// tomlPlace is where a top-level value is written, and where the items of
// a list value are.
type tomlPlace struct {
	at    diag.Pos
	items []diag.Pos
}

// tomlPositions locates the top-level keys of the TOML document fm: a
// key's value for key = value, the key itself for a dotted key (a.b = 1)
// or a table header ([a]), whose value is a table. The document has been
// decoded already, so parse errors do not happen here.
func tomlPositions(file string, fm []byte) map[string]tomlPlace {
	out := make(map[string]tomlPlace)
	pos := func(off int) diag.Pos {
		line, col := diag.LineCol(fm, off)
		return diag.Pos{File: file, Line: line + fmLineOffset, Col: col}
	}
	var p unstable.Parser
	p.Reset(fm)
	inTable := false
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.Table, unstable.ArrayTable:
			inTable = true
			it := e.Key()
			if it.Next() {
				k := string(it.Node().Data)
				if _, seen := out[k]; !seen {
					out[k] = tomlPlace{at: pos(int(it.Node().Raw.Offset))}
				}
			}
		case unstable.KeyValue:
			if inTable {
				continue
			}
			var parts []*unstable.Node
			for it := e.Key(); it.Next(); {
				parts = append(parts, it.Node())
			}
			if len(parts) == 0 {
				continue
			}
			k := string(parts[0].Data)
			if _, seen := out[k]; seen {
				continue
			}
			if len(parts) > 1 {
				out[k] = tomlPlace{at: pos(int(parts[0].Raw.Offset))}
				continue
			}
			last := parts[len(parts)-1].Raw
			off := valueStart(fm, int(last.Offset+last.Length))
			place := tomlPlace{at: pos(off)}
			if v := e.Value(); v != nil && v.Kind == unstable.Array {
				for it := v.Children(); it.Next(); {
					c := it.Node()
					if c.Kind == unstable.Comment {
						continue
					}
					at := place.at
					if c.Raw.Length > 0 {
						at = pos(int(c.Raw.Offset))
					}
					place.items = append(place.items, at)
				}
			}
			out[k] = place
		}
	}
	return out
}

// valueStart skips the = and blanks after a key that ends at off.
func valueStart(fm []byte, off int) int {
	rest := fm[min(off, len(fm)):]
	trimmed := bytes.TrimLeft(rest, " \t")
	trimmed = bytes.TrimPrefix(trimmed, []byte("="))
	trimmed = bytes.TrimLeft(trimmed, " \t")
	return len(fm) - len(trimmed)
}

// tomlValue makes the neutral value of x, as go-toml decoded it, written
// at pos; items locates a list's items.
func tomlValue(x any, pos diag.Pos, items []diag.Pos) fmValue {
	v := fmValue{pos: pos, decode: func() (any, error) { return x, nil }}
	switch t := x.(type) {
	case string:
		v.kind, v.text = fmString, t
	case bool:
		v.kind, v.bool = fmBool, t
	case int64:
		v.kind, v.text = fmNumber, strconv.FormatInt(t, 10)
	case float64:
		v.kind, v.text = fmNumber, strconv.FormatFloat(t, 'g', -1, 64)
	case time.Time:
		v.kind, v.text = fmDate, t.Format(time.RFC3339Nano)
	case toml.LocalDate, toml.LocalDateTime, toml.LocalTime:
		v.kind, v.text = fmDate, fmt.Sprint(t)
	case []any:
		v.kind = fmList
		for i, item := range t {
			at := pos
			if i < len(items) {
				at = items[i]
			}
			v.items = append(v.items, tomlValue(item, at, nil))
		}
	case map[string]any:
		v.kind = fmMap
	default:
		v.kind = fmNull
	}
	return v
}

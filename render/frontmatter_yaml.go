package render

import (
	"bytes"
	"fmt"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/blog-gen/blog/diag"
)

// ParseFrontMatter parses the YAML front matter fm of file, which starts on
// line 2 of the file. Dates without a zone are read in loc. Anchors,
// aliases and merge keys are resolved as YAML says, within the bounds of
// [diag.ParseYAML].
func ParseFrontMatter(file string, fm []byte, loc *time.Location) (FrontMatter, error) {
	var m FrontMatter
	if len(bytes.TrimSpace(fm)) == 0 {
		return m, nil
	}
	f, err := diag.ParseYAML(file, fmLineOffset, fm)
	if err != nil {
		return m, err
	}
	if len(f.Docs) == 0 || f.Docs[0].Body == nil {
		return m, nil
	}
	body := f.Docs[0].Body
	mapping, ok := unwrap(body).(ast.MapNode)
	if !ok {
		return m, &diag.Error{Pos: yamlPos(file, body, diag.Pos{File: file}), Err: fmt.Errorf("front matter must be a mapping of keys to values, not %s", nodeKind(body))}
	}
	var errs diag.List
	iter := mapping.MapRange()
	for iter.Next() {
		keyNode := iter.Key()
		// An aliased value was written above its key, at its anchor:
		// errors about it are the key's.
		kp := yamlPos(file, keyNode, diag.Pos{File: file})
		v := yamlValue(file, iter.Value(), kp)
		if at := v.pos; at.Line < kp.Line || at.Line == kp.Line && at.Col < kp.Col {
			v.pos = kp
		}
		m.set(diag.KeyString(keyNode), v, loc, &errs)
	}
	return m, errs.Err()
}

// yamlPos is where the node n of file's front matter is, or def when the
// node has no position.
func yamlPos(file string, n ast.Node, def diag.Pos) diag.Pos {
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return def
	}
	return diag.Pos{File: file, Line: tk.Position.Line + fmLineOffset, Col: tk.Position.Column}
}

// yamlValue makes the neutral value of the YAML node n; def is its
// position when n has none.
func yamlValue(file string, n ast.Node, def diag.Pos) fmValue {
	n = unwrap(n)
	v := fmValue{pos: yamlPos(file, n, def)}
	v.decode = func() (any, error) {
		var x any
		if err := yaml.NodeToValue(n, &x); err != nil {
			return nil, diag.FromYAML(file, fmLineOffset, err)
		}
		return x, nil
	}
	switch t := n.(type) {
	case ast.MapNode:
		v.kind = fmMap
	case *ast.SequenceNode:
		v.kind = fmList
		for _, item := range t.Values {
			v.items = append(v.items, yamlValue(file, item, v.pos))
		}
	case *ast.NullNode:
		v.kind = fmNull
	case *ast.BoolNode:
		v.kind, v.bool = fmBool, t.Value
	case *ast.IntegerNode, *ast.FloatNode:
		v.kind = fmNumber
	case *ast.AliasNode:
		v.kind = fmMap // not a scalar; resolved before this, so never met
	default:
		v.kind = fmString
	}
	if v.kind == fmString || v.kind == fmNumber || v.kind == fmBool {
		v.text, _ = scalarString(n)
	}
	return v
}

// unwrap looks through tags and anchors to the value node.
func unwrap(n ast.Node) ast.Node {
	for {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
		case *ast.AnchorNode:
			n = v.Value
		default:
			return n
		}
	}
}

func nodeKind(n ast.Node) string {
	switch n.(type) {
	case ast.MapNode:
		return "a mapping"
	case *ast.SequenceNode:
		return "a list"
	case *ast.NullNode:
		return "an empty value"
	case *ast.BoolNode:
		return "a boolean"
	case *ast.IntegerNode, *ast.FloatNode:
		return "a number"
	case *ast.AliasNode:
		return "an alias"
	}
	return "a string"
}

// scalarString returns the text of a scalar node as written.
func scalarString(n ast.Node) (string, error) {
	switch v := n.(type) {
	case *ast.NullNode:
		return "", nil
	case *ast.StringNode:
		return v.Value, nil
	case *ast.LiteralNode:
		return v.Value.Value, nil
	case ast.ScalarNode:
		if tk := v.GetToken(); tk != nil {
			return tk.Value, nil
		}
		return fmt.Sprint(v.GetValue()), nil
	}
	return "", fmt.Errorf("want a single value, not %s", nodeKind(n))
}

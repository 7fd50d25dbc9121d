package diag

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/lexer"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

// FromYAML turns an error from github.com/goccy/go-yaml into an *Error
// located in file. lineOffset is added to the YAML line, for YAML that
// starts below the top of its file (front matter starts on line 2).
// Errors without a token keep the file name only.
func FromYAML(file string, lineOffset int, err error) error {
	if err == nil {
		return nil
	}
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg := ye.GetMessage()
		msg = strings.TrimPrefix(msg, "[")
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			return &Error{
				Pos: Pos{File: file, Line: tk.Position.Line + lineOffset, Col: tk.Position.Column},
				Err: &yamlError{msg: cleanYAMLMessage(msg), err: err},
			}
		}
		return &Error{Pos: Pos{File: file}, Err: &yamlError{msg: cleanYAMLMessage(msg), err: err}}
	}
	return &Error{Pos: Pos{File: file}, Err: err}
}

// cleanYAMLMessage keeps the first line of a go-yaml message: the rest is
// a source excerpt we don't print.
func cleanYAMLMessage(msg string) string {
	msg, _, _ = strings.Cut(msg, "\n")
	return strings.TrimSpace(msg)
}

// yamlError is a go-yaml error with its message cut to one line and its
// position left to the enclosing [Error]; the original stays reachable
// with errors.As.
type yamlError struct {
	msg string
	err error
}

func (e *yamlError) Error() string { return e.msg }
func (e *yamlError) Unwrap() error { return e.err }

// Bounds of what [ParseYAML] accepts. Site configuration and front matter
// are small; these only stop input built to exhaust memory or time.
const (
	// MaxYAMLValues is how many values (scalars, lists and mappings) a
	// document may hold once its aliases are expanded. An alias bomb
	// ("billion laughs": each anchor a list of aliases of the previous
	// one) is refused here instead of expanding exponentially.
	MaxYAMLValues = 100_000
	// MaxYAMLDepth is how deeply lists and mappings may nest. It is also
	// checked before parsing, on the tokens: go-yaml's parser takes time
	// quadratic in the depth.
	MaxYAMLDepth = 100
)

// ParseYAML parses src, YAML that starts on line lineOffset+1 of file,
// and resolves it to plain data: every alias (*name) is replaced by the
// node its anchor (&name) marks, anchors are dropped, and merge keys
// (<<: *base, or <<: [*a, *b]) are folded into their mapping, keys written
// in the mapping itself winning over merged ones, and earlier merged
// mappings over later ones. The documents returned hold no
// [ast.AnchorNode], [ast.AliasNode] or merge key, so a walk of them or
// [yaml.NodeToValue] sees what the YAML means.
//
// An aliased node appears at every place that names it: treat the result
// as read-only.
//
// Every error is an *[Error] in file: a syntax error, an alias with no
// anchor before it or inside its own anchor, nesting deeper than
// [MaxYAMLDepth], or more than [MaxYAMLValues] values.
func ParseYAML(file string, lineOffset int, src []byte) (*ast.File, error) {
	tokens := lexer.Tokenize(string(src))
	if tk := tooDeep(tokens); tk != nil {
		return nil, &Error{Pos: tokenPos(file, lineOffset, tk), Err: errTooDeep}
	}
	if tk := localTag(tokens); tk != nil {
		return nil, &Error{Pos: tokenPos(file, lineOffset, tk), Err: fmt.Errorf("YAML tag %s: only the standard tags (!!str, !!int, …) are understood", tk.Value)}
	}
	f, err := parser.Parse(tokens, 0)
	if err != nil {
		return nil, FromYAML(file, lineOffset, err)
	}
	r := resolver{file: file, lineOffset: lineOffset}
	for _, doc := range f.Docs {
		r.anchors = map[string]*anchor{} // anchors are local to their document
		if doc.Body == nil {
			continue
		}
		body, _, err := r.walk(doc.Body, 1)
		if err != nil {
			return nil, err
		}
		doc.Body = body
	}
	return f, nil
}

var (
	errTooDeep  = fmt.Errorf("lists and mappings nest deeper than %d levels", MaxYAMLDepth)
	errTooLarge = fmt.Errorf("more than %d values once aliases are expanded", MaxYAMLValues)
)

func tokenPos(file string, lineOffset int, tk *token.Token) Pos {
	if tk == nil || tk.Position == nil {
		return Pos{File: file}
	}
	return Pos{File: file, Line: tk.Position.Line + lineOffset, Col: tk.Position.Column}
}

// standardTags are the YAML tags decoding understands; goccy/go-yaml
// v1.19.2 panics on some others (a local tag on a list field).
var standardTags = map[string]bool{
	"!!str": true, "!!int": true, "!!float": true, "!!bool": true, "!!null": true,
	"!!map": true, "!!seq": true, "!!timestamp": true, "!!binary": true, "!!merge": true,
}

// localTag returns the first tag token that is not a standard one.
func localTag(tokens token.Tokens) *token.Token {
	for _, tk := range tokens {
		if tk.Type == token.TagType && tk.Position != nil && !standardTags[tk.Value] {
			return tk
		}
	}
	return nil
}

// tooDeep returns the token at which the nesting of tokens passes
// MaxYAMLDepth, or nil. Flow collections count their brackets; block
// collections count the columns of the sequence entries and keys that
// open them (an entry at a column left of the innermost one closes it).
// It never counts more levels than the parsed document has, so the exact
// check on the tree stays the one that speaks for ordinary input.
func tooDeep(tokens token.Tokens) *token.Token {
	flow := 0
	var cols []int
	push := func(col int) {
		for len(cols) > 0 && cols[len(cols)-1] >= col {
			cols = cols[:len(cols)-1]
		}
		cols = append(cols, col)
	}
	var prev *token.Token
	for _, tk := range tokens {
		if tk.Position == nil {
			continue
		}
		switch tk.Type {
		case token.SequenceStartType, token.MappingStartType:
			flow++
		case token.SequenceEndType, token.MappingEndType:
			flow = max(flow-1, 0)
		case token.SequenceEntryType:
			if flow == 0 {
				push(tk.Position.Column)
			}
		case token.MappingValueType:
			if flow == 0 && prev != nil && prev.Position.Line == tk.Position.Line {
				push(prev.Position.Column)
			}
		case token.DocumentHeaderType, token.DocumentEndType:
			flow, cols = 0, cols[:0]
		}
		if tk.Type != token.CommentType {
			prev = tk
		}
		if flow+len(cols) > MaxYAMLDepth {
			return tk
		}
	}
	return nil
}

// anchor is a resolved anchored node and its shape.
type anchor struct {
	node  ast.Node
	shape shape
	open  bool // its value is being resolved: an alias to it is a cycle
}

// shape is what a resolved node costs: its values, aliases expanded, and
// how many levels of lists and mappings it nests (0 for a scalar).
type shape struct{ values, height int }

type resolver struct {
	file       string
	lineOffset int
	anchors    map[string]*anchor
	values     int // so far, over every document
}

func (r *resolver) errorAt(n ast.Node, err error) error {
	return &Error{Pos: tokenPos(r.file, r.lineOffset, n.GetToken()), Err: err}
}

// count adds n values, failing at node once the total passes the bound.
func (r *resolver) count(node ast.Node, n int) error {
	r.values += n
	if r.values > MaxYAMLValues {
		return r.errorAt(node, errTooLarge)
	}
	return nil
}

// walk resolves n, which sits at nesting level depth (1 for a document's
// body), and returns what replaces it.
func (r *resolver) walk(n ast.Node, depth int) (ast.Node, shape, error) {
	switch v := n.(type) {
	case nil:
		return nil, shape{}, nil
	case *ast.TagNode:
		val, s, err := r.walk(v.Value, depth)
		v.Value = val
		return v, s, err
	case *ast.MappingKeyNode:
		val, s, err := r.walk(v.Value, depth)
		v.Value = val
		return v, s, err
	case *ast.AnchorNode:
		name := v.Name.GetToken().Value
		a := &anchor{open: true}
		r.anchors[name] = a
		val, s, err := r.walk(v.Value, depth)
		a.node, a.shape, a.open = val, s, false
		return val, s, err
	case *ast.AliasNode:
		return r.alias(v, depth)
	case *ast.MappingNode:
		s, err := r.mapping(v, depth)
		return v, s, err
	case *ast.MappingValueNode:
		// A lone key: value pair; the parser wraps most in a MappingNode.
		m := ast.Mapping(v.GetToken(), false, v)
		s, err := r.mapping(m, depth)
		return m, s, err
	case *ast.SequenceNode:
		if depth > MaxYAMLDepth {
			return nil, shape{}, r.errorAt(v, errTooDeep)
		}
		if err := r.count(v, 1); err != nil {
			return nil, shape{}, err
		}
		s := shape{values: 1, height: 1}
		for i, item := range v.Values {
			val, is, err := r.walk(item, depth+1)
			if err != nil {
				return nil, shape{}, err
			}
			v.Values[i] = val
			s.values += is.values
			s.height = max(s.height, is.height+1)
		}
		return v, s, nil
	}
	if err := r.count(n, 1); err != nil {
		return nil, shape{}, err
	}
	return n, shape{values: 1}, nil
}

// alias returns the node the anchor of a names, counting its values again.
func (r *resolver) alias(a *ast.AliasNode, depth int) (ast.Node, shape, error) {
	name := ""
	if a.Value != nil && a.Value.GetToken() != nil {
		name = a.Value.GetToken().Value
	}
	target, ok := r.anchors[name]
	switch {
	case !ok:
		return nil, shape{}, r.errorAt(a, fmt.Errorf("alias *%s: no anchor &%s before it", name, name))
	case target.open:
		return nil, shape{}, r.errorAt(a, fmt.Errorf("alias *%s is inside its own anchor: a value cannot contain itself", name))
	case depth+target.shape.height-1 > MaxYAMLDepth:
		return nil, shape{}, r.errorAt(a, errTooDeep)
	}
	if err := r.count(a, target.shape.values); err != nil {
		return nil, shape{}, err
	}
	return target.node, target.shape, nil
}

// mapping resolves the keys and values of m and folds its merge keys in.
func (r *resolver) mapping(m *ast.MappingNode, depth int) (shape, error) {
	if depth > MaxYAMLDepth {
		return shape{}, r.errorAt(m, errTooDeep)
	}
	if err := r.count(m, 1); err != nil {
		return shape{}, err
	}
	s := shape{values: 1, height: 1}
	var own, merged []*ast.MappingValueNode
	for _, mv := range m.Values {
		key, ks, err := r.walk(mv.Key, depth+1)
		if err != nil {
			return shape{}, err
		}
		mk, ok := key.(ast.MapKeyNode)
		if !ok {
			return shape{}, r.errorAt(mv.Key, errors.New("a key must be a single value, not a list or a mapping"))
		}
		mv.Key = mk
		written := mv.Value
		val, vs, err := r.walk(written, depth+1)
		if err != nil {
			return shape{}, err
		}
		mv.Value = val
		s.values += ks.values + vs.values
		s.height = max(s.height, ks.height+1, vs.height+1)
		if !mk.IsMergeKey() {
			own = append(own, mv)
			continue
		}
		sources, ok := mergeSources(val)
		if !ok {
			return shape{}, r.errorAt(written, errors.New("<<: want a mapping, or a list of mappings, to merge"))
		}
		for _, src := range sources {
			merged = append(merged, src.Values...)
		}
	}
	if len(own) == len(m.Values) {
		return s, nil
	}
	seen := make(map[string]bool, len(own)+len(merged))
	for _, mv := range own {
		seen[KeyString(mv.Key)] = true
	}
	for _, mv := range merged {
		if k := KeyString(mv.Key); !seen[k] {
			seen[k] = true
			own = append(own, mv)
		}
	}
	m.Values = own
	return s, nil
}

// mergeSources returns the mappings a merge key's resolved value names.
func mergeSources(n ast.Node) ([]*ast.MappingNode, bool) {
	switch v := n.(type) {
	case *ast.MappingNode:
		return []*ast.MappingNode{v}, true
	case *ast.SequenceNode:
		var out []*ast.MappingNode
		for _, item := range v.Values {
			m, ok := item.(*ast.MappingNode)
			if !ok {
				return nil, false
			}
			out = append(out, m)
		}
		return out, true
	}
	return nil, false
}

// KeyString returns a mapping key as the text it stands for: a quoted
// key without its quotes.
func KeyString(n ast.Node) string {
	for {
		switch v := n.(type) {
		case *ast.TagNode:
			n = v.Value
			continue
		case *ast.MappingKeyNode:
			n = v.Value
			continue
		case *ast.StringNode:
			return v.Value
		}
		if n == nil {
			return ""
		}
		return n.String()
	}
}

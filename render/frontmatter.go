package render

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/blog-gen/blog/diag"
)

// FrontMatter is the metadata at the top of a post, between --- lines.
type FrontMatter struct {
	Title      string
	Date       time.Time // zero when absent
	Updated    time.Time // zero when absent
	Slug       string
	Permalink  string
	URL        string   // Hugo's url: the post's URL, as permalink
	Aliases    []string // aliases and redirect_from: old URLs that redirect here
	Tags       []string
	Categories []string
	Draft      bool
	Summary    string
	Author     string
	// Params holds every other key, decoded as YAML values, for templates
	// (.Params.layout and the like). Unknown keys are never an error.
	Params map[string]any

	// DatePos locates the date value, for errors found later.
	DatePos diag.Pos
	// Pos locates the values of slug, permalink, url and each alias
	// (aliases.0, aliases.1, … in the order of Aliases), for errors found
	// later (a bad or contested URL).
	Pos map[string]diag.Pos
}

// dateLayouts are the accepted date forms, tried in order. Layouts without
// a zone are read in the site's time zone.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02",
	"2006-01-02 15:04",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04 -0700",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02T15:04",
	"2006-01-02T15:04:05",
	"2006/01/02 15:04:05",
	"2006/01/02 15:04",
	"2006/01/02",
}

// ParseDate parses s in one of the accepted forms: RFC 3339,
// 2006-01-02, 2006-01-02 15:04[:05] [-0700], or Blogofile's
// 2006/01/02 15:04:05. Forms without a zone are read in loc.
func ParseDate(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.ParseInLocation(layout, s, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("invalid date %q: want RFC 3339, 2006-01-02, 2006-01-02 15:04[:05] [-0700] or 2006/01/02 15:04:05", s)
}

// SplitFrontMatter splits src into its front matter (without the ---
// lines) and body. bodyLine is the 1-based line of src where the body
// starts. A file without a leading --- line has no front matter.
func SplitFrontMatter(file string, src []byte) (fm, body []byte, bodyLine int, err error) {
	first, rest, _ := cutLine(src)
	if strings.TrimRight(string(first), " \t\r") != "---" {
		return nil, src, 1, nil
	}
	line := 2
	start := len(src) - len(rest)
	for off := start; off < len(src); {
		l, _, _ := cutLine(src[off:])
		next := off + len(l) + 1
		if strings.TrimRight(string(l), " \t\r") == "---" || strings.TrimRight(string(l), " \t\r") == "..." {
			return src[start:off], src[min(next, len(src)):], line + 1, nil
		}
		off = next
		line++
	}
	return nil, nil, 0, &diag.Error{Pos: diag.Pos{File: file, Line: 1, Col: 1}, Err: errors.New("front matter is not closed: want a --- line after it")}
}

func cutLine(b []byte) (line, rest []byte, ok bool) {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return b, nil, false
	}
	return b[:i], b[i+1:], true
}

// fmLineOffset is the line of a file before its front matter: the
// opening --- line.
const fmLineOffset = 1

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
	pos := func(n ast.Node) diag.Pos {
		tk := n.GetToken()
		if tk == nil || tk.Position == nil {
			return diag.Pos{File: file}
		}
		return diag.Pos{File: file, Line: tk.Position.Line + fmLineOffset, Col: tk.Position.Column}
	}
	body := f.Docs[0].Body
	mapping, ok := unwrap(body).(ast.MapNode)
	if !ok {
		return m, &diag.Error{Pos: pos(body), Err: fmt.Errorf("front matter must be a mapping of keys to values, not %s", nodeKind(body))}
	}
	var errs diag.List
	iter := mapping.MapRange()
	for iter.Next() {
		keyNode, val := iter.Key(), unwrap(iter.Value())
		key := diag.KeyString(keyNode)
		// An aliased value was written above its key, at its anchor:
		// errors about it are the key's.
		at := pos(val)
		if kp := pos(keyNode); at.Line < kp.Line || at.Line == kp.Line && at.Col < kp.Col {
			at = kp
		}
		m.set(key, val, at, loc, &errs)
	}
	return m, errs.Err()
}

// set decodes the value val of key, located at at, into m.
func (m *FrontMatter) set(key string, val ast.Node, at diag.Pos, loc *time.Location, errs *diag.List) {
	fail := func(err error) { errs.Add(&diag.Error{Pos: at, Err: fmt.Errorf("%s: %w", key, err)}) }
	str := func(dst *string) bool {
		s, err := scalarString(val)
		if err != nil {
			fail(err)
			return false
		}
		*dst = s
		return true
	}
	date := func(dst *time.Time) {
		var s string
		if !str(&s) || s == "" {
			return
		}
		t, err := ParseDate(s, loc)
		if err != nil {
			fail(err)
			return
		}
		*dst = t
	}
	list := func(dst *[]string) {
		l, err := stringList(val)
		if err != nil {
			fail(err)
			return
		}
		*dst = l
	}
	m.notePos(strings.ToLower(key), at)
	switch strings.ToLower(key) {
	case "title":
		str(&m.Title)
	case "date":
		m.DatePos = at
		date(&m.Date)
	case "updated", "modified", "lastmod":
		date(&m.Updated)
	case "slug":
		str(&m.Slug)
	case "permalink":
		str(&m.Permalink)
	case "url":
		str(&m.URL)
	case "aliases", "redirect_from":
		errs.Add(m.addAliases(key, val, func(n ast.Node) diag.Pos {
			tk := n.GetToken()
			if tk == nil || tk.Position == nil {
				return at
			}
			return diag.Pos{File: at.File, Line: tk.Position.Line + fmLineOffset, Col: tk.Position.Column}
		}))
	case "tags":
		list(&m.Tags)
	case "categories", "category":
		list(&m.Categories)
	case "summary", "description":
		str(&m.Summary)
	case "author":
		str(&m.Author)
	case "draft":
		b, ok := val.(*ast.BoolNode)
		if !ok {
			fail(fmt.Errorf("want true or false, not %s", nodeKind(val)))
			return
		}
		m.Draft = b.Value
	default:
		var v any
		if err := yaml.NodeToValue(val, &v); err != nil {
			errs.Add(diag.FromYAML(at.File, fmLineOffset, err))
			return
		}
		if m.Params == nil {
			m.Params = make(map[string]any)
		}
		m.Params[key] = v
	}
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

// stringList reads a YAML list of scalars or a comma-separated string.
func stringList(n ast.Node) ([]string, error) {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if seq, ok := n.(*ast.SequenceNode); ok {
		for _, item := range seq.Values {
			s, err := scalarString(unwrap(item))
			if err != nil {
				return nil, fmt.Errorf("want a list of names: %w", err)
			}
			add(s)
		}
		return out, nil
	}
	s, err := scalarString(n)
	if err != nil {
		return nil, fmt.Errorf("want a list or a comma-separated string, not %s", nodeKind(n))
	}
	for part := range strings.SplitSeq(s, ",") {
		add(part)
	}
	return out, nil
}

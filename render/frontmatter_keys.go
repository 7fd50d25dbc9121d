package render

import (
	"fmt"
	"strings"
	"time"

	"github.com/blog-gen/blog/diag"
)

// The keys of front matter mean the same in every syntax: each syntax
// (YAML, TOML, JSON, or a format's own such as a reST field list) turns
// its values into fmValues, located where they are written, and one
// handler, [FrontMatter.set], reads them. A key the handler does not know
// is a param, decoded as its syntax decodes it.

// fmKind is the shape of a front matter value.
type fmKind uint8

const (
	fmNull fmKind = iota
	fmString
	fmNumber
	fmBool
	fmDate // a TOML date or time, written without quotes
	fmList
	fmMap
)

// fmValue is one front matter value, whatever its syntax.
type fmValue struct {
	kind  fmKind
	text  string    // a scalar as written: a string's value, a number's or date's text
	bool  bool      // a boolean's value
	items []fmValue // a list's items
	pos   diag.Pos  // where the value is written
	// decode returns the value as its syntax decodes it, for Params.
	decode func() (any, error)
}

// describe names the kind of v for messages: "want a list, not a string".
func (v fmValue) describe() string {
	switch v.kind {
	case fmMap:
		return "a mapping"
	case fmList:
		return "a list"
	case fmNull:
		return "an empty value"
	case fmBool:
		return "a boolean"
	case fmNumber:
		return "a number"
	case fmDate:
		return "a date"
	}
	return "a string"
}

// scalar returns the text of a single value as written.
func (v fmValue) scalar() (string, error) {
	switch v.kind {
	case fmNull:
		return "", nil
	case fmBool:
		if v.text == "" {
			return fmt.Sprint(v.bool), nil
		}
	case fmList, fmMap:
		return "", fmt.Errorf("want a single value, not %s", v.describe())
	}
	return v.text, nil
}

// Field is one front matter key and its value, given as text: the shape
// of front matter written as a list of fields, such as a reStructuredText
// field list (:date: 2026-01-02). Lists are comma-separated text.
type Field struct {
	Key, Value string
	KeyPos     diag.Pos // where the key is written
	Pos        diag.Pos // where the value is written
}

// FrontMatterFromFields reads front matter given as fields, with the keys
// and errors of every other syntax. Values are strings (draft takes true
// or false). Dates without a zone are read in loc.
func FrontMatterFromFields(fields []Field, loc *time.Location) (FrontMatter, error) {
	var m FrontMatter
	var errs diag.List
	for _, f := range fields {
		v := fmValue{kind: fmString, text: f.Value, pos: f.Pos}
		if s := strings.TrimSpace(f.Value); s == "true" || s == "false" {
			v.kind, v.bool = fmBool, s == "true"
		}
		v.decode = func() (any, error) { return f.Value, nil }
		m.set(f.Key, v, loc, &errs)
	}
	return m, errs.Err()
}

// set reads the value v of key into m. Errors are at v's position.
func (m *FrontMatter) set(key string, v fmValue, loc *time.Location, errs *diag.List) {
	fail := func(err error) { errs.Add(&diag.Error{Pos: v.pos, Err: fmt.Errorf("%s: %w", key, err)}) }
	str := func(dst *string) bool {
		s, err := v.scalar()
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
		l, err := v.stringList()
		if err != nil {
			fail(err)
			return
		}
		*dst = l
	}
	lower := strings.ToLower(key)
	m.notePos(lower, v.pos)
	switch lower {
	case "title":
		str(&m.Title)
	case "date":
		m.DatePos = v.pos
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
		errs.Add(m.addAliases(key, v))
	case "tags":
		list(&m.Tags)
	case "categories", "category":
		list(&m.Categories)
	case "summary", "description":
		str(&m.Summary)
	case "author":
		str(&m.Author)
	case "draft":
		if v.kind != fmBool {
			fail(fmt.Errorf("want true or false, not %s", v.describe()))
			return
		}
		m.Draft = v.bool
	default:
		val, err := v.decode()
		if err != nil {
			errs.Add(err)
			return
		}
		m.addParam(key, val)
	}
}

// addParam keeps the value of an unknown key for templates. A params
// mapping (Hugo's [params] table) also gives its keys as params of their
// own, under the post's own keys of the same names.
func (m *FrontMatter) addParam(key string, val any) {
	if m.Params == nil {
		m.Params = make(map[string]any)
	}
	m.Params[key] = val
	if sub, ok := val.(map[string]any); ok && strings.EqualFold(key, "params") {
		for k, x := range sub {
			if _, set := m.Params[k]; !set {
				m.Params[k] = x
			}
		}
	}
}

// stringList reads a list of scalars or a comma-separated string.
func (v fmValue) stringList() ([]string, error) {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	if v.kind == fmList {
		for _, item := range v.items {
			s, err := item.scalar()
			if err != nil {
				return nil, fmt.Errorf("want a list of names: %w", err)
			}
			add(s)
		}
		return out, nil
	}
	s, err := v.scalar()
	if err != nil {
		return nil, fmt.Errorf("want a list or a comma-separated string, not %s", v.describe())
	}
	for part := range strings.SplitSeq(s, ",") {
		add(part)
	}
	return out, nil
}

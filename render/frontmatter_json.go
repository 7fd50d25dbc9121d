package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/blog-gen/blog/diag"
)

// maxJSONDepth bounds the nesting of JSON front matter: encoding/json's
// token reader has no bound of its own.
const maxJSONDepth = 100

// parseJSON parses the JSON front matter fm of file: an object, from the
// file's first byte. Numbers are int64 when whole, else float64, in
// Params.
func parseJSON(file string, fm []byte, loc *time.Location) (FrontMatter, error) {
	var m FrontMatter
	r := &jsonReader{file: file, src: fm, dec: json.NewDecoder(bytes.NewReader(fm))}
	r.dec.UseNumber()
	start, tok, err := r.token()
	if err != nil {
		return m, err
	}
	if tok != json.Delim('{') {
		return m, &diag.Error{Pos: r.pos(start), Err: errors.New("front matter must be a JSON object of keys to values")}
	}
	var errs diag.List
	for r.dec.More() {
		_, k, err := r.token()
		if err != nil {
			return m, err
		}
		v, err := r.value(1)
		if err != nil {
			return m, err
		}
		m.set(k.(string), v, loc, &errs)
	}
	return m, errs.Err()
}

// jsonReader reads a JSON document token by token, knowing where each
// value starts.
type jsonReader struct {
	file string
	src  []byte
	dec  *json.Decoder
}

func (r *jsonReader) pos(off int) diag.Pos {
	line, col := diag.LineCol(r.src, off)
	return diag.Pos{File: r.file, Line: line, Col: col}
}

// token reads the next token and the offset it starts at.
func (r *jsonReader) token() (int, json.Token, error) {
	off := int(r.dec.InputOffset())
	for off < len(r.src) && bytes.IndexByte([]byte(" \t\r\n:,"), r.src[off]) >= 0 {
		off++
	}
	tok, err := r.dec.Token()
	if err != nil {
		return off, nil, jsonError(r.file, r.src, err)
	}
	return off, tok, nil
}

// value reads one value, depth deep in the document.
func (r *jsonReader) value(depth int) (fmValue, error) {
	start, tok, err := r.token()
	if err != nil {
		return fmValue{}, err
	}
	v := fmValue{pos: r.pos(start)}
	var x any
	switch t := tok.(type) {
	case json.Delim:
		if depth >= maxJSONDepth {
			return v, &diag.Error{Pos: v.pos, Err: fmt.Errorf("JSON front matter: nested more than %d deep", maxJSONDepth)}
		}
		if x, err = r.container(t, depth, &v); err != nil {
			return v, err
		}
	case string:
		v.kind, v.text, x = fmString, t, t
	case json.Number:
		v.kind, v.text = fmNumber, t.String()
		if i, err := strconv.ParseInt(t.String(), 10, 64); err == nil {
			x = i
		} else {
			x, _ = t.Float64()
		}
	case bool:
		v.kind, v.bool, x = fmBool, t, t
	case nil:
		v.kind = fmNull
	}
	v.decode = func() (any, error) { return x, nil }
	return v, nil
}

// container reads the rest of an object or array opened by d into v and
// returns its decoded value.
func (r *jsonReader) container(d json.Delim, depth int, v *fmValue) (any, error) {
	if d == '[' {
		v.kind = fmList
		var list []any
		for r.dec.More() {
			item, err := r.value(depth + 1)
			if err != nil {
				return nil, err
			}
			x, _ := item.decode()
			list = append(list, x)
			v.items = append(v.items, item)
		}
		_, _, err := r.token() // ]
		return list, err
	}
	v.kind = fmMap
	obj := make(map[string]any)
	for r.dec.More() {
		_, k, err := r.token()
		if err != nil {
			return nil, err
		}
		item, err := r.value(depth + 1)
		if err != nil {
			return nil, err
		}
		obj[k.(string)], _ = item.decode()
	}
	_, _, err := r.token() // }
	return obj, err
}

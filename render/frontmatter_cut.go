package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/blog-gen/blog/diag"
)

// FrontMatterSyntax is the language a file's front matter is written in.
type FrontMatterSyntax uint8

// The front matter syntaxes, told apart by the file's first line as Hugo
// does.
const (
	NoFrontMatter   FrontMatterSyntax = iota
	YAMLFrontMatter                   // between --- lines (Jekyll, Hugo, Blogofile)
	TOMLFrontMatter                   // between +++ lines (Hugo, Zola)
	JSONFrontMatter                   // an object opening the file (Hugo)
)

func (s FrontMatterSyntax) String() string {
	switch s {
	case YAMLFrontMatter:
		return "YAML"
	case TOMLFrontMatter:
		return "TOML"
	case JSONFrontMatter:
		return "JSON"
	}
	return "none"
}

// CutFrontMatter splits src into its front matter and body, in whichever
// syntax the first line says: --- opens YAML, +++ opens TOML, and { opens
// a JSON object (followed by a quote, a } or the end of the line, so a
// body opening with {{ or {% is not one). fm is without the delimiter
// lines; a JSON fm is the object itself, from the file's first byte.
// bodyLine is the 1-based line of src where the body starts.
func CutFrontMatter(file string, src []byte) (syntax FrontMatterSyntax, fm, body []byte, bodyLine int, err error) {
	first, _, _ := cutLine(src)
	switch t := string(bytes.TrimRight(first, " \t\r")); {
	case t == "---":
		fm, body, bodyLine, err = SplitFrontMatter(file, src)
		return YAMLFrontMatter, fm, body, bodyLine, err
	case t == "+++":
		fm, body, bodyLine, err = splitDelimited(file, src, "+++", "")
		return TOMLFrontMatter, fm, body, bodyLine, err
	case isJSONStart(src):
		fm, body, bodyLine, err = cutJSON(file, src)
		return JSONFrontMatter, fm, body, bodyLine, err
	}
	return NoFrontMatter, nil, src, 1, nil
}

// isJSONStart reports whether src opens with a JSON object.
func isJSONStart(src []byte) bool {
	if len(src) == 0 || src[0] != '{' {
		return false
	}
	rest := bytes.TrimLeft(src[1:], " \t\r")
	return len(rest) == 0 || rest[0] == '"' || rest[0] == '}' || rest[0] == '\n'
}

// cutJSON cuts the JSON object at the start of src. The body starts on
// the line after the closing brace, or right after it when more text
// follows on its line.
func cutJSON(file string, src []byte) (fm, body []byte, bodyLine int, err error) {
	dec := json.NewDecoder(bytes.NewReader(src))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, nil, 0, jsonError(file, src, err)
	}
	end := int(dec.InputOffset())
	rest := src[end:]
	if l, after, ok := cutLine(rest); len(bytes.TrimSpace(l)) == 0 {
		if ok {
			rest = after
		} else {
			rest = nil
		}
	}
	line, _ := diag.LineCol(src, len(src)-len(rest))
	return src[:end], rest, line, nil
}

// jsonError locates an error of encoding/json in src.
func jsonError(file string, src []byte, err error) error {
	off := len(src)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = int(se.Offset) - 1 // Offset is after the byte at fault
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = errors.New("unexpected end of the front matter")
	}
	line, col := diag.LineCol(src, off)
	return &diag.Error{Pos: diag.Pos{File: file, Line: line, Col: col}, Err: fmt.Errorf("JSON front matter: %w", err)}
}

// ReadFrontMatter cuts the front matter of src in whichever syntax it is
// written (see [CutFrontMatter]) and parses it, with the same keys and
// errors in every syntax. Dates without a zone are read in loc.
func ReadFrontMatter(file string, src []byte, loc *time.Location) (m FrontMatter, body []byte, bodyLine int, err error) {
	syntax, fm, body, bodyLine, err := CutFrontMatter(file, src)
	if err != nil {
		return m, nil, 0, err
	}
	switch syntax {
	case YAMLFrontMatter:
		m, err = ParseFrontMatter(file, fm, loc)
	case TOMLFrontMatter:
		m, err = parseTOML(file, fm, loc)
	case JSONFrontMatter:
		m, err = parseJSON(file, fm, loc)
	}
	return m, body, bodyLine, err
}

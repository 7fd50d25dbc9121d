package render

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blog-gen/blog/diag"
)

// ParseRST reads the front matter of src, a reStructuredText post, and
// returns it with the body docutils converts and the body's first line.
//
// Front matter is either that of any post (YAML between --- lines,
// Blogofile's way, or TOML or JSON; see [CutFrontMatter]), or Pelican's: a title (a line underlined, and maybe
// overlined, with punctuation) and a field list at the top,
//
//	My first post
//	#############
//
//	:date: 2026-11-25 10:20
//	:tags: go, blogs
//	:category: notes
//	:summary: Short version for the index and feeds
//
// whose fields are the front matter keys (modified is updated, category
// categories, authors author, status: draft is draft: true; true and
// false are booleans, every other value a string). Then the
// body is src with the title and the fields blanked, so that its lines
// are the file's, and bodyLine is 1. Errors are located in the file.
func ParseRST(file string, src []byte, loc *time.Location) (fm FrontMatter, body []byte, bodyLine int, err error) {
	if syntax, _, _, _, _ := CutFrontMatter(file, src); syntax != NoFrontMatter {
		return ReadFrontMatter(file, src, loc)
	}
	f := splitRSTFields(src)
	if f.yaml == nil && f.title == "" {
		return fm, src, 1, nil
	}
	fm, err = ParseFrontMatter(file, f.yaml, loc)
	// The YAML has each field on the field's own line, and
	// ParseFrontMatter counts one line more, for a --- line.
	fm.DatePos = shiftLine(fm.DatePos, -1)
	for k, p := range fm.Pos {
		fm.Pos[k] = shiftLine(p, -1)
	}
	err = shiftErrors(err, -1)
	if fm.Title == "" {
		fm.Title = f.title
	}
	return fm, f.body, 1, err
}

// rstFields is the top of a reST document: its title and field list.
type rstFields struct {
	title string
	yaml  []byte // the fields as YAML front matter, line for line; nil if none
	body  []byte // the document with the title and the fields blanked
}

// rstFieldLine matches a field: ":name: value" (or ":name:" alone).
var rstFieldLine = regexp.MustCompile(`^:([^:\s][^:]*):(?:[ \t]+(.*))?$`)

// splitRSTFields finds the title and the field list at the top of src.
func splitRSTFields(src []byte) rstFields {
	lines := strings.Split(string(src), "\n")
	text := make([]string, len(lines))
	for i, l := range lines {
		text[i] = strings.TrimRight(l, " \t\r")
	}
	blank := make([]bool, len(lines)) // lines to blank in the body
	i := 0
	for i < len(text) && text[i] == "" {
		i++
	}
	var f rstFields
	if title, n := rstTitle(text[i:]); n > 0 {
		f.title = title
		for j := i; j < i+n; j++ {
			blank[j] = true
		}
		i += n
		for i < len(text) && text[i] == "" {
			i++
		}
	}
	var yml strings.Builder
	yamlLine := 1 // the line of yml being written, 1-based, as the file's
	for i < len(text) {
		m := rstFieldLine.FindStringSubmatch(text[i])
		if m == nil {
			break
		}
		name, value := strings.ToLower(strings.TrimSpace(m[1])), m[2]
		valueCol := len(text[i]) - len(value) + 1
		blank[i] = true
		start := i
		for i++; i < len(text) && text[i] != "" && (text[i][0] == ' ' || text[i][0] == '\t'); i++ {
			value += " " + strings.TrimSpace(text[i])
			blank[i] = true
		}
		for ; yamlLine < start+1; yamlLine++ {
			yml.WriteByte('\n')
		}
		writeYAMLField(&yml, name, strings.TrimSpace(value), valueCol)
		yamlLine++
	}
	if yml.Len() > 0 {
		f.yaml = []byte(yml.String())
	}
	var body bytes.Buffer
	body.Grow(len(src))
	for j, l := range lines {
		if j > 0 {
			body.WriteByte('\n')
		}
		if !blank[j] {
			body.WriteString(l)
		}
	}
	f.body = body.Bytes()
	return f
}

// rstTitle reports whether lines start with a section title, underlined
// or over- and underlined, and how many lines it takes.
func rstTitle(lines []string) (title string, n int) {
	if len(lines) >= 3 && isAdornment(lines[0]) && lines[1] != "" && lines[2] == lines[0] && !isAdornment(lines[1]) {
		return strings.TrimSpace(lines[1]), 3
	}
	if len(lines) < 2 || lines[0] == "" || lines[0][0] == ' ' || lines[0][0] == '\t' || isAdornment(lines[0]) || rstFieldLine.MatchString(lines[0]) {
		return "", 0
	}
	if u := lines[1]; isAdornment(u) && (len(u) >= 4 || len(u) >= utf8.RuneCountInString(lines[0])) {
		return strings.TrimSpace(lines[0]), 2
	}
	return "", 0
}

// isAdornment reports whether s is a section adornment: two or more of
// one punctuation character.
func isAdornment(s string) bool {
	if len(s) < 2 || !strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", rune(s[0])) {
		return false
	}
	return strings.Count(s, s[:1]) == len(s)
}

// rstFieldKeys are Pelican's names of the front matter keys that differ.
var rstFieldKeys = map[string]string{"authors": "author"}

// writeYAMLField writes a field as a line of YAML whose value starts at
// valueCol, the column of the field's value in the file.
func writeYAMLField(w *strings.Builder, name, value string, valueCol int) {
	if k, ok := rstFieldKeys[name]; ok {
		name = k
	}
	var v string
	switch lv := strings.ToLower(value); {
	case name == "status" && lv == "draft":
		name, v = "draft", "true"
	case lv == "true" || lv == "false": // draft, toc and the like are booleans
		v = lv
	case name == "date" || name == "modified" || name == "updated":
		v = jsonString(pelicanDate(value))
	default:
		v = jsonString(value)
	}
	key := name
	if !plainKey.MatchString(key) {
		key = jsonString(key)
	}
	w.WriteString(key)
	w.WriteByte(':')
	w.WriteString(strings.Repeat(" ", max(1, valueCol-len(key)-2)))
	w.WriteString(v)
	w.WriteByte('\n')
}

// pelicanDates are date forms Pelican posts use (it reads dates with
// dateutil) that [ParseDate] does not take: months and days without
// their zero.
var pelicanDates = []string{"2006-1-2 15:04:05", "2006-1-2 15:04", "2006-1-2", "2006/1/2 15:04:05", "2006/1/2 15:04", "2006/1/2"}

// pelicanDate writes a date in one of pelicanDates as ParseDate reads it,
// in the same zone (none); any other value is returned as it is.
func pelicanDate(v string) string {
	if _, err := ParseDate(v, time.UTC); err == nil {
		return v
	}
	for _, layout := range pelicanDates {
		if t, err := time.Parse(layout, v); err == nil {
			return t.Format("2006-01-02 15:04:05")
		}
	}
	return v
}

var plainKey = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// jsonString quotes s as a JSON string, which is a YAML double-quoted
// scalar.
func jsonString(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(strings.ToValidUTF8(s, "\uFFFD")); err != nil {
		return `""`
	}
	return strings.TrimSuffix(b.String(), "\n")
}

func shiftLine(p diag.Pos, by int) diag.Pos {
	if p.Line > 0 {
		p.Line = max(1, p.Line+by)
	}
	return p
}

// shiftErrors moves the positions of the errors in err by some lines.
func shiftErrors(err error, by int) error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var list diag.List
		for _, e := range j.Unwrap() {
			list.Add(shiftErrors(e, by))
		}
		return list.Err()
	}
	var de *diag.Error
	if errors.As(err, &de) && de == err {
		return &diag.Error{Pos: shiftLine(de.Pos, by), Err: de.Err}
	}
	if errors.As(err, &de) {
		return &diag.Error{Pos: shiftLine(de.Pos, by), Err: fmt.Errorf("%s", strings.TrimPrefix(err.Error(), de.Pos.String()+": "))}
	}
	return err
}

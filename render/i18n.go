package render

import (
	"crypto/sha256"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"

	"github.com/blog-gen/blog/diag"
)

// Languages
//
// The theme's labels ("Tags", "Older posts", "Copied", month names) come
// from a message catalogue chosen by site.language: one YAML file per
// language in i18n/, embedded. English is the reference: every other file
// has every one of its keys (a test says so), so adding a label is one
// line in each file. A site's own i18n/LANG.yaml replaces any of them.
//
// A message is text with numbered arguments ({0}, {1}), or, for a count,
// a mapping of CLDR plural forms (one, few, many, other…) chosen by
// golang.org/x/text's plural rules for the language. Dates use the
// catalogue's month and weekday names in its formats (date_long,
// date_short): x/text has no date formatting, and a table per language
// is small.

//go:embed i18n/*.yaml
var catalogFiles embed.FS

// Languages are the languages the theme has labels for, by catalogue
// name. zh is simplified Chinese; ar, he and fa are written right to
// left.
var Languages = []string{"en", "fr", "de", "es", "pt", "it", "nl", "ja", "zh", "ru", "ar", "he", "fa"}

// rtlLanguages are written right to left: pages in them get dir="rtl".
var rtlLanguages = []string{"ar", "he", "fa", "ur", "ps", "yi", "dv", "ckb", "iw"}

// dateKeys are the catalogue keys that are lists of names.
var dateKeys = map[string]int{"months": 12, "months_short": 12, "weekdays": 7}

// A Catalog is the theme's labels in one language. It is safe for
// concurrent use.
type Catalog struct {
	Lang string // the site's language tag, as configured
	Name string // the shipped catalogue it uses: one of Languages
	RTL  bool   // the language is written right to left

	tag   language.Tag
	msgs  map[string]message
	names map[string][]string // months, months_short, weekdays
	key   string
}

// message is one label: text, or plural forms.
type message struct {
	text  string
	forms map[plural.Form]string // nil for plain text
}

var formNames = map[string]plural.Form{"zero": plural.Zero, "one": plural.One, "two": plural.Two, "few": plural.Few, "many": plural.Many, "other": plural.Other}

// NewCatalog returns the catalogue for the language tag lang: the shipped
// one that best matches it (English when none does), with the messages of
// override (the site's own i18n file, named file in errors; nil for none)
// over it.
func NewCatalog(lang, file string, override []byte) (*Catalog, error) {
	tag, err := language.Parse(lang)
	if err != nil {
		tag = language.English
	}
	name := matchLanguage(tag)
	base, _ := tag.Base()
	c := &Catalog{Lang: lang, Name: name, tag: tag, RTL: slices.Contains(rtlLanguages, base.String()),
		msgs: map[string]message{}, names: map[string][]string{}}
	en, err := shipped("en")
	if err != nil {
		return nil, err
	}
	type layer struct {
		file  string
		src   []byte
		known bool // every key must be one of English's
	}
	layers := []layer{{"render/i18n/en.yaml", en, false}}
	if name != "en" {
		src, err := shipped(name)
		if err != nil {
			return nil, err
		}
		layers = append(layers, layer{"render/i18n/" + name + ".yaml", src, true})
	}
	if override != nil {
		layers = append(layers, layer{file, override, true})
	}
	h := sha256.New()
	for _, l := range layers {
		fmt.Fprintf(h, "%s\x00%d\x00%s", l.file, len(l.src), l.src)
		if err := c.add(l.file, l.src, l.known); err != nil {
			return nil, err
		}
	}
	c.key = fmt.Sprintf("%s|%s|%x", lang, name, h.Sum(nil))
	return c, nil
}

// English is the English catalogue.
func English() *Catalog {
	c, err := NewCatalog("en", "", nil)
	if err != nil {
		panic(err) // the embedded files are tested
	}
	return c
}

func shipped(name string) ([]byte, error) { return catalogFiles.ReadFile("i18n/" + name + ".yaml") }

// matchLanguage is the shipped catalogue for tag: zh-Hans and zh-CN are
// zh, pt-BR is pt, and so on.
func matchLanguage(tag language.Tag) string {
	tags := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		tags[i] = language.Make(l)
	}
	_, i, conf := language.NewMatcher(tags).Match(tag)
	if conf == language.No {
		return "en"
	}
	return Languages[i]
}

// Key identifies the catalogue's content, for build caches.
func (c *Catalog) Key() string { return c.key }

// add reads a catalogue file over c. Unless known is false (the English
// file, which defines the keys), every key must be one English has.
func (c *Catalog) add(file string, src []byte, known bool) error {
	f, err := diag.ParseYAML(file, 0, src)
	if err != nil {
		return err
	}
	var errs diag.List
	for _, doc := range f.Docs {
		if doc.Body == nil {
			continue
		}
		m, ok := doc.Body.(*ast.MappingNode)
		if !ok {
			errs.Add(&diag.Error{Pos: nodePos(file, doc.Body), Err: errors.New("want a mapping of label names to texts")})
			continue
		}
		for _, kv := range m.Values {
			errs.Add(c.addOne(file, kv, known))
		}
	}
	return errs.Err()
}

func (c *Catalog) addOne(file string, kv *ast.MappingValueNode, known bool) error {
	k := diag.KeyString(kv.Key)
	at := func(n ast.Node, format string, args ...any) error {
		return &diag.Error{Pos: nodePos(file, n), Err: fmt.Errorf("%s: "+format, append([]any{k}, args...)...)}
	}
	_, isList := dateKeys[k]
	if _, has := c.msgs[k]; known && !has && !isList {
		msg := fmt.Sprintf("unknown label %q", k)
		if s := closest(k, slices.Sorted(mapKeys(c.msgs))); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		}
		return &diag.Error{Pos: nodePos(file, kv.Key), Err: errors.New(msg)}
	}
	var v any
	if err := yaml.NodeToValue(kv.Value, &v); err != nil {
		return at(kv.Value, "%v", err)
	}
	if n, isList := dateKeys[k]; isList {
		list, ok := v.([]any)
		if !ok || len(list) != n {
			return at(kv.Value, "want a list of %d names", n)
		}
		names := make([]string, n)
		for i, x := range list {
			names[i] = fmt.Sprint(x)
		}
		c.names[k] = names
		return nil
	}
	switch v := v.(type) {
	case string:
		c.msgs[k] = message{text: v}
	case map[string]any:
		msg := message{forms: map[plural.Form]string{}}
		for name, text := range v {
			form, ok := formNames[name]
			if !ok {
				return at(kv.Value, "unknown plural form %q: want zero, one, two, few, many or other", name)
			}
			msg.forms[form] = fmt.Sprint(text)
		}
		if _, ok := msg.forms[plural.Other]; !ok {
			return at(kv.Value, "plural forms without other")
		}
		msg.text = msg.forms[plural.Other]
		c.msgs[k] = msg
	case nil:
		return at(kv.Value, "want a text")
	default:
		c.msgs[k] = message{text: fmt.Sprint(v)}
	}
	return nil
}

func nodePos(file string, n ast.Node) diag.Pos {
	if n == nil || n.GetToken() == nil || n.GetToken().Position == nil {
		return diag.Pos{File: file}
	}
	p := n.GetToken().Position
	return diag.Pos{File: file, Line: p.Line, Col: p.Column}
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// closest is the name in names that differs least from s, if any is close.
func closest(s string, names []string) string {
	best, bestD := "", len(s)/2+1
	for _, n := range names {
		if d := editDistance(s, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// T is the label key with its arguments in place of {0}, {1}…: a label
// with plural forms takes the form for its first argument, a count. An
// unknown key comes back as itself, so a theme's typo shows on the page
// rather than failing the build.
func (c *Catalog) T(key string, args ...any) string {
	m, ok := c.msgs[key]
	if !ok {
		return key
	}
	text := m.text
	if m.forms != nil && len(args) > 0 {
		if n, ok := count(args[0]); ok {
			if t, ok := m.forms[plural.Cardinal.MatchPlural(c.tag, n, 0, 0, 0, 0)]; ok {
				text = t
			}
		}
	}
	if len(args) == 0 || !strings.Contains(text, "{") {
		return text
	}
	pairs := make([]string, 0, 2*len(args))
	for i, a := range args {
		pairs = append(pairs, "{"+strconv.Itoa(i)+"}", fmt.Sprint(a))
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

func count(v any) (int, bool) {
	switch n := v.(type) {
	case int:
		return max(n, -n), true
	case int64:
		return int(max(n, -n)), true
	}
	return 0, false
}

// Date formats t in the catalogue's format "long" (2 January 2006) or
// "short" (2 Jan), with its month names. The format is a label
// (date_long, date_short) with {day}, {month}, {month_short},
// {month_num}, {year} and {weekday}. The zero time is "".
func (c *Catalog) Date(format string, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	name := func(list string, i int) string {
		if l := c.names[list]; i < len(l) {
			return l[i]
		}
		return ""
	}
	return strings.NewReplacer(
		"{day}", strconv.Itoa(t.Day()),
		"{month}", name("months", int(t.Month())-1),
		"{month_short}", name("months_short", int(t.Month())-1),
		"{month_num}", strconv.Itoa(int(t.Month())),
		"{year}", strconv.Itoa(t.Year()),
		"{weekday}", name("weekdays", int(t.Weekday())),
	).Replace(c.T("date_" + format))
}

// Forms are the labels keys with all their plural forms, for a script
// that counts in the browser: key → CLDR form name ("zero", "one",
// "two", "few", "many", "other") → text, with {0}, {1} left in place. A
// label without forms has "other" alone; an unknown key is itself, as
// with [Catalog.T]. Rendered in a <script type="application/json">,
// html/template writes it as a JSON object.
func (c *Catalog) Forms(keys ...string) map[string]map[string]string {
	out := make(map[string]map[string]string, len(keys))
	for _, k := range keys {
		m, ok := c.msgs[k]
		if !ok {
			out[k] = map[string]string{"other": k}
			continue
		}
		forms := map[string]string{"other": m.text}
		for name, form := range formNames {
			if t, ok := m.forms[form]; ok {
				forms[name] = t
			}
		}
		out[k] = forms
	}
	return out
}

// funcs are the template functions of the catalogue:
//
//	{{T "older_posts"}}                 a label
//	{{T "page_of" .Number .Total}}      with arguments
//	{{T "posts_count" (len .Posts)}}    a count, in the language's plural form
//	{{Tforms "online_page" "new_post"}} labels with every plural form, for a script
//	{{localDate "long" .Date}}          2 January 2006, 2 janvier 2006, 2006年1月2日
//	{{if rtl}} dir="rtl"{{end}}         a right-to-left language
func (c *Catalog) funcs() template.FuncMap {
	return template.FuncMap{
		"T":         c.T,
		"Tforms":    c.Forms,
		"localDate": c.Date,
		"rtl":       func() bool { return c.RTL },
	}
}

// Keys are the label names, sorted: those of English.
func (c *Catalog) Keys() []string {
	return slices.Sorted(mapKeys(c.msgs))
}

package render

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"text/template/parse"
	"time"

	"github.com/blog-gen/blog/diag"
)

// pageTemplates are the theme files that render a whole page, one per
// page kind. Every other .html file under partials/ (and base.html) is
// shared by all of them.
var pageTemplates = []string{"post.html", "page.html", "list.html", "terms.html", "archive.html", "404.html", "search.html"}

// Templates is a parsed theme. It is safe for concurrent use.
type Templates struct {
	pages map[string]*template.Template
	// display maps a template name to the file it came from, for errors.
	display map[string]string
	// Sources are the bytes of every theme file used, by name, so a cache
	// can hash them.
	Sources map[string][]byte
	dir     string   // how files are named in errors
	shared  []string // the files that are not page templates, in the order read
}

// LoadTemplates parses the theme in fsys (template names are paths
// relative to its root) with English labels. dir is how files are named
// in errors, for example "templates".
func LoadTemplates(fsys fs.FS, dir string) (*Templates, error) {
	return LoadTheme(fsys, dir, nil)
}

// LoadTheme is [LoadTemplates] with the labels of cat (nil: English),
// which templates read with {{T "key"}} and {{localDate "long" .Date}}.
func LoadTheme(fsys fs.FS, dir string, cat *Catalog) (*Templates, error) {
	t, err := ReadTheme(fsys, dir)
	if err != nil {
		return nil, err
	}
	if err := t.Parse(cat); err != nil {
		return nil, err
	}
	return t, nil
}

// ReadTheme reads the theme in fsys as [LoadTemplates] does, without
// parsing it: its Sources are set, and [Templates.Parse] makes it ready
// to execute. A build that finds from the sources' bytes that it has
// nothing to do never parses them.
func ReadTheme(fsys fs.FS, dir string) (*Templates, error) {
	t := &Templates{
		display: make(map[string]string),
		Sources: make(map[string][]byte),
		dir:     dir,
	}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || path.Ext(p) != ".html" || ignored(path.Base(p)) {
			return nil
		}
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		t.Sources[p] = b
		t.display[p] = path.Join(dir, p)
		if !slices.Contains(pageTemplates, p) {
			t.shared = append(t.shared, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return t, nil
}

// Parse parses the theme t read with the labels of cat (nil: English),
// reporting every template's errors. It is called once, before any
// Execute.
func (t *Templates) Parse(cat *Catalog) error {
	if cat == nil {
		cat = English()
	}
	pages := make(map[string]*template.Template)
	var errs diag.List
	common := template.New("").Funcs(funcs).Funcs(cat.funcs())
	for _, name := range t.shared {
		if _, err := common.New(name).Parse(string(t.Sources[name])); err != nil {
			errs.Add(t.templateError(err))
		}
	}
	if errs.Len() > 0 {
		return errs.Err()
	}
	for _, name := range pageTemplates {
		src, ok := t.Sources[name]
		if !ok {
			errs.Add(&diag.Error{Pos: diag.Pos{File: path.Join(t.dir, name)}, Err: errors.New("template missing: every theme needs it")})
			continue
		}
		c, err := common.Clone()
		if err != nil {
			return err
		}
		if _, err := c.New(name).Parse(string(src)); err != nil {
			errs.Add(t.templateError(err))
			continue
		}
		pages[name] = c.Lookup(name)
	}
	if errs.Len() > 0 {
		return errs.Err()
	}
	// html/template checks a template's contexts (escaping) when it is
	// first executed: run each page once, on no data, to report its
	// escaping errors here, once each, rather than from every page
	// rendered with it. Errors about the missing data are expected.
	for _, name := range pageTemplates {
		var he *template.Error
		if err := pages[name].Execute(io.Discard, (*Page)(nil)); errors.As(err, &he) {
			errs.Add(t.templateError(err))
		}
	}
	if errs.Len() > 0 {
		return errs.Err()
	}
	t.pages = pages
	return nil
}

// Execute renders the page template name with data into w.
func (t *Templates) Execute(w io.Writer, name string, data *Page) error {
	tmpl, ok := t.pages[name]
	if !ok {
		return fmt.Errorf("no template %s", name)
	}
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, data); err != nil {
		return t.templateError(err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// templateErrorRE matches the position html/template and text/template put
// in their messages: "template: NAME:LINE:COL: rest" or
// "template: NAME:LINE: rest".
var templateErrorRE = regexp.MustCompile(`^(?:html/)?template: ([^:\s]+):(\d+):(?:(\d+):)? ?(.*)$`)

var executingRE = regexp.MustCompile(`^executing "[^"]*" at `)

// templateError rewrites a template package error into a diag.Error naming
// the theme file, line and column. It is the one place that reads
// positions out of template error text.
func (t *Templates) templateError(err error) error {
	var he *template.Error
	if errors.As(err, &he) {
		return t.escapeError(he)
	}
	msg := err.Error()
	m := templateErrorRE.FindStringSubmatch(msg)
	if m == nil {
		return err
	}
	file, ok := t.display[m[1]]
	if !ok {
		file = m[1]
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	rest := m[4]
	// An execution error names the template being run: the file says it.
	rest = executingRE.ReplaceAllString(rest, "")
	return &diag.Error{Pos: diag.Pos{File: file, Line: line, Col: col}, Err: &templateCause{msg: rest, err: err}}
}

// escapeError locates an html/template error (its escaper's, such as an
// ambiguous context or a missing template) from its fields.
func (t *Templates) escapeError(he *template.Error) error {
	name, line, col := he.Name, he.Line, 0
	if he.Node != nil {
		// What html/template prints: "name:line:col".
		loc, _ := (*parse.Tree)(nil).ErrorContext(he.Node)
		if i := strings.LastIndexByte(loc, ':'); i > 0 {
			if j := strings.LastIndexByte(loc[:i], ':'); j > 0 {
				l, err1 := strconv.Atoi(loc[j+1 : i])
				c, err2 := strconv.Atoi(loc[i+1:])
				if err1 == nil && err2 == nil {
					name, line, col = loc[:j], l, c
				}
			}
		}
	}
	file, ok := t.display[name]
	if !ok {
		file = name
	}
	return &diag.Error{Pos: diag.Pos{File: file, Line: line, Col: col}, Err: &templateCause{msg: he.Description, err: he}}
}

// templateCause is a template package error said without its position
// (the enclosing diag.Error has it); the original stays reachable with
// errors.As.
type templateCause struct {
	msg string
	err error
}

func (e *templateCause) Error() string { return e.msg }
func (e *templateCause) Unwrap() error { return e.err }

// ignored reports whether a theme or content file name is an editor's swap
// or backup file or a dotfile.
func ignored(name string) bool {
	switch {
	case strings.HasPrefix(name, "."), strings.HasPrefix(name, "#"), strings.HasSuffix(name, "~"),
		name == "4913", // vim's check that it may write in a directory
		strings.HasSuffix(name, ".swp"), strings.HasSuffix(name, ".swx"), strings.HasSuffix(name, ".swo"),
		strings.HasSuffix(name, ".tmp"), strings.HasSuffix(name, ".bak"), strings.HasSuffix(name, ".orig"),
		strings.HasSuffix(name, "___jb_tmp___"), strings.HasSuffix(name, "___jb_old___"), // JetBrains
		strings.HasSuffix(name, ".crswap"): // Chromium's File System Access API
		return true
	}
	return false
}

// Ignored reports whether a source file with this base name is skipped
// as an editor's swap or backup file or a dotfile.
func Ignored(name string) bool { return ignored(name) }

var funcs = template.FuncMap{
	"date": func(layout string, t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(layout)
	},
	"isoDate": func(t time.Time) string { return t.Format(time.RFC3339) },
	// {{relURL .Site "/img/x.png"}}, {{absURL .Site "img/x.png"}}: see links.go.
	"relURL": relURL,
	"absURL": absURL,
	"param":  func(params map[string]any, key string) any { return params[key] },
	// first returns at most the first n posts: {{range first 5 .Site.Posts}}.
	"first": func(n int, posts []*Post) []*Post { return posts[:min(max(n, 0), len(posts))] },
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
	"plainText": func(h template.HTML) string { return PlainText(string(h)) },
	"truncate": func(n int, s string) string {
		r := []rune(s)
		if len(r) <= n {
			return s
		}
		cut := string(r[:n])
		if i := strings.LastIndexByte(cut, ' '); i > n/2 {
			cut = cut[:i]
		}
		return strings.TrimRight(cut, " ,.;:") + "…"
	},
}

// bodyFields are the Post fields derived from a post's body rather than its
// front matter.
var bodyFields = map[string]bool{"Summary": true, "Content": true, "Words": true, "ReadingTime": true, "HasMore": true, "TOC": true, "HasCode": true, "Image": true}

// UsesBody reports whether the page template name may show anything derived
// from a post's body (.Summary, .Content, .Words, .ReadingTime, .HasMore),
// directly or through the templates it calls. It looks at field names in
// the parse trees, which is sound: a template reaches a struct field only
// by naming it. A page that does not is unaffected by body edits, so the
// build need not render it again for one.
func (t *Templates) UsesBody(name string) bool {
	tmpl, ok := t.pages[name]
	if !ok {
		return true
	}
	seen := map[string]bool{}
	var visit func(name string) bool
	visit = func(name string) bool {
		if seen[name] {
			return false
		}
		seen[name] = true
		sub := tmpl.Lookup(name)
		if sub == nil || sub.Tree == nil {
			return false
		}
		return usesBody(sub.Tree.Root, visit)
	}
	return visit(name)
}

func usesBody(n parse.Node, call func(name string) bool) bool {
	switch n := n.(type) {
	case *parse.ListNode:
		return n != nil && anyUsesBody(n.Nodes, call)
	case *parse.ActionNode:
		return usesBody(n.Pipe, call)
	case *parse.PipeNode:
		if n == nil {
			return false
		}
		for _, c := range n.Cmds {
			if usesBody(c, call) {
				return true
			}
		}
	case *parse.CommandNode:
		return anyUsesBody(n.Args, call)
	case *parse.FieldNode:
		return anyBody(n.Ident)
	case *parse.ChainNode:
		return anyBody(n.Field) || usesBody(n.Node, call)
	case *parse.VariableNode:
		return anyBody(n.Ident[1:])
	case *parse.IfNode:
		return branchUsesBody(&n.BranchNode, call)
	case *parse.RangeNode:
		return branchUsesBody(&n.BranchNode, call)
	case *parse.WithNode:
		return branchUsesBody(&n.BranchNode, call)
	case *parse.TemplateNode:
		return usesBody(n.Pipe, call) || call(n.Name)
	}
	return false
}

func anyUsesBody(nodes []parse.Node, call func(name string) bool) bool {
	for _, c := range nodes {
		if usesBody(c, call) {
			return true
		}
	}
	return false
}

func branchUsesBody(b *parse.BranchNode, call func(name string) bool) bool {
	return usesBody(b.Pipe, call) || usesBody(b.List, call) || usesBody(b.ElseList, call)
}

func anyBody(idents []string) bool {
	for _, id := range idents {
		if bodyFields[id] {
			return true
		}
	}
	return false
}

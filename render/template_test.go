package render

import (
	"bytes"
	"errors"
	"html/template"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/blog-gen/blog/diag"
)

// theme returns a MapFS with every page template set to a minimal body,
// with overrides applied.
func theme(overrides map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, p := range pageTemplates {
		fsys[p] = &fstest.MapFile{Data: []byte(p + ":{{.Title}}")}
	}
	for name, src := range overrides {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

func mustLoad(t *testing.T, fsys fstest.MapFS) *Templates {
	t.Helper()
	tmpl, err := LoadTemplates(fsys, "templates")
	if err != nil {
		t.Fatal(err)
	}
	return tmpl
}

func execute(t *testing.T, tmpl *Templates, name string, data *Page) string {
	t.Helper()
	var buf bytes.Buffer
	if err := tmpl.Execute(&buf, name, data); err != nil {
		t.Fatalf("Execute(%s): %v", name, err)
	}
	return buf.String()
}

// TestLoadTemplatesSources: shared files and partials are parsed for every
// page, editor files are skipped, and Sources holds what was used.
func TestLoadTemplatesSources(t *testing.T) {
	t.Parallel()
	tmpl := mustLoad(t, theme(map[string]string{
		"base.html":             `{{define "base"}}<html>{{template "partials/head.html" .}}{{block "main" .}}{{end}}</html>{{end}}`,
		"partials/head.html":    `<title>{{.Title}} | {{.Site.Title}}</title>`,
		"post.html":             `{{define "main"}}<h1>{{.Post.Title}}</h1>{{end}}{{template "base" .}}`,
		"post.html~":            `{{broken`,
		".#post.html":           `{{broken`,
		"partials/notes.txt":    `not a template`,
		"partials/old.html.swp": `{{broken`,
	}))
	got := execute(t, tmpl, "post.html", &Page{Title: "A & B", Site: &Site{Title: "S"}, Post: &Post{Title: "<A>"}})
	if want := `<html><title>A &amp; B | S</title><h1>&lt;A&gt;</h1></html>`; got != want {
		t.Errorf("post.html = %q, want %q", got, want)
	}
	var names []string
	for name := range tmpl.Sources {
		names = append(names, name)
	}
	if len(names) != len(pageTemplates)+2 {
		t.Errorf("Sources has %q: want the %d page templates, base.html and partials/head.html", names, len(pageTemplates))
	}
	if err := tmpl.Execute(&bytes.Buffer{}, "nope.html", &Page{}); err == nil || err.Error() != "no template nope.html" {
		t.Errorf("Execute of a missing page template: %v, want \"no template nope.html\"", err)
	}
}

// TestTemplateErrors: parse and execution errors, and missing page
// templates, name the theme file, line and column.
func TestTemplateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		drop  string
		want  []string
	}{
		{
			name:  "parse error in a page",
			files: map[string]string{"post.html": "line one\n{{if .Title}}\nunclosed"},
			want:  []string{"templates/post.html:3: unexpected EOF"},
		},
		{
			name:  "parse error in a partial",
			files: map[string]string{"partials/a.html": "ok\n  {{.Title | nofunc}}"},
			want:  []string{`templates/partials/a.html:2: function "nofunc" not defined`},
		},
		{
			name: "missing page template",
			drop: "archive.html",
			want: []string{"templates/archive.html: template missing: every theme needs it"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fsys := theme(tc.files)
			delete(fsys, tc.drop)
			_, err := LoadTemplates(fsys, "templates")
			if got := diag.Lines(err); strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("LoadTemplates errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			var de *diag.Error
			if !errors.As(err, &de) {
				t.Errorf("LoadTemplates error %v is not a *diag.Error", err)
			}
		})
	}

	// An execution error names the file, line and column, without the
	// template package's "executing ... at" noise.
	tmpl := mustLoad(t, theme(map[string]string{"page.html": "<p>\n  {{index .Posts 3}}</p>"}))
	err := tmpl.Execute(&bytes.Buffer{}, "page.html", &Page{})
	var de *diag.Error
	if !errors.As(err, &de) || de.Pos != (diag.Pos{File: "templates/page.html", Line: 2, Col: 4}) {
		t.Fatalf("execution error %v: want a *diag.Error at templates/page.html:2:4", err)
	}
	if msg := de.Err.Error(); strings.Contains(msg, "executing") || !strings.Contains(msg, "index out of range") {
		t.Errorf("execution error message %q: want the cause without \"executing ... at\"", msg)
	}
}

// TestTemplateErrorUnpositioned: an error that names no position is
// returned as it is.
func TestTemplateErrorUnpositioned(t *testing.T) {
	t.Parallel()
	tmpl := &Templates{display: map[string]string{}}
	plain := errors.New("something else")
	if err := tmpl.templateError(plain); err != plain {
		t.Errorf("templateError(%v) = %v, want it unchanged", plain, err)
	}
	// A position in a template the theme does not know keeps its name.
	err := tmpl.templateError(errors.New("template: other.html:7:2: boom"))
	if got := err.Error(); got != "other.html:7:2: boom" {
		t.Errorf("templateError of an unknown template = %q, want other.html:7:2: boom", got)
	}
}

// TestTemplateFuncs runs every function themes get, through a template.
func TestTemplateFuncs(t *testing.T) {
	t.Parallel()
	d := time.Date(2026, 3, 4, 5, 6, 7, 0, time.FixedZone("CET", 3600))
	posts := []*Post{{Title: "a"}, {Title: "b"}, {Title: "c"}}
	tests := []struct {
		name, src, want string
	}{
		{"date", `{{date "2 Jan 2006" .Post.Date}}`, "4 Mar 2026"},
		{"date of zero time", `[{{date "2006" .Post.Updated}}]`, "[]"},
		// html/template escapes the text it inserts: &#43; is a "+".
		{"isoDate", `{{isoDate .Post.Date}}`, "2026-03-04T05:06:07&#43;01:00"},
		{"absURL path", `{{absURL .Site.URL "/blog/x/"}}`, "https://example.com/blog/x/"},
		{"absURL relative", `{{absURL .Site.URL "x/y"}}`, "https://example.com/blog/x/y"},
		{"absURL absolute", `{{absURL .Site.URL "https://other.example/z"}}`, "https://other.example/z"},
		{"absURL bad base", `{{absURL "%zz" "/x"}}`, "/x"},
		{"absURL bad path", `{{absURL .Site.URL "%zz"}}`, "%zz"},
		{"param", `{{param .Post.Params "mood"}}/{{param .Post.Params "none"}}`, "happy/"},
		{"first", `{{range first 2 .Posts}}{{.Title}}{{end}}`, "ab"},
		{"first more than there are", `{{range first 9 .Posts}}{{.Title}}{{end}}`, "abc"},
		{"first negative", `[{{range first -1 .Posts}}{{.Title}}{{end}}]`, "[]"},
		{"plural one", `{{plural 1 "post" "posts"}}`, "post"},
		{"plural many", `{{plural 0 "post" "posts"}}`, "posts"},
		{"plainText", `{{plainText .Post.Content}}`, `Hello, world &amp; &#34;friends&#34; . Next`},
		{"truncate short", `{{truncate 20 "short text"}}`, "short text"},
		{"truncate at a word", `{{truncate 16 "The quick brown fox jumps"}}`, "The quick brown…"},
		{"truncate without a space", `{{truncate 5 "abcdefghij"}}`, "abcde…"},
		{"truncate strips punctuation", `{{truncate 10 "Hello, big world"}}`, "Hello…"},
		{"truncate runes", `{{truncate 3 "héllo"}}`, "hél…"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tmpl := mustLoad(t, theme(map[string]string{"post.html": tc.src}))
			got := execute(t, tmpl, "post.html", &Page{
				Site:  &Site{URL: "https://example.com/blog/"},
				Posts: posts,
				Post: &Post{
					Date:    d,
					Params:  map[string]any{"mood": "happy"},
					Content: template.HTML(`<p>Hello, <em>world</em> &amp; &quot;friends&quot; .</p><p>Next</p>`),
				},
			})
			if got != tc.want {
				t.Errorf("%s = %q, want %q", tc.src, got, tc.want)
			}
		})
	}
}

// TestUsesBodyEdges: templates that are not pages, and the parse tree
// kinds not covered by TestUsesBody.
func TestUsesBodyEdges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		want      bool
	}{
		{"range else", `{{range .Posts}}x{{else}}{{.Post.Content}}{{end}}`, true},
		{"with else", `{{with .Post}}x{{else}}{{.Posts}}{{end}}`, false},
		{"if else", `{{if .Title}}x{{else}}{{(index .Posts 0).Summary}}{{end}}`, true},
		{"variable of a range", `{{range $i, $p := .Posts}}{{$p.Title}}{{end}}`, false},
		{"a template called twice", `{{define "t"}}{{.Title}}{{end}}{{template "t" .}}{{template "t" .}}`, false},
		{"a template that calls itself", `{{define "t"}}{{if .}}{{template "t" .Next}}{{end}}{{end}}{{template "t" .Post}}`, false},
		{"a template not defined", `{{define "main"}}{{end}}{{template "partials/none.html" .}}`, false},
		{"field of a pipeline argument", `{{printf "%s" .Post.HasMore}}`, true},
	}
	for _, tc := range tests {
		tmpl, err := LoadTemplates(theme(map[string]string{"list.html": tc.src}), "templates")
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := tmpl.UsesBody("list.html"); got != tc.want {
			t.Errorf("%s: UsesBody = %v, want %v", tc.name, got, tc.want)
		}
	}
	// An unknown page is assumed to use the body: the safe answer.
	if !mustLoad(t, theme(nil)).UsesBody("nope.html") {
		t.Error(`UsesBody("nope.html") = false, want true for an unknown template`)
	}
}

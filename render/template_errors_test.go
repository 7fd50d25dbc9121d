package render

import (
	"errors"
	"html/template"
	"io"
	"regexp"
	"testing"
	"testing/fstest"
	texttemplate "text/template"

	"github.com/google/go-cmp/cmp"
)

var contextsRE = regexp.MustCompile(`contexts: \{.*`)

// theme returns a minimal theme in which files overrides page templates.
func theme(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for _, name := range pageTemplates {
		fsys[name] = &fstest.MapFile{Data: []byte("<p>{{.Site.Title}}</p>\n")}
	}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	return fsys
}

// TestTemplateErrors asserts the full message of each kind of template
// error. html/template's own (escaping) errors are found when the theme is
// loaded, once each, located and sorted like the others, instead of at
// the first page rendered with the template, unlocated, once per page.
func TestTemplateErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"parse", map[string]string{"post.html": "\n{{.Title}\n"},
			"templates/post.html:2: bad character U+007D '}'"},
		{"escaping, sorted", map[string]string{
			"post.html": "ok\n{{if .Site}}<a href=\"{{else}}{{end}}\n",
			"list.html": "{{if .Site}}<a title=\"{{end}}\n",
		}, "templates/list.html:1:5: {{if}} branches end in different contexts: …\n" +
			"templates/post.html:2:5: {{if}} branches end in different contexts: …"},
		{"no such template", map[string]string{"page.html": "\n\n{{template \"partials/nope.html\" .}}"},
			`templates/page.html:3:11: no such template "partials/nope.html"`},
		{"shared partial", map[string]string{"partials/x.html": "{{define \"x\"}}{{end}\n"},
			"templates/partials/x.html:1: bad character U+007D '}'"},
		{"none", map[string]string{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadTemplates(theme(tc.files), "templates")
			got := ""
			if err != nil {
				got = err.Error()
			}
			// The contexts html/template prints are its internals.
			got = contextsRE.ReplaceAllString(got, "contexts: …")
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("LoadTemplates error (-want +got):\n%s", d)
			}
		})
	}
}

func TestTemplateExecuteError(t *testing.T) {
	t.Parallel()
	tmpl, err := LoadTemplates(theme(map[string]string{"post.html": "\n{{.Post.Nope}}"}), "templates")
	if err != nil {
		t.Fatal(err)
	}
	err = tmpl.Execute(io.Discard, "post.html", &Page{Post: &Post{}})
	want := "templates/post.html:2:7: <.Post.Nope>: can't evaluate field Nope in type *render.Post"
	if err == nil || err.Error() != want {
		t.Errorf("Execute error:\n got %v\nwant %s", err, want)
	}
}

// TestTemplateErrorCauses: the template package's error stays the cause.
func TestTemplateErrorCauses(t *testing.T) {
	t.Parallel()
	_, err := LoadTemplates(theme(map[string]string{"post.html": "{{if .Site}}<a href=\"{{end}}"}), "templates")
	var he *template.Error
	if !errors.As(err, &he) || he.ErrorCode != template.ErrBranchEnd {
		t.Errorf("escaping error %v: want a *html/template.Error with ErrBranchEnd as its cause", err)
	}
	tmpl, err := LoadTemplates(theme(map[string]string{"post.html": "{{.Post.Nope}}"}), "templates")
	if err != nil {
		t.Fatal(err)
	}
	err = tmpl.Execute(io.Discard, "post.html", &Page{Post: &Post{}})
	var ee texttemplate.ExecError
	if !errors.As(err, &ee) {
		t.Errorf("execution error %v: want a text/template.ExecError as its cause", err)
	}
}

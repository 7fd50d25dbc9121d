package render

import (
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/diag"
)

// TestCatalogsHaveEveryKey: every shipped language has every label of
// English and no other, and its names of months and weekdays.
func TestCatalogsHaveEveryKey(t *testing.T) {
	keysOf := func(name string) ([]string, *Catalog) {
		src, err := shipped(name)
		if err != nil {
			t.Fatal(err)
		}
		c := &Catalog{msgs: map[string]message{}, names: map[string][]string{}}
		if err := c.add("render/i18n/"+name+".yaml", src, false); err != nil {
			t.Fatal(err)
		}
		return c.Keys(), c
	}
	want, _ := keysOf("en")
	if len(want) < 40 {
		t.Fatalf("English has %d labels: the file did not parse as meant", len(want))
	}
	for _, name := range Languages {
		got, c := keysOf(name)
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("i18n/%s.yaml labels differ from English's (-en +%s):\n%s", name, name, d)
		}
		for list, n := range dateKeys {
			if len(c.names[list]) != n {
				t.Errorf("i18n/%s.yaml: %s has %d names, want %d", name, list, len(c.names[list]), n)
			}
		}
	}
}

// TestTemplatesUseKnownLabels: every {{T "key"}} and {{Tforms "key"…}}
// in the theme names a label English has.
func TestTemplatesUseKnownLabels(t *testing.T) {
	keys := English().Keys()
	for name, src := range themeSources(t) {
		var used []string
		for _, m := range tCallRE.FindAllStringSubmatch(src, -1) {
			used = append(used, m[1])
		}
		for _, m := range tFormsRE.FindAllStringSubmatch(src, -1) {
			for _, k := range strings.Fields(m[1]) {
				used = append(used, strings.Trim(k, `"`))
			}
		}
		for _, k := range used {
			if !slices.Contains(keys, k) {
				t.Errorf("%s: {{T %q}}: no such label in i18n/en.yaml", name, k)
			}
		}
	}
}

// TestCatalogForms: Tforms gives a script every plural form of a label,
// and a plain text as "other".
func TestCatalogForms(t *testing.T) {
	ru, err := NewCatalog("ru", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	got := ru.Forms("online_page", "new_post", "no_such_label")
	want := map[string]map[string]string{
		"online_page": {
			"one":   "{0} читатель на этой странице",
			"few":   "{0} читателя на этой странице",
			"many":  "{0} читателей на этой странице",
			"other": "{0} читателя на этой странице",
		},
		"new_post":      {"other": "Новая запись:"},
		"no_such_label": {"other": "no_such_label"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Forms (-want +got):\n%s", d)
	}
}

func TestCatalogMatch(t *testing.T) {
	tests := []struct {
		lang, name string
		rtl        bool
	}{
		{"en", "en", false}, {"en-GB", "en", false}, {"fr", "fr", false}, {"fr-CA", "fr", false},
		{"de-AT", "de", false}, {"es-419", "es", false}, {"pt-BR", "pt", false}, {"it", "it", false},
		{"nl-BE", "nl", false}, {"ja", "ja", false}, {"ja-JP", "ja", false}, {"zh", "zh", false},
		{"zh-Hans", "zh", false}, {"zh-CN", "zh", false}, {"ru", "ru", false},
		{"ar", "ar", true}, {"ar-EG", "ar", true}, {"he", "he", true}, {"iw", "he", true}, {"fa-IR", "fa", true},
		{"ur", "en", true},
		{"sv", "en", false}, {"", "en", false}, {"not a tag!", "en", false},
	}
	for _, tc := range tests {
		c, err := NewCatalog(tc.lang, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if c.Name != tc.name || c.RTL != tc.rtl {
			t.Errorf("NewCatalog(%q) = %s (rtl %v), want %s (rtl %v)", tc.lang, c.Name, c.RTL, tc.name, tc.rtl)
		}
	}
}

func TestCatalogText(t *testing.T) {
	day := time.Date(2026, 3, 5, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		lang string
		got  func(c *Catalog) string
		want string
	}{
		{"en", func(c *Catalog) string { return c.Date("long", day) }, "5 March 2026"},
		{"en", func(c *Catalog) string { return c.Date("short", day) }, "5 Mar"},
		{"fr", func(c *Catalog) string { return c.Date("long", day) }, "5 mars 2026"},
		{"de", func(c *Catalog) string { return c.Date("long", day) }, "5. März 2026"},
		{"es", func(c *Catalog) string { return c.Date("long", day) }, "5 de marzo de 2026"},
		{"ja", func(c *Catalog) string { return c.Date("long", day) }, "2026年3月5日"},
		{"zh-CN", func(c *Catalog) string { return c.Date("short", day) }, "3月5日"},
		{"ru", func(c *Catalog) string { return c.Date("long", day) }, "5 марта 2026 г."},
		{"en", func(c *Catalog) string { return c.Date("long", time.Time{}) }, ""},
		{"en", func(c *Catalog) string { return c.T("posts_count", 1) + ", " + c.T("posts_count", 2) }, "1 post, 2 posts"},
		{"fr", func(c *Catalog) string { return c.T("posts_count", 0) + ", " + c.T("posts_count", 2) }, "0 article, 2 articles"},
		{"ru", func(c *Catalog) string {
			return strings.Join([]string{c.T("posts_count", 1), c.T("posts_count", 3), c.T("posts_count", 5), c.T("posts_count", 21)}, ", ")
		}, "1 запись, 3 записи, 5 записей, 21 запись"},
		{"ja", func(c *Catalog) string { return c.T("posts_count", 1) }, "1件の記事"},
		{"ar", func(c *Catalog) string { return c.Date("long", day) }, "5 مارس 2026"},
		{"he", func(c *Catalog) string { return c.Date("long", day) }, "5 במרץ 2026"},
		{"fa", func(c *Catalog) string { return c.Date("long", day) }, "5 مارس 2026"},
		{"ar", func(c *Catalog) string {
			var out []string
			for _, n := range []int{0, 1, 2, 3, 11, 100} {
				out = append(out, c.T("posts_count", n))
			}
			return strings.Join(out, "، ")
		}, "لا مقالات، مقالة واحدة، مقالتان، 3 مقالات، 11 مقالة، 100 مقالة"},
		{"he", func(c *Catalog) string {
			return strings.Join([]string{c.T("posts_count", 1), c.T("posts_count", 2), c.T("posts_count", 5)}, ", ")
		}, "פוסט אחד, שני פוסטים, 5 פוסטים"},
		{"fa", func(c *Catalog) string { return c.T("online_page", 0) + "، " + c.T("online_page", 7) }, "0 خواننده در این صفحه، 7 خواننده در این صفحه"},
		{"en", func(c *Catalog) string { return c.T("page_of", 2, 7) }, "Page 2 of 7"},
		{"de", func(c *Catalog) string { return c.T("read_more", "Hallo") }, "„Hallo“ lesen"},
		{"en", func(c *Catalog) string { return c.T("no_such_label") }, "no_such_label"},
	}
	for _, tc := range tests {
		c, err := NewCatalog(tc.lang, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := tc.got(c); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.lang, got, tc.want)
		}
	}
}

func TestCatalogOverride(t *testing.T) {
	c, err := NewCatalog("fr", "i18n/fr.yaml", []byte("# mine\nolder: Avant\nmonths: [a, b, c, d, e, f, g, h, i, j, k, l]\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.T("older") + " " + c.T("newer") + " " + c.Date("long", time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)); got != "Avant Plus récent 1 b 2026" {
		t.Errorf("overridden catalogue: %q", got)
	}
	if k, _ := NewCatalog("fr", "", nil); k.Key() == c.Key() {
		t.Error("an override does not change the catalogue's key")
	}

	errs := []struct{ src, want string }{
		{"older: Avant\nolder_post: x\n", `i18n/fr.yaml:2:1: unknown label "older_post" (did you mean "older_posts"?)`},
		{"posts_count: {une: x, other: y}\n", `i18n/fr.yaml:1:14: posts_count: unknown plural form "une": want zero, one, two, few, many or other`},
		{"posts_count: {one: x}\n", `i18n/fr.yaml:1:14: posts_count: plural forms without other`},
		{"months: [a, b]\n", `i18n/fr.yaml:1:9: months: want a list of 12 names`},
		{"older: ~\n", `i18n/fr.yaml:1:8: older: want a text`},
		{"- a\n- b\n", `i18n/fr.yaml:1:1: want a mapping of label names to texts`},
		{"older: [x\n", `i18n/fr.yaml:1:8: sequence end token ']' not found`},
	}
	for _, tc := range errs {
		_, err := NewCatalog("fr", "i18n/fr.yaml", []byte(tc.src))
		if err == nil || err.Error() != tc.want {
			t.Errorf("NewCatalog(%q) error:\n got %v\nwant %s", tc.src, err, tc.want)
		}
	}
}

// FuzzCatalog: a site's label file never panics, and every error is
// located inside it.
func FuzzCatalog(f *testing.F) {
	for _, name := range Languages {
		src, _ := shipped(name)
		f.Add(src)
	}
	f.Add([]byte("posts_count: {one: x, other: y}\nmonths: [1,2]\n"))
	f.Fuzz(func(t *testing.T, src []byte) {
		c, err := NewCatalog("ru", "i18n/ru.yaml", src)
		if err != nil {
			lines := strings.Count(string(src), "\n") + 1
			for _, p := range errorPositions(err) {
				if p.File != "i18n/ru.yaml" || p.Line > lines {
					t.Errorf("error %v outside the file of %d lines", err, lines)
				}
			}
			return
		}
		_ = c.T("posts_count", 3) + c.Date("long", time.Now()) + fmt.Sprint(c.T("page_of", 1, 2))
	})
}

// tCallRE finds the labels a template asks for: {{T "key"}}, and the
// first of {{Tforms "key" "key2"…}} (tFormsRE finds them all).
var tCallRE = regexp.MustCompile(`\bT(?:forms)? "([^"]+)"`)

// tFormsRE finds the arguments of {{Tforms …}}.
var tFormsRE = regexp.MustCompile(`\bTforms((?: "[^"]+")+)`)

// themeSources are the default theme's template files, by path.
func themeSources(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir("../templates", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".html") {
			out[p] = string(readTestFile(t, p))
		}
		return err
	})
	if err != nil || len(out) == 0 {
		t.Fatalf("theme templates: %v", err)
	}
	return out
}

// errorPositions are the positions of the diag.Errors in err.
func errorPositions(err error) []diag.Pos {
	var out []diag.Pos
	var de *diag.Error
	if errors.As(err, &de) {
		out = append(out, de.Pos)
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			out = append(out, errorPositions(e)...)
		}
	}
	return out
}

package build_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/build"
)

// widgetMarkupRE is the part of a page the widget's script reads: the
// who's-online box with its labels, and the new-post notice.
var widgetMarkupRE = regexp.MustCompile(`(?s)<section class="whos-online".*?</section>.*?<div class="new-post".*?</div>`)

// TestWidgetLabels: the widget's box and the new-post notice carry the
// catalogue's labels for the script, with every plural form of the
// language (golden files, -update rewrites them), and a site's own
// i18n/LANG.yaml overrides them as it does any label.
func TestWidgetLabels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		lang, golden string
		override     string // the site's i18n/LANG.yaml
		want         []string
	}{
		{lang: "fr", golden: "testdata/widget-labels/fr.html.golden"},
		{lang: "ru", golden: "testdata/widget-labels/ru.html.golden"},
		{lang: "fr", override: "online_page: {one: \"{0} personne ici\", other: \"{0} personnes ici\"}\nnew_post_dismiss: Masquer\n",
			want: []string{`"online_page":{"one":"{0} personne ici","other":"{0} personnes ici"}`, `data-dismiss="Masquer"`}},
	}
	for _, tc := range tests {
		t.Run(tc.lang+map[bool]string{true: "-override"}[tc.override != ""], func(t *testing.T) {
			t.Parallel()
			files := map[string]string{
				"_config.yaml": "site: {title: T, url: https://example.com/, language: " + tc.lang + "}\nwidget: {enabled: true}\n",
				"posts/a.md":   "---\ntitle: A\ndate: 2026-01-02\n---\nUn.\n",
			}
			if tc.override != "" {
				files["i18n/"+tc.lang+".yaml"] = tc.override
			}
			root := site(t, files)
			cfg, err := build.Load(root)
			if err != nil {
				t.Fatal(err)
			}
			runBuild(t, cfg, build.Options{})
			page := string(readFile(t, filepath.Join(root, "_site/2026/01/a/index.html")))
			got := widgetMarkupRE.FindString(page)
			if got == "" {
				t.Fatalf("no widget box and notice in the page:\n%s", page)
			}
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("widget markup lacks %s:\n%s", w, got)
				}
			}
			if tc.golden == "" {
				return
			}
			got += "\n"
			if *update {
				writeFile(t, tc.golden, []byte(got))
				return
			}
			want, err := os.ReadFile(tc.golden)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(string(want), got); d != "" {
				t.Errorf("%s mismatch (-want +got):\n%s", tc.golden, d)
			}
		})
	}
}

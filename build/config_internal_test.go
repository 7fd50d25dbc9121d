package build

import (
	"fmt"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml/parser"
	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/diag"
)

// TestSampleConfigShowsEveryKey holds the promise that the sample
// _config.yaml (and the one blog init writes) shows every option.
func TestSampleConfigShowsEveryKey(t *testing.T) {
	t.Parallel()
	var want []string
	var walk func(t reflect.Type, prefix string)
	walk = func(typ reflect.Type, prefix string) {
		for name, f := range yamlFields(typ) {
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Time]() {
				walk(f.Type, prefix+name+".")
				continue
			}
			want = append(want, prefix+name)
		}
	}
	walk(reflect.TypeFor[Config](), "")
	slices.Sort(want)
	for _, file := range []string{"../_config.yaml", "../cmd/blog/scaffold/config.yaml"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseBytes(src, 0)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		positions := newKeyPositions()
		var errs diag.List
		checkKeys(f.Docs[0].Body, reflect.TypeFor[Config](), "", positions, &errs)
		if err := errs.Err(); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, k := range want {
			if _, ok := positions.at[k]; !ok {
				t.Errorf("%s does not show %s", file, k)
			}
		}
	}
}

// parseConfig parses src over the defaults, as Load does for a site in a
// temporary directory.
func parseConfig(t testing.TB, src string) (Config, error) {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Root = t.TempDir()
	err := Parse([]byte(src), &cfg)
	return cfg, err
}

// TestConfigAliases holds that anchors, aliases and merge keys in
// _config.yaml mean what YAML says.
func TestConfigAliases(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, src string
		check     func(c Config) any
		want      any
	}{
		{"scalar", "site: {title: &t Hello, author: *t}\n",
			func(c Config) any { return c.Site.Author }, "Hello"},
		{"bool", "markdown: {typographer: &f false, footnotes: *f}\n",
			func(c Config) any { return []bool{c.Markdown.Typographer, c.Markdown.Footnotes} }, []bool{false, false}},
		{"list", "build:\n  ignore: &i [\"notes/*\", \"*.tmp\"]\nwidget:\n  origins: [https://a.example]\n",
			func(c Config) any { return c.Build.Ignore }, []string{"notes/*", "*.tmp"}},
		{"alias in a list", "site: {title: &t \"notes/*\"}\nbuild:\n  ignore: [\"a/*\", *t]\n",
			func(c Config) any { return c.Build.Ignore }, []string{"a/*", "notes/*"}},
		{"merge", "build:\n  hooks:\n    pre_build:\n      - &h {name: a, run: echo a, timeout: 5s}\n    post_build:\n      - <<: *h\n        name: b\n",
			func(c Config) any { return c.Build.Hooks.PostBuild }, []Hook{{Name: "b", Run: "echo a", Timeout: 5 * time.Second}}},
		{"aliased hook", "build:\n  hooks:\n    pre_build: [&h \"make data\"]\n    post_build: [*h]\n",
			func(c Config) any { return c.Build.Hooks.PostBuild }, []Hook{{Name: "make", Run: "make data", Timeout: time.Minute}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cfg, err := parseConfig(t, tc.src)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tc.src, err)
			}
			if d := cmp.Diff(tc.want, tc.check(cfg)); d != "" {
				t.Errorf("Parse(%q) (-want +got):\n%s", tc.src, d)
			}
		})
	}
}

func TestConfigAliasErrors(t *testing.T) {
	t.Parallel()
	var bomb strings.Builder
	bomb.WriteString("build:\n  ignore:\n    - &a0 lol\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&bomb, "    - &a%d [*a%[2]d, *a%[2]d, *a%[2]d, *a%[2]d, *a%[2]d, *a%[2]d, *a%[2]d, *a%[2]d, *a%[2]d, *a%[2]d]\n", i, i-1)
	}
	tests := []struct {
		name, src, want string
	}{
		{"unknown alias", "site: {title: *t}\n", "_config.yaml:1:15: alias *t: no anchor &t before it"},
		{"bomb", bomb.String(), "_config.yaml:8:47: more than 100000 values once aliases are expanded"},
		{"deep", "build:\n  ignore: " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "\n", "_config.yaml:2:109: lists and mappings nest deeper than 100 levels"},
		{"aliased bad value", "site: {title: &n ten}\nbuild: {paginate: *n}\n", `_config.yaml:2:9: build.paginate: want a whole number, not "ten"`},
		{"aliased unknown key", "site: &s {title: T, titel: U}\nbuild: {}\n", `_config.yaml:1:21: unknown key "site.titel" (did you mean "site.title"?)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseConfig(t, tc.src)
			if err == nil {
				t.Fatalf("Parse(%.40q) = nil, want %q", tc.src, tc.want)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("Parse(%.40q) error:\n got %s\nwant %s", tc.src, got, tc.want)
			}
		})
	}
}

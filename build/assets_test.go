package build_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
)

// TestAssets builds a site with a program asset: it is written at its
// fingerprinted path under the site's path, every page's widget loads it
// from there, and a new content moves it to a new path and the old
// file goes.
func TestAssets(t *testing.T) {
	t.Parallel()
	root := site(t, map[string]string{
		"_config.yaml": "site: {title: T, url: https://example.com/blog/}\nwidget: {enabled: true}\n",
		"posts/a.md":   "---\ntitle: A\ndate: 2026-01-01\n---\nHello.\n",
	})
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, data := range []string{"console.log(1)", "console.log(2)"} {
		a := build.Asset{Name: "js/whos-online.js", Data: []byte(data)}
		if !regexp.MustCompile(`^js/whos-online\.[0-9a-f]{12}\.js$`).MatchString(a.Path()) {
			t.Fatalf("Asset.Path() = %q, want js/whos-online.<12 hex digits>.js", a.Path())
		}
		// The second build sees a new asset, as after an upgrade of blog:
		// its URL is in every page, so that build is a full one.
		if _, err := build.Run(t.Context(), cfg, build.Options{Now: func() time.Time { return testNow }, Assets: []build.Asset{a}}); err != nil {
			t.Fatal(err)
		}
		out := cfg.OutputDir()
		if got := string(readFile(t, filepath.Join(out, a.Path()))); got != data {
			t.Errorf("%s = %q, want %q", a.Path(), got, data)
		}
		js, err := filepath.Glob(filepath.Join(out, "js", "*"))
		if err != nil || len(js) != 1 {
			t.Errorf("js/ holds %v, want only %s", js, a.Path())
		}
		for _, page := range []string{"index.html", "2026/01/a/index.html"} {
			html := string(readFile(t, filepath.Join(out, page)))
			if want := `<script src="/blog/` + a.Path() + `" defer>`; !strings.Contains(html, want) {
				t.Errorf("%s has no %s", page, want)
			}
		}
	}
}

// TestAssetsCollide: a site's static file at an asset's path is an error
// naming both, like any other second producer; a bad name is refused.
func TestAssetsCollide(t *testing.T) {
	t.Parallel()
	a := build.Asset{Name: "js/x.js", Data: []byte("x")}
	root := site(t, map[string]string{
		"_config.yaml":       okConfig,
		"static/" + a.Path(): "mine",
	})
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	_, err = build.Run(t.Context(), cfg, build.Options{Now: func() time.Time { return testNow }, Assets: []build.Asset{a}})
	want := "static/" + a.Path() + ": URL /" + a.Path() + " is also written by the asset js/x.js: rename or remove the static file"
	if err == nil || err.Error() != want {
		t.Errorf("build with a static file at the asset's path: %v, want %s", err, want)
	}
	for _, name := range []string{"../x.js", "/x.js", "js/x", ""} {
		_, err := build.Run(t.Context(), cfg, build.Options{Assets: []build.Asset{{Name: name}}})
		if err == nil || !strings.Contains(err.Error(), "want a unique slash path") {
			t.Errorf("asset named %q: %v, want an error", name, err)
		}
	}
}

// TestWidgetEnabled resolves widget.enabled: auto renders the widget only
// with an endpoint or under blog serve; true and false are what they say.
func TestWidgetEnabled(t *testing.T) {
	t.Parallel()
	tests := []struct {
		widget, mode string
		want         bool
	}{
		{"{}", "build", false},
		{"{}", "deploy", false},
		{"{}", "serve", true},
		{"{enabled: auto, endpoint: https://w.example.com/_online}", "build", true},
		{"{enabled: true}", "build", true},
		{"{enabled: false}", "serve", false},
		{"{enabled: false, endpoint: https://w.example.com/_online}", "build", false},
	}
	for _, tc := range tests {
		t.Run(tc.widget+" "+tc.mode, func(t *testing.T) {
			t.Parallel()
			root := site(t, map[string]string{
				"_config.yaml": okConfig + "widget: " + tc.widget + "\n",
				"posts/a.md":   "---\ntitle: A\ndate: 2026-01-01\n---\nHello.\n",
			})
			cfg, err := build.Load(root)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := build.Run(t.Context(), cfg, build.Options{Now: func() time.Time { return testNow }, Mode: tc.mode}); err != nil {
				t.Fatal(err)
			}
			html, err := os.ReadFile(filepath.Join(cfg.OutputDir(), "index.html"))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Contains(string(html), "data-whos-online"); got != tc.want {
				t.Errorf("widget %s in mode %s: rendered %v, want %v", tc.widget, tc.mode, got, tc.want)
			}
		})
	}
}

// TestWidgetEnabledValues holds what widget.enabled accepts, and the
// position and words of what it does not.
func TestWidgetEnabledValues(t *testing.T) {
	t.Parallel()
	tests := []struct {
		value string
		want  build.Switch
		err   string
	}{
		{"true", build.SwitchOn, ""},
		{"false", build.SwitchOff, ""},
		{"auto", build.SwitchAuto, ""},
		{"Auto", build.SwitchAuto, ""},
		{"\"auto\"", build.SwitchAuto, ""},
		{"sometimes", 0, `_config.yaml:1:19: widget.enabled: want true, false or auto, not sometimes`},
		{"1", 0, `_config.yaml:1:19: widget.enabled: want true, false or auto, not 1`},
	}
	for _, tc := range tests {
		cfg := build.DefaultConfig()
		err := build.Parse([]byte("widget: {enabled: "+tc.value+"}\n"), &cfg)
		switch {
		case tc.err != "":
			if err == nil || err.Error() != tc.err {
				t.Errorf("enabled: %s: error %v, want %s", tc.value, err, tc.err)
			}
		case err != nil:
			t.Errorf("enabled: %s: %v", tc.value, err)
		case cfg.Widget.Enabled != tc.want:
			t.Errorf("enabled: %s = %v, want %v", tc.value, cfg.Widget.Enabled, tc.want)
		}
	}
	if got := build.DefaultConfig().Widget.Enabled; got != build.SwitchAuto {
		t.Errorf("default widget.enabled = %v, want auto", got)
	}
}

// FuzzWidgetEnabled parses widget.enabled values: Parse never panics; a
// good result is one of the three switches and writes back as a value
// Parse reads to the same; every error is located inside the input.
func FuzzWidgetEnabled(f *testing.F) {
	for _, seed := range []string{"true", "false", "auto", "AUTO", `"auto"`, "yes", "1", "[auto]", "{a: b}", "!!str auto", "~", "&x auto", `""`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		src := []byte("widget:\n  enabled: " + value + "\n")
		cfg := build.DefaultConfig()
		err := build.Parse(src, &cfg)
		if err != nil {
			// YAML breaks lines at \r too.
			lines := strings.Count(strings.ReplaceAll(strings.ReplaceAll(string(src), "\r\n", "\n"), "\r", "\n"), "\n") + 1
			for _, pos := range positions(err) {
				if pos.File != build.ConfigFile || pos.Line < 0 || pos.Line > lines || pos.Col < 0 {
					t.Errorf("Parse(%q): error at %v, outside the input:\n%v", src, pos, err)
				}
			}
			return
		}
		s := cfg.Widget.Enabled
		if s != build.SwitchAuto && s != build.SwitchOn && s != build.SwitchOff {
			t.Fatalf("Parse(%q): widget.enabled = %d, not a switch", src, s)
		}
		again := build.DefaultConfig()
		if err := build.Parse([]byte("widget: {enabled: "+s.String()+"}\n"), &again); err != nil || again.Widget.Enabled != s {
			t.Errorf("widget.enabled %v written back as %q reads as %v, %v", s, s.String(), again.Widget.Enabled, err)
		}
	})
}

package build

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/parser"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/highlight"
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

// TestConfigValueErrors asserts the full message of each rule on values,
// among them those of the widget endpoint and the dev server, so that
// what Parse accepts they accept (see cmd/blog's TestConfigAcceptedEverywhere).
func TestConfigValueErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, src, want string }{
		{"site url scheme", "site: {url: \"ftp://example.com/\"}\n", `_config.yaml:1:13: site.url: want an http or https URL, not "ftp://example.com/"`},
		{"heartbeat not shorter than window", "widget:\n  heartbeat: 10m\n", `_config.yaml:2:14: widget.heartbeat: 10m0s must be shorter than widget.window (5m0s)`},
		{"window set, heartbeat default", "widget:\n  window: 30s\n", `_config.yaml:2:11: widget.heartbeat: 1m0s must be shorter than widget.window (30s)`},
		{"sets needs half the window", "widget: {strategy: sets, window: 2m, heartbeat: 60s}\n", `_config.yaml:1:49: widget.heartbeat: 1m0s must be shorter than half of widget.window (1m0s) with the sets strategy`},
		{"sets with default times", "widget: {strategy: sets, window: 100s}\n", `_config.yaml:1:34: widget.heartbeat: 1m0s must be shorter than half of widget.window (50s) with the sets strategy`},
		{"site key braces", "widget:\n  site: \"a{b}\"\n", `_config.yaml:2:9: widget.site: want a key of 1 to 128 bytes without braces or spaces, such as example.com: "a{b}" is not`},
		{"site key too long", "widget:\n  site: " + strings.Repeat("s", 129) + "\n", `_config.yaml:2:9: widget.site: want a key of 1 to 128 bytes without braces or spaces, such as example.com: "` + strings.Repeat("s", 129) + `" is not`},
		{"site key from a long host", "site: {url: \"https://" + strings.Repeat("h", 125) + ".com/\"}\n", `_config.yaml:1:13: widget.site: want a key of 1 to 128 bytes without braces or spaces, such as example.com: the host of site.url, "` + strings.Repeat("h", 125) + `.com", is not`},
		{"path root", "widget: {path: /}\n", `_config.yaml:1:16: widget.path: want a path of its own, such as /_online, not "/": the site is served at /`},
		{"path of the dev server", "widget: {path: /_blog/online}\n", `_config.yaml:1:16: widget.path: "/_blog/online" is under /_blog/, which blog serve keeps for itself: use another path, such as /_online`},
		{"path with a wildcard", "widget: {path: \"/on{x}\"}\n", `_config.yaml:1:16: widget.path: want a path of letters, digits and . _ ~ - between slashes, such as /_online, not "/on{x}"`},
		{"path with a space", "widget: {path: \"/a b\"}\n", `_config.yaml:1:16: widget.path: want a path of letters, digits and . _ ~ - between slashes, such as /_online, not "/a b"`},
		{"path with dots", "widget: {path: /a/../b}\n", `_config.yaml:1:16: widget.path: want a path of letters, digits and . _ ~ - between slashes, such as /_online, not "/a/../b"`},
		{"image width", "images:\n  widths: [480, 100000]\n", `_config.yaml:2:11: images.widths: want widths from 16 to 8192 pixels, not 100000`},
		{"image quality", "images: {quality: 0}\n", `_config.yaml:1:19: images.quality: want 1 to 100, not 0`},
		{"strategy", "widget: {strategy: list}\n", `_config.yaml:1:20: widget.strategy: want zset or sets, not "list"`},
		{"redis scheme", "widget: {redis: \"http://r:6379\"}\n", `_config.yaml:1:17: widget.redis: want a URL such as redis://localhost:6379/0, not "http://r:6379": redis: invalid URL scheme: http`},
		{"redis db", "widget: {redis: \"redis://r:6379/x\"}\n", `_config.yaml:1:17: widget.redis: want a URL such as redis://localhost:6379/0, not "redis://r:6379/x": redis: invalid database number: "x"`},
		{"origin with a path", "widget:\n  origins: [https://a.example, https://b.example/x]\n", `_config.yaml:2:32: widget.origins.1: want an origin such as https://example.com (scheme, host and port only) or *, not "https://b.example/x"`},
		{"origin without a scheme", "widget:\n  origins:\n    - a.example\n", `_config.yaml:3:7: widget.origins.0: want an origin such as https://example.com (scheme, host and port only) or *, not "a.example"`},
		{"trusted proxy", "widget:\n  trusted_proxies: [10.0.0.0/8, 10.0.0.0/33]\n", `_config.yaml:2:33: widget.trusted_proxies.1: want an IP address or a CIDR prefix such as 10.0.0.0/8, not "10.0.0.0/33"`},
		{"trusted proxy name", "widget:\n  trusted_proxies: [proxy.local]\n", `_config.yaml:2:21: widget.trusted_proxies.0: want an IP address or a CIDR prefix such as 10.0.0.0/8, not "proxy.local"`},
		{"guests per address", "widget: {guests_per_address: 0}\n", `_config.yaml:1:30: widget.guests_per_address: want 1 or more, or -1 for no cap, not 0`},
		{"guests per address negative", "widget: {guests_per_address: -2}\n", `_config.yaml:1:30: widget.guests_per_address: want 1 or more, or -1 for no cap, not -2`},
		{"secret env", "widget: {secret_env: \"MY SECRET\"}\n", `_config.yaml:1:22: widget.secret_env: want the name of an environment variable (letters, digits and _), not "MY SECRET"`},
		{"endpoint", "widget: {endpoint: online.example.com}\n", `_config.yaml:1:20: widget.endpoint: want an absolute http or https URL such as https://online.example.com/_online, not "online.example.com"`},
		{"max post size zero", "build: {max_post_size: 0}\n", `_config.yaml:1:24: build.max_post_size: want a size of 1 byte or more, such as 10MB, not 0`},
		{"max post size unit", "build: {max_post_size: 10 parsecs}\n", `_config.yaml:1:24: build.max_post_size: want a size such as 512KB, 10MB or a number of bytes, not "10 parsecs"`},
		{"max post size list", "build: {max_post_size: [1]}\n", `_config.yaml:1:24: build.max_post_size: want a size such as 512KB, 10MB or a number of bytes, not [1]`},
		{"hooks timeout", "build:\n  hooks: {timeout: 0s}\n", `_config.yaml:2:20: build.hooks.timeout: want a duration above zero, such as 60s or 2m, not 0s`},
		{"hook timeout", "build:\n  hooks:\n    pre_build: [{run: ls, timeout: -1s}]\n", `_config.yaml:3:36: build.hooks.pre_build.0.timeout: want a duration above zero, such as 60s or 2m, not -1s`},
		{"bad glob", "build:\n  ignore: [\"a/*\", \"[\"]\n", `_config.yaml:2:19: build.ignore.1: bad glob pattern "["`},
		{"bad duration", "widget: {heartbeat: soon}\n", `_config.yaml:1:21: widget.heartbeat: want a duration such as 30s or 5m, not "soon"`},
		{"not a mapping", "[site, build]\n", `_config.yaml:1:1: the configuration must be a mapping of keys to values, such as site: {title: My blog}`},
		{"two documents", "site: {title: A}\n---\nsite: {title: B}\n", `_config.yaml:3:5: a second YAML document: the configuration is one document`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseConfig(t, tc.src)
			if err == nil {
				t.Fatalf("Parse(%q) = nil, want %s", tc.src, tc.want)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("Parse(%q) error:\n got %s\nwant %s", tc.src, got, tc.want)
			}
		})
	}
}

// TestConfigGuestsNoCap: guests_per_address -1 is the widget's "no cap"
// (as the README says), not an error.
func TestConfigGuestsNoCap(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(t, "widget: {guests_per_address: -1}\n")
	if err != nil || cfg.Widget.GuestsPerAddress != -1 {
		t.Errorf("Parse(guests_per_address: -1) = %d, %v; want -1, nil", cfg.Widget.GuestsPerAddress, err)
	}
}

// TestConfigNormalizes: values are completed and put in the form their
// users compare them in.
func TestConfigNormalizes(t *testing.T) {
	t.Parallel()
	cfg, err := parseConfig(t, "site: {url: \"https://example.com/blog\"}\n"+
		"build:\n  max_post_size: 512kb\n  hooks:\n    timeout: 2m\n    pre_build: [make data, {run: ./x, timeout: 5s}]\n"+
		"widget:\n  path: /_who/\n  origins: [\"HTTPS://A.Example/\", \"*\"]\n  trusted_proxies: [10.0.0.0/8, \"::1\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	got := []any{cfg.Site.URL, cfg.Build.MaxPostSize, cfg.Build.Hooks.PreBuild, cfg.Widget.Path, cfg.Widget.Origins, cfg.Widget.TrustedProxies}
	want := []any{"https://example.com/blog/", 512 * KB,
		[]Hook{{Name: "make", Run: "make data", Timeout: 2 * time.Minute}, {Name: "./x", Run: "./x", Timeout: 5 * time.Second}},
		"/_who", []string{"https://a.example", "*"}, []string{"10.0.0.0/8", "::1"}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Parse (-want +got):\n%s", d)
	}
}

func TestParseSize(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		in   string
		want Size
	}{
		{"0", 0}, {"100", 100}, {"100B", 100}, {"1K", KB}, {"1kb", KB}, {"2 KiB", 2 * KB},
		{"10MB", 10 * MB}, {"10 mb", 10 * MB}, {"3MiB", 3 * MB}, {"1G", GB}, {"4GB", 4 * GB},
	} {
		got, err := ParseSize(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		}
	}
	for _, bad := range []string{"", "MB", "-1", "1.5MB", "10 parsecs", "0x10", "9999999999GB"} {
		if got, err := ParseSize(bad); err == nil {
			t.Errorf("ParseSize(%q) = %d, want an error", bad, got)
		}
	}
	for _, tc := range []struct {
		in   Size
		want string
	}{{0, "0B"}, {100, "100B"}, {KB, "1KB"}, {1536 * KB, "1536KB"}, {10 * MB, "10MB"}, {2 * GB, "2GB"}} {
		if got := tc.in.String(); got != tc.want {
			t.Errorf("Size(%d).String() = %q, want %q", int64(tc.in), got, tc.want)
		}
	}
}

// TestReadmeConfigTables holds the README's configuration tables (the
// Configuration section's, and the widget's under Who's online) to
// DefaultConfig: every key listed, every default shown equal to the real
// one. A default cell holds one `value` per key, or one for all of them;
// a cell in words (the site URL's origin) stands for a default computed
// from other values, and the field's own default must then be empty.
func TestReadmeConfigTables(t *testing.T) {
	t.Parallel()
	src, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(src)
	rows := readmeTable(t, readme, "## Configuration\n", "")
	rows = append(rows, readmeTable(t, readme, "### Configuration (`widget:` in `_config.yaml`)\n", "widget.")...)

	fields := map[string]reflect.Type{}
	var walk func(typ reflect.Type, prefix string)
	walk = func(typ reflect.Type, prefix string) {
		for name, f := range yamlFields(typ) {
			if f.Type.Kind() == reflect.Struct {
				walk(f.Type, prefix+name+".")
				continue
			}
			fields[prefix+name] = f.Type
		}
	}
	walk(reflect.TypeFor[Config](), "")
	defaults := DefaultConfig()

	listed := map[string]bool{}
	for _, row := range rows {
		if len(row.keys) == 1 && strings.HasSuffix(row.keys[0], ".*") {
			continue // a pointer to another table
		}
		for i, key := range row.keys {
			typ, ok := fields[key]
			if !ok {
				t.Errorf("README lists %s, which is no configuration key", key)
				continue
			}
			listed[key] = true
			want := fieldValue(defaults, key)
			if len(row.defaults) == 0 {
				if !reflect.ValueOf(want).IsZero() && reflect.ValueOf(want).Len() != 0 {
					t.Errorf("README shows no default for %s; it is %v", key, want)
				}
				continue
			}
			shown := row.defaults[0]
			switch {
			case len(row.defaults) == len(row.keys):
				shown = row.defaults[i]
			case len(row.defaults) != 1:
				t.Errorf("README row %v shows %d defaults for %d keys", row.keys, len(row.defaults), len(row.keys))
				continue
			}
			got := reflect.New(typ)
			if err := yaml.Unmarshal([]byte(shown), got.Interface()); err != nil {
				t.Errorf("README default of %s, `%s`: %v", key, shown, err)
				continue
			}
			if d := cmp.Diff(want, got.Elem().Interface(), cmpopts.EquateEmpty()); d != "" {
				t.Errorf("README default of %s is `%s`, DefaultConfig's differs (-real +README):\n%s", key, shown, d)
			}
		}
	}
	for key := range fields {
		if !listed[key] {
			t.Errorf("README's configuration tables do not list %s", key)
		}
	}
}

type readmeRow struct {
	keys, defaults []string
}

// readmeTable reads the first table after heading: its key and default
// columns, with prefix put before each key.
func readmeTable(t *testing.T, readme, heading, prefix string) []readmeRow {
	t.Helper()
	_, after, ok := strings.Cut(readme, heading)
	if !ok {
		t.Fatalf("README has no %q", strings.TrimSpace(heading))
	}
	var rows []readmeRow
	started := false
	for line := range strings.Lines(after) {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "|") {
			if started {
				break
			}
			continue
		}
		started = true
		cells := strings.Split(strings.Trim(line, "|"), "|")
		if len(cells) < 2 || strings.Contains(cells[0], "---") || strings.TrimSpace(cells[0]) == "key" {
			continue
		}
		var row readmeRow
		for _, k := range backticked(cells[0]) {
			row.keys = append(row.keys, prefix+k)
		}
		row.defaults = backticked(cells[1])
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		t.Fatalf("README: no table after %q", strings.TrimSpace(heading))
	}
	return rows
}

var backtickRE = regexp.MustCompile("`([^`]*)`")

func backticked(s string) []string {
	var out []string
	for _, m := range backtickRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	return out
}

// fieldValue returns the value of the dotted yaml key in cfg.
func fieldValue(cfg Config, key string) any {
	v := reflect.ValueOf(cfg)
	for name := range strings.SplitSeq(key, ".") {
		v = v.FieldByIndex(yamlFields(v.Type())[name].Index)
	}
	return v.Interface()
}

// yamlLineBreak is what YAML counts as the end of a line.
var yamlLineBreak = regexp.MustCompile("\r\n|\r|\n")

// FuzzParseConfig: Parse never panics, and every error it returns is
// located in _config.yaml, at a line and column inside the input.
func FuzzParseConfig(f *testing.F) {
	for _, file := range []string{"../_config.yaml", "../cmd/blog/scaffold/config.yaml"} {
		src, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(src)
	}
	for _, s := range []string{
		"site: {title: &t T, author: *t}\n",
		"build:\n  hooks:\n    pre_build: [&h {run: ls}]\n    post_build: [{<<: *h, name: x}]\n",
		"widget: {heartbeat: 10m, site: \"a{b}\", path: /, redis: \"redis://%zz\"}\n",
		"build: {max_post_size: 1 parsec, ignore: [\"[\"]}\n",
		"a: *b\n", "---\n---\n", "[1, 2]\n", "site: [\n", "\xff",
	} {
		f.Add([]byte(s))
	}
	root := f.TempDir()
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg := DefaultConfig()
		cfg.Root = root
		err := Parse(src, &cfg)
		if err == nil {
			return
		}
		lines := yamlLineBreak.Split(string(src), -1)
		for _, line := range diag.Lines(err) {
			if !strings.HasPrefix(line, ConfigFile+":") {
				t.Fatalf("Parse(%q): error not located in %s: %s", src, ConfigFile, line)
			}
		}
		var walk func(error)
		walk = func(e error) {
			if j, ok := e.(interface{ Unwrap() []error }); ok {
				for _, e := range j.Unwrap() {
					walk(e)
				}
				return
			}
			var de *diag.Error
			if !errors.As(e, &de) {
				t.Fatalf("Parse(%q): error without a position: %v", src, e)
			}
			p := de.Pos
			if p.Line < 1 || p.Line > len(lines) || p.Col < 0 || p.Col > len(lines[p.Line-1])+1 {
				t.Fatalf("Parse(%q): position %d:%d outside the input: %v", src, p.Line, p.Col, e)
			}
		}
		walk(err)
	})
}

// TestConfigErrorCauses: causes are wrapped, not retold: errors.Is and
// errors.As reach them through Load and Parse.
func TestConfigErrorCauses(t *testing.T) {
	t.Parallel()
	_, err := Load(t.TempDir())
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(empty dir) = %v, want an error wrapping fs.ErrNotExist", err)
	}
	_, err = parseConfig(t, "highlight: {style: monokia}\n")
	if !errors.Is(err, highlight.ErrUnknownStyle) {
		t.Errorf("unknown style: %v, want an error wrapping highlight.ErrUnknownStyle", err)
	}
	var te *yaml.TypeError
	if _, err = parseConfig(t, "build: {paginate: ten}\n"); !errors.As(err, &te) {
		t.Errorf("type error: %v, want an error wrapping *yaml.TypeError", err)
	}
	_, err = parseConfig(t, "widget: {redis: \"redis://r/x\"}\n")
	if cause := redisURLProblem("redis://r/x"); !hasCause(err, cause) {
		t.Errorf("bad Redis URL: %v, want go-redis's %q as a cause", err, cause)
	}
	_, err = parseConfig(t, "site: {timezone: Mars/Olympus}\n")
	if _, cause := time.LoadLocation("Mars/Olympus"); !hasCause(err, cause) {
		t.Errorf("unknown zone: %v, want the time package's %q as a cause", err, cause)
	}
	var de *diag.Error
	if _, err = parseConfig(t, "x: [\n"); !errors.As(err, &de) || !errors.As(err, new(yaml.Error)) {
		t.Errorf("syntax error: %v, want a *diag.Error wrapping go-yaml's error", err)
	}
}

// hasCause reports whether an error with cause's message is in err's tree.
func hasCause(err, cause error) bool {
	if err == nil {
		return false
	}
	if err.Error() == cause.Error() {
		return true
	}
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			if hasCause(e, cause) {
				return true
			}
		}
	case interface{ Unwrap() error }:
		return hasCause(u.Unwrap(), cause)
	}
	return false
}

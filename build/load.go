package build

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/highlight"
)

// ConfigFile is the name of the configuration file at a site's root.
const ConfigFile = "_config.yaml"

// Load reads root/_config.yaml over [DefaultConfig] and validates it.
// Errors name _config.yaml with the line and column of the bad key or
// value. A missing file is an error: it is what makes a directory a blog.
func Load(root string) (Config, error) {
	cfg := DefaultConfig()
	cfg.Root = root
	src, err := os.ReadFile(filepath.Join(root, ConfigFile))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return cfg, fmt.Errorf("%s: no %s here: not a blog (run blog init to make one)", root, ConfigFile)
		}
		return cfg, err
	}
	if err := Parse(src, &cfg); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// Parse decodes the YAML configuration src over cfg and validates the
// result. Errors are located in _config.yaml. Anchors, aliases and merge
// keys are resolved as YAML says, within the bounds of [diag.ParseYAML].
func Parse(src []byte, cfg *Config) error {
	f, err := diag.ParseYAML(ConfigFile, 0, src)
	if err != nil {
		return err
	}
	var body ast.Node
	for _, doc := range f.Docs {
		switch {
		case doc.Body == nil:
		case body != nil:
			return &diag.Error{Pos: nodePos(doc.Body), Err: errors.New("a second YAML document: the configuration is one document")}
		default:
			body = doc.Body
		}
	}
	if body == nil {
		return cfg.validate(newKeyPositions())
	}
	positions := newKeyPositions()
	var errs diag.List
	checkKeys(body, reflect.TypeFor[Config](), "", positions, &errs)
	if errs.Len() > 0 {
		return errs.Err()
	}
	if err := yaml.NodeToValue(body, cfg); err != nil {
		return typeError(err, positions)
	}
	var verrs diag.List
	verrs.Add(cfg.validate(positions))
	verrs.Add(checkPermalink(src, cfg.Build.Permalink, positions.at["build.permalink"]))
	return verrs.Err()
}

// keyPositions locates the keys of a configuration file, for errors
// found after decoding.
type keyPositions struct {
	at      map[string]diag.Pos     // dotted key → where errors about its value go
	written map[diag.Pos][]typedKey // where a value is written → the keys that have it (several when aliased)
}

type typedKey struct {
	key string
	typ reflect.Type
}

func newKeyPositions() keyPositions {
	return keyPositions{at: map[string]diag.Pos{}, written: map[diag.Pos][]typedKey{}}
}

// add records the value node of key, written under the key node k. An
// aliased value is written above its key, at its anchor: errors about it
// go to the key.
func (p keyPositions) add(key string, typ reflect.Type, k, value ast.Node) {
	kp, vp := nodePos(k), nodePos(value)
	at := vp
	if vp.Line < kp.Line || vp.Line == kp.Line && vp.Col < kp.Col {
		at = kp
	}
	p.at[key] = at
	p.written[vp] = append(p.written[vp], typedKey{key, typ})
}

// keyOf returns the key whose value is written at pos and decodes into
// typ (an aliased value written once may be several keys' values).
func (p keyPositions) keyOf(pos diag.Pos, typ reflect.Type) (string, bool) {
	keys := p.written[pos]
	for _, k := range keys {
		if k.typ == typ {
			return k.key, true
		}
	}
	if len(keys) > 0 {
		return keys[0].key, true
	}
	return "", false
}

// typeError rewrites a decoding error to name the key and the expected
// type ("build.paginate: want a whole number, not ten") where it can.
func typeError(err error, positions keyPositions) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) || te.Token == nil || te.Token.Position == nil {
		return diag.FromYAML(ConfigFile, 0, err)
	}
	pos := diag.Pos{File: ConfigFile, Line: te.Token.Position.Line, Col: te.Token.Position.Column}
	want := "a " + te.DstType.String()
	switch te.DstType.Kind() {
	case reflect.Int, reflect.Int64:
		want = "a whole number"
		if te.DstType == reflect.TypeFor[time.Duration]() {
			want = "a duration such as 30s or 5m"
		}
	case reflect.Bool:
		want = "true or false"
	case reflect.String:
		want = "a string"
	case reflect.Slice:
		want = "a list"
	case reflect.Struct:
		want = "a mapping of keys to values"
	}
	msg := fmt.Sprintf("want %s, not %q", want, te.Token.Value)
	if key, ok := positions.keyOf(pos, te.DstType); ok {
		pos, msg = positions.at[key], key+": "+msg
	}
	return &diag.Error{Pos: pos, Err: &valueError{msg: msg, err: err}}
}

// valueError is a value the decoder could not store, said in our words;
// the decoder's error stays reachable with errors.As.
type valueError struct {
	msg string
	err error
}

func (e *valueError) Error() string { return e.msg }
func (e *valueError) Unwrap() error { return e.err }

// UnmarshalYAML reads a hook written as a string (the command) or as a
// mapping {name, run, timeout}. It implements go-yaml's NodeUnmarshaler:
// it reads the node, which [Parse] has resolved, not its text.
func (h *Hook) UnmarshalYAML(n ast.Node) error {
	for {
		t, ok := n.(*ast.TagNode)
		if !ok {
			break
		}
		n = t.Value
	}
	switch n.(type) {
	case ast.MapNode:
		type plain Hook // without this method
		var p plain
		if err := yaml.NodeToValue(n, &p, yaml.DisallowUnknownField()); err != nil {
			return err
		}
		*h = Hook(p)
		return nil
	case *ast.NullNode:
		*h = Hook{}
		return nil
	}
	var run string
	if err := yaml.NodeToValue(n, &run); err != nil {
		return err
	}
	*h = Hook{Run: run}
	return nil
}

// checkKeys walks the YAML node n alongside the Go type t, reporting keys
// that name no field (with the closest field name as a suggestion) and
// recording where each dotted key path is, for value errors. n has its
// aliases resolved (see [diag.ParseYAML]).
func checkKeys(n ast.Node, t reflect.Type, prefix string, positions keyPositions, errs *diag.List) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v, ok := n.(*ast.TagNode); ok {
		checkKeys(v.Value, t, prefix, positions, errs)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		if t == reflect.TypeFor[time.Time]() {
			return
		}
		m, ok := n.(ast.MapNode)
		if !ok {
			if t == reflect.TypeFor[Hook]() {
				return // a hook may be a plain string
			}
			if _, null := n.(*ast.NullNode); null {
				return
			}
			errs.Add(&diag.Error{Pos: nodePos(n), Err: fmt.Errorf("%s: want a mapping of keys to values", strings.TrimSuffix(prefix, "."))})
			return
		}
		fields := yamlFields(t)
		it := m.MapRange()
		for it.Next() {
			key := diag.KeyString(it.Key())
			f, ok := fields[key]
			if !ok {
				msg := fmt.Sprintf("unknown key %q", prefix+key)
				if s := suggest(key, fields); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", prefix+s)
				}
				errs.Add(&diag.Error{Pos: nodePos(it.Key()), Err: errors.New(msg)})
				continue
			}
			positions.add(prefix+key, f.Type, it.Key(), it.Value())
			checkKeys(it.Value(), f.Type, prefix+key+".", positions, errs)
		}
	case reflect.Slice:
		seq, ok := n.(*ast.SequenceNode)
		if !ok {
			return // a type error; the decoder reports it with its position
		}
		for i, item := range seq.Values {
			checkKeys(item, t.Elem(), fmt.Sprintf("%s%d.", prefix, i), positions, errs)
		}
	}
}

func nodePos(n ast.Node) diag.Pos {
	tk := n.GetToken()
	if tk == nil || tk.Position == nil {
		return diag.Pos{File: ConfigFile}
	}
	return diag.Pos{File: ConfigFile, Line: tk.Position.Line, Col: tk.Position.Column}
}

func yamlFields(t reflect.Type) map[string]reflect.StructField {
	fields := make(map[string]reflect.StructField)
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		fields[name] = f
	}
	return fields
}

// suggest returns the field name closest to key, or "" when none is within
// a third of its length (at least one edit; a swap of two letters is one).
func suggest(key string, fields map[string]reflect.StructField) string {
	best, bestD := "", max(1, len(key)/3)+1
	for name := range fields {
		d := editDistance(strings.ToLower(key), name)
		if d < bestD || d == bestD && name < best {
			best, bestD = name, d
		}
	}
	return best
}

// editDistance is the optimal string alignment distance: insertions,
// deletions, substitutions and swaps of neighbours each cost one.
func editDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

// validate checks values the types cannot, locating errors with the key
// positions recorded while checking keys.
func (c *Config) validate(positions keyPositions) error {
	var errs diag.List
	bad := func(key, format string, args ...any) {
		pos, ok := positions.at[key]
		if !ok {
			pos = diag.Pos{File: ConfigFile}
		}
		errs.Add(&diag.Error{Pos: pos, Err: fmt.Errorf(key+": "+format, args...)})
	}
	u, err := url.Parse(c.Site.URL)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		bad("site.url", "want an absolute URL such as https://example.com/, not %q", c.Site.URL)
	default:
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		c.Site.URL = u.String()
	}
	if _, err := time.LoadLocation(c.Site.Timezone); err != nil {
		bad("site.timezone", "unknown time zone %q: want an IANA name such as Europe/Paris or UTC", c.Site.Timezone)
	}
	if msg := c.outputProblem(); msg != "" {
		bad("build.output", "%s", msg)
	}
	c.checkTOC(bad)
	if c.Build.Paginate < 1 {
		bad("build.paginate", "want a number of posts per page of 1 or more, not %d", c.Build.Paginate)
	}
	for _, key := range []struct{ name, val string }{{"build.posts", c.Build.Posts}, {"build.output", c.Build.Output}} {
		if strings.TrimSpace(key.val) == "" {
			bad(key.name, "must not be empty")
		}
	}
	for i, g := range c.Build.Ignore {
		if _, err := filepath.Match(g, ""); err != nil {
			bad(fmt.Sprintf("build.ignore.%d", i), "bad glob pattern %q", g)
		}
	}
	for i, kind := range c.Build.Disable {
		if !slices.Contains(pageKinds, kind) {
			bad(fmt.Sprintf("build.disable.%d", i), "unknown page kind %q: want one of %s", kind, strings.Join(pageKinds, ", "))
		}
	}
	for _, list := range []struct {
		name  string
		hooks []Hook
	}{{"build.hooks.pre_build", c.Build.Hooks.PreBuild}, {"build.hooks.post_build", c.Build.Hooks.PostBuild}} {
		for i := range list.hooks {
			h := &list.hooks[i]
			if strings.TrimSpace(h.Run) == "" {
				bad(fmt.Sprintf("%s.%d", list.name, i), "want a command to run")
				continue
			}
			if h.Name == "" {
				h.Name = strings.Fields(h.Run)[0]
			}
			if h.Timeout <= 0 {
				h.Timeout = 60 * time.Second
			}
		}
	}
	for _, s := range []struct{ key, name string }{{"highlight.style", c.Highlight.Style}, {"highlight.dark_style", c.Highlight.DarkStyle}} {
		if s.name == "" && s.key == "highlight.dark_style" {
			continue
		}
		if _, err := highlight.New(highlight.Options{Style: s.name}); err != nil {
			bad(s.key, "%s", strings.TrimPrefix(err.Error(), "highlight: "))
		}
	}
	if c.Highlight.TabWidth < 1 || c.Highlight.TabWidth > 16 {
		bad("highlight.tab_width", "want 1 to 16, not %d", c.Highlight.TabWidth)
	}
	if c.Feeds.Items < 1 {
		bad("feeds.items", "want 1 or more, not %d", c.Feeds.Items)
	}
	if c.Widget.Strategy != "zset" && c.Widget.Strategy != "sets" {
		bad("widget.strategy", "want zset or sets, not %q", c.Widget.Strategy)
	}
	if !strings.HasPrefix(c.Widget.Path, "/") || strings.ContainsAny(c.Widget.Path, "?#") {
		bad("widget.path", "want a path starting with /, such as /_online, not %q", c.Widget.Path)
	}
	c.Widget.Path = "/" + strings.Trim(c.Widget.Path, "/")
	if c.Widget.Window < time.Second {
		bad("widget.window", "want a duration of at least 1s, such as 5m, not %s", c.Widget.Window)
	}
	if c.Widget.Heartbeat < time.Second {
		bad("widget.heartbeat", "want a duration of at least 1s, such as 60s, not %s", c.Widget.Heartbeat)
	}
	if c.Widget.Redis != "" {
		if _, err := url.Parse(c.Widget.Redis); err != nil || !strings.HasPrefix(c.Widget.Redis, "redis") && !strings.HasPrefix(c.Widget.Redis, "unix") {
			bad("widget.redis", "want a URL such as redis://localhost:6379/0, not %q", c.Widget.Redis)
		}
	}
	if c.Deploy.Keep < 1 {
		bad("deploy.keep", "want 1 or more releases, not %d", c.Deploy.Keep)
	}
	return errs.Err()
}

// outputProblem says why the output directory cannot be used, or "". A
// build replaces the whole output directory, so it must not be the site,
// hold the site, or overlap a source directory or the cache: any of those
// would be deleted.
func (c *Config) outputProblem() string {
	root, err1 := filepath.Abs(c.Root)
	out, err2 := filepath.Abs(c.OutputDir())
	if err1 != nil || err2 != nil {
		return ""
	}
	within := func(a, b string) bool { // a is b or inside b
		r, err := filepath.Rel(b, a)
		return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
	}
	if within(root, out) {
		return fmt.Sprintf("%q would hold the site itself, and every build replaces the output directory: use a directory of its own, such as _site", c.Build.Output)
	}
	for _, d := range []struct{ key, dir string }{
		{"build.posts", c.Build.Posts}, {"build.pages", c.Build.Pages}, {"build.templates", c.Build.Templates},
		{"build.static", c.Build.Static}, {"the cache", CacheDir},
	} {
		dir, err := filepath.Abs(c.path(d.dir))
		// An output inside the cache is fine (deploys build there); the
		// cache inside the output is not.
		inside := within(out, dir) && d.dir != CacheDir
		if err == nil && (inside || within(dir, out)) {
			return fmt.Sprintf("%q overlaps %s (%s), and every build replaces the output directory: use a directory of its own, such as _site", c.Build.Output, d.key, d.dir)
		}
	}
	return ""
}

// Location returns the site's time zone. The zone was checked by [Load].
func (c *Config) Location() *time.Location {
	loc, err := time.LoadLocation(c.Site.Timezone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// path resolves a configured directory against the site root.
func (c *Config) path(p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(c.Root, p)
}

// OutputDir is the absolute or root-relative path of the output directory.
func (c *Config) OutputDir() string { return c.path(c.Build.Output) }

func relTo(dir, p string) (string, error) {
	r, err := filepath.Rel(dir, p)
	return filepath.ToSlash(r), err
}

package build_test

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/internal/testenv"
)

// equivSite is a generated site for the randomized equivalence test.
type equivSite struct {
	t     *testing.T
	root  string
	rng   *rand.Rand
	posts []string // file names under posts/
	clock time.Time
	next  int
	rst   bool   // some posts are reStructuredText
	rstPy string // rst.python: the interpreter itself, not a wrapper's start-up per build
	// changed lists the paths written, removed or renamed since the last
	// take, as a watcher would report them.
	changed []string
}

// take returns the paths changed since the last take.
func (s *equivSite) take() []string {
	c := s.changed
	s.changed = []string{}
	return c
}

var words = strings.Fields("alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon")

func (s *equivSite) sentence(n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[s.rng.IntN(len(words))])
	}
	return b.String()
}

func (s *equivSite) tags() string {
	var tags []string
	for range s.rng.IntN(3) + 1 {
		tags = append(tags, words[s.rng.IntN(6)])
	}
	if s.rng.IntN(2) == 0 {
		return "[" + strings.Join(tags, ", ") + "]"
	}
	return strings.Join(tags, ", ")
}

// post writes a post's source: front matter in YAML or (toml) TOML, the
// body in Markdown or (html) HTML.
func (s *equivSite) post(toml, html bool) string {
	var b strings.Builder
	delim := "---\n"
	if toml {
		delim = "+++\n"
	}
	line := func(key, value string) { b.WriteString(fmLine(toml, key, value)) }
	b.WriteString(delim)
	line("title", s.sentence(3))
	line("date", fmt.Sprintf("2026-%02d-%02d %02d:00", s.rng.IntN(6)+1, s.rng.IntN(28)+1, s.rng.IntN(24)))
	line("tags", s.tags())
	line("categories", words[s.rng.IntN(3)])
	if s.rng.IntN(8) == 0 {
		line("draft", "true")
	}
	if s.rng.IntN(4) == 0 {
		line("summary", s.sentence(5))
	}
	if s.rng.IntN(3) == 0 {
		line("series", fmt.Sprintf("Series %d", s.rng.IntN(2)))
	}
	b.WriteString(delim)
	code := fmt.Sprintf("func %s() int { return %d }", words[s.rng.IntN(len(words))], s.rng.IntN(100))
	if html {
		fmt.Fprintf(&b, "<p>%s.</p>\n", s.sentence(12))
		if s.rng.IntN(2) == 0 {
			b.WriteString("<!--more-->\n")
		}
		fmt.Fprintf(&b, "<h2>%s</h2>\n<pre><code>%s</code></pre>\n<p>%s.</p>\n", s.sentence(2), code, s.sentence(20))
		return b.String()
	}
	fmt.Fprintf(&b, "%s.\n\n", s.sentence(12))
	if s.rng.IntN(2) == 0 {
		b.WriteString("<!--more-->\n\n")
	}
	fmt.Fprintf(&b, "```go\n%s\n```\n\n%s.\n", code, s.sentence(20))
	return b.String()
}

// fmLine is one front matter line, its value written as YAML: in TOML a
// true stays, a [list] becomes a list of strings and the rest a string.
func fmLine(toml bool, key, value string) string {
	if !toml {
		return key + ": " + value + "\n"
	}
	switch {
	case value == "true":
	case strings.HasPrefix(value, "["):
		var items []string
		for item := range strings.SplitSeq(strings.Trim(value, "[]"), ",") {
			items = append(items, strconv.Quote(strings.TrimSpace(item)))
		}
		value = "[" + strings.Join(items, ", ") + "]"
	default:
		value = strconv.Quote(value)
	}
	return key + " = " + value + "\n"
}

// isTOML reports whether a post's source has TOML front matter.
func isTOML(src string) bool { return strings.HasPrefix(src, "+++\n") }

// delimOf is the front matter's opening line.
func delimOf(src string) string {
	if isTOML(src) {
		return "+++\n"
	}
	return "---\n"
}

// write writes a site file and gives it a new modification time, as an
// editor's save would; times are in the past so the cache trusts them.
func (s *equivSite) write(name, data string) {
	s.t.Helper()
	p := filepath.Join(s.root, name)
	writeFile(s.t, p, []byte(data))
	s.changed = append(s.changed, name)
	s.clock = s.clock.Add(time.Second)
	if err := os.Chtimes(p, s.clock, s.clock); err != nil {
		s.t.Fatal(err)
	}
}

// rstPost is a reStructuredText post, its front matter YAML or a field
// list, with a code directive and a literal block.
func (s *equivSite) rstPost() string {
	var b strings.Builder
	fields := s.rng.IntN(2) == 0
	if !fields {
		b.WriteString("---\n")
	}
	field := func(key, format string, args ...any) {
		if fields {
			b.WriteByte(':')
		}
		fmt.Fprintf(&b, key+": "+format+"\n", args...)
	}
	field("title", "%s", s.sentence(3))
	field("date", "2026-%02d-%02d %02d:00", s.rng.IntN(6)+1, s.rng.IntN(28)+1, s.rng.IntN(24))
	field("tags", "%s", strings.Trim(s.tags(), "[]"))
	if s.rng.IntN(4) == 0 {
		field("summary", "%s", s.sentence(5))
	}
	if !fields {
		b.WriteString("---\n")
	}
	fmt.Fprintf(&b, "\n%s.\n\n", s.sentence(12))
	if s.rng.IntN(2) == 0 {
		b.WriteString(".. more\n\n")
	}
	fmt.Fprintf(&b, ".. code-block:: go\n   :linenos:\n   :emphasize-lines: 1\n\n   func %s() int { return %d }\n\n", words[s.rng.IntN(len(words))], s.rng.IntN(100))
	fmt.Fprintf(&b, "%s::\n\n   x = %d\n", s.sentence(6), s.rng.IntN(100))
	return b.String()
}

// newPost adds a post: Markdown with YAML or TOML front matter, an HTML
// post, a page bundle with files beside its index, or reStructuredText.
func (s *equivSite) newPost() {
	n := s.next
	s.next++
	kind := s.rng.IntN(6)
	name := fmt.Sprintf("p%03d.md", n)
	switch {
	case kind == 4:
		name = fmt.Sprintf("p%03d.html", n)
	case kind == 5:
		name = fmt.Sprintf("b%03d/index.md", n)
	case s.rng.IntN(3) == 0:
		name = fmt.Sprintf("2026-0%d-1%d-jekyll-%d.md", s.rng.IntN(6)+1, s.rng.IntN(9), n)
	}
	rst := s.rst && kind < 4 && s.rng.IntN(2) == 0
	if rst {
		name = strings.TrimSuffix(name, ".md") + ".rst"
	}
	s.posts = append(s.posts, name)
	post := s.post(kind == 3, kind == 4)
	if rst {
		post = s.rstPost()
	}
	if s.rng.IntN(3) == 0 { // a moved post: its redirect pages show its title and URL
		post = strings.Replace(post, delimOf(post), delimOf(post)+fmLine(isTOML(post), "aliases", "/old/"+postStem(name)+"/"), 1)
	}
	if kind == 5 { // the photo in the summary (shown on the index) or below it
		if s.rng.IntN(2) == 0 {
			d := delimOf(post)
			body := len(d) + strings.Index(post[len(d):], d) + len(d)
			post = post[:body] + "![a photo](photo.jpg) " + post[body:]
		} else {
			post += "\n![a photo](photo.jpg)\n"
		}
		s.write("posts/"+path.Dir(name)+"/photo.jpg", s.sentence(3))
	}
	if kind == 4 && s.rng.IntN(2) == 0 { // a photo beside it, published under _img/ with its copies
		jpg := postStem(name) + ".jpg"
		s.write("posts/"+jpg, string(jpegBytes(s.t, 300+s.rng.IntN(400), 100)))
		post += fmt.Sprintf("<p><img src=%q alt=\"a photo\"></p>\n", jpg)
	}
	s.write("posts/"+name, post)
}

// postStem is the name of a post's file or bundle without its ending.
func postStem(name string) string {
	if d, ok := strings.CutSuffix(name, "/index.md"); ok {
		return d
	}
	return strings.TrimSuffix(name, path.Ext(name))
}

func (s *equivSite) pick() string { return s.posts[s.rng.IntN(len(s.posts))] }

// edit makes one random change and says what it was.
func (s *equivSite) edit() string {
	read := func(name string) string { return string(readFile(s.t, filepath.Join(s.root, name))) }
	replaceLine := func(name, key, value string) {
		var out []string
		src := read(name)
		for l := range strings.Lines(src) {
			if strings.HasPrefix(l, key+":") || strings.HasPrefix(l, key+" =") {
				l = fmLine(isTOML(src), key, value)
			} else if strings.HasPrefix(l, ":"+key+":") { // a reST field
				l = ":" + fmLine(false, key, value)
			}
			out = append(out, l)
		}
		s.write(name, strings.Join(out, ""))
	}
	switch s.rng.IntN(18) {
	case 0, 1:
		name := "posts/" + s.pick()
		more := s.sentence(8) + "."
		if strings.HasSuffix(name, ".html") {
			more = "<p>" + more + "</p>"
		}
		s.write(name, read(name)+"\n"+more+"\n")
		return "body of " + name
	case 2:
		name := "posts/" + s.pick()
		replaceLine(name, "title", s.sentence(2))
		return "title of " + name
	case 3:
		name := "posts/" + s.pick()
		replaceLine(name, "date", fmt.Sprintf("2026-%02d-%02d", s.rng.IntN(6)+1, s.rng.IntN(28)+1))
		return "date of " + name
	case 4:
		name := "posts/" + s.pick()
		replaceLine(name, "tags", s.tags())
		return "tags of " + name
	case 5:
		name := "posts/" + s.pick()
		c := read(name)
		draft := fmLine(isTOML(c), "draft", "true")
		if strings.HasPrefix(c, ":") { // reST fields
			if s, ok := strings.CutPrefix(c, ":status: draft\n"); ok {
				c = s
			} else {
				c = ":status: draft\n" + c
			}
		} else if strings.Contains(c, draft) {
			c = strings.Replace(c, draft, "", 1)
		} else {
			c = strings.Replace(c, delimOf(c), delimOf(c)+draft, 1)
		}
		s.write(name, c)
		return "draft flag of " + name
	case 6:
		s.newPost()
		return "new post " + s.posts[len(s.posts)-1]
	case 7:
		if len(s.posts) < 3 {
			return "nothing"
		}
		i := s.rng.IntN(len(s.posts))
		name := s.posts[i]
		s.posts = append(s.posts[:i], s.posts[i+1:]...)
		gone := filepath.Join(s.root, "posts", name)
		if path.Base(name) == "index.md" {
			gone = filepath.Dir(gone) // the whole bundle
		}
		if err := os.RemoveAll(gone); err != nil {
			s.t.Fatal(err)
		}
		s.changed = append(s.changed, "posts/"+name)
		if path.Base(name) == "index.md" {
			s.changed = append(s.changed, "posts/"+path.Dir(name))
		}
		return "deleted " + name
	case 8:
		i := s.rng.IntN(len(s.posts))
		old, from := s.posts[i], s.posts[i]
		s.posts[i] = fmt.Sprintf("renamed%03d%s", s.next, path.Ext(old))
		if path.Base(old) == "index.md" { // the bundle's directory
			from, s.posts[i] = path.Dir(old), fmt.Sprintf("renamed%03d/index.md", s.next)
		}
		s.next++
		if err := os.Rename(filepath.Join(s.root, "posts", from), filepath.Join(s.root, "posts", strings.TrimSuffix(s.posts[i], "/index.md"))); err != nil {
			s.t.Fatal(err)
		}
		s.changed = append(s.changed, "posts/"+old, "posts/"+s.posts[i], "posts/"+from, "posts/"+path.Dir(s.posts[i]))
		return "renamed " + old
	case 9:
		s.write("templates/post.html", fmt.Sprintf("{{define \"main\"}}<h1>{{.Post.Title}}</h1><p>v%d</p>{{.Post.Content}}{{end}}{{template \"base\" .}}", s.rng.IntN(1000)))
		return "template"
	case 10:
		disable := []string{"[]", "[search]"}[s.rng.IntN(2)]
		s.write("_config.yaml", fmt.Sprintf("site: {title: Site %d, url: \"https://example.com/\"}\nbuild: {paginate: %d, disable: %s}\nfeeds: {items: %d}\nrelated: {count: %d}\nwidget: {enabled: true}\nrst: {literal_language: %q, python: %q}\n", s.rng.IntN(3), s.rng.IntN(4)+2, disable, s.rng.IntN(5)+3, s.rng.IntN(4), []string{"", "python"}[s.rng.IntN(2)], s.rstPy))
		return "config"
	case 11:
		return s.editImage()
	case 17: // a series joined, changed or left: every page of both series shows it
		name := "posts/" + s.pick()
		var kept []string
		for l := range strings.Lines(read(name)) {
			if !strings.HasPrefix(l, "series:") {
				kept = append(kept, l)
			}
		}
		c := strings.Join(kept, "")
		if n := s.rng.IntN(3); n < 2 {
			c = strings.Replace(c, "---\n", fmt.Sprintf("---\nseries: Series %d\n", n), 1)
		}
		s.write(name, c)
		return "series of " + name
	case 12, 13:
		return s.editAliases()
	case 14, 15:
		return s.editBundle()
	case 16:
		name := fmt.Sprintf("posts/stray%d.xml", s.rng.IntN(2))
		if _, err := os.Stat(filepath.Join(s.root, name)); err == nil {
			if err := os.Remove(filepath.Join(s.root, name)); err != nil {
				s.t.Fatal(err)
			}
			s.changed = append(s.changed, name)
			return "removed not-a-post " + name
		}
		s.write(name, "<rss/>")
		return "not-a-post " + name
	default:
		s.write("static/files/f"+strconv.Itoa(s.rng.IntN(3))+".txt", s.sentence(4))
		return "static file"
	}
}

// TestIncrementalEquivalence makes random edits to a generated site and
// after each compares an incremental build with a clean full build, byte
// for byte. BLOG_EQUIV_SEEDS raises the number of seeds.
func TestIncrementalEquivalence(t *testing.T) { equivalence(t, 3, true, "", runBuilder) }

// TestIncrementalEquivalenceRST is TestIncrementalEquivalence with half
// the posts in reStructuredText, converted by docutils: one seed, as
// every step's full build starts Python again.
func TestIncrementalEquivalenceRST(t *testing.T) {
	equivalence(t, 1, true, testenv.Docutils(t), runBuilder)
}

// runBuilder builds with build.Run, as blog build does.
func runBuilder(t *testing.T, _ *equivSite) builder {
	return func(cfg build.Config, opts build.Options, _ []string) (build.Result, error) {
		return build.Run(t.Context(), cfg, opts)
	}
}

// TestSessionEquivalence drives a build session, as blog serve does,
// through the same random edits, telling it the changed paths; now and
// then the session saves its state, and a `blog build` runs in between,
// which the session must notice. Half the seeds have a pre-build hook,
// which makes the session list every source.
func TestSessionEquivalence(t *testing.T) {
	for _, hooks := range []bool{false, true} {
		t.Run(fmt.Sprintf("hooks=%v", hooks), func(t *testing.T) {
			equivalence(t, 3, hooks, "", func(t *testing.T, s *equivSite) builder {
				sess := build.NewSession()
				sess.PersistAfter = time.Hour // saved only where the test says
				var log bytes.Buffer
				logger := slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
				t.Cleanup(func() {
					if err := sess.Close(); err != nil {
						t.Error(err)
					}
					// The session's own paths were taken, not only the
					// fallbacks: some build started from the state in
					// memory, and without hooks some re-stated only the
					// changed sources.
					if !strings.Contains(log.String(), "cache state from the session") {
						t.Error("no build used the session's cache state")
					}
					if !hooks && !strings.Contains(log.String(), "sources re-stated") {
						t.Error("no build re-stated only the changed sources")
					}
					if !strings.Contains(log.String(), "site model from the session") {
						t.Error("no build took the session's site model")
					}
					if !strings.Contains(log.String(), "theme from the session") {
						t.Error("no build took the session's parsed theme")
					}
				})
				return func(cfg build.Config, opts build.Options, changed []string) (build.Result, error) {
					opts.Logger = logger
					switch s.rng.IntN(6) {
					case 0:
						if err := sess.Close(); err != nil {
							return build.Result{}, err
						}
					case 1: // another process builds the site meanwhile
						if _, err := build.Run(t.Context(), cfg, opts); err != nil {
							return build.Result{}, err
						}
					}
					return sess.Run(t.Context(), cfg, opts, changed)
				}
			})
		})
	}
}

// builder makes one incremental build of the site told what changed.
type builder func(cfg build.Config, opts build.Options, changed []string) (build.Result, error)

func equivalence(t *testing.T, seeds int, hooks bool, python string, newBuilder func(*testing.T, *equivSite) builder) {
	if n, err := strconv.Atoi(os.Getenv("BLOG_EQUIV_SEEDS")); err == nil {
		seeds = n
	}
	for seed := range seeds {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			t.Parallel()
			s := &equivSite{t: t, root: t.TempDir(), rng: rand.New(rand.NewPCG(uint64(seed), 7)), clock: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), rst: python != "", rstPy: python}
			if python == "" {
				s.rstPy = "python3"
			}
			config := "site: {title: Site, url: \"https://example.com/\"}\nwidget: {enabled: true}\nrst: {python: " + strconv.Quote(s.rstPy) + "}\nbuild:\n  paginate: 3\n"
			if hooks {
				config += "  hooks:\n    pre_build: [\"sh -c 'echo \\\"---\\ntitle: Hooked\\ndate: 2026-01-01\\n---\\nfrom $BLOG_MODE\\\" > posts/hook.md'\"]\n"
			}
			s.write("_config.yaml", config)
			for range 12 {
				s.newPost()
			}
			run := newBuilder(t, s)
			afterInexact := false // the last step's build met a lexer timeout: this one is full by design
			for step := range 15 {
				what := "initial"
				var changed []string
				if step > 0 {
					what = s.edit()
					changed = s.take()
				} else {
					s.take()
				}
				cfg, err := build.Load(s.root)
				if err != nil {
					t.Fatalf("step %d (%s): %v", step, what, err)
				}
				// The program's asset (the widget's script) changes now and
				// then, as it does between versions of blog: its new URL
				// is in every page.
				asset := build.Asset{Name: "js/whos-online.js", Data: fmt.Appendf(nil, "/* v%d */", step/5)}
				opts := build.Options{Now: func() time.Time { return testNow }, Assets: []build.Asset{asset}}
				res, err := run(cfg, opts, changed)
				if err != nil {
					t.Fatalf("step %d (%s): incremental build: %v", step, what, err)
				}
				fullCfg := cfg
				fullCfg.Build.Output = filepath.Join(t.TempDir(), "full")
				opts.NoCache = true
				full, err := build.Run(t.Context(), fullCfg, opts)
				// On a busy machine chroma's lexer can time out; the build
				// then warns, writes its best try and makes the next build
				// a full one (see highlight). That is the machine, not a
				// difference between the builds: the full build is made
				// again, and a step whose incremental build met it is not
				// compared.
				for try := 0; err == nil && inexact(full.Warnings) && try < 3; try++ {
					full, err = build.Run(t.Context(), fullCfg, opts)
				}
				if err != nil {
					t.Fatalf("step %d (%s): full build: %v", step, what, err)
				}
				wasInexact := afterInexact
				afterInexact = inexact(res.Warnings)
				if afterInexact || inexact(full.Warnings) {
					t.Logf("step %d (%s): a lexer timed out on this busy machine; the step is not compared", step, what)
					continue
				}
				if d := cmp.Diff(string(warningLines(full.Warnings)), string(warningLines(res.Warnings))); d != "" {
					t.Errorf("step %d (%s): incremental warnings differ from a full build's (-full +incremental):\n%s", step, what, d)
				}
				if d := cmp.Diff(snapshot(t, fullCfg.Build.Output), snapshot(t, cfg.OutputDir())); d != "" {
					t.Fatalf("step %d (%s, %s): incremental output differs from a full build (-full +incremental):\n%s", step, what, res, d)
				}
				if step > 0 && what != "template" && what != "config" && step%5 != 0 && !wasInexact && res.Full {
					t.Errorf("step %d (%s): a full build (%s), want incremental", step, what, res.Reason)
				}
			}
		})
	}
}

// editAliases gives a random post new aliases (a list, or a redirect_from
// string), or takes them away. Each alias names its post and a number, so
// two posts never claim one path.
func (s *equivSite) editAliases() string {
	name := "posts/" + s.pick()
	c := string(readFile(s.t, filepath.Join(s.root, name)))
	var kept []string
	for l := range strings.Lines(c) {
		if !strings.HasPrefix(l, "aliases") && !strings.HasPrefix(l, "redirect_from") {
			kept = append(kept, l)
		}
	}
	c = strings.Join(kept, "")
	stem := postStem(name[len("posts/"):])
	what := "aliases of " + name + " removed"
	switch s.rng.IntN(3) {
	case 0:
		line := fmLine(isTOML(c), "aliases", fmt.Sprintf("[/old/%s/%d/, /old/%s-%d.html]", stem, s.rng.IntN(3), stem, s.rng.IntN(3)))
		c = strings.Replace(c, delimOf(c), delimOf(c)+line, 1)
		what = "aliases of " + name
	case 1:
		line := fmLine(isTOML(c), "redirect_from", fmt.Sprintf("https://example.com/legacy/%s/%d", stem, s.rng.IntN(3)))
		c = strings.Replace(c, delimOf(c), delimOf(c)+line, 1)
		what = "redirect_from of " + name
	}
	s.write(name, c)
	return what
}

// editImage writes one of three images of a random size (some wider than
// the narrowest copy, some not) and shows it in a random post.
func (s *equivSite) editImage() string {
	img := fmt.Sprintf("img/i%d.png", s.rng.IntN(3))
	s.write("static/"+img, string(pngBytes(s.t, 200+s.rng.IntN(500), 50+s.rng.IntN(50))))
	name := "posts/" + s.pick()
	tag := "![a picture](/" + img + ")"
	if strings.HasSuffix(name, ".html") {
		tag = fmt.Sprintf("<p><img src=\"/%s\" alt=\"a picture\"></p>", img)
	}
	s.write(name, string(readFile(s.t, filepath.Join(s.root, name)))+"\n"+tag+"\n")
	return "image " + img + " in " + name
}

// editBundle changes the files of a random page bundle: a photo's bytes, a
// new file in a subdirectory, or one taken away.
func (s *equivSite) editBundle() string {
	var bundles []string
	for _, p := range s.posts {
		if path.Base(p) == "index.md" {
			bundles = append(bundles, path.Dir(p))
		}
	}
	if len(bundles) == 0 {
		return "nothing"
	}
	dir := "posts/" + bundles[s.rng.IntN(len(bundles))]
	extra := dir + "/img/extra.png"
	switch s.rng.IntN(4) {
	case 0, 1:
		s.write(dir+"/photo.jpg", s.sentence(4))
		return "photo of " + dir
	case 2:
		s.write(extra, s.sentence(2))
		return "new file in " + dir
	}
	if err := os.Remove(filepath.Join(s.root, extra)); err != nil && !os.IsNotExist(err) {
		s.t.Fatal(err)
	}
	s.changed = append(s.changed, extra)
	return "file removed from " + dir
}

// inexact reports whether a build warned that a code block may be
// highlighted wrongly because chroma's lexer timed out.
func inexact(warnings []error) bool {
	for _, w := range warnings {
		if strings.Contains(w.Error(), "may be highlighted wrongly") {
			return true
		}
	}
	return false
}

// newTestSession is a generated site of n posts and a session that saves
// only when closed (which the test's end does), with the options its
// builds take.
func newTestSession(t *testing.T, n int) (root string, cfg build.Config, sess *build.Session, opts build.Options) {
	t.Helper()
	root = genSite(t, n)
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	sess = build.NewSession()
	sess.PersistAfter = time.Hour
	t.Cleanup(func() { sess.Close() })
	return root, cfg, sess, build.Options{Now: func() time.Time { return testNow }}
}

// TestSessionReadsOnlyChanged: a session told what changed reads only
// those sources, even right after building files written a moment ago (a
// fresh clone), whose times fall in the racy window a `blog build` reads
// again; and a change that keeps a file's size and time is still read,
// since the session was told of it. build.Run, not told, reads every file
// of the window.
func TestSessionReadsOnlyChanged(t *testing.T) {
	t.Parallel()
	root, cfg, sess, opts := newTestSession(t, 20)
	if res, err := sess.Run(t.Context(), cfg, opts, nil); err != nil || !res.Full || res.Read != 20 {
		t.Fatalf("first build: %v, %v", res, err)
	}
	post := filepath.Join(root, "posts", "p0007.md")
	fi, err := os.Stat(post)
	if err != nil {
		t.Fatal(err)
	}
	orig, _ := os.ReadFile(post)
	edited := bytes.Replace(orig, []byte("First paragraph"), []byte("Other paragraph"), 1) // the same size
	writeFile(t, post, edited)
	if err := os.Chtimes(post, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	res, err := sess.Run(t.Context(), cfg, opts, []string{"posts/p0007.md"})
	if err != nil || res.Read != 1 || res.Written == 0 {
		t.Fatalf("edit: %v (read %d), %v", res, res.Read, err)
	}
	page, err := os.ReadFile(filepath.Join(root, "_site", "2025", "08", "p0007", "index.html"))
	if err != nil || !bytes.Contains(page, []byte("Other paragraph")) {
		t.Fatalf("the edited page does not show the edit (%v)", err)
	}
	if err := sess.Close(); err != nil {
		t.Fatal(err)
	}
	if res := runBuild(t, cfg, build.Options{}); res.Read != 20 {
		t.Errorf("blog build after the session: read %d sources, want all 20 (their times are in the racy window)", res.Read)
	}
}

// TestSessionTextsOnDisk: the session's state keeps the posts' search
// texts on disk, not in memory: a cold build spools them as it scans,
// and saving moves an edited post's text, the one text in memory, into
// the state's pack. The search index and the document files still show
// every text.
func TestSessionTextsOnDisk(t *testing.T) {
	t.Parallel()
	root, cfg, sess, opts := newTestSession(t, 12)
	if _, err := sess.Run(t.Context(), cfg, opts, nil); err != nil {
		t.Fatal(err)
	}
	if n, size := build.TextsInMemory(sess); n != 0 {
		t.Errorf("after a cold build, %d search texts (%d bytes) are in memory, want none", n, size)
	}
	if spools, _ := filepath.Glob(filepath.Join(root, build.CacheDir, "text.new-*")); len(spools) != 0 {
		t.Errorf("the build left its spool of texts: %v", spools)
	}
	// A spool a killed build left goes with the next full save.
	stale := filepath.Join(root, build.CacheDir, "text.new-killed")
	writeFile(t, stale, []byte("texts"))
	post := filepath.Join(root, "posts", "p0004.md")
	writeFile(t, post, bytes.Replace(readFile(t, post), []byte("First paragraph"), []byte("Zanzibar paragraph"), 1))
	if _, err := sess.Run(t.Context(), cfg, opts, []string{"posts/p0004.md"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := build.TextsInMemory(sess); n != 1 {
		t.Errorf("after an edit, %d search texts are in memory, want the edited post's", n)
	}
	if err := sess.Close(); err != nil {
		t.Fatal(err)
	}
	if n, size := build.TextsInMemory(sess); n != 0 {
		t.Errorf("after the session saved its state, %d search texts (%d bytes) are in memory, want none", n, size)
	}
	runBuild(t, cfg, build.Options{Full: true, Now: opts.Now})
	if _, err := os.Stat(stale); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a full build left a killed build's spool of texts (%v)", err)
	}
	if d := cmp.Diff(fullSnapshot(t, root), snapshot(t, cfg.OutputDir())); d != "" {
		t.Fatalf("output differs from a full build (-full +session):\n%s", d)
	}
}

package build_test

import (
	"bytes"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/build"
)

// equivSite is a generated site for the randomized equivalence test.
type equivSite struct {
	t     *testing.T
	root  string
	rng   *rand.Rand
	posts []string // file names under posts/
	clock time.Time
	next  int
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

func (s *equivSite) post() string {
	var b strings.Builder
	fmt.Fprintf(&b, "---\ntitle: %s\ndate: 2026-%02d-%02d %02d:00\ntags: %s\ncategories: %s\n", s.sentence(3), s.rng.IntN(6)+1, s.rng.IntN(28)+1, s.rng.IntN(24), s.tags(), words[s.rng.IntN(3)])
	if s.rng.IntN(8) == 0 {
		b.WriteString("draft: true\n")
	}
	if s.rng.IntN(4) == 0 {
		fmt.Fprintf(&b, "summary: %s\n", s.sentence(5))
	}
	b.WriteString("---\n")
	fmt.Fprintf(&b, "%s.\n\n", s.sentence(12))
	if s.rng.IntN(2) == 0 {
		b.WriteString("<!--more-->\n\n")
	}
	fmt.Fprintf(&b, "```go\nfunc %s() int { return %d }\n```\n\n%s.\n", words[s.rng.IntN(len(words))], s.rng.IntN(100), s.sentence(20))
	return b.String()
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

func (s *equivSite) newPost() {
	name := fmt.Sprintf("p%03d.md", s.next)
	if s.rng.IntN(3) == 0 {
		name = fmt.Sprintf("2026-0%d-1%d-jekyll-%d.md", s.rng.IntN(6)+1, s.rng.IntN(9), s.next)
	}
	s.next++
	s.posts = append(s.posts, name)
	post := s.post()
	if s.rng.IntN(3) == 0 { // a moved post: its redirect pages show its title and URL
		post = strings.Replace(post, "---\n", fmt.Sprintf("---\naliases: /old/%s/\n", strings.TrimSuffix(name, ".md")), 1)
	}
	s.write("posts/"+name, post)
}

func (s *equivSite) pick() string { return s.posts[s.rng.IntN(len(s.posts))] }

// edit makes one random change and says what it was.
func (s *equivSite) edit() string {
	read := func(name string) string { return string(readFile(s.t, filepath.Join(s.root, name))) }
	replaceLine := func(name, prefix, line string) {
		var out []string
		for l := range strings.Lines(read(name)) {
			if strings.HasPrefix(l, prefix) {
				l = line + "\n"
			}
			out = append(out, l)
		}
		s.write(name, strings.Join(out, ""))
	}
	switch s.rng.IntN(14) {
	case 0, 1:
		name := "posts/" + s.pick()
		s.write(name, read(name)+"\n"+s.sentence(8)+".\n")
		return "body of " + name
	case 2:
		name := "posts/" + s.pick()
		replaceLine(name, "title:", "title: "+s.sentence(2))
		return "title of " + name
	case 3:
		name := "posts/" + s.pick()
		replaceLine(name, "date:", fmt.Sprintf("date: 2026-%02d-%02d", s.rng.IntN(6)+1, s.rng.IntN(28)+1))
		return "date of " + name
	case 4:
		name := "posts/" + s.pick()
		replaceLine(name, "tags:", "tags: "+s.tags())
		return "tags of " + name
	case 5:
		name := "posts/" + s.pick()
		c := read(name)
		if strings.Contains(c, "draft: true\n") {
			c = strings.Replace(c, "draft: true\n", "", 1)
		} else {
			c = strings.Replace(c, "---\n", "---\ndraft: true\n", 1)
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
		if err := os.Remove(filepath.Join(s.root, "posts", name)); err != nil {
			s.t.Fatal(err)
		}
		s.changed = append(s.changed, "posts/"+name)
		return "deleted " + name
	case 8:
		i := s.rng.IntN(len(s.posts))
		old := s.posts[i]
		s.posts[i] = fmt.Sprintf("renamed%03d.md", s.next)
		s.next++
		if err := os.Rename(filepath.Join(s.root, "posts", old), filepath.Join(s.root, "posts", s.posts[i])); err != nil {
			s.t.Fatal(err)
		}
		s.changed = append(s.changed, "posts/"+old, "posts/"+s.posts[i])
		return "renamed " + old
	case 9:
		s.write("templates/post.html", fmt.Sprintf("{{define \"main\"}}<h1>{{.Post.Title}}</h1><p>v%d</p>{{.Post.Content}}{{end}}{{template \"base\" .}}", s.rng.IntN(1000)))
		return "template"
	case 10:
		s.write("_config.yaml", fmt.Sprintf("site: {title: Site %d, url: \"https://example.com/\"}\nbuild: {paginate: %d}\nfeeds: {items: %d}\n", s.rng.IntN(3), s.rng.IntN(4)+2, s.rng.IntN(5)+3))
		return "config"
	case 12, 13:
		return s.editAliases()
	default:
		s.write("static/files/f"+strconv.Itoa(s.rng.IntN(3))+".txt", s.sentence(4))
		return "static file"
	}
}

// TestIncrementalEquivalence makes random edits to a generated site and
// after each compares an incremental build with a clean full build, byte
// for byte. BLOG_EQUIV_SEEDS raises the number of seeds.
func TestIncrementalEquivalence(t *testing.T) {
	equivalence(t, true, func(t *testing.T, s *equivSite) builder {
		return func(cfg build.Config, opts build.Options, _ []string) (build.Result, error) {
			return build.Run(t.Context(), cfg, opts)
		}
	})
}

// TestSessionEquivalence drives a build session, as blog serve does,
// through the same random edits, telling it the changed paths; now and
// then the session saves its state, and a `blog build` runs in between,
// which the session must notice. Half the seeds have a pre-build hook,
// which makes the session list every source.
func TestSessionEquivalence(t *testing.T) {
	for _, hooks := range []bool{false, true} {
		t.Run(fmt.Sprintf("hooks=%v", hooks), func(t *testing.T) {
			equivalence(t, hooks, func(t *testing.T, s *equivSite) builder {
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

func equivalence(t *testing.T, hooks bool, newBuilder func(*testing.T, *equivSite) builder) {
	seeds := 3
	if n, err := strconv.Atoi(os.Getenv("BLOG_EQUIV_SEEDS")); err == nil {
		seeds = n
	}
	for seed := range seeds {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			t.Parallel()
			s := &equivSite{t: t, root: t.TempDir(), rng: rand.New(rand.NewPCG(uint64(seed), 7)), clock: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
			config := "site: {title: Site, url: \"https://example.com/\"}\nbuild:\n  paginate: 3\n"
			if hooks {
				config += "  hooks:\n    pre_build: [\"sh -c 'echo \\\"---\\ntitle: Hooked\\ndate: 2026-01-01\\n---\\nfrom $BLOG_MODE\\\" > posts/hook.md'\"]\n"
			}
			s.write("_config.yaml", config)
			for range 12 {
				s.newPost()
			}
			run := newBuilder(t, s)
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
				opts := build.Options{Now: func() time.Time { return testNow }}
				res, err := run(cfg, opts, changed)
				if err != nil {
					t.Fatalf("step %d (%s): incremental build: %v", step, what, err)
				}
				fullCfg := cfg
				fullCfg.Build.Output = filepath.Join(t.TempDir(), "full")
				opts.NoCache = true
				if _, err := build.Run(t.Context(), fullCfg, opts); err != nil {
					t.Fatalf("step %d (%s): full build: %v", step, what, err)
				}
				if d := cmp.Diff(snapshot(t, fullCfg.Build.Output), snapshot(t, cfg.OutputDir())); d != "" {
					t.Fatalf("step %d (%s, %s): incremental output differs from a full build (-full +incremental):\n%s", step, what, res, d)
				}
				if step > 0 && what != "template" && what != "config" && res.Full {
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
		if !strings.HasPrefix(l, "aliases:") && !strings.HasPrefix(l, "redirect_from:") {
			kept = append(kept, l)
		}
	}
	c = strings.Join(kept, "")
	stem := strings.TrimSuffix(name[len("posts/"):], ".md")
	what := "aliases of " + name + " removed"
	switch s.rng.IntN(3) {
	case 0:
		line := fmt.Sprintf("aliases: [/old/%s/%d/, /old/%s-%d.html]\n", stem, s.rng.IntN(3), stem, s.rng.IntN(3))
		c = strings.Replace(c, "---\n", "---\n"+line, 1)
		what = "aliases of " + name
	case 1:
		line := fmt.Sprintf("redirect_from: https://example.com/legacy/%s/%d\n", stem, s.rng.IntN(3))
		c = strings.Replace(c, "---\n", "---\n"+line, 1)
		what = "redirect_from of " + name
	}
	s.write(name, c)
	return what
}

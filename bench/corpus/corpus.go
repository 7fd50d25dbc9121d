// Package corpus generates the deterministic corpus of Markdown blog posts
// that bench/gencorpus writes and the benchmarks and tests use: post i
// depends only on (seed, i), through the package's own PRNG (splitmix64,
// never math/rand, never a map's order), so a corpus is byte-identical on
// any platform and Go version.
package corpus

import (
	"fmt"
	"strings"
	"time"
)

// ---------------------------------------------------------------- PRNG

type rng struct{ s uint64 }

func newRng(seed uint64, i int) *rng {
	r := &rng{s: seed*0x9E3779B97F4A7C15 ^ uint64(i)*0xD1B54A32D192ED03}
	r.next()
	return r
}

// splitmix64
func (r *rng) next() uint64 {
	r.s += 0x9E3779B97F4A7C15
	z := r.s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

func (r *rng) intn(n int) int          { return int(r.next() % uint64(n)) }
func (r *rng) between(lo, hi int) int  { return lo + r.intn(hi-lo+1) }
func (r *rng) chance(pct int) bool     { return r.intn(100) < pct }
func (r *rng) pick(xs []string) string { return xs[r.intn(len(xs))] }
func (r *rng) float() float64          { return float64(r.next()>>11) / (1 << 53) }
func (r *rng) skewed(n int) int        { f := r.float(); return int(f * f * float64(n)) } // Zipf-ish: low indexes are popular
func (r *rng) words(k int) []string {
	ws := make([]string, k)
	for i := range ws {
		ws[i] = r.pick(vocab)
	}
	return ws
}

// ---------------------------------------------------------------- vocabularies

var vocab = strings.Fields(`
the a of to and in is for that with on as it by this be are from at or an
was which can will not we our more when use one all but has have their new
server client request response cache latency throughput memory buffer queue
stream packet socket thread process kernel scheduler compiler parser lexer
token syntax tree graph node edge index query table column row schema
migration transaction lock mutex channel goroutine worker pool batch retry
timeout deadline context error value pointer slice array map string byte
record field struct interface method function closure handler router
middleware template layout page post feed tag category archive build deploy
release version module package dependency vendor registry container image
cluster replica shard partition leader follower consensus quorum snapshot log
metric trace span alert dashboard budget incident outage recovery backup
restore checksum hash signature certificate token session cookie header
payload encoding compression gzip brotli json yaml markdown html css script
browser render paint layout viewport font color theme mobile desktop screen
simple fast slow small large careful robust fragile stable flaky clean messy
quick lazy eager strict loose hidden visible early late first last next
previous often rarely always never usually sometimes quietly suddenly
measure profile benchmark optimize refactor rewrite test verify debug inspect
observe design review merge ship revert rollback configure install upgrade
developer operator reader writer author editor user team project product
weekend morning evening afternoon winter summer spring autumn journey lesson
mistake surprise detail pattern habit trick idea question answer problem
solution tradeoff constraint goal plan estimate deadline`)

var titleWords = strings.Fields(`
Notes Lessons Thoughts Adventures Experiments Pitfalls Patterns Tricks Secrets
Myths Costs Limits Shape Anatomy Story Guide Field Tour Case Taming Building
Debugging Measuring Shipping Scaling Caching Profiling Rewriting Testing
Deploying Migrating Understanding Revisiting Simplifying Hardening Tuning`)

var tagVocab = strings.Fields(`
go rust python javascript typescript sql postgres redis sqlite kafka linux
kernel networking http dns tls security performance profiling caching
databases distributed-systems concurrency testing ci devops docker kubernetes
observability logging tracing metrics frontend css html accessibility
markdown static-sites compilers parsers algorithms data-structures
machine-learning career writing books tooling editors git open-source`)

var catVocab = strings.Fields(`engineering operations tutorials essays
reviews notes releases research talks misc`)

var langs = []string{"go", "python", "javascript", "bash", "sql", "yaml"}

// ---------------------------------------------------------------- posts

// Slug is the post's file name without ".md": its number, then its title's words.
func (p *Post) Slug() string { return p.slug }

// Date is the post's date.
func (p *Post) Date() time.Time { return p.date }

// Body is the post's Markdown body, without front matter.
func (p *Post) Body() string { return p.body }

type Post struct {
	idx     int
	title   string
	slug    string
	date    time.Time
	tags    []string
	cats    []string
	summary string
	body    string
}

var epoch = time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC)

const span = 15 * 365 * 24 * 3600 // 2010..2024

func NewPost(seed uint64, i int) *Post {
	r := newRng(seed, i)
	p := &Post{idx: i}
	// title
	tw := []string{r.pick(titleWords), "of"}
	if r.chance(50) {
		tw = []string{r.pick(titleWords), r.pick([]string{"with", "without", "for", "beyond", "about"})}
	}
	for _, w := range r.words(r.between(2, 5)) {
		tw = append(tw, capitalize(w))
	}
	p.title = strings.Join(tw, " ")
	p.slug = fmt.Sprintf("%05d-%s", i, slugify(tw))
	p.date = epoch.Add(time.Duration(r.intn(span)) * time.Second)
	// tags: 1..5 distinct, popular ones more likely
	nt := r.between(1, 5)
	for len(p.tags) < nt {
		t := tagVocab[r.skewed(len(tagVocab))]
		if !contains(p.tags, t) {
			p.tags = append(p.tags, t)
		}
	}
	p.cats = []string{catVocab[r.skewed(len(catVocab))]}
	if r.chance(20) {
		c := catVocab[r.intn(len(catVocab))]
		if !contains(p.cats, c) {
			p.cats = append(p.cats, c)
		}
	}
	p.summary = sentence(r, 12, 24)
	p.body = genBody(r)
	return p
}

func (p *Post) YAMLFront(jekyll bool) string {
	var b strings.Builder
	b.WriteString("---\n")
	if jekyll {
		b.WriteString("layout: post\n")
	}
	fmt.Fprintf(&b, "title: %q\n", p.title)
	if jekyll {
		fmt.Fprintf(&b, "date: %s\n", p.date.Format("2006-01-02 15:04:05 -0700"))
	} else {
		fmt.Fprintf(&b, "date: %s\n", p.date.Format(time.RFC3339))
	}
	fmt.Fprintf(&b, "tags: [%s]\n", quoteList(p.tags))
	fmt.Fprintf(&b, "categories: [%s]\n", quoteList(p.cats))
	fmt.Fprintf(&b, "summary: %q\n", p.summary)
	if !jekyll {
		b.WriteString("draft: false\n")
	}
	b.WriteString("---\n\n")
	return b.String()
}

func (p *Post) PelicanFront() string {
	var b strings.Builder
	fmt.Fprintf(&b, "Title: %s\n", p.title)
	fmt.Fprintf(&b, "Date: %s\n", p.date.Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, "Tags: %s\n", strings.Join(p.tags, ", "))
	fmt.Fprintf(&b, "Category: %s\n", p.cats[0]) // Pelican has one category per article
	fmt.Fprintf(&b, "Slug: %s\n", p.slug)
	fmt.Fprintf(&b, "Summary: %s\n\n", p.summary)
	return b.String()
}

func quoteList(xs []string) string {
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return strings.Join(q, ", ")
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func capitalize(w string) string {
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

func slugify(ws []string) string {
	if len(ws) > 6 {
		ws = ws[:6]
	}
	return strings.ToLower(strings.Join(ws, "-"))
}

// ---------------------------------------------------------------- prose

func sentence(r *rng, lo, hi int) string {
	ws := r.words(r.between(lo, hi))
	ws[0] = capitalize(ws[0])
	s := strings.Join(ws, " ")
	return s + r.pick([]string{".", ".", ".", ".", "?", "!"})
}

// decorated sentence: emphasis, strong, inline code, links.
func richSentence(r *rng) (string, int) {
	k := r.between(8, 22)
	ws := r.words(k)
	ws[0] = capitalize(ws[0])
	for j := 1; j < len(ws); j++ {
		switch x := r.intn(100); {
		case x < 3:
			ws[j] = "*" + ws[j] + "*"
		case x < 5:
			ws[j] = "**" + ws[j] + "**"
		case x < 7:
			ws[j] = "`" + ws[j] + "()`"
		case x < 9 && j+1 < len(ws):
			ws[j] = fmt.Sprintf("[%s %s](https://example.com/%s/%s-%d)", ws[j], ws[j+1], ws[j], ws[j+1], r.intn(1000))
			ws = append(ws[:j+1], ws[j+2:]...)
		}
	}
	end := r.pick([]string{".", ".", ".", ".", ".", "?", "!", ":"})
	if end == ":" {
		end = "."
	}
	return strings.Join(ws, " ") + end, k
}

func paragraph(r *rng) (string, int) {
	n := r.between(2, 6)
	ss := make([]string, n)
	words := 0
	for i := range ss {
		s, k := richSentence(r)
		ss[i], words = s, words+k
	}
	return strings.Join(ss, " ") + "\n\n", words
}

func heading(r *rng, level int) string {
	ws := r.words(r.between(2, 6))
	ws[0] = capitalize(ws[0])
	return strings.Repeat("#", level) + " " + strings.Join(ws, " ") + "\n\n"
}

func list(r *rng) (string, int) {
	var b strings.Builder
	ordered := r.chance(35)
	n := r.between(3, 7)
	words := 0
	for i := 1; i <= n; i++ {
		ws := r.words(r.between(3, 12))
		ws[0] = capitalize(ws[0])
		words += len(ws)
		if r.chance(10) {
			ws[len(ws)-1] = "**" + ws[len(ws)-1] + "**"
		}
		if ordered {
			fmt.Fprintf(&b, "%d. %s\n", i, strings.Join(ws, " "))
		} else {
			fmt.Fprintf(&b, "- %s\n", strings.Join(ws, " "))
		}
		if !ordered && r.chance(12) {
			fmt.Fprintf(&b, "  - %s\n", strings.Join(r.words(r.between(3, 8)), " "))
		}
	}
	b.WriteString("\n")
	return b.String(), words
}

func table(r *rng) (string, int) {
	var b strings.Builder
	cols := r.between(3, 5)
	rows := r.between(3, 8)
	hdr := make([]string, cols)
	sep := make([]string, cols)
	for c := range hdr {
		hdr[c] = capitalize(r.pick(vocab))
		sep[c] = "---"
		if c > 0 && r.chance(40) {
			sep[c] = "---:"
		}
	}
	fmt.Fprintf(&b, "| %s |\n| %s |\n", strings.Join(hdr, " | "), strings.Join(sep, " | "))
	words := cols
	for i := 0; i < rows; i++ {
		cells := make([]string, cols)
		cells[0] = r.pick(vocab)
		for c := 1; c < cols; c++ {
			if r.chance(60) {
				cells[c] = fmt.Sprintf("%d.%d", r.intn(10000), r.intn(100))
			} else {
				cells[c] = r.pick(vocab)
			}
		}
		words += cols
		fmt.Fprintf(&b, "| %s |\n", strings.Join(cells, " | "))
	}
	b.WriteString("\n")
	return b.String(), words
}

package build

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
)

// Reading on: each post page shows its related posts (the ones sharing
// most of its tags and categories) and, for a post in a series, the
// series. Both come from front matter only, which the site-wide meta key
// covers: a post page is rendered again whenever any post's tags,
// categories, series, title or date change.

// readingOn is what a post page shows after the post.
type readingOn struct {
	related []*render.Post
	series  *render.Series
}

// relatedScan is the most posts a term may have for related.top to take
// all of them as candidates; of a more common term, it takes the
// relatedScan posts nearest in date to the post.
const relatedScan = 64

// related ranks a post's related posts: the count posts sharing most of
// its tags and categories (a tag and a category of one name are different
// terms); ties go to the newer post, then to the one whose source path
// sorts first.
//
// It never compares every pair: it walks an inverted index from each term
// to its posts in date order. The candidates are every post of a term
// with at most relatedScan posts and, of a more common term (a tag on half
// the site), the relatedScan posts nearest in date; each candidate's
// shared terms are then counted exactly. The work per post is bounded by
// its terms times relatedScan, plus the posts of its rare terms. It holds
// the index and top's scratch space.
type related struct {
	terms   [][]*render.Term         // each post's terms
	index   map[*render.Term][]int32 // each term's posts, in rank order
	rank    []int32                  // each post's place in tie order: newer first, then by path
	shared  []int32                  // terms shared with the current post; 0 for posts not met
	touched []int32                  // posts met, whose shared must be reset
	best    []int32                  // the list so far, best first
}

func newRelated(posts []*item) *related {
	r := &related{index: make(map[*render.Term][]int32), terms: make([][]*render.Term, len(posts)),
		rank: make([]int32, len(posts)), shared: make([]int32, len(posts))}
	order := make([]int32, len(posts))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, c int32) int {
		pa, pc := posts[a], posts[c]
		return cmp.Or(pc.fm.Date.Compare(pa.fm.Date), strings.Compare(pa.rel, pc.rel))
	})
	for i, it := range posts {
		r.terms[i] = append(slices.Clone(it.meta.Tags), it.meta.Categories...)
	}
	for k, i := range order {
		r.rank[i] = int32(k)
		for _, t := range r.terms[i] {
			r.index[t] = append(r.index[t], i)
		}
	}
	return r
}

// better reports whether post a ranks before post c.
func (r *related) better(a, c int32) bool {
	return r.shared[a] > r.shared[c] || r.shared[a] == r.shared[c] && r.rank[a] < r.rank[c]
}

// offer puts post j in the list of the best count if it belongs there.
func (r *related) offer(j int32, count int) {
	if len(r.best) == count && !r.better(j, r.best[count-1]) {
		return
	}
	if len(r.best) < count {
		r.best = append(r.best, j)
	} else {
		r.best[count-1] = j
	}
	for k := len(r.best) - 1; k > 0 && r.better(r.best[k], r.best[k-1]); k-- {
		r.best[k], r.best[k-1] = r.best[k-1], r.best[k]
	}
}

// top returns the count posts related to post i, best first. The slice is
// reused by the next call.
func (r *related) top(i int32, count int) []int32 {
	r.touched, r.best = r.touched[:0], r.best[:0]
	r.shared[i] = -1 // never its own candidate
	for _, t := range r.terms[i] {
		list := r.index[t]
		if len(list) > relatedScan {
			at, _ := slices.BinarySearchFunc(list, r.rank[i], func(j, rank int32) int { return cmp.Compare(r.rank[j], rank) })
			lo := max(0, min(at-relatedScan/2, len(list)-relatedScan-1))
			list = list[lo : lo+relatedScan+1]
		}
		for _, j := range list {
			if r.shared[j] != 0 {
				continue
			}
			n := int32(0)
			for _, u := range r.terms[i] {
				if slices.Contains(r.terms[j], u) {
					n++
				}
			}
			r.shared[j] = n
			r.touched = append(r.touched, j)
			r.offer(j, count)
		}
	}
	for _, j := range r.touched {
		r.shared[j] = 0
	}
	r.shared[i] = 0
	return r.best
}

// seriesName is the series: value of a post's front matter, "" when none.
func seriesName(fm *render.FrontMatter) string {
	s, _ := fm.Params["series"].(string)
	return strings.TrimSpace(s)
}

// checkSeries reports a series: value that is not a name.
func checkSeries(rel string, fm *render.FrontMatter) error {
	v, ok := fm.Params["series"]
	if !ok || v == nil {
		return nil
	}
	if s, isStr := v.(string); isStr && strings.TrimSpace(s) != "" {
		return nil
	}
	pos := fm.Pos["series"]
	pos.File = rel
	return &diag.Error{Pos: pos, Err: fmt.Errorf("series: want the series' name, a string, not %v", v)}
}

// readings is what post pages show after the post, found on first use:
// an edit that leaves every post page's key as it was renders none and
// looks for nothing, and one that renders a single post page ranks only
// that post's related posts (all of them are a tenth of a second at
// 10,000 posts). It is safe for concurrent use by render functions.
//
// It holds the posts it was made for, not the build: a session build whose
// site model is the last one's (see [Session]) takes its readings too, with
// whatever they found already.
type readings struct {
	count int     // related posts per post
	posts []*item // the published posts, newest first
	once  sync.Once
	mu    sync.Mutex // guards r's scratch space
	r     *related
	at    map[string]int32 // each post's number in posts, by source path
	// series lists each series' posts oldest first (then by source path).
	series map[string]*render.Series
}

// of returns what it's page shows after the post.
func (rs *readings) of(it *item) readingOn {
	rs.once.Do(rs.index)
	var r readingOn
	if i, ok := rs.at[it.rel]; ok && rs.r != nil {
		rs.mu.Lock()
		for _, j := range rs.r.top(i, rs.count) {
			r.related = append(r.related, rs.posts[j].meta)
		}
		rs.mu.Unlock()
	}
	r.series = rs.series[seriesName(&it.fm)]
	return r
}

// index builds the related posts' index and the series.
func (rs *readings) index() {
	if rs.count > 0 && len(rs.posts) >= 2 {
		rs.r = newRelated(rs.posts)
		rs.at = make(map[string]int32, len(rs.posts))
		for i, it := range rs.posts {
			rs.at[it.rel] = int32(i)
		}
	}
	rs.series = make(map[string]*render.Series)
	for i := len(rs.posts) - 1; i >= 0; i-- { // oldest first
		it := rs.posts[i]
		name := seriesName(&it.fm)
		if name == "" {
			continue
		}
		s := rs.series[name]
		if s == nil {
			s = &render.Series{Name: name}
			rs.series[name] = s
		}
		s.Posts = append(s.Posts, it.meta)
	}
	for _, s := range rs.series {
		slices.SortStableFunc(s.Posts, func(a, c *render.Post) int {
			return cmp.Or(a.Date.Compare(c.Date), strings.Compare(a.Source, c.Source))
		})
	}
}

// checkRelated checks the related: section.
func (c *Config) checkRelated(bad func(key, format string, args ...any)) {
	if c.Related.Count < 0 {
		bad("related.count", "want 0 (no related posts) or more, not %d", c.Related.Count)
	}
}

package build

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

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

// relatedPosts returns, for each of posts (newest first), the count posts
// sharing most of its tags and categories (a tag and a category of one
// name are different terms); ties go to the newer post, then to the one
// whose source path sorts first. It walks an inverted index from each
// term to its posts, so its work is the sum over terms of the square of
// each term's post count, not the square of the site's post count.
func relatedPosts(posts []*item, count int) map[*item][]*item {
	out := make(map[*item][]*item, len(posts))
	if count <= 0 || len(posts) < 2 {
		return out
	}
	// rank orders the posts as ties are broken: newer first, then by path.
	order := make([]int32, len(posts))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, c int32) int {
		pa, pc := posts[a], posts[c]
		return cmp.Or(pc.fm.Date.Compare(pa.fm.Date), strings.Compare(pa.rel, pc.rel))
	})
	rank := make([]int32, len(posts))
	for r, i := range order {
		rank[i] = int32(r)
	}
	terms := make([][]*render.Term, len(posts))
	index := make(map[*render.Term][]int32)
	for i, it := range posts {
		terms[i] = append(slices.Clone(it.meta.Tags), it.meta.Categories...)
		for _, t := range terms[i] {
			index[t] = append(index[t], int32(i))
		}
	}
	shared := make([]int32, len(posts))
	var touched []int32
	better := func(a, c int32) bool { // a ranks before c
		return shared[a] > shared[c] || shared[a] == shared[c] && rank[a] < rank[c]
	}
	top := make([]int32, 0, count)
	for i, it := range posts {
		touched = touched[:0]
		for _, t := range terms[i] {
			for _, j := range index[t] {
				if int(j) == i {
					continue
				}
				if shared[j] == 0 {
					touched = append(touched, j)
				}
				shared[j]++
			}
		}
		// The best count of touched, by insertion into a short list:
		// linear in the candidates, where sorting them all was not.
		top = top[:0]
		for _, j := range touched {
			if len(top) == count && !better(j, top[count-1]) {
				continue
			}
			if len(top) < count {
				top = append(top, j)
			} else {
				top[count-1] = j
			}
			for k := len(top) - 1; k > 0 && better(top[k], top[k-1]); k-- {
				top[k], top[k-1] = top[k-1], top[k]
			}
		}
		if len(top) > 0 {
			list := make([]*item, len(top))
			for k, j := range top {
				list[k] = posts[j]
			}
			out[it] = list
		}
		for _, j := range touched {
			shared[j] = 0
		}
	}
	return out
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

// readingOn computes what each post page shows after the post: related
// posts and its series, whose posts are listed oldest first (then by
// source path).
func (b *builder) readingOn() map[*item]readingOn {
	rel := relatedPosts(b.posts, b.cfg.Related.Count)
	series := make(map[string]*render.Series)
	for i := len(b.posts) - 1; i >= 0; i-- { // oldest first
		it := b.posts[i]
		name := seriesName(&it.fm)
		if name == "" {
			continue
		}
		s := series[name]
		if s == nil {
			s = &render.Series{Name: name}
			series[name] = s
		}
		s.Posts = append(s.Posts, it.meta)
	}
	for _, s := range series {
		slices.SortStableFunc(s.Posts, func(a, c *render.Post) int {
			return cmp.Or(a.Date.Compare(c.Date), strings.Compare(a.Source, c.Source))
		})
	}
	out := make(map[*item]readingOn, len(b.posts))
	for _, it := range b.posts {
		var r readingOn
		for _, o := range rel[it] {
			r.related = append(r.related, o.meta)
		}
		r.series = series[seriesName(&it.fm)]
		if r.related != nil || r.series != nil {
			out[it] = r
		}
	}
	return out
}

// checkRelated checks the related: section.
func (c *Config) checkRelated(bad func(key, format string, args ...any)) {
	if c.Related.Count < 0 {
		bad("related.count", "want 0 (no related posts) or more, not %d", c.Related.Count)
	}
}

package build

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/blog-gen/blog/render"
)

// relatedItems makes posts (newest first) with the given tag lists.
func relatedItems(tags [][]int) ([]*item, []*render.Term) {
	terms := make([]*render.Term, 0)
	term := func(i int) *render.Term {
		for len(terms) <= i {
			terms = append(terms, &render.Term{Name: fmt.Sprint("t", len(terms))})
		}
		return terms[i]
	}
	posts := make([]*item, len(tags))
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, ts := range tags {
		it := &item{rel: fmt.Sprintf("posts/p%05d.md", i), meta: &render.Post{}}
		it.fm.Date = day.Add(-time.Duration(i/2) * 24 * time.Hour) // pairs share a date
		for _, t := range ts {
			it.meta.Tags = append(it.meta.Tags, term(t))
		}
		posts[i] = it
	}
	return posts, terms
}

func TestRelatedPosts(t *testing.T) {
	t.Parallel()
	posts, _ := relatedItems([][]int{
		0: {1, 2, 3},
		1: {1, 2},
		2: {3},
		3: {1, 2, 3},
		4: {9},
		5: {1},
	})
	got := relatedPosts(posts, 3)
	names := func(list []*item) []string {
		var out []string
		for _, it := range list {
			out = append(out, it.rel)
		}
		return out
	}
	want := map[int][]string{
		0: {"posts/p00003.md", "posts/p00001.md", "posts/p00002.md"}, // 3 shared, 2 shared, then 1 shared: p2 is newer than p5
		1: {"posts/p00000.md", "posts/p00003.md", "posts/p00005.md"}, // p0 and p3 share 2; p0 is newer
		2: {"posts/p00000.md", "posts/p00003.md"},
		4: nil,
		5: {"posts/p00000.md", "posts/p00001.md", "posts/p00003.md"}, // p0 and p1 share a date: by path
	}
	for i, w := range want {
		if g := names(got[posts[i]]); !slices.Equal(g, w) {
			t.Errorf("related to post %d = %q, want %q", i, g, w)
		}
	}
	if got := relatedPosts(posts, 0); len(got) != 0 {
		t.Errorf("relatedPosts(count 0) = %d lists, want none", len(got))
	}
}

// BenchmarkRelatedPosts computes the related posts of 1,000 and 10,000
// posts with three tags and a category each, drawn from 400 terms by a Zipf
// law (a few tags on many posts, many on few).
func BenchmarkRelatedPosts(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprintf("posts=%d", n), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 2))
			zipf := rand.NewZipf(rng, 1.2, 4, 399)
			tags := make([][]int, n)
			for i := range tags {
				for range 4 {
					tags[i] = append(tags[i], int(zipf.Uint64()))
				}
			}
			posts, terms := relatedItems(tags)
			df := map[*render.Term]int{}
			for _, it := range posts {
				for _, t := range slices.Compact(slices.Clone(it.meta.Tags)) {
					df[t]++
				}
			}
			visits := 0
			for _, t := range terms {
				visits += df[t] * df[t]
			}
			b.ReportAllocs()
			for b.Loop() {
				relatedPosts(posts, 3)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/site")
			// What walking every post of every shared term would visit
			// (the sum over terms of the square of their post counts),
			// against n²: the corpus's tags are that concentrated, and
			// relatedPosts' windows keep it from paying for it.
			b.ReportMetric(float64(visits)/float64(n)/float64(n), "visits/n²")
		})
	}
}

// TestRelatedPostsCommonTag: with a tag on more than relatedScan posts, a
// rarer shared tag still decides, and the common tag's candidates are the
// posts nearest in date.
func TestRelatedPostsCommonTag(t *testing.T) {
	t.Parallel()
	tags := make([][]int, 300)
	for i := range tags {
		tags[i] = []int{0}
	}
	tags[10], tags[290] = []int{0, 1}, []int{0, 1}
	posts, _ := relatedItems(tags)
	got := relatedPosts(posts, 2)
	if l := got[posts[10]]; len(l) != 2 || l[0] != posts[290] {
		t.Errorf("related to post 10: %v, want post 290 first (two shared tags)", l)
	}
	for _, it := range got[posts[150]] {
		var k int
		fmt.Sscanf(it.rel, "posts/p%05d.md", &k)
		if k < 150-relatedScan || k > 150+relatedScan {
			t.Errorf("related to post 150: post %d, want one within %d posts of it", k, relatedScan)
		}
	}
}

// relatedPosts ranks every post's related posts, as the post pages of a
// build rendering them all do.
func relatedPosts(posts []*item, count int) map[*item][]*item {
	out := make(map[*item][]*item, len(posts))
	if count <= 0 || len(posts) < 2 {
		return out
	}
	r := newRelated(posts)
	for i, it := range posts {
		if top := r.top(int32(i), count); len(top) > 0 {
			list := make([]*item, len(top))
			for k, j := range top {
				list[k] = posts[j]
			}
			out[it] = list
		}
	}
	return out
}

package build

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/render"
)

// TestSortPosts: sortPosts orders posts as time.Compare, then slug, then
// source path do, for dates in any zone and outside int64 nanoseconds.
func TestSortPosts(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	zones := []*time.Location{time.UTC, time.FixedZone("east", 5*3600), time.FixedZone("west", -7*3600)}
	base := []time.Time{
		time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC),
		time.Date(2026, 3, 1, 12, 0, 0, 1, time.UTC),
		time.Date(1500, 1, 1, 0, 0, 0, 0, time.UTC), // before 1678: no UnixNano
		time.Date(2400, 1, 1, 0, 0, 0, 999, time.UTC),
	}
	var posts []*item
	for i := range 400 {
		d := base[rng.IntN(len(base))].Add(time.Duration(rng.IntN(3)) * time.Hour).In(zones[rng.IntN(len(zones))])
		posts = append(posts, &item{rel: "posts/" + string(rune('a'+rng.IntN(5))) + ".md" + strings.Repeat("x", i%3),
			fm: render.FrontMatter{Date: d, Slug: string(rune('a' + rng.IntN(3)))}})
	}
	want := slices.Clone(posts)
	slices.SortStableFunc(want, func(a, c *item) int {
		if d := c.fm.Date.Compare(a.fm.Date); d != 0 {
			return d
		}
		if d := strings.Compare(a.fm.Slug, c.fm.Slug); d != 0 {
			return d
		}
		return strings.Compare(a.rel, c.rel)
	})
	got := slices.Clone(posts)
	sortPosts(got)
	for i := range want {
		w, g := want[i], got[i]
		if !w.fm.Date.Equal(g.fm.Date) || w.fm.Slug != g.fm.Slug || w.rel != g.rel {
			t.Fatalf("post %d: got %v %s %s, want %v %s %s", i, g.fm.Date, g.fm.Slug, g.rel, w.fm.Date, w.fm.Slug, w.rel)
		}
	}
}

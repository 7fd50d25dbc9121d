package widget

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/redis/go-redis/v9"
)

// backend is a Redis the contract suite runs against.
type backend struct {
	client redis.UniversalClient
	// advance moves Redis's TTL clock: FastForward for miniredis, a sleep
	// for a real server.
	advance func(time.Duration)
	// keys lists every key (on every master of a cluster).
	keys func(t *testing.T) []string
}

var siteSeq atomic.Int64

// uniqueSite returns a site name no other test uses, so tests may share a
// Redis.
func uniqueSite(t *testing.T) string {
	return fmt.Sprintf("t%d-%s", siteSeq.Add(1), strings.NewReplacer("/", "-", " ", "_").Replace(t.Name()))
}

// miniBackend starts a fresh miniredis for one test.
func miniBackend(t *testing.T) backend {
	mr := miniredis.RunT(t)
	c := redis.NewClient(&redis.Options{Addr: mr.Addr(), DisableIdentity: true})
	t.Cleanup(func() { c.Close() })
	return backend{
		client:  c,
		advance: mr.FastForward,
		keys:    func(*testing.T) []string { return mr.Keys() },
	}
}

// scanKeys lists the keys of a real server or cluster with SCAN.
func scanKeys(t *testing.T, c redis.UniversalClient, match string) []string {
	t.Helper()
	var (
		mu  sync.Mutex // ForEachMaster scans the masters concurrently
		out []string
	)
	scan := func(ctx context.Context, c *redis.Client) error {
		iter := c.Scan(ctx, 0, match, 1000).Iterator()
		for iter.Next(ctx) {
			mu.Lock()
			out = append(out, iter.Val())
			mu.Unlock()
		}
		return iter.Err()
	}
	var err error
	switch c := c.(type) {
	case *redis.ClusterClient:
		err = c.ForEachMaster(t.Context(), scan)
	case *redis.Client:
		err = scan(t.Context(), c)
	}
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var t0 = time.Date(2030, 5, 17, 12, 0, 0, 0, time.UTC)

func contractOptions(strategy, site string) Options {
	o, err := Options{Site: site, Strategy: strategy}.withDefaults()
	if err != nil {
		panic(err)
	}
	return o
}

func mustTouch(t *testing.T, st store, now time.Time, add func(b *batch, ms int64)) {
	t.Helper()
	b := newBatch()
	add(b, now.UnixMilli())
	if err := st.touch(t.Context(), b, now); err != nil {
		t.Fatalf("touch: %v", err)
	}
}

func mustRead(t *testing.T, st store, now time.Time, paths ...string) reading {
	t.Helper()
	r, err := st.read(t.Context(), now, paths, 10)
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return r
}

func mustTick(t *testing.T, st store, now time.Time) {
	t.Helper()
	if err := st.tick(t.Context(), now); err != nil {
		t.Fatalf("tick: %v", err)
	}
}

// contractCases is the store contract: each case runs against a fresh
// backend with one strategy.
var contractCases = []struct {
	name string
	run  func(t *testing.T, strategy string, be backend)
}{
	{"AppearsAtOnce", contractAppearsAtOnce},
	{"TabsCountOnce", contractTabsCountOnce},
	{"WindowWithClock", contractWindowWithClock},
	{"Names", contractNames},
	{"Cap", contractCap},
	{"KeysNamespacedWithTTL", contractKeysNamespacedWithTTL},
	{"IdleLeavesNothing", contractIdleLeavesNothing},
	{"PagesCappedGlobally", contractPagesCappedGlobally},
	{"MembersCappedBetweenTicks", contractMembersCappedBetweenTicks},
	{"LeaveRemovesAtOnce", contractLeaveRemovesAtOnce},
	{"LeaveKeepsLaterSighting", contractLeaveKeepsLaterSighting},
}

// runContract runs the store contract suite for both strategies against
// the Redis newBackend returns.
func runContract(t *testing.T, newBackend func(t *testing.T) backend) {
	for _, strategy := range []string{"zset", "sets"} {
		t.Run(strategy, func(t *testing.T) {
			for _, tc := range contractCases {
				t.Run(tc.name, func(t *testing.T) { tc.run(t, strategy, newBackend(t)) })
			}
		})
	}
}

func contractAppearsAtOnce(t *testing.T, strategy string, be backend) {
	st := newStore(be.client, contractOptions(strategy, uniqueSite(t)))
	mustTouch(t, st, t0, func(b *batch, ms int64) { b.add("", "guest1", "/a/", ms, 10) })
	got := mustRead(t, st, t0, "/a/", "/b/")
	want := reading{Guests: 1, Pages: map[string]int64{"/a/": 1, "/b/": 0}}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("read after one hit (-want +got):\n%s", d)
	}
}

func contractTabsCountOnce(t *testing.T, strategy string, be backend) {
	st := newStore(be.client, contractOptions(strategy, uniqueSite(t)))
	for i := range 3 {
		now := t0.Add(time.Duration(i) * time.Second)
		mustTouch(t, st, now, func(b *batch, ms int64) {
			b.add("", "g", "/a/", ms, 10)
			b.add("alice", "", "/a/", ms, 10)
			b.add("alice", "", "/a/", ms, 10)
		})
	}
	got := mustRead(t, st, t0.Add(3*time.Second), "/a/")
	want := reading{Named: 1, Names: []string{"alice"}, Guests: 1, Pages: map[string]int64{"/a/": 2}}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("read after three tabs (-want +got):\n%s", d)
	}
}

func contractWindowWithClock(t *testing.T, strategy string, be backend) {
	o := contractOptions(strategy, uniqueSite(t))
	st := newStore(be.client, o)
	const step = 10 * time.Second // the tick loop's cadence here
	now := t0
	beat := func() {
		mustTouch(t, st, now, func(b *batch, ms int64) { b.add("", "g", "/p/", ms, 10) })
	}
	// Beating every heartbeat for three windows: always there.
	var lastBeat time.Time
	for now.Before(t0.Add(3 * o.Window)) {
		if now.Sub(lastBeat) >= o.Heartbeat {
			beat()
			lastBeat = now
		}
		mustTick(t, st, now)
		if r := mustRead(t, st, now, "/p/"); r.Guests != 1 || r.Pages["/p/"] != 1 {
			t.Fatalf("at %v while beating: guests %d page %d, want 1 1", now.Sub(t0), r.Guests, r.Pages["/p/"])
		}
		now = now.Add(step)
	}
	// Stopped: still there for at least half the window ...
	for now.Before(lastBeat.Add(o.Window/2 - step)) {
		mustTick(t, st, now)
		if r := mustRead(t, st, now); r.Guests != 1 {
			t.Fatalf("%v after the last beat: guests %d, want 1", now.Sub(lastBeat), r.Guests)
		}
		now = now.Add(step)
	}
	// ... and gone within window + one flush (+ one tick step).
	for now.Before(lastBeat.Add(o.Window + o.Flush + step)) {
		mustTick(t, st, now)
		now = now.Add(step)
	}
	if r := mustRead(t, st, now, "/p/"); r.Guests != 0 || r.Pages["/p/"] != 0 {
		t.Errorf("%v after the last beat: guests %d page %d, want 0 0", now.Sub(lastBeat), r.Guests, r.Pages["/p/"])
	}
}

func contractNames(t *testing.T, strategy string, be backend) {
	st := newStore(be.client, contractOptions(strategy, uniqueSite(t)))
	for i, name := range []string{"alice", "bob", "<script>x</script>"} {
		mustTouch(t, st, t0.Add(time.Duration(i)*time.Second), func(b *batch, ms int64) { b.add(name, "", "", ms, 10) })
	}
	r, err := st.read(t.Context(), t0.Add(5*time.Second), nil, 2)
	if err != nil {
		t.Fatal(err)
	}
	if r.Named != 3 || len(r.Names) != 2 {
		t.Errorf("read(maxNames=2) = %d named, names %q; want 3 named, 2 names", r.Named, r.Names)
	}
	if strategy == "zset" {
		if d := cmp.Diff([]string{"<script>x</script>", "bob"}, r.Names); d != "" {
			t.Errorf("names, most recent first (-want +got):\n%s", d)
		}
	}
}

func contractCap(t *testing.T, strategy string, be backend) {
	o := contractOptions(strategy, uniqueSite(t))
	o.MaxMembers = 5
	st := newStore(be.client, o)
	mustTouch(t, st, t0, func(b *batch, ms int64) {
		for i := range 12 {
			b.add("", fmt.Sprint("g", i), "", ms+int64(i), 10)
		}
	})
	mustTick(t, st, t0.Add(o.Window/2))
	if r := mustRead(t, st, t0.Add(o.Window/2)); r.Guests > 5 {
		t.Errorf("guests = %d with MaxMembers 5", r.Guests)
	}
}

func contractKeysNamespacedWithTTL(t *testing.T, strategy string, be backend) {
	site := uniqueSite(t)
	o := contractOptions(strategy, site)
	st := newStore(be.client, o)
	mustTouch(t, st, t0, func(b *batch, ms int64) {
		b.add("", "g", "/a/", ms, 10)
		b.add("al", "", "/b/", ms, 10)
	})
	mustTick(t, st, t0.Add(o.Window/2))
	mustTouch(t, st, t0.Add(o.Window/2), func(b *batch, ms int64) { b.add("", "g", "/a/", ms, 10) })
	prefix := "wo:{" + site + "}:"
	var n int
	for _, k := range be.keys(t) {
		if !strings.Contains(k, "{"+site+"}") {
			continue // another test's
		}
		n++
		if !strings.HasPrefix(k, prefix) {
			t.Errorf("key %q lacks prefix %q", k, prefix)
		}
		if ttl := be.client.PTTL(t.Context(), k).Val(); ttl <= 0 {
			t.Errorf("key %q has no TTL (%v)", k, ttl)
		}
	}
	if n == 0 {
		t.Errorf("no keys written")
	}
}

func contractIdleLeavesNothing(t *testing.T, strategy string, be backend) {
	site := uniqueSite(t)
	o := contractOptions(strategy, site)
	o.Window, o.Flush = 200*time.Millisecond, 50*time.Millisecond
	st := newStore(be.client, o)
	now := time.Now()
	mustTouch(t, st, now, func(b *batch, ms int64) { b.add("", "g", "/a/", ms, 10) })
	mustTick(t, st, now)
	be.advance(time.Second)
	for _, k := range be.keys(t) {
		if strings.Contains(k, "{"+site+"}") && be.client.Exists(t.Context(), k).Val() == 1 {
			t.Errorf("key %q still exists after the site went idle", k)
		}
	}
}

func TestStoreContractMiniredis(t *testing.T) {
	t.Parallel()
	runContract(t, miniBackend)
}

func TestBatchAdd(t *testing.T) {
	t.Parallel()
	b := newBatch()
	b.add("", "g", "/a/", 5, 1)
	b.add("", "g", "/a/", 3, 1) // an older sighting never wins
	if ok := b.add("", "h", "/b/", 7, 1); ok {
		t.Errorf("add beyond maxPages = true, want false")
	}
	want := map[string]int64{"g": 5, "h": 7}
	if d := cmp.Diff(want, b.guests); d != "" {
		t.Errorf("guests (-want +got):\n%s", d)
	}
	if len(b.pages) != 1 || b.n != 3 {
		t.Errorf("pages %v n %d, want 1 page and n 3", b.pages, b.n)
	}
}

// sitePages returns the distinct pages that have keys of site's in Redis.
func sitePages(t *testing.T, be backend, site string) []string {
	t.Helper()
	prefix := "wo:{" + site + "}:p:"
	seen := map[string]bool{}
	for _, k := range be.keys(t) {
		if p, ok := strings.CutPrefix(k, prefix); ok {
			p = strings.TrimSuffix(strings.TrimSuffix(p, ":cur"), ":old")
			seen[p] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// contractPagesCappedGlobally writes MaxPages new pages per flush, flush
// after flush: the pages kept in Redis, keys and index, never exceed
// MaxPages, and they are the most recently seen.
func contractPagesCappedGlobally(t *testing.T, strategy string, be backend) {
	site := uniqueSite(t)
	o := contractOptions(strategy, site)
	o.MaxPages = 5
	st := newStore(be.client, o)
	for round := range 4 {
		now := t0.Add(time.Duration(round) * time.Second)
		mustTouch(t, st, now, func(b *batch, ms int64) {
			for i := range o.MaxPages {
				b.add("", fmt.Sprint("g", i), fmt.Sprintf("/r%d/p%d/", round, i), ms, o.MaxPages)
			}
		})
		if got := sitePages(t, be, site); len(got) > o.MaxPages {
			t.Fatalf("after flush %d: %d pages have keys, want at most %d: %q", round, len(got), o.MaxPages, got)
		}
		if n := be.client.ZCard(t.Context(), "wo:{"+site+"}:pages").Val(); n > int64(o.MaxPages) {
			t.Fatalf("after flush %d: page index holds %d, want at most %d", round, n, o.MaxPages)
		}
	}
	mustTick(t, st, t0.Add(o.Window/2))
	want := []string{"/r3/p0/", "/r3/p1/", "/r3/p2/", "/r3/p3/", "/r3/p4/"}
	if d := cmp.Diff(want, sitePages(t, be, site)); d != "" {
		t.Errorf("pages kept (-want +got):\n%s", d)
	}
}

// contractMembersCappedBetweenTicks checks MaxMembers holds before any
// tick trims or rotates.
func contractMembersCappedBetweenTicks(t *testing.T, strategy string, be backend) {
	site := uniqueSite(t)
	o := contractOptions(strategy, site)
	o.MaxMembers = 5
	st := newStore(be.client, o)
	for round := range 3 {
		mustTouch(t, st, t0.Add(time.Duration(round)*time.Second), func(b *batch, ms int64) {
			for i := range 12 {
				b.add("", fmt.Sprint("g", round, "-", i), "/a/", ms, 10)
				b.add(fmt.Sprint("n", round, "-", i), "", "", ms, 10)
			}
		})
	}
	r := mustRead(t, st, t0.Add(3*time.Second), "/a/")
	if r.Guests > 5 || r.Named > 5 || r.Pages["/a/"] > 5 {
		t.Errorf("read = %d guests, %d named, %d on /a/; want at most 5 each (MaxMembers)", r.Guests, r.Named, r.Pages["/a/"])
	}
}

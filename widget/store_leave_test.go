package widget

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// contractLeaveRemovesAtOnce: a reader who leaves one page is off that
// page at the next write, still on the site and on another page; leaving
// the site takes them off the site's count too, named or guest.
func contractLeaveRemovesAtOnce(t *testing.T, strategy string, be backend) {
	st := newStore(be.client, contractOptions(strategy, uniqueSite(t)))
	mustTouch(t, st, t0, func(b *batch, ms int64) {
		b.add("", "g1", "/a/", ms, 10)
		b.add("", "g1", "/b/", ms, 10)
		b.add("", "g2", "/a/", ms, 10)
		b.add("alice", "", "/a/", ms, 10)
	})
	now := t0.Add(time.Second)
	mustTouch(t, st, now, func(b *batch, ms int64) { b.leave("g:g1", "/a/", false, ms, 10) })
	got := mustRead(t, st, now, "/a/", "/b/")
	want := reading{Named: 1, Names: []string{"alice"}, Guests: 2, Pages: map[string]int64{"/a/": 2, "/b/": 1}}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("after g1 left /a/ (-want +got):\n%s", d)
	}
	now = now.Add(time.Second)
	mustTouch(t, st, now, func(b *batch, ms int64) {
		b.leave("g:g2", "/a/", true, ms, 10)
		b.leave("u:alice", "/a/", true, ms, 10)
	})
	got = mustRead(t, st, now, "/a/", "/b/")
	want = reading{Guests: 1, Pages: map[string]int64{"/a/": 0, "/b/": 1}}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("after g2 and alice left the site (-want +got):\n%s", d)
	}
}

// contractLeaveKeepsLaterSighting: a leave written after a sighting of a
// later time (another instance's, say) does not remove it (zset keeps
// times); a sighting in the same batch after the leave wins in both.
func contractLeaveKeepsLaterSighting(t *testing.T, strategy string, be backend) {
	st := newStore(be.client, contractOptions(strategy, uniqueSite(t)))
	now := t0.Add(time.Second)
	mustTouch(t, st, now, func(b *batch, ms int64) {
		b.leave("g:g1", "/a/", true, ms, 10) // left ...
		b.add("", "g1", "/a/", ms+1, 10)     // ... and came back
	})
	got := mustRead(t, st, now, "/a/")
	want := reading{Guests: 1, Pages: map[string]int64{"/a/": 1}}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("a sighting after the leave in one batch (-want +got):\n%s", d)
	}
	if strategy != "zset" {
		return
	}
	mustTouch(t, st, now, func(b *batch, ms int64) { b.add("", "g2", "/a/", ms+500, 10) })
	mustTouch(t, st, now, func(b *batch, ms int64) { b.leave("g:g2", "/a/", true, ms, 10) })
	got = mustRead(t, st, now, "/a/")
	want = reading{Guests: 2, Pages: map[string]int64{"/a/": 2}}
	if d := cmp.Diff(want, got, cmpopts.EquateEmpty()); d != "" {
		t.Errorf("a leave before a sighting written earlier (-want +got):\n%s", d)
	}
}

// TestBatchLeave checks the batch's bookkeeping: a leave takes out the
// member's earlier sightings, a later sighting takes out the leave, a
// merge keeps the later of the two, and n counts what is held.
func TestBatchLeave(t *testing.T) {
	t.Parallel()
	b := newBatch()
	b.add("", "g1", "/a/", 100, 10)
	b.add("bob", "", "/a/", 100, 10)
	b.leave("g:g1", "/a/", true, 200, 10)
	b.leave("u:bob", "/a/", false, 50, 10) // before bob's sighting: keeps it
	if _, ok := b.guests["g1"]; ok {
		t.Errorf("guest g1 still pending after leaving the site")
	}
	if _, ok := b.pages["/a/"]["u:bob"]; !ok {
		t.Errorf("bob's later sighting on /a/ was taken out by an earlier leave")
	}
	want := map[string]map[string]int64{"": {"g:g1": 200}, "/a/": {"g:g1": 200, "u:bob": 50}}
	if d := cmp.Diff(want, b.gone); d != "" {
		t.Errorf("gone (-want +got):\n%s", d)
	}
	if b.n != 5 { // bob (site, /a/), 3 leaves
		t.Errorf("n = %d, want 5", b.n)
	}

	b.add("", "g1", "/a/", 300, 10) // back
	if _, ok := b.gone[""]["g:g1"]; ok {
		t.Errorf("the site-wide leave of g1 stayed after a later sighting")
	}
	if _, ok := b.gone["/a/"]["g:g1"]; ok {
		t.Errorf("the page leave of g1 stayed after a later sighting")
	}

	old := newBatch()
	old.add("", "g3", "/c/", 100, 10)
	old.leave("g:g4", "/c/", true, 100, 10)
	newer := newBatch()
	newer.leave("g:g3", "/c/", true, 200, 10)
	newer.add("", "g4", "/c/", 200, 10)
	if lost := old.merge(newer, 100, 10); lost != 0 {
		t.Errorf("merge lost %d", lost)
	}
	wantGone := map[string]map[string]int64{"": {"g:g3": 200}, "/c/": {"g:g3": 200}}
	if d := cmp.Diff(wantGone, old.gone); d != "" {
		t.Errorf("gone after merge (-want +got):\n%s", d)
	}
	if d := cmp.Diff(map[string]int64{"g4": 200}, old.guests); d != "" {
		t.Errorf("guests after merge (-want +got):\n%s", d)
	}
	if old.n != 4 { // g4 (site, /c/), g3's two leaves
		t.Errorf("n after merge = %d, want 4", old.n)
	}
	old.prune(250)
	if !old.empty() || len(old.gone) != 0 {
		t.Errorf("after pruning everything: n = %d, gone %v", old.n, old.gone)
	}
}

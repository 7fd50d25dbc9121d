package widget

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// maxPending caps the coalesced sightings held between two flushes.
const maxPending = 200_000

// recorder coalesces sightings in memory and writes them to the store
// once per Options.Flush, so Redis load follows distinct readers, not
// requests. It is safe for concurrent use.
type recorder struct {
	o    *Options // shared with the Server, read-only
	conn *redisConn
	hub  *hub // told after each flush; nil without Options.Stream

	mu      sync.Mutex // guards pending
	pending *batch

	dropped atomic.Int64 // sightings lost to store errors or caps
}

// record adds one sighting to the pending batch.
func (r *recorder) record(name, guest, path string) {
	member := "g:" + guest
	if name != "" {
		member = "u:" + name
	}
	r.recordAt(r.o.Now(), name, member, path)
}

// recordAt adds one sighting, seen at now, to the pending batch: a named
// reader (member "u:NAME") or a guest (member "g:HASH").
func (r *recorder) recordAt(now time.Time, name, member, path string) {
	if !validPath(path) {
		path = ""
	}
	ms := now.UnixMilli()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending.n >= maxPending {
		r.dropped.Add(1)
		return
	}
	if !r.pending.addMember(name, member, path, ms, r.o.MaxPages) {
		r.dropped.Add(1)
	}
}

// flushLoop flushes every Options.Flush until ctx ends.
func (r *recorder) flushLoop(ctx context.Context) {
	t := time.NewTicker(r.o.Flush)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		r.flush(ctx)
	}
}

// flush writes the pending batch. A batch that cannot be written is kept
// for the next flush (see keep).
func (r *recorder) flush(ctx context.Context) {
	now := r.o.Now()
	if !r.conn.wr.ready(now) {
		return // writes are refused for now: keep coalescing
	}
	r.mu.Lock()
	b := r.pending
	if b.empty() {
		r.mu.Unlock()
		return
	}
	r.pending = newBatchLike(b)
	r.mu.Unlock()
	err := r.conn.do(ctx, "flush", writes, func(ctx context.Context) error { return r.conn.st.touch(ctx, b, now) })
	if err != nil {
		r.keep(b, now)
		return
	}
	if r.hub != nil {
		r.hub.publish(ctx)
	}
}

// keep puts a batch that could not be written back under the sightings
// recorded since, so the next flush writes it: readers seen while Redis
// was away, or while the breaker was deciding, still count when it is
// back. The batch stays bounded: sightings older than the window go (the
// store would trim them anyway), and past maxPending sightings the rest is
// dropped and counted. Retrying costs Redis nothing while it is away: the
// breaker refuses the flush until a cheap probe succeeds.
func (r *recorder) keep(b *batch, now time.Time) {
	b.prune(now.Add(-r.o.Window).UnixMilli())
	r.mu.Lock()
	defer r.mu.Unlock()
	lost := b.merge(r.pending, maxPending, r.o.MaxPages)
	r.pending = b
	r.dropped.Add(int64(lost))
}

// leave records that the reader member ("u:NAME" or "g:HASH") left path
// at now and, with all, the site: their sightings made until now are
// taken out of the pending batch and, at the next flush, out of Redis.
func (r *recorder) leave(now time.Time, member, path string, all bool) {
	if !validPath(path) {
		path = ""
	}
	if path == "" && !all {
		return
	}
	ms := now.UnixMilli()
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pending.n >= maxPending {
		r.dropped.Add(1)
		return
	}
	if !r.pending.leave(member, path, all, ms, r.o.MaxPages) {
		r.dropped.Add(1) // too many pages pending: the window removes the reader
	}
}

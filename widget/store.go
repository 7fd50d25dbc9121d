package widget

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// A store keeps presence in Redis. The two strategies, zsetStore and
// setsStore, pass the same contract tests (store_test.go).
type store interface {
	// touch writes one coalesced batch of sightings.
	touch(ctx context.Context, b *batch, now time.Time) error
	// read counts the readers seen within the window before now, site-wide
	// and on each of paths, and lists up to maxNames named readers.
	read(ctx context.Context, now time.Time, paths []string, maxNames int) (reading, error)
	// tick does the periodic work: trimming (zset) or rotating (sets).
	tick(ctx context.Context, now time.Time) error
}

// reading is what a store read returns.
type reading struct {
	Named  int64
	Names  []string
	Guests int64
	Pages  map[string]int64
}

// batch holds coalesced sightings: identity → last-seen Unix milliseconds.
// Page members are "u:NAME" or "g:HASH".
type batch struct {
	users  map[string]int64
	guests map[string]int64
	pages  map[string]map[string]int64
	gone   map[string]map[string]int64 // readers who left: path ("" for the site) → member → ms; see leave
	n      int                         // distinct (population, member) pairs, sightings and leaves
}

func newBatch() *batch {
	return &batch{users: map[string]int64{}, guests: map[string]int64{}, pages: map[string]map[string]int64{}}
}

// newBatchLike returns an empty batch sized for about as many sightings as
// prev, so that filling it does not grow its maps again and again.
func newBatchLike(prev *batch) *batch {
	return &batch{
		users:  make(map[string]int64, len(prev.users)),
		guests: make(map[string]int64, len(prev.guests)),
		pages:  make(map[string]map[string]int64, len(prev.pages)),
	}
}

// add records one sighting of a named reader (name != "") or a guest, and
// on path when path != "". It reports false when maxPages distinct pages
// are already pending, in which case only the site-wide sighting is kept.
func (b *batch) add(name, guest, path string, ms int64, maxPages int) bool {
	member := "g:" + guest
	if name != "" {
		member = "u:" + name
	}
	return b.addMember(name, member, path, ms, maxPages)
}

// addMember is add for a sighting already named as a page member: "u:NAME"
// for the named reader name, else "g:HASH" for a guest.
func (b *batch) addMember(name, member, path string, ms int64, maxPages int) bool {
	if name != "" {
		b.n += put(b.users, name, ms)
	} else {
		b.n += put(b.guests, member[len("g:"):], ms)
	}
	if len(b.gone) > 0 { // the reader came back
		b.back("", member, ms)
		b.back(path, member, ms)
	}
	if path == "" {
		return true
	}
	m, ok := b.pages[path]
	if !ok {
		if len(b.pages) >= maxPages {
			return false
		}
		m = map[string]int64{}
		b.pages[path] = m
	}
	b.n += put(m, member, ms)
	return true
}

func put(m map[string]int64, k string, ms int64) int {
	old, ok := m[k]
	if !ok || ms > old {
		m[k] = ms
	}
	if ok {
		return 0
	}
	return 1
}

func (b *batch) empty() bool { return b.n == 0 }

// prune forgets the sightings older than minMs.
func (b *batch) prune(minMs int64) {
	drop := func(m map[string]int64) {
		for k, ms := range m {
			if ms < minMs {
				delete(m, k)
				b.n--
			}
		}
	}
	drop(b.users)
	drop(b.guests)
	for _, pages := range []map[string]map[string]int64{b.pages, b.gone} {
		for p, m := range pages {
			drop(m)
			if len(m) == 0 {
				delete(pages, p)
			}
		}
	}
}

// merge adds the sightings of from to b, keeping the latest of each,
// while b holds fewer than max sightings and maxPages pages. It returns
// how many sightings of from did not fit.
func (b *batch) merge(from *batch, max, maxPages int) (lost int) {
	add := func(dst, src map[string]int64) {
		for k, ms := range src {
			if _, ok := dst[k]; !ok && b.n >= max {
				lost++
				continue
			}
			b.n += put(dst, k, ms)
		}
	}
	add(b.users, from.users)
	add(b.guests, from.guests)
	for p, src := range from.pages {
		dst, ok := b.pages[p]
		if !ok {
			if len(b.pages) >= maxPages {
				lost += len(src)
				continue
			}
			dst = make(map[string]int64, len(src))
			b.pages[p] = dst
		}
		add(dst, src)
	}
	for p, src := range from.gone {
		for member, ms := range src {
			if b.n >= max {
				lost++
				continue
			}
			if !b.leave(member, p, p == "", ms, maxPages) {
				lost++
			}
		}
	}
	b.settle()
	return lost
}

// pageTimes maps each page of b to its latest sighting, for the page index.
func (b *batch) pageTimes() map[string]int64 {
	out := make(map[string]int64, len(b.pages))
	for p, m := range b.pages {
		for _, ms := range m {
			put(out, p, ms)
		}
	}
	return out
}

func zs(m map[string]int64) []redis.Z {
	out := make([]redis.Z, 0, len(m))
	for member, ms := range m {
		out = append(out, redis.Z{Score: float64(ms), Member: member})
	}
	return out
}

// txErr returns the error of a transaction: for one Redis aborted
// (EXECABORT), joined with the error of the command that made it abort,
// such as "OOM command not allowed when used memory > 'maxmemory'", which
// is what an operator needs to read.
func txErr(cmds []redis.Cmder, err error) error {
	if !redis.IsExecAbortError(err) {
		return err
	}
	for _, c := range cmds {
		if e := c.Err(); e != nil && !redis.IsExecAbortError(e) {
			return fmt.Errorf("%w: %w", err, e)
		}
	}
	return err
}

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// trimPages keeps the page index (KEYS[1]) to the pages seen since
// ARGV[2] (exclusive) and to the ARGV[3] most recent of them, deleting
// the keys of every page it drops: ARGV[1] .. path .. suffix for each
// suffix in ARGV[4..]. So the pages with keys in Redis never outnumber
// the cap, whatever the number of paths readers send. The page keys
// are not in KEYS, but they share the index's hash tag, so they live
// in its Cluster slot.
var trimPages = redis.NewScript(`
local function drop(paths)
  for _, p in ipairs(paths) do
    for i = 4, #ARGV do redis.call('DEL', ARGV[1] .. p .. ARGV[i]) end
  end
end
local old = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
if #old > 0 then
  drop(old)
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
end
local stop = -(tonumber(ARGV[3]) + 1)
local over = redis.call('ZRANGE', KEYS[1], 0, stop)
if #over > 0 then
  drop(over)
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, stop)
end
return #old + #over`)

// zsetStore keeps one sorted set per population, member = identity, score =
// last-seen Unix milliseconds: an exact sliding window that needs no tick
// to be correct (the tick only trims what nobody touches any more).
type zsetStore struct {
	c          redis.UniversalClient
	k          keys
	window     time.Duration
	ttl        time.Duration
	maxMembers int
	maxPages   int
}

// zadd queues, for one key: ZADD GT, a trim of everything older than the
// window, a size cap keeping the newest, and a TTL so an idle site leaves
// nothing behind.
func (s *zsetStore) zadd(ctx context.Context, p redis.Pipeliner, key string, m map[string]int64, min string, max int) {
	p.ZAddGT(ctx, key, zs(m)...)
	p.ZRemRangeByScore(ctx, key, "-inf", "("+min)
	p.ZRemRangeByRank(ctx, key, 0, int64(-(max + 1)))
	p.PExpire(ctx, key, s.ttl)
}

func (s *zsetStore) touch(ctx context.Context, b *batch, now time.Time) error {
	if b.empty() {
		return nil
	}
	min := ms(now.Add(-s.window))
	cmds, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if len(b.users) > 0 {
			s.zadd(ctx, p, s.k.users(), b.users, min, s.maxMembers)
		}
		if len(b.guests) > 0 {
			s.zadd(ctx, p, s.k.guests(), b.guests, min, s.maxMembers)
		}
		for path, m := range b.pages {
			s.zadd(ctx, p, s.k.page(path), m, min, s.maxMembers)
		}
		if len(b.pages) > 0 {
			s.indexPages(ctx, p, b, min)
		}
		s.removeGone(ctx, p, b)
		return nil
	})
	return txErr(cmds, err)
}

// indexPages queues, for the pages of b: their sightings in the page
// index, and the index's trim, which deletes the keys of the pages it
// drops.
func (s *zsetStore) indexPages(ctx context.Context, p redis.Pipeliner, b *batch, min string) {
	key := s.k.pages()
	p.ZAddGT(ctx, key, zs(b.pageTimes())...)
	trimPages.Eval(ctx, p, []string{key}, s.k.page(""), min, s.maxPages, "")
	p.PExpire(ctx, key, s.ttl)
}

func (s *zsetStore) read(ctx context.Context, now time.Time, paths []string, maxNames int) (reading, error) {
	min := ms(now.Add(-s.window))
	var (
		named, guests *redis.IntCmd
		names         *redis.StringSliceCmd
		pages         = make([]*redis.IntCmd, len(paths))
	)
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		named = p.ZCount(ctx, s.k.users(), min, "+inf")
		names = p.ZRevRangeByScore(ctx, s.k.users(), &redis.ZRangeBy{Min: min, Max: "+inf", Count: int64(maxNames)})
		guests = p.ZCount(ctx, s.k.guests(), min, "+inf")
		for i, path := range paths {
			pages[i] = p.ZCount(ctx, s.k.page(path), min, "+inf")
		}
		return nil
	})
	if err != nil {
		return reading{}, err
	}
	r := reading{Named: named.Val(), Names: names.Val(), Guests: guests.Val(), Pages: make(map[string]int64, len(paths))}
	for i, path := range paths {
		r.Pages[path] = pages[i].Val()
	}
	return r, nil
}

func (s *zsetStore) tick(ctx context.Context, now time.Time) error {
	min := ms(now.Add(-s.window))
	var paths *redis.StringSliceCmd
	_, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, key := range []string{s.k.users(), s.k.guests()} {
			p.ZRemRangeByScore(ctx, key, "-inf", "("+min)
		}
		trimPages.Eval(ctx, p, []string{s.k.pages()}, s.k.page(""), min, s.maxPages, "")
		paths = p.ZRange(ctx, s.k.pages(), 0, -1)
		return nil
	})
	if err != nil || len(paths.Val()) == 0 {
		return err
	}
	_, err = s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, path := range paths.Val() {
			p.ZRemRangeByScore(ctx, s.k.page(path), "-inf", "("+min)
		}
		return nil
	})
	return err
}

// newStore makes the store for o's strategy.
func newStore(c redis.UniversalClient, o Options) store {
	k := newKeys(o.Site)
	ttl := o.Window + 2*o.Flush
	if o.Strategy == "sets" {
		period := o.Window / 2
		if period < 2*time.Millisecond {
			period = 2 * time.Millisecond
		}
		return &setsStore{c: c, k: k, window: o.Window, period: period, ttl: ttl, maxMembers: o.MaxMembers, maxPages: o.MaxPages}
	}
	return &zsetStore{c: c, k: k, window: o.Window, ttl: ttl, maxMembers: o.MaxMembers, maxPages: o.MaxPages}
}

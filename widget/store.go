package widget

import (
	"context"
	"fmt"
	"slices"
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
	n      int // distinct (population, member) pairs
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
	for p, m := range b.pages {
		drop(m)
		if len(m) == 0 {
			delete(b.pages, p)
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

// setsStore is the seed design: SADD into ":cur"; every period one instance
// (holding the tick lock for that period) renames ":cur" to ":old", or
// deletes ":old" when ":cur" does not exist; readers are the union. A
// reader shows for one to two periods after leaving, so period is half the
// window.
type setsStore struct {
	c          redis.UniversalClient
	k          keys
	window     time.Duration
	period     time.Duration
	ttl        time.Duration
	maxMembers int
	maxPages   int
}

func cur(key string) string { return key + ":cur" }
func old(key string) string { return key + ":old" }

var (
	// tickLock runs a rotation at most once per epoch across instances.
	tickLock = redis.NewScript(`
local last = tonumber(redis.call('GET', KEYS[1]) or '-1')
if last >= tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1`)
	// rotate is the seed's tick for one population.
	rotate = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('RENAME', KEYS[1], KEYS[2])
else
  redis.call('DEL', KEYS[2])
end
local n = redis.call('SCARD', KEYS[2]) - tonumber(ARGV[1])
if n > 0 then redis.call('SPOP', KEYS[2], n) end
return 0`)
	// trimPages keeps the page index (KEYS[1]) to the pages seen since
	// ARGV[2] (exclusive) and to the ARGV[3] most recent of them, deleting
	// the keys of every page it drops: ARGV[1] .. path .. suffix for each
	// suffix in ARGV[4..]. So the pages with keys in Redis never outnumber
	// the cap, whatever the number of paths readers send. The page keys
	// are not in KEYS, but they share the index's hash tag, so they live
	// in its Cluster slot.
	trimPages = redis.NewScript(`
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
	// capSet trims the set KEYS[1] to ARGV[1] members (at random: the
	// sets strategy keeps no times).
	capSet = redis.NewScript(`
local n = redis.call('SCARD', KEYS[1]) - tonumber(ARGV[1])
if n > 0 then redis.call('SPOP', KEYS[1], n) end
return 0`)
	// unionCard counts a union without sending it over the wire.
	unionCard = redis.NewScript(`return #redis.call('SUNION', KEYS[1], KEYS[2])`)
	// unionSome returns a union's size and up to ARGV[1] of its members.
	unionSome = redis.NewScript(`
local u = redis.call('SUNION', KEYS[1], KEYS[2])
local out = {#u}
for i = 1, math.min(#u, tonumber(ARGV[1])) do out[#out + 1] = u[i] end
return out`)
)

func (s *setsStore) sadd(ctx context.Context, p redis.Pipeliner, key string, m map[string]int64) {
	members := make([]any, 0, len(m))
	for k := range m {
		members = append(members, k)
	}
	p.SAdd(ctx, cur(key), members...)
	if len(m) > 0 {
		capSet.Eval(ctx, p, []string{cur(key)}, s.maxMembers)
	}
	p.PExpire(ctx, cur(key), s.ttl)
}

func (s *setsStore) touch(ctx context.Context, b *batch, now time.Time) error {
	if b.empty() {
		return nil
	}
	min := ms(now.Add(-s.window))
	cmds, err := s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		if len(b.users) > 0 {
			s.sadd(ctx, p, s.k.users(), b.users)
		}
		if len(b.guests) > 0 {
			s.sadd(ctx, p, s.k.guests(), b.guests)
		}
		for path, m := range b.pages {
			s.sadd(ctx, p, s.k.page(path), m)
		}
		if len(b.pages) > 0 {
			key := s.k.pages()
			p.ZAddGT(ctx, key, zs(b.pageTimes())...)
			trimPages.Eval(ctx, p, []string{key}, s.k.page(""), min, s.maxPages, ":cur", ":old")
			p.PExpire(ctx, key, s.ttl)
		}
		return nil
	})
	return txErr(cmds, err)
}

func (s *setsStore) read(ctx context.Context, now time.Time, paths []string, maxNames int) (reading, error) {
	var (
		named  *redis.Cmd
		guests *redis.Cmd
		pages  = make([]*redis.Cmd, len(paths))
	)
	u, g := s.k.users(), s.k.guests()
	_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		named = unionSome.Eval(ctx, p, []string{cur(u), old(u)}, maxNames)
		guests = unionCard.Eval(ctx, p, []string{cur(g), old(g)})
		for i, path := range paths {
			k := s.k.page(path)
			pages[i] = unionCard.Eval(ctx, p, []string{cur(k), old(k)})
		}
		return nil
	})
	if err != nil {
		return reading{}, err
	}
	var r reading
	vals, err := named.Slice()
	if err != nil {
		return reading{}, err
	}
	if len(vals) > 0 {
		r.Named, _ = vals[0].(int64)
		for _, v := range vals[1:] {
			if name, ok := v.(string); ok {
				r.Names = append(r.Names, name)
			}
		}
		slices.Sort(r.Names)
	}
	if r.Guests, err = guests.Int64(); err != nil {
		return reading{}, err
	}
	r.Pages = make(map[string]int64, len(paths))
	for i, path := range paths {
		if r.Pages[path], err = pages[i].Int64(); err != nil {
			return reading{}, err
		}
	}
	return r, nil
}

// epoch numbers the rotation periods; rotations happen at epoch starts.
func (s *setsStore) epoch(now time.Time) int64 { return now.UnixMilli() / s.period.Milliseconds() }

func (s *setsStore) tick(ctx context.Context, now time.Time) error {
	got, err := tickLock.Run(ctx, s.c, []string{s.k.tick()}, s.epoch(now), s.ttl.Milliseconds()).Int64()
	if err != nil || got == 0 {
		return err
	}
	min := ms(now.Add(-s.window))
	var paths *redis.StringSliceCmd
	_, err = s.c.TxPipelined(ctx, func(p redis.Pipeliner) error {
		trimPages.Eval(ctx, p, []string{s.k.pages()}, s.k.page(""), min, s.maxPages, ":cur", ":old")
		paths = p.ZRange(ctx, s.k.pages(), 0, -1)
		return nil
	})
	if err != nil {
		return err
	}
	bases := append([]string{s.k.users(), s.k.guests()}, paths.Val()...)
	for i := 2; i < len(bases); i++ {
		bases[i] = s.k.page(bases[i])
	}
	_, err = s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, key := range bases {
			rotate.Eval(ctx, p, []string{cur(key), old(key)}, s.maxMembers)
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

package widget

import (
	"context"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"
)

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
		s.removeGone(ctx, p, b)
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

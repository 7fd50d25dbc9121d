package widget

import (
	"context"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"
)

// Leaves. A batch holds, besides the sightings, the readers who left
// since the last flush and when: batch.gone maps a page path, or "" for
// the site, to members ("u:NAME", "g:HASH") and the Unix milliseconds
// they left at. A leave takes the member's earlier sightings out of the
// batch, and a later sighting takes the leave out, so a batch never holds
// both for one member and key. The flush writes the sightings first, then
// removes the members who left from their keys, each only when the key
// holds no sighting of it after the leave (one another instance wrote).

// leave records that member left path ("" for none) and, with all, the
// site, at ms. It reports false when maxPages distinct pages are already
// pending.
func (b *batch) leave(member, path string, all bool, ms int64, maxPages int) bool {
	if all {
		if name, ok := strings.CutPrefix(member, "u:"); ok {
			b.forget(b.users, name, ms)
		} else {
			b.forget(b.guests, member[len("g:"):], ms)
		}
		b.addGone("", member, ms)
	}
	if path == "" {
		return true
	}
	if m, ok := b.pages[path]; ok {
		b.forget(m, member, ms)
		if len(m) == 0 {
			delete(b.pages, path)
		}
	} else if _, ok := b.gone[path]; !ok && len(b.gone) > maxPages {
		return false
	}
	b.addGone(path, member, ms)
	return true
}

// forget deletes k from m when it was last seen at or before ms.
func (b *batch) forget(m map[string]int64, k string, ms int64) {
	if old, ok := m[k]; ok && old <= ms {
		delete(m, k)
		b.n--
	}
}

func (b *batch) addGone(path, member string, ms int64) {
	if b.gone == nil {
		b.gone = map[string]map[string]int64{}
	}
	m, ok := b.gone[path]
	if !ok {
		m = map[string]int64{}
		b.gone[path] = m
	}
	b.n += put(m, member, ms)
}

// back takes out the leave of member from path ("" for the site) that a
// sighting at ms comes after.
func (b *batch) back(path, member string, ms int64) {
	m, ok := b.gone[path]
	if !ok {
		return
	}
	if left, ok := m[member]; ok && left <= ms {
		delete(m, member)
		b.n--
		if len(m) == 0 {
			delete(b.gone, path)
		}
	}
}

// settle restores, after a merge, that a batch holds a sighting or a
// leave for each member and key, not both: the later one wins.
func (b *batch) settle() {
	for path, gone := range b.gone {
		for member, left := range gone {
			m, k := b.pages[path], member
			if path == "" {
				if name, ok := strings.CutPrefix(member, "u:"); ok {
					m, k = b.users, name
				} else {
					m, k = b.guests, member[len("g:"):]
				}
			}
			seen, ok := m[k]
			switch {
			case !ok:
			case seen >= left: // on a tie, the sighting (as addMember decides)
				delete(gone, member)
				b.n--
			default:
				delete(m, k)
				b.n--
			}
		}
		if len(gone) == 0 {
			delete(b.gone, path)
		}
	}
	for path, m := range b.pages {
		if len(m) == 0 {
			delete(b.pages, path)
		}
	}
}

// removeLeft removes from the sorted set KEYS[1] each member ARGV[2i]
// whose score is at most ARGV[2i-1]: seen last before it left.
var removeLeft = redis.NewScript(`
local n = 0
for i = 1, #ARGV, 2 do
  local s = redis.call('ZSCORE', KEYS[1], ARGV[i + 1])
  if s and tonumber(s) <= tonumber(ARGV[i]) then
    n = n + redis.call('ZREM', KEYS[1], ARGV[i + 1])
  end
end
return n`)

// leftArgs lists the (ms, member) pairs of gone as removeLeft's ARGV;
// site-wide, the populations' members lose their "u:"/"g:" prefix.
func leftArgs(gone map[string]int64, named bool) []any {
	args := make([]any, 0, 2*len(gone))
	for member, ms := range gone {
		m, isName := strings.CutPrefix(member, "u:")
		if !isName {
			m = member[len("g:"):]
		}
		if isName != named {
			continue
		}
		args = append(args, strconv.FormatInt(ms, 10), m)
	}
	return args
}

// pageLeftArgs lists the (ms, member) pairs of one page's gone readers.
func pageLeftArgs(gone map[string]int64) []any {
	args := make([]any, 0, 2*len(gone))
	for member, ms := range gone {
		args = append(args, strconv.FormatInt(ms, 10), member)
	}
	return args
}

// removeGone queues the removal of b's readers who left from the zset
// store's keys.
func (s *zsetStore) removeGone(ctx context.Context, p redis.Pipeliner, b *batch) {
	for path, gone := range b.gone {
		if path != "" {
			removeLeft.Eval(ctx, p, []string{s.k.page(path)}, pageLeftArgs(gone)...)
			continue
		}
		if args := leftArgs(gone, true); len(args) > 0 {
			removeLeft.Eval(ctx, p, []string{s.k.users()}, args...)
		}
		if args := leftArgs(gone, false); len(args) > 0 {
			removeLeft.Eval(ctx, p, []string{s.k.guests()}, args...)
		}
	}
}

// removeGone queues the removal of b's readers who left from the sets
// store's keys. The sets keep no times, so a sighting another instance
// wrote after the leave goes too, until that reader's next beat; the batch
// itself never holds a sighting and a leave for one member and key.
func (s *setsStore) removeGone(ctx context.Context, p redis.Pipeliner, b *batch) {
	srem := func(key string, members []any) {
		if len(members) > 0 {
			p.SRem(ctx, cur(key), members...)
			p.SRem(ctx, old(key), members...)
		}
	}
	for path, gone := range b.gone {
		if path != "" {
			var members []any
			for m := range gone {
				members = append(members, m)
			}
			srem(s.k.page(path), members)
			continue
		}
		var users, guests []any
		for m := range gone {
			if name, ok := strings.CutPrefix(m, "u:"); ok {
				users = append(users, name)
			} else {
				guests = append(guests, m[len("g:"):])
			}
		}
		srem(s.k.users(), users)
		srem(s.k.guests(), guests)
	}
}

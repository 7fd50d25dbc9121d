package widget

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"
)

// MaxNameLen is the longest reader name, in bytes, a token may carry.
const MaxNameLen = 64

var (
	// ErrInvalidToken is returned by [ParseToken] for a malformed token or
	// one whose signature does not match.
	ErrInvalidToken = errors.New("widget: invalid token")
	// ErrExpiredToken is returned by [ParseToken] for a correctly signed
	// token whose expiry has passed.
	ErrExpiredToken = errors.New("widget: expired token")
)

// SignToken returns a token vouching that the reader called name is signed
// in until expiry: "NAME|EXPIRY|MAC", where EXPIRY is Unix seconds and MAC
// is the lowercase hex HMAC-SHA256 of "NAME|EXPIRY" under secret. Any
// language can make one (see the package documentation). Put it in the
// widget's data-token attribute or, percent-encoded, in a "wo_token"
// cookie the endpoint receives.
func SignToken(secret []byte, name string, expiry time.Time) string {
	msg := name + "|" + strconv.FormatInt(expiry.Unix(), 10)
	return msg + "|" + hex.EncodeToString(mac(secret, msg))
}

func mac(secret []byte, msg string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// ParseToken checks a token made by [SignToken] and returns the name it
// vouches for. It returns [ErrInvalidToken] when the token is malformed,
// badly signed, signed with an empty secret or names an unprintable or
// over-long name, and [ErrExpiredToken] when it expired before now.
func ParseToken(secret []byte, token string, now time.Time) (string, error) {
	if len(secret) == 0 || len(token) > MaxNameLen+100 {
		return "", ErrInvalidToken
	}
	i := strings.LastIndexByte(token, '|')
	if i < 0 {
		return "", ErrInvalidToken
	}
	msg, sig := token[:i], token[i+1:]
	j := strings.LastIndexByte(msg, '|')
	if j < 0 {
		return "", ErrInvalidToken
	}
	name, exp := msg[:j], msg[j+1:]
	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(secret, msg)) {
		return "", ErrInvalidToken
	}
	sec, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !validName(name) {
		return "", ErrInvalidToken
	}
	if now.Unix() >= sec {
		return "", ErrExpiredToken
	}
	return name, nil
}

// validName reports whether name can be shown: non-empty printable UTF-8
// of at most MaxNameLen bytes. Markup is fine; it is always shown as text.
func validName(name string) bool {
	if name == "" || len(name) > MaxNameLen || !utf8.ValidString(name) || strings.TrimSpace(name) != name {
		return false
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// dayKeys holds the guest-hash key of the current UTC day: random, agreed
// on by all instances through Redis (SET NX EX, wo:{SITE}:k:YYYYMMDD) and
// cached here. It is safe for concurrent use.
type dayKeys struct {
	o     *Options // shared with the Server, read-only
	conn  *redisConn
	group singleflight.Group
	cur   atomic.Pointer[dayState] // the key in use
}

// dayState is one UTC day's guest-hash key, with recycled hashers for it.
// It is replaced, never changed: a new day, or another key adopted from
// Redis, makes a new one, so guest hashes always follow the current key.
type dayState struct {
	day  int64  // days since the Unix epoch, UTC
	date string // the same day as YYYYMMDD
	key  []byte
	hash *guestHasher
}

// unixDay returns the UTC day number of t: days since 1970-01-01.
func unixDay(t time.Time) int64 {
	sec := t.Unix()
	d := sec / 86400
	if sec%86400 < 0 {
		d--
	}
	return d
}

// get returns the key of now's day, agreeing on it with the other
// instances when the day (or the process) is new.
func (dk *dayKeys) get(ctx context.Context, now time.Time) (*dayState, error) {
	if d := dk.cur.Load(); d != nil && d.day == unixDay(now) {
		return d, nil
	}
	return dk.sync(ctx, now)
}

// sync agrees on the day's key with the other instances: it offers the key
// it has (or a new random one) with SET NX EX and adopts whatever Redis
// then holds. Run again every minute (syncLoop), it also puts the key back
// into a Redis that restarted empty, so instances keep agreeing.
func (dk *dayKeys) sync(ctx context.Context, now time.Time) (*dayState, error) {
	date := now.UTC().Format("20060102")
	v, err, _ := dk.group.Do(date, func() (any, error) {
		cur := dk.cur.Load()
		var offer string
		if cur != nil && cur.date == date {
			offer = string(cur.key)
		} else {
			random := make([]byte, 32)
			rand.Read(random)
			offer = hex.EncodeToString(random)
		}
		var key []byte
		err := dk.conn.do(context.WithoutCancel(ctx), "day key", writes, func(ctx context.Context) error {
			k := dk.conn.k.dayKey(now)
			var get *redis.StringCmd
			_, err := dk.conn.c.Pipelined(ctx, func(p redis.Pipeliner) error {
				p.SetNX(ctx, k, offer, 48*time.Hour)
				get = p.Get(ctx, k)
				return nil
			})
			key = []byte(get.Val())
			return err
		})
		if err != nil {
			return nil, err
		}
		d := &dayState{day: unixDay(now), date: date, key: key}
		if cur != nil && cur.date == date && bytes.Equal(cur.key, key) {
			d = cur // unchanged: keep its hashers
		} else {
			d.hash = newGuestHasher(key)
		}
		dk.cur.Store(d)
		return d, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*dayState), nil
}

// syncLoop syncs the day's key about once a minute (checked every
// Options.Flush) until ctx ends.
func (dk *dayKeys) syncLoop(ctx context.Context) {
	t := time.NewTicker(dk.o.Flush)
	defer t.Stop()
	var synced time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if now := dk.o.Now(); now.Sub(synced) >= time.Minute {
			dk.sync(ctx, now) // errors are logged by do
			synced = now
		}
	}
}

// guestID is the guest identity: an HMAC of (site, address, user agent)
// under the day's random key. Nobody can recover the address from it or
// follow a reader across days.
func guestID(dayKey []byte, site, addr, ua string) string {
	h := hmac.New(sha256.New, dayKey)
	h.Write([]byte(site))
	h.Write([]byte{0})
	h.Write([]byte(addr))
	h.Write([]byte{0})
	h.Write([]byte(ua))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

// guestIDLen is the length of a guest identity: 16 bytes in base64url.
const guestIDLen = 22

// guestHasher computes guest members, "g:" + [guestID], for one day's key.
// HMACs are recycled rather than made per hit, and results are cached per
// (site, address, user agent) under a 128-bit keyed hash (maphash, with
// seeds of its own): the cache holds no address, only what the pending
// batch holds anyway. A guestHasher belongs to one day's key, so the cache
// goes with the key: a new day starts an empty one. It is bounded: a shard
// that fills up is emptied.
type guestHasher struct {
	pool   sync.Pool // of *guestHash
	seeds  [2]maphash.Seed
	shards [guestShards]guestShard
}

type guestHash struct {
	h   hash.Hash
	msg []byte
	sum []byte
}

const (
	guestShards   = 16
	guestShardMax = 4096 // members per shard: 65,536 in all, a few MB
)

type guestShard struct {
	mu sync.Mutex
	m  map[[2]uint64]string
	_  [40]byte // keep shards' locks on separate cache lines
}

func newGuestHasher(dayKey []byte) *guestHasher {
	key := slices.Clone(dayKey)
	g := &guestHasher{seeds: [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}}
	g.pool.New = func() any {
		return &guestHash{h: hmac.New(sha256.New, key), msg: make([]byte, 0, 256), sum: make([]byte, 0, sha256.Size)}
	}
	return g
}

// member returns "g:" + guestID(dayKey, site, addr, ua).
func (g *guestHasher) member(site, addr, ua string) string {
	var buf [512]byte
	n := len(site) + len(addr) + len(ua) + 2
	if n > len(buf) {
		return g.compute(site, addr, ua)
	}
	msg := append(append(append(append(append(buf[:0], site...), 0), addr...), 0), ua...)
	k := [2]uint64{maphash.Bytes(g.seeds[0], msg), maphash.Bytes(g.seeds[1], msg)}
	sh := &g.shards[k[0]%guestShards]
	sh.mu.Lock()
	m, ok := sh.m[k]
	sh.mu.Unlock()
	if ok {
		return m
	}
	m = g.compute(site, addr, ua)
	sh.mu.Lock()
	if sh.m == nil || len(sh.m) >= guestShardMax {
		sh.m = make(map[[2]uint64]string, min(2*len(sh.m), guestShardMax))
	}
	sh.m[k] = m
	sh.mu.Unlock()
	return m
}

// compute returns "g:" + guestID(dayKey, site, addr, ua), in one
// allocation.
func (g *guestHasher) compute(site, addr, ua string) string {
	gh := g.pool.Get().(*guestHash)
	msg := append(gh.msg[:0], site...)
	msg = append(msg, 0)
	msg = append(msg, addr...)
	msg = append(msg, 0)
	msg = append(msg, ua...)
	gh.h.Reset()
	gh.h.Write(msg)
	sum := gh.h.Sum(gh.sum[:0])
	var out [2 + guestIDLen]byte
	n := copy(out[:], "g:")
	base64.RawURLEncoding.Encode(out[n:], sum[:16])
	id := string(out[:])
	clear(msg) // the message holds the raw address
	if cap(msg) <= 4<<10 {
		gh.msg, gh.sum = msg[:0], sum[:0]
		g.pool.Put(gh)
	}
	return id
}

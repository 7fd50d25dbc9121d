package widget

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// errUnavailable is returned while the circuit breaker is open.
var errUnavailable = errors.New("store unavailable (circuit open)")

// redisConn is the Server's way to Redis: the client, the store strategy
// over it, and the circuit breaker and throttled error log every call goes
// through (see do). With no Redis configured it runs the embedded
// miniredis and keeps its clock moving.
type redisConn struct {
	o     *Options // shared with the Server, read-only
	c     redis.UniversalClient
	own   bool                 // c was made here, so close closes it
	mini  *miniredis.Miniredis // the embedded Redis, when one was started
	scope string               // "shared" (Redis) or "local" (embedded)
	st    store
	k     keys

	// Two breakers, because Redis can refuse writes while it answers
	// reads (out of memory under noeviction, a read-only replica after a
	// failover): a successful read must not hide failing writes.
	rd   breaker // reads and upkeep: everything but wr's
	wr   breaker // writes that add data: flushes, the day key
	errs throttledLog
	lost func() int64 // sightings dropped so far, for the recovery log
}

// opKind says which breaker a store operation goes through.
type opKind int

const (
	reads  opKind = iota // reads, trims, publishes: work while Redis refuses writes
	writes               // writes that add data: refused by a full or read-only Redis
)

// newRedisConn connects as o says: o.Client, else a client for o.Redis,
// else an embedded miniredis started here.
func newRedisConn(o *Options) (*redisConn, error) {
	rc := &redisConn{
		o:     o,
		c:     o.Client,
		scope: "shared",
		k:     newKeys(o.Site),
		errs:  throttledLog{log: o.Logger, every: o.LogEvery, msg: "presence store error"},
		lost:  func() int64 { return 0 },
	}
	switch {
	case rc.c != nil:
	case o.Redis != "":
		c, err := clientFromURL(o.Redis, o.Timeout)
		if err != nil {
			return nil, fmt.Errorf("widget: redis url: %w", err)
		}
		rc.c, rc.own = c, true
	default:
		rc.mini = miniredis.NewMiniRedis()
		rc.mini.SetTime(o.Now())
		if err := rc.mini.Start(); err != nil {
			return nil, fmt.Errorf("widget: embedded redis: %w", err)
		}
		rc.c = redis.NewClient(&redis.Options{Addr: rc.mini.Addr(), DisableIdentity: true, MaxRetries: -1})
		rc.own = true
		rc.scope = "local"
	}
	rc.st = newStore(rc.c, *o)
	return rc, nil
}

// clientFromURL makes a Redis client for a URL: Sentinel with master_name=,
// Cluster with extra addr=, else a single server. Timeouts not given in
// the URL are set to timeout.
func clientFromURL(raw string, timeout time.Duration) (redis.UniversalClient, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	set := func(d ...*time.Duration) {
		for _, p := range d {
			if *p == 0 {
				*p = timeout
			}
		}
	}
	q := u.Query()
	switch {
	case q.Has("master_name"):
		o, err := redis.ParseFailoverURL(raw)
		if err != nil {
			return nil, err
		}
		set(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout)
		return redis.NewFailoverClient(o), nil
	case q.Has("addr"):
		o, err := redis.ParseClusterURL(raw)
		if err != nil {
			return nil, err
		}
		set(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout)
		return redis.NewClusterClient(o), nil
	}
	o, err := redis.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	set(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout)
	if o.MaxRetries == 0 {
		o.MaxRetries = 1
	}
	return redis.NewClient(o), nil
}

// do runs one store operation of the given kind under its circuit breaker
// with its own deadline, logging failures (throttled). redis.Nil is not a
// failure. A refused write (see writeRefused) counts against the write
// breaker whatever the operation, since Redis is up but full.
func (rc *redisConn) do(ctx context.Context, op string, kind opKind, fn func(context.Context) error) error {
	now := rc.o.Now()
	br := &rc.rd
	if kind == writes {
		br = &rc.wr
	}
	ok, probe := br.allow(now)
	if probe {
		err := rc.probe(ctx, kind)
		if br.probed(rc.o.Now(), err == nil) {
			rc.o.Logger.Info("presence store recovered", "dropped", rc.lost())
		}
		if err != nil {
			rc.errs.warn(now, "op", op, "err", err)
			return err
		}
	} else if !ok {
		return errUnavailable
	}
	ctx, cancel := context.WithTimeout(ctx, rc.o.Timeout)
	defer cancel()
	err := fn(ctx)
	if errors.Is(err, redis.Nil) {
		err = nil
	}
	if writeRefused(err) {
		br = &rc.wr
	}
	if br.result(now, err != nil) {
		rc.o.Logger.Info("presence store recovered", "dropped", rc.lost())
	}
	if err != nil {
		rc.errs.warn(now, "op", op, "err", err)
	}
	return err
}

// writeRefused reports whether err is Redis refusing a write while it
// still serves reads: out of memory (OOM, under a noeviction policy), a
// read-only replica (READONLY), too few replicas (NOREPLICAS), a failed
// snapshot (MISCONF), or a transaction aborted for one of these
// (EXECABORT).
func writeRefused(err error) bool {
	var re redis.Error
	if !errors.As(err, &re) {
		return false
	}
	msg := re.Error()
	for _, code := range []string{"OOM ", "READONLY ", "NOREPLICAS ", "MISCONF ", "EXECABORT "} {
		if strings.HasPrefix(msg, code) {
			return true
		}
	}
	return false
}

// probe asks Redis, cheaply, whether calls of the kind would work again:
// a read of the site's (EXISTS, so on a Cluster it reaches the node that
// holds the site, not just any node), or probeWrite.
func (rc *redisConn) probe(ctx context.Context, kind opKind) error {
	ctx, cancel := context.WithTimeout(ctx, rc.o.Timeout)
	defer cancel()
	if kind == writes {
		return rc.probeWrite(ctx)
	}
	return rc.c.Exists(ctx, rc.k.users()).Err()
}

// probeWrite is the cheapest write that Redis refuses when it refuses
// writes (SET is denied when out of memory): a short-lived key of the
// site's, so on a Cluster it reaches the node that holds the site.
func (rc *redisConn) probeWrite(ctx context.Context) error {
	return rc.c.Set(ctx, rc.k.probe(), "1", time.Second).Err()
}

// writesFailing reports whether writes have been failing (their breaker
// is open): hits are not being recorded.
func (rc *redisConn) writesFailing() bool { return rc.wr.state(rc.o.Now()) != "closed" }

// tickLoop does the store's periodic work (trimming, or rotating for the
// "sets" strategy) until ctx ends.
func (rc *redisConn) tickLoop(ctx context.Context) {
	every := rc.o.Window / 4
	if rc.o.Strategy == "sets" {
		every = min(rc.o.Window/20, time.Second)
	}
	every = max(every, 5*time.Millisecond)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := rc.o.Now()
		rc.do(ctx, "tick", reads, func(ctx context.Context) error { return rc.st.tick(ctx, now) })
	}
}

// clockLoop moves the embedded miniredis's clock, which otherwise stands
// still: without it no TTL would ever expire.
func (rc *redisConn) clockLoop(ctx context.Context) {
	every := min(time.Second, rc.o.Flush)
	t := time.NewTicker(every)
	defer t.Stop()
	last := rc.o.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := rc.o.Now()
		if d := now.Sub(last); d > 0 {
			rc.mini.SetTime(now)
			rc.mini.FastForward(d)
			last = now
		}
	}
}

// close closes the client and the embedded Redis made here.
func (rc *redisConn) close() error {
	var err error
	if rc.own {
		err = rc.c.Close()
	}
	if rc.mini != nil {
		rc.mini.Close()
	}
	return err
}

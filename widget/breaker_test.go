package widget

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
)

// redisErr is an error as Redis sends it (go-redis's redis.Error).
type redisErr string

func (e redisErr) Error() string { return string(e) }
func (redisErr) RedisError()     {}

func TestWriteRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{redis.Nil, false},
		{context.DeadlineExceeded, false},
		{errors.New("dial unix /tmp/r.sock: connect: no such file or directory"), false},
		{redisErr("OOM command not allowed when used memory > 'maxmemory'."), true},
		{redisErr("READONLY You can't write against a read only replica."), true},
		{redisErr("EXECABORT Transaction discarded because of previous errors."), true},
		{redisErr("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk."), true},
		{fmt.Errorf("flush: %w", redisErr("OOM command not allowed")), true},
		{redisErr("WRONGTYPE Operation against a key holding the wrong kind of value"), false},
	}
	for _, tc := range tests {
		if got := writeRefused(tc.err); got != tc.want {
			t.Errorf("writeRefused(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
}

// faultHook makes every command of a go-redis client fail while down is
// set, as if Redis were gone: failures the test controls, with no network
// timing in them.
type faultHook struct{ down atomic.Bool }

var errInjected = errors.New("injected: connection refused")

func (h *faultHook) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *faultHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		if h.down.Load() {
			cmd.SetErr(errInjected)
			return errInjected
		}
		return next(ctx, cmd)
	}
}

func (h *faultHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		if h.down.Load() {
			for _, c := range cmds {
				c.SetErr(errInjected)
			}
			return errInjected
		}
		return next(ctx, cmds)
	}
}

// TestRecoveryWithinTwoSeconds takes Redis away for 70 seconds, while the
// loops' work goes on (a flush and a poll every second, readers beating),
// and brings it back: within two seconds the endpoint must count again and
// serve fresh snapshots, and the readers seen during the outage must be
// there.
func TestRecoveryWithinTwoSeconds(t *testing.T) {
	t.Parallel()
	mr := miniredis.RunT(t)
	c := redis.NewClient(&redis.Options{Addr: mr.Addr(), DisableIdentity: true})
	t.Cleanup(func() { c.Close() })
	faults := &faultHook{}
	c.AddHook(faults)
	clk := newClock()
	mr.SetTime(clk.Now())
	s := mustServer(t, Options{Client: c, Now: clk.Now, HitRate: -1})
	serve(s, hitReq("192.0.2.1", ua1, `{"path":"/a/"}`))
	s.flush(t.Context())
	if snap := getSnapshot(t, s, clk, ""); snap.Total != 1 || snap.Stale {
		t.Fatalf("before: %+v, want one reader, fresh", snap)
	}

	faults.down.Store(true)
	for i := range 70 {
		clk.Add(time.Second)
		if i%10 == 5 { // seven more readers come while Redis is away
			serve(s, hitReq(fmt.Sprint("192.0.2.", 100+i), ua1, `{"path":"/a/"}`))
		}
		s.flush(t.Context())
		getSnapshot(t, s, nil, "")
	}
	if snap := getSnapshot(t, s, nil, ""); !snap.Stale {
		t.Fatalf("during the outage: %+v, want stale", snap)
	}

	faults.down.Store(false)
	back := clk.Now()
	for {
		clk.Add(250 * time.Millisecond)
		s.flush(t.Context())
		snap := getSnapshot(t, s, nil, "")
		if snap.Available && !snap.Stale && snap.Total == 8 {
			break
		}
		if d := clk.Now().Sub(back); d > 2*time.Second {
			t.Fatalf("%v after Redis came back: %+v, want fresh with 8 readers", d, snap)
		}
	}
	if n := s.dropped.Load(); n != 0 {
		t.Errorf("dropped = %d, want 0: the outage's sightings are kept", n)
	}
}

func TestBreakerProbes(t *testing.T) {
	t.Parallel()
	var b breaker
	now := t0
	type step struct {
		ok, probe bool
		state     string
	}
	check := func(what string, want step) {
		t.Helper()
		st := b.state(now)
		ok, probe := b.allow(now)
		if got := (step{ok, probe, st}); got != want {
			t.Fatalf("%s: allow = %v, %v in state %q; want %v, %v in %q", what, ok, probe, st, want.ok, want.probe, want.state)
		}
	}
	for range breakerFails - 1 {
		b.result(now, true)
	}
	check("two failures", step{true, false, "closed"})
	b.result(now, true)
	check("three failures", step{false, false, "open"})
	now = now.Add(probeEvery)
	check("probe due", step{false, true, "half-open"})
	check("while probing", step{false, false, "half-open"})
	b.probed(now, false)
	check("after a failed probe", step{false, false, "open"})
	now = now.Add(probeEvery)
	check("next probe", step{false, true, "half-open"})
	if !b.probed(now, true) {
		t.Errorf("probed(ok) = false, want true: recovered")
	}
	check("after a good probe", step{true, false, "closed"})
	// However long Redis was away, the next probe is never further off.
	for range 100 {
		b.result(now, true)
	}
	now = now.Add(probeEvery)
	check("after 100 failures", step{false, true, "half-open"})
}

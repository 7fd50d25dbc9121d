package widget

import (
	"log/slog"
	"sync"
	"time"
)

// breaker is a circuit breaker for one kind of store call: after
// breakerFails failures in a row it opens, and calls fail at once, so a
// dead Redis costs requests nothing. While it is open, one caller at a
// time, at most once per probeEvery, probes Redis with a cheap command
// instead; the first probe that succeeds closes it. There is no growing
// backoff: however long Redis was away, service resumes within about a
// second of its return.
type breaker struct {
	mu      sync.Mutex
	fails   int       // failures in a row
	open    bool      // calls fail at once
	probeAt time.Time // while open: when the next probe may run
	probing bool      // a probe is under way
}

const (
	breakerFails = 3
	probeEvery   = 500 * time.Millisecond
)

// allow reports whether a call may go ahead at now: always while the
// breaker is closed; while it is open, only for the one caller who gets a
// due probe (probe is then true), who must run the probe and report its
// outcome to probed before making the call.
func (b *breaker) allow(now time.Time) (ok, probe bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.open {
		return true, false
	}
	if b.probing || now.Before(b.probeAt) {
		return false, false
	}
	b.probing = true
	return false, true
}

// ready reports whether allow would let a call or a probe go ahead now.
func (b *breaker) ready(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !b.open || (!b.probing && !now.Before(b.probeAt))
}

// probed records a probe's outcome and reports whether it closed the
// breaker, that is, whether the store just recovered.
func (b *breaker) probed(now time.Time, ok bool) (recovered bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.probing = false
	if !ok {
		b.probeAt = now.Add(probeEvery)
		return false
	}
	recovered = b.open
	b.fails, b.open = 0, false
	return recovered
}

// result records a call's outcome and reports whether it closed an open
// breaker (a call begun before it opened can end after).
func (b *breaker) result(now time.Time, failed bool) (recovered bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !failed {
		recovered = b.open
		b.fails, b.open = 0, false
		return recovered
	}
	b.fails++
	if b.fails >= breakerFails && !b.open {
		b.open = true
		b.probeAt = now.Add(probeEvery)
	}
	return false
}

// state is "closed", "open", or "half-open" while open with a probe due.
func (b *breaker) state(now time.Time) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case !b.open:
		return "closed"
	case now.Before(b.probeAt):
		return "open"
	}
	return "half-open"
}

// throttledLog logs one kind of warning at most once per interval,
// counting the ones it suppressed in between.
type throttledLog struct {
	log   *slog.Logger
	every time.Duration
	msg   string // the warning, such as "presence store error"

	mu         sync.Mutex
	last       time.Time
	suppressed int
}

// warn logs msg with args, unless it was logged less than every ago.
func (l *throttledLog) warn(now time.Time, args ...any) {
	l.mu.Lock()
	if !l.last.IsZero() && now.Sub(l.last) < l.every {
		l.suppressed++
		l.mu.Unlock()
		return
	}
	n := l.suppressed
	l.last, l.suppressed = now, 0
	l.mu.Unlock()
	l.log.Warn(l.msg, append(args, "suppressed", n)...)
}

// limiter is a token bucket per client address. It forgets idle clients
// (every 30s) and, past maxClients, everybody (failing open rather than
// growing).
type limiter struct {
	rate  float64 // tokens per second; <= 0 disables
	burst float64

	mu      sync.Mutex
	buckets map[string]*bucket
	pruned  time.Time // last prune
}

type bucket struct {
	tokens float64
	last   time.Time
}

const maxClients = 100_000

func (l *limiter) allow(addr string, now time.Time) bool {
	if l.rate <= 0 {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.pruned) > 30*time.Second {
		l.prune(now)
	}
	if l.buckets == nil || len(l.buckets) >= maxClients {
		l.buckets = map[string]*bucket{}
	}
	b, ok := l.buckets[addr]
	if !ok {
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[addr] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// prune forgets clients whose bucket is full again. l.mu is held.
func (l *limiter) prune(now time.Time) {
	l.pruned = now
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

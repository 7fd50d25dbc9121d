package widget

import (
	"log/slog"
	"sync"
	"time"
)

// breaker is a circuit breaker for the store: after three failures in a
// row it opens for a backoff (1s doubling to 30s) during which calls fail
// at once, so a dead Redis costs requests nothing. After the backoff, calls
// go through again; one success closes it.
type breaker struct {
	mu        sync.Mutex
	fails     int
	backoff   time.Duration
	openUntil time.Time
}

func (b *breaker) allow(now time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return !now.Before(b.openUntil)
}

// result records a call's outcome and reports whether it closed an open
// (or half-open) breaker, that is, whether the store just recovered.
func (b *breaker) result(now time.Time, failed bool) (recovered bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !failed {
		recovered = b.fails >= 3
		b.fails, b.backoff, b.openUntil = 0, 0, time.Time{}
		return recovered
	}
	b.fails++
	if b.fails >= 3 {
		b.backoff = min(max(2*b.backoff, time.Second), 30*time.Second)
		b.openUntil = now.Add(b.backoff)
	}
	return false
}

func (b *breaker) state(now time.Time) string {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case b.fails < 3:
		return "closed"
	case now.Before(b.openUntil):
		return "open"
	}
	return "half-open"
}

// throttledLog logs store errors at most once per interval, counting the
// ones it suppressed in between.
type throttledLog struct {
	log   *slog.Logger
	every time.Duration

	mu         sync.Mutex
	last       time.Time
	suppressed int
}

func (l *throttledLog) error(now time.Time, op string, err error) {
	l.mu.Lock()
	if !l.last.IsZero() && now.Sub(l.last) < l.every {
		l.suppressed++
		l.mu.Unlock()
		return
	}
	n := l.suppressed
	l.last, l.suppressed = now, 0
	l.mu.Unlock()
	l.log.Warn("presence store error", "op", op, "err", err, "suppressed", n)
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

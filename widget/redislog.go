package widget

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"
)

// RedisLogger forwards go-redis's own log lines (a connection pool failing
// to dial, a pub/sub reconnecting) to a [slog.Logger] as warnings, each
// kind at most once per interval with a count of the ones suppressed, as
// the [Server] logs its store errors. Without it go-redis prints every line
// to standard error, which during an outage means a line per attempt.
//
// Install it with redis.SetLogger. That setting is process-wide: it takes
// the lines of every go-redis client in the process, and the last call
// wins, so a program does it once, in main. A RedisLogger is safe for
// concurrent use.
type RedisLogger struct {
	log   *slog.Logger
	every time.Duration
	now   func() time.Time

	mu    sync.Mutex
	kinds map[string]*throttledLog // by format string
}

// maxLogKinds bounds the formats a RedisLogger tells apart; go-redis has
// about two hundred call sites, and the rest share one throttle.
const maxLogKinds = 256

// NewRedisLogger returns a RedisLogger writing to l, logging each kind of
// line at most once per every (30s if every <= 0).
func NewRedisLogger(l *slog.Logger, every time.Duration) *RedisLogger {
	if every <= 0 {
		every = 30 * time.Second
	}
	return &RedisLogger{log: l, every: every, now: time.Now, kinds: map[string]*throttledLog{}}
}

// Printf logs one go-redis line; it implements go-redis's logging
// interface.
func (l *RedisLogger) Printf(ctx context.Context, format string, v ...any) {
	l.mu.Lock()
	t, ok := l.kinds[format]
	if !ok {
		key := format
		if len(l.kinds) >= maxLogKinds {
			key = ""
		}
		if t, ok = l.kinds[key]; !ok {
			t = &throttledLog{log: l.log, every: l.every, msg: "redis client"}
			l.kinds[key] = t
		}
	}
	l.mu.Unlock()
	t.warn(l.now(), "log", fmt.Sprintf(format, v...))
}

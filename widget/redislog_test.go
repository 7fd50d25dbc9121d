package widget

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/redis/go-redis/v9"
)

// A *RedisLogger is what redis.SetLogger takes (go-redis's interface is
// internal, so this is checked by compiling a call that never runs).
var _ = func() { redis.SetLogger(&RedisLogger{}) }

func TestRedisLoggerThrottles(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	clk := newClock()
	l := NewRedisLogger(slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		},
	})), time.Minute)
	l.now = clk.Now
	const dial = "redis: connection pool: failed to dial after %d attempts: %v"
	for i := range 100 {
		l.Printf(t.Context(), dial, 5, "connection refused")
		if i == 50 {
			l.Printf(t.Context(), "redis: discarding bad PubSub connection: %v", "EOF")
		}
	}
	clk.Add(time.Minute)
	l.Printf(t.Context(), dial, 5, "connection refused")
	got := strings.Split(strings.TrimSpace(buf.String()), "\n")
	want := []string{
		`level=WARN msg="redis client" log="redis: connection pool: failed to dial after 5 attempts: connection refused" suppressed=0`,
		`level=WARN msg="redis client" log="redis: discarding bad PubSub connection: EOF" suppressed=0`,
		`level=WARN msg="redis client" log="redis: connection pool: failed to dial after 5 attempts: connection refused" suppressed=99`,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("log lines (-want +got):\n%s", d)
	}
}

package widget

import (
	"context"
	"errors"
	"fmt"
	"testing"

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

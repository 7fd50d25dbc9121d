package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/blog-gen/blog/internal/lock"
)

// LockedError is returned when another deploy of the same target held
// its lock for longer than [Options.LockWait].
type LockedError struct {
	Target string        // the deploy target
	Lock   string        // the lock file
	PID    int           // the process holding it, when known
	Waited time.Duration // how long this deploy waited
}

func (e *LockedError) Error() string {
	who := "another deploy"
	if e.PID > 0 {
		who += fmt.Sprintf(" (pid %d)", e.PID)
	}
	return fmt.Sprintf("deploy: %s of %s is still running after waiting %s (lock %s): try again when it has finished", who, e.Target, e.Waited.Round(time.Second), e.Lock)
}

// pollLock is how often a waiting deploy retries the lock.
const pollLock = 100 * time.Millisecond

// acquire takes the lock file path for targetName, waiting up to
// opts.LockWait for another deploy to release it. The lock dies with its
// process, so a killed deploy never leaves a stale lock; the caller
// closes the returned file to release it.
func acquire(ctx context.Context, path, targetName string, opts Options) (*lock.File, error) {
	waiting := false
	l, err := lock.Wait(ctx, path, pollLock, func(waited time.Duration) error {
		if opts.LockWait < 0 || waited >= opts.LockWait {
			return &LockedError{Target: targetName, Lock: path, PID: holder(path), Waited: waited}
		}
		if !waiting {
			opts.Logger.Info("waiting for another deploy", "lock", path, "pid", holder(path))
			waiting = true
		}
		return nil
	})
	if err != nil {
		var locked *LockedError
		if errors.As(err, &locked) || errors.Is(err, ctx.Err()) {
			return nil, err
		}
		return nil, fmt.Errorf("deploy: lock %s: %w", path, err)
	}
	// Record who holds it, for the message of a waiting deploy.
	f := l.File()
	f.Truncate(0)
	f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	return l, nil
}

// holder returns the pid written in the lock file, or 0.
func holder(path string) int {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(data)))
	return pid
}

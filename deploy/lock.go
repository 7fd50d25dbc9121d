package deploy

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
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

// lock is an exclusive flock on a lock file. The kernel drops it when the
// process dies, so a killed deploy never leaves a stale lock.
type lock struct{ f *os.File }

// pollLock is how often a waiting deploy retries the lock.
const pollLock = 100 * time.Millisecond

// acquire takes the lock file path for targetName, waiting up to
// opts.LockWait for another deploy to release it.
func acquire(ctx context.Context, path, targetName string, opts Options) (*lock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("deploy: lock: %w", err)
	}
	start := time.Now()
	waiting := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			// Record who holds it, for the message of a waiting deploy.
			f.Truncate(0)
			f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
			return &lock{f: f}, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("deploy: lock %s: %w", path, err)
		}
		waited := time.Since(start)
		if opts.LockWait < 0 || waited >= opts.LockWait {
			f.Close()
			return nil, &LockedError{Target: targetName, Lock: path, PID: holder(path), Waited: waited}
		}
		if !waiting {
			opts.Logger.Info("waiting for another deploy", "lock", path, "pid", holder(path))
			waiting = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, ctx.Err()
		case <-time.After(pollLock):
		}
	}
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

func (l *lock) release() {
	syscall.Flock(int(l.f.Fd()), syscall.LOCK_UN)
	l.f.Close()
}

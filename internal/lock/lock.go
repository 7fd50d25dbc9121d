// Package lock takes exclusive locks on files, between processes: flock(2)
// on Unix, LockFileEx on Windows. The operating system drops a lock when
// the process holding it dies, so a killed build or deploy never leaves a
// stale lock behind. The build and deploy packages share it.
//
// A lock belongs to the open file, not to the process: two [Open]s of the
// same path in one process exclude each other as two processes do. Where
// the platform has no file locks (Plan 9, WebAssembly, AIX) every lock
// succeeds: running two builds or deploys of one site at once is then the
// user's to avoid.
package lock

import (
	"context"
	"errors"
	"os"
	"time"
)

// ErrLocked is returned by [File.TryLock] while another open file holds
// the lock.
var ErrLocked = errors.New("lock: held by another process")

// File is a lock file, open for locking. Close releases the lock. A File
// is not safe for concurrent use.
type File struct {
	f      *os.File
	locked bool
}

// Open opens the file at path for locking, creating it when it does not
// exist, without taking the lock.
func Open(path string) (*File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	return &File{f: f}, nil
}

// TryLock takes the lock without waiting. It returns [ErrLocked] while
// another open file holds it. Taking a lock this File holds is a no-op.
func (l *File) TryLock() error {
	if l.locked {
		return nil
	}
	if err := tryLock(l.f); err != nil {
		return err
	}
	l.locked = true
	return nil
}

// File returns the open file, to record who holds the lock. The lock does
// not cover the file's bytes: others may read them while it is held.
func (l *File) File() *os.File { return l.f }

// Close releases the lock, when held, and closes the file.
func (l *File) Close() error {
	if l.locked {
		l.locked = false
		unlock(l.f)
	}
	return l.f.Close()
}

// Wait takes the lock on the file at path, creating the file when needed,
// and retries every poll while another holds it. Before each retry it
// calls busy, when not nil, with how long it has waited so far: an error
// from busy ends the wait with that error. Wait also ends when ctx is
// done. The caller closes the returned File to release the lock.
func Wait(ctx context.Context, path string, poll time.Duration, busy func(waited time.Duration) error) (*File, error) {
	l, err := Open(path)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	for {
		err := l.TryLock()
		if err == nil {
			return l, nil
		}
		if !errors.Is(err, ErrLocked) {
			l.Close()
			return nil, err
		}
		if busy != nil {
			if err := busy(time.Since(start)); err != nil {
				l.Close()
				return nil, err
			}
		}
		t := time.NewTimer(poll)
		select {
		case <-ctx.Done():
			t.Stop()
			l.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

package lock_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/internal/lock"
)

func TestTryLock(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "lock")
	a, err := lock.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.TryLock(); err != nil {
		t.Fatalf("first TryLock: %v", err)
	}
	if err := a.TryLock(); err != nil {
		t.Errorf("TryLock of a lock already held by the same File: %v, want nil", err)
	}
	b, err := lock.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.TryLock(); !errors.Is(err, lock.ErrLocked) {
		t.Fatalf("TryLock while another File holds the lock = %v, want ErrLocked", err)
	}
	// The holder writes who it is; a waiting File can read it.
	if _, err := a.File().WriteAt([]byte("1234\n"), 0); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(path); err != nil || string(data) != "1234\n" {
		t.Errorf("reading the lock file while it is locked = %q, %v; want \"1234\\n\"", data, err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.TryLock(); err != nil {
		t.Errorf("TryLock after the holder closed = %v, want nil", err)
	}
}

func TestWait(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "lock")
	held, err := lock.Wait(t.Context(), path, time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}

	// busy is told how long it waited and can end the wait.
	stop := errors.New("stop waiting")
	calls := 0
	_, err = lock.Wait(t.Context(), path, time.Millisecond, func(waited time.Duration) error {
		calls++
		if waited < 0 {
			t.Errorf("busy(%v): negative wait", waited)
		}
		if calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Errorf("Wait with busy stopping at its third call = %v after %d calls, want %v after 3", err, calls, stop)
	}

	// A cancelled context ends the wait.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := lock.Wait(ctx, path, time.Millisecond, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Wait with a cancelled context = %v, want context.Canceled", err)
	}

	// A waiter gets the lock once the holder releases it. busy is the
	// sentinel that the waiter found it held: release only then.
	found := make(chan struct{})
	got := make(chan error, 1)
	go func() {
		var once bool
		l, err := lock.Wait(t.Context(), path, time.Millisecond, func(time.Duration) error {
			if !once {
				once = true
				close(found)
			}
			return nil
		})
		if err == nil {
			l.Close()
		}
		got <- err
	}()
	select {
	case <-found:
	case <-time.After(10 * time.Second):
		t.Fatal("the waiter did not find the lock held within 10s")
	}
	held.Close()
	select {
	case err := <-got:
		if err != nil {
			t.Errorf("Wait after the holder released = %v, want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiter did not get the lock within 10s of its release")
	}
}

// TestLockAcrossProcesses holds the lock in a child process: the parent
// cannot take it until the child exits, killed, without unlocking.
func TestLockAcrossProcesses(t *testing.T) {
	if path := os.Getenv("LOCK_TEST_HOLD"); path != "" {
		l, err := lock.Open(path)
		if err != nil || l.TryLock() != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		time.Sleep(time.Minute) // killed by the parent long before
		os.Exit(0)
	}
	t.Parallel()
	path := filepath.Join(t.TempDir(), "lock")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockAcrossProcesses$")
	cmd.Env = append(os.Environ(), "LOCK_TEST_HOLD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line := make(chan string, 1)
	go func() {
		buf := make([]byte, 64)
		n, _ := out.Read(buf)
		line <- string(buf[:n])
	}()
	select {
	case l := <-line:
		if !strings.HasPrefix(l, "locked") {
			t.Fatalf("child process: %q, want it to report the lock taken", l)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the child process did not take the lock within 30s")
	}
	l, err := lock.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.TryLock(); !errors.Is(err, lock.ErrLocked) {
		t.Fatalf("TryLock while a child process holds the lock = %v, want ErrLocked", err)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if err := l.TryLock(); err != nil {
		t.Errorf("TryLock after the holder was killed = %v, want nil: the lock must die with its process", err)
	}
}

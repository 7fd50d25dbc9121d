package main

import (
	"math"
	"runtime/debug"
	"testing"
)

// TestTuneBuildGC checks blog build's collector settings: off until the
// build is known, back to 200% for a full build, off up to a limit past
// the heap for an incremental one.
func TestTuneBuildGC(t *testing.T) {
	percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
	defer func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}()
	loaded := tuneBuildGC()
	if got := debug.SetGCPercent(-1); got != -1 {
		t.Errorf("before the build is known: GC percent %d, want -1 (off)", got)
	}
	if got := debug.SetMemoryLimit(-1); got != 256<<20 {
		t.Errorf("before the build is known: memory limit %d, want 256 MiB", got)
	}
	loaded(true)
	if got := debug.SetGCPercent(-1); got != 200 {
		t.Errorf("full build: GC percent %d, want 200", got)
	}
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("full build: memory limit %d, want none", got)
	}
	loaded(false)
	if got := debug.SetMemoryLimit(-1); got < 128<<20 || got == math.MaxInt64 {
		t.Errorf("incremental build: memory limit %d, want 128 MiB and more", got)
	}
}

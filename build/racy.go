package build

import (
	"os"
	"path/filepath"
	"time"
)

// A build trusts a source's size and time to tell whether it changed since
// the last build, except where the file may have changed again after that
// build read it without either changing: a write within the same tick of
// the file system's clock as the one before. Which files may have is told
// as git tells its racily clean entries: by the time of a file the build
// wrote when it began, before it stat-ed anything.

// racyWindow: without a start mark on the source's file system, a file
// changed this close to the last build's start, by the process's clock,
// may have changed again within the same modification time, so it is
// read. It covers file systems that keep times to the second or two and
// clocks that differ between machines (a network file system's server).
const racyWindow = 2 * time.Second

// buildStart is when a build began, by two clocks: the process's, and
// the file system's, as the time of the start mark the build wrote before
// it stat-ed the sources, with that file system's device. A build with no
// mark (a session's builds, a platform that does not tell a file's device,
// a cache directory it cannot write) has Mark 0.
type buildStart struct {
	At   int64 // UnixNano, the process's clock
	Mark int64 // UnixNano, the start mark's modification time; 0: none
	Dev  uint64
}

func startMarkPath(dir string) string { return filepath.Join(dir, "start") }

// markStart writes the start mark in the cache directory dir and returns
// the start of a build that began at at; without the mark when it cannot
// write it (then racyWindow applies).
func markStart(dir string, at time.Time) buildStart {
	t := buildStart{At: at.UnixNano()}
	f, err := os.OpenFile(startMarkPath(dir), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return t
	}
	defer f.Close()
	// A write, not only the truncation, sets the time on every system.
	if _, err := f.Write([]byte{'\n'}); err != nil {
		return t
	}
	fi, err := f.Stat()
	if err != nil {
		return t
	}
	if dev, ok := fileDev(fi); ok {
		t.Mark, t.Dev = fi.ModTime().UnixNano(), dev
	}
	return t
}

// racy reports whether a source stat-ed as s may have changed after the
// build that began at t read it, with the same size and time: on the
// mark's file system, when it was last written in the mark's tick or
// later (a later write has a time no earlier than the mark's, whatever the
// file system keeps its times to); elsewhere, when it was written within
// racyWindow of the build's start by the process's clock.
func (t buildStart) racy(s *source) bool {
	if t.Mark != 0 && s.dev == t.Dev {
		return s.modTime >= t.Mark
	}
	return s.modTime >= t.At-int64(racyWindow)
}

func (e *encoder) start(t buildStart) {
	e.int(t.At)
	e.int(t.Mark)
	e.int(int64(t.Dev))
}

func (d *decoder) start() buildStart {
	return buildStart{At: d.int(), Mark: d.int(), Dev: uint64(d.int())}
}

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

// startMark is the modification time of the start mark a build wrote
// before it stat-ed the sources, by the clock of the file system it is on,
// and that file system's device. The zero startMark is none: a session's
// builds, and platforms that do not tell a file's device, keep none.
type startMark struct {
	Mtime int64 // UnixNano
	Dev   uint64
}

func startMarkPath(dir string) string { return filepath.Join(dir, "start") }

// markStart writes the start mark in the cache directory dir and returns
// its time; the zero startMark when it cannot (then racyWindow applies).
func markStart(dir string) startMark {
	f, err := os.OpenFile(startMarkPath(dir), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return startMark{}
	}
	defer f.Close()
	// A write, not only the truncation, sets the time on every system.
	if _, err := f.Write([]byte{'\n'}); err != nil {
		return startMark{}
	}
	fi, err := f.Stat()
	if err != nil {
		return startMark{}
	}
	dev, ok := fileDev(fi)
	if !ok {
		return startMark{}
	}
	return startMark{Mtime: fi.ModTime().UnixNano(), Dev: dev}
}

// racy reports whether a source stat-ed as s may have changed after the
// build that began at started (UnixNano, the process's clock) with the
// mark m read it, with the same size and time: on the mark's file system,
// when it was last written in the mark's tick or later (a later write has
// a time no earlier than the mark's, whatever the file system keeps its
// times to); elsewhere, when it was written within racyWindow of the
// build's start.
func racy(s *source, started int64, m startMark) bool {
	if m != (startMark{}) && s.dev == m.Dev {
		return s.modTime >= m.Mtime
	}
	return s.modTime >= started-int64(racyWindow)
}

//go:build linux || darwin

package build

import (
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// statIn stats the file name in the directory open as fd, following
// links as os.Stat does; abs is the file's path, for errors, and what is
// stat-ed when fd is -1. Relative to the directory, the kernel looks up
// one name, not every directory of the path again, and nothing is
// allocated: on a 10,000-post site the stats are most of a no-op build.
func statIn(fd int, name, abs string) (size, modTime int64, dev uint64, regular bool, err error) {
	if fd < 0 {
		return statPath(abs)
	}
	var st unix.Stat_t
	for {
		if err = unix.Fstatat(fd, name, &st, 0); err != unix.EINTR {
			break
		}
	}
	if err != nil {
		return 0, 0, 0, false, &fs.PathError{Op: "stat", Path: abs, Err: err}
	}
	return st.Size, int64(st.Mtim.Sec)*1e9 + int64(st.Mtim.Nsec), uint64(st.Dev), st.Mode&unix.S_IFMT == unix.S_IFREG, nil
}

// fileDev is the device of the file system fi is on.
func fileDev(fi fs.FileInfo) (uint64, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, false
	}
	return uint64(st.Dev), true
}

// dirFd is the descriptor statIn stats in, for dir, valid while dir is
// open.
func dirFd(dir *os.File) int { return int(dir.Fd()) }

//go:build !(linux || darwin)

package build

import (
	"io/fs"
	"os"
)

// statIn stats abs, following links (see stat_unix.go, where it stats
// relative to the open directory).
func statIn(_ int, _, abs string) (size, modTime int64, dev uint64, regular bool, err error) {
	return statPath(abs)
}

// fileDev is not known here: builds keep no start mark (see buildStart).
func fileDev(fs.FileInfo) (uint64, bool) { return 0, false }

// dirFd is -1: statIn stats by path here.
func dirFd(*os.File) int { return -1 }

//go:build !(linux || darwin)

package build

import "os"

// statIn stats abs, following links (see stat_unix.go, where it stats
// relative to the open directory).
func statIn(_ int, _, abs string) (size, modTime int64, regular bool, err error) {
	return statPath(abs)
}

// dirFd is -1: statIn stats by path here.
func dirFd(*os.File) int { return -1 }

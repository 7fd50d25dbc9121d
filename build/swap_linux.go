package build

import "golang.org/x/sys/unix"

// exchange atomically swaps the directories a and b (Linux
// renameat2 RENAME_EXCHANGE), so the output is never missing, not even
// for an instant. It returns false when the file system cannot do it.
func exchange(a, b string) bool {
	return unix.Renameat2(unix.AT_FDCWD, a, unix.AT_FDCWD, b, unix.RENAME_EXCHANGE) == nil
}

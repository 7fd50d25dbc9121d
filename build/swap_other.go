//go:build !linux

package build

// exchange reports that atomic directory exchange is not available here;
// commit falls back to two renames.
func exchange(a, b string) bool { return false }

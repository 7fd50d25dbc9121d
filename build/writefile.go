package build

import (
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFileAtomic writes data to name with perm through a temporary file
// in the same directory, synced, then renamed over name, then the
// directory synced: name holds either its old bytes or all of the new
// ones, even across a crash. The directory is created if need be.
func WriteFileAtomic(name string, data []byte, perm fs.FileMode) error {
	return writeRenamed(name, data, perm, true)
}

// writeCacheFile writes a cache file the same way but without fsync: after
// a crash a cache file is either whole or fails to decode (its lengths and
// format are checked), and a cache that fails to decode only costs a full
// build. The dirty mark, which guards the output, goes through
// WriteFileAtomic.
func writeCacheFile(name string, data []byte) error {
	return writeRenamed(name, data, 0o644, false)
}

func writeRenamed(name string, data []byte, perm fs.FileMode, sync bool) error {
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil && sync {
		err = f.Sync()
	}
	if err == nil {
		err = f.Chmod(perm)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	if !sync {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

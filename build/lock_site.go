package build

import (
	"context"
	"os"
	"path/filepath"
	"time"

	"github.com/blog-gen/blog/internal/lock"
)

// lockSite takes the site's build lock (a file lock in the cache
// directory), waiting while another build of the same site holds it. The
// lock is what makes the cache and the staging debris of a dead build safe
// to touch; the operating system drops it when the process dies.
func lockSite(ctx context.Context, dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	l, err := lock.Wait(ctx, filepath.Join(dir, "lock"), 20*time.Millisecond, nil)
	if err != nil {
		return nil, err
	}
	return func() { l.Close() }, nil
}

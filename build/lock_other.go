//go:build !unix

package build

import "context"

// lockSite is a no-op where flock is not available: concurrent builds of
// one site are then the user's to avoid.
func lockSite(ctx context.Context, dir string) (func(), error) { return func() {}, nil }

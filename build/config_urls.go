package build

import (
	"errors"
	"fmt"

	"github.com/blog-gen/blog/diag"
)

// build.strict (BuildConfig.Strict) turns every warning of a build into an
// error: a site that must build clean, in CI or in a deploy hook, says so
// once in its configuration. It is not part of the cache's keys: warnings
// are kept with each source's rendering, so switching it on fails the very
// next build without rendering anything again.

// strictErrors returns warnings as errors when build.strict is on, and nil
// otherwise.
func (c *Config) strictErrors(warnings []error) error {
	if !c.Build.Strict || len(warnings) == 0 {
		return nil
	}
	var errs diag.List
	for _, w := range warnings {
		var de *diag.Error
		if !errors.As(w, &de) {
			errs.Add(fmt.Errorf("%w (build.strict makes warnings errors)", w))
			continue
		}
		errs.Add(&diag.Error{Pos: de.Pos, Err: fmt.Errorf("%w (build.strict makes warnings errors)", de.Err)})
	}
	return errs.Err()
}

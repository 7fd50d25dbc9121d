package main

import (
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/blog-gen/blog/diag"
)

// printWarnings writes a build's warnings to w, one a line, as
// "file:line: warning: message". With only, it writes those of the files
// named there (blog serve reports a rebuild's changed files, not the whole
// site's warnings on every save); nil means all.
func printWarnings(w io.Writer, warnings []error, only []string) {
	for _, warn := range warnings {
		var de *diag.Error
		if !errors.As(warn, &de) {
			if only == nil {
				fmt.Fprintf(w, "warning: %s\n", warn)
			}
			continue
		}
		if only != nil && !slices.Contains(only, de.Pos.File) {
			continue
		}
		fmt.Fprintf(w, "%s: warning: %s\n", de.Pos, de.Err)
	}
}

// Package blog holds the default theme of the blog generator: the
// templates and static files at the root of this repository, embedded so
// that any directory with a _config.yaml and posts/ is a blog.
//
// The generator itself lives in the subpackages: [github.com/blog-gen/blog/build]
// runs the pipeline and cmd/blog is the command.
package blog

import "embed"

// Theme holds templates/ and static/ of the default theme. A site's own
// templates/ and static/ files override these file by file.
//
//go:embed templates static
var Theme embed.FS

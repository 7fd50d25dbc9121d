package deploy

import (
	"context"
	"fmt"
	"io"

	"github.com/blog-gen/blog/build"
)

// runCommand runs deploy.command the way build hooks run (build.RunHook):
// with sh -c in the site root, the built site's directory in BLOG_OUTPUT,
// BLOG_MODE=deploy, its output prefixed with "[deploy] ", and no time
// limit (an upload takes what it takes; Ctrl-C still stops it).
func runCommand(ctx context.Context, cfg build.Config, output string, w io.Writer) error {
	h := build.Hook{Name: "deploy", Run: cfg.Deploy.Command}
	if err := build.RunHook(ctx, &cfg, "deploy", h, output, w); err != nil {
		return fmt.Errorf("deploy: command %q: %w", cfg.Deploy.Command, err)
	}
	return nil
}

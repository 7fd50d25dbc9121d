package main

import (
	"context"
	"io"
)

// Commands that later work fills in.

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usagef("blog serve: not available yet: run blog build and open _site/index.html")
}

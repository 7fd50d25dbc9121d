package main

import (
	"context"
	"io"
)

func cmdWidget(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usagef("blog widget: not available yet")
}

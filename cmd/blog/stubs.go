package main

import (
	"context"
	"io"
)

// Commands that later work fills in.

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usagef("blog serve: not available yet: run blog build and open _site/index.html")
}

func cmdNew(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usagef("blog new: not available yet")
}

func cmdDeploy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usagef("blog deploy: not available yet")
}

func cmdHook(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return usagef("blog hook: not available yet")
}

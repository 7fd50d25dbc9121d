package deploy

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/blog-gen/blog/build"
)

// tailLines is how many lines of a failed command's output its error
// repeats.
const tailLines = 10

// runCommand runs deploy.command with sh -c in the site root, with the
// built site's directory in BLOG_OUTPUT.
func runCommand(ctx context.Context, cfg build.Config, output string, w io.Writer) error {
	cmd := exec.CommandContext(ctx, "sh", "-c", cfg.Deploy.Command)
	cmd.Dir = cfg.Root
	cmd.Env = append(os.Environ(),
		"BLOG_OUTPUT="+output,
		"BLOG_SOURCE="+cfg.Root,
		"BLOG_MODE=deploy",
	)
	cmd.WaitDelay = 5 * time.Second
	tw := &tailWriter{w: w}
	cmd.Stdout, cmd.Stderr = tw, tw
	err := cmd.Run()
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ee.ExitCode() >= 0 {
			err = fmt.Errorf("exit status %d", ee.ExitCode())
		} else {
			err = errors.New(ee.String())
		}
	}
	err = fmt.Errorf("deploy: command %q: %w", cfg.Deploy.Command, err)
	if tail := tw.tail(); tail != "" {
		err = fmt.Errorf("%w; last output:\n%s", err, tail)
	}
	return err
}

// tailWriter passes output through and keeps its last lines.
type tailWriter struct {
	mu    sync.Mutex
	w     io.Writer
	part  []byte
	lines []string
}

func (t *tailWriter) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.w.Write(b)
	t.part = append(t.part, b...)
	for {
		i := bytes.IndexByte(t.part, '\n')
		if i < 0 {
			break
		}
		t.add(string(t.part[:i]))
		t.part = t.part[i+1:]
	}
	return len(b), nil
}

func (t *tailWriter) add(line string) {
	t.lines = append(t.lines, strings.TrimRight(line, "\r"))
	if len(t.lines) > tailLines {
		t.lines = t.lines[1:]
	}
}

func (t *tailWriter) tail() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.part) > 0 {
		t.add(string(t.part))
		t.part = nil
	}
	var b strings.Builder
	for _, l := range t.lines {
		b.WriteString("  " + l + "\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

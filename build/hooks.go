package build

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// runHooks runs the hooks of one phase in order, in the site root, with
// BLOG_SOURCE, BLOG_OUTPUT and BLOG_MODE in their environment. Each output
// line is written to out prefixed with the hook's name. The first hook that
// fails or times out stops the build.
func runHooks(ctx context.Context, cfg *Config, mode, phase string, hooks []Hook, out io.Writer) error {
	for _, h := range hooks {
		if err := RunHook(ctx, cfg, mode, h, cfg.OutputDir(), out); err != nil {
			return fmt.Errorf("hooks: %s hook %q: %w", phase, h.Name, err)
		}
	}
	return nil
}

// tailLines is how many lines of a failed hook's output its error repeats.
const tailLines = 10

// RunHook runs the shell command h.Run with sh -c in the site root, with
// BLOG_SOURCE (the site root), BLOG_OUTPUT (output) and BLOG_MODE
// (mode, default "build") in its environment, for at most h.Timeout (no limit when
// zero). Each line of its output goes to out prefixed with "[h.Name] ". A
// failure is reported as the exit status or the timeout, followed by the
// last lines of output. Build hooks and deploy.command both run this way.
func RunHook(ctx context.Context, cfg *Config, mode string, h Hook, output string, out io.Writer) error {
	timeout := h.Timeout
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, "sh", "-c", h.Run)
	cmd.Dir = cfg.Root
	cmd.Env = append(os.Environ(),
		"BLOG_SOURCE="+absPath(cfg.Root),
		"BLOG_OUTPUT="+absPath(output),
		"BLOG_MODE="+cmpOr(mode, "build"),
	)
	cmd.WaitDelay = 2 * time.Second
	pw := &prefixWriter{w: out, prefix: "[" + h.Name + "] "}
	cmd.Stdout, cmd.Stderr = pw, pw
	err := cmd.Run()
	pw.flush()
	if err == nil {
		return nil
	}
	tail := pw.tail()
	var ee *exec.ExitError
	switch {
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		err = fmt.Errorf("timed out after %s", timeout)
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		err = fmt.Errorf("exit status %d", ee.ExitCode())
	case errors.As(err, &ee):
		err = errors.New(ee.String()) // killed by a signal
	}
	if tail != "" {
		err = fmt.Errorf("%w; last output:\n%s", err, tail)
	}
	return err
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}

// prefixWriter prefixes each line with the hook's name and remembers the
// last lines for the error message. Stdout and stderr share it.
type prefixWriter struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
	buf    bytes.Buffer
	last   []string
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.buf.Write(b)
	for {
		line, err := p.buf.ReadString('\n')
		if err != nil {
			p.buf.WriteString(line) // no newline yet: keep for later
			break
		}
		p.emit(strings.TrimRight(line, "\r\n"))
	}
	return len(b), nil
}

func (p *prefixWriter) emit(line string) {
	fmt.Fprintln(p.w, p.prefix+line)
	p.last = append(p.last, line)
	if len(p.last) > tailLines {
		p.last = p.last[1:]
	}
}

func (p *prefixWriter) flush() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.buf.Len() > 0 {
		p.emit(p.buf.String())
		p.buf.Reset()
	}
}

func (p *prefixWriter) tail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.last) == 0 {
		return ""
	}
	return "  " + strings.Join(p.last, "\n  ")
}

package deploy

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
)

// headCommit returns the short and full hash and the subject of rev in
// the repository holding dir (git or Mercurial), or "nogit" when there is
// none.
func headCommit(ctx context.Context, dir, rev string) (short, full, subject string) {
	if IsMercurial(dir) {
		return hgHeadCommit(ctx, dir, rev)
	}
	out, err := exec.CommandContext(ctx, "git", "-C", dir, "log", "-1", "--format=%h%x00%H%x00%s", rev, "--").Output()
	if err != nil {
		return "nogit", "", ""
	}
	parts := strings.SplitN(strings.TrimSpace(string(out)), "\x00", 3)
	if len(parts) != 3 || parts[0] == "" {
		return "nogit", "", ""
	}
	return strings.ToLower(parts[0]), parts[1], parts[2]
}

// git runs git in dir and returns its trimmed output.
func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return strings.TrimRight(string(out), "\n"), nil
}

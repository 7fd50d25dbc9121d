package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDeployCommand(t *testing.T) {
	t.Parallel()
	dir, target := newRepoSite(t)
	deploy := func(args ...string) (string, error) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), append([]string{"deploy"}, args...), &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	out, err := deploy(dir)
	if err != nil || !strings.HasPrefix(out, "deployed ") {
		t.Fatalf("blog deploy: %v\n%s", err, out)
	}
	mustWrite(t, filepath.Join(dir, "posts", "2026-05-02-second.md"), testPost("Second", "2026-05-02"))
	commit(t, dir, "second")
	if out, err := deploy(dir); err != nil || !strings.Contains(out, "unchanged and hard-linked") {
		t.Fatalf("blog deploy: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(dir, "_site")); err == nil {
		t.Error("blog deploy wrote _site")
	}
	// The widget's script is in every release, at its fingerprinted path.
	asset := siteAssets()[0]
	if got, err := os.ReadFile(filepath.Join(target, filepath.FromSlash(asset.Path()))); err != nil || !bytes.Equal(got, asset.Data) {
		t.Errorf("the live release has no %s with the widget's script: %v", asset.Path(), err)
	}

	out, err = deploy("--list", dir)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err != nil || len(lines) != 3 || !strings.HasPrefix(lines[1], "* ") || !strings.HasSuffix(lines[1], "second") || !strings.HasPrefix(lines[2], "  ") {
		t.Fatalf("blog deploy --list: %v\n%s\nwant a header and two releases, the newest (second) live", err, out)
	}
	older := strings.Fields(lines[2])[0]
	newer := strings.Fields(lines[1])[1]
	if out, err := deploy("--rollback", dir); err != nil || !strings.Contains(out, "rolled back") {
		t.Fatalf("blog deploy --rollback: %v\n%s", err, out)
	}
	if live, _ := os.Readlink(target); filepath.Base(live) != older {
		t.Errorf("after --rollback live is %s, want %s", live, older)
	}
	if out, err := deploy("--rollback", newer, dir); err != nil {
		t.Fatalf("blog deploy --rollback %s: %v\n%s", newer, err, out)
	}
	if live, _ := os.Readlink(target); filepath.Base(live) != newer {
		t.Errorf("after --rollback %s live is %s", newer, live)
	}

	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--output", "x", dir}, 2, "--output does not apply"},
		{[]string{"--list", "--rollback", dir}, 2, "do not go together"},
		{[]string{newTestSite(t)}, 1, "set deploy.dir in _config.yaml"},
	} {
		var stderr bytes.Buffer
		err := run(t.Context(), append([]string{"deploy"}, tc.args...), &bytes.Buffer{}, &stderr)
		if code := exitCode(err, &stderr); code != tc.code || !strings.Contains(stderr.String(), tc.msg) {
			t.Errorf("blog deploy %q: exit %d, stderr %q; want exit %d and %q", tc.args, code, stderr.String(), tc.code, tc.msg)
		}
	}
}

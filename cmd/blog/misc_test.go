package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionLine(t *testing.T) {
	t.Parallel()
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i+1 < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	platform := " " + runtime.GOOS + "/" + runtime.GOARCH
	tests := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build info", nil, "blog (devel) " + runtime.Version() + platform},
		{"go run", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"blog (devel) go1.26.8" + platform},
		{"tagged release", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"},
			Settings: vcs("vcs", "git", "vcs.revision", "3f2a9c1d4e5b6a7b8c9d0e1f2a3b4c5d6e7f8a9b", "vcs.time", "2026-12-01T10:00:00Z", "vcs.modified", "false")},
			"blog v1.2.0 (3f2a9c1d4e5b 2026-12-01T10:00:00Z) go1.26.8" + platform},
		{"untagged, uncommitted changes", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261201100000-3f2a9c1d4e5b+dirty"},
			Settings: vcs("vcs.revision", "3f2a9c1d4e5b6a7b8c9d0e1f2a3b4c5d6e7f8a9b", "vcs.time", "2026-12-01T10:00:00Z", "vcs.modified", "true")},
			"blog v0.0.0-20261201100000-3f2a9c1d4e5b+dirty (3f2a9c1d4e5b+dirty 2026-12-01T10:00:00Z) go1.26.8" + platform},
		{"installed from the module proxy", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/blog-gen/blog", Version: "v1.2.0", Sum: "h1:x"}},
			"blog v1.2.0 go1.26.8" + platform},
		{"short revision, no time", &debug.BuildInfo{GoVersion: "go1.26.8", Settings: vcs("vcs.revision", "abc")},
			"blog (devel) (abc) go1.26.8" + platform},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := versionLine(tc.bi); got != tc.want {
				t.Errorf("versionLine() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestVersionCommand(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	if err := run(t.Context(), []string{"version"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	bi, _ := debug.ReadBuildInfo()
	if got, want := stdout.String(), versionLine(bi)+"\n"; got != want {
		t.Errorf("blog version printed %q, want %q", got, want)
	}
	if err := run(t.Context(), []string{"version", "extra"}, &stdout, &stderr); exitCode(err, &stderr) != 2 {
		t.Errorf("blog version extra: %v, want a usage error", err)
	}
}

func TestLoopbackURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		url  string
		want bool
	}{
		{"http://localhost:4000/", true},
		{"http://LOCALHOST./", true},
		{"http://blog.localhost/", true},
		{"http://127.0.0.1:4000/", true},
		{"http://127.8.9.10/blog/", true},
		{"http://[::1]:4000/", true},
		{"https://example.com/", false},
		{"https://localhost.example.com/", false},
		{"http://10.0.0.1/", false},
		{"http://[::2]/", false},
		{"http://128.0.0.1/", false},
		{"://", false},
	} {
		if got := loopbackURL(tc.url); got != tc.want {
			t.Errorf("loopbackURL(%q) = %v, want %v", tc.url, got, tc.want)
		}
	}
}

// loopbackSite writes a one-post site whose _config.yaml is config.
func loopbackSite(t *testing.T, config string) string {
	t.Helper()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "_config.yaml"), config)
	mustWrite(t, filepath.Join(dir, "posts", "2026-05-01-first.md"), testPost("First", "2026-05-01"))
	return dir
}

func TestBuildWarnsOnceAboutALoopbackSiteURL(t *testing.T) {
	t.Parallel()
	const tail = ", a loopback address: feeds, canonical links and the sitemap would point at this machine; set site.url to the address the site is served at\n"
	tests := []struct {
		name, config, want string
	}{
		{"set", "site:\n  title: T\n  url: http://127.0.0.1:4000/blog/\n", "_config.yaml:3:8: warning: site.url is http://127.0.0.1:4000/blog/" + tail},
		{"default", "site: {title: T}\n", "_config.yaml: warning: site.url is not set, so it is http://localhost:4000/" + tail},
		{"public", "site: {title: T, url: \"https://example.com/\"}\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := loopbackSite(t, tc.config)
			var stdout, stderr bytes.Buffer
			if err := run(t.Context(), []string{"build", dir}, &stdout, &stderr); err != nil {
				t.Fatalf("blog build: %v\n%s", err, stderr.String())
			}
			if got := stderr.String(); got != tc.want {
				t.Errorf("blog build stderr:\n%q\nwant\n%q", got, tc.want)
			}
		})
	}
}

func TestDeployRefusesALoopbackSiteURL(t *testing.T) {
	t.Parallel()
	target := filepath.Join(t.TempDir(), "www", "blog")
	dir := loopbackSite(t, fmt.Sprintf("site:\n  title: T\n  url: \"http://[::1]:4000/\"\ndeploy: {dir: %q}\n", target))
	var stdout, stderr bytes.Buffer
	err := run(t.Context(), []string{"deploy", dir}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != 1 || !strings.HasPrefix(stderr.String(), "_config.yaml:3:8: site.url is http://[::1]:4000/, a loopback address") ||
		!strings.Contains(stderr.String(), "--allow-localhost") {
		t.Errorf("blog deploy: exit %d, stderr %q; want 1 and the position of site.url", code, stderr.String())
	}
	if _, err := os.Lstat(target); err == nil {
		t.Errorf("a refused deploy created %s", target)
	}
	stderr.Reset()
	if err := run(t.Context(), []string{"deploy", "--allow-localhost", dir}, &stdout, &stderr); err != nil {
		t.Fatalf("blog deploy --allow-localhost: %v\n%s", err, stderr.String())
	}
	if n := strings.Count(stderr.String(), "warning: site.url is http://[::1]:4000/"); n != 1 {
		t.Errorf("blog deploy --allow-localhost warned %d times, want once:\n%s", n, stderr.String())
	}
	if _, err := os.Stat(filepath.Join(target, "2026", "05", "first", "index.html")); err != nil {
		t.Errorf("blog deploy --allow-localhost did not deploy: %v", err)
	}
}

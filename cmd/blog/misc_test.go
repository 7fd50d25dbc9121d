package main

import (
	"bytes"
	"runtime"
	"runtime/debug"
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

package build

import (
	"runtime/debug"
	"testing"
)

func TestProgramKey(t *testing.T) {
	info := func(version string, settings ...string) *debug.BuildInfo {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/blog-gen/blog", Version: version}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi
	}
	exe := func(id string) func() string { return func() string { return id } }
	const rev = "0123456789abcdef0123456789abcdef01234567"
	clean := func(t string) *debug.BuildInfo {
		return info("(devel)", "-trimpath", "false", "vcs", "git", "vcs.revision", rev, "vcs.time", t, "vcs.modified", "false")
	}
	cases := []struct {
		name  string
		a, b  *debug.BuildInfo
		equal bool
	}{
		{"same clean revision, other binary", clean("2026-12-01T10:00:00Z"), clean("2026-12-01T10:00:00Z"), true},
		{"same module version, other binary", info("v1.2.0"), info("v1.2.0"), true},
		{"modified tree falls back to the binary",
			info("(devel)", "vcs.revision", rev, "vcs.modified", "true"),
			info("(devel)", "vcs.revision", rev, "vcs.modified", "true"), false},
		{"dirty pseudo-version falls back to the binary",
			info("v0.0.0-20261201100000-0123456789ab+dirty", "vcs.revision", rev, "vcs.modified", "true"),
			info("v0.0.0-20261201100000-0123456789ab+dirty", "vcs.revision", rev, "vcs.modified", "true"), false},
		{"no VCS information falls back to the binary", info("(devel)"), info("(devel)"), false},
		{"revision without vcs.modified falls back", info("", "vcs.revision", rev), info("", "vcs.revision", rev), false},
		{"no build information falls back", nil, nil, false},
		{"other revision", clean("t"), info("(devel)", "vcs.revision", "ffff", "vcs.modified", "false"), false},
		{"other build settings", clean("t"), info("(devel)", "-tags", "x", "vcs.revision", rev, "vcs.modified", "false"), false},
		{"other Go version", info("v1.2.0"), func() *debug.BuildInfo { bi := info("v1.2.0"); bi.GoVersion = "go1.27"; return bi }(), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ka, kb := programKey(c.a, exe("binary-A")), programKey(c.b, exe("binary-B"))
			if (ka == kb) != c.equal {
				t.Errorf("keys %q and %q: equal = %v, want %v", ka, kb, ka == kb, c.equal)
			}
		})
	}
}

package build_test

import (
	"bytes"
	"log/slog"
	"regexp"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
)

// TestBuildSteps: at debug level (blog build -v) a build logs how long
// each of its steps took; a no-op stops after discover.
func TestBuildSteps(t *testing.T) {
	t.Parallel()
	root := genSite(t, 5)
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	steps := func() string {
		var log bytes.Buffer
		runBuild(t, cfg, build.Options{Logger: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))})
		m := regexp.MustCompile(`msg="build steps"(.*)`).FindStringSubmatch(log.String())
		if m == nil {
			t.Fatalf("no build steps logged:\n%s", log.String())
		}
		return regexp.MustCompile(`=[0-9.]+(ns|µs|ms|s)\b`).ReplaceAllString(m[1], "")
	}
	if got, want := steps(), " setup discover state templates scan model plan produce commit"; got != want {
		t.Errorf("full build's steps: %q, want %q", got, want)
	}
	setTimes(t, root, time.Now().Add(-time.Hour))
	runBuild(t, cfg, build.Options{})
	if got, want := steps(), " setup discover"; got != want {
		t.Errorf("no-op's steps: %q, want %q", got, want)
	}
}

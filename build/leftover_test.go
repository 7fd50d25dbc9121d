package build_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/build"
)

// TestWarningsEveryBuild: a warning is reported by every build, not only
// the one that rendered the post: after a no-op build (the stamp) and an
// incremental one that takes the post from the cache. build.strict, turned
// on with nothing else changed, fails the next build.
func TestWarningsEveryBuild(t *testing.T) {
	t.Parallel()
	config := okConfig + "feeds: {atom: false, rss: false}\n"
	root := site(t, map[string]string{
		"_config.yaml": config, // no feeds: they would render a.md again
		"posts/a.md":   "---\ntitle: A\ndate: 2026-01-01\n---\nIntro.\n\n{% include note.html %}\n",
		"posts/b.md":   "---\ntitle: B\ndate: 2026-01-02\n---\nB.\n",
	})
	past := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, f := range []string{"_config.yaml", "posts/a.md", "posts/b.md"} {
		if err := os.Chtimes(filepath.Join(root, f), past, past); err != nil {
			t.Fatal(err)
		}
	}
	want := []string{`posts/a.md:7: Liquid tag "{% include note.html %}" left in the post: blog build does not expand it, so readers see it as text; blog import converts it (or put it in a code block to show it)`}
	run := func(what string) build.Result {
		t.Helper()
		cfg, err := build.Load(root)
		if err != nil {
			t.Fatal(err)
		}
		res, err := build.Run(t.Context(), cfg, build.Options{Now: func() time.Time { return testNow }})
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		var got []string
		for _, w := range res.Warnings {
			got = append(got, w.Error())
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("%s: warnings (-want +got):\n%s", what, d)
		}
		return res
	}
	if res := run("full build"); !res.Full {
		t.Errorf("first build not full: %s", res)
	}
	if res := run("no-op build"); res.Written != 0 || res.Cached != res.Files {
		t.Errorf("second build did work: %s", res)
	}
	writeFile(t, filepath.Join(root, "posts/b.md"), []byte("---\ntitle: B\ndate: 2026-01-02\n---\nB, edited.\n"))
	os.Chtimes(filepath.Join(root, "posts/b.md"), past.Add(time.Second), past.Add(time.Second))
	if res := run("incremental build"); res.Full || res.Cached == 0 {
		t.Errorf("third build not incremental: %s", res)
	}

	writeFile(t, filepath.Join(root, "_config.yaml"), []byte(config+"build: {strict: true}\n"))
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	_, err = build.Run(t.Context(), cfg, build.Options{Now: func() time.Time { return testNow }})
	if err == nil || !strings.HasSuffix(err.Error(), "(build.strict makes warnings errors)") || !strings.HasPrefix(err.Error(), "posts/a.md:7: Liquid tag") {
		t.Errorf("strict build error = %v, want the warning as an error", err)
	}
}

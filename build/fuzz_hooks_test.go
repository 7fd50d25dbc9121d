package build_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/diag"
)

// FuzzHookSpec parses configurations whose build.hooks use the string and
// mapping forms (and broken variants): Parse never panics; a good result
// has a command, a name and a timeout for every hook; every error is
// located in _config.yaml, inside the input.
func FuzzHookSpec(f *testing.F) {
	for _, seed := range []string{
		"build:\n  hooks:\n    pre_build: [\"echo hi\"]\n",
		"build:\n  hooks:\n    pre_build:\n      - make css\n    post_build:\n      - name: upload\n        run: rsync -a _site/ host:\n        timeout: 2m\n",
		"build:\n  hooks:\n    post_build:\n      - {run: \"  \"}\n",
		"build:\n  hooks:\n    post_build:\n      - {name: x, run: y, timeout: ten}\n",
		"build:\n  hooks:\n    post_build:\n      - {name: x, run: y, colour: red}\n",
		"build:\n  hooks:\n    pre_build: echo not a list\n",
		"build:\n  hooks:\n    pre_build:\n      - [nested, list]\n",
		"build:\n  hooks: {pre_build: [1, true, null, ~]}\n",
		"build:\n  hooks:\n    pre_build:\n      - run: |\n          echo one\n          echo two\n",
		"build:\n  hooks:\n    pre_build:\n      - &a echo anchored\n      - *a\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		cfg := build.DefaultConfig()
		err := build.Parse(src, &cfg)
		if err == nil {
			for _, list := range [][]build.Hook{cfg.Build.Hooks.PreBuild, cfg.Build.Hooks.PostBuild} {
				for i, h := range list {
					if strings.TrimSpace(h.Run) == "" || h.Name == "" || h.Timeout <= 0 {
						t.Errorf("Parse(%q) = nil with hook %d %+v: want a command, a name and a timeout", src, i, h)
					}
				}
			}
			return
		}
		lines := strings.Count(string(src), "\n") + 1
		for _, pos := range positions(err) {
			if pos.File != build.ConfigFile || pos.Line < 0 || pos.Line > lines || pos.Col < 0 {
				t.Errorf("Parse(%q): error at %v, outside the %d lines of %s:\n%v", src, pos, lines, build.ConfigFile, err)
			}
		}
	})
}

// positions returns the positions of every *diag.Error in err's tree.
func positions(err error) []diag.Pos {
	var out []diag.Pos
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if de, ok := err.(*diag.Error); ok {
			out = append(out, de.Pos)
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	if len(out) == 0 {
		var de *diag.Error
		if errors.As(err, &de) {
			out = append(out, de.Pos)
		}
	}
	return out
}

// TestParseLocalTag: a tag go-yaml cannot decode into a list (it panicked
// inside build.Parse) is an error at the tag.
func TestParseLocalTag(t *testing.T) {
	t.Parallel()
	cfg := build.DefaultConfig()
	err := build.Parse([]byte("build:\n  hooks:\n    pre_build: !0000 0000\n"), &cfg)
	const want = "_config.yaml:3:16: YAML tag !0000: only the standard tags (!!str, !!int, …) are understood"
	if err == nil || err.Error() != want {
		t.Errorf("Parse = %v, want %s", err, want)
	}
}

package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/blog-gen/blog/build"
)

// FuzzReleaseMeta reads arbitrary release metadata (the NAME.json beside
// each release directory) next to one good release: List never panics or
// fails; a release is listed exactly when its metadata decodes; its name,
// directory and liveness come from the disk, never from the file; and the
// list stays newest first.
func FuzzReleaseMeta(f *testing.F) {
	for _, seed := range []string{
		`{"name":"20260101T000000Z-abc1234","commit":"abc1234","time":"2026-01-01T00:00:00Z","files":3,"bytes":100}`,
		`{"name":"../../etc","commit":"x","time":"2026-01-01T00:00:00Z"}`,
		`{"time":"0001-01-01T00:00:00Z"}`,
		`{"time":"9999-12-31T23:59:59Z","files":-1,"bytes":-9}`,
		`{"time":"not a time"}`,
		`{"files":"three"}`,
		`{"subject":"line\nbreak\u001b[31m"}`,
		`[]`, `null`, `{}`, ``, `{`, `"string"`, `{"name":1}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, meta []byte) {
		root := t.TempDir()
		cfg := build.DefaultConfig()
		cfg.Root = root
		cfg.Deploy.Dir = filepath.Join(root, "www")
		tg, err := newTarget(cfg)
		if err != nil {
			t.Fatal(err)
		}
		const good, fuzzed = "20260601T000000Z-good", "20260101T000000Z-fuzzed"
		for _, name := range []string{good, fuzzed} {
			if err := os.MkdirAll(filepath.Join(tg.releases, name), 0o755); err != nil {
				t.Fatal(err)
			}
		}
		os.WriteFile(tg.metaPath(good), []byte(`{"commit":"good","time":"2026-06-01T00:00:00Z"}`), 0o644)
		os.WriteFile(tg.metaPath(fuzzed), meta, 0o644)

		rels, err := List(cfg)
		if err != nil {
			t.Fatalf("List with metadata %q: %v", meta, err)
		}
		var r Release
		decodes := json.Unmarshal(meta, &r) == nil
		want := 1
		if decodes {
			want = 2
		}
		if len(rels) != want {
			t.Fatalf("List with metadata %q: %d releases, want %d (the metadata decodes: %v)", meta, len(rels), want, decodes)
		}
		for i, rel := range rels {
			if rel.Name != good && rel.Name != fuzzed || rel.Dir != filepath.Join(tg.releases, rel.Name) || rel.Live {
				t.Errorf("List with metadata %q: release %+v does not describe its directory", meta, rel)
			}
			if i > 0 && rels[i-1].Time.Before(rel.Time) {
				t.Errorf("List with metadata %q: %s (%v) before the newer %s (%v)", meta, rels[i-1].Name, rels[i-1].Time, rel.Name, rel.Time)
			}
		}
	})
}

package build

import (
	"bytes"
	"encoding/binary"
	"runtime"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
)

// testState is a state with every field of every entry set.
func testState() *state {
	paris, _ := time.LoadLocation("Europe/Paris")
	return &state{
		Format:  cacheFormat,
		Global:  key{1, 2, 3},
		Output:  "/site/_site",
		Started: 1764600000123456789,
		Sources: map[string]*sourceState{
			"posts/a.md": {
				Size: 123, ModTime: 1764600000000000000, Hash: key{4}, Meta: key{5},
				FM: render.FrontMatter{
					Title: "A: \"quoted\"", Date: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
					Updated: time.Date(2026, 2, 1, 0, 0, 0, 0, paris), Slug: "a", Permalink: "/a/",
					Tags: []string{"go", "web"}, Categories: []string{"notes"}, Draft: true,
					Summary: "S *s*", Author: "Ann", URL: "/u/", Aliases: []string{"/old/"},
					DatePos: diag.Pos{File: "posts/a.md", Line: 3, Col: 7},
					Pos: map[string]diag.Pos{
						"slug":      {File: "posts/a.md", Line: 4, Col: 7},
						"permalink": {File: "posts/a.md", Line: 5, Col: 12},
						"aliases.0": {File: "posts/a.md", Line: 6, Col: 10},
					},
				},
				ParamsYAML: []byte("layout: wide\n"), Summary: "<p>S</p>", Words: 42, HasMore: true, Rendered: true,
			},
			"static/x.txt": {Size: 2, ModTime: 5, Hash: key{6}},
		},
		Outputs: map[string]outputState{
			"index.html":   {Dep: key{7}, Hash: key{8}},
			"a/index.html": {Dep: key{9}, Hash: key{10}},
		},
	}
}

func encoded(st *state) []byte {
	var buf bytes.Buffer
	encodeState(&buf, st)
	return buf.Bytes()
}

var stateOpts = cmp.Options{cmpopts.IgnoreUnexported(state{}, sourceState{}), cmpopts.EquateEmpty()}

// TestStateRoundTrip: a state decodes to the value encoded.
func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	want := testState()
	paris, _ := time.LoadLocation("Europe/Paris")
	got, err := decodeState(encoded(want), paris)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got, stateOpts); d != "" {
		t.Errorf("decoded state differs (-encoded +decoded):\n%s", d)
	}
	if loc := got.Sources["posts/a.md"].FM.Updated.Location(); loc != paris {
		t.Errorf("a date in the site's zone came back in %v", loc)
	}
}

// header encodes the start of a state, up to its count of sources.
func header(e *encoder, sources int64) {
	e.str(cacheFormat)
	e.key(key{})
	e.str("/out")
	e.int(0)
	e.int(sources)
}

// hugeCount is a state cut short where a list of tags claims 2^31-1
// entries: a decoder that trusts the count loops and allocates for
// minutes.
func hugeCount() []byte {
	var buf bytes.Buffer
	e := &encoder{w: &buf}
	header(e, 1)
	e.str("posts/a.md")
	e.int(1)
	e.int(1)
	e.key(key{})
	e.key(key{})
	e.str("T")
	e.time(time.Time{})
	e.time(time.Time{})
	e.str("")
	e.str("")
	buf.Write(binary.AppendVarint(nil, 1<<31-1))
	return buf.Bytes()
}

// FuzzDecodeState: no input makes the state decoder panic or allocate
// more than a small multiple of the input's size, and a state it accepts
// encodes and decodes again to the same value.
func FuzzDecodeState(f *testing.F) {
	valid := encoded(testState())
	f.Add(valid)
	f.Add(valid[:len(valid)/2])
	f.Add(encoded(&state{Format: cacheFormat}))
	f.Add(hugeCount())
	var many bytes.Buffer
	header(&encoder{w: &many}, 1<<30) // more sources than any input this size holds
	f.Add(many.Bytes())
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		st, err := decodeState(data, time.UTC)
		runtime.ReadMemStats(&after)
		if n, limit := after.TotalAlloc-before.TotalAlloc, uint64(64*len(data)+1<<20); n > limit {
			t.Fatalf("decoding %d bytes allocated %d bytes, more than %d", len(data), n, limit)
		}
		if err != nil {
			return
		}
		again, err := decodeState(encoded(st), time.UTC)
		if err != nil {
			t.Fatalf("a decoded state does not decode once encoded again: %v", err)
		}
		if d := cmp.Diff(st, again, stateOpts); d != "" {
			t.Errorf("re-encoded state differs (-first +second):\n%s", d)
		}
	})
}

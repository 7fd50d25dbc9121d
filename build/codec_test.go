package build

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
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
		Start:   buildStart{At: 1764600000123456789, Mark: 1764600000120000000, Dev: 1<<63 | 65024},
		Checked: key{9, 9},
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
				Out: "2011/04/17/slug/index.html", URL: "/2011/04/17/slug/", Doc: 4, DocKey: key{8, 8},
				text: memText("The body's text, for the search index: café."),
			},
			"static/x.txt": {Size: 2, ModTime: 5, Hash: key{6}},
		},
		Outputs: map[string]outputState{
			"index.html":   {Dep: key{7}, Hash: key{8}},
			"a/index.html": {Dep: key{9}, Hash: key{10}},
		},
	}
}

// decodeEncoded decodes st encoded whole.
func decodeEncoded(st *state, loc *time.Location) (*state, error) {
	header, pack := encodeState(st)
	return decodeState(header, pack, loc)
}

var stateOpts = cmp.Options{cmpopts.IgnoreUnexported(state{}, sourceState{}), cmpopts.EquateEmpty()}

// textsOf reads the search text of every source of st.
func textsOf(t testing.TB, st *state) map[string]string {
	t.Helper()
	texts := make(map[string]string, len(st.Sources))
	for name, s := range st.Sources {
		text, err := s.text.read()
		if err != nil {
			t.Fatalf("search text of %s: %v", name, err)
		}
		texts[name] = text
	}
	return texts
}

// packOf is the header and pack of st after a full save.
func packOf(st *state) (header, pack []byte) { return encodeState(st) }

// TestStateRoundTrip: a state decodes to the value encoded.
func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	want := testState()
	paris, _ := time.LoadLocation("Europe/Paris")
	got, err := decodeEncoded(want, paris)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(want, got, stateOpts); d != "" {
		t.Errorf("decoded state differs (-encoded +decoded):\n%s", d)
	}
	if d := cmp.Diff(textsOf(t, want), textsOf(t, got)); d != "" {
		t.Errorf("decoded search texts differ (-encoded +decoded):\n%s", d)
	}
	if loc := got.Sources["posts/a.md"].FM.Updated.Location(); loc != paris {
		t.Errorf("a date in the site's zone came back in %v", loc)
	}
}

// onePage is a state header with one source page and no output page,
// and a pack holding page: what a damaged or hostile page decodes from.
func onePage(page []byte) (header, pack []byte) {
	disk := &onDisk{gen: 1, pack: "state-1.pack", src: []pageRef{{Off: 0, Len: int64(len(page)), N: 1, Sum: crc32.Checksum(page, castagnoli)}}}
	return encodeHeader(&state{Format: cacheFormat}, disk), page
}

// hugeCount is a source page cut short where a list of tags claims
// 2^31-1 entries: a decoder that trusts the count loops and allocates
// for minutes.
func hugeCount() []byte {
	var buf bytes.Buffer
	e := &encoder{w: &buf}
	e.int(1)
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

// FuzzDecodeState: no header and pack make the state decoder panic or
// allocate more than a small multiple of their size, and a state it
// accepts encodes and decodes again to the same value.
func FuzzDecodeState(f *testing.F) {
	header, pack := packOf(testState())
	f.Add(header, pack)
	f.Add(header, pack[:len(pack)/2])
	f.Add(header[:len(header)/2], pack)
	header, pack = packOf(&state{Format: cacheFormat})
	f.Add(header, pack)
	header, pack = onePage(hugeCount())
	f.Add(header, pack)
	var many bytes.Buffer
	(&encoder{w: &many}).int(1 << 30) // more entries than any page this size holds
	header, pack = onePage(many.Bytes())
	f.Add(header, pack)
	f.Add([]byte{}, []byte{})
	// Many pages over the same bytes: a decoder allocating for each page
	// allocates the pack's entries many times over.
	_, one := onePage(hugeCount())
	sum := crc32.Checksum(one, castagnoli)
	overlap := &onDisk{gen: 1, pack: "state-1.pack"}
	for range 200 {
		overlap.src = append(overlap.src, pageRef{Len: int64(len(one)), N: 1, Sum: sum})
	}
	f.Add(encodeHeader(&state{Format: cacheFormat}, overlap), one)
	f.Fuzz(func(t *testing.T, header, pack []byte) {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		st, err := decodeState(header, pack, time.UTC)
		runtime.ReadMemStats(&after)
		if n, limit := after.TotalAlloc-before.TotalAlloc, uint64(64*(len(header)+len(pack))+1<<20); n > limit {
			t.Fatalf("decoding %d bytes allocated %d bytes, more than %d", len(header)+len(pack), n, limit)
		}
		if err != nil {
			return
		}
		again, err := decodeEncoded(st, time.UTC)
		if err != nil {
			t.Fatalf("a decoded state does not decode once encoded again: %v", err)
		}
		if d := cmp.Diff(st, again, stateOpts); d != "" {
			t.Errorf("re-encoded state differs (-first +second):\n%s", d)
		}
		if d := cmp.Diff(textsOf(t, st), textsOf(t, again)); d != "" {
			t.Errorf("re-encoded search texts differ (-first +second):\n%s", d)
		}
	})
}

// statePack is the path of the state's one pack in dir.
func statePack(t *testing.T, dir string) string {
	t.Helper()
	packs, err := filepath.Glob(filepath.Join(dir, "state-*.pack"))
	if err != nil || len(packs) != 1 {
		t.Fatalf("state packs in %s: %v %v, want one", dir, packs, err)
	}
	return packs[0]
}

// TestStateSavesChangedPages: a save writes the pages whose entries
// changed and nothing else, a pack gets compacted before it is more than
// half dead, and what is loaded after each save is the state saved.
func TestStateSavesChangedPages(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	st := benchState(400)
	st.Output, st.Global, st.kept = dir, key{1}, true
	if err := st.save(dir); err != nil {
		t.Fatal(err)
	}
	packSize := func() int64 {
		fi, err := os.Stat(statePack(t, dir))
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	full := packSize()
	if err := st.save(dir); err != nil {
		t.Fatal(err)
	}
	if got := packSize(); got != full {
		t.Errorf("a save with nothing changed grew the pack from %d to %d bytes", full, got)
	}
	for i := range 60 {
		name := fmt.Sprintf("posts/2026-01-02-post-number-%05d.md", i*7%400)
		s := st.Sources[name]
		s.Words, s.raw = i, ""
		if i%3 == 0 {
			s.text = memText(fmt.Sprintf("the text of edit %d", i))
		}
		st.Outputs[fmt.Sprintf("posts/new-%d/index.html", i)] = outputState{Dep: key{byte(i)}}
		before := packSize()
		if err := st.save(dir); err != nil {
			t.Fatal(err)
		}
		after := packSize()
		if after > before && after-before > full/4 {
			t.Fatalf("save %d: one source and one output changed, and %d bytes were written (the whole pack is %d)", i, after-before, full)
		}
		if after > 2*full+full/3 {
			t.Fatalf("save %d: the pack is %d bytes, more than twice its live %d and a save", i, after, full)
		}
		got, reason := loadState(dir, key{1}, dir, time.UTC)
		if got == nil {
			t.Fatalf("save %d: %s", i, reason)
		}
		_, want := encodeState(st)
		if _, pack := encodeState(got); !bytes.Equal(pack, want) {
			t.Fatalf("save %d: the state loaded differs from the state saved", i)
		}
		if i == 59 {
			if d := cmp.Diff(st, got, stateOpts); d != "" {
				t.Fatalf("save %d: loaded state differs (-saved +loaded):\n%s", i, d)
			}
			if d := cmp.Diff(textsOf(t, st), textsOf(t, got)); d != "" {
				t.Fatalf("save %d: loaded search texts differ (-saved +loaded):\n%s", i, d)
			}
		}
	}
}

// TestHasherChunks checks that a hasher that hashes as it goes (past
// hashChunk bytes) gives the hash of all it was given at once.
func TestHasherChunks(t *testing.T) {
	for _, n := range []int{0, 1, hashChunk / 40, hashChunk / 20, 3 * hashChunk / 20} {
		h := newHasher("x")
		var all []byte
		all = binary.AppendUvarint(all, 1)
		all = append(all, 'x')
		for i := range n {
			s := strings.Repeat("p", i%37)
			h.str(s).int(int64(i)).key(key{byte(i)})
			all = binary.AppendUvarint(all, uint64(len(s)))
			all = append(all, s...)
			all = binary.LittleEndian.AppendUint64(all, uint64(i))
			k := key{byte(i)}
			all = append(all, k[:]...)
		}
		if got, want := h.sum(), key(sha256.Sum256(all)); got != want {
			t.Errorf("%d parts (%d bytes): hash %x, want %x", n, len(all), got[:4], want[:4])
		}
	}
}

// TestMinEntryLens checks that minSourceLen and minOutputLen are lower
// bounds of the encodings they bound: the decoder trusts a page's entry
// count only as far as the page's bytes allow at that size, so a bound
// above a real encoding would refuse a good state.
func TestMinEntryLens(t *testing.T) {
	var buf bytes.Buffer
	e := &encoder{w: &buf}
	e.source("", &sourceState{}, span{}, true)
	if buf.Len() < minSourceLen {
		t.Errorf("an empty source entry is %d bytes, below minSourceLen %d", buf.Len(), minSourceLen)
	}
	buf.Reset()
	e.str("")
	e.key(key{})
	e.key(key{})
	if buf.Len() < minOutputLen {
		t.Errorf("an empty output entry is %d bytes, below minOutputLen %d", buf.Len(), minOutputLen)
	}
}

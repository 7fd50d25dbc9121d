package build

import (
	"fmt"
	"testing"
	"time"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
)

// benchState is the state of a 10,000-post site: 10,000 sources shaped
// like the bench corpus's posts (tags, a date, a summary) and an output
// per post plus 50 tag pages.
func benchState(n int) *state {
	st := &state{Format: cacheFormat, Global: key{1}, Output: "/site/_site", Start: buildStart{At: 1764600000123456789},
		Sources: make(map[string]*sourceState, n), Outputs: make(map[string]outputState, n+50)}
	date := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range n {
		name := fmt.Sprintf("posts/2026-01-02-post-number-%05d.md", i)
		st.Sources[name] = &sourceState{
			Size: 11000 + int64(i), ModTime: 1764600000000000000 + int64(i), Hash: key{byte(i), 2}, Meta: key{byte(i), 3},
			FM: render.FrontMatter{
				Title: fmt.Sprintf("Post number %d about something", i), Date: date.Add(time.Duration(i) * time.Hour),
				Tags:    []string{fmt.Sprintf("tag%d", i%50), fmt.Sprintf("tag%d", (i+7)%50)},
				DatePos: diag.Pos{File: name, Line: 3, Col: 7},
			},
			Summary: "<p>The first paragraph of the post, as its summary shows it in the index and the feed.</p>",
			Words:   1800, Rendered: true,
			text: memText(fmt.Sprintf("The text of post number %d, as the search index reads it.", i)),
		}
		st.Outputs[fmt.Sprintf("posts/post-number-%05d/index.html", i)] = outputState{Dep: key{byte(i), 4}, Hash: key{byte(i), 5}}
	}
	for i := range 50 {
		st.Outputs[fmt.Sprintf("tags/tag%d/index.html", i)] = outputState{Dep: key{byte(i), 6}, Hash: key{byte(i), 7}}
	}
	return st
}

func BenchmarkStateDecode(b *testing.B) {
	header, pack := encodeState(benchState(10000))
	b.SetBytes(int64(len(pack)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeState(header, pack, time.UTC); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStateEncode encodes every page of a state, as a full build's
// save does.
func BenchmarkStateEncode(b *testing.B) {
	st, err := decodeEncoded(benchState(10000), time.UTC)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var n int
	for b.Loop() {
		_, pack := encodeState(st)
		n = len(pack)
	}
	b.SetBytes(int64(n))
}

// BenchmarkStateSave saves a 10,000-entry state after one source and
// three outputs changed, as after a one-post edit: the pages that changed
// are appended to the pack and the header written again.
func BenchmarkStateSave(b *testing.B) {
	dir := savedBenchState(b)
	st, reason := loadState(dir, key{1}, dir, time.UTC)
	if st == nil {
		b.Fatal(reason)
	}
	st.kept = true // as a session's: saved again and again
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		i++
		s := st.Sources["posts/2026-01-02-post-number-00500.md"]
		s.Words, s.raw = i, ""
		for _, o := range []string{"posts/post-number-00500/index.html", "tags/tag0/index.html", "tags/tag7/index.html"} {
			st.Outputs[o] = outputState{Dep: key{byte(i)}, Hash: key{byte(i)}}
		}
		if err := st.save(dir); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStateLoad reads and decodes a saved 10,000-entry state.
func BenchmarkStateLoad(b *testing.B) {
	dir := savedBenchState(b)
	b.ReportAllocs()
	for b.Loop() {
		if st, reason := loadState(dir, key{1}, dir, time.UTC); st == nil {
			b.Fatal(reason)
		}
	}
}

// savedBenchState saves the state of benchState(10000) in a directory,
// which is also its output directory.
func savedBenchState(b *testing.B) string {
	dir := b.TempDir()
	st := benchState(10000)
	st.Output = dir
	if err := st.save(dir); err != nil {
		b.Fatal(err)
	}
	return dir
}

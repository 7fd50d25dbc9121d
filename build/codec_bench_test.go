package build

import (
	"bytes"
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
	st := &state{Format: cacheFormat, Global: key{1}, Output: "/site/_site", Started: 1764600000123456789,
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
		}
		st.Outputs[fmt.Sprintf("posts/post-number-%05d/index.html", i)] = outputState{Dep: key{byte(i), 4}, Hash: key{byte(i), 5}}
	}
	for i := range 50 {
		st.Outputs[fmt.Sprintf("tags/tag%d/index.html", i)] = outputState{Dep: key{byte(i), 6}, Hash: key{byte(i), 7}}
	}
	return st
}

func BenchmarkStateDecode(b *testing.B) {
	data := encoded(benchState(10000))
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeState(data, time.UTC); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStateEncode encodes a decoded state whose sources are all
// unchanged, as after a build that edited nothing (or one post).
func BenchmarkStateEncode(b *testing.B) {
	st, err := decodeState(encoded(benchState(10000)), time.UTC)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		buf.Reset()
		encodeState(&buf, st)
	}
	b.SetBytes(int64(buf.Len()))
}

package widget

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkPresenceHeartbeat measures the beacon path end to end against
// miniredis: POST /hit from 10,000 distinct readers, flushed every 1,000
// hits as the flush loop would.
func BenchmarkPresenceHeartbeat(b *testing.B) {
	s, _, _ := miniServer(b, Options{HitRate: -1})
	const readers = 10_000
	uas := make([]string, readers)
	addrs := make([]string, readers)
	for i := range uas {
		uas[i] = fmt.Sprintf("Mozilla/5.0 reader-%d", i)
		addrs[i] = fmt.Sprintf("10.0.%d.%d:1", i/250, i%250) // one reader per address, as GuestsPerAddr expects
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := httptest.NewRequest("POST", "/hit", strings.NewReader(`{"path":"/2030/05/post/"}`))
		r.RemoteAddr = addrs[i%readers]
		setBeaconHeaders(r.Header, uas[i%readers])
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != 204 {
			b.Fatalf("POST /hit = %d", w.Code)
		}
		if i++; i%1000 == 0 {
			s.flush(b.Context())
		}
	}
	s.flush(b.Context())
	if n := s.dropped.Load(); n > 0 {
		b.Fatalf("%d hits dropped: the benchmark measures the wrong path", n)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkHitHandler measures the handler alone, what POST /hit costs
// beyond the HTTP server: 10,000 distinct readers on 50 pages, requests
// and response writer reused, no flushing (the batch only coalesces).
func BenchmarkHitHandler(b *testing.B) { benchHitHandler(b, false) }

// BenchmarkHitHandlerBrowserID is BenchmarkHitHandler with the bodies
// widget.js sends when it has storage: the path and a browser id.
func BenchmarkHitHandlerBrowserID(b *testing.B) { benchHitHandler(b, true) }

func benchHitHandler(b *testing.B, withID bool) {
	s, _, _ := miniServer(b, Options{HitRate: -1})
	const readers = 10_000
	type hit struct {
		r    *http.Request
		body *strings.Reader
	}
	type body struct {
		*strings.Reader
		io.Closer
	}
	hits := make([]hit, readers)
	for i := range hits {
		r := httptest.NewRequest("POST", "/hit", nil)
		r.RemoteAddr = fmt.Sprintf("10.0.%d.%d:1", i/250, i%250)
		setBeaconHeaders(r.Header, fmt.Sprintf("Mozilla/5.0 (X11; Linux x86_64) bench-reader-%d", i))
		data := fmt.Sprintf(`{"path":"/2030/05/post-%d/"}`, i%50)
		if withID {
			data = fmt.Sprintf(`{"path":"/2030/05/post-%d/","id":"%022d"}`, i%50, i)
		}
		hits[i] = hit{r, strings.NewReader(data)}
		r.Body = body{hits[i].body, io.NopCloser(nil)} // reused: Seek rewinds it
	}
	w := &nopWriter{h: http.Header{}}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		h := hits[i%readers]
		h.body.Seek(0, io.SeekStart)
		clear(w.h)
		w.code = 0
		s.ServeHTTP(w, h.r)
		if w.code != 204 {
			b.Fatalf("POST /hit = %d", w.code)
		}
		i++
	}
	if s.pending.empty() || s.dropped.Load() > 0 {
		b.Fatalf("hits not recorded (%d dropped): the benchmark measures the wrong path", s.dropped.Load())
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

type nopWriter struct {
	h    http.Header
	code int
}

func (w *nopWriter) Header() http.Header         { return w.h }
func (w *nopWriter) Write(p []byte) (int, error) { return len(p), nil }
func (w *nopWriter) WriteHeader(code int)        { w.code = code }

// BenchmarkFlush measures writing one coalesced second of 10,000 distinct
// readers over 50 pages to miniredis.
func BenchmarkFlush(b *testing.B) {
	s, _, clk := miniServer(b, Options{HitRate: -1})
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		ms := clk.Now().UnixMilli()
		bt := newBatch()
		for i := range 10_000 {
			bt.add("", fmt.Sprint("guest", i), fmt.Sprintf("/p%d/", i%50), ms, 1000)
		}
		b.StartTimer()
		if err := s.st.touch(b.Context(), bt, clk.Now()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(10_000*b.N)/b.Elapsed().Seconds(), "readers/s")
}

// BenchmarkSnapshot measures GET / served from the per-instance cache.
func BenchmarkSnapshot(b *testing.B) {
	s, _, _ := miniServer(b, Options{})
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", "/?path=/a/", nil))
		if w.Code != 200 {
			b.Fatalf("GET / = %d", w.Code)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

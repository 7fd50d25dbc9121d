package widget

import (
	"fmt"
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
	for i := range uas {
		uas[i] = fmt.Sprintf("Mozilla/5.0 reader-%d", i)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		r := httptest.NewRequest("POST", "/hit", strings.NewReader(`{"path":"/2030/05/post/"}`))
		r.RemoteAddr = "192.0.2.1:1"
		r.Header.Set("User-Agent", uas[i%readers])
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
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

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

package widget

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserLabels: the widget shows its counts in the page's language,
// with the plural form the language takes for each count (French: 0 and 1
// are singular; Russian: one, few, many), from the labels the page gives.
// The pages carry the markup the build renders in French and Russian (the
// goldens of build's TestWidgetLabels), read as files: this package does
// not import the build.
func TestBrowserLabels(t *testing.T) {
	needBinary(t, "chromium")
	tests := []struct {
		lang     string
		snapshot Snapshot
		want     []string
	}{
		{"fr", Snapshot{Available: true, Total: 2, Page: 0, Guests: 1, Named: 1, Names: []string{"Ann"}},
			[]string{"2 lecteurs en ligne", "Ann et 1 invité", "0 lecteur sur cette page"}},
		{"fr", Snapshot{Available: true, Total: 1, Page: 1, Guests: 1},
			[]string{"1 lecteur en ligne", "1 invité", "1 lecteur sur cette page"}},
		{"ru", Snapshot{Available: true, Total: 21, Page: 5, Guests: 3, Named: 2, Names: []string{"Ann", "Bob"}},
			[]string{"21 читатель на сайте", "Ann, Bob и 3 гостя", "5 читателей на этой странице"}},
	}
	ctx, cancel := newBrowser(t, "Mozilla/5.0 (X11; Linux x86_64) TestLabels/1.0")
	defer cancel()
	for _, tc := range tests {
		markup, err := os.ReadFile("../build/testdata/widget-labels/" + tc.lang + ".html.golden")
		if err != nil {
			t.Fatal(err)
		}
		snap, err := json.Marshal(tc.snapshot)
		if err != nil {
			t.Fatal(err)
		}
		mux := http.NewServeMux()
		mux.HandleFunc("GET /_online/widget.js", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript")
			w.Write(widgetJS)
		})
		mux.HandleFunc("GET /_online/{$}", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(snap)
		})
		mux.HandleFunc("POST /_online/", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })
		mux.HandleFunc("GET /latest.json", http.NotFound)
		mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, "<!doctype html>\n<html lang=%q><head><meta charset=\"utf-8\"><title>post</title></head>\n<body><main><p>Bonjour.</p></main><aside>%s</aside></body></html>", tc.lang, markup)
		})
		ts := httptest.NewServer(mux)
		if err := chromedp.Do(ctx, chromedp.Navigate(ts.URL+"/2026/01/a/")); err != nil {
			t.Fatal(err)
		}
		want := strings.Join(tc.want, "\n")
		st := waitWidget(t, ctx, tc.lang+" labels", 15*time.Second, func(st widgetState) bool { return !st.Hidden && st.Online != "" })
		if got := strings.Join(st.Lines, "\n"); got != want {
			t.Errorf("%s page, snapshot %s: widget lines\n%s\nwant\n%s", tc.lang, snap, got, want)
		}
		ts.Close()
	}
}

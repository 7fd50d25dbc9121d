package highlight

import (
	"io"
	"strings"
	"testing"

	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/formatters/html"
	"github.com/alecthomas/chroma/v2/lexers"
	"github.com/alecthomas/chroma/v2/styles"
)

// benchBlocks is a mix of fenced blocks like those of a technical blog:
// mostly short, a few long, and one 900-character line.
func benchBlocks() []struct{ lang, code string } {
	goCode := `package main

import (
	"net/http"
	"time"
)

// Server serves the blog.
type Server struct {
	Addr    string
	Timeout time.Duration
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), s.Timeout)
	defer cancel()
	if err := render(ctx, w, r.URL.Path); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError) // never leak internals
		return
	}
	fmt.Fprintf(w, "done in %v\n", time.Since(start))
}
`
	python := `import json
from dataclasses import dataclass

@dataclass
class Post:
    title: str
    tags: list[str]

    def slug(self) -> str:
        """Return a URL-safe slug."""
        return "-".join(w.lower() for w in self.title.split() if w.isalnum())

def load(path):
    with open(path, encoding="utf-8") as f:
        return [Post(**p) for p in json.load(f)]  # trust the input
`
	js := `const ws = new WebSocket("wss://example.com/presence");
let count = 0;
ws.addEventListener("message", (ev) => {
  const { online } = JSON.parse(ev.data);
  document.querySelector("#online").textContent = ` + "`${online} reading`" + `;
  count += 1;
});
export async function ping(url, opts = {}) {
  const res = await fetch(url, { method: "POST", ...opts });
  if (!res.ok) throw new Error(res.statusText);
  return res.json();
}
`
	bash := `#!/usr/bin/env bash
set -euo pipefail
for f in posts/*.md; do
  if grep -q '^draft: true' "$f"; then
    echo "skipping $f" >&2
    continue
  fi
  blog build --output "${OUT:-_site}" && rsync -av _site/ host:/var/www/
done
`
	sql := `SELECT p.title, COUNT(t.name) AS tags
FROM posts p
LEFT JOIN post_tags t ON t.post_id = p.id
WHERE p.published_at > NOW() - INTERVAL '30 days' AND p.draft = FALSE
GROUP BY p.title
ORDER BY tags DESC
LIMIT 20;
`
	yaml := `title: My blog
base_url: https://example.com/
style: monokai
dark_style: github-dark
markdown:
  unsafe_html: false
build:
  hooks:
    pre_build:
      - name: assets
        run: npm run build
        timeout: 30s
`
	long := "const config = {" + strings.Repeat(` "key": "value", "n": 42,`, 37) + " };\n"
	return []struct{ lang, code string }{
		{"go", goCode}, {"python", python}, {"javascript", js}, {"bash", bash},
		{"sql", sql}, {"yaml", yaml}, {"js", long}, {"go", goCode[:300] + "\n"},
	}
}

// BenchmarkHighlight measures Highlighter against a baseline that calls
// chroma the way Hugo and goldmark-highlighting do (lexer lookup,
// coalescing and a new formatter per block, formatting straight into w), so
// that the difference is one command away:
//
//	go test ./highlight -run '^$' -bench Highlight -count 6
func BenchmarkHighlight(b *testing.B) {
	blocks := benchBlocks()
	lines := 0
	for _, bl := range blocks {
		lines += strings.Count(bl.code, "\n")
	}
	run := func(b *testing.B, highlight func(w io.Writer, lang, code string) error) {
		b.ReportAllocs()
		for b.Loop() {
			for _, bl := range blocks {
				if err := highlight(io.Discard, bl.lang, bl.code); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.ReportMetric(float64(lines*b.N)/b.Elapsed().Seconds(), "lines/s")
	}
	b.Run("highlighter", func(b *testing.B) {
		h := mustNew(b, Options{})
		run(b, func(w io.Writer, lang, code string) error { return h.Highlight(w, lang, code, nil) })
	})
	b.Run("chroma-direct", func(b *testing.B) {
		style := styles.Get("monokai")
		run(b, func(w io.Writer, lang, code string) error {
			it, err := chroma.Coalesce(lexers.Get(lang)).Tokenise(nil, code)
			if err != nil {
				return err
			}
			return html.New(html.WithClasses(true), html.TabWidth(4)).Format(w, style, it)
		})
	})
}

func TestBenchBlocksLongLine(t *testing.T) {
	for _, bl := range benchBlocks() {
		for line := range strings.Lines(bl.code) {
			if len(line) > 900 {
				return
			}
		}
	}
	t.Fatal("no line over 900 bytes in the benchmark mix")
}

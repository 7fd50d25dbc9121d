// Command gencorpus writes a deterministic corpus of Markdown blog posts for
// benchmarking static site generators.
//
// Usage:
//
//	go run ./bench/gencorpus -n N -out DIR -seed S [-format blog|hugo|jekyll|pelican]
//
// The same -seed (and -n, -format) always yields a byte-identical corpus, on any
// platform and Go version: the generator uses its own PRNG (splitmix64), never
// math/rand, and never iterates over maps. Post i depends only on (seed, i),
// so the corpus for -n 1000 is a subset of the corpus for -n 10000.
//
// Formats:
//
//	blog     DIR/posts/<slug>.md, YAML front matter: title, date, tags,
//	         categories, summary, draft(false). No site skeleton.
//	hugo     DIR/content/posts/<slug>.md + DIR/hugo.toml + DIR/layouts/...
//	jekyll   DIR/_posts/YYYY-MM-DD-<slug>.md + DIR/_config.yml + _layouts,
//	         index.html, feed.xml and a tiny tag-page generator in _plugins.
//	pelican  DIR/content/<slug>.md (Pelican "Key: value" metadata)
//	         + DIR/pelicanconf.py + DIR/theme/templates/...
//
// Every skeleton renders the same set of pages: one HTML page per post
// (/posts/<slug>/), an index listing every post (no pagination), one page per
// tag (/tags/<tag>/) and one RSS feed with the 20 newest posts. Category and
// tag-list pages, sitemaps and per-section feeds are switched off everywhere.
// Code fences are syntax-highlighted with CSS classes (chroma in Hugo, rouge in
// Jekyll, Pygments in Pelican).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blog-gen/blog/bench/corpus"
)

func main() {
	n := flag.Int("n", 1000, "number of posts")
	out := flag.String("out", "", "output directory (created if missing; files are overwritten, nothing is deleted)")
	seed := flag.Uint64("seed", 1, "PRNG seed")
	format := flag.String("format", "blog", "blog|hugo|jekyll|pelican")
	flag.Parse()
	if *out == "" || *n < 0 {
		flag.Usage()
		os.Exit(2)
	}
	switch *format {
	case "blog", "hugo", "jekyll", "pelican":
	default:
		fmt.Fprintf(os.Stderr, "gencorpus: unknown -format %q\n", *format)
		os.Exit(2)
	}
	if err := run(*n, *out, *seed, *format); err != nil {
		fmt.Fprintln(os.Stderr, "gencorpus:", err)
		os.Exit(1)
	}
}

func run(n int, out string, seed uint64, format string) error {
	for _, f := range corpus.Skeleton(format) {
		if err := writeFile(filepath.Join(out, f.Path), f.Body); err != nil {
			return err
		}
	}
	for i := 1; i <= n; i++ {
		p := corpus.NewPost(seed, i)
		var path, text string
		switch format {
		case "blog":
			path, text = filepath.Join(out, "posts", p.Slug()+".md"), p.YAMLFront(false)+p.Body()
		case "hugo":
			path, text = filepath.Join(out, "content", "posts", p.Slug()+".md"), p.YAMLFront(false)+p.Body()
		case "jekyll":
			path, text = filepath.Join(out, "_posts", p.Date().Format("2006-01-02")+"-"+p.Slug()+".md"), p.YAMLFront(true)+p.Body()
		case "pelican":
			path, text = filepath.Join(out, "content", p.Slug()+".md"), p.PelicanFront()+p.Body()
		}
		if err := writeFile(path, text); err != nil {
			return err
		}
	}
	return nil
}

func writeFile(path, body string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, []byte(body), 0o644)
}

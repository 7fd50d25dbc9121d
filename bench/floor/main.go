// Command floor measures the least a generator built on goldmark and chroma
// can do for a cold build: render the Markdown body of every post of a
// corpus with goldmark and highlight every fenced code block with chroma,
// called the way Hugo calls it, on N cores. There are no templates, no
// hashing and no writes; the sources are read before the clock starts.
//
// Usage:
//
//	go run ./bench/floor -dir SITE [-j N]   # the floor pipeline, on N cores
//	go run ./bench/floor -dir SITE -langs   # chroma alone, per language, one core
//
// SITE is a directory of posts as bench/gencorpus writes them (SITE/posts/*.md,
// or any *.md below SITE). The first output line is machine-readable:
//
//	floor posts=1000 blocks=2009 wall_ms=2870 cpu_ms=5610 out_bytes=...
package main

import (
	"bytes"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	dir := flag.String("dir", "", "the site or corpus directory")
	jobs := flag.Int("j", runtime.NumCPU(), "goroutines rendering posts")
	perLang := flag.Bool("langs", false, "time chroma alone per language on one core instead")
	flag.Parse()
	if *dir == "" || *jobs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	posts, err := readPosts(*dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	if *perLang {
		err = langs(posts)
	} else {
		err = floor(posts, *jobs)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

// readPosts reads every .md file under dir, front matter removed, in a
// fixed order.
func readPosts(dir string) ([][]byte, error) {
	var names []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && p != dir && (strings.HasPrefix(d.Name(), ".") || strings.HasPrefix(d.Name(), "_")) {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(p, ".md") {
			names = append(names, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no .md files under %s", dir)
	}
	slices.Sort(names)
	posts := make([][]byte, len(names))
	for i, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		posts[i] = body(b)
	}
	return posts, nil
}

// body is b without a leading YAML front matter block.
func body(b []byte) []byte {
	if !bytes.HasPrefix(b, []byte("---\n")) {
		return b
	}
	if i := bytes.Index(b[4:], []byte("\n---\n")); i >= 0 {
		return b[4+i+5:]
	}
	return b
}

// floor renders every post on jobs goroutines and prints the wall time.
func floor(posts [][]byte, jobs int) error {
	md := newMarkdown()
	var next, outBytes atomic.Int64
	var firstErr atomic.Value
	var wg sync.WaitGroup
	cpu0 := cpuTime()
	start := time.Now()
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			for {
				i := int(next.Add(1)) - 1
				if i >= len(posts) {
					break
				}
				buf.Reset()
				if err := md.render(&buf, posts[i]); err != nil {
					firstErr.CompareAndSwap(nil, err)
					return
				}
				outBytes.Add(int64(buf.Len()))
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	cpu := cpuTime() - cpu0
	if err, ok := firstErr.Load().(error); ok {
		return err
	}
	fmt.Printf("floor posts=%d blocks=%d jobs=%d wall_ms=%d cpu_ms=%d out_bytes=%d\n",
		len(posts), blocks.Load(), jobs, wall.Milliseconds(), cpu.Milliseconds(), outBytes.Load())
	return nil
}

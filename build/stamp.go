package build

import (
	"bytes"
	"os"
	"path/filepath"
	"time"
)

// The stamp lets a build with nothing to do stop after listing and
// stat-ing the sources, without reading the cache state or any source. It
// holds a fingerprint of everything a build starts from: the global key
// (program, configuration, theme), the output directory, and every
// source's path, size and time; the date at which the next future post
// becomes due; and the counts for the summary.
type stamp struct {
	Fingerprint       key
	Start             buildStart // when the build that wrote it began
	NextDue           int64      // UnixNano; 0 when no post is waiting for its date
	Posts, Pages, Out int64
	warnings          []error // the last build's, reported again
}

func stampPath(dir string) string { return filepath.Join(dir, "stamp") }

func (b *builder) fingerprint(out string) key {
	if b.printOut == out {
		return b.print // the sources' list is the same all through a build
	}
	h := newHasher(cacheFormat, out).key(b.global)
	for _, list := range [][]source{b.srcPosts, b.srcPages, b.srcStatic, b.srcStrays} {
		h.str("list")
		for _, s := range list {
			h.str(s.rel).int(s.size).int(s.modTime)
		}
	}
	b.print, b.printOut = h.sum(), out
	return b.print
}

// upToDate reports whether the last build's output is still right: same
// fingerprint, no source changed too close to that build to trust its
// time, no future post come due, no interrupted build, output present.
func (b *builder) upToDate(out string) (Result, bool) {
	st := b.stamp
	if st == nil {
		st = b.readStamp()
	}
	if st == nil || st.Fingerprint != b.fingerprint(out) {
		return Result{}, false
	}
	if st.NextDue != 0 && !b.opts.Now().Before(time.Unix(0, st.NextDue)) {
		return Result{}, false
	}
	for _, list := range [][]source{b.srcPosts, b.srcPages, b.srcStatic, b.srcStrays} {
		for _, s := range list {
			if st.Start.racy(&s) {
				return Result{}, false
			}
		}
	}
	if _, err := os.Stat(dirtyPath(b.cacheDir)); err == nil {
		return Result{}, false
	}
	if fi, err := os.Stat(out); err != nil || !fi.IsDir() {
		return Result{}, false
	}
	return Result{Posts: int(st.Posts), Pages: int(st.Pages), Files: int(st.Out), Cached: int(st.Out), Warnings: st.warnings}, true
}

// readStamp reads the last build's stamp; nil when there is none this
// program can read.
func (b *builder) readStamp() *stamp {
	data, err := os.ReadFile(stampPath(b.cacheDir))
	if err != nil {
		return nil
	}
	var st stamp
	d := &decoder{b: data}
	if d.str() != cacheFormat {
		return nil
	}
	st.Fingerprint = d.key()
	st.Start, st.NextDue = d.start(), d.int()
	st.Posts, st.Pages, st.Out = d.int(), d.int(), d.int()
	st.warnings = d.resultWarnings()
	if d.err != nil || len(d.b) != 0 {
		return nil
	}
	return &st
}

// writeStamp records the fingerprint of a successful build.
func (b *builder) writeStamp(res *Result) error {
	out, err := filepath.Abs(b.cfg.OutputDir())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := &encoder{w: &buf}
	w.str(cacheFormat)
	w.key(b.fingerprint(out))
	w.start(b.began)
	var due int64
	if !b.nextDue.IsZero() {
		due = b.nextDue.UnixNano()
	}
	w.int(due)
	w.int(int64(res.Posts))
	w.int(int64(res.Pages))
	w.int(int64(res.Files))
	w.resultWarnings(res.Warnings)
	return writeCacheFile(stampPath(b.cacheDir), buf.Bytes())
}

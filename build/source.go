package build

import (
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/blog-gen/blog/diag"
)

// checkSourceSize refuses a post or page over build.max_post_size from
// the size its discovery found, before anything reads it: a big file is
// most likely a mistake (a video saved under posts/), and reading it
// costs many times its size in memory.
func checkSourceSize(src source, limit Size) error {
	if src.size <= int64(limit) {
		return nil
	}
	return &diag.Error{Pos: diag.Pos{File: src.rel}, Err: fmt.Errorf("%d bytes, more than build.max_post_size (%s): split it, or raise build.max_post_size", src.size, limit)}
}

// readSource reads the post or page rel at abs, at most limit bytes (it
// may have grown since it was measured), and requires UTF-8: its pages
// are served as such.
func readSource(rel, abs string, limit Size) ([]byte, error) {
	f, err := os.Open(abs)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, int64(limit)+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > int64(limit) {
		return nil, &diag.Error{Pos: diag.Pos{File: rel}, Err: fmt.Errorf("more than build.max_post_size (%s): split it, or raise build.max_post_size", limit)}
	}
	if err := checkUTF8(rel, data); err != nil {
		return nil, err
	}
	return data, nil
}

// checkUTF8 locates the first byte of data that is not UTF-8.
func checkUTF8(rel string, data []byte) error {
	if utf8.Valid(data) {
		return nil
	}
	off := 0
	for off < len(data) {
		r, n := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && n <= 1 {
			break
		}
		off += n
	}
	line, col := diag.LineCol(data, off)
	return &diag.Error{Pos: diag.Pos{File: rel, Line: line, Col: col}, Err: fmt.Errorf("not valid UTF-8 (byte %#x): save the file as UTF-8", data[off])}
}

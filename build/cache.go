package build

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"time"
	"unsafe"

	"github.com/goccy/go-yaml"

	"github.com/blog-gen/blog/highlight"
	"github.com/blog-gen/blog/render"
)

// The incremental cache lives in CacheDir under the site root (or in
// Options.CacheDir):
//
//	state      what the last successful build read and wrote: a header
//	           naming the pack of pages it is in (see codec.go)
//	state-N.pack the pages of the state, and each source's search text,
//	           read only when a build needs it
//	text.new-* a full build's search texts, spooled as it renders; removed
//	           at the end of the build
//	code.pack  highlighted code blocks, back to back
//	code.idx   where each block is in code.pack, sorted by key
//	dirty      present while a build applies changes; a build that finds
//	           it does a full build, since the output may be half updated
//
// A cache that cannot be read, or was written by another version of the
// program or format, is ignored: the build is then a full one. Nothing in
// the cache is trusted beyond what a full build would produce.
const CacheDir = ".blog-cache"

// cacheFormat changes whenever the layout of the state or the stamp
// changes.
const cacheFormat = "blog-cache-14"

// codeFormat changes whenever the layout of code.idx or code.pack
// changes; it is apart from cacheFormat so that a new state layout keeps
// the highlighted code. Unchanged since blog-cache-8.
const codeFormat = "blog-cache-8"

// key is a content hash used for sources, outputs and dependencies.
type key [32]byte

func (k key) String() string { return hex.EncodeToString(k[:8]) }

// hasher builds a key from parts, each length-prefixed so that no two
// different part lists hash alike.
type hasher struct {
	buf []byte
	sha hash.Hash // what was flushed from buf, once it grew past hashChunk; nil before
}

// hashChunk is how much a hasher gathers before it hashes: a fingerprint
// of 10,000 sources would otherwise grow its buffer to half a megabyte,
// copying it a dozen times.
const hashChunk = 32 << 10

func newHasher(parts ...string) *hasher {
	h := &hasher{buf: make([]byte, 0, 256)}
	for _, p := range parts {
		h.str(p)
	}
	return h
}

// str adds s, length-prefixed. Parts are gathered in a buffer and hashed
// once: many small writes to sha256 cost more than the hashing.
func (h *hasher) str(s string) *hasher {
	h.buf = binary.AppendUvarint(h.buf, uint64(len(s)))
	h.buf = append(h.buf, s...)
	return h.flushed()
}

func (h *hasher) key(k key) *hasher {
	h.buf = append(h.buf, k[:]...)
	return h.flushed()
}

// int adds n, 8 bytes little-endian.
func (h *hasher) int(n int64) *hasher {
	h.buf = binary.LittleEndian.AppendUint64(h.buf, uint64(n))
	return h.flushed()
}

// flushed hashes the buffer once it holds hashChunk bytes.
func (h *hasher) flushed() *hasher {
	if len(h.buf) >= hashChunk {
		if h.sha == nil {
			h.sha = sha256.New()
		}
		h.sha.Write(h.buf)
		h.buf = h.buf[:0]
	}
	return h
}

// sum is the SHA-256 of all that was added, in order.
func (h *hasher) sum() key {
	if h.sha == nil {
		return sha256.Sum256(h.buf)
	}
	h.sha.Write(h.buf)
	var k key
	h.sha.Sum(k[:0])
	return k
}

func hashBytes(b []byte) key { return sha256.Sum256(b) }

// state is what a successful build leaves for the next one.
type state struct {
	Format string
	Global key        // everything every output depends on: program, config, theme, flags
	Output string     // the absolute output directory the outputs are in
	Start  buildStart // when the build that wrote this began
	// Checked is the key of the output paths of that build, in plan order,
	// which checkProducers passed (see pathsKey); zero when none.
	Checked key
	Sources map[string]*sourceState
	Outputs map[string]outputState

	disk  *onDisk    // the pages on disk this state was read from or saved to; nil: none
	spool *textSpool // where texts of this state may be until it is saved; nil: none
	// kept: a session holds this state and saves it again later, so the
	// entries a save encodes keep their encoding (a build's own state
	// is saved once, and its process may end).
	kept bool
}

// sourceState is what the last build knew of one source file. A file whose
// size and modification time are unchanged is not read again.
type sourceState struct {
	Size    int64
	ModTime int64 // UnixNano
	Hash    key
	Meta    key // digest of the front matter, for the site-wide meta key

	// For Markdown sources: the parsed front matter and what rendering the
	// body produced that lists need.
	FM         render.FrontMatter
	ParamsYAML []byte // FM.Params as YAML, which keeps their types
	Summary    string
	Words      int
	HasMore    bool
	Rendered   bool // Summary, Words and HasMore are known
	Warnings   []warning
	Images     []render.ImageRef // the images the body shows, known from its front matter parse on
	// Out and URL are the post's output file and URL path from the output
	// root (see postURL), both "" when a URL it derives is not one a site
	// can have (checkPostURL). The global key covers all else they derive
	// from, so they are worked out once per parse of the front matter.
	Out, URL string
	// Doc is the number of the post's search document plus one, and
	// DocKey that document file's key (see searchDocKey), as the last
	// build found them: 0 when not known. A post keeps its number until
	// an older one comes or goes.
	Doc    int
	DocKey key
	// text is the body's text for the search index, which its render
	// gives (render.Rendered.Text; known once Rendered), read when the
	// index or the post's document file is made: the texts are most of
	// the state's bytes, and most builds need one or none.
	text textRef

	// raw is this entry's encoding as read from the cache, or
	// [onDiskRaw] once a kept state wrote it, "" once the entry changes:
	// unchanged entries are written back as they were, and their page
	// not at all.
	raw string
}

// outputState is one output file: the key of the inputs it was made from,
// and the hash of its bytes.
type outputState struct {
	Dep  key
	Hash key
}

// textRef is where a source's search text is: in memory (in is nil), or
// a span of a file of texts, with its checksum: the state's pack, or a
// full build's spool until the state is saved.
type textRef struct {
	in  io.ReaderAt
	mem string
	span
}

func memText(s string) textRef { return textRef{mem: s} }

var errDamagedText = errors.New("a search text of the cache state is damaged")

// read returns the text; one that cannot be read back whole, with its
// checksum, is an error.
func (r textRef) read() (string, error) {
	if r.in == nil || r.Len == 0 {
		return r.mem, nil
	}
	buf := make([]byte, r.Len)
	if _, err := r.in.ReadAt(buf, r.Off); err != nil {
		return "", err
	}
	if crc32.Checksum(buf, castagnoli) != r.Sum {
		return "", errDamagedText
	}
	return unsafe.String(unsafe.SliceData(buf), len(buf)), nil
}

// textSpool is where a full build puts each source's search text as its
// body renders, so that the texts (at 10,000 posts, most of a build's live
// memory) are not all held until the state is saved, which copies them
// into its pack. It is safe for concurrent use; a text it could not write
// stays in memory.
type textSpool struct {
	dir string
	mu  sync.Mutex
	f   *os.File
	n   int64
	err error
}

func (sp *textSpool) put(s string) textRef {
	if sp == nil || s == "" {
		return memText(s)
	}
	b := unsafe.Slice(unsafe.StringData(s), len(s))
	sum := crc32.Checksum(b, castagnoli)
	sp.mu.Lock()
	defer sp.mu.Unlock()
	if sp.err == nil && sp.f == nil {
		if sp.err = os.MkdirAll(sp.dir, 0o755); sp.err == nil {
			sp.f, sp.err = os.CreateTemp(sp.dir, "text.new-*")
		}
	}
	if sp.err == nil {
		_, sp.err = sp.f.Write(b)
	}
	if sp.err != nil {
		return memText(s)
	}
	r := textRef{in: sp.f, span: span{Off: sp.n, Len: int64(len(s)), Sum: sum}}
	sp.n += int64(len(s))
	return r
}

// release removes the spool's name at the end of a build whose state a
// session keeps: on Unix its texts stay readable, the file being open,
// until the session's save moves them and closes it. Elsewhere the name
// stays until then.
func (sp *textSpool) release() {
	if sp != nil && sp.f != nil {
		os.Remove(sp.f.Name())
	}
}

// close closes and removes the spool's file: nothing refers to it any
// more (the state was saved, which moved its texts, or was dropped).
func (sp *textSpool) close() {
	if sp != nil && sp.f != nil {
		sp.f.Close()
		os.Remove(sp.f.Name())
		sp.f = nil
	}
}

// statePath is the state's header; the pages are in the pack it names.
func statePath(dir string) string { return filepath.Join(dir, "state") }
func dirtyPath(dir string) string { return filepath.Join(dir, "dirty") }

// loadState reads the cache in dir. It returns nil, with the
// reason, when there is no usable cache; a nil state means a full build.
// Dates are restored in loc, the site's time zone.
func loadState(dir string, global key, output string, loc *time.Location) (*state, string) {
	if _, err := os.Stat(dirtyPath(dir)); err == nil {
		return nil, "the last build was interrupted"
	}
	header, err := os.ReadFile(statePath(dir))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, "no cache"
		}
		return nil, err.Error()
	}
	// The header names the pack; a header that does not decode is
	// reported as such, with no pack to read.
	_, disk, err := decodeHeader(header, math.MaxInt64)
	if err != nil {
		return nil, "unreadable cache: " + err.Error()
	}
	pack, err := os.Open(filepath.Join(dir, disk.pack))
	if err != nil {
		return nil, "unreadable cache: " + err.Error()
	}
	st, reason := usableState(header, pack, global, output, loc)
	if st == nil {
		pack.Close()
	}
	// Otherwise the pack stays open while the state, or a text read
	// from it, may be used: a later save may replace it.
	return st, reason
}

// usableState decodes the state of header, whose pages are in pack, when
// it is one this build can use; else it returns nil and why.
func usableState(header []byte, pack *os.File, global key, output string, loc *time.Location) (*state, string) {
	fi, err := pack.Stat()
	if err != nil {
		return nil, "unreadable cache: " + err.Error()
	}
	st, err := decodeStateAt(header, pack, fi.Size(), loc)
	switch {
	case err != nil:
		return nil, "unreadable cache: " + err.Error()
	case st.Global == key{}:
		return nil, "the last build has code that may be highlighted wrongly"
	case st.Global != global:
		return nil, "configuration, theme or program changed"
	case st.Output != output:
		return nil, "output directory changed"
	}
	if fi, err := os.Stat(output); err != nil || !fi.IsDir() {
		return nil, "no output yet"
	}
	for _, s := range st.Sources {
		if len(s.ParamsYAML) > 0 {
			if err := yaml.Unmarshal(s.ParamsYAML, &s.FM.Params); err != nil {
				return nil, "unreadable cache: " + err.Error()
			}
		}
	}
	return st, ""
}

// save writes the pages of st that changed since the state it came from
// was read or saved, then the header, which is replaced atomically: a
// save cut short leaves the last header and every page it names intact.
func (st *state) save(dir string) error {
	for _, s := range st.Sources {
		if s.raw != "" {
			continue
		}
		s.ParamsYAML = nil
		if len(s.FM.Params) > 0 {
			b, err := yaml.Marshal(s.FM.Params)
			if err != nil {
				return err
			}
			s.ParamsYAML = b
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	disk := st.disk
	var f *os.File
	var base int64
	if disk != nil {
		// Append to the pack, unless it is gone or mostly dead.
		var err error
		if f, err = os.OpenFile(filepath.Join(dir, disk.pack), os.O_WRONLY|os.O_APPEND, 0o644); err == nil {
			var live int64
			for _, pages := range [][]pageRef{disk.src, disk.out} {
				for _, r := range pages {
					live += r.Len
				}
			}
			for _, s := range st.Sources {
				if s.text.in == disk.r {
					live += s.text.Len
				}
			}
			if base, err = f.Seek(0, io.SeekEnd); err != nil || base > 2*live {
				f.Close()
				f = nil
			}
		} else {
			f = nil
		}
	}
	next := &onDisk{gen: 1}
	if f != nil {
		next.gen, next.pack = disk.gen, disk.pack
	} else {
		// A new pack with every page: nothing is compared with disk.
		if disk != nil {
			next.gen = disk.gen + 1
		}
		next.pack = fmt.Sprintf("state-%d.pack", next.gen)
		disk, base = nil, 0
		var err error
		if f, err = os.CreateTemp(dir, "."+next.pack+"-*"); err != nil {
			return err
		}
		defer os.Remove(f.Name()) // gone after the rename; cleans up on failure
		if err := f.Chmod(0o644); err != nil {
			f.Close()
			return err
		}
	}
	// The pages go to the file as they are encoded, through a buffer.
	w := bufio.NewWriterSize(f, 256<<10)
	out := &pagesOut{w: w, off: base}
	err := out.texts(st, disk)
	if err == nil {
		next.src, next.out, err = encodePages(st, disk, out)
	}
	if err == nil {
		err = w.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil && disk == nil {
		err = os.Rename(f.Name(), filepath.Join(dir, next.pack))
	}
	if err != nil {
		return err
	}
	if disk != nil {
		next.r = disk.r
	} else {
		r, err := os.Open(filepath.Join(dir, next.pack))
		if err != nil {
			return err
		}
		next.r = r
	}
	if err := writeCacheFile(statePath(dir), encodeHeader(st, next)); err != nil {
		return err
	}
	if st.kept {
		out.markSaved()
	}
	out.movedTo(next.r)
	st.spool.close() // its texts are in the pack now
	st.spool = nil
	next.outputs = st.Outputs
	st.disk = next
	if disk == nil {
		// A new pack: the old ones, and any left by a save cut short, go.
		old, _ := filepath.Glob(filepath.Join(dir, "state-*.pack"))
		for _, p := range old {
			if filepath.Base(p) != next.pack {
				os.Remove(p)
			}
		}
		// So do spools of texts a killed build left. One a session
		// still reads from is open: on Unix it stays readable, and
		// elsewhere an open file is not removed.
		spools, _ := filepath.Glob(filepath.Join(dir, "text.new-*"))
		for _, p := range spools {
			os.Remove(p)
		}
	}
	return nil
}

// codeCache keeps highlighted code blocks across builds, keyed by the
// highlighter's options, the language, the emphasised lines and the code,
// so a template or config change re-renders pages without re-highlighting.
// It is safe for concurrent use.
//
// The index is a sorted array of fixed-size records, searched in place: a
// build that highlights one block does not decode twenty thousand.
type codeCache struct {
	h    render.CodeHighlighter
	hkey string
	dir  string

	once sync.Once
	mu   sync.Mutex
	pack *os.File
	recs []byte       // sorted index records of the pack
	gone map[key]bool // records found damaged in this build
	size int64        // bytes in the pack file
	used map[key]bool // blocks this build asked for
	hits int

	// Blocks highlighted in this build go to a temporary file as they
	// come, so memory does not grow with the site; save moves them into
	// the pack.
	fresh    *os.File
	freshLen int64
	freshIdx map[key]span // offsets in fresh
	freshErr error
}

// span locates a block in the pack, with a checksum so a damaged pack is
// noticed and the block highlighted again.
type span struct {
	Off, Len int64
	Sum      uint32
}

// recSize is the size of an index record: key, offset, length, checksum.
const recSize = len(key{}) + 8 + 8 + 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func newCodeCache(h render.CodeHighlighter, hkey, dir string) *codeCache {
	return &codeCache{h: h, hkey: hkey, dir: dir, gone: map[key]bool{}, used: map[key]bool{}}
}

// open loads the index on first use; a bad index or pack starts empty.
func (c *codeCache) open() {
	c.once.Do(func() {
		data, err := os.ReadFile(filepath.Join(c.dir, "code.idx"))
		if err != nil {
			return
		}
		d := &decoder{b: data}
		if d.str() != codeFormat {
			return
		}
		size, n := d.int(), d.n()
		if d.err != nil || len(d.b) != n*recSize {
			return
		}
		pack, err := os.Open(filepath.Join(c.dir, "code.pack"))
		if err != nil {
			return
		}
		if fi, err := pack.Stat(); err != nil || fi.Size() != size {
			pack.Close() // the pack and index disagree: start over
			return
		}
		c.pack, c.recs, c.size = pack, d.b, size
	})
}

// lookup finds k in the pack's index. The caller holds c.mu.
func (c *codeCache) lookup(k key) (span, bool) {
	if c.gone[k] {
		return span{}, false
	}
	n := len(c.recs) / recSize
	i := sort.Search(n, func(i int) bool { return bytes.Compare(c.recs[i*recSize:i*recSize+len(k)], k[:]) >= 0 })
	if i == n {
		return span{}, false
	}
	r := c.recs[i*recSize : (i+1)*recSize]
	if !bytes.Equal(r[:len(k)], k[:]) {
		return span{}, false
	}
	r = r[len(k):]
	return span{
		Off: int64(binary.LittleEndian.Uint64(r)),
		Len: int64(binary.LittleEndian.Uint64(r[8:])),
		Sum: binary.LittleEndian.Uint32(r[16:]),
	}, true
}

// Highlight writes the block from the cache, or highlights and remembers
// it. A block the highlighter could not highlight exactly is written, with
// the highlighter's error, and not remembered: the next build tries again.
func (c *codeCache) Highlight(w io.Writer, lang, code string, hl [][2]int) error {
	k := newHasher(c.hkey, lang, fmt.Sprint(hl), code).sum()
	c.open()
	c.mu.Lock()
	c.used[k] = true
	sp, ok := c.lookup(k)
	c.mu.Unlock()
	if ok && sp.Len >= 0 && sp.Len < 64<<20 {
		buf := make([]byte, sp.Len)
		if _, err := c.pack.ReadAt(buf, sp.Off); err == nil && crc32.Checksum(buf, castagnoli) == sp.Sum {
			c.mu.Lock()
			c.hits++
			c.mu.Unlock()
			_, err := w.Write(buf)
			return err
		}
	}
	var buf bytes.Buffer
	err := c.h.Highlight(&buf, lang, code, hl)
	if err != nil && !errors.Is(err, highlight.ErrInexact) {
		return err
	}
	c.mu.Lock()
	if ok {
		c.gone[k] = true // damaged in the pack: replace it
	}
	if err == nil {
		c.remember(k, buf.Bytes())
	}
	c.mu.Unlock()
	if _, werr := w.Write(buf.Bytes()); werr != nil {
		return werr
	}
	return err
}

// remember appends a freshly highlighted block to the temporary file. A
// failure only costs the caching: it is reported when saving. The caller
// holds c.mu.
func (c *codeCache) remember(k key, html []byte) {
	if c.freshErr != nil {
		return
	}
	if _, ok := c.freshIdx[k]; ok {
		return
	}
	if c.fresh == nil {
		if err := os.MkdirAll(c.dir, 0o755); err != nil {
			c.freshErr = err
			return
		}
		f, err := os.CreateTemp(c.dir, "code.new-*")
		if err != nil {
			c.freshErr = err
			return
		}
		c.fresh, c.freshIdx = f, map[key]span{}
	}
	if _, err := c.fresh.Write(html); err != nil {
		c.freshErr = err
		return
	}
	c.freshIdx[k] = span{Off: c.freshLen, Len: int64(len(html)), Sum: crc32.Checksum(html, castagnoli)}
	c.freshLen += int64(len(html))
}

type record struct {
	k  key
	sp span
}

// save moves the new blocks into the pack and writes the index. With
// compact (a full build, which uses every live block), it first drops the
// blocks this build did not use, when they make up most of the pack.
func (c *codeCache) save(compact bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.freshErr != nil {
		return c.freshErr
	}
	if c.fresh == nil && !compact {
		return nil
	}
	packPath := filepath.Join(c.dir, "code.pack")
	var liveSize int64
	for k := range c.used {
		if sp, ok := c.lookup(k); ok {
			liveSize += sp.Len
		}
	}
	var recs []record
	rewrite := c.pack == nil || compact && liveSize < c.size/2
	var dst *os.File
	var err error
	var base int64
	if rewrite {
		dst, err = os.CreateTemp(c.dir, "code.pack-*")
		if err != nil {
			return err
		}
		defer os.Remove(dst.Name()) // gone after the rename; cleans up on failure
		for k := range c.used {
			sp, ok := c.lookup(k)
			if !ok || c.pack == nil {
				continue
			}
			if _, err := io.Copy(dst, io.NewSectionReader(c.pack, sp.Off, sp.Len)); err != nil {
				dst.Close()
				return err
			}
			recs = append(recs, record{k, span{Off: base, Len: sp.Len, Sum: sp.Sum}})
			base += sp.Len
		}
	} else {
		for i := 0; i+recSize <= len(c.recs); i += recSize {
			var k key
			copy(k[:], c.recs[i:])
			if sp, ok := c.lookup(k); ok {
				if _, fresh := c.freshIdx[k]; !fresh {
					recs = append(recs, record{k, sp})
				}
			}
		}
		if dst, err = os.OpenFile(packPath, os.O_WRONLY|os.O_APPEND, 0o644); err != nil {
			return err
		}
		base = c.size
	}
	if c.fresh != nil {
		if _, err := io.Copy(dst, io.NewSectionReader(c.fresh, 0, c.freshLen)); err != nil {
			dst.Close()
			return err
		}
		for k, sp := range c.freshIdx {
			recs = append(recs, record{k, span{Off: base + sp.Off, Len: sp.Len, Sum: sp.Sum}})
		}
	}
	size := base + c.freshLen
	if err := dst.Close(); err != nil {
		return err
	}
	if rewrite {
		if err := os.Rename(dst.Name(), packPath); err != nil {
			return err
		}
	}
	slices.SortFunc(recs, func(a, b record) int { return bytes.Compare(a.k[:], b.k[:]) })
	var idx bytes.Buffer
	e := &encoder{w: &idx}
	e.str(codeFormat)
	e.int(size)
	e.int(int64(len(recs)))
	var r [recSize]byte
	for _, rec := range recs {
		copy(r[:], rec.k[:])
		binary.LittleEndian.PutUint64(r[len(key{}):], uint64(rec.sp.Off))
		binary.LittleEndian.PutUint64(r[len(key{})+8:], uint64(rec.sp.Len))
		binary.LittleEndian.PutUint32(r[len(key{})+16:], rec.sp.Sum)
		e.w.Write(r[:])
	}
	return writeCacheFile(filepath.Join(c.dir, "code.idx"), idx.Bytes())
}

// close releases the files; the temporary file of new blocks is removed.
func (c *codeCache) close() {
	if c.pack != nil {
		c.pack.Close()
	}
	if c.fresh != nil {
		c.fresh.Close()
		os.Remove(c.fresh.Name())
	}
}

package build

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unsafe"

	"github.com/blog-gen/blog/diag"
)

// The state is written in a small binary format of its own rather than
// gob: a no-op build of a 10,000-post site decodes it on every run, and gob
// spent most of that run in reflection. Strings and byte slices are
// length-prefixed; integers are varints; keys are 32 raw bytes. The format
// is versioned by cacheFormat, which is written first.

var errCorrupt = errors.New("corrupt cache")

type encoder struct {
	w   *bytes.Buffer
	buf [binary.MaxVarintLen64]byte
}

func (e *encoder) int(v int64) { e.w.Write(binary.AppendVarint(e.buf[:0], v)) }
func (e *encoder) str(s string) {
	e.int(int64(len(s)))
	e.w.WriteString(s)
}
func (e *encoder) bytes(b []byte) {
	e.int(int64(len(b)))
	e.w.Write(b)
}
func (e *encoder) key(k key) { e.w.Write(k[:]) }
func (e *encoder) bool(b bool) {
	if b {
		e.w.WriteByte(1)
	} else {
		e.w.WriteByte(0)
	}
}
func (e *encoder) strs(l []string) {
	e.int(int64(len(l)))
	for _, s := range l {
		e.str(s)
	}
}
func (e *encoder) pos(p diag.Pos) {
	e.str(p.File)
	e.int(int64(p.Line))
	e.int(int64(p.Col))
}
func (e *encoder) time(t time.Time) {
	b, _ := t.MarshalBinary() // fails only for offsets no zone has
	e.bytes(b)
}

type decoder struct {
	b   []byte
	err error
	// s, when set, holds the same bytes as the whole input b started as:
	// strings are then sliced from it rather than allocated one by one.
	s string
	// pool backs the decoded string lists, a chunk at a time.
	pool []string
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.err = errCorrupt
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) n() int {
	v := d.int()
	if v < 0 || v > math.MaxInt32 {
		d.err = errCorrupt
		return 0
	}
	return int(v)
}

// count reads the length of a list whose elements take at least min
// bytes each: a count the rest of the input cannot hold is corrupt, so no
// input makes the decoder allocate or loop beyond its size.
func (d *decoder) count(min int) int {
	n := d.n()
	if n > len(d.b)/min {
		d.err = errCorrupt
		return 0
	}
	return n
}

// Lower bounds of the encoded sizes of a source and of an output entry:
// their keys and a byte for each other field.
const (
	minSourceLen = 3*len(key{}) + 26
	minOutputLen = 2*len(key{}) + 1
)

// raw returns the next n bytes, aliasing the input.
func (d *decoder) raw(n int) []byte {
	if d.err != nil || n > len(d.b) {
		d.err = errCorrupt
		return nil
	}
	b := d.b[:n:n]
	d.b = d.b[n:]
	return b
}

func (d *decoder) str() string {
	if d.s == "" {
		return string(d.raw(d.n()))
	}
	n := d.n()
	off := len(d.s) - len(d.b)
	if d.raw(n); d.err != nil {
		return ""
	}
	return d.s[off : off+n]
}
func (d *decoder) bytes() []byte { return slices.Clone(d.raw(d.n())) }
func (d *decoder) key() key {
	var k key
	copy(k[:], d.raw(len(k)))
	return k
}
func (d *decoder) bool() bool {
	b := d.raw(1)
	return len(b) == 1 && b[0] == 1
}

func (d *decoder) strs() []string {
	n := d.count(1)
	if n == 0 || d.err != nil {
		return nil
	}
	if d.s == "" || n > 64 {
		l := make([]string, 0, n)
		for range n {
			l = append(l, d.str())
		}
		return l
	}
	if len(d.pool) < n {
		d.pool = make([]string, 4096)
	}
	l := d.pool[:n:n] // full slice: an append copies rather than overwrites
	d.pool = d.pool[n:]
	for i := range l {
		l[i] = d.str()
	}
	return l
}

func (d *decoder) pos() diag.Pos {
	return diag.Pos{File: d.str(), Line: d.n(), Col: d.n()}
}

// time decodes a time and puts it back in loc when loc has its offset at
// that instant, as time.ParseInLocation does, so a cached date prints
// exactly as a freshly parsed one.
func (d *decoder) time(loc *time.Location) time.Time {
	var t time.Time
	if b := d.raw(d.n()); d.err == nil && t.UnmarshalBinary(b) != nil {
		d.err = errCorrupt
	}
	if t.IsZero() || t.Location() == time.UTC {
		return t
	}
	_, off := t.Zone()
	if _, locOff := t.In(loc).Zone(); locOff == off {
		return t.In(loc)
	}
	return t
}

// The state is kept in pages, so that a build that changes one source
// writes one page of sources and the few pages of outputs it changed, not
// the whole state. A source or an output is on page hash(name) mod the
// number of pages of its kind; within a page, entries are sorted by name.
// The pages are in a pack file, back to back; a save appends the pages
// that changed to the pack (a full save, or one that finds the pack more
// than half dead, writes a new pack) and then replaces the header, which
// names the pack and locates each page with its length, entry count and
// checksum. A damaged page fails its checksum: the state is then not used.
//
// The sources' search texts are in the pack too, apart from the pages
// (a save writes the texts it moves ahead of its pages): each source
// entry locates its text with a checksum, and a build reads only the
// texts it needs, which for an edit is one or two. Loading a state reads
// the pages alone: 8 MB of a 105 MB pack at 10,000 posts. A text that fails
// its checksum is derived again from its source (builder.searchText).
//
// The header:
//
//	format, global key, output, started, the key of the output paths
//	checked, generation, pack file name,
//	source pages (count, then offset, length, entries, checksum each),
//	output pages (the same), and a checksum of everything before it.

// Entries per page the page counts aim at. A source entry is larger
// than an output's, so their pages hold fewer.
const (
	sourcesPerPage = 32
	outputsPerPage = 128
)

// pageRef locates one page in the pack.
type pageRef struct {
	Off, Len int64
	N        int    // entries on the page
	Sum      uint32 // CRC-32C of the page's bytes
}

// onDisk is what the cache directory holds of a state: save compares the
// state with it to write only the pages that changed. It is shared by a
// state and the next one until a save replaces it.
type onDisk struct {
	gen     int64  // generation of the pack: a new pack is state-<gen+1>.pack
	pack    string // the pack's file name in the cache directory
	src     []pageRef
	out     []pageRef
	outputs map[string]outputState // the outputs as written
	r       io.ReaderAt            // the pack, to read the texts in it from; nil: not open
}

// pageOf is the page of name among n pages (FNV-1a).
func pageOf(name string, n int) int {
	h := uint32(2166136261)
	for i := 0; i < len(name); i++ {
		h ^= uint32(name[i])
		h *= 16777619
	}
	return int(h % uint32(n))
}

// pageCount is the number of pages for n entries: prev when it still
// fits them within a factor of four, else a power of two near n/per.
func pageCount(prev, n, per int) int {
	if prev > 0 && n <= 4*per*prev && (prev == 1 || n >= per*prev/4) {
		return prev
	}
	p := 1
	for p*per < n {
		p *= 2
	}
	return p
}

// encodeSource writes one source entry, its text at text: its raw
// encoding when it has one and the text has not moved.
func (e *encoder) source(name string, s *sourceState, text span, moved bool) {
	if !moved && s.raw != "" && s.raw != onDiskRaw {
		e.w.WriteString(s.raw)
		return
	}
	e.str(name)
	e.int(s.Size)
	e.int(s.ModTime)
	e.key(s.Hash)
	e.key(s.Meta)
	fm := &s.FM
	e.str(fm.Title)
	e.time(fm.Date)
	e.time(fm.Updated)
	e.str(fm.Slug)
	e.str(fm.Permalink)
	e.str(fm.URL)
	e.strs(fm.Aliases)
	e.positions(fm.Pos)
	e.strs(fm.Tags)
	e.strs(fm.Categories)
	e.bool(fm.Draft)
	e.str(fm.Summary)
	e.str(fm.Author)
	e.pos(fm.DatePos)
	e.bytes(s.ParamsYAML)
	e.str(s.Summary)
	e.int(int64(s.Words))
	e.bool(s.HasMore)
	e.bool(s.Rendered)
	e.warnings(s.Warnings)
	e.images(s.Images)
	e.str(s.Out)
	e.str(s.URL)
	e.int(int64(s.Doc))
	e.key(s.DocKey)
	e.int(text.Off)
	e.int(text.Len)
	e.int(int64(text.Sum))
}

// source decodes one source entry into s, its text a span of pack, of
// packLen bytes, and returns its name.
func (d *decoder) source(s *sourceState, loc *time.Location, pack io.ReaderAt, packLen int64) string {
	name := d.str()
	s.Size, s.ModTime, s.Hash, s.Meta = d.int(), d.int(), d.key(), d.key()
	fm := &s.FM
	fm.Title = d.str()
	fm.Date = d.time(loc)
	fm.Updated = d.time(loc)
	fm.Slug = d.str()
	fm.Permalink = d.str()
	fm.URL = d.str()
	fm.Aliases = d.strs()
	fm.Pos = d.positions(name)
	fm.Tags = d.strs()
	fm.Categories = d.strs()
	fm.Draft = d.bool()
	fm.Summary = d.str()
	fm.Author = d.str()
	fm.DatePos = d.pos()
	s.ParamsYAML = d.bytes()
	if len(s.ParamsYAML) == 0 {
		s.ParamsYAML = nil
	}
	s.Summary = d.str()
	s.Words = int(d.int())
	s.HasMore = d.bool()
	s.Rendered = d.bool()
	s.Warnings = d.warnings()
	s.Images = d.images()
	s.Out, s.URL = d.str(), d.str()
	s.Doc, s.DocKey = int(d.int()), d.key()
	off, n, sum := d.int(), d.int(), d.int()
	if off < 0 || n < 0 || off > packLen || n > packLen-off || sum < 0 || sum > math.MaxUint32 {
		d.err = errCorrupt
	} else if n > 0 {
		s.text = textRef{in: pack, span: span{Off: off, Len: n, Sum: uint32(sum)}}
	}
	return name
}

func (e *encoder) refs(refs []pageRef) {
	e.int(int64(len(refs)))
	for _, r := range refs {
		e.int(r.Off)
		e.int(r.Len)
		e.int(int64(r.N))
		e.int(int64(r.Sum))
	}
}

func (d *decoder) refs(packLen int64) []pageRef {
	n := d.count(4)
	if n == 0 || d.err != nil {
		return nil
	}
	refs := make([]pageRef, n)
	for i := range refs {
		r := &refs[i]
		r.Off, r.Len, r.N = d.int(), d.int(), d.n()
		sum := d.int()
		if r.Off < 0 || r.Len < 0 || r.Off > packLen || r.Len > packLen-r.Off || sum < 0 || sum > math.MaxUint32 {
			d.err = errCorrupt
			return nil
		}
		r.Sum = uint32(sum)
	}
	return refs
}

// encodeHeader writes the header of st, whose pages are in disk.
func encodeHeader(st *state, disk *onDisk) []byte {
	var buf bytes.Buffer
	e := &encoder{w: &buf}
	e.str(st.Format)
	e.key(st.Global)
	e.str(st.Output)
	e.start(st.Start)
	e.key(st.Checked)
	e.int(disk.gen)
	e.str(disk.pack)
	e.refs(disk.src)
	e.refs(disk.out)
	return binary.LittleEndian.AppendUint32(buf.Bytes(), crc32.Checksum(buf.Bytes(), castagnoli))
}

// decodeHeader reads a header into a state with no entries yet, checking
// its pages' places against the length of the pack.
func decodeHeader(data []byte, packLen int64) (*state, *onDisk, error) {
	if len(data) < 4 || crc32.Checksum(data[:len(data)-4], castagnoli) != binary.LittleEndian.Uint32(data[len(data)-4:]) {
		if d := (&decoder{b: data}); d.str() != cacheFormat {
			return nil, nil, errOtherVersion
		}
		return nil, nil, errCorrupt
	}
	d := &decoder{b: data[:len(data)-4]}
	st := &state{Format: d.str()}
	if d.err != nil || st.Format != cacheFormat {
		return nil, nil, errOtherVersion
	}
	st.Global = d.key()
	st.Output = d.str()
	st.Start = d.start()
	st.Checked = d.key()
	disk := &onDisk{gen: d.int(), pack: d.str()}
	disk.src = d.refs(packLen)
	disk.out = d.refs(packLen)
	if d.err != nil {
		return nil, nil, d.err
	}
	if len(d.b) != 0 || disk.pack != filepath.Base(disk.pack) || !strings.HasPrefix(disk.pack, "state-") {
		return nil, nil, errCorrupt
	}
	return st, disk, nil
}

var errOtherVersion = errors.New("cache from another version")

// decodeState decodes a header and the pack it names, whole in memory.
func decodeState(header []byte, pack []byte, loc *time.Location) (*state, error) {
	return decodeStateAt(header, bytes.NewReader(pack), int64(len(pack)), loc)
}

// decodeStateAt decodes a header and the pages of the pack it names, of
// packLen bytes, read from pack; the texts in the pack are read only when
// used. Every string of the state, and each source's raw encoding, is
// sliced from one buffer of the pages.
func decodeStateAt(header []byte, pack io.ReaderAt, packLen int64, loc *time.Location) (*state, error) {
	st, disk, err := decodeHeader(header, packLen)
	if err != nil {
		return nil, err
	}
	// The pages, back to back; pages of a pack do not overlap, so they
	// are no more than the pack.
	var total int64
	for _, refs := range [][]pageRef{disk.src, disk.out} {
		for _, r := range refs {
			if total += r.Len; total > packLen {
				return nil, errCorrupt
			}
		}
	}
	buf := make([]byte, total)
	at := func(refs []pageRef, base int64) ([]int64, int64, error) {
		offs := make([]int64, len(refs))
		for i := 0; i < len(refs); {
			// One read for a run of pages back to back in the pack, as a
			// full save writes them.
			off, start, j := refs[i].Off, base, i
			for ; j < len(refs) && refs[j].Off == off+(base-start); j++ {
				offs[j] = base
				base += refs[j].Len
			}
			if _, err := pack.ReadAt(buf[start:base], off); err != nil {
				return nil, 0, err
			}
			i = j
		}
		return offs, base, nil
	}
	srcAt, base, err := at(disk.src, 0)
	if err != nil {
		return nil, err
	}
	outAt, _, err := at(disk.out, base)
	if err != nil {
		return nil, err
	}
	// One string of the pages, from which every decoded string and each
	// entry's raw encoding are sliced: a 10,000-entry state otherwise
	// costs some 90,000 small allocations.
	whole := unsafe.String(unsafe.SliceData(buf), len(buf))
	nsrc, nout := 0, 0
	for _, r := range disk.src {
		nsrc += min(r.N, int(r.Len)/minSourceLen)
	}
	for _, r := range disk.out {
		nout += min(r.N, int(r.Len)/minOutputLen)
	}
	// Pages may overlap in a damaged header: no more entries than the
	// pack can hold are allocated ahead (a duplicate fails decoding).
	nsrc, nout = min(nsrc, len(buf)/minSourceLen), min(nout, len(buf)/minOutputLen)
	st.Sources = make(map[string]*sourceState, nsrc)
	st.Outputs = make(map[string]outputState, nout)
	slab := make([]sourceState, nsrc)
	d := &decoder{} // one for every page: its pool of string lists is shared
	page := func(r pageRef, at int64, minLen int) (*decoder, error) {
		b := buf[at : at+r.Len]
		if crc32.Checksum(b, castagnoli) != r.Sum {
			return nil, errDamagedPage
		}
		d.b, d.s = b, whole[at:at+r.Len]
		if d.count(minLen) != r.N {
			return nil, errCorrupt
		}
		return d, nil
	}
	for p, r := range disk.src {
		d, err := page(r, srcAt[p], minSourceLen)
		if err != nil {
			return nil, err
		}
		for range r.N {
			if len(slab) == 0 {
				slab = make([]sourceState, 64)
			}
			s := &slab[0]
			slab = slab[1:]
			start := len(d.s) - len(d.b)
			name := d.source(s, loc, pack, packLen)
			if d.err != nil {
				return nil, d.err
			}
			if _, dup := st.Sources[name]; dup || pageOf(name, len(disk.src)) != p {
				return nil, errCorrupt
			}
			s.raw = d.s[start : len(d.s)-len(d.b)]
			st.Sources[name] = s
		}
		if len(d.b) != 0 {
			return nil, errCorrupt // trailing bytes: not what we wrote
		}
	}
	for p, r := range disk.out {
		d, err := page(r, outAt[p], minOutputLen)
		if err != nil {
			return nil, err
		}
		for range r.N {
			name := d.str()
			o := outputState{Dep: d.key(), Hash: d.key()}
			if d.err != nil {
				return nil, d.err
			}
			if _, dup := st.Outputs[name]; dup || pageOf(name, len(disk.out)) != p {
				return nil, errCorrupt
			}
			st.Outputs[name] = o
		}
		if len(d.b) != 0 {
			return nil, errCorrupt
		}
	}
	disk.outputs = st.Outputs
	disk.r = pack
	st.disk = disk
	return st, nil
}

var errDamagedPage = errors.New("a page of the cache state is damaged")

// pagesOut is where a save's pages go: each page is encoded in a buffer
// of its own and written to w, so a save never holds more than one page's
// encoding (a full save of a 10,000-post state is some 200 MB).
type pagesOut struct {
	w     io.Writer
	off   int64          // the pack's offset of the next byte written to w
	page  bytes.Buffer   // the page being encoded
	fresh []*sourceState // the sources encoded afresh, not from raw
	err   error          // the first error writing to w
	// textAt holds where texts writes the texts it moved into the pack.
	textAt map[*sourceState]span
}

// texts writes the search texts of st that are not in disk's pack (all
// of them when disk is nil) to out, ahead of the pages, which then point
// at them. A text that cannot be read back drops its source from the
// state: the next build reads and scans it again.
func (out *pagesOut) texts(st *state, disk *onDisk) error {
	var names []string
	for name, s := range st.Sources {
		if t := s.text; (t.in != nil || t.mem != "") && (disk == nil || disk.r == nil || t.in != disk.r) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	out.textAt = make(map[*sourceState]span, len(names))
	for _, name := range names {
		s := st.Sources[name]
		t, err := s.text.read()
		if err != nil {
			delete(st.Sources, name)
			continue
		}
		b := unsafe.Slice(unsafe.StringData(t), len(t))
		out.textAt[s] = span{Off: out.off, Len: int64(len(b)), Sum: crc32.Checksum(b, castagnoli)}
		if out.err == nil {
			_, out.err = out.w.Write(b)
		}
		out.off += int64(len(b))
	}
	return out.err
}

// movedTo records that the texts moved are in the pack read through r.
func (out *pagesOut) movedTo(r io.ReaderAt) {
	for s, sp := range out.textAt {
		s.text = textRef{in: r, span: sp}
		if s.raw != onDiskRaw {
			s.raw = "" // the encoding read had the text's old place
		}
	}
}

// flush writes the encoded page to w and returns where it is in the pack.
func (out *pagesOut) flush(n int) pageRef {
	b := out.page.Bytes()
	r := pageRef{Off: out.off, Len: int64(len(b)), N: n, Sum: crc32.Checksum(b, castagnoli)}
	if out.err == nil {
		_, out.err = out.w.Write(b)
	}
	out.off += int64(len(b))
	out.page.Reset()
	return r
}

// encodePages writes the pages of st that differ from disk (all of them
// when disk is nil or has other page counts) to out, and returns the new
// page list, or the first error writing.
func encodePages(st *state, disk *onDisk, out *pagesOut) (src, outs []pageRef, err error) {
	np := pageCount(len(disk.srcOrNil()), len(st.Sources), sourcesPerPage)
	nq := pageCount(len(disk.outOrNil()), len(st.Outputs), outputsPerPage)
	srcNames := make([][]string, np)
	srcDirty := make([]bool, np)
	same := disk != nil && len(disk.src) == np
	for name, s := range st.Sources {
		p := pageOf(name, np)
		srcNames[p] = append(srcNames[p], name)
		if _, moved := out.textAt[s]; moved || s.raw == "" {
			srcDirty[p] = true // its entry points at the text's new place
		}
	}
	outNames := make([][]string, nq)
	outDirty := make([]bool, nq)
	sameOut := disk != nil && len(disk.out) == nq
	for name, o := range st.Outputs {
		q := pageOf(name, nq)
		outNames[q] = append(outNames[q], name)
		if sameOut && !outDirty[q] {
			if was, ok := disk.outputs[name]; !ok || was != o {
				outDirty[q] = true
			}
		}
	}
	e := &encoder{w: &out.page}
	src = make([]pageRef, np)
	for p, names := range srcNames {
		if same && !srcDirty[p] && disk.src[p].N == len(names) {
			src[p] = disk.src[p]
			continue
		}
		slices.Sort(names)
		e.int(int64(len(names)))
		for _, n := range names {
			s := st.Sources[n]
			text, moved := out.textAt[s]
			if !moved {
				text = s.text.span
			}
			e.source(n, s, text, moved)
			if moved || s.raw == "" {
				out.fresh = append(out.fresh, s)
			}
		}
		src[p] = out.flush(len(names))
	}
	outs = make([]pageRef, nq)
	for q, names := range outNames {
		if sameOut && !outDirty[q] && disk.out[q].N == len(names) {
			outs[q] = disk.out[q]
			continue
		}
		slices.Sort(names)
		e.int(int64(len(names)))
		for _, n := range names {
			o := st.Outputs[n]
			e.str(n)
			e.key(o.Dep)
			e.key(o.Hash)
		}
		outs[q] = out.flush(len(names))
	}
	return src, outs, out.err
}

// onDiskRaw is the raw encoding of a source that is on disk as it is in
// memory, without its bytes held: a session's state, saved again and
// again, would otherwise keep a copy of everything it saved. Such an entry
// is encoded again from its fields when its page is rewritten. No real
// encoding is one byte long.
const onDiskRaw = "\x00"

// markSaved records that the sources encoded afresh are on disk now.
func (out *pagesOut) markSaved() {
	for _, s := range out.fresh {
		s.raw = onDiskRaw
	}
}

func (d *onDisk) srcOrNil() []pageRef {
	if d == nil {
		return nil
	}
	return d.src
}

func (d *onDisk) outOrNil() []pageRef {
	if d == nil {
		return nil
	}
	return d.out
}

// encodeState encodes the whole of st in a new pack: its header and the
// pack's bytes.
func encodeState(st *state) (header, pack []byte) {
	disk := &onDisk{gen: 1, pack: "state-1.pack"}
	var buf bytes.Buffer
	out := &pagesOut{w: &buf}
	out.texts(st, nil)
	disk.src, disk.out, _ = encodePages(st, nil, out)
	return encodeHeader(st, disk), buf.Bytes()
}

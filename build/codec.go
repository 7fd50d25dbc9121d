package build

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"time"

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
// their two keys and a byte for each other field.
const (
	minSourceLen = 2*len(key{}) + 21
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

func encodeState(buf *bytes.Buffer, st *state) {
	e := &encoder{w: buf}
	e.str(st.Format)
	e.key(st.Global)
	e.str(st.Output)
	e.int(st.Started)
	names := st.order // the order read, when the names are the same
	if !sameNames(names, st.Sources) {
		names = make([]string, 0, len(st.Sources))
		for n := range st.Sources {
			names = append(names, n)
		}
		slices.Sort(names)
	}
	e.int(int64(len(names)))
	for _, n := range names {
		s := st.Sources[n]
		if s.raw != "" {
			e.w.WriteString(s.raw)
			continue
		}
		e.str(n)
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
		e.str(s.Text)
	}
	outs := st.outOrder // sorting 10,000 names was a third of the time
	if !sameKeys(outs, st.Outputs) {
		outs = make([]string, 0, len(st.Outputs))
		for n := range st.Outputs {
			outs = append(outs, n)
		}
		slices.Sort(outs)
	}
	e.int(int64(len(outs)))
	for _, n := range outs {
		o := st.Outputs[n]
		e.str(n)
		e.key(o.Dep)
		e.key(o.Hash)
	}
}

// sameNames reports whether names lists exactly the keys of m.
func sameNames(names []string, m map[string]*sourceState) bool { return sameKeys(names, m) }

// sameKeys reports whether names lists exactly the keys of m.
func sameKeys[V any](names []string, m map[string]V) bool {
	if names == nil || len(names) != len(m) {
		return false
	}
	for _, n := range names {
		if _, ok := m[n]; !ok {
			return false
		}
	}
	return true
}

func decodeState(data []byte, loc *time.Location) (*state, error) {
	// One string of the whole state, from which every decoded string
	// and each entry's raw encoding are sliced: a 10,000-entry state
	// otherwise costs some 90,000 small allocations.
	d := &decoder{b: data, s: string(data)}
	st := &state{size: len(data)}
	st.Format = d.str()
	if d.err != nil || st.Format != cacheFormat {
		return nil, errors.New("cache from another version")
	}
	st.Global = d.key()
	st.Output = d.str()
	st.Started = d.int()
	n := d.count(minSourceLen)
	st.Sources = make(map[string]*sourceState, n)
	st.order = make([]string, 0, n)
	slab := make([]sourceState, n)
	for i := range n {
		if d.err != nil {
			break
		}
		start := len(d.s) - len(d.b)
		name := d.str()
		s := &slab[i]
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
		s.Text = d.str()
		s.raw = d.s[start : len(d.s)-len(d.b)]
		st.Sources[name] = s
		st.order = append(st.order, name)
	}
	n = d.count(minOutputLen)
	st.Outputs = make(map[string]outputState, n)
	st.outOrder = make([]string, 0, n)
	for range n {
		if d.err != nil {
			break
		}
		name := d.str()
		st.Outputs[name] = outputState{Dep: d.key(), Hash: d.key()}
		st.outOrder = append(st.outOrder, name)
	}
	if !slices.IsSorted(st.outOrder) {
		st.outOrder = nil // not what we write; sorted again when saved
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(d.b) != 0 {
		return nil, errCorrupt // trailing bytes: not what we wrote
	}
	return st, nil
}

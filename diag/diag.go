package diag

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Pos is a 1-based position in a site source file. Col counts bytes, as
// go/token does. A zero Line means the whole file; a zero Col means the
// whole line.
type Pos struct {
	File      string // slash-separated, relative to the site root
	Line, Col int
}

// String formats p as file:line:col, dropping the parts that are zero.
// Control characters in the file name are escaped (a newline in a name
// must not start a line of its own in the build's output), as is a
// backslash, so the escaping cannot be forged.
func (p Pos) String() string {
	file := escapeName(p.File)
	switch {
	case p.Line == 0:
		return file
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", file, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", file, p.Line, p.Col)
}

// escapeName returns name with control characters, invalid UTF-8 and
// backslashes written as Go escapes; most names come back unchanged.
func escapeName(name string) string {
	clean := utf8.ValidString(name) && !strings.ContainsFunc(name, func(r rune) bool {
		return r == '\\' || unicode.IsControl(r)
	})
	if clean {
		return name
	}
	q := strconv.Quote(name)
	return q[1 : len(q)-1]
}

// Error is an error located in a source file.
type Error struct {
	Pos Pos
	Err error
}

// Errorf returns an *Error at pos with a formatted message.
func Errorf(pos Pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Err: fmt.Errorf(format, args...)}
}

func (e *Error) Error() string { return e.Pos.String() + ": " + e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// MaxErrors is how many errors a [List] keeps; the rest are counted.
const MaxErrors = 50

// List collects errors up to [MaxErrors]. Its zero value is ready to use.
// It is not safe for concurrent use.
type List struct {
	errs    []error
	dropped int
}

// Add appends err to l; nil is ignored. An error that joins several (as
// errors.Join does) is flattened so each lands on its own line.
func (l *List) Add(err error) {
	if err == nil {
		return
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			l.Add(e)
		}
		return
	}
	if len(l.errs) >= MaxErrors {
		// Keep the first MaxErrors in the order Err prints, whatever the
		// order they come in (parallel work adds them in any order).
		l.dropped++
		last := 0
		for i := range l.errs {
			if compareErrors(l.errs[i], l.errs[last]) > 0 {
				last = i
			}
		}
		if compareErrors(err, l.errs[last]) < 0 {
			l.errs[last] = err
		}
		return
	}
	l.errs = append(l.errs, err)
}

// Len reports how many errors were added, counting dropped ones.
func (l *List) Len() int { return len(l.errs) + l.dropped }

// Err returns the errors sorted by position (positioned ones first), and
// errors at the same place by message, joined with errors.Join, or nil.
// The result does not depend on the order errors were added in.
func (l *List) Err() error {
	if l.Len() == 0 {
		return nil
	}
	errs := slices.Clone(l.errs)
	slices.SortStableFunc(errs, compareErrors)
	if l.dropped > 0 {
		errs = append(errs, fmt.Errorf("and %d more errors", l.dropped))
	}
	return errors.Join(errs...)
}

// compareErrors orders errors as [List.Err] prints them.
func compareErrors(a, b error) int {
	pa, oka := position(a)
	pb, okb := position(b)
	switch {
	case oka && !okb:
		return -1
	case !oka && okb:
		return 1
	}
	if oka {
		if c := cmp.Or(cmp.Compare(pa.File, pb.File), cmp.Compare(pa.Line, pb.Line), cmp.Compare(pa.Col, pb.Col)); c != 0 {
			return c
		}
	}
	return strings.Compare(a.Error(), b.Error())
}

func position(err error) (Pos, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e.Pos, true
	}
	return Pos{}, false
}

// LineCol converts a byte offset in src to a 1-based line and column.
func LineCol(src []byte, off int) (line, col int) {
	off = min(max(off, 0), len(src))
	line = 1
	start := 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' {
			line++
			start = i + 1
		}
	}
	return line, off - start + 1
}

// Lines flattens err into the lines to print: joined errors (as
// errors.Join and [List.Err] make) one per line, each multi-line message
// split, so every file:line:col starts a line.
func Lines(err error) []string {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []string
		for _, e := range j.Unwrap() {
			out = append(out, Lines(e)...)
		}
		return out
	}
	return strings.Split(err.Error(), "\n")
}

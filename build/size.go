package build

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Size is a number of bytes. In _config.yaml it is a whole number of bytes
// or a whole number with a unit: B, KB, MB, GB (or K, M, G, KiB, MiB, GiB),
// all multiples of 1024, in any case, with or without a space: 10MB.
type Size int64

// Units of [Size].
const (
	KB Size = 1 << (10 * (iota + 1))
	MB
	GB
)

var sizeUnits = map[string]Size{
	"": 1, "b": 1,
	"k": KB, "kb": KB, "kib": KB,
	"m": MB, "mb": MB, "mib": MB,
	"g": GB, "gb": GB, "gib": GB,
}

// errSize is what a bad size is told.
var errSize = errors.New("want a size such as 512KB, 10MB or a number of bytes")

// ParseSize reads a size as _config.yaml writes it (see [Size]).
func ParseSize(s string) (Size, error) {
	t := strings.TrimSpace(s)
	i := strings.IndexFunc(t, func(r rune) bool { return r < '0' || r > '9' })
	if i < 0 {
		i = len(t)
	}
	unit, ok := sizeUnits[strings.ToLower(strings.TrimSpace(t[i:]))]
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if !ok || err != nil || i == 0 {
		return 0, fmt.Errorf("%w, not %q", errSize, s)
	}
	if n > int64(1<<62)/int64(unit) {
		return 0, fmt.Errorf("%w, not %q: too big", errSize, s)
	}
	return Size(n) * unit, nil
}

// String writes s in the largest unit that divides it: 10MB, 1536KB, 100B.
func (s Size) String() string {
	for _, u := range []struct {
		name string
		size Size
	}{{"GB", GB}, {"MB", MB}, {"KB", KB}} {
		if s != 0 && s%u.size == 0 {
			return fmt.Sprintf("%d%s", s/u.size, u.name)
		}
	}
	return fmt.Sprintf("%dB", int64(s))
}

// UnmarshalYAML reads a size from its node: a whole number or a string
// with a unit. It implements go-yaml's NodeUnmarshaler.
func (s *Size) UnmarshalYAML(n ast.Node) error {
	for {
		t, ok := n.(*ast.TagNode)
		if !ok {
			break
		}
		n = t.Value
	}
	var text string
	switch v := n.(type) {
	case *ast.IntegerNode:
		text = v.GetToken().Value
	case *ast.StringNode:
		text = v.Value
	default:
		return &configValueError{node: n, err: fmt.Errorf("%w, not %s", errSize, n.String())}
	}
	size, err := ParseSize(text)
	if err != nil {
		return &configValueError{node: n, err: err}
	}
	*s = size
	return nil
}

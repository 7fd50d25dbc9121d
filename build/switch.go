package build

import (
	"errors"
	"fmt"
	"strings"

	"github.com/goccy/go-yaml/ast"
)

// Switch is a setting that is on, off, or decided by the build: "auto".
// The zero value is [SwitchAuto]. In _config.yaml it is true, false or
// auto.
type Switch uint8

// Values of [Switch].
const (
	SwitchAuto Switch = iota
	SwitchOn
	SwitchOff
)

var errSwitch = errors.New("want true, false or auto")

// String is how _config.yaml writes s: "auto", "true" or "false".
func (s Switch) String() string {
	switch s {
	case SwitchOn:
		return "true"
	case SwitchOff:
		return "false"
	}
	return "auto"
}

// Resolve is s with auto replaced by auto.
func (s Switch) Resolve(auto bool) bool {
	if s == SwitchAuto {
		return auto
	}
	return s == SwitchOn
}

// UnmarshalYAML reads a switch from its node: a boolean or the string
// auto. It implements go-yaml's NodeUnmarshaler.
func (s *Switch) UnmarshalYAML(n ast.Node) error {
	for {
		t, ok := n.(*ast.TagNode)
		if !ok {
			break
		}
		n = t.Value
	}
	switch v := n.(type) {
	case *ast.BoolNode:
		*s = SwitchOff
		if v.Value {
			*s = SwitchOn
		}
		return nil
	case *ast.StringNode:
		if strings.EqualFold(strings.TrimSpace(v.Value), "auto") {
			*s = SwitchAuto
			return nil
		}
	}
	return &configValueError{node: n, err: fmt.Errorf("%w, not %s", errSwitch, n.String())}
}

package diag

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/google/go-cmp/cmp"
)

// decodeYAML parses src with ParseYAML and decodes its first document.
func decodeYAML(t *testing.T, src string) (any, error) {
	t.Helper()
	f, err := ParseYAML("f.yaml", 1, []byte(src))
	if err != nil {
		return nil, err
	}
	var v any
	if err := yaml.NodeToValue(f.Docs[0].Body, &v); err != nil {
		t.Fatalf("NodeToValue: %v", err)
	}
	return v, nil
}

func TestParseYAMLResolves(t *testing.T) {
	t.Parallel()
	type m = map[string]any
	type l = []any
	tests := []struct {
		name, src string
		want      any
	}{
		{"scalar", "x: &a hello\ny: *a\n", m{"x": "hello", "y": "hello"}},
		{"in a list", "x: &a hello\ny: [one, *a]\n", m{"x": "hello", "y": l{"one", "hello"}}},
		{"list", "x: &t [go, web]\ny: *t\n", m{"x": l{"go", "web"}, "y": l{"go", "web"}}},
		{"mapping", "x: &m {k: v}\ny: *m\n", m{"x": m{"k": "v"}, "y": m{"k": "v"}}},
		{"nested anchors", "x: &o {i: &i 1}\ny: [*o, *i]\n", m{"x": m{"i": uint64(1)}, "y": l{m{"i": uint64(1)}, uint64(1)}}},
		{"redefined", "x: &a 1\ny: *a\nz: &a 2\nw: *a\n", m{"x": uint64(1), "y": uint64(1), "z": uint64(2), "w": uint64(2)}},
		{"alias as key", "x: &k name\n*k : v\n", m{"x": "name", "name": "v"}},
		{"merge", "base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n", m{"base": m{"a": uint64(1), "b": uint64(2)}, "x": m{"a": uint64(1), "b": uint64(3)}}},
		{"merge after own key", "base: &b {a: 1, b: 2}\nx: {b: 3, <<: *b}\n", m{"base": m{"a": uint64(1), "b": uint64(2)}, "x": m{"a": uint64(1), "b": uint64(3)}}},
		{"merge list", "p: &p {a: 1}\nq: &q {a: 2, b: 2}\nx: {<<: [*p, *q]}\n", m{"p": m{"a": uint64(1)}, "q": m{"a": uint64(2), "b": uint64(2)}, "x": m{"a": uint64(1), "b": uint64(2)}}},
		{"tagged", "x: &a !!str 12\ny: *a\n", m{"x": "12", "y": "12"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeYAML(t, tc.src)
			if err != nil {
				t.Fatalf("ParseYAML(%q): %v", tc.src, err)
			}
			if d := cmp.Diff(tc.want, got); d != "" {
				t.Errorf("ParseYAML(%q) (-want +got):\n%s", tc.src, d)
			}
		})
	}
}

func TestParseYAMLLeavesNoAliases(t *testing.T) {
	t.Parallel()
	f, err := ParseYAML("f.yaml", 0, []byte("a: &a {k: &k v}\nb: *a\nc: [*k, {<<: *a}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	var visit func(n ast.Node)
	visit = func(n ast.Node) {
		switch v := n.(type) {
		case *ast.AnchorNode, *ast.AliasNode, *ast.MergeKeyNode:
			t.Errorf("%T left at %v", n, n.GetToken().Position)
		case *ast.MappingNode:
			for _, mv := range v.Values {
				visit(mv.Key)
				visit(mv.Value)
			}
		case *ast.SequenceNode:
			for _, item := range v.Values {
				visit(item)
			}
		}
	}
	visit(f.Docs[0].Body)
}

// bomb is the billion laughs: each anchor a list of ten aliases of the one
// before, so level n expands to 10^n values.
func bomb(levels int) string {
	var b strings.Builder
	b.WriteString("a0: &a0 lol\n")
	for i := 1; i <= levels; i++ {
		fmt.Fprintf(&b, "a%d: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "*a%d", i-1)
		}
		b.WriteString("]\n")
	}
	return b.String()
}

func TestParseYAMLErrors(t *testing.T) {
	t.Parallel()
	deep := "x: " + strings.Repeat("[", MaxYAMLDepth+1) + strings.Repeat("]", MaxYAMLDepth+1) + "\n"
	deepBlock := "x:\n" + strings.Repeat("- ", MaxYAMLDepth) + "end\n"
	// 60 levels anchored, aliased 50 levels down: only the tree knows.
	deepAlias := "a: &d " + strings.Repeat("[", 60) + strings.Repeat("]", 60) + "\nb: " + strings.Repeat("[", 49) + "*d" + strings.Repeat("]", 49) + "\n"
	tests := []struct {
		name, src, want string
	}{
		{"unknown alias", "x: 1\ny: *a\n", "f.yaml:3:4: alias *a: no anchor &a before it"},
		{"alias before its anchor", "y: *a\nx: &a 1\n", "f.yaml:2:4: alias *a: no anchor &a before it"},
		{"alias in its own anchor", "x: &a [1, *a]\n", "f.yaml:2:11: alias *a is inside its own anchor: a value cannot contain itself"},
		{"merge of a scalar", "x: &a 1\ny: {<<: *a}\n", "f.yaml:3:9: <<: want a mapping, or a list of mappings, to merge"},
		{"bomb", bomb(9), "f.yaml:7:45: more than 100000 values once aliases are expanded"},
		{"deep flow", deep, "f.yaml:2:103: lists and mappings nest deeper than 100 levels"},
		{"deep block", deepBlock, "f.yaml:3:199: lists and mappings nest deeper than 100 levels"},
		{"deep through an alias", deepAlias, "f.yaml:3:53: lists and mappings nest deeper than 100 levels"},
		{"syntax", "x: \"open\n", "f.yaml:2:4: could not find end character of double-quoted text"},
		{"local tag", "pre_build: !0000 0000\n", "f.yaml:2:12: YAML tag !0000: only the standard tags (!!str, !!int, …) are understood"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := ParseYAML("f.yaml", 1, []byte(tc.src))
			if err == nil {
				t.Fatalf("ParseYAML(%.40q) = nil error, want %q", tc.src, tc.want)
			}
			if got := err.Error(); got != tc.want {
				t.Errorf("ParseYAML(%.40q) error:\n got %s\nwant %s", tc.src, got, tc.want)
			}
		})
	}
}

// TestParseYAMLBoundsTime holds that refusing hostile input is fast: a
// bomb of 10^30 values and 256K brackets (which go-yaml's parser
// alone takes minutes over).
func TestParseYAMLBoundsTime(t *testing.T) {
	t.Parallel()
	for name, src := range map[string]string{
		"bomb":     bomb(30),
		"brackets": "x: " + strings.Repeat("[", 1<<18),
		"dashes":   "x:\n" + strings.Repeat("- ", 1<<17),
	} {
		start := time.Now()
		_, err := ParseYAML("f.yaml", 0, []byte(src))
		if err == nil {
			t.Errorf("%s: ParseYAML succeeded, want an error", name)
		}
		if d := time.Since(start); d > 20*time.Second {
			t.Errorf("%s: ParseYAML took %v", name, d)
		}
	}
}

package build

import (
	"regexp/syntax"
	"strings"
	"testing"
)

// TestLeftoverStarts checks the shortcut of leftoverWarning: every
// alternative of leftoverRE starts with one of leftoverStarts, so text
// without them cannot match.
func TestLeftoverStarts(t *testing.T) {
	re, err := syntax.Parse(leftoverRE.String(), syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	if re.Op != syntax.OpAlternate {
		t.Fatalf("leftoverRE is %v, want an alternation", re.Op)
	}
	for _, alt := range re.Sub {
		first := alt
		for first.Op == syntax.OpCapture || first.Op == syntax.OpConcat {
			first = first.Sub[0]
		}
		if first.Op != syntax.OpLiteral || !strings.ContainsRune(leftoverStarts, first.Rune[0]) {
			t.Errorf("alternative %v does not start with a byte of %q", alt, leftoverStarts)
		}
	}
}

package build

import (
	"os"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/goccy/go-yaml/parser"

	"github.com/blog-gen/blog/diag"
)

// TestSampleConfigShowsEveryKey holds the promise that the sample
// _config.yaml (and the one blog init writes) shows every option.
func TestSampleConfigShowsEveryKey(t *testing.T) {
	t.Parallel()
	var want []string
	var walk func(t reflect.Type, prefix string)
	walk = func(typ reflect.Type, prefix string) {
		for name, f := range yamlFields(typ) {
			if f.Type.Kind() == reflect.Struct && f.Type != reflect.TypeFor[time.Time]() {
				walk(f.Type, prefix+name+".")
				continue
			}
			want = append(want, prefix+name)
		}
	}
	walk(reflect.TypeFor[Config](), "")
	slices.Sort(want)
	for _, file := range []string{"../_config.yaml", "../cmd/blog/scaffold/config.yaml"} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseBytes(src, 0)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		positions := map[string]diag.Pos{}
		var errs diag.List
		checkKeys(f.Docs[0].Body, reflect.TypeFor[Config](), "", positions, &errs)
		if err := errs.Err(); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		for _, k := range want {
			if _, ok := positions[k]; !ok {
				t.Errorf("%s does not show %s", file, k)
			}
		}
	}
}

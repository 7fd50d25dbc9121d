package build

import (
	"testing"
	"time"
)

func TestRacy(t *testing.T) {
	const started = int64(1_000_000 * time.Second)
	mark := buildStart{At: started, Mark: started - int64(time.Millisecond), Dev: 7} // the mark is a tick behind the process's clock
	none := buildStart{At: started}
	for _, c := range []struct {
		name    string
		modTime int64
		dev     uint64
		start   buildStart
		want    bool
	}{
		{"before the mark", mark.Mark - 1, 7, mark, false},
		{"a second before the mark", mark.Mark - int64(time.Second), 7, mark, false},
		{"in the mark's tick", mark.Mark, 7, mark, true},
		{"after the mark", mark.Mark + 1, 7, mark, true},
		{"another file system, within the window", mark.Mark - int64(time.Second), 8, mark, true},
		{"another file system, before the window", started - int64(racyWindow) - 1, 8, mark, false},
		{"device not known", mark.Mark - int64(time.Second), 0, mark, true},
		{"no mark, within the window", started - int64(racyWindow), 7, none, true},
		{"no mark, before the window", started - int64(racyWindow) - 1, 7, none, false},
	} {
		s := &source{modTime: c.modTime, dev: c.dev}
		if got := c.start.racy(s); got != c.want {
			t.Errorf("%s: racy = %v, want %v", c.name, got, c.want)
		}
	}
}

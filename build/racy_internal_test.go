package build

import (
	"testing"
	"time"
)

func TestRacy(t *testing.T) {
	const started = int64(1_000_000 * time.Second)
	mark := startMark{Mtime: started - int64(time.Millisecond), Dev: 7} // the mark is a tick behind the process's clock
	for _, c := range []struct {
		name    string
		modTime int64
		dev     uint64
		mark    startMark
		want    bool
	}{
		{"before the mark", mark.Mtime - 1, 7, mark, false},
		{"a second before the mark", mark.Mtime - int64(time.Second), 7, mark, false},
		{"in the mark's tick", mark.Mtime, 7, mark, true},
		{"after the mark", mark.Mtime + 1, 7, mark, true},
		{"another file system, within the window", mark.Mtime - int64(time.Second), 8, mark, true},
		{"another file system, before the window", started - int64(racyWindow) - 1, 8, mark, false},
		{"device not known", mark.Mtime - int64(time.Second), 0, mark, true},
		{"no mark, within the window", started - int64(racyWindow), 7, startMark{}, true},
		{"no mark, before the window", started - int64(racyWindow) - 1, 7, startMark{}, false},
	} {
		s := &source{modTime: c.modTime, dev: c.dev}
		if got := racy(s, started, c.mark); got != c.want {
			t.Errorf("%s: racy = %v, want %v", c.name, got, c.want)
		}
	}
}

package build

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"sync"
)

// programID identifies the running program's code, so a cache written by
// another build of blog is not trusted. A binary built from a clean
// checkout (or installed at a module version) is named by that version or
// VCS revision, with the Go version and build settings: building the same
// commit again keeps the cache. Anything else (a modified tree, no VCS
// information, a test binary) is named by its executable.
var programID = sync.OnceValue(func() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		bi = nil
	}
	return programKey(bi, executableID)
})

// programKey names the program described by bi; exe names it by its
// binary when bi cannot.
func programKey(bi *debug.BuildInfo, exe func() string) string {
	if bi == nil {
		return "exe " + exe()
	}
	var rev string
	modified := true
	var settings []string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value != "false"
		case "vcs.time", "vcs":
		default:
			settings = append(settings, s.Key+"="+s.Value)
		}
	}
	var id string
	switch v := bi.Main.Version; {
	case v != "" && v != "(devel)" && !strings.HasSuffix(v, "+dirty"):
		id = "version " + v
	case rev != "" && !modified:
		id = "vcs " + rev
	default:
		return "exe " + exe()
	}
	return fmt.Sprintf("%s %s %s %q", bi.Main.Path, id, bi.GoVersion, settings)
}

// executableID is the Go build ID, read from the start of the executable,
// which changes with any change to the code; failing that, the
// executable's size and time.
func executableID() string {
	exe, err := os.Executable()
	if err != nil {
		return "unknown"
	}
	f, err := os.Open(exe)
	if err != nil {
		return "unknown"
	}
	defer f.Close()
	head := make([]byte, 64<<10)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	const marker = "\xff Go build ID: \""
	if i := bytes.Index(head, []byte(marker)); i >= 0 {
		rest := head[i+len(marker):]
		if j := bytes.IndexByte(rest, '"'); j > 0 {
			return string(rest[:j])
		}
	}
	fi, err := f.Stat()
	if err != nil {
		return "unknown"
	}
	return fmt.Sprintf("%s %d %d", exe, fi.Size(), fi.ModTime().UnixNano())
}

package main

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progressDelay is how long a build runs before it shows a progress bar:
// short builds print only their summary.
const progressDelay = time.Second

// newProgress returns a build.Options.Progress function that draws a
// progress bar on w once a build has run for progressDelay, and a function
// that clears it. When w is not a terminal both do nothing.
func newProgress(w io.Writer) (progress func(done, total int), finish func()) {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, func() {}
	}
	start := time.Now()
	var bar *progressbar.ProgressBar
	progress = func(done, total int) {
		if bar == nil {
			if time.Since(start) < progressDelay || done == total {
				return
			}
			bar = progressbar.NewOptions(total,
				progressbar.OptionSetWriter(w),
				progressbar.OptionSetDescription("rendering"),
				progressbar.OptionShowCount(),
				progressbar.OptionSetWidth(30),
				progressbar.OptionThrottle(100*time.Millisecond),
				progressbar.OptionClearOnFinish(),
			)
		}
		bar.Set(done)
	}
	finish = func() {
		if bar != nil {
			bar.Finish()
		}
	}
	return progress, finish
}

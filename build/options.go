package build

import (
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"time"

	"github.com/blog-gen/blog"
)

// Options are the parts of a build that are not site configuration. The
// zero value works.
type Options struct {
	// Logger receives progress at Debug and the summary at Info.
	// Default: discard.
	Logger *slog.Logger
	// Theme is the default theme, with templates/ and static/ at its root.
	// Default: [blog.Theme], the theme embedded in the binary.
	Theme fs.FS
	// Now is the clock that decides which posts are in the future.
	// Default: time.Now.
	Now func() time.Time
	// HookOutput receives the output of build hooks, each line prefixed
	// with the hook's name. Default: discard.
	HookOutput io.Writer
	// Full ignores the incremental cache and rebuilds everything.
	Full bool
	// Loaded, when set, is called once the build knows whether it is a
	// full one (full) or an incremental one, with the cache state read
	// and no source yet: blog build tunes the garbage collector with it.
	// A build with nothing to do stops before; so does a failed one.
	Loaded func(full bool)
	// CacheDir is where the incremental cache lives. A build into another
	// output (a deploy's) keeps its own cache, so neither spoils the
	// other's. Default: CacheDir under the site root.
	CacheDir string
	// NoCache neither reads nor writes the cache in CacheDir (for builds
	// into another output, such as a deploy's). It implies Full.
	NoCache bool
	// Progress, when set, is called as outputs are done, with the count
	// done and the total. It is called from one goroutine at a time.
	Progress func(done, total int)

	// Drafts and Future include draft and future-dated posts (the
	// --drafts and --future flags).
	Drafts, Future bool
	// Mode is what the build is for: "build", "serve" or "deploy", given
	// to hooks as BLOG_MODE. Default: "build".
	Mode string
	// Output, when set, is where the site is written instead of
	// build.output: an absolute path, or one relative to the site root.
	Output string
	// NoHooks skips the pre_build and post_build hooks: the dev server's
	// build that keeps the cache of `blog build` warm does, since `blog
	// build` runs them anyway.
	NoHooks bool
	// Assets are files written into the site at their fingerprinted
	// [Asset.Path], whose URLs templates find in .Site.Assets by name.
	// `blog` gives the who's-online widget's script this way. Default:
	// none.
	Assets []Asset
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Theme == nil {
		o.Theme = blog.Theme
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HookOutput == nil {
		o.HookOutput = io.Discard
	}
	if o.Progress == nil {
		o.Progress = func(int, int) {}
	}
	if o.Mode == "" {
		o.Mode = "build"
	}
	return o
}

// Result summarises a build.
type Result struct {
	Posts     int    // posts published
	Pages     int    // standalone pages
	Files     int    // output files the site has
	Written   int    // files whose bytes changed (all of them in a full build)
	Unchanged int    // files rendered again to the same bytes
	Cached    int    // files not rendered: none of their inputs changed
	Removed   int    // files removed because their source is gone
	Resized   int    // image copies made (not taken from the cache)
	Read      int    // sources read: new, or their size or time changed
	Full      bool   // a full build, not an incremental one
	Reason    string // why the build was full, when it was
	Elapsed   time.Duration
	// Warnings are problems that do not stop the build, each a
	// *diag.Error naming the file and line (build.strict makes them
	// errors). Every build reports them, cached outputs or not.
	Warnings []error
}

// String is the one-line summary the command prints.
func (r Result) String() string {
	kind := "incremental"
	if r.Full {
		kind = "full"
	}
	return fmt.Sprintf("%d posts, %d pages: %d files written, %d unchanged, %d from cache, %d removed (%s build) in %s",
		r.Posts, r.Pages, r.Written, r.Unchanged, r.Cached, r.Removed, kind, r.Elapsed.Round(time.Millisecond))
}

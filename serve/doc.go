// Package serve is the development server behind `blog serve`: it builds a
// site, serves its output directory over HTTP, watches the sources, rebuilds
// when they change and tells every open page to reload.
//
// A [Server] is made with [New] from a [build.Config] and runs with
// [Server.Serve] until its context is done:
//
//	cfg, err := build.Load(".")
//	…
//	s, err := serve.New(cfg, serve.Options{Widget: presence})
//	…
//	ln, err := net.Listen("tcp", "127.0.0.1:4000")
//	…
//	fmt.Println("serving", s.URL(ln.Addr()))
//	…
//	err = s.Serve(ctx, ln) // returns nil after ctx is cancelled
//
// # Watching and rebuilding
//
// The server watches _config.yaml and, recursively, the posts, pages,
// templates, static and i18n directories of the site with fsnotify, adding new
// directories as they appear. Dotfiles, editors' swap and backup files and
// the output directory are ignored. Changes are debounced ([Options.Debounce])
// so an editor's save (write to a temporary file, rename over the original,
// change its mode) is one rebuild; changes made while a build runs cause
// exactly one more build after it. A file saved with the same bytes it had
// at the previous build does not rebuild, which also stops a pre_build hook
// that rewrites a watched file from rebuilding forever.
//
// Every rebuild is a build of one [build.Session] with the site's
// configuration, re-read when _config.yaml changes, and the changed paths:
// the session keeps the cache state and the list of sources in memory,
// re-stats only the changed files, and saves the state when the server has
// been idle for a moment and when it stops. The output is the same as
// [build.Run]'s. A failed build leaves the previous
// output in place, so the server keeps serving the last good site.
//
// # Live reload
//
// HTML responses get a script tag for /_blog/livereload.js injected before
// </body>; nothing is written into the output directory. The script listens
// to the Server-Sent Events stream /_blog/events, which sends:
//
//	hello   on connect: the current build and its errors, if any
//	reload  after a good build: the page reloads
//	css     after a good build where only .css files changed: stylesheets
//	        are swapped in place without a reload
//	error   after a failed build: the errors, one file:line:col line each,
//	        shown as an overlay until the next good build
//
// # Serving rules
//
// Files are served from the output directory, opened per request through an
// [os.Root] so that nothing outside it is reachable, whether by "..", by
// encoded slashes (rejected with 400) or by symbolic links. A directory
// serves its index.html and /dir redirects to /dir/. A missing file gets the
// site's 404.html with status 404. Every response carries
// Cache-Control: no-store. The who's-online endpoint ([Options.Widget]) is
// mounted under the configured widget path.
package serve

// Package build turns a site directory into a static site: it reads the
// configuration, runs hooks, discovers posts, pages and static files,
// renders them with package render, and writes the output atomically.
//
// # Configuration
//
// [Load] reads _config.yaml over [DefaultConfig] into a [Config]; unknown
// keys and bad values are [diag.Error]s located at their line and column,
// with a "did you mean" for a misspelt key.
//
// # Building
//
// [Run] builds the site. With a usable cache (see [CacheDir]) the build is
// incremental: sources whose size and time did not change are not read,
// outputs whose inputs did not change are not rendered, and files whose
// bytes did not change are not written. Otherwise it renders everything
// into a temporary directory swapped in at the end. Either way a failed
// build leaves the previous output as it was.
//
//	cfg, err := build.Load(".")
//	if err != nil {
//		return err // one file:line:col error per line
//	}
//	res, err := build.Run(ctx, cfg, build.Options{})
//	fmt.Println(res) // 6 posts, 0 pages: 3 files written, …
//
// A long-running process (the dev server) builds through a [Session]
// instead: told the changed paths, each build re-stats only those and
// starts from the cache state the previous one left in memory, with the
// same output as [Run].
//
// # Images and languages
//
// The local images posts show are found on disk, sized and resized into
// fingerprinted copies under _img/, cached in CacheDir/images (images.go,
// image_copies.go). The theme's labels are the catalogue of site.language
// with the site's i18n/LANG.yaml over it (i18n.go); its bytes are part of
// the global key, so an edit renders every page again.
//
// [diag.Error]: github.com/blog-gen/blog/diag.Error
package build

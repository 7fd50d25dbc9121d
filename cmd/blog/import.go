package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/blog-gen/blog/importer"
)

// errIncomplete is blog import's exit status 1 when something could not
// be converted: the blog is written, and the report says what to fix.
var errIncomplete = errors.New("blog import: some things could not be converted (see the warnings above)")

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", stderr)
	into := fs.Bool("into", false, "add to the existing blog in DIR instead of creating it (never overwrites a file)")
	markdown := fs.Bool("markdown", false, "wordpress: convert the HTML of posts to Markdown")
	download := fs.Bool("download", false, "wordpress: fetch the files posts link to on the old host into static/ and link to the copies")
	downloadDir := fs.String("download-dir", "", "wordpress: keep downloads here between runs, so a second run fetches only what is missing (default EXPORT.xml.files)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `usage: blog import wordpress EXPORT.xml DIR
       blog import jekyll|hugo|blogofile OLD-SITE DIR

Moves a blog made with another tool into a new blog in DIR (which must be
empty or not exist, unless --into): posts, pages and drafts in blog's
formats, the site's settings, the markup the old tool expanded at build
time converted once, and an alias for every URL that changes, so old links
keep working. Every construct that could not be converted is reported as
file:line: message; the exit status is then 1.

Flags:
`)
		fs.PrintDefaults()
	}
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 3 {
		return usagef("blog import: want an origin (wordpress, jekyll, hugo, blogofile), a source and a directory, got %d arguments", len(rest))
	}
	imports := map[string]func(context.Context, string, string, importer.Options) (*importer.Report, error){
		"wordpress": importer.WordPress, "jekyll": importer.Jekyll, "hugo": importer.Hugo, "blogofile": importer.Blogofile,
	}
	imp, ok := imports[rest[0]]
	if !ok {
		return usagef("blog import: unknown origin %q: want wordpress, jekyll, hugo or blogofile", rest[0])
	}
	rep, err := imp(ctx, rest[1], rest[2], importer.Options{Into: *into, Markdown: *markdown, Download: *download, DownloadDir: *downloadDir})
	if err != nil {
		return err
	}
	for _, w := range rep.Warnings {
		fmt.Fprintln(stderr, w)
	}
	for _, n := range rep.Notes {
		fmt.Fprintln(stdout, n)
	}
	fmt.Fprintf(stdout, "%s into %s\n", rep, rest[2])
	if !rep.Complete() {
		return errIncomplete
	}
	return nil
}

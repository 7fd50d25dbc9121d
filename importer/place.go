package importer

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/diag"
)

// newConfig is the configuration the new blog is built with: the one the
// import writes, or with --into the blog's own. It is parsed by the build's
// own parser, so a setting the import maps badly fails here, not at the
// writer's first build.
func (s *site) newConfig(dst string, opts Options) (build.Config, error) {
	if opts.Into {
		cfg, err := build.Load(dst)
		if err != nil {
			return cfg, fmt.Errorf("--into %s: %w", dst, err)
		}
		return cfg, nil
	}
	cfg := build.DefaultConfig()
	cfg.Root = dst
	if err := build.Parse(s.cfg.yaml(), &cfg); err != nil {
		return cfg, fmt.Errorf("the imported configuration: %w", err)
	}
	return cfg, nil
}

// place gives every doc its file in the new blog and the URL the build
// will publish it at, computed by the build itself ([build.SourceURL])
// from the front matter the import writes, so that an alias is written
// exactly when an old URL differs from the new one.
func (s *site) place(dst string, opts Options) error {
	cfg, err := s.newConfig(dst, opts)
	if err != nil {
		return err
	}
	s.build, s.dst, s.into = cfg, dst, opts.Into
	s.sortDocs()
	taken := map[string]bool{}
	for _, d := range s.docs {
		dir := cfg.Build.Posts
		if d.page {
			dir = cfg.Build.Pages
		}
		name := path.Join(dir, d.stem+d.ext)
		for n := 2; taken[name] || opts.Into && exists(filepath.Join(dst, filepath.FromSlash(name))); n++ {
			name = path.Join(dir, fmt.Sprintf("%s-%d%s", d.stem, n, d.ext))
		}
		taken[name] = true
		d.name = name
		fm, err := d.frontMatter()
		if err != nil {
			return fmt.Errorf("%s: front matter: %w", d.src, err)
		}
		u, err := build.SourceURL(cfg, name, []byte("---\n"+string(fm)+"---\n"), d.page)
		if err != nil {
			// The old front matter carried something the build refuses
			// (an unsafe slug or permalink): the writer must fix it.
			s.report.Warnings = append(s.report.Warnings, fmt.Errorf("%s: as %s: %w", d.src, name, err))
			continue
		}
		d.url = u
	}
	s.docs = slices.DeleteFunc(s.docs, s.generated)
	return nil
}

// generatedDirs are the list pages the build makes, which an old page of
// the same URL (a Jekyll tags.html, an archive page) was the old tool's
// version of.
var generatedDirs = []string{"/", "/tags/", "/categories/", "/archive/"}

// generated reports whether d is a page whose URL is one the build
// generates: the new site has its own, so d is dropped, with a note, and
// its old URL leads to ours.
func (s *site) generated(d *doc) bool {
	if !d.page || !slices.Contains(generatedDirs, d.url) {
		return false
	}
	s.report.Notes = append(s.report.Notes, fmt.Sprintf("%s: not imported: the new site makes its own %s", d.src, d.url))
	if d.oldURL != "" {
		s.redirect(aliasPath(d.oldURL), d.url, "")
	}
	return true
}

func exists(name string) bool {
	_, err := os.Lstat(name)
	return !errors.Is(err, fs.ErrNotExist)
}

// settleAliases makes each doc's aliases its old URLs that differ from
// its new one: the old URL itself, and the old tool's own aliases. An
// alias that is another doc's URL, an earlier doc's alias, or the home
// page is dropped with a warning, since the build would refuse it.
// It returns every URL and alias, with the doc that has it.
func (s *site) settleAliases() map[string]string {
	used := map[string]string{} // URL or alias → the doc that has it
	for _, d := range s.docs {
		if d.url != "" {
			used[d.url] = d.src
		}
	}
	for _, d := range s.docs {
		if d.url == "" {
			continue
		}
		olds := d.aliases
		if d.oldURL != "" {
			olds = append([]string{d.oldURL}, olds...)
		}
		d.aliases = nil
		for _, a := range olds {
			a = aliasPath(a)
			switch owner, ok := used[a]; {
			case a == d.url || a == "" || ok && owner == d.src:
			case a == "/":
				s.warn(diag.Pos{File: d.src}, "was the old home page: not redirected (the new home page lists the posts)")
			case ok:
				s.warn(diag.Pos{File: d.src}, "old URL %s is %s's now: not redirected", a, owner)
			default:
				used[a] = d.src
				d.aliases = append(d.aliases, a)
			}
		}
	}
	return used
}

// aliasPath is an old URL as an alias: a path from the site's root.
func aliasPath(a string) string {
	a = strings.TrimSpace(a)
	if a == "" {
		return ""
	}
	if strings.Contains(a, "://") {
		a = urlPath(a)
	}
	if !strings.HasPrefix(a, "/") {
		a = "/" + a
	}
	return a
}

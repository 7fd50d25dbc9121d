package build

import (
	"errors"

	"github.com/blog-gen/blog/diag"
)

// SourceURL returns the URL path, from the output root with a leading
// slash, that a build with cfg gives the post (or, when page, the
// standalone page) whose file is rel, a slash path from cfg.Root, and
// whose bytes are data: its front matter read by the format rel's name
// ends in (YAML, TOML or JSON front matter, a reST field list), its date
// and slug derived and build.permalink expanded exactly as a build does.
// Only the front matter of data is read; no body is rendered. blog import
// uses it to write an alias exactly when an old URL differs from the new
// one. A name in no format the site reads is an error.
func SourceURL(cfg Config, rel string, data []byte, page bool) (string, error) {
	b := &builder{cfg: cfg, loc: cfg.Location()}
	b.formats = b.bodyFormats()
	f := b.formatOf(rel)
	if f == nil {
		return "", &diag.Error{Pos: diag.Pos{File: rel}, Err: errors.New("not a post or page: the site reads no file of this name ending")}
	}
	fm, _, _, err := f.readFrontMatter(rel, data, b.loc)
	if err == nil {
		err = b.checkURLs(rel, &fm)
	}
	if err != nil {
		return "", err
	}
	it := &item{rel: rel, isPage: page, src: &sourceState{FM: fm}}
	if err := b.derive(it); err != nil {
		return "", err
	}
	_, u := b.postURL(it)
	return u, nil
}

package build

import "github.com/blog-gen/blog/render"

// SourceURL returns the URL path, from the output root with a leading
// slash, that a build with cfg gives the post (or, when page, the
// standalone page) whose file is rel, a slash path from cfg.Root, and
// whose bytes are data: its front matter parsed, its date and slug
// derived and build.permalink expanded exactly as a build does. Only the
// front matter of data is read. blog import uses it to write an alias
// exactly when an old URL differs from the new one.
func SourceURL(cfg Config, rel string, data []byte, page bool) (string, error) {
	b := &builder{cfg: cfg, loc: cfg.Location()}
	fmSrc, _, _, err := render.SplitFrontMatter(rel, data)
	if err != nil {
		return "", err
	}
	fm, err := render.ParseFrontMatter(rel, fmSrc, b.loc)
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

package build

import (
	"path/filepath"
	"strings"
	"time"

	"github.com/blog-gen/blog/render"
)

// PostURL returns the site-relative URL (under site.url's path) that a
// post at the file name (relative to the site root) gets from
// build.permalink, given its date and slug and no permalink or categories
// of its own: what `blog new` prints.
func (c *Config) PostURL(name string, date time.Time, slug string) string {
	b := &builder{cfg: *c}
	it := &item{rel: filepath.ToSlash(name), fm: render.FrontMatter{Date: date, Slug: slug}, src: &sourceState{}}
	_, rel := b.postURL(it)
	return basePath(c.Site.URL) + strings.TrimPrefix(rel, "/")
}

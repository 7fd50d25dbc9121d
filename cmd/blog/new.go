package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/blog-gen/blog/render"
)

func cmdNew(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fset := newFlagSet("new", stderr)
	draft := fset.Bool("draft", true, "mark the post as a draft (--draft=false to publish on the next build)")
	tags := fset.String("tags", "", "comma-separated tags, such as go,web")
	fset.Usage = func() {
		fmt.Fprint(stderr, `usage: blog new [--draft=false] [--tags a,b] "Title" [site directory]

Creates posts/YYYY-MM-DD-slug.md (today in the site's time zone) with
front matter for the title, date, tags and draft, and prints its path.
An existing file is never overwritten.

Flags:
`)
		fset.PrintDefaults()
	}
	rest, err := parseFlags(fset, args)
	if err != nil {
		return err
	}
	if len(rest) == 0 || len(rest) > 2 {
		return usagef("blog new: want a title and at most one site directory, got %d arguments", len(rest))
	}
	title := strings.TrimSpace(rest[0])
	root, err := siteRoot(rest[1:], "new")
	if err != nil {
		return err
	}
	slug := render.Slugify(title)
	if slug == "" {
		return usagef("blog new: title %q has no letters or digits to make a file name from", rest[0])
	}
	var f siteFlags
	cfg, err := f.loadSite(root)
	if err != nil {
		return err
	}
	now := time.Now().In(cfg.Location())
	name := filepath.Join(root, cfg.Build.Posts, now.Format("2006-01-02")+"-"+slug+".md")
	if err := writeNew(name, []byte(newPost(title, now, splitTags(*tags), *draft))); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("blog new: %s already exists: choose another title, or edit it", name)
		}
		return err
	}
	fmt.Fprintln(stdout, name)
	// stdout is the path alone, for scripts; where to see it goes to
	// stderr.
	rel, err := filepath.Rel(root, name)
	if err != nil {
		rel = name
	}
	page := cfg.PostURL(rel, now, slug)
	if home := servingURL(root); home != "" {
		fmt.Fprintf(stderr, "blog new: blog serve shows it at %s\n", pageURL(home, cfg.Site.URL, page))
	} else {
		fmt.Fprintf(stderr, "blog new: blog serve will show it at %s\n", pageURL("http://127.0.0.1:4000/", cfg.Site.URL, page))
	}
	if *draft {
		fmt.Fprintln(stderr, "blog new: a draft: blog build leaves it out; set draft: false in its front matter to publish it")
	}
	return nil
}

// pageURL is the address of the site-relative URL page on the server
// whose home page is home; both are under site.url's path.
func pageURL(home, siteURL, page string) string {
	base := "/"
	if u, err := url.Parse(siteURL); err == nil && strings.Trim(u.Path, "/") != "" {
		base = "/" + strings.Trim(u.Path, "/") + "/"
	}
	return strings.TrimSuffix(home, base) + page
}

// newPost returns the source of a new post: front matter and an empty
// body. Strings are YAML double-quoted; Go's quoting escapes are a subset
// of YAML's.
func newPost(title string, date time.Time, tags []string, draft bool) string {
	quoted := make([]string, len(tags))
	for i, t := range tags {
		quoted[i] = strconv.Quote(t)
	}
	return fmt.Sprintf("---\ntitle: %s\ndate: %s\ntags: [%s]\ndraft: %t\n---\n\n",
		strconv.Quote(title), date.Format("2006-01-02 15:04:05 -0700"), strings.Join(quoted, ", "), draft)
}

func splitTags(s string) []string {
	var out []string
	for t := range strings.SplitSeq(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

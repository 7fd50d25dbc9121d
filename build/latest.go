package build

import (
	"encoding/json"
	"time"

	"github.com/blog-gen/blog/render"
)

// latest: /latest.json, the newest published post (its site-relative URL,
// title and date), which widget.js polls to tell a reader who has a page
// open that a new post went up. It is written when the widget is enabled,
// and keyed to the site-wide facts (every post's front matter and URL),
// as every page showing the newest post is. A site's own latest.json (a
// static file, planned before) wins.
type latest struct{}

// latestPost is the content of latest.json. Pages carry the same post in
// the new-post partial, so widget.js can tell when latest.json names a
// newer one.
type latestPost struct {
	URL   string `json:"url"`
	Title string `json:"title"`
	Date  string `json:"date"` // RFC 3339
}

func (latest) plan(p *planner) ([]*output, error) {
	if !p.b.cfg.Widget.Enabled {
		return nil, nil
	}
	for _, o := range p.outs {
		if o.path == "latest.json" {
			return nil, nil
		}
	}
	return []*output{{path: "latest.json", dep: p.listKey("latest.json", nil, false), from: origin{what: "latest.json"}, render: func() ([]byte, error) {
		var l latestPost
		if post := newestPublished(p.site.Posts); post != nil {
			l = latestPost{URL: post.URL, Title: post.Title, Date: post.Date.Format(time.RFC3339)}
		}
		out, err := json.Marshal(l)
		return append(out, '\n'), err
	}}}, nil
}

// newestPublished returns the first post of posts (newest first) that is
// not a draft: the dev server lists drafts, readers never see them.
func newestPublished(posts []*render.Post) *render.Post {
	for _, post := range posts {
		if !post.Draft {
			return post
		}
	}
	return nil
}

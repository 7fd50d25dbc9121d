package render

import (
	"net/url"

	"github.com/yuin/goldmark/ast"
)

// firstImage is the destination of the first image in doc, "" if none.
func firstImage(doc ast.Node) string {
	var dest string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if img, ok := n.(*ast.Image); ok && entering {
			dest = string(img.Destination)
			return ast.WalkStop, nil
		}
		return ast.WalkContinue, nil
	})
	return dest
}

// ShareImage is the absolute URL of the image that shares a post (og:image):
// the front matter's image, else the body's first image, resolved against
// the post's permalink. It is "" when there is none or it is not an http(s)
// URL.
func ShareImage(permalink string, params map[string]any, bodyImage string) string {
	ref, _ := params["image"].(string)
	if ref == "" {
		ref = bodyImage
	}
	if ref == "" || len(ref) > 2048 {
		return ""
	}
	base, err := url.Parse(permalink)
	if err != nil {
		return ""
	}
	u, err := base.Parse(ref)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

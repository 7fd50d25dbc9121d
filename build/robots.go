package build

import "strings"

// robots: robots.txt, which lets every crawler in and names the sitemap by
// its absolute URL (crawlers read it only at the root of a host). It is
// keyed to the site-wide facts, which hold the URL and what is enabled.
// A robots.txt of the site's own (a static file, planned before) wins.
type robots struct{}

func (robots) plan(p *planner) ([]*output, error) {
	if !p.b.cfg.Enabled("robots") {
		return nil, nil
	}
	for _, o := range p.outs {
		if o.path == "robots.txt" {
			return nil, nil
		}
	}
	return []*output{{path: "robots.txt", dep: p.listKey("robots", nil, false), from: origin{what: "robots.txt"}, render: func() ([]byte, error) {
		var b strings.Builder
		b.WriteString("User-agent: *\nAllow: /\n")
		if p.b.cfg.Enabled("sitemap") {
			b.WriteString("\nSitemap: " + p.b.absURL(p.site.BasePath+"sitemap.xml") + "\n")
		}
		return []byte(b.String()), nil
	}}}, nil
}

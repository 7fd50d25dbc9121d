package build

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// Asset is a file the program gives the build to write into every site,
// beside the theme's static files: `blog` gives it the who's-online
// widget's script, which the build cannot import. Its bytes are part of
// its output's key, and its URL is part of every page's, so incremental
// builds stay equal to full ones.
type Asset struct {
	// Name is the slash path of the asset in the site, such as
	// js/whos-online.js: a valid [fs.ValidPath] with an extension.
	Name string
	// Data is the asset's content.
	Data []byte
}

// Path is where the asset is written: Name with the first 12 hex digits
// of the SHA-256 of Data before its extension (js/whos-online.3f2a9c1d4e5b.js).
// A new content is a new URL, so the file can be cached for ever.
func (a Asset) Path() string {
	sum := sha256.Sum256(a.Data)
	ext := path.Ext(a.Name)
	return strings.TrimSuffix(a.Name, ext) + "." + hex.EncodeToString(sum[:fingerprintLen/2]) + ext
}

const fingerprintLen = 12

// checkAssets refuses names a site could not serve.
func checkAssets(assets []Asset) error {
	seen := make(map[string]bool, len(assets))
	for _, a := range assets {
		if !fs.ValidPath(a.Name) || a.Name == "." || path.Ext(a.Name) == "" || seen[a.Name] {
			return fmt.Errorf("asset %q: want a unique slash path with an extension, such as js/x.js", a.Name)
		}
		seen[a.Name] = true
	}
	return nil
}

// assetURLs maps each asset's name to its URL under base.
func assetURLs(base string, assets []Asset) map[string]string {
	urls := make(map[string]string, len(assets))
	for _, a := range assets {
		urls[a.Name] = base + a.Path()
	}
	return urls
}

// assetFiles: the program's assets, at their fingerprinted paths.
type assetFiles struct{}

func (assetFiles) plan(p *planner) ([]*output, error) {
	var outs []*output
	for _, a := range p.b.opts.Assets {
		data, sum := a.Data, sha256.Sum256(a.Data)
		outs = append(outs, &output{
			path:   a.Path(),
			dep:    newHasher("asset", a.Name, string(sum[:])).key(p.b.global).sum(),
			from:   origin{what: "the asset " + a.Name},
			render: func() ([]byte, error) { return data, nil },
		})
	}
	return outs, nil
}

// widgetOn resolves widget.enabled: auto renders the widget when an
// endpoint is configured or `blog serve` serves the site.
func (b *builder) widgetOn() bool {
	w := b.cfg.Widget
	return w.Enabled.Resolve(w.Endpoint != "" || b.opts.Mode == "serve")
}

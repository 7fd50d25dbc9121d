package build

import (
	"errors"
	"fmt"
	"image"
	_ "image/gif" // decodes GIF sizes
	"maps"
	"net/url"
	"os"
	"path"
	"slices"
	"strings"
	"sync"

	_ "golang.org/x/image/webp" // decodes WebP sizes

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
)

// Local images
//
// Scanning a changed post lists the images its body shows (with their
// positions, kept in its source state). Before the plan, every listed
// image is found on disk: beside the post (a path relative to the post's
// file), else in the site's static directory (a root-relative path, or a
// relative one resolved against the post's URL). A local image that is
// not there is an error at the image; one without alt text is a warning.
// Each found file is hashed (unless its size and time say it is the one
// the last build hashed), its size read from its header, and PNG and JPEG
// files get copies at the configured widths below their own: one output
// each, at a path fingerprinted by their content (_img/NAME-HASH-480w.png),
// so two posts showing one file share its copies and a changed file gets
// new URLs. A post's page is keyed to what it shows of its images, so an
// edited image renders again the pages that show it.

// imagesDir is the output directory of the resized copies.
const imagesDir = "_img"

// imageFile is one local image file some post shows.
type imageFile struct {
	rel, abs      string // site-relative slash path; file path
	hash          key
	width, height int
	format        string // "png", "jpeg", "gif", "webp"; "" when not decodable
	copies        []imageCopy
	info          render.ImageInfo // what pages show of it

	decode sync.Once // the decoded image, shared by its copies
	img    image.Image
	err    error
}

// imageCopy is one resized copy of an image file.
type imageCopy struct {
	width    int    // -1 for an image that is not resized
	original bool   // the image's own bytes
	out      string // output path
	dep      key
}

// images is what a build knows of the local images its posts show.
type images struct {
	files map[string]*imageFile            // by rel
	refs  map[string]map[string]*imageFile // post rel → dest as written → file; nil file: not local
	keys  map[string]key                   // post rel → digest of what it shows of its images
}

// ResolveImage implements render.ImageResolver.
func (m *images) ResolveImage(file, dest string) (render.ImageInfo, bool) {
	f := m.refs[file][dest]
	if f == nil || f.width == 0 && f.info.Src == "" {
		return render.ImageInfo{}, false
	}
	return f.info, true
}

// localImagePath is the path part of dest when dest names a file of this
// site: not a URL with a scheme or host, not a fragment or a data URL.
// Query and fragment are dropped, escapes decoded.
func localImagePath(dest string) (string, bool) {
	if dest == "" || strings.HasPrefix(dest, "//") || strings.HasPrefix(dest, "#") {
		return "", false
	}
	u, err := url.Parse(dest)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path == "" {
		return "", false
	}
	return u.Path, true
}

// candidates are the site files dest (in the post or page at rel, whose
// URL is pageURL) may be, in the order they are tried.
func (b *builder) imageCandidates(rel, pageURL, p string) []string {
	static := path.Clean(b.cfg.Build.Static)
	if strings.HasPrefix(p, "/") {
		p = "/" + strings.TrimPrefix(p, b.site.BasePath) // a path already under the site's base path
		return []string{path.Join(static, p)}
	}
	dir := path.Dir("/" + strings.TrimPrefix(pageURL, b.site.BasePath) + "x") // the page's directory, from the site's root
	return []string{path.Join(path.Dir(rel), p), path.Join(static, dir, p)}
}

// findImages resolves the images of every published post and page,
// reporting those whose file is missing, and prepares their copies.
func (b *builder) findImages() error {
	m := b.images
	m.files, m.refs, m.keys = map[string]*imageFile{}, map[string]map[string]*imageFile{}, map[string]key{}
	var errs diag.List
	for _, it := range b.all() {
		for _, ref := range it.src.Images {
			if _, seen := m.refs[it.rel][ref.Dest]; seen {
				continue
			}
			f, err := b.findImage(it, ref)
			errs.Add(err)
			if m.refs[it.rel] == nil {
				m.refs[it.rel] = map[string]*imageFile{}
			}
			m.refs[it.rel][ref.Dest] = f
		}
	}
	if errs.Len() > 0 {
		return errs.Err()
	}
	b.prepareImages()
	for rel, refs := range m.refs {
		h := newHasher("images")
		for _, dest := range slices.Sorted(maps.Keys(refs)) {
			h.str(dest)
			if f := refs[dest]; f != nil {
				h.str(fmt.Sprintf("%+v", f.info))
			}
		}
		m.keys[rel] = h.sum()
	}
	return nil
}

// findImage finds the file of one image reference: nil when it is not a
// local image.
func (b *builder) findImage(it *item, ref render.ImageRef) (*imageFile, error) {
	p, ok := localImagePath(ref.Dest)
	if !ok {
		return nil, nil
	}
	pos := diag.Pos{File: it.rel, Line: ref.Line, Col: ref.Col}
	var tried []string
	for _, c := range b.imageCandidates(it.rel, it.full.URL, p) {
		if !b.imageDir(c) {
			continue // outside what the build watches: an edit would go unseen
		}
		if f := b.images.files[c]; f != nil {
			return f, nil
		}
		tried = append(tried, c)
		f, err := b.statImage(c)
		if err != nil {
			return nil, &diag.Error{Pos: pos, Err: err}
		}
		if f != nil {
			b.images.files[c] = f
			return f, nil
		}
	}
	if len(tried) == 0 {
		return nil, &diag.Error{Pos: pos, Err: fmt.Errorf("image %q is outside the posts, pages and static directories", ref.Dest)}
	}
	return nil, &diag.Error{Pos: pos, Err: fmt.Errorf("image %q not found: no file %s", ref.Dest, strings.Join(tried, " or "))}
}

// imageDir reports whether the site path rel is in a directory whose
// images the build watches: posts, pages, static.
func (b *builder) imageDir(rel string) bool {
	for _, d := range []string{b.cfg.Build.Posts, b.cfg.Build.Pages, b.cfg.Build.Static} {
		if d = path.Clean(d); d != "." && strings.HasPrefix(rel, d+"/") {
			return true
		}
	}
	return false
}

// statImage returns the image file at the site path rel, nil if there is
// no regular file there. Its hash is the last build's when its size and
// time are.
func (b *builder) statImage(rel string) (*imageFile, error) {
	abs := b.cfg.path(rel)
	fi, err := os.Stat(abs)
	if errors.Is(err, os.ErrNotExist) || err == nil && !fi.Mode().IsRegular() {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	src := source{rel: rel, abs: abs, size: fi.Size(), modTime: fi.ModTime().UnixNano()}
	st := b.reuse(src)
	if st == nil {
		b.reads.Add(1)
		data, err := os.ReadFile(abs)
		if err != nil {
			return nil, err
		}
		st = &sourceState{Size: src.size, ModTime: src.modTime, Hash: hashBytes(data)}
	}
	if b.next.Sources[rel] == nil {
		b.next.Sources[rel] = st
	}
	f := &imageFile{rel: rel, abs: abs, hash: st.Hash}
	if r, err := os.Open(abs); err == nil {
		cfg, format, err := image.DecodeConfig(r)
		r.Close()
		if err == nil && cfg.Width > 0 && cfg.Height > 0 {
			f.width, f.height, f.format = cfg.Width, cfg.Height, format
		}
	}
	return f, nil
}

// imageExts are the extensions of the image files beside posts and pages
// the build watches: a change to one of them is a change to the site.
var imageExts = []string{".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg"}

// discoverImages lists the image files in the posts and pages
// directories, so that an edit to one makes the build look again.
func (b *builder) discoverImages() {
	b.srcImages = nil
	for _, s := range b.srcStrays { // bundle assets and the files that are not posts
		if slices.Contains(imageExts, strings.ToLower(path.Ext(s.rel))) {
			b.srcImages = append(b.srcImages, s)
		}
	}
}

// altWarnings are the warnings about images of it without alt text.
func altWarnings(refs []render.ImageRef) []warning {
	var ws []warning
	for _, r := range refs {
		if !r.Alt {
			ws = append(ws, warning{Line: r.Line, Msg: fmt.Sprintf("image %q has no alt text: describe it for readers who cannot see it (![what it shows](%s)), or mark a decorative one with alt=\"\" in HTML", r.Dest, r.Dest)})
		}
	}
	return ws
}

package build

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/image/draw"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/render"
)

// prepareImages gives each found image its copies (the configured widths
// below its own, then the image itself, for PNG and JPEG files that are
// wider than the narrowest width) and what pages show of it. An image
// beside a post rather than in the static directory is published as a
// copy of its own bytes, which its pages show.
func (b *builder) prepareImages() {
	cfg := b.cfg.Images
	static := path.Clean(b.cfg.Build.Static) + "/"
	for _, f := range b.images.files {
		f.info = render.ImageInfo{Width: f.width, Height: f.height}
		name := render.Slugify(strings.TrimSuffix(path.Base(f.rel), path.Ext(f.rel)))
		if name == "" {
			name = "image"
		}
		fp := hex.EncodeToString(f.hash[:6])
		add := func(w int, out string) {
			c := imageCopy{width: w, out: out, original: w == f.width}
			c.dep = newHasher("image copy", f.format, fmt.Sprint(w, cfg.Quality)).key(f.hash).sum()
			f.copies = append(f.copies, c)
			if w > 0 {
				f.info.Srcset = append(f.info.Srcset, render.ImageSource{URL: b.site.BasePath + out, Width: w})
			}
		}
		if ext, ok := map[string]string{"png": ".png", "jpeg": ".jpg"}[f.format]; ok {
			copyPath := func(w int) string { return fmt.Sprintf("%s/%s-%s-%dw%s", imagesDir, name, fp, w, ext) }
			for _, w := range cfg.Widths { // sorted by validate
				if w < f.width { // never wider than the image
					add(w, copyPath(w))
				}
			}
			if len(f.copies) > 0 { // the image itself, for the widest screens; alone it needs no srcset
				add(f.width, copyPath(f.width))
			}
		}
		if len(f.info.Srcset) > 0 {
			f.info.Sizes = cfg.Sizes
		}
		if !strings.HasPrefix(f.rel, static) {
			if len(f.copies) == 0 {
				add(-1, fmt.Sprintf("%s/%s-%s%s", imagesDir, name, fp, strings.ToLower(path.Ext(f.rel))))
				f.copies[0].original = true
			}
			f.info.Src = b.site.BasePath + f.copies[len(f.copies)-1].out
		}
	}
}

// imageCopies: the resized copies of the posts' local images, each keyed
// to the image's bytes, its width and the quality.
type imageCopies struct{}

func (imageCopies) plan(p *planner) ([]*output, error) {
	b := p.b
	var outs []*output
	for _, rel := range slices.Sorted(maps.Keys(b.images.files)) {
		f := b.images.files[rel]
		for _, c := range f.copies {
			outs = append(outs, &output{path: c.out, dep: c.dep, from: origin{what: "a copy of the image " + f.rel, pos: diag.Pos{File: f.rel}, rank: byBuild}, render: func() ([]byte, error) {
				return b.imageCopy(f, c)
			}})
		}
	}
	return outs, nil
}

// imageCopy returns the bytes of one copy: the image itself at its own
// width, else a resized copy from the cache, else one resized now (and
// put in the cache).
func (b *builder) imageCopy(f *imageFile, c imageCopy) ([]byte, error) {
	if c.original {
		data, err := os.ReadFile(f.abs)
		if err == nil && hashBytes(data) != f.hash {
			err = fmt.Errorf("%s changed during the build: build again", f.rel)
		}
		return data, err
	}
	cached := filepath.Join(b.cacheDir, "images", hex.EncodeToString(c.dep[:]))
	if !b.opts.NoCache {
		if data, err := os.ReadFile(cached); err == nil {
			return data, nil
		}
	}
	f.decode.Do(func() { f.img, f.err = decodeImage(f.abs, f.hash) })
	if f.err != nil {
		return nil, &diag.Error{Pos: diag.Pos{File: f.rel}, Err: f.err}
	}
	data, err := resizeImage(f.img, f.format, c.width, f.height*c.width/f.width, b.cfg.Images.Quality)
	if err != nil {
		return nil, &diag.Error{Pos: diag.Pos{File: f.rel}, Err: err}
	}
	b.resized.Add(1)
	if !b.opts.NoCache {
		if err := os.MkdirAll(filepath.Dir(cached), 0o755); err == nil {
			writeCacheFile(cached, data) // a copy not cached is made again next time
		}
	}
	return data, nil
}

// decodeImage decodes the image file at abs, which must have the hash h.
func decodeImage(abs string, h key) (image.Image, error) {
	data, err := os.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	if hashBytes(data) != h {
		return nil, fmt.Errorf("changed during the build: build again")
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("decode image: %w", err)
	}
	return img, nil
}

// resizeImage scales img to w×h with Catmull-Rom (sharp, without the
// ringing of Lanczos) and encodes it as format.
func resizeImage(img image.Image, format string, w, h, quality int) ([]byte, error) {
	// An RGBA destination takes draw's fast paths for the usual sources
	// (RGBA, NRGBA, YCbCr, Gray); any other is many times slower.
	dst := image.NewRGBA(image.Rect(0, 0, w, max(h, 1)))
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, img.Bounds(), draw.Src, nil)
	var buf bytes.Buffer
	var err error
	if format == "jpeg" {
		err = jpeg.Encode(&buf, dst, &jpeg.Options{Quality: quality})
	} else {
		err = (&png.Encoder{CompressionLevel: png.DefaultCompression}).Encode(&buf, dst)
	}
	return buf.Bytes(), err
}

// pruneImageCache removes the cached copies this build's images no longer
// have (an image edited or gone), so the cache does not grow with every
// edit. A copy removed by mistake is only resized again.
func (b *builder) pruneImageCache() {
	dir := filepath.Join(b.cacheDir, "images")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	keep := map[string]bool{}
	for _, f := range b.images.files {
		for _, c := range f.copies {
			keep[hex.EncodeToString(c.dep[:])] = true
		}
	}
	for _, e := range entries {
		if !keep[e.Name()] {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

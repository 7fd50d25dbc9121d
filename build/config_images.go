package build

import "slices"

// ImagesConfig sets what the build does with the local images of posts:
// their size goes into the page, and PNG and JPEG files get smaller copies
// for a srcset.
type ImagesConfig struct {
	// Widths are the widths in pixels of the smaller copies made of each
	// PNG and JPEG image wider than them (never wider than the image);
	// [] makes none. Default [480, 960, 1440].
	Widths []int `yaml:"widths"`
	// Quality is the JPEG quality of the copies, 1 to 100. Default 85.
	Quality int `yaml:"quality"`
	// Sizes is the sizes attribute that goes with a srcset: how wide the
	// image is shown. Default "(max-width: 42rem) 100vw, 42rem", the
	// theme's column.
	Sizes string `yaml:"sizes"`
}

func defaultImages() ImagesConfig {
	return ImagesConfig{Widths: []int{480, 960, 1440}, Quality: 85, Sizes: "(max-width: 42rem) 100vw, 42rem"}
}

// maxImageWidth bounds images.widths: no screen needs a wider copy, and a
// typo of an extra digit should not make the build allocate gigabytes.
const maxImageWidth = 8192

func (c *Config) validateImages(ck *checker) {
	for _, w := range c.Images.Widths {
		if w < 16 || w > maxImageWidth {
			ck.badf("images.widths", "want widths from 16 to %d pixels, not %d", maxImageWidth, w)
			return
		}
	}
	if len(c.Images.Widths) > 16 {
		ck.badf("images.widths", "want at most 16 widths, not %d", len(c.Images.Widths))
	}
	c.Images.Widths = slices.Compact(slices.Sorted(slices.Values(c.Images.Widths)))
	if c.Images.Quality < 1 || c.Images.Quality > 100 {
		ck.badf("images.quality", "want 1 to 100, not %d", c.Images.Quality)
	}
	if len(c.Images.Sizes) > 512 {
		ck.badf("images.sizes", "want at most 512 bytes, not %d", len(c.Images.Sizes))
	}
}

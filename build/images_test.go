package build_test

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/blog-gen/blog/build"
)

// testImage is a w×h gradient, so that resizing has something to do.
func testImage(w, h int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / h), uint8((x + y) % 256), 255})
		}
	}
	return img
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(w, h), &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// imageSite is a site whose post shows a big PNG and a JPEG from static/,
// a small PNG beside the post, and a GIF that is not one.
func imageSite(t testing.TB) string {
	return site(t, map[string]string{
		"_config.yaml":          okConfig,
		"static/img/big.png":    string(pngBytes(t, 2000, 1000)),
		"static/img/photo.jpg":  string(jpegBytes(t, 1000, 600)),
		"posts/small.png":       string(pngBytes(t, 300, 200)),
		"static/img/broken.gif": "not an image at all",
		"posts/a.md": "---\ntitle: A\ndate: 2026-01-02\n---\n" +
			"![A big one](/img/big.png)\n\n" +
			"![A photo](/img/photo.jpg \"Taken at noon\")\n\n" +
			"Inline ![small](small.png) and ![broken](/img/broken.gif).\n",
	})
}

func imgTags(t testing.TB, page string) []string {
	t.Helper()
	return regexp.MustCompile(`<img [^>]*>`).FindAllString(page, -1)
}

func TestImages(t *testing.T) {
	t.Parallel()
	root := imageSite(t)
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	res := runBuild(t, cfg, build.Options{})
	if res.Resized != 5 {
		t.Errorf("first build resized %d copies, want 5 (big: 480, 960, 1440; photo: 480, 960)", res.Resized)
	}
	page := string(readFile(t, filepath.Join(root, "_site/2026/01/a/index.html")))
	tags := imgTags(t, page)
	copyRE := `/_img/%s-[0-9a-f]{12}-%dw\.%s`
	want := []string{
		`<img src="/img/big.png" alt="A big one" width="2000" height="1000" srcset="` +
			fmt.Sprintf(copyRE, "big", 480, "png") + ` 480w, ` + fmt.Sprintf(copyRE, "big", 960, "png") + ` 960w, ` +
			fmt.Sprintf(copyRE, "big", 1440, "png") + ` 1440w, ` + fmt.Sprintf(copyRE, "big", 2000, "png") + ` 2000w" sizes="\(max-width: 42rem\) 100vw, 42rem">`,
		`<img src="/img/photo.jpg" alt="A photo" width="1000" height="600" loading="lazy" decoding="async" srcset="` +
			fmt.Sprintf(copyRE, "photo", 480, "jpg") + ` 480w, ` + fmt.Sprintf(copyRE, "photo", 960, "jpg") + ` 960w, ` +
			fmt.Sprintf(copyRE, "photo", 1000, "jpg") + ` 1000w" sizes="\(max-width: 42rem\) 100vw, 42rem">`,
		`<img src="/_img/small-[0-9a-f]{12}\.png" alt="small" width="300" height="200" loading="lazy" decoding="async">`, // beside the post: published as a copy
		`<img src="/img/broken.gif" alt="broken">`,
	}
	if len(tags) != len(want) {
		t.Fatalf("page has images %q, want %d", tags, len(want))
	}
	for i, tag := range tags {
		if !regexp.MustCompile("^" + want[i] + "$").MatchString(tag) {
			t.Errorf("image %d:\n got %s\nwant %s", i, tag, want[i])
		}
	}
	if !strings.Contains(page, `decoding="async" srcset=`) || !strings.Contains(page, "<figcaption>Taken at noon</figcaption></figure>") {
		t.Errorf("the photo is not a figure with its caption:\n%s", page)
	}

	// Every copy is in the site at its width, with the image's aspect, and
	// none is wider than the image.
	copies, _ := filepath.Glob(filepath.Join(root, "_site/_img/*"))
	var got []string
	for _, c := range copies {
		f, err := os.Open(c)
		if err != nil {
			t.Fatal(err)
		}
		ic, format, err := image.DecodeConfig(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		got = append(got, fmt.Sprintf("%s %s %dx%d", strings.SplitN(filepath.Base(c), "-", 2)[0], format, ic.Width, ic.Height))
	}
	slices.Sort(got)
	wantCopies := []string{"big png 1440x720", "big png 2000x1000", "big png 480x240", "big png 960x480", "photo jpeg 1000x600", "photo jpeg 480x288", "photo jpeg 960x576", "small png 300x200"}
	if d := cmp.Diff(wantCopies, got); d != "" {
		t.Errorf("copies (-want +got):\n%s", d)
	}

	// A full build, and a build into another output, take every copy
	// from the cache.
	res = runBuild(t, cfg, build.Options{Full: true})
	if res.Resized != 0 {
		t.Errorf("full rebuild resized %d copies, want 0: the cache has them", res.Resized)
	}
	again := snapshot(t, cfg.OutputDir())
	if d := cmp.Diff(fullSnapshot(t, root), again); d != "" {
		t.Errorf("a build from the cache differs from one without (-nocache +cached):\n%s", d)
	}

	// A changed image gets new copies, and its page says so.
	writeFile(t, filepath.Join(root, "static/img/photo.jpg"), jpegBytes(t, 800, 800))
	setPast(t, root)
	res = runBuild(t, cfg, build.Options{})
	if res.Resized != 1 || res.Full {
		t.Errorf("after an image edit: %s, resized %d, want 1 (480) in an incremental build", res, res.Resized)
	}
	page = string(readFile(t, filepath.Join(root, "_site/2026/01/a/index.html")))
	if !strings.Contains(page, `width="800" height="800"`) {
		t.Errorf("the page does not show the new size: %q", imgTags(t, page))
	}
	if d := cmp.Diff(fullSnapshot(t, root), snapshot(t, cfg.OutputDir())); d != "" {
		t.Errorf("incremental build after an image edit differs from a full one (-full +incremental):\n%s", d)
	}
	// The old photo's copies left the cache: 3 of big.png, 1 of photo.jpg.
	if cached, _ := os.ReadDir(filepath.Join(root, build.CacheDir, "images")); len(cached) != 4 {
		t.Errorf("the image cache holds %d copies, want 4", len(cached))
	}
}

// TestImageCopyCollision: a site's static file where a copy goes is an
// error naming both.
func TestImageCopyCollision(t *testing.T) {
	t.Parallel()
	png := pngBytes(t, 600, 300)
	root := site(t, map[string]string{
		"_config.yaml":     okConfig,
		"static/img/a.png": string(png),
		"posts/a.md":       "---\ntitle: A\ndate: 2026-01-02\n---\n![A](/img/a.png)\n",
	})
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	runBuild(t, cfg, build.Options{})
	copies, _ := filepath.Glob(filepath.Join(root, "_site/_img/a-*-480w.png"))
	if len(copies) != 1 {
		t.Fatalf("copies %q, want one at 480w", copies)
	}
	name := filepath.Base(copies[0])
	writeFile(t, filepath.Join(root, "static/_img", name), []byte("mine"))
	_, err = build.Run(t.Context(), cfg, build.Options{})
	want := "static/_img/" + name + ": URL /_img/" + name + " is also written by a copy of the image static/img/a.png: rename or remove the static file"
	if err == nil || err.Error() != want {
		t.Errorf("build error:\n%v\nwant:\n%s", err, want)
	}
}

func TestImageWarningsAndErrors(t *testing.T) {
	t.Parallel()
	root := site(t, map[string]string{
		"_config.yaml":     okConfig,
		"static/img/a.png": string(pngBytes(t, 20, 10)),
		"posts/a.md":       "---\ntitle: A\ndate: 2026-01-02\n---\nText.\n\n![](/img/a.png)\n",
	})
	cfg, err := build.Load(root)
	if err != nil {
		t.Fatal(err)
	}
	res := runBuild(t, cfg, build.Options{})
	var ws []string
	for _, w := range res.Warnings {
		ws = append(ws, w.Error())
	}
	want := []string{`posts/a.md:7: image "/img/a.png" has no alt text: describe it for readers who cannot see it (![what it shows](/img/a.png)), or mark a decorative one with alt="" in HTML`}
	if d := cmp.Diff(want, ws); d != "" {
		t.Errorf("warnings (-want +got):\n%s", d)
	}
	// The warning is there in a build that renders nothing again.
	res = runBuild(t, cfg, build.Options{})
	if len(res.Warnings) != 1 {
		t.Errorf("second build: warnings %v, want the alt text one", res.Warnings)
	}

	writeFile(t, filepath.Join(root, "posts/b.md"), []byte("---\ntitle: B\ndate: 2026-01-03\n---\nSee\n  ![the map](../maps/map.png) and ![x](/img/gone.png)\n"))
	_, err = build.Run(t.Context(), cfg, build.Options{})
	wantErr := `posts/b.md:6:3: image "../maps/map.png" not found: no file static/2026/01/maps/map.png` + "\n" +
		`posts/b.md:6:35: image "/img/gone.png" not found: no file static/img/gone.png`
	if err == nil || err.Error() != wantErr {
		t.Errorf("build error:\n%v\nwant:\n%s", err, wantErr)
	}
}

// BenchmarkResizeImage makes the three default copies of a 2400×1600 JPEG
// photo, without the cache.
func BenchmarkResizeImage(b *testing.B) {
	root := site(b, map[string]string{
		"_config.yaml":         okConfig,
		"static/img/photo.jpg": string(jpegBytes(b, 2400, 1600)),
		"posts/a.md":           "---\ntitle: A\ndate: 2026-01-02\n---\n![A photo](/img/photo.jpg)\n",
	})
	cfg, err := build.Load(root)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		res := runBuild(b, cfg, build.Options{NoCache: true})
		if res.Resized != 3 {
			b.Fatalf("resized %d, want 3", res.Resized)
		}
	}
	b.ReportMetric(float64(3*b.N)/b.Elapsed().Seconds(), "copies/s")
}

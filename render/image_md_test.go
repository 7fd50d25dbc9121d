package render

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// fakeImages knows a few images, as the build would.
type fakeImages struct{ calls []string }

func (f *fakeImages) ResolveImage(file, dest string) (ImageInfo, bool) {
	f.calls = append(f.calls, file+" "+dest)
	switch dest {
	case "/img/harbour.jpg":
		return ImageInfo{Width: 2000, Height: 1000, Srcset: []ImageSource{{"/blog/_img/harbour-1-480w.jpg", 480}, {"/blog/_img/harbour-1-2000w.jpg", 2000}}, Sizes: "42rem"}, true
	case "lighthouse.png":
		return ImageInfo{Width: 300, Height: 400, Src: "/blog/_img/lighthouse-2.png"}, true // a file beside the post, published elsewhere
	case "/img/icon.png", "/img/diagram.png":
		return ImageInfo{Width: 16, Height: 16}, true
	}
	return ImageInfo{}, false
}

func TestImagesGolden(t *testing.T) {
	for _, unsafe := range []bool{false, true} {
		t.Run(fmt.Sprintf("unsafe=%v", unsafe), func(t *testing.T) {
			file := "testdata/images/post.md"
			src := readTestFile(t, file)
			_, body, line, err := SplitFrontMatter(file, src)
			if err != nil {
				t.Fatal(err)
			}
			res := &fakeImages{}
			md := NewMarkdown(MarkdownOptions{UnsafeHTML: unsafe, BasePath: "/blog/", Images: res})
			r, err := md.Render(file, body, line)
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata/images", fmt.Sprintf("post-unsafe-%v.html.golden", unsafe)), []byte(r.HTML))
			if strings.Contains(strings.Join(res.calls, "\n"), "code.png") {
				t.Errorf("resolver asked about an image in code: %q", res.calls)
			}
		})
	}
}

func TestImageRefs(t *testing.T) {
	file := "testdata/images/post.md"
	src := readTestFile(t, file)
	_, body, line, err := SplitFrontMatter(file, src)
	if err != nil {
		t.Fatal(err)
	}
	want := map[bool][]ImageRef{
		false: {
			{Dest: "/img/harbour.jpg", Alt: true, Line: 4, Col: 42},
			{Dest: "lighthouse.png", Alt: true, Line: 6, Col: 1},
			{Dest: "/img/icon.png", Alt: true, Line: 8, Col: 35},
			{Dest: "/img/diagram.png", Alt: false, Line: 10, Col: 1},
			{Dest: "https://example.org/x.png", Alt: true, Line: 12, Col: 1},
		},
	}
	want[true] = append(want[false],
		ImageRef{Dest: "/img/harbour.jpg", Alt: true, Line: 18, Col: 4},
		ImageRef{Dest: "/img/icon.png", Alt: true, Line: 20, Col: 1}, // alt="" is a decorative image
		ImageRef{Dest: "lighthouse.png", Alt: true, Line: 22, Col: 1},
	)
	for _, unsafe := range []bool{false, true} {
		got := NewMarkdown(MarkdownOptions{UnsafeHTML: unsafe}).Images(body, line)
		if d := cmp.Diff(want[unsafe], got); d != "" {
			t.Errorf("Images(unsafe=%v) mismatch (-want +got):\n%s", unsafe, d)
		}
	}
}

// FuzzImages: listing images and rendering them never panics, and every
// image's position is inside the body.
func FuzzImages(f *testing.F) {
	f.Add([]byte("![a](/x.png \"t\")\n\n<img src=x.png alt=''>"))
	f.Add([]byte("<p><img src=\"/img/harbour.jpg\"/><img src='/img/icon.png' width=3 ></p>"))
	f.Add(readTestFile(f, "testdata/images/post.md"))
	mds := []*Markdown{
		NewMarkdown(MarkdownOptions{UnsafeHTML: true, BasePath: "/b/", Images: &fakeImages{}}),
		NewMarkdown(MarkdownOptions{Images: &fakeImages{}}),
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		lines := strings.Count(string(body), "\n") + 1
		for _, md := range mds {
			for _, r := range md.Images(body, 1) {
				if r.Line < 1 || r.Line > lines || r.Col < 1 {
					t.Errorf("image %q at %d:%d, outside the body of %d lines", r.Dest, r.Line, r.Col, lines)
				}
			}
			if _, err := md.Render("f.md", body, 1); err != nil {
				t.Errorf("Render: %v", err)
			}
		}
	})
}

func readTestFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

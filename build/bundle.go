package build

import (
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/blog-gen/blog/diag"
)

// Page bundles
//
// A directory under posts/ (or pages/) holding an index file of a post
// format (index.md, index.html…) is a page bundle, Hugo's way of keeping
// a post with its images: posts/my-post/index.md + photo.jpg. The index
// is the post, named after the directory (its slug is my-post, not
// index); every other file under the directory, whatever its kind, is an
// asset, copied beside the post's page. Any other file under posts/ that
// is not a post is reported once per build, never silently skipped.

// classify sorts the files discover found under the site directory dir
// into posts (bundle indexes marked), the assets of each bundle (by its
// index's path) and the files that are neither, with their warnings.
func (b *builder) classify(dir string, files []source) (posts []source, assets map[string][]source, strays []source, warns []error) {
	root, err := filepath.Rel(b.cfg.Root, b.cfg.path(dir))
	if err != nil {
		return files, nil, nil, nil
	}
	root = filepath.ToSlash(root)
	indexes := map[string]string{} // bundle directory → its index's path
	for _, f := range files {
		d := path.Dir(f.rel)
		if d != root && strings.TrimSuffix(path.Base(f.rel), path.Ext(f.rel)) == "index" && b.isPost(f.rel) {
			if prev, ok := indexes[d]; !ok || f.rel < prev {
				indexes[d] = f.rel // two indexes: the first is the post, the other an asset
			}
		}
	}
	for _, f := range files {
		bundle := ""
		for d := path.Dir(f.rel); d != root && d != "." && d != "/"; d = path.Dir(d) {
			if _, ok := indexes[d]; ok {
				bundle = d
				break
			}
		}
		switch {
		case bundle != "" && indexes[bundle] == f.rel:
			f.bundle = true
			posts = append(posts, f)
		case bundle != "" && isTranslation(f.rel) && b.isPost(f.rel):
			strays = append(strays, f)
			warns = append(warns, &diag.Error{Pos: diag.Pos{File: f.rel}, Err: fmt.Errorf("a translation of %s (Hugo's index.LANG files): blog build reads one language and skips it", indexes[bundle])})
		case bundle != "":
			if assets == nil {
				assets = map[string][]source{}
			}
			f.asset = strings.TrimPrefix(f.rel, bundle+"/")
			assets[indexes[bundle]] = append(assets[indexes[bundle]], f)
			strays = append(strays, f)
		case b.isPost(f.rel):
			posts = append(posts, f)
		default:
			strays = append(strays, f)
			warns = append(warns, &diag.Error{Pos: diag.Pos{File: f.rel}, Err: errors.New(b.notAPost(f.rel))})
		}
	}
	return posts, assets, strays, warns
}

// isTranslation reports whether rel is named as Hugo names a translation
// of a bundle's index: index.en.md.
func isTranslation(rel string) bool {
	stem := strings.TrimSuffix(path.Base(rel), path.Ext(rel))
	lang, ok := strings.CutPrefix(stem, "index.")
	return ok && len(lang) >= 2 && len(lang) <= 8 && !strings.ContainsAny(lang, ". ")
}

// notAPost says why the file rel is skipped and what to do about it.
func (b *builder) notAPost(rel string) string {
	var exts []string
	for _, f := range b.formats {
		exts = append(exts, f.exts...)
	}
	return fmt.Sprintf("not a post: blog build reads %s files here and skips this one; put a file to publish in %s/, or beside an index.md as a page bundle, or match it in build.ignore", strings.Join(exts, ", "), path.Clean(b.cfg.Build.Static))
}

// name is the path that names the post it: for the index of a bundle, the
// directory with the index's ending (posts/my-post/index.md names itself
// posts/my-post.md), so its slug, title and :filename are the
// directory's.
func (it *item) name() string {
	if !it.bundle {
		return it.rel
	}
	return path.Dir(it.rel) + path.Ext(it.rel)
}

// bundleAssets: the assets of page bundles, beside their post's page, each
// keyed to its bytes.
type bundleAssets struct{}

func (bundleAssets) plan(p *planner) ([]*output, error) {
	b := p.b
	var outs []*output
	for _, it := range b.all() {
		list := b.assets[it.rel]
		if len(list) == 0 {
			continue
		}
		dir := path.Dir(it.out)
		for _, src := range list {
			o, err := b.assetOutput(src, path.Join(dir, src.asset))
			if err != nil {
				return nil, err
			}
			outs = append(outs, o)
		}
	}
	return outs, nil
}

// assetOutput is the output copying the asset src to the path out. The
// file is read only when its size or time changed.
func (b *builder) assetOutput(src source, out string) (*output, error) {
	st, err := b.copiedState(src)
	if err != nil {
		return nil, err
	}
	abs, h := src.abs, st.Hash
	return &output{path: out, dep: newHasher("asset").key(h).sum(), from: origin{what: "bundle file " + src.rel, pos: diag.Pos{File: src.rel}, rank: byAsset}, render: func() ([]byte, error) {
		data, err := os.ReadFile(abs)
		if err == nil && hashBytes(data) != h {
			err = fmt.Errorf("%s changed during the build: build again", abs)
		}
		return data, err
	}}, nil
}

// sortedSources sorts a list of sources by path.
func sortedSources(list []source) []source {
	slices.SortFunc(list, func(a, c source) int { return strings.Compare(a.rel, c.rel) })
	return list
}

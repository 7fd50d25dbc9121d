package build

import (
	"errors"
	"io/fs"
	"os"
	"path"

	"github.com/blog-gen/blog/render"
)

// I18nDir is the directory of a site's own labels: i18n/LANG.yaml
// replaces the theme's labels for LANG.
const I18nDir = "i18n"

// loadCatalog reads the theme's labels for site.language, with the site's
// own i18n/LANG.yaml over them: the file named by the language as
// configured (i18n/pt-BR.yaml), else by the catalogue it matched
// (i18n/pt.yaml). The file is read on every build, like the templates,
// and its bytes are part of the global key.
func (b *builder) loadCatalog() (*render.Catalog, error) {
	lang := b.cfg.Site.Language
	probe, err := render.NewCatalog(lang, "", nil)
	if err != nil {
		return nil, err
	}
	for _, name := range []string{lang, probe.Name} {
		rel := path.Join(I18nDir, name+".yaml")
		if !fs.ValidPath(rel) {
			continue
		}
		data, err := os.ReadFile(b.cfg.path(rel))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		return render.NewCatalog(lang, rel, data)
	}
	return probe, nil
}

// Package render turns one post or page into HTML: it splits and parses
// front matter ([SplitFrontMatter], [ParseFrontMatter]), converts Markdown
// with goldmark ([Markdown]), executes the theme's html/template files
// ([Templates]) and writes feeds and the sitemap ([WriteAtom], [WriteRSS],
// [WriteSitemap]).
//
// Code blocks go through a [CodeHighlighter], an interface this package
// owns; package build passes in package highlight's implementation. Local
// images get their size and smaller copies from an [ImageResolver], which
// package build implements ([Markdown.Images] lists a body's images for
// it).
//
// # Languages
//
// The theme's labels and dates come from a [Catalog] for the site's
// language ([NewCatalog]; the shipped catalogues are i18n/*.yaml, embedded),
// which [LoadTheme] gives templates as {{T "key"}} and {{localDate "long"
// .Date}}.
//
// # Front matter
//
// Front matter is YAML between --- lines at the top of a file. Known keys
// (title, date, updated, slug, permalink, tags, categories, draft,
// summary, author) are typed; any other key is kept in Params. Errors are
// located in the file, counting the opening --- line.
//
//	fm, body, line, err := render.SplitFrontMatter("posts/a.md", src)
//	meta, err := render.ParseFrontMatter("posts/a.md", fm, time.UTC)
//	out, err := render.NewMarkdown(render.MarkdownOptions{}).Render("posts/a.md", body, line)
package render

// Package render turns one post or page into HTML: it splits and parses
// front matter ([ReadFrontMatter]), converts Markdown
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
// Front matter is YAML between --- lines at the top of a file, TOML
// between +++ lines, or a JSON object opening the file, as Hugo reads
// them ([CutFrontMatter] tells them apart). Each syntax's values go
// through one handler, so a key means the same in each: known keys
// (title, date, updated, slug, permalink, url, aliases, tags, categories,
// draft, summary, author) are typed; any other key is kept in Params.
// Errors are located in the file at the value, counting the opening
// delimiter line. A format with front matter of its own (a reST field
// list) gives it as [Field]s to [FrontMatterFromFields].
//
//	meta, body, line, err := render.ReadFrontMatter("posts/a.md", src, time.UTC)
//	out, err := render.NewMarkdown(render.MarkdownOptions{}).Render("posts/a.md", body, line)
//
// # reStructuredText
//
// [RST] converts reStructuredText with docutils, an external program: a
// few long-lived Python processes run an embedded driver, so a build
// starts Python once, not once per post. [ParseRST] reads the front
// matter (YAML, or Pelican's title and field list); [RST.Convert] runs
// docutils and locates its errors and warnings in the file;
// [RSTDoc.Render] highlights the code blocks (the code, code-block and
// sourcecode directives and :: literal blocks) with the same
// [CodeHighlighter] and markup as Markdown fences.
//
//	fm, body, line, err := render.ParseRST("posts/a.rst", src, time.UTC)
//	rst := render.NewRST(render.RSTOptions{LiteralLanguage: "python"})
//	defer rst.Close()
//	doc, err := rst.Convert(ctx, "posts/a.rst", body, line)
//	out, err := doc.Render(highlighter)
package render

package lexers

import (
	"github.com/blog-gen/blog/_third_party/chroma"
)

// HTML lexer.
var HTML = chroma.MustNewXMLLexer(embedded, "embedded/html.xml")

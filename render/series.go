package render

// Series is a named sequence of posts (front matter series: NAME), shown
// as a box on each of its posts' pages.
type Series struct {
	Name  string
	Posts []*Post // oldest first; meta views (no body-derived fields)
}

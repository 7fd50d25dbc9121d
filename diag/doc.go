// Package diag holds positioned errors: an [Error] in a site source file
// prints as file:line:col: message, the form editors and CI matchers jump
// to. A [List] collects up to [MaxErrors] of them and sorts them by
// position. [FromYAML] turns a YAML library error into an Error.
//
// The errors that [github.com/blog-gen/blog/build.Run] and
// [github.com/blog-gen/blog/build.Load] return for bad content are
// *Error values, joined: find them with errors.As, and the cause of each
// with errors.Is or errors.As through it.
//
// It is a leaf: every package of the module may import it.
package diag

package diag

import (
	"errors"
	"strings"

	"github.com/goccy/go-yaml"
)

// FromYAML turns an error from github.com/goccy/go-yaml into an *Error
// located in file. lineOffset is added to the YAML line, for YAML that
// starts below the top of its file (front matter starts on line 2).
// Errors without a token keep the file name only.
func FromYAML(file string, lineOffset int, err error) error {
	if err == nil {
		return nil
	}
	var ye yaml.Error
	if errors.As(err, &ye) {
		msg := ye.GetMessage()
		msg = strings.TrimPrefix(msg, "[")
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			return &Error{
				Pos: Pos{File: file, Line: tk.Position.Line + lineOffset, Col: tk.Position.Column},
				Err: &yamlError{msg: cleanYAMLMessage(msg), err: err},
			}
		}
		return &Error{Pos: Pos{File: file}, Err: &yamlError{msg: cleanYAMLMessage(msg), err: err}}
	}
	return &Error{Pos: Pos{File: file}, Err: err}
}

// cleanYAMLMessage keeps the first line of a go-yaml message: the rest is
// a source excerpt we don't print.
func cleanYAMLMessage(msg string) string {
	msg, _, _ = strings.Cut(msg, "\n")
	return strings.TrimSpace(msg)
}

// yamlError is a go-yaml error with its message cut to one line and its
// position left to the enclosing [Error]; the original stays reachable
// with errors.As.
type yamlError struct {
	msg string
	err error
}

func (e *yamlError) Error() string { return e.msg }
func (e *yamlError) Unwrap() error { return e.err }

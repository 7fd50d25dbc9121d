package widget

import "bytes"

// Script returns the widget's JavaScript, the bytes GET /widget.js serves.
// `blog build` writes it into the site as a fingerprinted static file, so
// pages need the endpoint only for hits and snapshots.
func Script() []byte { return bytes.Clone(widgetJS) }

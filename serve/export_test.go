package serve

import "time"

// WithTimeouts returns o with the connection timeouts of Serve's
// http.Server set (zero keeps a default), so tests need not wait for the
// real ones.
func WithTimeouts(o Options, readHeader, read, write, idle, eventWrite time.Duration) Options {
	o.timeouts = timeouts{readHeader: readHeader, read: read, write: write, idle: idle, eventWrite: eventWrite}
	return o
}

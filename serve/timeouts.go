package serve

import "time"

// timeouts are those of the http.Server of [Server.Serve]. A client that
// dribbles its header or body, or holds an idle connection, is cut off;
// event streams (the live reload's and the widget's) are exempt from the
// read and write timeouts, see [Server.ServeHTTP].
type timeouts struct {
	readHeader time.Duration // the request line and header; default 10s
	read       time.Duration // the whole request, body included; default 30s
	write      time.Duration // the response, from the end of the header; default 60s
	idle       time.Duration // a keep-alive connection between requests; default 120s
	eventWrite time.Duration // one write of an event stream; default 10s
}

func (t timeouts) withDefaults() timeouts {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.readHeader, 10*time.Second)
	def(&t.read, 30*time.Second)
	def(&t.write, 60*time.Second)
	def(&t.idle, 120*time.Second)
	def(&t.eventWrite, 10*time.Second)
	return t
}

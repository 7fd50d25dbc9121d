package widget

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

const (
	// maxStreams caps the concurrent GET /stream clients of one instance.
	maxStreams = 1000
	// streamWriteTimeout is how long writing one event to a stream may
	// take.
	streamWriteTimeout = 10 * time.Second
)

// hub fans presence changes out to the Server-Sent Event streams: a flush
// anywhere publishes on the site's Redis channel, every instance's hub
// hears it and wakes its streams, which then send the new snapshot. It is
// safe for concurrent use.
type hub struct {
	o    *Options // shared with the Server, read-only
	conn *redisConn

	mu        sync.Mutex
	changedCh chan struct{} // closed and replaced when presence changes

	streams atomic.Int64  // open streams
	done    chan struct{} // closed when the Server closes: streams end
}

func newHub(o *Options, conn *redisConn) *hub {
	return &hub{o: o, conn: conn, changedCh: make(chan struct{}), done: make(chan struct{})}
}

// publish tells every instance that presence changed.
func (h *hub) publish(ctx context.Context) {
	h.conn.do(ctx, "publish", reads, func(ctx context.Context) error {
		return h.conn.c.Publish(ctx, h.conn.k.changes(), "1").Err()
	})
}

// subscribe listens for changes until ctx ends, waking the streams at each.
func (h *hub) subscribe(ctx context.Context) {
	sub := h.conn.c.Subscribe(ctx, h.conn.k.changes())
	defer sub.Close()
	ch := sub.Channel()
	for {
		select {
		case <-ctx.Done():
			return
		case _, ok := <-ch:
			if !ok {
				return
			}
			h.mu.Lock()
			close(h.changedCh)
			h.changedCh = make(chan struct{})
			h.mu.Unlock()
		}
	}
}

// changed returns a channel closed at the next change announced through
// Redis pub/sub.
func (h *hub) changed() <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.changedCh
}

// acquire reserves one of maxStreams places; release gives it back.
func (h *hub) acquire() bool {
	if h.streams.Add(1) > maxStreams {
		h.streams.Add(-1)
		return false
	}
	return true
}

func (h *hub) release() { h.streams.Add(-1) }

// stream writes events to w until the client leaves or the Server closes:
// the snapshot next returns whenever its ETag changes, woken by changes
// and by a poll every refresh period, with a comment now and then so
// proxies keep the connection. untilRefresh says how long until a new
// snapshot may be read.
func (h *hub) stream(ctx context.Context, w http.ResponseWriter, next func() encoded, untilRefresh func() time.Duration) {
	rc := http.NewResponseController(w)
	// A stream outlives the server's ReadTimeout and WriteTimeout, meant
	// for ordinary requests: the read deadline would end the request's
	// context, the write deadline the response. Lift the first and move the
	// second before each event, so a client that stops reading is still let
	// go. (Servers without such timeouts, or recorders, say not supported.)
	rc.SetReadDeadline(time.Time{})
	poll := time.NewTicker(max(h.o.Refresh, time.Second))
	defer poll.Stop()
	var last string
	idle := 0
	fmt.Fprintf(w, "retry: %d\n\n", max(1000, h.o.Refresh.Milliseconds()))
	for {
		e := next()
		rc.SetWriteDeadline(time.Now().Add(streamWriteTimeout))
		switch {
		case e.etag != last:
			fmt.Fprintf(w, "data: %s\n\n", e.body)
			last, idle = e.etag, 0
		case idle >= 15: // a comment keeps proxies from timing out
			fmt.Fprint(w, ": ping\n\n")
			idle = 0
		default:
			idle++
		}
		if err := rc.Flush(); err != nil {
			return
		}
		changed := h.changed()
		select {
		case <-ctx.Done():
			return
		case <-h.done:
			return
		case <-poll.C:
		case <-changed:
			// Wait until the next refresh is allowed, so a change is
			// pushed as soon as the snapshot can show it.
			if wait := untilRefresh(); wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-h.done:
					return
				case <-time.After(wait):
				}
			}
		}
	}
}

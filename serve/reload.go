package serve

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

const (
	scriptPath = "/_blog/livereload.js"
	eventsPath = "/_blog/events"
)

//go:embed livereload.js
var script []byte

// pingEvery keeps idle event streams from being cut by proxies and lets a
// closed tab's stream end.
const pingEvery = 25 * time.Second

// message is one Server-Sent Event.
type message struct {
	event string // hello, reload, css or error
	data  eventData
}

// eventData is the JSON payload of every event.
type eventData struct {
	Build  string   `json:"build"`            // the site on disk: see Server.buildIDLocked
	Errors []string `json:"errors,omitempty"` // the last build's error lines
}

// subscriber is one open event stream. Its channel is closed when it falls
// behind; the browser then reconnects and gets the current state.
type subscriber struct {
	ch chan message
}

func (s *Server) handleScript(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Write(script)
}

// subscribe registers a stream and returns it with the current state, in
// one step so that no build can fall between the two.
func (s *Server) subscribe() (*subscriber, message) {
	sub := &subscriber{ch: make(chan message, 8)}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs[sub] = struct{}{}
	return sub, message{event: "hello", data: eventData{Build: s.buildIDLocked(), Errors: s.errs}}
}

func (s *Server) unsubscribe(sub *subscriber) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.subs[sub]; ok {
		delete(s.subs, sub)
		close(sub.ch)
	}
}

// broadcast sends m to every open stream without waiting for any.
func (s *Server) broadcast(m message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for sub := range s.subs {
		select {
		case sub.ch <- m:
		default:
			delete(s.subs, sub)
			close(sub.ch)
		}
	}
}

// handleEvents streams build events to one page.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	// The stream outlives the server's read and write timeouts: no read
	// deadline (nothing more is read), and each write gets its own, so a
	// page that stops reading is cut off. Errors mean a ResponseWriter
	// without deadlines.
	rc.SetReadDeadline(time.Time{})
	writeWait := s.opts.timeouts.eventWrite
	rc.SetWriteDeadline(time.Now().Add(writeWait))
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	sub, hello := s.subscribe()
	defer s.unsubscribe(sub)
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	fmt.Fprint(w, "retry: 500\n\n")
	if writeEvent(w, hello) != nil || rc.Flush() != nil {
		return
	}
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	for {
		rc.SetWriteDeadline(time.Time{}) // waiting is not writing
		select {
		case <-r.Context().Done():
			return
		case <-s.quit:
			return
		case <-ping.C:
			rc.SetWriteDeadline(time.Now().Add(writeWait))
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return
			}
		case m, ok := <-sub.ch:
			if !ok {
				return
			}
			rc.SetWriteDeadline(time.Now().Add(writeWait))
			if writeEvent(w, m) != nil {
				return
			}
		}
		if rc.Flush() != nil {
			return
		}
	}
}

func writeEvent(w http.ResponseWriter, m message) error {
	data, err := json.Marshal(m.data)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "event: %s\ndata: %s\n\n", m.event, data)
	return err
}

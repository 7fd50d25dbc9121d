package widget

import (
	"bytes"
	"io"
	"net/http"
	"sync"
)

// The beacon path (POST /hit) is the endpoint's hot path: every open page
// sends one per heartbeat. The helpers here keep it close to the cost of a
// handler that only answers 204, without changing what it accepts.

// hitBufs recycles the buffers hit bodies are read into.
var hitBufs = sync.Pool{New: func() any { b := make([]byte, 0, 2*maxHitBody); return &b }}

// readHitBody reads a hit body into buf as
// io.ReadAll(http.MaxBytesReader(w, body, maxHitBody)) would, without
// making a MaxBytesReader for the bodies that fit.
func readHitBody(w http.ResponseWriter, body io.Reader, buf []byte) ([]byte, error) {
	buf, err := readUpTo(body, buf[:0], maxHitBody+1)
	if err != nil || len(buf) <= maxHitBody {
		return buf, err
	}
	// Too large: let a MaxBytesReader see the same bytes, so the error and
	// its effect on the connection are the same.
	read := bytes.Clone(buf)
	return readUpTo(http.MaxBytesReader(w, io.NopCloser(io.MultiReader(bytes.NewReader(read), body)), maxHitBody), buf[:0], -1)
}

// readUpTo appends what r yields to buf until EOF, an error or, when
// limit >= 0, limit bytes in buf. EOF is not an error.
func readUpTo(r io.Reader, buf []byte, limit int) ([]byte, error) {
	for limit < 0 || len(buf) < limit {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		end := cap(buf)
		if limit >= 0 {
			end = min(end, limit)
		}
		n, err := r.Read(buf[len(buf):end])
		buf = buf[:len(buf)+n]
		if err != nil {
			if err == io.EOF {
				err = nil
			}
			return buf, err
		}
	}
	return buf, nil
}

// parseHitFast decodes the hit bodies widget.js sends, {"path":"…"} with
// "token" and "id" or not, in any order with JSON whitespace. It reports
// false, leaving the body to encoding/json, for anything else:
// other keys (including differently cased ones), escapes, non-ASCII or
// control bytes in strings, null, or malformed JSON. When it reports true,
// h is exactly what json.Unmarshal would have made of the body.
func parseHitFast(body []byte) (h hitBody, ok bool) {
	return parseHitInterned(body, nil)
}

// parseHitInterned is parseHitFast taking the path from paths when it is
// there, so that the beacons of known pages allocate no string for it.
func parseHitInterned(body []byte, paths *pathIntern) (h hitBody, ok bool) {
	if !parseHitInto(body, &h, paths) {
		return hitBody{}, false
	}
	return h, true
}

func parseHitInto(body []byte, h *hitBody, paths *pathIntern) bool {
	i := skipWS(body, 0)
	if i >= len(body) || body[i] != '{' {
		return false
	}
	i = skipWS(body, i+1)
	if i < len(body) && body[i] == '}' {
		return skipWS(body, i+1) == len(body)
	}
	for {
		key, j, ok := fastString(body, i)
		if !ok {
			return false
		}
		i = skipWS(body, j)
		if i >= len(body) || body[i] != ':' {
			return false
		}
		val, j, ok := fastString(body, skipWS(body, i+1))
		if !ok {
			return false
		}
		switch string(key) { // no allocation: compared in place
		case "path":
			h.Path = paths.get(val)
		case "token":
			h.Token = string(val)
		case "id":
			h.ID = string(val)
		default:
			return false
		}
		i = skipWS(body, j)
		if i >= len(body) {
			return false
		}
		switch body[i] {
		case ',':
			i = skipWS(body, i+1)
		case '}':
			return skipWS(body, i+1) == len(body)
		default:
			return false
		}
	}
}

// pathIntern holds the page paths seen lately, so a beacon's path is a
// string already made: what a map lookup keyed by string(b) finds
// without allocating. It is bounded (emptied when full) and safe for
// concurrent use; a nil *pathIntern interns nothing.
type pathIntern struct {
	max int

	mu sync.RWMutex
	m  map[string]string
}

func newPathIntern(max int) *pathIntern { return &pathIntern{max: max, m: map[string]string{}} }

// get returns string(b), from the table when it is there. Only valid
// paths are kept, so junk cannot crowd out pages.
func (p *pathIntern) get(b []byte) string {
	if p == nil {
		return string(b)
	}
	p.mu.RLock()
	s, ok := p.m[string(b)]
	p.mu.RUnlock()
	if ok {
		return s
	}
	s = string(b)
	if validPath(s) {
		p.mu.Lock()
		if len(p.m) >= p.max {
			clear(p.m)
		}
		p.m[s] = s
		p.mu.Unlock()
	}
	return s
}

// skipWS skips JSON whitespace from i.
func skipWS(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// fastString reads a JSON string at i made only of printable ASCII without
// escapes, returning its contents and the index after its closing quote.
func fastString(b []byte, i int) (s []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return b[i+1 : j], j + 1, true
		case c < 0x20 || c >= 0x7f || c == '\\':
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// header returns the first value of h[key] for a key already in canonical
// form: what h.Get(key) returns, without canonicalizing key again.
func header(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

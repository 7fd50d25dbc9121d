package widget

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"time"
)

// A leave is what widget.js beacons when a reader goes (pagehide, or the
// last visible tab of the browser hidden): POST /leave with the hit's
// body plus "all" when no other tab of the browser still shows the site.
// It takes the reader off the page's count and, with "all", off the
// site's, at the next flush rather than when the window ends; the window
// stays for the browsers that crash or never send one. A leave never adds
// anybody: it names a reader the way a hit does (token, browser id, or
// address and user agent) and only removes that reader's sightings made
// before it. It is bounded, validated and filtered as /hit is.

// leaveBody is what widget.js sends to /leave.
type leaveBody struct {
	Path  string `json:"path"`
	Token string `json:"token"`
	ID    string `json:"id"`
	All   bool   `json:"all"`
}

// BrowserIDLen is the length of the per-browser id widget.js keeps in
// localStorage: 16 random bytes in base64url without padding.
const BrowserIDLen = 22

// validID reports whether id may be a browser id: exactly BrowserIDLen
// bytes of the base64url alphabet. Anything else is ignored, and the
// reader is told apart by address and user agent instead.
func validID(id string) bool {
	if len(id) != BrowserIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		switch c := id[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return false
		}
	}
	return true
}

func (s *Server) handleLeave(w http.ResponseWriter, r *http.Request) {
	bp := hitBufs.Get().(*[]byte)
	defer hitBufs.Put(bp)
	body, ok := s.beaconBody(w, r, bp)
	if !ok {
		return
	}
	var lb leaveBody
	if err := json.Unmarshal(body, &lb); err != nil && len(bytes.TrimSpace(body)) > 0 {
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	addr, _, ignored := s.proxies.clientAddr(r)
	now := s.o.Now()
	if ignored {
		s.xffLog.warn(now)
	}
	if !s.lim.allow(addr, now) {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "too many hits", http.StatusTooManyRequests)
		return
	}
	if member, ok := s.identify(r, now, addr, hitBody{Path: lb.Path, Token: lb.Token, ID: lb.ID}, false); ok {
		s.leave(now, member, lb.Path, lb.All)
	}
	w.WriteHeader(http.StatusNoContent)
}

// identify returns the page member ("u:NAME" or "g:HASH") a beacon
// names, or false when it is not to be recorded: a crawler, a program
// that is not a browser, a prefetch, a reader who opted out, or a guest
// when guests are not counted. With admit, a new guest must also fit
// under Options.GuestsPerAddr.
func (s *Server) identify(r *http.Request, now time.Time, addr string, h hitBody, admit bool) (string, bool) {
	ua := header(r.Header, "User-Agent")
	if isCrawler(ua) || notBrowser(r, ua) || isPrefetch(r) || (!s.o.RecordGPC && optedOut(r)) {
		return "", false
	}
	token := h.Token
	if token == "" {
		if c, err := r.Cookie(tokenCookie); err == nil {
			token, _ = url.PathUnescape(c.Value)
		}
	}
	if token != "" {
		if name, err := ParseToken(s.o.Secret, token, now); err == nil {
			return "u:" + name, true
		}
	}
	if s.o.NoGuests {
		return "", false
	}
	// A browser id tells apart browsers that share an address and a user
	// agent; without one (storage disabled, an older script) the address
	// and user agent are all there is. "id:" is never an address, so the
	// two kinds of guest never share a hash.
	who, idAddr := ua, addr
	if validID(h.ID) {
		who, idAddr = h.ID, "id:"
	}
	if admit && s.guests != nil && !s.guests.admit(addr, who, now) {
		s.dropped.Add(1)
		return "", false
	}
	day, err := s.days.get(r.Context(), now)
	if err != nil {
		s.dropped.Add(1)
		return "", false
	}
	return day.hash.member(s.o.Site, idAddr, who), true
}

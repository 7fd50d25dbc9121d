package widget

import (
	"bytes"
	"context"
	"crypto/subtle"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed widget.js
var widgetJS []byte

const (
	maxHitBody    = 1 << 10 // POST /hit
	maxReportBody = 8 << 10 // POST /report
	tokenCookie   = "wo_token"
)

// Server is the who's-online endpoint: an http.Handler serving the routes
// below at the root of wherever it is mounted (use [http.StripPrefix]):
//
//	POST /hit        a page's beacon: {"path": "/x/", "token": "…", "id": "…"} → 204
//	POST /leave      a reader going: {"path": "/x/", "id": "…", "all": true} → 204
//	GET  /           the snapshot as JSON ([Snapshot]), ?path=/x/ for one page
//	GET  /stream     Server-Sent Events of the snapshot (when Options.Stream)
//	GET  /widget.js  the embedded script
//	POST /report     a server-to-server named report, bearer-authenticated
//	GET  /healthz    store status
//
// Hits are coalesced in memory and written once per Options.Flush. A
// Server is safe for concurrent use; call [Server.Close] to stop its
// goroutines and the embedded Redis it may have started.
type Server struct {
	o Options

	// A hit goes through the handlers here, then days (the guest hash),
	// then the recorder, whose flush writes it through the redisConn.
	*redisConn
	recorder
	days  dayKeys
	snaps *snapshots
	hub   *hub

	mux       *http.ServeMux
	jsETag    string
	origins   map[string]bool
	anyOrigin bool
	paths     *pathIntern // beacons' page paths
	proxies   proxies
	xffLog    throttledLog // X-Forwarded-For from peers not trusted
	lim       limiter
	guests    *guestCap // nil without a cap

	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// New returns a Server for opts and starts its background work: flushing
// hits, trimming or rotating the store, advancing the embedded Redis's
// clock and, with Stream, listening for changes. It fails on invalid
// options, an unparsable Redis URL or an embedded Redis that cannot start;
// it does not wait for Redis to be reachable.
func New(opts Options) (*Server, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{o: o, origins: map[string]bool{}}
	// The parts share s.o: its fields are read, never written, after New.
	if s.redisConn, err = newRedisConn(&s.o); err != nil {
		return nil, err
	}
	s.lost = s.dropped.Load
	s.hub = newHub(&s.o, s.redisConn)
	s.recorder = recorder{o: &s.o, conn: s.redisConn, pending: newBatch()}
	if o.Stream {
		s.recorder.hub = s.hub
	}
	s.days = dayKeys{o: &s.o, conn: s.redisConn}
	s.snaps = newSnapshots(&s.o, s.redisConn)
	s.lim = limiter{rate: o.HitRate, burst: 10 * o.HitRate}
	s.paths = newPathIntern(o.MaxPages)
	s.proxies, _ = newProxies(o.TrustProxy, o.TrustedProxies) // checked by withDefaults
	s.xffLog = throttledLog{log: o.Logger, every: o.LogEvery, msg: "x-forwarded-for ignored: the peer is not a trusted proxy"}
	if o.GuestsPerAddr > 0 {
		s.guests = newGuestCap(o.GuestsPerAddr, o.Window)
	}
	for _, origin := range o.Origins {
		if origin == "*" {
			s.anyOrigin = true
		}
		s.origins[strings.TrimSuffix(origin, "/")] = true
	}
	h := fnv.New64a()
	h.Write(widgetJS)
	s.jsETag = fmt.Sprintf(`"%x"`, h.Sum64())

	mux := http.NewServeMux()
	mux.HandleFunc("POST /hit", s.handleHit)
	mux.HandleFunc("POST /leave", s.handleLeave)
	mux.HandleFunc("GET /{$}", s.handleSnapshot)
	mux.HandleFunc("GET /stream", s.handleStream)
	mux.HandleFunc("GET /widget.js", s.handleJS)
	mux.HandleFunc("POST /report", s.handleReport)
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("OPTIONS /", s.handlePreflight)
	s.mux = mux

	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	s.wg.Go(func() { s.flushLoop(ctx) })
	s.wg.Go(func() { s.tickLoop(ctx) })
	if !o.NoGuests {
		s.wg.Go(func() { s.days.syncLoop(ctx) })
	}
	if s.mini != nil {
		s.wg.Go(func() { s.clockLoop(ctx) })
	}
	if o.Stream {
		s.wg.Go(func() { s.hub.subscribe(ctx) })
	}
	return s, nil
}

// Close stops the background work, writes the hits still pending (briefly
// trying), and closes the Redis client and embedded Redis the Server made.
// It does not close an Options.Client. Open streams end. Close is safe to
// call more than once.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		close(s.hub.done)
		s.cancel()
		s.wg.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), s.o.Timeout)
		s.flush(ctx)
		cancel()
		err = s.redisConn.close()
	})
	return err
}

// ServeHTTP serves the endpoint's routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Path == "/hit" && r.URL.RawPath == "" {
		// The beacon, by far the most frequent request: what the mux
		// would pick, without its routing.
		r.Pattern = "POST /hit"
		s.handleHit(w, r)
		return
	}
	if r.URL.Path == "" { // http.StripPrefix("/_online") of "/_online"
		r2 := *r
		u := *r.URL
		u.Path = "/"
		r2.URL = &u
		r = &r2
	}
	s.mux.ServeHTTP(w, r)
}

// originAllowed reports whether a request's Origin may use the endpoint:
// no Origin (not a cross-origin browser request), the endpoint's own
// origin, or one listed in Options.Origins.
func (s *Server) originAllowed(r *http.Request) bool {
	o := header(r.Header, "Origin")
	if o == "" || s.anyOrigin || s.origins[o] {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host != "" && u.Host == r.Host
}

// varyOrigin is the value of a lone "Vary: Origin", shared by responses:
// its capacity is its length, so appending to it copies it, and nothing
// in net/http changes a header value in place.
var varyOrigin = []string{"Origin"}[:1:1]

// cors adds CORS headers for an allowed cross-origin request.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	if v, ok := h["Vary"]; ok {
		h["Vary"] = append(v, "Origin") // h.Add("Vary", "Origin")
	} else {
		h["Vary"] = varyOrigin // the common case, without allocating
	}
	if o := header(r.Header, "Origin"); o != "" && s.originAllowed(r) {
		h.Set("Access-Control-Allow-Origin", o)
		h.Set("Access-Control-Allow-Credentials", "true")
	}
}

func (s *Server) handlePreflight(w http.ResponseWriter, r *http.Request) {
	if !s.originAllowed(r) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	s.cors(w, r)
	w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
	w.Header().Set("Access-Control-Allow-Headers", "Content-Type")
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

// beaconBody checks a beacon's origin, sets its CORS headers and reads
// its bounded body into *bp (a buffer of hitBufs), for POST /hit and
// /leave. When it reports false it has answered the request.
func (s *Server) beaconBody(w http.ResponseWriter, r *http.Request, bp *[]byte) ([]byte, bool) {
	if !s.originAllowed(r) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return nil, false
	}
	s.cors(w, r)
	body, err := readHitBody(w, r.Body, *bp)
	*bp = body[:0]
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return nil, false
		}
		http.Error(w, "bad body", http.StatusBadRequest)
		return nil, false
	}
	return body, true
}

// hitBody is what widget.js beacons.
type hitBody struct {
	Path  string `json:"path"`
	Token string `json:"token"`
	ID    string `json:"id"` // the per-browser id; see validID
}

func (s *Server) handleHit(w http.ResponseWriter, r *http.Request) {
	bp := hitBufs.Get().(*[]byte)
	defer hitBufs.Put(bp)
	body, ok := s.beaconBody(w, r, bp)
	if !ok {
		return
	}
	h, ok := parseHitInterned(body, s.paths)
	if !ok && len(bytes.TrimSpace(body)) > 0 {
		var hj hitBody
		if err := json.Unmarshal(body, &hj); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		h = hj
	}
	// Peers that are not trusted proxies are limited (and counted) as the
	// client, whatever X-Forwarded-For says; trusted proxies carry
	// everybody's hits, so each client behind them is limited instead.
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
	s.hit(r, now, addr, h)
	w.WriteHeader(http.StatusNoContent)
}

// hit records one beacon, seen at now, unless it comes from a crawler or
// a program that is not a browser, is a prefetch, or comes from a reader
// who opted out (see identify).
func (s *Server) hit(r *http.Request, now time.Time, addr string, h hitBody) {
	member, ok := s.identify(r, now, addr, h, true)
	if !ok {
		return
	}
	name := ""
	if n, ok := strings.CutPrefix(member, "u:"); ok {
		name = n
	}
	s.recordAt(now, name, member, h.Path)
}

// Report records that the named reader, vouched for by the caller, is
// reading path ("" for site-wide only). It is what POST /report and an
// in-process [Middleware] call. It returns an error only for an invalid
// name; store trouble is handled (and counted) asynchronously.
func (s *Server) Report(ctx context.Context, name, path string) error {
	if !validName(name) {
		return fmt.Errorf("widget: invalid reader name %q", name)
	}
	s.record(name, "", path)
	return nil
}

// bearer returns the token of an "Authorization: Bearer TOKEN" header.
// The scheme is case-insensitive and may be followed by several spaces
// (RFC 7235 section 2.1; RFC 6750 section 2.1).
func bearer(auth string) (token string, ok bool) {
	scheme, token, ok := strings.Cut(auth, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimLeft(token, " ")
	return token, token != ""
}

// reportBody is what POST /report accepts: one name or several.
type reportBody struct {
	Name  string   `json:"name"`
	Names []string `json:"names"`
	Path  string   `json:"path"`
}

func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) {
	auth, ok := bearer(r.Header.Get("Authorization"))
	if len(s.o.Secret) == 0 || !ok || subtle.ConstantTimeCompare([]byte(auth), s.o.Secret) != 1 {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var rb reportBody
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxReportBody))
	err := dec.Decode(&rb)
	if err == nil {
		// One JSON value and nothing after it but white space.
		if err = dec.Decode(&struct{}{}); err == io.EOF {
			err = nil
		} else if err == nil {
			err = errors.New("more than one JSON value")
		}
	}
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad json", http.StatusBadRequest)
		return
	}
	names := rb.Names
	if rb.Name != "" {
		names = append(names, rb.Name)
	}
	for _, n := range names {
		if !validName(n) {
			http.Error(w, "invalid name", http.StatusBadRequest)
			return
		}
	}
	for _, n := range names {
		s.record(n, "", rb.Path)
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleSnapshot(w http.ResponseWriter, r *http.Request) {
	if !s.originAllowed(r) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	s.cors(w, r)
	e := s.snaps.encode(r.Context(), r.URL.Query().Get("path"))
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Content-Type-Options", "nosniff")
	if !e.ok {
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write(e.body)
		return
	}
	h.Set("Cache-Control", "public, max-age="+strconv.Itoa(max(1, int(s.o.Refresh.Seconds()))))
	h.Set("ETag", e.etag)
	if match := r.Header.Get("If-None-Match"); match != "" && strings.Contains(match, e.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(e.body)
}

func (s *Server) handleStream(w http.ResponseWriter, r *http.Request) {
	if !s.o.Stream {
		http.NotFound(w, r)
		return
	}
	if !s.originAllowed(r) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	if !s.hub.acquire() {
		w.Header().Set("Retry-After", "10")
		http.Error(w, "too many streams", http.StatusTooManyRequests)
		return
	}
	defer s.hub.release()
	s.cors(w, r)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	path := r.URL.Query().Get("path")
	ctx := r.Context()
	s.hub.stream(ctx, w, func() encoded { return s.snaps.encode(ctx, path) }, s.snaps.untilRefresh)
}

func (s *Server) handleJS(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "text/javascript; charset=utf-8")
	h.Set("Cache-Control", "public, max-age=300")
	h.Set("ETag", s.jsETag)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Access-Control-Allow-Origin", "*")
	if strings.Contains(r.Header.Get("If-None-Match"), s.jsETag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Write(widgetJS)
}

// Health is the JSON answer of GET /healthz.
type Health struct {
	Status   string `json:"status"`   // "ok", or "unavailable" when Redis cannot be read or written
	Scope    string `json:"scope"`    // "shared" or "local"
	Strategy string `json:"strategy"` // "zset" or "sets"
	Breaker  string `json:"breaker"`  // the reads' breaker: "closed", "open" or "half-open"
	Writes   string `json:"writes"`   // "ok", or "failing" while Redis refuses or misses writes
	Dropped  int64  `json:"dropped"`  // sightings lost to store errors or caps since start
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	// Not PING: on a Cluster it reaches any node, while the site lives on
	// the one that owns its hash slot; a read of a key of the site's
	// reaches that one.
	err := s.do(r.Context(), "health", reads, func(ctx context.Context) error { return s.c.Exists(ctx, s.k.users()).Err() })
	if s.writesFailing() {
		// Without traffic nothing else would try a write: this one tells
		// when Redis takes them again.
		s.do(r.Context(), "probe write", writes, func(context.Context) error { return nil })
	}
	h := Health{Status: "ok", Scope: s.scope, Strategy: s.o.Strategy, Breaker: s.rd.state(s.o.Now()), Writes: "ok", Dropped: s.dropped.Load()}
	if s.writesFailing() {
		h.Writes = "failing"
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil || h.Writes != "ok" {
		h.Status = "unavailable"
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(h)
}

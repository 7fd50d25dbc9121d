package widget

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"
)

//go:embed widget.js
var widgetJS []byte

const (
	maxHitBody    = 1 << 10 // POST /hit
	maxReportBody = 8 << 10 // POST /report
	maxPending    = 200_000 // coalesced sightings held between flushes
	maxStreams    = 1000    // concurrent GET /stream clients per instance
	tokenCookie   = "wo_token"
)

// errUnavailable is returned while the circuit breaker is open.
var errUnavailable = errors.New("store unavailable (circuit open)")

// Server is the who's-online endpoint: an http.Handler serving the routes
// below at the root of wherever it is mounted (use [http.StripPrefix]):
//
//	POST /hit        a page's beacon: {"path": "/x/", "token": "…"} → 204
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
	o         Options
	c         redis.UniversalClient
	ownClient bool
	mini      *miniredis.Miniredis
	st        store
	k         keys
	scope     string
	mux       *http.ServeMux
	jsETag    string
	origins   map[string]bool
	anyOrigin bool

	br      breaker
	errs    throttledLog
	lim     limiter
	group   singleflight.Group
	dropped atomic.Int64 // sightings lost to store errors or caps
	streams atomic.Int64

	mu      sync.Mutex // guards pending
	pending *batch

	day atomic.Pointer[dayState] // the guest-hash key in use

	snapMu    sync.Mutex
	last      reading              // last good reading
	okAt      time.Time            // when last was read; zero before the first
	triedAt   time.Time            // last refresh attempt
	failing   bool                 // the last attempt failed
	gen       uint64               // bumped when last, okAt or failing change
	asked     map[string]time.Time // page path → last asked for
	encoded   map[string]encoded   // path → response body for gen
	changedCh chan struct{}        // closed and replaced when presence changes

	done   chan struct{}
	cancel context.CancelFunc
	wg     sync.WaitGroup
	once   sync.Once
}

// dayState is one UTC day's guest-hash key, with recycled hashers for it.
// It is replaced, never changed: a new day, or another key adopted from
// Redis, makes a new one, so guest hashes always follow the current key.
type dayState struct {
	day  int64  // days since the Unix epoch, UTC
	date string // the same day as YYYYMMDD
	key  []byte
	hash *guestHasher
}

// unixDay returns the UTC day number of t: days since 1970-01-01.
func unixDay(t time.Time) int64 {
	sec := t.Unix()
	d := sec / 86400
	if sec%86400 < 0 {
		d--
	}
	return d
}

type encoded struct {
	gen  uint64
	body []byte
	etag string
	ok   bool
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
	s := &Server{
		o:         o,
		c:         o.Client,
		k:         newKeys(o.Site),
		scope:     "shared",
		origins:   map[string]bool{},
		errs:      throttledLog{log: o.Logger, every: o.LogEvery},
		lim:       limiter{rate: o.HitRate, burst: 10 * o.HitRate},
		pending:   newBatch(),
		asked:     map[string]time.Time{},
		encoded:   map[string]encoded{},
		changedCh: make(chan struct{}),
		done:      make(chan struct{}),
	}
	for _, origin := range o.Origins {
		if origin == "*" {
			s.anyOrigin = true
		}
		s.origins[strings.TrimSuffix(origin, "/")] = true
	}
	switch {
	case s.c != nil:
	case o.Redis != "":
		if s.c, err = clientFromURL(o.Redis, o.Timeout); err != nil {
			return nil, fmt.Errorf("widget: redis url: %w", err)
		}
		s.ownClient = true
	default:
		s.mini = miniredis.NewMiniRedis()
		s.mini.SetTime(o.Now())
		if err := s.mini.Start(); err != nil {
			return nil, fmt.Errorf("widget: embedded redis: %w", err)
		}
		s.c = redis.NewClient(&redis.Options{Addr: s.mini.Addr(), DisableIdentity: true, MaxRetries: -1})
		s.ownClient = true
		s.scope = "local"
	}
	s.st = newStore(s.c, o)
	h := fnv.New64a()
	h.Write(widgetJS)
	s.jsETag = fmt.Sprintf(`"%x"`, h.Sum64())

	mux := http.NewServeMux()
	mux.HandleFunc("POST /hit", s.handleHit)
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
	if s.mini != nil {
		s.wg.Go(func() { s.clockLoop(ctx) })
	}
	if o.Stream {
		s.wg.Go(func() { s.subscribe(ctx) })
	}
	return s, nil
}

// clientFromURL makes a Redis client for a URL: Sentinel with master_name=,
// Cluster with extra addr=, else a single server. Timeouts not given in
// the URL are set to timeout.
func clientFromURL(raw string, timeout time.Duration) (redis.UniversalClient, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	set := func(d ...*time.Duration) {
		for _, p := range d {
			if *p == 0 {
				*p = timeout
			}
		}
	}
	q := u.Query()
	switch {
	case q.Has("master_name"):
		o, err := redis.ParseFailoverURL(raw)
		if err != nil {
			return nil, err
		}
		set(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout)
		return redis.NewFailoverClient(o), nil
	case q.Has("addr"):
		o, err := redis.ParseClusterURL(raw)
		if err != nil {
			return nil, err
		}
		set(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout)
		return redis.NewClusterClient(o), nil
	}
	o, err := redis.ParseURL(raw)
	if err != nil {
		return nil, err
	}
	set(&o.DialTimeout, &o.ReadTimeout, &o.WriteTimeout, &o.PoolTimeout)
	if o.MaxRetries == 0 {
		o.MaxRetries = 1
	}
	return redis.NewClient(o), nil
}

// Close stops the background work, writes the hits still pending (briefly
// trying), and closes the Redis client and embedded Redis the Server made.
// It does not close an Options.Client. Open streams end. Close is safe to
// call more than once.
func (s *Server) Close() error {
	var err error
	s.once.Do(func() {
		close(s.done)
		s.cancel()
		s.wg.Wait()
		ctx, cancel := context.WithTimeout(context.Background(), s.o.Timeout)
		s.flush(ctx)
		cancel()
		if s.ownClient {
			err = s.c.Close()
		}
		if s.mini != nil {
			s.mini.Close()
		}
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

// do runs one store operation under the circuit breaker with its own
// deadline, logging failures (throttled). redis.Nil is not a failure.
func (s *Server) do(ctx context.Context, op string, fn func(context.Context) error) error {
	now := s.o.Now()
	if !s.br.allow(now) {
		return errUnavailable
	}
	ctx, cancel := context.WithTimeout(ctx, s.o.Timeout)
	defer cancel()
	err := fn(ctx)
	if errors.Is(err, redis.Nil) {
		err = nil
	}
	if s.br.result(now, err != nil) {
		s.o.Logger.Info("presence store recovered", "dropped", s.dropped.Load())
	}
	if err != nil {
		s.errs.error(now, op, err)
	}
	return err
}

// --- recording ---

// record adds one sighting to the pending batch.
func (s *Server) record(name, guest, path string) {
	member := "g:" + guest
	if name != "" {
		member = "u:" + name
	}
	s.recordAt(s.o.Now(), name, member, path)
}

// recordAt adds one sighting, seen at now, to the pending batch: a named
// reader (member "u:NAME") or a guest (member "g:HASH").
func (s *Server) recordAt(now time.Time, name, member, path string) {
	if !validPath(path) {
		path = ""
	}
	ms := now.UnixMilli()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pending.n >= maxPending {
		s.dropped.Add(1)
		return
	}
	if !s.pending.addMember(name, member, path, ms, s.o.MaxPages) {
		s.dropped.Add(1)
	}
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

// guestDay returns the day's random guest-hash key, shared by all
// instances through Redis (SET NX EX) and cached here.
func (s *Server) guestDay(ctx context.Context, now time.Time) (*dayState, error) {
	if d := s.day.Load(); d != nil && d.day == unixDay(now) {
		return d, nil
	}
	return s.syncDayKey(ctx, now)
}

// syncDayKey agrees on the day's key with the other instances: it offers
// the key it has (or a new random one) with SET NX EX and adopts whatever
// Redis then holds. Run again every minute, it also puts the key back into
// a Redis that restarted empty, so instances keep agreeing.
func (s *Server) syncDayKey(ctx context.Context, now time.Time) (*dayState, error) {
	date := now.UTC().Format("20060102")
	v, err, _ := s.group.Do("day:"+date, func() (any, error) {
		cur := s.day.Load()
		var offer string
		if cur != nil && cur.date == date {
			offer = string(cur.key)
		} else {
			random := make([]byte, 32)
			rand.Read(random)
			offer = hex.EncodeToString(random)
		}
		var key []byte
		err := s.do(context.WithoutCancel(ctx), "day key", func(ctx context.Context) error {
			k := s.k.dayKey(now)
			var get *redis.StringCmd
			_, err := s.c.Pipelined(ctx, func(p redis.Pipeliner) error {
				p.SetNX(ctx, k, offer, 48*time.Hour)
				get = p.Get(ctx, k)
				return nil
			})
			key = []byte(get.Val())
			return err
		})
		if err != nil {
			return nil, err
		}
		d := &dayState{day: unixDay(now), date: date, key: key}
		if cur != nil && cur.date == date && bytes.Equal(cur.key, key) {
			d = cur // unchanged: keep its hashers
		} else {
			d.hash = newGuestHasher(key)
		}
		s.day.Store(d)
		return d, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*dayState), nil
}

func (s *Server) flushLoop(ctx context.Context) {
	t := time.NewTicker(s.o.Flush)
	defer t.Stop()
	var pruned, synced time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.flush(ctx)
		now := s.o.Now()
		if now.Sub(pruned) > 30*time.Second {
			s.lim.prune(now)
			pruned = now
		}
		if !s.o.NoGuests && now.Sub(synced) >= time.Minute {
			s.syncDayKey(ctx, now) // errors are logged by do
			synced = now
		}
	}
}

// flush writes the pending batch. A batch that cannot be written is
// dropped and counted: presence is ephemeral, and retrying would only
// pile load on a Redis that is already struggling.
func (s *Server) flush(ctx context.Context) {
	s.mu.Lock()
	b := s.pending
	if b.empty() {
		s.mu.Unlock()
		return
	}
	s.pending = newBatchLike(b)
	s.mu.Unlock()
	now := s.o.Now()
	err := s.do(ctx, "flush", func(ctx context.Context) error { return s.st.touch(ctx, b, now) })
	if err != nil {
		s.dropped.Add(int64(b.n))
		return
	}
	if s.o.Stream {
		s.do(ctx, "publish", func(ctx context.Context) error { return s.c.Publish(ctx, s.k.changes(), "1").Err() })
	}
}

func (s *Server) tickLoop(ctx context.Context) {
	every := s.o.Window / 4
	if s.o.Strategy == "sets" {
		every = min(s.o.Window/20, time.Second)
	}
	every = max(every, 5*time.Millisecond)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := s.o.Now()
		s.do(ctx, "tick", func(ctx context.Context) error { return s.st.tick(ctx, now) })
	}
}

// clockLoop moves the embedded miniredis's clock, which otherwise stands
// still: without it no TTL would ever expire.
func (s *Server) clockLoop(ctx context.Context) {
	every := min(time.Second, s.o.Flush)
	t := time.NewTicker(every)
	defer t.Stop()
	last := s.o.Now()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := s.o.Now()
		if d := now.Sub(last); d > 0 {
			s.mini.SetTime(now)
			s.mini.FastForward(d)
			last = now
		}
	}
}

func (s *Server) subscribe(ctx context.Context) {
	sub := s.c.Subscribe(ctx, s.k.changes())
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
			s.snapMu.Lock()
			close(s.changedCh)
			s.changedCh = make(chan struct{})
			s.snapMu.Unlock()
		}
	}
}

// --- snapshots ---

// Snapshot is the JSON answer of GET /: who is online now.
type Snapshot struct {
	// Available is false when the store has been unreachable for longer
	// than Options.StaleFor (or since start); the counts are then absent.
	Available bool `json:"available"`
	// Stale is true when the store is unreachable and this is the last
	// good snapshot.
	Stale bool `json:"stale"`
	// Scope is "shared" (Redis) or "local" (the embedded, single-instance
	// store).
	Scope string    `json:"scope"`
	Time  time.Time `json:"time"` // when the counts were read
	// Window, Heartbeat and Poll are in seconds.
	Window    float64  `json:"window"`
	Heartbeat float64  `json:"heartbeat"`
	Poll      float64  `json:"poll"`
	Named     int64    `json:"named"`  // signed-in readers
	Names     []string `json:"names"`  // up to Options.MaxNames, most recent first
	Guests    int64    `json:"guests"` // anonymous readers
	Total     int64    `json:"total"`  // Named + Guests
	Path      string   `json:"path,omitempty"`
	Page      int64    `json:"page"` // readers of Path
}

// snapshot returns the snapshot for path, reading Redis at most once per
// Refresh (plus once the first time a page is asked for).
func (s *Server) snapshot(ctx context.Context, path string) Snapshot {
	if !validPath(path) {
		path = ""
	}
	now := s.o.Now()
	s.snapMu.Lock()
	due := s.triedAt.IsZero() || now.Sub(s.triedAt) >= s.o.Refresh
	known := true
	if path != "" {
		_, known = s.last.Pages[path]
		if _, ok := s.asked[path]; ok || len(s.asked) < s.o.MaxPages {
			s.asked[path] = now
		} else {
			path = "" // too many pages asked for: site-wide only
		}
	}
	s.snapMu.Unlock()
	switch {
	case due:
		s.group.Do("refresh", func() (any, error) { s.refresh(ctx, now); return nil, nil })
	case !known && path != "":
		s.group.Do("page:"+path, func() (any, error) { s.refreshPage(ctx, now, path); return nil, nil })
	}
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	snap := Snapshot{
		Scope:     s.scope,
		Window:    s.o.Window.Seconds(),
		Heartbeat: s.o.Heartbeat.Seconds(),
		Poll:      s.o.Poll.Seconds(),
		Path:      path,
		Names:     []string{},
	}
	if s.okAt.IsZero() || (s.failing && now.Sub(s.okAt) > s.o.StaleFor) {
		return snap
	}
	snap.Available = true
	snap.Stale = s.failing
	snap.Time = s.okAt.UTC()
	snap.Named, snap.Guests = s.last.Named, s.last.Guests
	snap.Total = snap.Named + snap.Guests
	if s.last.Names != nil {
		snap.Names = s.last.Names
	}
	snap.Page = s.last.Pages[path]
	return snap
}

func (s *Server) refresh(ctx context.Context, now time.Time) {
	s.snapMu.Lock()
	paths := make([]string, 0, len(s.asked))
	for p, at := range s.asked {
		if now.Sub(at) > s.o.Window {
			delete(s.asked, p)
			continue
		}
		paths = append(paths, p)
	}
	s.snapMu.Unlock()
	var r reading
	err := s.do(context.WithoutCancel(ctx), "read", func(ctx context.Context) error {
		var err error
		r, err = s.st.read(ctx, now, paths, s.o.MaxNames)
		return err
	})
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	// Set only now, so requests arriving during the first read join it
	// (singleflight) instead of answering "unavailable".
	s.triedAt = now
	s.gen++
	if err != nil {
		s.failing = true
		return
	}
	s.last, s.okAt, s.failing = r, now, false
}

func (s *Server) refreshPage(ctx context.Context, now time.Time, path string) {
	var r reading
	err := s.do(context.WithoutCancel(ctx), "read page", func(ctx context.Context) error {
		var err error
		r, err = s.st.read(ctx, now, []string{path}, 0)
		return err
	})
	if err != nil {
		return
	}
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	if s.last.Pages == nil {
		s.last.Pages = map[string]int64{}
	}
	s.last.Pages[path] = r.Pages[path]
	s.gen++
}

// encode returns the JSON body and ETag of the snapshot for path, reusing
// the encoding while nothing changed. The ETag ignores the read time, so a
// poll answers 304 while the counts stay the same.
func (s *Server) encode(ctx context.Context, path string) encoded {
	snap := s.snapshot(ctx, path)
	s.snapMu.Lock()
	gen := s.gen
	e, ok := s.encoded[snap.Path]
	s.snapMu.Unlock()
	if ok && e.gen == gen {
		return e
	}
	body, _ := json.Marshal(snap)
	t := snap.Time
	snap.Time = time.Time{}
	tagBody, _ := json.Marshal(snap)
	snap.Time = t
	h := fnv.New64a()
	h.Write(tagBody)
	e = encoded{gen: gen, body: body, etag: fmt.Sprintf(`"%x"`, h.Sum64()), ok: snap.Available}
	s.snapMu.Lock()
	if len(s.encoded) > s.o.MaxPages {
		clear(s.encoded)
	}
	s.encoded[snap.Path] = e
	s.snapMu.Unlock()
	return e
}

// changed returns a channel closed at the next change announced through
// Redis pub/sub.
func (s *Server) changed() <-chan struct{} {
	s.snapMu.Lock()
	defer s.snapMu.Unlock()
	return s.changedCh
}

// --- HTTP ---

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

// cors adds CORS headers for an allowed cross-origin request.
func (s *Server) cors(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h["Vary"] = append(h["Vary"], "Origin") // h.Add("Vary", "Origin")
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

// hitBody is what widget.js beacons.
type hitBody struct {
	Path  string `json:"path"`
	Token string `json:"token"`
}

func (s *Server) handleHit(w http.ResponseWriter, r *http.Request) {
	if !s.originAllowed(r) {
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	s.cors(w, r)
	bp := hitBufs.Get().(*[]byte)
	defer hitBufs.Put(bp)
	body, err := readHitBody(w, r.Body, *bp)
	*bp = body[:0]
	if err != nil {
		if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "bad body", http.StatusBadRequest)
		return
	}
	h, ok := parseHitFast(body)
	if !ok && len(bytes.TrimSpace(body)) > 0 {
		var hj hitBody
		if err := json.Unmarshal(body, &hj); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		h = hj
	}
	addr := clientAddr(r, s.o.TrustProxy)
	now := s.o.Now()
	if !s.lim.allow(addr, now) {
		w.Header().Set("Retry-After", "1")
		http.Error(w, "too many hits", http.StatusTooManyRequests)
		return
	}
	s.hit(r, now, addr, h)
	w.WriteHeader(http.StatusNoContent)
}

// hit records one beacon, seen at now, unless it comes from a crawler, a
// prefetch or a reader who opted out.
func (s *Server) hit(r *http.Request, now time.Time, addr string, h hitBody) {
	ua := header(r.Header, "User-Agent")
	if isCrawler(ua) || isPrefetch(r) || (!s.o.RecordGPC && optedOut(r)) {
		return
	}
	token := h.Token
	if token == "" {
		if c, err := r.Cookie(tokenCookie); err == nil {
			token, _ = url.PathUnescape(c.Value)
		}
	}
	if token != "" {
		if name, err := ParseToken(s.o.Secret, token, now); err == nil {
			s.recordAt(now, name, "u:"+name, h.Path)
			return
		}
	}
	if s.o.NoGuests {
		return
	}
	day, err := s.guestDay(r.Context(), now)
	if err != nil {
		s.dropped.Add(1)
		return
	}
	s.recordAt(now, "", day.hash.member(s.o.Site, addr, ua), h.Path)
}

// reportBody is what POST /report accepts: one name or several.
type reportBody struct {
	Name  string   `json:"name"`
	Names []string `json:"names"`
	Path  string   `json:"path"`
}

func (s *Server) handleReport(w http.ResponseWriter, r *http.Request) {
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if len(s.o.Secret) == 0 || !ok || subtle.ConstantTimeCompare([]byte(auth), s.o.Secret) != 1 {
		http.Error(w, "unauthorized", http.StatusUnauthorized)
		return
	}
	var rb reportBody
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxReportBody))
	if err := dec.Decode(&rb); err != nil {
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
	e := s.encode(r.Context(), r.URL.Query().Get("path"))
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
	if s.streams.Add(1) > maxStreams {
		s.streams.Add(-1)
		w.Header().Set("Retry-After", "10")
		http.Error(w, "too many streams", http.StatusTooManyRequests)
		return
	}
	defer s.streams.Add(-1)
	s.cors(w, r)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	path := r.URL.Query().Get("path")
	ctx := r.Context()
	poll := time.NewTicker(max(s.o.Refresh, time.Second))
	defer poll.Stop()
	var last string
	idle := 0
	fmt.Fprintf(w, "retry: %d\n\n", max(1000, s.o.Refresh.Milliseconds()))
	for {
		e := s.encode(ctx, path)
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
		changed := s.changed()
		select {
		case <-ctx.Done():
			return
		case <-s.done:
			return
		case <-poll.C:
		case <-changed:
			// Wait until the next refresh is allowed, so a change is
			// pushed as soon as the snapshot can show it.
			s.snapMu.Lock()
			wait := s.o.Refresh - s.o.Now().Sub(s.triedAt)
			s.snapMu.Unlock()
			if wait > 0 {
				select {
				case <-ctx.Done():
					return
				case <-s.done:
					return
				case <-time.After(wait):
				}
			}
		}
	}
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
	Status   string `json:"status"`   // "ok" or "unavailable"
	Scope    string `json:"scope"`    // "shared" or "local"
	Strategy string `json:"strategy"` // "zset" or "sets"
	Breaker  string `json:"breaker"`  // "closed", "open" or "half-open"
	Dropped  int64  `json:"dropped"`  // sightings lost to store errors or caps since start
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	err := s.do(r.Context(), "ping", func(ctx context.Context) error { return s.c.Ping(ctx).Err() })
	h := Health{Status: "ok", Scope: s.scope, Strategy: s.o.Strategy, Breaker: s.br.state(s.o.Now()), Dropped: s.dropped.Load()}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		h.Status = "unavailable"
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(h)
}

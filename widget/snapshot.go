package widget

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

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

// snapshots is the per-instance snapshot cache: it reads Redis at most
// once per Options.Refresh however many readers poll (singleflight), keeps
// the last good reading to serve, marked stale, while Redis is down, and
// keeps each page's encoded answer until something changes. It is safe for
// concurrent use.
type snapshots struct {
	o     *Options // shared with the Server, read-only
	conn  *redisConn
	group singleflight.Group

	mu      sync.Mutex
	last    reading              // last good reading
	okAt    time.Time            // when last was read; zero before the first
	triedAt time.Time            // last refresh attempt
	failing bool                 // the last attempt failed
	gen     uint64               // bumped when last, okAt or failing change
	asked   map[string]time.Time // page path → last asked for
	encoded map[string]encoded   // path → response body for gen
}

// encoded is one snapshot's response, valid while gen is current.
type encoded struct {
	gen  uint64
	body []byte
	etag string
	ok   bool
}

func newSnapshots(o *Options, conn *redisConn) *snapshots {
	return &snapshots{o: o, conn: conn, asked: map[string]time.Time{}, encoded: map[string]encoded{}}
}

// encode returns the JSON body and ETag of the snapshot for path, reusing
// the encoding while nothing changed. The ETag ignores the read time, so a
// poll answers 304 while the counts stay the same.
func (sn *snapshots) encode(ctx context.Context, path string) encoded {
	snap := sn.snapshot(ctx, path)
	sn.mu.Lock()
	gen := sn.gen
	e, ok := sn.encoded[snap.Path]
	sn.mu.Unlock()
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
	sn.mu.Lock()
	if len(sn.encoded) > sn.o.MaxPages {
		clear(sn.encoded)
	}
	sn.encoded[snap.Path] = e
	sn.mu.Unlock()
	return e
}

// snapshot returns the snapshot for path, reading Redis at most once per
// Refresh (plus once the first time a page is asked for).
func (sn *snapshots) snapshot(ctx context.Context, path string) Snapshot {
	if !validPath(path) {
		path = ""
	}
	now := sn.o.Now()
	sn.mu.Lock()
	due := sn.triedAt.IsZero() || now.Sub(sn.triedAt) >= sn.o.Refresh
	known := true
	if path != "" {
		_, known = sn.last.Pages[path]
		if _, ok := sn.asked[path]; ok || len(sn.asked) < sn.o.MaxPages {
			sn.asked[path] = now
		} else {
			path = "" // too many pages asked for: site-wide only
		}
	}
	sn.mu.Unlock()
	switch {
	case due:
		sn.group.Do("refresh", func() (any, error) { sn.refresh(ctx, now); return nil, nil })
	case !known && path != "":
		sn.group.Do("page:"+path, func() (any, error) { sn.refreshPage(ctx, now, path); return nil, nil })
	}
	sn.mu.Lock()
	defer sn.mu.Unlock()
	snap := Snapshot{
		Scope:     sn.conn.scope,
		Window:    sn.o.Window.Seconds(),
		Heartbeat: sn.o.Heartbeat.Seconds(),
		Poll:      sn.o.Poll.Seconds(),
		Path:      path,
		Names:     []string{},
	}
	if sn.okAt.IsZero() || (sn.failing && now.Sub(sn.okAt) > sn.o.StaleFor) {
		return snap
	}
	snap.Available = true
	snap.Stale = sn.failing
	snap.Time = sn.okAt.UTC()
	snap.Named, snap.Guests = sn.last.Named, sn.last.Guests
	snap.Total = snap.Named + snap.Guests
	if sn.last.Names != nil {
		snap.Names = sn.last.Names
	}
	snap.Page = sn.last.Pages[path]
	return snap
}

// refresh reads the site-wide counts and those of every page asked for
// within the window.
func (sn *snapshots) refresh(ctx context.Context, now time.Time) {
	sn.mu.Lock()
	paths := make([]string, 0, len(sn.asked))
	for p, at := range sn.asked {
		if now.Sub(at) > sn.o.Window {
			delete(sn.asked, p)
			continue
		}
		paths = append(paths, p)
	}
	sn.mu.Unlock()
	var r reading
	err := sn.conn.do(context.WithoutCancel(ctx), "read", reads, func(ctx context.Context) error {
		var err error
		r, err = sn.conn.st.read(ctx, now, paths, sn.o.MaxNames)
		return err
	})
	sn.mu.Lock()
	defer sn.mu.Unlock()
	// Set only now, so requests arriving during the first read join it
	// (singleflight) instead of answering "unavailable".
	sn.triedAt = now
	sn.gen++
	// While writes fail, what Redis holds is no longer who is online: the
	// last good reading is served, marked stale, as when reads fail.
	if err != nil || sn.conn.writesFailing() {
		sn.failing = true
		return
	}
	sn.last, sn.okAt, sn.failing = r, now, false
}

// refreshPage reads one page's count, the first time it is asked for.
func (sn *snapshots) refreshPage(ctx context.Context, now time.Time, path string) {
	var r reading
	err := sn.conn.do(context.WithoutCancel(ctx), "read page", reads, func(ctx context.Context) error {
		var err error
		r, err = sn.conn.st.read(ctx, now, []string{path}, 0)
		return err
	})
	if err != nil {
		return
	}
	sn.mu.Lock()
	defer sn.mu.Unlock()
	if sn.last.Pages == nil {
		sn.last.Pages = map[string]int64{}
	}
	sn.last.Pages[path] = r.Pages[path]
	sn.gen++
}

// untilRefresh returns how long until the next refresh is allowed.
func (sn *snapshots) untilRefresh() time.Duration {
	sn.mu.Lock()
	defer sn.mu.Unlock()
	return sn.o.Refresh - sn.o.Now().Sub(sn.triedAt)
}

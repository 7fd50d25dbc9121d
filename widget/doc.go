// Package widget is the "who's online" presence endpoint: it records which
// readers are on a blog right now, in Redis, and serves the sidebar widget
// that shows them.
//
// A [Server] is an [net/http.Handler] (mount it with [net/http.StripPrefix]
// at the site's widget path, "/_online" by default) serving:
//
//	POST /hit        the page's beacon (text/plain JSON {"path", "token", "id"}) → 204
//	POST /leave      a reader going (the same, plus "all" for the whole site) → 204
//	GET  /           the [Snapshot] JSON, ?path=/post/ for one page's readers
//	GET  /stream     Server-Sent Events of the snapshot (Options.Stream)
//	GET  /widget.js  the embedded script that renders [data-whos-online]
//	POST /report     a named report from the host site's server (bearer secret)
//	GET  /healthz    store status ([Health])
//
// # Storage
//
// Presence lives in Redis under keys that share one hash tag per site, so
// they work on Redis Cluster: wo:{SITE}:u (named readers), wo:{SITE}:g
// (guests), wo:{SITE}:p:PATH (one page's readers), wo:{SITE}:pages (the
// page index), wo:{SITE}:k:YYYYMMDD (the day's guest-hash key) and, for
// the "sets" strategy, the :cur/:old pairs and wo:{SITE}:tick. Every key
// has a TTL and every population a size cap. The default "zset" strategy
// keeps one sorted set per population scored by last-seen milliseconds (an
// exact sliding window); "sets" is the seed design (SADD to current, a
// periodic RENAME to old, SUNION to read). Hits are coalesced in memory and
// written about once a second in one transaction, so Redis load follows
// distinct readers, not requests; snapshots are read at most once per
// Options.Refresh per instance. A leave (POST /leave, sent at pagehide)
// takes its reader off the page's and, when the browser shows no other
// page of the site, the site's sets at the next flush; the window only
// removes the readers who never sent one. With no Redis configured, the Server runs
// an embedded miniredis and advances its clock itself; snapshots then say
// scope "local".
//
// # Identities
//
// Named readers come only from a token signed with the shared secret
// ([SignToken]: "NAME|EXPIRY|hex(HMAC-SHA256(secret, NAME|EXPIRY))"), sent in
// the widget's data-token attribute or a percent-encoded "wo_token" cookie,
// from POST /report with "Authorization: Bearer SECRET", or from
// [Middleware] in a Go host site. Guests are an HMAC under a random key
// that changes every day of (site, browser id), the id being a random
// one widget.js keeps in localStorage and renews daily, or, for a
// browser without one, of (site, address, user agent): never the raw
// address or id. One address adds at most Options.GuestsPerAddr guests per
// window, and X-Forwarded-For is believed only from Options.TrustedProxies. Crawlers (by the crawler-user-agents list), programs
// that lack the headers every browser sends with a beacon, prefetches and
// readers sending Sec-GPC or DNT are not recorded (see Options.RecordGPC).
//
// # Failure
//
// Redis calls have short deadlines behind a circuit breaker. When Redis is
// down, hits still answer 204 and are kept in memory (the sightings of the
// last window, up to a bound past which they are dropped and counted),
// snapshots are served from memory marked stale and, after
// Options.StaleFor, as unavailable (widget.js then hides itself). While
// the breaker is open a cheap probe runs at most twice a second, so
// within about a second of Redis coming back the kept hits are written
// and snapshots are fresh again. Writes are watched apart from reads: when Redis answers reads but
// refuses writes (out of memory under noeviction, a read-only replica),
// GET /healthz answers 503 with "writes": "failing", the snapshot is
// served stale, and the log says what Redis answered.
//
// # Example
//
//	srv, err := widget.New(widget.Options{
//		Redis:   "redis://localhost:6379/0",
//		Site:    "blog.example",
//		Origins: []string{"https://blog.example"},
//		Secret:  []byte(os.Getenv("BLOG_WIDGET_SECRET")),
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	defer srv.Close()
//	http.Handle("/_online/", http.StripPrefix("/_online", srv))
package widget

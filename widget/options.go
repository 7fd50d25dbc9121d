package widget

import (
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// Options configures a [Server]. The zero value works: it tracks presence
// for the site "default" in an embedded in-process Redis (miniredis), counts
// guests, ignores readers who send Global Privacy Control or Do Not Track,
// and accepts hits only from the endpoint's own origin.
//
// Every field documents its default; [New] fills them in.
type Options struct {
	// Client is the Redis the presence lives in: a *redis.Client, a
	// *redis.ClusterClient or a failover client. The Server does not close
	// it. Default: a client for Redis (if set), else an embedded miniredis
	// that the Server starts and closes.
	Client redis.UniversalClient
	// Redis is a redis:// (or rediss://, unix://) URL used when Client is
	// nil. A URL with extra addr= query parameters makes a Cluster client;
	// one with master_name= makes a Sentinel (failover) client. The Server
	// closes the client it makes. Default "": embedded miniredis.
	Redis string

	// Site is the key namespace; every key is "wo:{Site}:…", so all of a
	// site's keys share one Redis Cluster hash slot. It must not contain
	// braces. Default "default".
	Site string
	// Strategy is "zset" (one sorted set per population scored by last-seen
	// time: an exact sliding window) or "sets" (the seed design: SADD into
	// a current set, a tick renames current to old). Default "zset".
	Strategy string
	// Window is how long a reader counts after their last beat. Default 5m.
	Window time.Duration
	// Heartbeat is how often an open, visible page beats. It is sent to
	// widget.js in the snapshot; it must be shorter than Window (and than
	// Window/2 with the "sets" strategy). Default 60s.
	Heartbeat time.Duration
	// Poll is how often widget.js asks for a snapshot while visible.
	// Default: 15s, or Heartbeat when that is shorter.
	Poll time.Duration
	// Flush is how often coalesced hits are written to Redis. Default 1s.
	Flush time.Duration
	// Refresh is the longest a computed snapshot is reused: an instance
	// reads Redis for snapshots at most once per Refresh, however many
	// readers poll. Default 2s.
	Refresh time.Duration
	// StaleFor is how long the last good snapshot is served, marked stale,
	// while Redis is unreachable; after that the endpoint answers
	// "unavailable". Default: Window.
	StaleFor time.Duration
	// Timeout bounds every Redis call. Default 500ms.
	Timeout time.Duration

	// NoGuests stops counting anonymous readers. Default false: guests are
	// counted, as an HMAC under a random per-day key of (site, browser id)
	// or, for a browser that sends no id, (site, address, user agent);
	// never as a raw address or id.
	NoGuests bool
	// RecordGPC records readers who send "Sec-GPC: 1" or "DNT: 1". Default
	// false: they are not recorded.
	RecordGPC bool
	// TrustProxy takes the client address from X-Forwarded-For when the
	// request comes from one of TrustedProxies: the right-most entry that
	// is not itself a trusted proxy (each proxy appends the address it was
	// reached from). From any other peer the header is ignored and the
	// peer is the client, so a client that reaches the endpoint around the
	// proxy cannot pick its address. Default false: the peer is the client.
	TrustProxy bool
	// TrustedProxies lists the reverse proxies' addresses ("10.0.0.5") or
	// networks ("10.0.0.0/24", "2001:db8::/48"); setting it implies
	// TrustProxy. Default: loopback, private and link-local networks
	// (127.0.0.0/8, ::1, 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16,
	// fc00::/7, 169.254.0.0/16, fe80::/10).
	TrustedProxies []string
	// Origins lists the origins ("https://example.com") allowed to report
	// hits and read snapshots cross-origin; "*" allows any. The endpoint's
	// own origin is always allowed. Default: none besides its own.
	Origins []string
	// Secret signs reader tokens ([SignToken]) and authenticates
	// server-to-server reports (POST /report, "Authorization: Bearer
	// SECRET", the scheme in any case). Default nil: named readers are disabled, only guests count.
	Secret []byte

	// Stream enables GET /stream (Server-Sent Events), fanned out across
	// instances through Redis pub/sub. Default false: readers poll.
	Stream bool
	// MaxNames is how many names a snapshot lists, most recent first.
	// Default 10.
	MaxNames int
	// MaxMembers caps each population (named, guests, one page's readers)
	// in Redis, whatever the number of instances; beyond it the least
	// recently seen are trimmed at each write (with the "sets" strategy,
	// members picked at random, per set). Default 250000.
	MaxMembers int
	// MaxPages caps how many distinct pages are tracked at once, in Redis
	// across all instances: the least recently seen pages beyond it are
	// dropped from the page index and their keys deleted in the same
	// transaction. Default 1000.
	MaxPages int
	// HitRate is how many hits per second one client address may send,
	// with bursts of 10×. Zero means 5; negative disables the limit.
	HitRate float64
	// GuestsPerAddr caps the distinct guests (browsers, told apart by
	// their browser id, else by user agent) one client address adds
	// within Window, on each instance; the hits of further ones are not
	// counted. It keeps one client from inflating the count by rotating
	// its User-Agent or browser id, while a
	// household or an office behind one address still counts a few
	// readers. Zero means 4; negative disables the cap.
	GuestsPerAddr int

	// Logger receives store errors (at most one line per LogEvery) and
	// lifecycle events. Visitor identities are never logged. Default: a
	// logger that discards.
	Logger *slog.Logger
	// LogEvery is the least time between two logged store errors.
	// Default 30s.
	LogEvery time.Duration
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// withDefaults returns o with every zero field set to its default, or an
// error when a field is invalid.
func (o Options) withDefaults() (Options, error) {
	if o.Site == "" {
		o.Site = "default"
	}
	if strings.ContainsAny(o.Site, "{}") || len(o.Site) > 128 {
		return o, fmt.Errorf("widget: invalid site %q: no braces, at most 128 bytes", o.Site)
	}
	switch o.Strategy {
	case "":
		o.Strategy = "zset"
	case "zset", "sets":
	default:
		return o, fmt.Errorf("widget: unknown strategy %q (want zset or sets)", o.Strategy)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.Window, 5*time.Minute)
	def(&o.Heartbeat, 60*time.Second)
	def(&o.Poll, min(15*time.Second, o.Heartbeat))
	def(&o.Flush, time.Second)
	def(&o.Refresh, 2*time.Second)
	def(&o.StaleFor, o.Window)
	def(&o.Timeout, 500*time.Millisecond)
	def(&o.LogEvery, 30*time.Second)
	if o.Heartbeat >= o.Window {
		return o, fmt.Errorf("widget: heartbeat %v must be shorter than window %v", o.Heartbeat, o.Window)
	}
	if o.Strategy == "sets" && o.Heartbeat >= o.Window/2 {
		return o, fmt.Errorf("widget: with the sets strategy, heartbeat %v must be shorter than window/2 (%v)", o.Heartbeat, o.Window/2)
	}
	if o.MaxNames <= 0 {
		o.MaxNames = 10
	}
	if o.MaxMembers <= 0 {
		o.MaxMembers = 250_000
	}
	if o.MaxPages <= 0 {
		o.MaxPages = 1000
	}
	if o.HitRate == 0 {
		o.HitRate = 5
	}
	if o.GuestsPerAddr == 0 {
		o.GuestsPerAddr = 4
	}
	if _, err := newProxies(o.TrustProxy, o.TrustedProxies); err != nil {
		return o, err
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o, nil
}

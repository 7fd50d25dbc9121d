package widget

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxPathLen is the longest page path that is tracked per page. Longer or
// malformed paths still count the reader site-wide.
const MaxPathLen = 256

// keys names every Redis key of one site. All of them carry the hash tag
// {SITE}, so multi-key commands and transactions work on Redis Cluster.
type keys struct {
	prefix string // "wo:{SITE}:"
}

func newKeys(site string) keys { return keys{prefix: "wo:{" + site + "}:"} }

func (k keys) users() string           { return k.prefix + "u" }
func (k keys) guests() string          { return k.prefix + "g" }
func (k keys) page(path string) string { return k.prefix + "p:" + path }

// pages indexes the tracked page paths (a sorted set scored by last-seen
// time), so page keys can be trimmed and rotated without SCAN.
func (k keys) pages() string { return k.prefix + "pages" }

// tick is the sets strategy's lock: it holds the last rotated epoch.
func (k keys) tick() string { return k.prefix + "tick" }

// probe is the short-lived key written to learn whether Redis takes
// writes again.
func (k keys) probe() string { return k.prefix + "probe" }

// changes is the pub/sub channel that tells instances presence changed.
func (k keys) changes() string { return k.prefix + "changes" }

// dayKey names the day's random guest-hash key.
func (k keys) dayKey(t time.Time) string { return k.prefix + "k:" + t.UTC().Format("20060102") }

// validPath reports whether p may name a page key: an absolute URL path of
// at most MaxPathLen bytes of printable UTF-8, without query or fragment.
func validPath(p string) bool {
	if p == "" || p[0] != '/' || len(p) > MaxPathLen {
		return false
	}
	ascii := true
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c >= utf8.RuneSelf:
			ascii = false
		case c <= ' ' || c == 0x7f || c == '?' || c == '#' || c == '{' || c == '}':
			return false // ASCII control, space or excluded character
		}
	}
	if ascii {
		return true
	}
	if !utf8.ValidString(p) {
		return false
	}
	if strings.ContainsAny(p, "?#{}") {
		return false
	}
	for _, r := range p {
		if unicode.IsControl(r) || unicode.IsSpace(r) {
			return false
		}
	}
	return true
}

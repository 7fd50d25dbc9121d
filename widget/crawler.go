package widget

import (
	_ "embed"
	"encoding/json"
	"net/http"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
)

// Crawlers, link previewers, monitors and HTTP libraries are not readers.
// They are told apart in two ways: by their user agent, against the
// maintained crawler-user-agents list (crawlers/, MIT), and by the
// absence of headers every browser sends with a beacon (notBrowser).

//go:embed crawlers/crawler-user-agents.json
var crawlerJSON []byte

// localCrawlers are patterns the list lacks, in its syntax.
var localCrawlers = []string{
	`^Java/`, // the JDK's HttpURLConnection and HttpClient
}

// crawlerMatcher matches user agents against the list's patterns, about
// 1,500 regular expressions, without running them one by one: each has a
// literal it requires (found with regexp/syntax), and one pass over the
// user agent looks for those literals by their first three bytes, through
// a bit set that rules out almost every position at the cost of a shift.
// Only a pattern whose literal occurs, and that is more than that literal,
// runs as a regular expression. A match allocates nothing.
type crawlerMatcher struct {
	lits     []crawlerLit
	seen     [1 << 16 / 64]uint64 // bit per hashed trigram that starts a literal
	byTri    map[uint32][]int32   // literal indexes by their first three bytes
	fallback []*regexp.Regexp     // patterns without a usable literal: always run
}

// trigram packs the three bytes at s[i:].
func trigram(s string, i int) uint32 { return uint32(s[i])<<16 | uint32(s[i+1])<<8 | uint32(s[i+2]) }

// triBit is the bit of a trigram in crawlerMatcher.seen.
func triBit(t uint32) uint32 { return (t * 2654435761) >> 16 }

type crawlerLit struct {
	s  string
	re *regexp.Regexp // nil when finding s is the whole match
}

// crawlers is the matcher, compiled once, on first use.
var crawlers = sync.OnceValue(func() *crawlerMatcher {
	var list []struct {
		Pattern string `json:"pattern"`
	}
	if err := json.Unmarshal(crawlerJSON, &list); err != nil {
		panic("widget: crawler list: " + err.Error()) // embedded: a build error
	}
	pats := localCrawlers
	for _, c := range list {
		pats = append(pats, c.Pattern)
	}
	return newCrawlerMatcher(pats)
})

// newCrawlerMatcher compiles patterns; those Go cannot compile are left
// out (TestCrawlerList checks there are none).
func newCrawlerMatcher(patterns []string) *crawlerMatcher {
	m := &crawlerMatcher{byTri: map[uint32][]int32{}}
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			continue
		}
		tree, err := syntax.Parse(p, syntax.Perl)
		if err != nil {
			continue
		}
		lits := requiredLiterals(tree.Simplify())
		if len(lits) == 0 || anyShort(lits) {
			m.fallback = append(m.fallback, re)
			continue
		}
		if prefix, complete := re.LiteralPrefix(); complete && len(lits) == 1 && lits[0] == prefix {
			re = nil // a plain literal: finding it is matching it
		}
		for _, l := range lits {
			t := trigram(l, 0)
			m.byTri[t] = append(m.byTri[t], int32(len(m.lits)))
			m.lits = append(m.lits, crawlerLit{s: l, re: re})
			b := triBit(t)
			m.seen[b/64] |= 1 << (b % 64)
		}
	}
	return m
}

// anyShort reports whether a literal is too short to index (three bytes
// are needed).
func anyShort(lits []string) bool {
	for _, l := range lits {
		if len(l) < 3 {
			return true
		}
	}
	return false
}

// requiredLiterals returns literals one of which occurs in every string re
// matches, or nil when it finds none. Case-folded parts are not literals.
func requiredLiterals(re *syntax.Regexp) []string {
	switch re.Op {
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return nil
		}
		return []string{string(re.Rune)}
	case syntax.OpCapture, syntax.OpPlus:
		return requiredLiterals(re.Sub[0])
	case syntax.OpRepeat:
		if re.Min >= 1 {
			return requiredLiterals(re.Sub[0])
		}
	case syntax.OpConcat:
		// The part whose shortest literal is longest narrows most.
		var best []string
		score := func(ls []string) int {
			n := -1
			for _, l := range ls {
				if n < 0 || len(l) < n {
					n = len(l)
				}
			}
			return n
		}
		for _, sub := range re.Sub {
			if ls := requiredLiterals(sub); ls != nil && score(ls) > score(best) {
				best = ls
			}
		}
		return best
	case syntax.OpAlternate:
		var out []string
		for _, sub := range re.Sub {
			ls := requiredLiterals(sub)
			if ls == nil {
				return nil
			}
			out = append(out, ls...)
		}
		return out
	}
	return nil
}

// match reports whether ua matches one of the patterns.
func (m *crawlerMatcher) match(ua string) bool {
	for i := 0; i+2 < len(ua); i++ {
		t := trigram(ua, i)
		if b := triBit(t); m.seen[b/64]&(1<<(b%64)) == 0 {
			continue
		}
		for _, j := range m.byTri[t] {
			l := &m.lits[j]
			if strings.HasPrefix(ua[i:], l.s) && (l.re == nil || l.re.MatchString(ua)) {
				return true
			}
		}
	}
	for _, re := range m.fallback {
		if re.MatchString(ua) {
			return true
		}
	}
	return false
}

// isCrawler reports whether ua is empty or names a known crawler.
func isCrawler(ua string) bool {
	return ua == "" || crawlers().match(ua)
}

// notBrowser reports whether a beacon lacks what browsers send with every
// one: Accept-Language always, and, when the user agent claims a browser
// recent enough to send Fetch Metadata (Chromium 80 and Firefox 90 on) to
// an origin that gets it (HTTPS, or localhost), Sec-Fetch-Mode. A script
// that borrows a browser's user agent rarely copies those. Chromium's
// sendBeacon sends Accept-Language, Origin, Referer and Sec-Fetch-Dest,
// -Mode and -Site.
func notBrowser(r *http.Request, ua string) bool {
	if header(r.Header, "Accept-Language") == "" {
		return true
	}
	if header(r.Header, "Sec-Fetch-Mode") != "" || !trustworthy(r) {
		return false
	}
	return browserVersion(ua, "Chrome/") >= 80 || browserVersion(ua, "Firefox/") >= 90
}

// trustworthy reports whether the beacon went to a potentially
// trustworthy origin, the only ones browsers send Fetch Metadata to: over
// TLS here, or from a page (the Origin header) on HTTPS or localhost.
func trustworthy(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	o := header(r.Header, "Origin")
	return strings.HasPrefix(o, "https://") || strings.HasPrefix(o, "http://localhost") ||
		strings.HasPrefix(o, "http://127.") || strings.HasPrefix(o, "http://[::1]")
}

// browserVersion returns the major version after name ("Chrome/") in ua,
// or 0.
func browserVersion(ua, name string) int {
	i := strings.Index(ua, name)
	if i < 0 {
		return 0
	}
	v := 0
	for j := i + len(name); j < len(ua) && '0' <= ua[j] && ua[j] <= '9' && v < 1e6; j++ {
		v = 10*v + int(ua[j]-'0')
	}
	return v
}

// optedOut reports whether the request asks not to be tracked.
func optedOut(r *http.Request) bool {
	return header(r.Header, "Sec-Gpc") == "1" || header(r.Header, "Dnt") == "1"
}

// isPrefetch reports whether the request is a speculative prefetch.
func isPrefetch(r *http.Request) bool {
	return strings.Contains(header(r.Header, "Sec-Purpose"), "prefetch") || header(r.Header, "Purpose") == "prefetch"
}

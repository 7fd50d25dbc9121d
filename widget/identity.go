package widget

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// MaxNameLen is the longest reader name, in bytes, a token may carry.
const MaxNameLen = 64

var (
	// ErrInvalidToken is returned by [ParseToken] for a malformed token or
	// one whose signature does not match.
	ErrInvalidToken = errors.New("widget: invalid token")
	// ErrExpiredToken is returned by [ParseToken] for a correctly signed
	// token whose expiry has passed.
	ErrExpiredToken = errors.New("widget: expired token")
)

// SignToken returns a token vouching that the reader called name is signed
// in until expiry: "NAME|EXPIRY|MAC", where EXPIRY is Unix seconds and MAC
// is the lowercase hex HMAC-SHA256 of "NAME|EXPIRY" under secret. Any
// language can make one (see the package documentation). Put it in the
// widget's data-token attribute or, percent-encoded, in a "wo_token"
// cookie the endpoint receives.
func SignToken(secret []byte, name string, expiry time.Time) string {
	msg := name + "|" + strconv.FormatInt(expiry.Unix(), 10)
	return msg + "|" + hex.EncodeToString(mac(secret, msg))
}

func mac(secret []byte, msg string) []byte {
	h := hmac.New(sha256.New, secret)
	h.Write([]byte(msg))
	return h.Sum(nil)
}

// ParseToken checks a token made by [SignToken] and returns the name it
// vouches for. It returns [ErrInvalidToken] when the token is malformed,
// badly signed, signed with an empty secret or names an unprintable or
// over-long name, and [ErrExpiredToken] when it expired before now.
func ParseToken(secret []byte, token string, now time.Time) (string, error) {
	if len(secret) == 0 || len(token) > MaxNameLen+100 {
		return "", ErrInvalidToken
	}
	i := strings.LastIndexByte(token, '|')
	if i < 0 {
		return "", ErrInvalidToken
	}
	msg, sig := token[:i], token[i+1:]
	j := strings.LastIndexByte(msg, '|')
	if j < 0 {
		return "", ErrInvalidToken
	}
	name, exp := msg[:j], msg[j+1:]
	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(secret, msg)) {
		return "", ErrInvalidToken
	}
	sec, err := strconv.ParseInt(exp, 10, 64)
	if err != nil || !validName(name) {
		return "", ErrInvalidToken
	}
	if now.Unix() >= sec {
		return "", ErrExpiredToken
	}
	return name, nil
}

// validName reports whether name can be shown: non-empty printable UTF-8
// of at most MaxNameLen bytes. Markup is fine; it is always shown as text.
func validName(name string) bool {
	if name == "" || len(name) > MaxNameLen || !utf8.ValidString(name) || strings.TrimSpace(name) != name {
		return false
	}
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return false
		}
	}
	return true
}

// guestID is the guest identity: an HMAC of (site, address, user agent)
// under the day's random key. Nobody can recover the address from it or
// follow a reader across days.
func guestID(dayKey []byte, site, addr, ua string) string {
	h := hmac.New(sha256.New, dayKey)
	h.Write([]byte(site))
	h.Write([]byte{0})
	h.Write([]byte(addr))
	h.Write([]byte{0})
	h.Write([]byte(ua))
	return base64.RawURLEncoding.EncodeToString(h.Sum(nil)[:16])
}

// clientAddr returns the client's address for identity and rate limiting:
// the IP of RemoteAddr, or of the last X-Forwarded-For entry when the
// proxy is trusted. IPv6 addresses are cut to their /64, which privacy
// extensions rotate within.
func clientAddr(r *http.Request, trustProxy bool) string {
	s := r.RemoteAddr
	if h, _, err := net.SplitHostPort(s); err == nil {
		s = h
	}
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			last := xff[len(xff)-1]
			if i := strings.LastIndexByte(last, ','); i >= 0 {
				last = last[i+1:]
			}
			s = strings.TrimSpace(last)
		}
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return s
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return p.Addr().String()
	}
	return ip.String()
}

// crawlerWords are lowercase substrings of the user agents of crawlers,
// link previewers and monitors, which are not readers.
var crawlerWords = []string{
	"bot", "crawl", "spider", "slurp", "archiver", "facebookexternalhit",
	"embedly", "quora link preview", "whatsapp", "preview", "monitor",
	"curl/", "wget/", "python-requests", "go-http-client", "httpclient", "lighthouse",
}

// isCrawler reports whether ua is empty or names a known crawler.
func isCrawler(ua string) bool {
	if ua == "" {
		return true
	}
	ua = strings.ToLower(ua)
	for _, w := range crawlerWords {
		if strings.Contains(ua, w) {
			return true
		}
	}
	return false
}

// optedOut reports whether the request asks not to be tracked.
func optedOut(r *http.Request) bool {
	return r.Header.Get("Sec-GPC") == "1" || r.Header.Get("DNT") == "1"
}

// isPrefetch reports whether the request is a speculative prefetch.
func isPrefetch(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Sec-Purpose"), "prefetch") || r.Header.Get("Purpose") == "prefetch"
}

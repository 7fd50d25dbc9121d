package widget

import (
	"fmt"
	"hash/maphash"
	"net/http"
	"net/netip"
	"net/textproto"
	"strings"
	"sync"
	"time"
)

// defaultProxies are the networks trusted as reverse proxies when
// Options.TrustProxy is set without Options.TrustedProxies: loopback,
// private and link-local addresses, where a proxy in front of the endpoint
// usually is (Rails trusts the same by default). A client on the Internet
// that reaches the endpoint directly is never among them.
var defaultProxies = []string{
	"127.0.0.0/8", "::1/128", // loopback
	"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", // private
	"169.254.0.0/16", "fe80::/10", // link-local
}

// maxHops bounds how far back X-Forwarded-For is followed through trusted
// proxies.
const maxHops = 32

// proxies decides which address a request comes from: its peer, or with
// Options.TrustProxy, what the trusted proxies in front of the endpoint
// say in X-Forwarded-For.
type proxies struct {
	trust bool
	nets  []netip.Prefix
}

// newProxies parses the trusted proxies: addresses ("10.0.0.5") or
// networks ("10.0.0.0/24"); none means defaultProxies.
func newProxies(trust bool, list []string) (proxies, error) {
	p := proxies{trust: trust || len(list) > 0}
	if len(list) == 0 {
		list = defaultProxies
	}
	for _, s := range list {
		n, err := netip.ParsePrefix(s)
		if err != nil {
			ip, err2 := netip.ParseAddr(s)
			if err2 != nil {
				return proxies{}, fmt.Errorf("widget: trusted proxy %q is neither an address nor a network", s)
			}
			n = netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen())
		}
		p.nets = append(p.nets, n.Masked())
	}
	return p, nil
}

// trusted reports whether ip is one of the trusted proxies.
func (p *proxies) trusted(ip netip.Addr) bool {
	ip = ip.Unmap().WithZone("")
	for _, n := range p.nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// clientAddr returns the client's address, for identity and rate
// limiting, and the peer's (the other end of the connection). They are the
// same unless the proxy is trusted and the peer is one of the trusted
// proxies; then the client is the right-most X-Forwarded-For entry that is
// not a trusted proxy, each proxy having appended the address it was
// reached from. An entry that is not an address ends the walk: the client
// is then the last address seen, the peer at worst. ignored reports an
// X-Forwarded-For that was not followed because the peer is not trusted.
//
// Addresses are canonical text ([addrKey]); a peer that is not an IP
// address (a Unix socket) counts as a trusted proxy, for only local
// programs can reach one.
func (p *proxies) clientAddr(r *http.Request) (client, peer string, ignored bool) {
	peer, pip, isIP := peerAddr(r.RemoteAddr)
	xff := r.Header["X-Forwarded-For"]
	if !p.trust || len(xff) == 0 {
		return peer, peer, false
	}
	if isIP && !p.trusted(pip) {
		return peer, peer, true
	}
	client = peer
	hops := 0
	for i := len(xff) - 1; i >= 0; i-- {
		rest := xff[i]
		for {
			j := strings.LastIndexByte(rest, ',')
			key, ip, ok := addrKey(textproto.TrimString(rest[j+1:]))
			if !ok {
				return client, peer, false
			}
			client = key
			if hops++; !p.trusted(ip) || hops == maxHops {
				return client, peer, false
			}
			if j < 0 {
				break
			}
			rest = rest[:j]
		}
	}
	return client, peer, false // trusted proxies all the way: the first of them
}

// peerAddr returns the canonical address of a RemoteAddr ("host:port"),
// or RemoteAddr itself when it holds no IP address (a Unix socket).
func peerAddr(remote string) (key string, ip netip.Addr, ok bool) {
	host := remote
	if _, err := netip.ParseAddrPort(remote); err == nil {
		host = remote[:strings.LastIndexByte(remote, ':')]
		host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	}
	if key, ip, ok := addrKey(host); ok {
		return key, ip, true
	}
	return remote, netip.Addr{}, false
}

// addrKey parses s, an IP address with or without a port, and returns its
// canonical text: IPv4 dotted quad (also for IPv4-mapped IPv6), IPv6 cut
// to its /64, which privacy extensions rotate within. For a canonical
// IPv4 address, the common case, it returns s itself, allocating nothing.
func addrKey(s string) (key string, ip netip.Addr, ok bool) {
	ip, err := netip.ParseAddr(s)
	if err != nil {
		ap, err := netip.ParseAddrPort(s)
		if err != nil {
			return "", netip.Addr{}, false
		}
		ip, s = ap.Addr(), ""
	}
	if ip.Is4() && s != "" {
		return s, ip, true // ParseAddr takes only the canonical dotted quad: s == ip.String()
	}
	ip = ip.Unmap().WithZone("")
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		ip = p.Addr()
	}
	return ip.String(), ip, true
}

// guestCap bounds how many distinct guests one client address adds within
// a window: three tabs of one browser are one guest anyway, but rotating
// the User-Agent (or the browser id) would otherwise add one guest per
// request. Guests are told apart by their browser id or, without one,
// their user agent. It is safe for
// concurrent use and bounded in memory (maxClients addresses).
type guestCap struct {
	max    int
	window time.Duration
	seed   maphash.Seed

	mu     sync.Mutex
	addrs  map[string]*addrGuests
	pruned time.Time
}

// addrGuests are the user agents (as keyed hashes) of one address's guests
// and when each was last seen.
type addrGuests struct {
	ua   []uint64
	seen []time.Time
}

func newGuestCap(max int, window time.Duration) *guestCap {
	return &guestCap{max: max, window: window, seed: maphash.MakeSeed(), addrs: map[string]*addrGuests{}}
}

// admit reports whether the guest (addr, ua), ua being the user agent or
// the browser id, counts at now: it is one of
// the address's guests of the window, or there is room for one more.
func (g *guestCap) admit(addr, ua string, now time.Time) bool {
	h := maphash.String(g.seed, ua)
	g.mu.Lock()
	defer g.mu.Unlock()
	if now.Sub(g.pruned) > g.window {
		g.prune(now)
	}
	e, ok := g.addrs[addr]
	if !ok {
		if len(g.addrs) >= maxClients {
			clear(g.addrs) // fail open rather than grow
		}
		e = &addrGuests{ua: make([]uint64, 0, g.max), seen: make([]time.Time, 0, g.max)}
		g.addrs[addr] = e
	}
	free := -1
	for i, u := range e.ua {
		if u == h {
			e.seen[i] = now
			return true
		}
		if free < 0 && now.Sub(e.seen[i]) > g.window {
			free = i
		}
	}
	switch {
	case free >= 0:
		e.ua[free], e.seen[free] = h, now
	case len(e.ua) < g.max:
		e.ua, e.seen = append(e.ua, h), append(e.seen, now)
	default:
		return false
	}
	return true
}

// prune forgets the addresses none of whose guests was seen within the
// window. g.mu is held.
func (g *guestCap) prune(now time.Time) {
	g.pruned = now
	for addr, e := range g.addrs {
		idle := true
		for _, t := range e.seen {
			idle = idle && now.Sub(t) > g.window
		}
		if idle {
			delete(g.addrs, addr)
		}
	}
}

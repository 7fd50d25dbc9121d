package widget

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// The hot-path helpers must agree exactly with the straightforward code
// they stand in for.

func FuzzParseHitFast(f *testing.F) {
	for _, s := range []string{
		`{"path":"/a/"}`, `{"path":"/a/","token":"alice|1|00"}`, ` { "token" : "t" , "path" : "/p" } `,
		`{"path":"/a/","id":"AAAAAAAAAAAAAAAAAAAAAA"}`, `{"id":"x","token":"t","path":"/p"}`,
		`{}`, `{"path":""}`, `{"Path":"/a/"}`, `{"path":"/a/","path":"/b/"}`, `{"path":null}`,
		`{"path":"\u002f"}`, `{"path":"/é/"}`, `{"path":"/a/",}`, `{"path":"/a/"} x`, `{"path":"/a/"`,
		`{"path":"/a/"}{}`, `{"other":1}`, "\v{}", "", " ", `{"path":"/a/` + "\x7f" + `"}`,
	} {
		f.Add(s)
	}
	paths := newPathIntern(4) // small, so it fills and empties
	f.Fuzz(func(t *testing.T, body string) {
		fast, ok := parseHitFast([]byte(body))
		if interned, ok2 := parseHitInterned([]byte(body), paths); interned != fast || ok2 != ok {
			t.Fatalf("parseHitInterned(%q) = %+v, %v; parseHitFast = %+v, %v", body, interned, ok2, fast, ok)
		}
		if !ok {
			return
		}
		var want hitBody
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatalf("parseHitFast(%q) accepted what json.Unmarshal refuses: %v", body, err)
		}
		if fast != want {
			t.Fatalf("parseHitFast(%q) = %+v, json.Unmarshal = %+v", body, fast, want)
		}
	})
}

func TestParseHitFast(t *testing.T) {
	for body, want := range map[string]bool{
		`{"path":"/a/"}`:                     true,
		` {"token":"x|1|ab", "path":"/a/"} `: true,
		`{}`:                                 true,
		`{"id":"AAAAAAAAAAAAAAAAAAAAAA","path":"/a/"}`: true,
		`{"Path":"/a/"}`:                       false, // json matches keys case-insensitively: leave it to json
		`{"path":"\/a\/"}`:                     false,
		`{"path":"/a/","n":1}`:                 false,
		`{"path":"/a/"`:                        false,
		"":                                     false,
		`{"path":"/a/"}` + "\n":                true,
		`{"path":"/a/"}` + "\v":                false,
		`{"path":"/a/","token":"x"}{"path":1}`: false,
	} {
		if _, got := parseHitFast([]byte(body)); got != want {
			t.Errorf("parseHitFast(%q) = %v, want %v", body, got, want)
		}
	}
}

// crawlerRef is isCrawler the slow way: every pattern, one by one.
var crawlerRef = sync.OnceValue(func() []*regexp.Regexp {
	var list []struct{ Pattern string }
	if err := json.Unmarshal(crawlerJSON, &list); err != nil {
		panic(err)
	}
	var out []*regexp.Regexp
	for _, p := range append(slices.Clone(localCrawlers), func() (ps []string) {
		for _, c := range list {
			ps = append(ps, c.Pattern)
		}
		return ps
	}()...) {
		out = append(out, regexp.MustCompile(p))
	}
	return out
})

func isCrawlerRef(ua string) bool {
	if ua == "" {
		return true
	}
	for _, re := range crawlerRef() {
		if re.MatchString(ua) {
			return true
		}
	}
	return false
}

func FuzzIsCrawler(f *testing.F) {
	for _, s := range []string{ua1, ua2, "Googlebot/2.1", "CURL/8.0", "curl/8.0", "Mozilla/5.0 (compatible; \u212Aite)",
		"WhatsApp/2.0", "İ bot", "", "Java/17", "xJava/17", "python-httpx/0.27", "wget", "Wget", "HeadlessChrome/120"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ua string) {
		if got, want := isCrawler(ua), isCrawlerRef(ua); got != want {
			t.Fatalf("isCrawler(%q) = %v, want %v", ua, got, want)
		}
	})
}

// browserUAs are user agents of browsers people read with.
var browserUAs = []string{
	ua1, ua2,
	"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 OPR/116.0.0.0",
	"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
	"Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Mobile Safari/537.36",
}

func TestCrawlerList(t *testing.T) {
	t.Parallel()
	var list []struct {
		Pattern   string
		Instances []string
	}
	if err := json.Unmarshal(crawlerJSON, &list); err != nil {
		t.Fatal(err)
	}
	m := crawlers()
	if len(m.fallback) > 0 {
		t.Logf("%d patterns without an indexable literal run on every user agent", len(m.fallback))
	}
	for _, c := range list {
		if _, err := regexp.Compile(c.Pattern); err != nil {
			t.Errorf("pattern %q does not compile in Go: %v", c.Pattern, err)
		}
		for _, ua := range c.Instances {
			if !isCrawler(ua) {
				t.Errorf("isCrawler(%q) = false, want true (an instance of %q)", ua, c.Pattern)
			}
		}
	}
	for _, ua := range []string{
		"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
		"python-httpx/0.27.0", "Scrapy/2.11.0 (+https://scrapy.org)", "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
		"axios/1.6.7", "Java/17.0.2", "okhttp/4.12.0", "libwww-perl/6.72", "Googlebot/2.1", "curl/8.5.0", "",
	} {
		if !isCrawler(ua) {
			t.Errorf("isCrawler(%q) = false, want true", ua)
		}
	}
	for _, ua := range browserUAs {
		if isCrawler(ua) {
			t.Errorf("isCrawler(%q) = true, want false: a browser", ua)
		}
	}
}

func BenchmarkIsCrawler(b *testing.B) {
	uas := append(slices.Clone(browserUAs), "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "python-httpx/0.27.0")
	crawlers()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		isCrawler(uas[i%len(uas)])
		i++
	}
}

func TestGuestHasherMatchesGuestID(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	g := newGuestHasher(key)
	for range 2 { // computed, then cached
		for i := range 50 {
			addr, ua := fmt.Sprintf("192.0.2.%d", i), strings.Repeat("Mozilla/5.0 ", i)
			want := "g:" + guestID(key, "site", addr, ua)
			if got := g.member("site", addr, ua); got != want {
				t.Fatalf("member(%q, %q) = %q, want %q", addr, ua, got, want)
			}
		}
	}
	for i := range 3 * guestShards * guestShardMax { // the cache stays bounded
		g.member("site", strconv.Itoa(i), ua1)
	}
	for i := range g.shards {
		if n := len(g.shards[i].m); n > guestShardMax {
			t.Errorf("shard %d holds %d members, want at most %d", i, n, guestShardMax)
		}
	}
	if got, want := g.member("site", "1", ua1), "g:"+guestID(key, "site", "1", ua1); got != want {
		t.Errorf("member after churn = %q, want %q", got, want)
	}
}

// TestGuestHashRotatesDaily checks that the recycled hashers follow the
// day's key: the same reader hashes differently the next (UTC) day, and
// always as guestID under the key stored in Redis for that day.
func TestGuestHashRotatesDaily(t *testing.T) {
	t.Parallel()
	s, mr, clk := miniServer(t, Options{})
	guests := func() []string {
		t.Helper()
		s.mu.Lock()
		defer s.mu.Unlock()
		var out []string
		for g := range s.pending.guests {
			out = append(out, g)
		}
		s.pending = newBatch()
		return out
	}
	var seen []string
	for day := range 3 {
		if w := serve(s, hitReq("192.0.2.1", ua1, `{"path":"/a/"}`)); w.Code != 204 {
			t.Fatalf("POST /hit = %d", w.Code)
		}
		got := guests()
		key, err := mr.Get(s.k.dayKey(clk.Now()))
		if err != nil {
			t.Fatalf("day %d: no day key: %v", day, err)
		}
		want := guestID([]byte(key), s.o.Site, "192.0.2.1", ua1)
		if len(got) != 1 || got[0] != want {
			t.Fatalf("day %d: guests %q, want [%q]", day, got, want)
		}
		for _, g := range seen {
			if g == want {
				t.Fatalf("day %d: guest hash %q was already used on an earlier day", day, g)
			}
		}
		seen = append(seen, want)
		clk.Add(24 * time.Hour)
		mr.SetTime(clk.Now())
	}
}

// validPathRef is validPath without its ASCII fast path.
func validPathRef(p string) bool {
	if p == "" || p[0] != '/' || len(p) > MaxPathLen || !utf8.ValidString(p) {
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

func FuzzValidPath(f *testing.F) {
	for _, s := range []string{"/a/", "/a b/", "/a\x7f", "/é/", "/\u00a0", "/\u0085", "/\xff", "/a?b", "/{x}", "a/", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		if got, want := validPath(p), validPathRef(p); got != want {
			t.Fatalf("validPath(%q) = %v, want %v", p, got, want)
		}
	})
}

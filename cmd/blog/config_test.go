package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/blog-gen/blog/build"
	"github.com/blog-gen/blog/serve"
	"github.com/blog-gen/blog/widget"
)

// TestConfigAcceptedEverywhere holds the promise of build.Parse: a
// configuration it accepts is accepted by `blog widget` and `blog serve`
// too, which validate the same values again (widget.New, serve.New and the
// ServeMux patterns they register), so they can never refuse what `blog
// build` took, and then without a position. Configurations are generated
// around the edge of each rule; each rule must see both outcomes, or the
// edge is not where the test thinks.
func TestConfigAcceptedEverywhere(t *testing.T) {
	t.Parallel()
	// Redis URLs name 127.0.0.1:1, where nothing listens: New only parses
	// them, and the background work fails fast.
	rules := map[string][]string{
		"times": timeConfigs(),
		"site": {
			"site: a", "site: \"a{b}\"", "site: \"a}\"", "site: \"{\"", "site: \"a b\"", "site: \"a\\tb\"",
			"site: " + strings.Repeat("s", 128), "site: " + strings.Repeat("s", 129), "site: \"\"",
		},
		"site from url": {
			"#url https://" + strings.Repeat("h", 120) + ".com/", "#url https://" + strings.Repeat("h", 124) + ".com/",
			"#url https://" + strings.Repeat("h", 125) + ".com/", "#url http://[::1]:4000/", "#url https://example.com:8443/blog/",
		},
		"path": {
			"path: /_online", "path: /_online/", "path: /a/b", "path: /", "path: //", "path: /_blog", "path: /_blog/x",
			"path: /_blogx", "path: /_blo", "path: \"/a{b}\"", "path: \"/{x}\"", "path: \"/a b\"", "path: /a//b", "path: /a/../b",
			"path: /./a", "path: _online", "path: \"/a?b\"", "path: \"/a#b\"", "path: /~a.b-c_d", "path: \"/%41\"",
		},
		"strategy": {"strategy: zset", "strategy: sets", "strategy: ZSET", "strategy: \"\"", "strategy: list"},
		"redis": {
			"redis: \"\"", "redis: redis://127.0.0.1:1/0", "redis: rediss://127.0.0.1:1/0", "redis: unix:///tmp/blog-none.sock",
			"redis: redis://127.0.0.1:1/x", "redis: redis://127.0.0.1:1/0?dial_timeout=abc", "redis: \"redis://127.0.0.1:1?addr=127.0.0.1:2\"",
			"redis: \"redis://127.0.0.1:1?master_name=m\"", "redis: http://127.0.0.1:1", "redis: \"redis://%zz\"", "redis: 127.0.0.1:1",
			"redis: \"redis://127.0.0.1:1?addr=127.0.0.1:2&db=1\"", "redis: redis://u:p@127.0.0.1:1/3",
		},
		"origins": {
			"origins: [\"*\"]", "origins: [https://a.example]", "origins: [https://a.example/]", "origins: [a.example]",
			"origins: [https://a.example/x]", "origins: [ftp://a.example]", "origins: [\"https://a.example?q\"]", "origins: [HTTPS://A.EXAMPLE:8443]",
		},
		"trusted proxies": {
			"trusted_proxies: [10.0.0.0/8]", "trusted_proxies: [10.0.0.1]", "trusted_proxies: [\"::1\", \"fd00::/8\"]",
			"trusted_proxies: [10.0.0.0/33]", "trusted_proxies: [proxy]", "trusted_proxies: [\"\"]",
		},
		"guests per address": {"guests_per_address: 1", "guests_per_address: 0", "guests_per_address: -1", "guests_per_address: -2", "guests_per_address: 1000"},
		"secret env":         {"secret_env: S", "secret_env: \"\"", "secret_env: \"A B\"", "secret_env: _X1"},
	}
	root := t.TempDir()
	getenv := func(string) string { return "secret" }
	for name, snippets := range rules {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var accepted, refused int
			for _, snippet := range snippets {
				src := "site: {url: https://example.com/}\nwidget:\n  " + strings.ReplaceAll(snippet, "\n", "\n  ") + "\n"
				if u, ok := strings.CutPrefix(snippet, "#url "); ok {
					src = "site: {url: \"" + u + "\"}\n"
				}
				cfg := build.DefaultConfig()
				cfg.Root = root
				if err := build.Parse([]byte(src), &cfg); err != nil {
					refused++
					continue
				}
				accepted++
				if err := acceptedByServers(cfg, getenv); err != nil {
					t.Errorf("build.Parse accepts\n%s\nbut: %v", src, err)
				}
			}
			if accepted == 0 || refused == 0 {
				t.Errorf("%d configurations accepted, %d refused: want both, around the rule's edge", accepted, refused)
			}
		})
	}
}

// timeConfigs are windows and heartbeats on either side of the widget's
// bounds, with both strategies.
func timeConfigs() []string {
	var out []string
	for _, strategy := range []string{"zset", "sets"} {
		for _, window := range []time.Duration{time.Second, 2 * time.Second, 3 * time.Second, time.Minute, 5 * time.Minute} {
			for _, hb := range []time.Duration{time.Second, window/2 - time.Second, window / 2, window/2 + time.Second, window - time.Second, window, window + time.Second, 10 * time.Minute} {
				if hb <= 0 {
					continue
				}
				out = append(out, fmt.Sprintf("strategy: %s\nwindow: %s\nheartbeat: %s", strategy, window, hb))
			}
		}
	}
	return append(out, "heartbeat: 10m", "window: 30s", "window: 1m1s", "strategy: sets\nwindow: 2m", "strategy: sets\nwindow: 2m1s")
}

// acceptedByServers makes what `blog widget` and `blog serve` make of cfg.
func acceptedByServers(cfg build.Config, getenv func(string) string) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	opts := widgetOptions(cfg, getenv)
	opts.Timeout = 50 * time.Millisecond
	srv, err := widget.New(opts)
	if err != nil {
		return fmt.Errorf("widget.New: %w", err)
	}
	srv.Close()
	// The mux of cmdWidget.
	mux := http.NewServeMux()
	prefix := strings.TrimSuffix(cfg.Widget.Path, "/")
	mux.Handle(prefix+"/", http.NotFoundHandler())
	mux.Handle(prefix, http.NotFoundHandler())
	if _, err := serve.New(cfg, serve.Options{Widget: http.NotFoundHandler()}); err != nil {
		return fmt.Errorf("serve.New: %w", err)
	}
	return nil
}

package build

import (
	"fmt"
	"net/netip"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/blog-gen/blog/diag"
	"github.com/blog-gen/blog/highlight"
)

// checker collects the value errors of a configuration, each at the
// position of its key.
type checker struct {
	positions keyPositions
	errs      diag.List
}

// bad reports err about the value of the first of keys, located at the
// first of keys the file sets: a rule between two values blames the one
// written (a default cannot be at fault alone).
func (ck *checker) bad(err error, keys ...string) {
	pos := diag.Pos{File: ConfigFile}
	for _, k := range keys {
		if p, ok := ck.positions.at[k]; ok {
			pos = p
			break
		}
	}
	ck.errs.Add(&diag.Error{Pos: pos, Err: &valueError{msg: keys[0] + ": " + err.Error(), err: err}})
}

func (ck *checker) badf(key, format string, args ...any) {
	ck.bad(fmt.Errorf(format, args...), key)
}

// validate checks values the types cannot, and completes what depends on
// other values (a hook's name and timeout, site.url's final slash). It is
// the one place the configuration is checked: every rule of the commands
// that use it (the widget endpoint, the dev server) is here, so that what
// `blog build` accepts, `blog serve` and `blog widget` accept too.
func (c *Config) validate(positions keyPositions) error {
	ck := &checker{positions: positions}
	c.validateSite(ck)
	c.validateBuild(ck)
	c.checkTOC(ck.badf)
	c.checkRelated(ck.badf)
	c.validateHooks(ck)
	c.validateHighlight(ck)
	c.validateRST(ck)
	c.validateImages(ck)
	if c.Feeds.Items < 1 {
		ck.badf("feeds.items", "want 1 or more, not %d", c.Feeds.Items)
	}
	c.validateWidget(ck)
	if c.Deploy.Keep < 1 {
		ck.badf("deploy.keep", "want 1 or more releases, not %d", c.Deploy.Keep)
	}
	return ck.errs.Err()
}

func (c *Config) validateSite(ck *checker) {
	u, err := url.Parse(c.Site.URL)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		ck.badf("site.url", "want an absolute URL such as https://example.com/, not %q", c.Site.URL)
	case u.Scheme != "http" && u.Scheme != "https":
		ck.badf("site.url", "want an http or https URL, not %q", c.Site.URL)
	default:
		if !strings.HasSuffix(u.Path, "/") {
			u.Path += "/"
		}
		c.Site.URL = u.String()
	}
	if _, err := time.LoadLocation(c.Site.Timezone); err != nil {
		ck.bad(&valueError{msg: fmt.Sprintf("unknown time zone %q: want an IANA name such as Europe/Paris or UTC", c.Site.Timezone), err: err}, "site.timezone")
	}
}

func (c *Config) validateBuild(ck *checker) {
	b := &c.Build
	// build.permalink is checked by checkPermalink, placeholder by placeholder.
	if b.Paginate < 1 {
		ck.badf("build.paginate", "want a number of posts per page of 1 or more, not %d", b.Paginate)
	}
	for _, key := range []struct{ name, val string }{{"build.posts", b.Posts}, {"build.output", b.Output}} {
		if strings.TrimSpace(key.val) == "" {
			ck.badf(key.name, "must not be empty")
		}
	}
	if msg := c.outputProblem(); msg != "" && strings.TrimSpace(b.Output) != "" {
		ck.badf("build.output", "%s", msg)
	}
	for i, g := range b.Ignore {
		if _, err := filepath.Match(g, ""); err != nil {
			ck.bad(&valueError{msg: fmt.Sprintf("bad glob pattern %q", g), err: err}, fmt.Sprintf("build.ignore.%d", i), "build.ignore")
		}
	}
	for i, kind := range b.Disable {
		if !slices.Contains(pageKinds, kind) {
			ck.bad(fmt.Errorf("unknown page kind %q: want one of %s", kind, strings.Join(pageKinds, ", ")), fmt.Sprintf("build.disable.%d", i), "build.disable")
		}
	}
	if b.MaxPostSize < 1 {
		ck.badf("build.max_post_size", "want a size of 1 byte or more, such as 10MB, not %d", int64(b.MaxPostSize))
	}
}

// validateHooks checks the hooks and gives each its name and timeout.
func (c *Config) validateHooks(ck *checker) {
	h := &c.Build.Hooks
	if h.Timeout <= 0 {
		ck.badf("build.hooks.timeout", "want a duration above zero, such as 60s or 2m, not %s", h.Timeout)
	}
	for _, list := range []struct {
		name  string
		hooks []Hook
	}{{"build.hooks.pre_build", h.PreBuild}, {"build.hooks.post_build", h.PostBuild}} {
		for i := range list.hooks {
			hook := &list.hooks[i]
			key := fmt.Sprintf("%s.%d", list.name, i)
			if strings.TrimSpace(hook.Run) == "" {
				ck.badf(key, "want a command to run")
				continue
			}
			if hook.Name == "" {
				hook.Name = strings.Fields(hook.Run)[0]
			}
			switch {
			case hook.Timeout < 0:
				ck.bad(fmt.Errorf("want a duration above zero, such as 60s or 2m, not %s", hook.Timeout), key+".timeout", key)
			case hook.Timeout == 0:
				hook.Timeout = h.Timeout
			}
		}
	}
}

func (c *Config) validateHighlight(ck *checker) {
	for _, s := range []struct{ key, name string }{{"highlight.style", c.Highlight.Style}, {"highlight.dark_style", c.Highlight.DarkStyle}} {
		if s.name == "" && s.key == "highlight.dark_style" {
			continue
		}
		// The build makes its highlighter the same way: a style it
		// accepts here, it accepts there.
		if _, err := highlight.New(highlight.Options{Style: s.name}); err != nil {
			msg := fmt.Sprintf("unknown style %q", s.name)
			if sg := suggest(strings.ToLower(s.name), slices.Values(highlight.Names())); sg != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", sg)
			}
			ck.bad(&valueError{msg: msg, err: err}, s.key)
		}
	}
	if c.Highlight.TabWidth < 1 || c.Highlight.TabWidth > 16 {
		ck.badf("highlight.tab_width", "want 1 to 16, not %d", c.Highlight.TabWidth)
	}
}

// The rules of the who's-online endpoint (widget.Options and the
// servers that mount it): a site key without braces (it is the Redis
// Cluster hash tag) of at most maxSiteKey bytes, a path of its own under
// which ServeMux patterns and the dev server's /_blog/ cannot clash.
const maxSiteKey = 128

var (
	pathSegment = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)
	envName     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)
	// devServerPath is what `blog serve` keeps for itself.
	devServerPath = "/_blog"
)

func (c *Config) validateWidget(ck *checker) {
	w := &c.Widget
	if w.Strategy != "zset" && w.Strategy != "sets" {
		ck.badf("widget.strategy", "want zset or sets, not %q", w.Strategy)
	}
	if err := widgetPathProblem(w.Path); err != nil {
		ck.bad(err, "widget.path")
	} else {
		w.Path = "/" + strings.Trim(w.Path, "/")
	}
	if w.Endpoint != "" {
		u, err := url.Parse(w.Endpoint)
		if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" || u.RawQuery != "" || u.Fragment != "" {
			ck.badf("widget.endpoint", "want an absolute http or https URL such as https://online.example.com/_online, not %q", w.Endpoint)
		}
	}
	if w.Redis != "" {
		if err := redisURLProblem(w.Redis); err != nil {
			ck.bad(fmt.Errorf("want a URL such as redis://localhost:6379/0, not %q: %w", w.Redis, err), "widget.redis")
		}
	}
	c.validateWidgetTimes(ck)
	for i, o := range w.Origins {
		norm, err := normalOrigin(o)
		if err != nil {
			ck.bad(err, fmt.Sprintf("widget.origins.%d", i), "widget.origins")
			continue
		}
		w.Origins[i] = norm
	}
	if w.SecretEnv != "" && !envName.MatchString(w.SecretEnv) {
		ck.badf("widget.secret_env", "want the name of an environment variable (letters, digits and _), not %q", w.SecretEnv)
	}
	c.validateSiteKey(ck)
	for i, p := range w.TrustedProxies {
		if err := proxyProblem(p); err != nil {
			ck.bad(err, fmt.Sprintf("widget.trusted_proxies.%d", i), "widget.trusted_proxies")
		}
	}
	if w.GuestsPerAddress < 1 && w.GuestsPerAddress != -1 {
		ck.badf("widget.guests_per_address", "want 1 or more, or -1 for no cap, not %d", w.GuestsPerAddress)
	}
}

// validateWidgetTimes checks the window and the heartbeat, alone and
// together: a page must beat within the window it is counted for, and
// with the sets strategy (a reader lives in the current set, then the
// old one) within half of it.
func (c *Config) validateWidgetTimes(ck *checker) {
	w := &c.Widget
	ok := true
	if w.Window < time.Second {
		ck.badf("widget.window", "want a duration of at least 1s, such as 5m, not %s", w.Window)
		ok = false
	}
	if w.Heartbeat < time.Second {
		ck.badf("widget.heartbeat", "want a duration of at least 1s, such as 60s, not %s", w.Heartbeat)
		ok = false
	}
	switch {
	case !ok:
	case w.Heartbeat >= w.Window:
		ck.bad(fmt.Errorf("%s must be shorter than widget.window (%s)", w.Heartbeat, w.Window), "widget.heartbeat", "widget.window")
	case w.Strategy == "sets" && w.Heartbeat >= w.Window/2:
		ck.bad(fmt.Errorf("%s must be shorter than half of widget.window (%s) with the sets strategy", w.Heartbeat, w.Window/2), "widget.heartbeat", "widget.window", "widget.strategy")
	}
}

// validateSiteKey checks the Redis key namespace: widget.site, or by
// default the host of site.url.
func (c *Config) validateSiteKey(ck *checker) {
	site, from := c.Widget.Site, "widget.site"
	if site == "" {
		u, err := url.Parse(c.Site.URL)
		if err != nil || u.Host == "" {
			return // reported as site.url
		}
		site, from = u.Host, "site.url"
	}
	bad := strings.ContainsFunc(site, func(r rune) bool {
		return r == '{' || r == '}' || r <= ' ' || r == 0x7f
	})
	if bad || len(site) > maxSiteKey || site == "" {
		what := fmt.Sprintf("%q", site)
		if from == "site.url" {
			what = fmt.Sprintf("the host of site.url, %q,", site)
		}
		ck.bad(fmt.Errorf("want a key of 1 to %d bytes without braces or spaces, such as example.com: %s is not", maxSiteKey, what), "widget.site", from)
	}
}

// widgetPathProblem says what is wrong with the endpoint's path, or nil.
func widgetPathProblem(p string) error {
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("want a path starting with /, such as /_online, not %q", p)
	}
	trimmed := strings.Trim(p, "/")
	if trimmed == "" {
		return fmt.Errorf("want a path of its own, such as /_online, not %q: the site is served at /", p)
	}
	for seg := range strings.SplitSeq(trimmed, "/") {
		if !pathSegment.MatchString(seg) || seg == "." || seg == ".." {
			return fmt.Errorf("want a path of letters, digits and . _ ~ - between slashes, such as /_online, not %q", p)
		}
	}
	if clean := "/" + trimmed; clean == devServerPath || strings.HasPrefix(clean, devServerPath+"/") {
		return fmt.Errorf("%q is under %s/, which blog serve keeps for itself: use another path, such as /_online", p, devServerPath)
	}
	return nil
}

// redisURLProblem parses a Redis URL as the widget does: a Sentinel URL
// with master_name=, a Cluster URL with addr=, else one server.
func redisURLProblem(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	q := u.Query()
	switch {
	case q.Has("master_name"):
		_, err = redis.ParseFailoverURL(raw)
	case q.Has("addr"):
		_, err = redis.ParseClusterURL(raw)
	default:
		_, err = redis.ParseURL(raw)
	}
	return err
}

// normalOrigin checks an allowed origin and returns it as browsers send
// it in an Origin header: lower-case scheme and host, no path.
func normalOrigin(o string) (string, error) {
	if o == "*" {
		return o, nil
	}
	u, err := url.Parse(o)
	if err != nil || u.Host == "" || u.Scheme != "http" && u.Scheme != "https" ||
		u.User != nil || u.Path != "" && u.Path != "/" || u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return "", fmt.Errorf("want an origin such as https://example.com (scheme, host and port only) or *, not %q", o)
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), nil
}

// proxyProblem checks a trusted proxy: an IP address or a CIDR prefix.
func proxyProblem(p string) error {
	var err error
	if strings.Contains(p, "/") {
		_, err = netip.ParsePrefix(p)
	} else {
		_, err = netip.ParseAddr(p)
	}
	if err != nil {
		return &valueError{msg: fmt.Sprintf("want an IP address or a CIDR prefix such as 10.0.0.0/8, not %q", p), err: err}
	}
	return nil
}

// outputProblem says why the output directory cannot be used, or "". A
// build replaces the whole output directory, so it must not be the site,
// hold the site, or overlap a source directory or the cache: any of those
// would be deleted.
func (c *Config) outputProblem() string {
	root, err1 := filepath.Abs(c.Root)
	out, err2 := filepath.Abs(c.OutputDir())
	if err1 != nil || err2 != nil {
		return ""
	}
	within := func(a, b string) bool { // a is b or inside b
		r, err := filepath.Rel(b, a)
		return err == nil && r != ".." && !strings.HasPrefix(r, ".."+string(filepath.Separator))
	}
	if within(root, out) {
		return fmt.Sprintf("%q would hold the site itself, and every build replaces the output directory: use a directory of its own, such as _site", c.Build.Output)
	}
	for _, d := range []struct{ key, dir string }{
		{"build.posts", c.Build.Posts}, {"build.pages", c.Build.Pages}, {"build.templates", c.Build.Templates},
		{"build.static", c.Build.Static}, {"the cache", CacheDir},
	} {
		dir, err := filepath.Abs(c.path(d.dir))
		// An output inside the cache is fine (deploys build there); the
		// cache inside the output is not.
		inside := within(out, dir) && d.dir != CacheDir
		if err == nil && (inside || within(dir, out)) {
			return fmt.Sprintf("%q overlaps %s (%s), and every build replaces the output directory: use a directory of its own, such as _site", c.Build.Output, d.key, d.dir)
		}
	}
	return ""
}

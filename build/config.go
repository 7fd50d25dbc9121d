package build

import (
	"slices"
	"time"
)

// Config is the site configuration read from _config.yaml. Every field has
// a default, set by [DefaultConfig]; a file only names what it changes.
type Config struct {
	Site      SiteConfig      `yaml:"site"`
	Build     BuildConfig     `yaml:"build"`
	Markdown  MarkdownConfig  `yaml:"markdown"`
	RST       RSTConfig       `yaml:"rst"`
	Highlight HighlightConfig `yaml:"highlight"`
	Feeds     FeedsConfig     `yaml:"feeds"`
	Images    ImagesConfig    `yaml:"images"`
	Comments  CommentsConfig  `yaml:"comments"`
	Related   RelatedConfig   `yaml:"related"`
	Widget    WidgetConfig    `yaml:"widget"`
	Deploy    DeployConfig    `yaml:"deploy"`

	// Root is the site's root directory (where _config.yaml lives). It is
	// set by [Load], not read from the file. What a particular build is
	// for (drafts, mode, another output) is in [Options], never here.
	Root string `yaml:"-"`
}

// SiteConfig describes the site as readers and feeds see it.
type SiteConfig struct {
	Title       string `yaml:"title"`       // default "My blog"
	URL         string `yaml:"url"`         // absolute base URL for feeds and canonical links; default "http://localhost:4000/"
	Author      string `yaml:"author"`      // default author of posts
	Description string `yaml:"description"` // meta description and feed subtitle
	Language    string `yaml:"language"`    // BCP 47 tag for <html lang>; default "en"
	Timezone    string `yaml:"timezone"`    // IANA zone for dates without one; default "UTC"
}

// BuildConfig says where sources and output live and how URLs look.
type BuildConfig struct {
	Posts     string   `yaml:"posts"`     // default "posts"
	Pages     string   `yaml:"pages"`     // standalone pages; default "pages"
	Templates string   `yaml:"templates"` // overrides of the embedded theme; default "templates"
	Static    string   `yaml:"static"`    // copied as is; overrides the embedded theme's static files; default "static"
	Output    string   `yaml:"output"`    // default "_site"
	Permalink string   `yaml:"permalink"` // :year :month :day :slug; default "/:year/:month/:slug/"
	Paginate  int      `yaml:"paginate"`  // posts per index page; default 10
	Ignore    []string `yaml:"ignore"`    // extra glob patterns of source files to skip
	// Disable lists kinds of pages not to generate: tags (every tag
	// page and feed), tag_index (/tags/), tag_feeds, categories, archive,
	// sitemap, robots, 404, search (the search page and index). Default:
	// none.
	Disable []string    `yaml:"disable"`
	Hooks   HooksConfig `yaml:"hooks"`
	Strict  bool        `yaml:"strict"` // warnings (such as leftover markup of another tool) fail the build; default false
	// MaxPostSize is the largest post or page file read; a bigger one is
	// an error, found from its size before it is read. In YAML a number
	// of bytes or a size such as 512KB, 10MB, 1GB (units of 1024).
	// Default 10MB.
	MaxPostSize Size `yaml:"max_post_size"`
}

// pageKinds are the values build.disable accepts.
var pageKinds = []string{"tags", "tag_index", "tag_feeds", "categories", "archive", "sitemap", "robots", "404", "search"}

// Enabled reports whether pages of kind (one of build.disable's values)
// are generated.
func (c *Config) Enabled(kind string) bool { return !slices.Contains(c.Build.Disable, kind) }

// HooksConfig lists shell commands run around a build.
type HooksConfig struct {
	PreBuild  []Hook `yaml:"pre_build"`
	PostBuild []Hook `yaml:"post_build"`
	// Timeout is how long a hook that sets no timeout of its own may run.
	// Default 60s.
	Timeout time.Duration `yaml:"timeout"`
}

// Hook is one build hook. In YAML it is either a string (the command; its
// name is the command's first word) or a map {name, run, timeout}.
type Hook struct {
	Name    string        `yaml:"name"`    // default: the command's first word
	Run     string        `yaml:"run"`     // the shell command
	Timeout time.Duration `yaml:"timeout"` // default: build.hooks.timeout
}

// MarkdownConfig sets goldmark's extensions.
type MarkdownConfig struct {
	Typographer bool `yaml:"typographer"` // default true
	Footnotes   bool `yaml:"footnotes"`   // default true
	UnsafeHTML  bool `yaml:"unsafe_html"` // pass raw HTML through; default false
	TOCMin      int  `yaml:"toc_min"`     // headings from which a post shows a table of contents; 0: only with toc: true; default 3
	// TOCLevels are the lowest and highest heading levels the table of
	// contents lists; default [2, 3].
	TOCLevels []int `yaml:"toc_levels"`
}

// HighlightConfig sets how fenced code is highlighted.
type HighlightConfig struct {
	Style       string `yaml:"style"`        // chroma style; default "monokai"
	DarkStyle   string `yaml:"dark_style"`   // style when the reader prefers dark; default "" (same as style)
	LineNumbers bool   `yaml:"line_numbers"` // default false
	TabWidth    int    `yaml:"tab_width"`    // default 4
}

// FeedsConfig sets the Atom and RSS feeds.
type FeedsConfig struct {
	Atom  bool `yaml:"atom"`  // default true
	RSS   bool `yaml:"rss"`   // default true
	JSON  bool `yaml:"json"`  // JSON Feed 1.1 at feed.json; default true
	Items int  `yaml:"items"` // newest posts in a feed; default 20
}

// RelatedConfig sets the related posts shown on each post's page.
type RelatedConfig struct {
	Count int `yaml:"count"` // related posts on a post's page (0: none); default 3
}

// CommentsConfig turns on comments.
type CommentsConfig struct {
	Disqus string `yaml:"disqus"` // Disqus shortname; default "" (no comments)
}

// WidgetConfig configures the who's-online widget and its endpoint.
type WidgetConfig struct {
	Enabled    bool          `yaml:"enabled"`     // default true
	Path       string        `yaml:"path"`        // URL prefix of the endpoint; default "/_online"
	Endpoint   string        `yaml:"endpoint"`    // absolute URL of the endpoint when it is on another origin; default "" (same origin, Path)
	Redis      string        `yaml:"redis"`       // redis:// URL; default "" (embedded in-process Redis)
	Strategy   string        `yaml:"strategy"`    // "zset" or "sets"; default "zset"
	Window     time.Duration `yaml:"window"`      // how long a reader counts after their last beat; default 5m
	Heartbeat  time.Duration `yaml:"heartbeat"`   // how often an open page beats; default 60s
	Guests     bool          `yaml:"guests"`      // count anonymous readers; default true
	Origins    []string      `yaml:"origins"`     // origins allowed to report hits; default: the site URL's origin
	SecretEnv  string        `yaml:"secret_env"`  // environment variable holding the signing secret; default "BLOG_WIDGET_SECRET"
	Site       string        `yaml:"site"`        // Redis key namespace; default: the site URL's host
	Stream     bool          `yaml:"stream"`      // push updates with Server-Sent Events instead of polling; default false
	RespectGPC bool          `yaml:"respect_gpc"` // do not record readers sending Sec-GPC: 1 or DNT: 1; default true
	TrustProxy bool          `yaml:"trust_proxy"` // take the reader's address from X-Forwarded-For (behind a reverse proxy); default false
	// TrustedProxies lists the addresses (IPs or CIDR prefixes such as
	// 10.0.0.0/8) of the reverse proxies in front of the endpoint, the
	// only peers whose X-Forwarded-For is believed; setting it implies
	// TrustProxy. Default: none listed, which the endpoint takes as the
	// loopback, private and link-local networks.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// GuestsPerAddress is the most distinct guests one address can add
	// per window, on each instance (a NAT or a script rotating user agents
	// counts as this many at most); -1 for no cap. Default 4.
	GuestsPerAddress int `yaml:"guests_per_address"`
}

// DeployConfig says where `blog deploy` publishes.
type DeployConfig struct {
	Branch  string `yaml:"branch"`  // branch whose commits the post-commit hook deploys; default "main"
	Dir     string `yaml:"dir"`     // target path served by the web server (a symlink to the live release); default ""
	Keep    int    `yaml:"keep"`    // releases kept; default 5
	Command string `yaml:"command"` // shell command run after the build instead of (or besides) Dir; default ""
}

// DefaultConfig returns the configuration used where _config.yaml is silent.
func DefaultConfig() Config {
	return Config{
		Site: SiteConfig{
			Title:    "My blog",
			URL:      "http://localhost:4000/",
			Language: "en",
			Timezone: "UTC",
		},
		Build: BuildConfig{
			Posts:       "posts",
			Pages:       "pages",
			Templates:   "templates",
			Static:      "static",
			Output:      "_site",
			Permalink:   "/:year/:month/:slug/",
			Paginate:    10,
			Hooks:       HooksConfig{Timeout: 60 * time.Second},
			MaxPostSize: 10 * MB,
		},
		Markdown:  MarkdownConfig{Typographer: true, Footnotes: true, TOCMin: 3, TOCLevels: []int{2, 3}},
		Highlight: HighlightConfig{Style: "monokai", TabWidth: 4},
		RST:       RSTConfig{Enabled: true, Python: "python3", Timeout: 30 * time.Second},
		Feeds:     FeedsConfig{Atom: true, RSS: true, JSON: true, Items: 20},
		Images:    defaultImages(),
		Related:   RelatedConfig{Count: 3},
		Widget: WidgetConfig{
			Enabled:          true,
			Path:             "/_online",
			Strategy:         "zset",
			Window:           5 * time.Minute,
			Heartbeat:        60 * time.Second,
			Guests:           true,
			SecretEnv:        "BLOG_WIDGET_SECRET",
			RespectGPC:       true,
			GuestsPerAddress: 4,
		},
		Deploy: DeployConfig{Branch: "main", Keep: 5},
	}
}

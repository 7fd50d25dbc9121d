package build

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/blog-gen/blog/render"
)

// A Session is a series of builds of one site by one long-running process,
// such as the dev server. Between builds it keeps in memory what a build
// otherwise reads from the cache directory and the disk: the cache state
// and the list of sources with their sizes and times. A build of the
// session is told which paths changed, re-stats only those, and starts
// from the state the previous build left, so it neither decodes nor
// re-encodes the whole cache state. The state goes to disk in the
// background once the session has been idle for [Session.PersistAfter],
// and on [Session.Close].
//
// The output of every build is exactly that of [Run] (a build that does
// not know what changed falls back to listing and stat-ing everything).
// Until the state is on disk the cache's dirty mark stays, tagged with the
// session, so a `blog build` run meanwhile does a full build; the session
// notices such a build (the mark gone or another state file) and reads
// the cache from disk again. A session is safe for concurrent use; its
// builds run one at a time.
type Session struct {
	// PersistAfter is how long the session waits after a build before it
	// writes the cache state to disk. Default: 2s.
	PersistAfter time.Duration

	mu    sync.Mutex
	token []byte // the content of the dirty mark while st is not on disk
	dir   string // the cache directory of st
	st    *state // the state the last build left; nil: read it from disk
	// pending: st is not on disk yet, and the dirty mark holding token
	// stands for it. Otherwise stFile is the state file as this session
	// last wrote it.
	pending bool
	stFile  os.FileInfo
	timer   *time.Timer
	saveErr error // the last failed background save, reported by Close

	lists *sourceLists // the sources of the last build; nil: discover
	// since holds the sources changed since the build that made st, by
	// their slash paths relative to the site root, as the builds were told;
	// sinceUnknown: some build was not told (see builder.reuse).
	since        map[string]bool
	sinceUnknown bool

	model *siteModel // the last build's site model; nil: none kept
	// tmpl is the theme last parsed, with the labels' key it was parsed
	// with.
	tmpl    *render.Templates
	tmplCat string
}

// sourceLists are the sources a build found, with an index by absolute
// path, and what decided them.
type sourceLists struct {
	posts, pages, static []source
	from                 key // the configuration the lists depend on
	index                map[string]*source

	// What discovery found beside the posts: kept as found, since a change
	// to any of these files lists again.
	strays        []source
	assets        map[string][]source
	strayWarnings []error
}

// NewSession returns a session with nothing in memory yet.
func NewSession() *Session {
	b := make([]byte, 12)
	rand.Read(b)
	return &Session{token: []byte("session " + hex.EncodeToString(b) + "\n")}
}

// Run builds the site as [Run] does. changed lists the paths that changed
// since the session's previous build, as slash paths relative to the site
// root or absolute; nil means not known, as for the first build, and
// makes the build list and stat every source.
func (s *Session) Run(ctx context.Context, cfg Config, opts Options, changed []string) (Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timer != nil {
		s.timer.Stop()
	}
	res, err := run(ctx, cfg, opts, s, changed)
	if s.pending {
		s.timer = time.AfterFunc(cmp0(s.PersistAfter, 2*time.Second), s.persistNow)
	}
	return res, err
}

func cmp0(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Close writes the state to disk if it is not there yet. The session can
// be used again afterwards.
func (s *Session) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.timer != nil {
		s.timer.Stop()
	}
	err := s.persist()
	if err == nil {
		err, s.saveErr = s.saveErr, nil
	}
	return err
}

func (s *Session) persistNow() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.persist(); err != nil {
		s.saveErr = err
	}
}

// persist writes the pending state and removes the dirty mark, holding the
// site's lock. The caller holds s.mu.
func (s *Session) persist() error {
	if !s.pending {
		return nil
	}
	unlock, err := lockSite(context.Background(), s.dir)
	if err != nil {
		return err
	}
	defer unlock()
	s.pending = false
	if !s.ownsDirty() {
		s.st = nil // another build ran: the disk is its
		return nil
	}
	st := s.st
	s.st = nil
	if err := st.save(s.dir); err != nil {
		return err
	}
	if err := os.Remove(dirtyPath(s.dir)); err != nil {
		return err
	}
	fi, err := os.Stat(statePath(s.dir))
	if err != nil {
		return err
	}
	s.st, s.stFile = st, fi
	return nil
}

// ownsDirty reports whether the dirty mark is this session's.
func (s *Session) ownsDirty() bool {
	data, err := os.ReadFile(dirtyPath(s.dir))
	return err == nil && string(data) == string(s.token)
}

// old returns the state in memory when it is still what is on disk, or
// will be: the same cache directory, program, configuration and output,
// and no other build since. The caller holds the site's lock.
func (s *Session) old(dir string, global key, out string) *state {
	if s == nil || s.st == nil {
		return nil
	}
	ok := s.dir == dir && s.st.Global == global && s.st.Output == out
	if ok && s.pending {
		ok = s.ownsDirty()
	} else if ok {
		fi, err := os.Stat(statePath(dir))
		_, derr := os.Stat(dirtyPath(dir))
		ok = err == nil && os.SameFile(fi, s.stFile) && fi.ModTime().Equal(s.stFile.ModTime()) && derr != nil
	}
	if ok {
		fi, err := os.Stat(out)
		ok = err == nil && fi.IsDir()
	}
	if !ok {
		s.st, s.pending = nil, false
		return nil
	}
	return s.st
}

// markDirty writes the session's dirty mark unless it is there already.
func (s *Session) markDirty(dir string) error {
	if s.pending && s.dir == dir && s.ownsDirty() {
		return nil
	}
	return WriteFileAtomic(dirtyPath(dir), s.token, 0o644)
}

// sinceOrNil is since, or nil when what changed since st is not known.
func (s *Session) sinceOrNil() map[string]bool {
	if s.sinceUnknown {
		return nil
	}
	return s.since
}

// keep takes the state a committed build left, instead of saving it.
func (s *Session) keep(dir string, next *state) {
	next.kept = true
	s.dir, s.st, s.pending = dir, next, true
	s.since, s.sinceUnknown = make(map[string]bool), false
}

// theme returns the theme the session parsed last when it was parsed from
// these sources and labels; nil otherwise, and for a nil session.
func (s *Session) theme(sources map[string][]byte, cat string) *render.Templates {
	if s == nil || s.tmpl == nil || s.tmplCat != cat || !maps.EqualFunc(s.tmpl.Sources, sources, bytes.Equal) {
		return nil
	}
	return s.tmpl
}

// keepTheme keeps a theme parsed with the labels of key cat.
func (s *Session) keepTheme(t *render.Templates, cat string) {
	if s != nil {
		s.tmpl, s.tmplCat = t, cat
	}
}

// drop forgets the state: the next build reads the cache from disk.
func (s *Session) drop() { s.st, s.pending = nil, false }

// discoveryKey is what the lists of sources depend on besides the files.
func discoveryKey(cfg *Config) key {
	return newHasher(cfg.Root, cfg.path(cfg.Build.Posts), cfg.path(cfg.Build.Pages), cfg.path(cfg.Build.Static)).str(strings.Join(cfg.Build.Ignore, "\x00")).sum()
}

// discoverSources lists the sources: from the session's lists when every
// changed path is a source they have, re-stating only those, or else as
// [builder.discoverAll] does. Pre-build hooks may write any file, so with
// hooks the lists always come from the disk.
func (b *builder) discoverSources(changed []string) error {
	s := b.sess
	var from key
	if s != nil {
		from = discoveryKey(&b.cfg)
		if changed != nil && s.lists != nil && s.lists.from == from && len(b.cfg.Build.Hooks.PreBuild) == 0 && s.lists.restat(b.cfg.Root, changed, s.sinceOrNil()) {
			b.srcPosts, b.srcPages, b.srcStatic = s.lists.posts, s.lists.pages, s.lists.static
			b.srcStrays, b.assets, b.strayWarnings = s.lists.strays, s.lists.assets, s.lists.strayWarnings
			b.since = s.sinceOrNil()
			b.opts.Logger.Debug("sources re-stated", "changed", len(changed))
			return nil
		}
		s.lists = nil
		s.sinceUnknown = true
	}
	if err := b.discoverAll(); err != nil {
		return err
	}
	if s != nil {
		s.lists = newSourceLists(from, b.srcPosts, b.srcPages, b.srcStatic)
		s.lists.strays, s.lists.assets, s.lists.strayWarnings = b.srcStrays, b.assets, b.strayWarnings
		for _, st := range b.srcStrays {
			// A bundle's file or a file that is not a post: what it is
			// depends on its neighbours, so a change to one lists again.
			if abs, err := filepath.Abs(st.abs); err == nil {
				s.lists.index[abs] = nil
			}
		}
	}
	return nil
}

func newSourceLists(from key, posts, pages, static []source) *sourceLists {
	l := &sourceLists{posts: posts, pages: pages, static: static, from: from, index: make(map[string]*source, len(posts)+len(pages)+len(static))}
	for _, list := range [][]source{posts, pages, static} {
		for i := range list {
			abs, err := filepath.Abs(list[i].abs)
			if err != nil {
				continue
			}
			if _, dup := l.index[abs]; dup {
				l.index[abs] = nil // in two lists: re-stat cannot tell which
				continue
			}
			l.index[abs] = &list[i]
		}
	}
	return l
}

// restat brings the lists up to date for the changed paths, stat-ing each
// as discover does, and notes their sources' paths in seen, unless nil. It reports false, leaving the lists unusable, when a
// path is not a listed source (a new file, a directory, anything else).
func (l *sourceLists) restat(root string, changed []string, seen map[string]bool) bool {
	absRoot, err := filepath.Abs(root)
	if err != nil {
		return false
	}
	removed := false
	for _, c := range changed {
		p := filepath.FromSlash(c)
		if !filepath.IsAbs(p) {
			p = filepath.Join(absRoot, p)
		}
		src := l.index[p]
		if src == nil {
			return false
		}
		if seen != nil {
			seen[src.rel] = true
		}
		size, modTime, dev, regular, err := statPath(src.abs)
		switch {
		case err != nil && !errors.Is(err, fs.ErrNotExist):
			return false
		case err != nil || !regular:
			src.abs = ""
			removed = true
		default:
			src.size, src.modTime, src.dev = size, modTime, dev
		}
	}
	if removed {
		gone := func(s source) bool { return s.abs == "" }
		for _, p := range l.posts {
			if p.abs == "" && p.bundle {
				return false // the bundle's files go with it
			}
		}
		kept := *l
		*l = *newSourceLists(l.from, slices.DeleteFunc(l.posts, gone), slices.DeleteFunc(l.pages, gone), slices.DeleteFunc(l.static, gone))
		l.strays, l.assets, l.strayWarnings = kept.strays, kept.assets, kept.strayWarnings
		for _, st := range l.strays {
			if abs, err := filepath.Abs(st.abs); err == nil {
				l.index[abs] = nil
			}
		}
	}
	return true
}

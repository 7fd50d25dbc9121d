package deploy

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/blog-gen/blog/build"
)

// Release is one published copy of the site.
type Release struct {
	Name    string    `json:"name"`              // e.g. 20261126T051400Z-abc1234
	Commit  string    `json:"commit"`            // short commit of the site's HEAD, or "nogit"
	Hash    string    `json:"hash,omitempty"`    // full commit hash
	Subject string    `json:"subject,omitempty"` // the commit's subject line
	Time    time.Time `json:"time"`              // when the deploy started, UTC
	Files   int       `json:"files"`
	Bytes   int64     `json:"bytes"` // total size of the files

	Dir  string `json:"-"` // absolute path of the release directory
	Live bool   `json:"-"` // the target symlink points to it
}

// timeFormat is the sortable UTC time at the start of a release's name.
const timeFormat = "20060102T150405Z"

// releaseName matches release directory names: time, commit and, when
// two deploys share both, a counter.
var releaseName = regexp.MustCompile(`^[0-9]{8}T[0-9]{6}Z-[0-9a-z]+(-[0-9]+)?$`)

// IsReleaseName reports whether s has the form of a release name.
func IsReleaseName(s string) bool { return releaseName.MatchString(s) }

// target is a deploy.dir: the symlink a web server serves and the
// directory holding its releases.
type target struct {
	link     string // absolute path of the symlink
	releases string // absolute path of the releases directory
}

// ReleasesDir returns the directory that holds the releases of cfg's
// deploy.dir: .blog-releases/NAME beside it, where NAME is the target's
// base name.
func ReleasesDir(cfg build.Config) (string, error) {
	t, err := newTarget(cfg)
	if err != nil {
		return "", err
	}
	return t.releases, nil
}

func newTarget(cfg build.Config) (*target, error) {
	if cfg.Deploy.Dir == "" {
		return nil, errors.New("deploy: deploy.dir is not set in _config.yaml: releases need a target directory")
	}
	dir := cfg.Deploy.Dir
	if !filepath.IsAbs(dir) {
		dir = filepath.Join(cfg.Root, dir)
	}
	dir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	base := filepath.Base(dir)
	if dir == filepath.Dir(dir) || base == "." || base == ".." {
		return nil, fmt.Errorf("deploy: deploy.dir %q: want the path of a directory to serve, such as /srv/www/blog", cfg.Deploy.Dir)
	}
	return &target{link: dir, releases: filepath.Join(filepath.Dir(dir), ".blog-releases", base)}, nil
}

// check makes sure the target is a symlink or does not exist yet: a real
// directory there is the user's, and a deploy never replaces it.
func (t *target) check() error {
	fi, err := os.Lstat(t.link)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("deploy: %w", err)
	case fi.Mode()&fs.ModeSymlink == 0:
		return fmt.Errorf("deploy: %s exists and is not a symlink: blog deploy makes deploy.dir a symlink to the live release, so move it aside (or choose another deploy.dir)", t.link)
	}
	return nil
}

// live returns the name of the release the symlink points to, or "".
func (t *target) live() string {
	dest, err := os.Readlink(t.link)
	if err != nil {
		return ""
	}
	if !filepath.IsAbs(dest) {
		dest = filepath.Join(filepath.Dir(t.link), dest)
	}
	if filepath.Dir(filepath.Clean(dest)) != t.releases {
		return ""
	}
	return filepath.Base(dest)
}

func (t *target) metaPath(name string) string { return filepath.Join(t.releases, name+".json") }

// mkRelease creates the directory of a new release named by its time and
// commit, adding a counter when that name is taken.
func (t *target) mkRelease(at time.Time, commit string) (name, dir string, err error) {
	base := at.UTC().Format(timeFormat) + "-" + commit
	for i := 1; ; i++ {
		name = base
		if i > 1 {
			name += "-" + strconv.Itoa(i)
		}
		dir = filepath.Join(t.releases, name)
		err = os.Mkdir(dir, 0o755)
		if !errors.Is(err, fs.ErrExist) {
			return name, dir, err
		}
		if i >= 1000 {
			return "", "", err
		}
	}
}

// writeMeta writes the release's metadata file, its completion marker:
// temp file, fsync, rename, fsync of the directory.
func (t *target) writeMeta(r Release) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	return build.WriteFileAtomic(t.metaPath(r.Name), append(data, '\n'), 0o644)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// switchTo points the target at release name: a new symlink is made in
// the releases directory and renamed over the target, which is atomic.
// The link is relative, so the tree can be moved or mounted elsewhere.
func (t *target) switchTo(name string) error {
	dest, err := filepath.Rel(filepath.Dir(t.link), filepath.Join(t.releases, name))
	if err != nil {
		return err
	}
	tmp := filepath.Join(t.releases, fmt.Sprintf(".link-%d-%d", os.Getpid(), time.Now().UnixNano()))
	if err := os.Symlink(dest, tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, t.link); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(t.link))
}

// complete returns the complete releases, newest first.
func (t *target) complete() ([]Release, error) {
	entries, err := os.ReadDir(t.releases)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	live := t.live()
	var out []Release
	for _, e := range entries {
		name := e.Name()
		if !e.IsDir() || !releaseName.MatchString(name) {
			continue
		}
		data, err := os.ReadFile(t.metaPath(name))
		if err != nil {
			continue // partial
		}
		var r Release
		if err := json.Unmarshal(data, &r); err != nil {
			continue
		}
		r.Name, r.Dir, r.Live = name, filepath.Join(t.releases, name), name == live
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Release) int {
		if c := b.Time.Compare(a.Time); c != 0 {
			return c
		}
		return strings.Compare(b.Name, a.Name)
	})
	return out, nil
}

// previous returns the directory of the release to share unchanged files
// with: the live one, else the newest complete one, else "".
func (t *target) previous() string {
	if live := t.live(); live != "" {
		if _, err := os.Stat(t.metaPath(live)); err == nil {
			return filepath.Join(t.releases, live)
		}
	}
	rels, _ := t.complete()
	if len(rels) > 0 {
		return rels[0].Dir
	}
	return ""
}

// cleanPartial removes what failed or killed deploys left in the releases
// directory: release directories without a metadata file, staging
// directories, metadata without a release, temporary files and links. It
// is called with the lock held, and it never removes the live release.
func (t *target) cleanPartial(log *slog.Logger) {
	entries, err := os.ReadDir(t.releases)
	if err != nil {
		return
	}
	live := t.live()
	for _, e := range entries {
		name := e.Name()
		p := filepath.Join(t.releases, name)
		switch {
		case name == live:
		case e.IsDir() && releaseName.MatchString(name):
			if _, err := os.Stat(t.metaPath(name)); errors.Is(err, fs.ErrNotExist) {
				log.Info("removing partial release", "release", name)
				os.RemoveAll(p)
			}
		case e.IsDir() && strings.HasPrefix(name, ".stage-"):
			os.RemoveAll(p)
		case strings.HasSuffix(name, ".json") && releaseName.MatchString(strings.TrimSuffix(name, ".json")):
			if _, err := os.Stat(strings.TrimSuffix(p, ".json")); errors.Is(err, fs.ErrNotExist) {
				os.Remove(p)
			}
		case !e.IsDir() && (strings.HasPrefix(name, ".link-") || strings.HasPrefix(name, ".tmp-")):
			os.Remove(p)
		}
	}
}

// prune removes complete releases beyond the newest keep, never the live
// one.
func (t *target) prune(keep int, log *slog.Logger) {
	rels, err := t.complete()
	if err != nil {
		return
	}
	for i, r := range rels {
		if i < max(keep, 1) || r.Live {
			continue
		}
		log.Debug("removing old release", "release", r.Name)
		// The marker goes first, so an interrupted removal leaves a
		// partial release that the next deploy cleans up.
		if err := os.Remove(t.metaPath(r.Name)); err != nil {
			continue
		}
		os.RemoveAll(r.Dir)
	}
}

// List returns the complete releases of cfg's deploy.dir, newest first,
// with the live one marked.
func List(cfg build.Config) ([]Release, error) {
	t, err := newTarget(cfg)
	if err != nil {
		return nil, err
	}
	rels, err := t.complete()
	if err != nil {
		return nil, fmt.Errorf("deploy: %w", err)
	}
	return rels, nil
}

// Rollback points cfg's deploy.dir at another release and returns it:
// the named one (a release name, or a commit that names one release), or
// with name "" the newest release older than the live one. It only moves
// the symlink, under the same lock as a deploy.
func Rollback(ctx context.Context, cfg build.Config, name string, opts Options) (Release, error) {
	opts = opts.withDefaults()
	t, err := newTarget(cfg)
	if err != nil {
		return Release{}, err
	}
	if err := t.check(); err != nil {
		return Release{}, err
	}
	if _, err := os.Stat(t.releases); err != nil {
		return Release{}, fmt.Errorf("deploy: no releases of %s yet: run blog deploy first", t.link)
	}
	l, err := acquire(ctx, filepath.Join(t.releases, ".lock"), t.link, opts)
	if err != nil {
		return Release{}, err
	}
	defer l.Close()
	rels, err := t.complete()
	if err != nil {
		return Release{}, fmt.Errorf("deploy: %w", err)
	}
	liveIdx := slices.IndexFunc(rels, func(r Release) bool { return r.Live })
	var to Release
	switch {
	case name == "" && liveIdx < 0:
		return Release{}, fmt.Errorf("deploy: %s does not point to a release: name one to roll back to (blog deploy --list)", t.link)
	case name == "":
		if liveIdx+1 >= len(rels) {
			return Release{}, fmt.Errorf("deploy: no release older than the live one (%s) to roll back to", rels[liveIdx].Name)
		}
		to = rels[liveIdx+1]
	default:
		var match []Release
		for _, r := range rels {
			if r.Name == name {
				match = []Release{r}
				break
			}
			if len(name) >= 4 && (strings.HasPrefix(r.Commit, name) || strings.HasPrefix(r.Hash, name)) {
				match = append(match, r)
			}
		}
		switch len(match) {
		case 0:
			return Release{}, fmt.Errorf("deploy: no release %q: see blog deploy --list", name)
		case 1:
			to = match[0]
		default:
			return Release{}, fmt.Errorf("deploy: %q names %d releases: give the release name (blog deploy --list)", name, len(match))
		}
	}
	if to.Live {
		return to, fmt.Errorf("deploy: %s is already live", to.Name)
	}
	if err := t.switchTo(to.Name); err != nil {
		return Release{}, fmt.Errorf("deploy: switch: %w", err)
	}
	to.Live = true
	opts.Logger.Info("rolled back", "release", to.Name)
	return to, nil
}

package importer

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/blog-gen/blog/diag"
)

// uploadURL is a file a WordPress post links to on the old host (or its
// CDN): anything under wp-content/uploads/, or on a WordPress.com blog's
// file host (NAME.files.wordpress.com/2011/04/x.jpg, which is the same
// thing under another name).
var uploadURL = regexp.MustCompile(`https?://(?:[^\s"'<>()]+/wp-content/uploads/|[a-z0-9-]+\.files\.wordpress\.com/)[^\s"'<>()]+`)

const (
	downloadWorkers = 4        // files fetched at a time
	defaultMaxFile  = 64 << 20 // Options.MaxFileSize's default
	maxUploads      = 100000   // URLs taken from one export
)

// upload is one linked file: where it is linked first, and where it goes
// under static/ (the same path as on the old host, so its old URL keeps
// working on the new site when the host keeps the path).
type upload struct {
	url   string
	local string // slash path under static/, "" when the URL's path is unusable
	line  int    // the export's line of the first item linking to it
}

// uploads finds the files the posts link to on the old host, and fetches
// them (with opts.Download) or lists them with the command that does.
func (w *wordpress) uploads(ctx context.Context) error {
	ups := w.linkedUploads()
	if len(ups) == 0 {
		return nil
	}
	if !w.opts.Download {
		var list strings.Builder
		for _, u := range ups {
			list.WriteString(u.url + "\n")
		}
		w.s.extra["uploads.txt"] = []byte(list.String())
		w.s.warn(diag.Pos{File: w.file}, "%d files are linked on the old host (%s, …), listed in uploads.txt: import again with --download to copy them into static/ and link to the copies", len(ups), ups[0].url)
		return nil
	}
	dir := cmp.Or(w.opts.DownloadDir, w.export+".files")
	errs := w.fetchAll(ctx, dir, ups)
	if err := ctx.Err(); err != nil {
		return err
	}
	w.local = map[string]string{}
	for i, u := range ups {
		switch {
		case u.local == "":
			w.s.warn(diag.Pos{File: w.file, Line: u.line}, "%s: not a path that can be a file: left linked on the old host", u.url)
		case errs[i] != nil:
			w.s.warn(diag.Pos{File: w.file, Line: u.line}, "%s: %v: left linked on the old host (run the import again to retry; finished files are kept in %s)", u.url, errs[i], dir)
		default:
			w.local[u.url] = u.local
			w.s.copies[path.Join("static", u.local)] = filepath.Join(dir, filepath.FromSlash(u.local))
		}
	}
	return nil
}

// linkedUploads lists the upload URLs of every post, sorted, each once.
func (w *wordpress) linkedUploads() []upload {
	byURL := map[string]*upload{}
	for _, d := range w.s.docs {
		for _, u := range uploadURL.FindAllString(d.body, -1) {
			u = strings.TrimRight(u, ".,;:!")
			if byURL[u] == nil && len(byURL) < maxUploads {
				byURL[u] = &upload{url: u, local: uploadPath(u), line: d.line}
			}
		}
	}
	var out []upload
	for _, k := range slices.Sorted(maps.Keys(byURL)) {
		out = append(out, *byURL[k])
	}
	return out
}

// uploadPath is where the file at u goes under static/: its path from
// wp-content/ on, decoded, or "" when that is not a safe relative path.
func uploadPath(u string) string {
	pu, err := url.Parse(u)
	if err != nil {
		return ""
	}
	var p string
	if i := strings.Index(pu.Path, "/wp-content/uploads/"); i >= 0 {
		p = pu.Path[i+1:]
	} else if strings.HasSuffix(strings.ToLower(pu.Hostname()), ".files.wordpress.com") {
		p = "wp-content/uploads" + pu.Path
	} else {
		return ""
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "" || seg == "." || seg == ".." || strings.HasSuffix(seg, ".part") {
			return ""
		}
	}
	for _, r := range p {
		if unicode.IsControl(r) || r == '\\' || r == ':' || unicode.IsSpace(r) {
			return ""
		}
	}
	return p
}

// rewriteUploads points the posts' links at the copies under static/.
func (w *wordpress) rewriteUploads() {
	if len(w.local) == 0 {
		return
	}
	base := strings.TrimSuffix(urlPath(cmp.Or(w.s.build.Site.URL, "/")), "/")
	urls := slices.SortedFunc(maps.Keys(w.local), func(a, b string) int {
		return cmp.Or(len(b)-len(a), strings.Compare(a, b))
	})
	// Longest first: the replacer tries its pairs in order, and a URL
	// must never be rewritten as the prefix of a longer one.
	var pairs []string
	for _, u := range urls {
		pairs = append(pairs, u, base+"/"+w.local[u])
	}
	r := strings.NewReplacer(pairs...)
	for _, d := range w.s.docs {
		d.body = r.Replace(d.body)
	}
}

// fetchAll downloads ups into dir, downloadWorkers at a time, and returns
// each one's error.
func (w *wordpress) fetchAll(ctx context.Context, dir string, ups []upload) []error {
	client := w.opts.Client
	if client == nil {
		client = defaultClient()
	}
	max := w.opts.MaxFileSize
	if max <= 0 {
		max = defaultMaxFile
	}
	errs := make([]error, len(ups))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(downloadWorkers, len(ups)) {
		wg.Go(func() {
			for i := range jobs {
				if ups[i].local != "" {
					errs[i] = fetch(ctx, client, ups[i].url, filepath.Join(dir, filepath.FromSlash(ups[i].local)), max)
				}
			}
		})
	}
	for i := range ups {
		if ctx.Err() != nil {
			break
		}
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return errs
}

func defaultClient() *http.Client {
	return &http.Client{
		Timeout: 2 * time.Minute,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 10 * time.Second}).DialContext,
			TLSHandshakeTimeout:   10 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second,
			MaxIdleConnsPerHost:   downloadWorkers,
		},
	}
}

// fetch downloads u into the file dst, unless it is there already. The
// bytes go to dst.part, renamed to dst only when complete, so a file at
// dst is always whole; a .part left by an interrupted run is continued
// with a Range request where the server allows it.
func fetch(ctx context.Context, client *http.Client, u, dst string, max int64) error {
	if fi, err := os.Stat(dst); err == nil && fi.Mode().IsRegular() {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	part := dst + ".part"
	var off int64
	if fi, err := os.Stat(part); err == nil && fi.Mode().IsRegular() {
		off = fi.Size()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	if off > 0 {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-", off))
	}
	resp, err := client.Do(req)
	if err != nil {
		return errors.Unwrap(err) // the *url.Error repeats the URL
	}
	defer resp.Body.Close()
	total := resp.ContentLength
	flags := os.O_WRONLY | os.O_CREATE
	switch {
	case resp.StatusCode == http.StatusPartialContent && off > 0 && rangeStart(resp.Header.Get("Content-Range")) == off:
		flags |= os.O_APPEND
		total = rangeTotal(resp.Header.Get("Content-Range"))
	case resp.StatusCode == http.StatusOK:
		flags |= os.O_TRUNC
		off = 0
	case resp.StatusCode == http.StatusRequestedRangeNotSatisfiable:
		os.Remove(part) // the file changed on the server: start again next run
		return errors.New("the partial download does not fit the file on the server any more")
	default:
		return fmt.Errorf("the server answered %s", resp.Status)
	}
	if total > max {
		return fmt.Errorf("%d bytes: more than the %d allowed", total, max)
	}
	f, err := os.OpenFile(part, flags, 0o644)
	if err != nil {
		return err
	}
	n, err := io.Copy(f, io.LimitReader(resp.Body, max-off+1))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case off+n > max:
		os.Remove(part)
		return fmt.Errorf("more than the %d bytes allowed", max)
	case err != nil:
		return fmt.Errorf("interrupted after %d bytes: %w", off+n, err)
	case total >= 0 && off+n != total:
		return fmt.Errorf("interrupted after %d of %d bytes", off+n, total)
	}
	return os.Rename(part, dst)
}

// rangeStart and rangeTotal read "bytes START-END/TOTAL"; -1 when absent.
func rangeStart(cr string) int64 {
	s, _, _ := strings.Cut(strings.TrimPrefix(cr, "bytes "), "-")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

func rangeTotal(cr string) int64 {
	_, t, _ := strings.Cut(cr, "/")
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return -1
	}
	return n
}

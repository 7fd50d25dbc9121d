package serve

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"os"
	"path"
	"strconv"
	"strings"
	"time"
)

// ServeHTTP serves the site's output directory, the live-reload script and
// events, and the widget. Every response is marked Cache-Control: no-store
// (the widget may set its own), and paths with encoded slashes,
// backslashes or NUL bytes are rejected with 400 before anything else.
//
// An event stream (a GET without a body that accepts text/event-stream,
// as EventSource sends) stays open for as long as the page does: its
// connection's read and write deadlines are lifted, and the live reload's
// own stream sets a deadline for each write instead.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	if badPath(r.URL.EscapedPath()) || badPath(r.URL.Path) {
		http.Error(w, "bad request path", http.StatusBadRequest)
		return
	}
	if isEventStream(r) {
		// Errors mean a ResponseWriter without deadlines (a test's
		// recorder): nothing to lift.
		rc := http.NewResponseController(w)
		rc.SetReadDeadline(time.Time{})
		rc.SetWriteDeadline(time.Time{})
	}
	s.mux.ServeHTTP(w, r)
}

// isEventStream reports whether r asks for a Server-Sent Events stream.
// A request with a body never does: its body stays under the read
// timeout.
func isEventStream(r *http.Request) bool {
	if r.Method != http.MethodGet || (r.Body != nil && r.Body != http.NoBody) {
		return false
	}
	for _, v := range r.Header.Values("Accept") {
		for part := range strings.SplitSeq(v, ",") {
			mt, _, _ := strings.Cut(part, ";")
			if strings.EqualFold(strings.TrimSpace(mt), "text/event-stream") {
				return true
			}
		}
	}
	return false
}

// badPath reports whether p smuggles a separator or a NUL past path
// cleaning: an encoded slash or backslash, a backslash, or a NUL.
func badPath(p string) bool {
	lp := strings.ToLower(p)
	return strings.Contains(lp, "%2f") || strings.Contains(lp, "%5c") || strings.Contains(lp, "%00") ||
		strings.ContainsAny(p, "\\\x00")
}

// serveFile serves one file of the output directory.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	upath := r.URL.Path
	if s.base != "/" && upath+"/" == s.base || upath == "/" && s.base != "/" {
		http.Redirect(w, r, s.base, http.StatusFound)
		return
	}
	rel, ok := s.relPath(upath)
	if !ok {
		s.notFound(w, r, nil)
		return
	}
	// The build swaps the whole directory in by renaming it: open it anew
	// for each request, never keeping a handle on one that was replaced.
	// os.Root keeps every open inside it, symbolic links included.
	root, err := os.OpenRoot(s.out)
	if err != nil {
		s.notBuilt(w, r)
		return
	}
	defer root.Close()
	f, err := root.Open(rel)
	if err != nil {
		s.notFound(w, r, root)
		return
	}
	defer func() { f.Close() }()
	fi, err := f.Stat()
	if err != nil {
		s.notFound(w, r, root)
		return
	}
	if fi.IsDir() {
		if !strings.HasSuffix(upath, "/") {
			// A relative target: the last element, so the redirect can
			// never leave this host (no "//evil.example" from a path).
			target := path.Base(upath) + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusFound)
			return
		}
		f.Close()
		rel = path.Join(rel, "index.html")
		if f, err = root.Open(rel); err != nil {
			s.notFound(w, r, root)
			return
		}
		if fi, err = f.Stat(); err != nil {
			s.notFound(w, r, root)
			return
		}
	}
	if !fi.Mode().IsRegular() {
		s.notFound(w, r, root)
		return
	}
	if isHTML(rel) {
		data, err := io.ReadAll(f)
		if err != nil {
			http.Error(w, "cannot read "+rel, http.StatusInternalServerError)
			return
		}
		s.writeHTML(w, r, http.StatusOK, data)
		return
	}
	if ct := contentType(rel); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if rel == "latest.json" && fi.Size() <= maxTagged {
		serveTagged(w, r, rel, fi.ModTime(), f)
		return
	}
	http.ServeContent(w, r, path.Base(rel), fi.ModTime(), f)
}

// maxTagged is the largest file served with an ETag of its content.
const maxTagged = 64 << 10

// serveTagged serves a small file with a strong ETag of its content, so
// that If-None-Match answers 304: latest.json, which every open page polls
// (static hosts send ETags of their own).
func serveTagged(w http.ResponseWriter, r *http.Request, rel string, mod time.Time, f io.Reader) {
	data, err := io.ReadAll(io.LimitReader(f, maxTagged+1))
	if err != nil {
		http.Error(w, "cannot read "+rel, http.StatusInternalServerError)
		return
	}
	sum := sha256.Sum256(data)
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	http.ServeContent(w, r, path.Base(rel), mod, bytes.NewReader(data))
}

// relPath maps a URL path to a path inside the output directory, or false
// when it lies outside the site's base path or climbs out of it.
func (s *Server) relPath(upath string) (string, bool) {
	if !strings.HasPrefix(upath, s.base) && upath+"/" != s.base {
		return "", false
	}
	p := strings.TrimPrefix(upath, strings.TrimSuffix(s.base, "/"))
	for seg := range strings.SplitSeq(p, "/") {
		if seg == ".." {
			return "", false
		}
	}
	rel := strings.TrimPrefix(path.Clean("/"+p), "/")
	if rel == "" {
		rel = "."
	}
	if !fs.ValidPath(rel) {
		return "", false
	}
	return rel, true
}

// notFound serves the site's 404.html with status 404, or a plain text
// message when the site has none. root may be nil.
func (s *Server) notFound(w http.ResponseWriter, r *http.Request, root *os.Root) {
	if root == nil {
		var err error
		if root, err = os.OpenRoot(s.out); err != nil {
			s.notBuilt(w, r)
			return
		}
		defer root.Close()
	}
	data, err := root.ReadFile("404.html")
	if err != nil {
		http.Error(w, "404 page not found", http.StatusNotFound)
		return
	}
	s.writeHTML(w, r, http.StatusNotFound, data)
}

// notBuilt answers while there is no output at all (the first build
// failed): a page that shows the errors and reloads after a good build.
func (s *Server) notBuilt(w http.ResponseWriter, r *http.Request) {
	page := []byte("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Not built yet</title></head>\n" +
		"<body>\n<h1>The site is not built yet</h1>\n<p>blog serve shows the build errors here and reloads this page when a build succeeds.</p>\n</body>\n</html>\n")
	s.writeHTML(w, r, http.StatusServiceUnavailable, page)
}

// writeHTML writes an HTML page with the live-reload script injected.
func (s *Server) writeHTML(w http.ResponseWriter, r *http.Request, status int, page []byte) {
	s.mu.Lock()
	id := s.buildIDLocked()
	s.mu.Unlock()
	page = injectScript(page, id)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(page)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(page)
	}
}

// injectScript inserts the live-reload script tag before the last </body>
// of page, or appends it when there is none. The build ID tells the script
// whether the page is older than the site on disk when it connects.
func injectScript(page []byte, buildID string) []byte {
	tag := `<script src="` + scriptPath + `" data-build="` + buildID + `"></script>` + "\n"
	i := lastIndexFold(page, []byte("</body"))
	if i < 0 {
		return append(page, tag...)
	}
	out := make([]byte, 0, len(page)+len(tag))
	out = append(out, page[:i]...)
	out = append(out, tag...)
	return append(out, page[i:]...)
}

// lastIndexFold is bytes.LastIndex ignoring ASCII case; sep is lower case.
func lastIndexFold(s, sep []byte) int {
	for i := len(s) - len(sep); i >= 0; i-- {
		if bytes.EqualFold(s[i:i+len(sep)], sep) {
			return i
		}
	}
	return -1
}

func isHTML(name string) bool {
	ext := strings.ToLower(path.Ext(name))
	return ext == ".html" || ext == ".htm"
}

// types fixes the content types of what a site holds, rather than trusting
// the system's mime.types, which differ from one machine to the next.
var types = map[string]string{
	".css":         "text/css; charset=utf-8",
	".js":          "text/javascript; charset=utf-8",
	".mjs":         "text/javascript; charset=utf-8",
	".json":        "application/json",
	".map":         "application/json",
	".xml":         "application/xml; charset=utf-8",
	".txt":         "text/plain; charset=utf-8",
	".md":          "text/plain; charset=utf-8",
	".svg":         "image/svg+xml",
	".png":         "image/png",
	".jpg":         "image/jpeg",
	".jpeg":        "image/jpeg",
	".gif":         "image/gif",
	".webp":        "image/webp",
	".avif":        "image/avif",
	".ico":         "image/x-icon",
	".woff":        "font/woff",
	".woff2":       "font/woff2",
	".ttf":         "font/ttf",
	".pdf":         "application/pdf",
	".wasm":        "application/wasm",
	".webmanifest": "application/manifest+json",
}

// contentType returns the Content-Type for a file name, or "" to let
// http.ServeContent sniff it.
func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := types[ext]; ok {
		return t
	}
	return mime.TypeByExtension(ext)
}

package widget

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// A Reporter records that a reader the caller vouches for is online.
// *[Server] reports in process; *[ReportClient] reports to a remote
// endpoint.
type Reporter interface {
	Report(ctx context.Context, name, path string) error
}

// ReportClient reports named readers to a remote endpoint's POST /report
// with the shared secret as a bearer token. It is safe for concurrent use.
type ReportClient struct {
	// Endpoint is the endpoint's base URL, such as
	// "https://example.com/_online".
	Endpoint string
	// Secret is the endpoint's Options.Secret.
	Secret []byte
	// HTTPClient sends the reports. Default: a client with a 2s timeout.
	HTTPClient *http.Client
}

var defaultReportHTTP = &http.Client{Timeout: 2 * time.Second}

// Report sends one named report.
func (c *ReportClient) Report(ctx context.Context, name, path string) error {
	body, err := json.Marshal(reportBody{Name: name, Path: path})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.Endpoint, "/")+"/report", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+string(c.Secret))
	hc := c.HTTPClient
	if hc == nil {
		hc = defaultReportHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("widget report: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		return fmt.Errorf("widget report: %s", resp.Status)
	}
	return nil
}

// MiddlewareOptions configures [Middleware]. Only Name is required.
type MiddlewareOptions struct {
	// Name returns the signed-in reader's display name, or "" for a guest.
	Name func(*http.Request) string
	// Reporter, when set, is told about each signed-in reader at most once
	// per Interval per browser. Default nil.
	Reporter Reporter
	// Secret, when set, makes the middleware also set a "wo_token" cookie
	// (a [SignToken] token valid for Interval plus a day's margin), so the
	// page's widget.js beacons count this reader by name and not as a
	// guest. Default nil.
	Secret []byte
	// Interval is the throttle: the "wo_online" cookie that spares a
	// report lives this long, like the seed design's 5-minute "online"
	// cookie. Default 5m.
	Interval time.Duration
	// Logger receives report failures at Debug. Default: discard.
	Logger *slog.Logger
	// Now is the clock. Default time.Now.
	Now func() time.Time
}

// onlineCookie marks a browser whose reader was reported recently.
const onlineCookie = "wo_online"

// Middleware returns HTTP middleware for Go host sites: for each request
// of a signed-in reader without a fresh "wo_online" cookie, it reports the
// reader (synchronously, bounded by the request's context) and sets the
// cookies. Report failures never fail the request.
func Middleware(opts MiddlewareOptions) func(http.Handler) http.Handler {
	if opts.Name == nil {
		panic("widget: MiddlewareOptions.Name is nil")
	}
	if opts.Interval <= 0 {
		opts.Interval = 5 * time.Minute
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := r.Cookie(onlineCookie); err == nil {
				next.ServeHTTP(w, r)
				return
			}
			name := opts.Name(r)
			if name == "" || !validName(name) {
				next.ServeHTTP(w, r)
				return
			}
			if opts.Reporter != nil {
				ctx, cancel := context.WithTimeout(r.Context(), time.Second)
				if err := opts.Reporter.Report(ctx, name, ""); err != nil {
					opts.Logger.Debug("report online reader", "err", err)
				}
				cancel()
			}
			secure := r.TLS != nil
			http.SetCookie(w, &http.Cookie{
				Name: onlineCookie, Value: "1", Path: "/", MaxAge: int(opts.Interval.Seconds()),
				HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
			})
			if len(opts.Secret) > 0 {
				ttl := opts.Interval + 24*time.Hour
				tok := SignToken(opts.Secret, name, opts.Now().Add(ttl))
				http.SetCookie(w, &http.Cookie{
					Name: tokenCookie, Value: url.PathEscape(tok), Path: "/", MaxAge: int(ttl.Seconds()),
					HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode,
				})
			}
			next.ServeHTTP(w, r)
		})
	}
}

// Package httpx is the one HTTP client builder and retry policy every
// collector and integration uses: a timeout, a User-Agent, URLs with their
// secrets masked in errors, and retries that obey 429 and Retry-After, back
// off exponentially with jitter on 5xx and network errors, and give up with
// a clear error after a bounded number of attempts and total time.
package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// UserAgent identifies voc to the services it calls.
const UserAgent = "voc (+https://github.com/voc-dev/voc)"

// Policy says how hard to retry.
type Policy struct {
	MaxAttempts int           // attempts in all, first included (default 6)
	BaseDelay   time.Duration // first backoff (default 500ms)
	MaxDelay    time.Duration // cap on one backoff or Retry-After (default 60s)
	MaxElapsed  time.Duration // give up after this much time in all (default 5m)
	// Sleep waits; tests replace it to record waits instead of sleeping.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand returns a float in [0,1) for jitter; tests make it fixed.
	Rand func() float64
}

// Client sends requests under a Policy.
type Client struct {
	HTTP   *http.Client
	Policy Policy
}

// New returns a client with a per-request timeout and the default policy.
func New(timeout time.Duration) *Client {
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	return &Client{HTTP: &http.Client{Timeout: timeout}}
}

// WithDefaults fills the zero fields with the defaults, for clients that
// run the policy themselves (a retrying transport under a vendor library).
func (p Policy) WithDefaults() Policy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 6
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 500 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 60 * time.Second
	}
	if p.MaxElapsed <= 0 {
		p.MaxElapsed = 5 * time.Minute
	}
	if p.Sleep == nil {
		p.Sleep = Sleep
	}
	if p.Rand == nil {
		p.Rand = rand.Float64
	}
	return p
}

// Sleep waits d, or until ctx is done (returning its error).
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// StatusError is a response that was not a success after retries.
type StatusError struct {
	Method string
	URL    string // secrets masked
	Status int
	Body   string // first bytes, for the message
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("%s %s: HTTP %d", e.Method, e.URL, e.Status)
	if e.Body != "" {
		msg += ": " + e.Body
	}
	return msg
}

// Retryable reports whether a status is worth another try: 429 and 5xx
// (but not 501 Not Implemented).
func Retryable(status int) bool {
	return status == http.StatusTooManyRequests || (status >= 500 && status != http.StatusNotImplemented)
}

// Do sends the request built by newReq (called again for every attempt, so
// bodies can be re-read) and returns the first successful (2xx) response.
// Its body must be closed by the caller. A non-retryable status returns a
// *StatusError at once; retryable ones and network errors are retried under
// the policy, waiting Retry-After when the server sends it.
func (c *Client) Do(ctx context.Context, newReq func(ctx context.Context) (*http.Request, error)) (*http.Response, error) {
	p := c.Policy.WithDefaults()
	start := time.Now()
	var last error
	for attempt := 1; ; attempt++ {
		req, err := newReq(ctx)
		if err != nil {
			return nil, err
		}
		if req.Header.Get("User-Agent") == "" {
			req.Header.Set("User-Agent", UserAgent)
		}
		resp, err := c.HTTP.Do(req)
		var wait time.Duration
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			last = fmt.Errorf("%s %s: %w", req.Method, MaskURL(req.URL), unwrapURLError(err))
		case resp.StatusCode >= 200 && resp.StatusCode < 300:
			return resp, nil
		default:
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
			resp.Body.Close()
			se := &StatusError{Method: req.Method, URL: MaskURL(req.URL), Status: resp.StatusCode, Body: strings.TrimSpace(string(body))}
			if !Retryable(resp.StatusCode) {
				return nil, se
			}
			last = se
			wait = RetryAfter(resp.Header, time.Now())
		}
		if attempt >= p.MaxAttempts {
			return nil, fmt.Errorf("giving up after %d attempts: %w", attempt, last)
		}
		if wait <= 0 {
			wait = p.Backoff(attempt)
		}
		if wait > p.MaxDelay {
			wait = p.MaxDelay
		}
		if time.Since(start)+wait > p.MaxElapsed {
			return nil, fmt.Errorf("giving up after %s: %w", time.Since(start).Round(time.Second), last)
		}
		if err := p.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// Backoff is the wait before retry number attempt: capped exponential
// backoff with jitter in its upper half. p must have its defaults.
func (p Policy) Backoff(attempt int) time.Duration {
	d := p.BaseDelay << (attempt - 1)
	if d > p.MaxDelay || d <= 0 {
		d = p.MaxDelay
	}
	return d/2 + time.Duration(p.Rand()*float64(d/2))
}

// RetryAfter reads how long the server asks to wait: Retry-After in
// seconds or as an HTTP date, else a rate-limit reset time
// (X-RateLimit-Reset or RateLimit-Reset, epoch seconds or seconds to go)
// when the remaining quota is zero. It returns 0 when the server says
// nothing.
func RetryAfter(h http.Header, now time.Time) time.Duration {
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 {
			return time.Duration(s * float64(time.Second))
		}
		if t, err := http.ParseTime(v); err == nil {
			if d := t.Sub(now); d > 0 {
				return d
			}
			return 0
		}
	}
	for _, prefix := range []string{"X-RateLimit-", "RateLimit-", "X-Rate-Limit-"} {
		if h.Get(prefix+"Remaining") != "0" {
			continue
		}
		if v, err := strconv.ParseInt(strings.TrimSpace(h.Get(prefix+"Reset")), 10, 64); err == nil && v > 0 {
			if v > 1e9 { // an epoch time
				if d := time.Unix(v, 0).Sub(now); d > 0 {
					return d
				}
				return 0
			}
			return time.Duration(v) * time.Second
		}
	}
	return 0
}

var secretParam = []string{"token", "key", "secret", "password", "signature", "sig", "auth", "code", "session"}

// MaskURL renders a URL for errors and logs with credentials and secret
// query values replaced.
func MaskURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User("xxxxx")
	}
	q := c.Query()
	changed := false
	for k := range q {
		lk := strings.ToLower(k)
		for _, s := range secretParam {
			if strings.Contains(lk, s) {
				q.Set(k, "xxxxx")
				changed = true
			}
		}
	}
	if changed {
		c.RawQuery = q.Encode()
	}
	return c.String()
}

// unwrapURLError drops net/url's copy of the unmasked URL from an error.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// Endpoint checks an API root given in a config (an http or https URL,
// with a host, no query or fragment) and appends path to it. Errors name
// the problem, not the URL, in case it carries credentials.
func Endpoint(base, path string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", errors.New("is not a valid URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("must be an http or https URL, got scheme %q", u.Scheme)
	}
	if u.Host == "" {
		return "", errors.New("has no host")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", errors.New("must not have a query or fragment")
	}
	u.Path = strings.TrimRight(u.Path, "/") + path
	u.RawPath = ""
	return u.String(), nil
}

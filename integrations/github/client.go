// Package github keeps one GitHub issue per backlog topic in step with voc,
// through go-github (REST API version 2022-11-28).
//
// A topic's issue is found by its label, tracker.Label(key) ("voc-KEY"),
// never by an id that only voc's database knows, so a crash between creating
// an issue and recording it, or a lost database, never creates a second one.
// Every request goes through one transport that applies voc's retry policy
// (internal/httpx) the way GitHub asks: 429 and 403 rate-limit answers wait
// Retry-After or X-RateLimit-Reset (at least a minute for a secondary limit
// that names no time), 5xx answers and network errors back off on reads and
// edits, and content-creating requests are paced, at most one per second by
// default.
package github

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	gh "github.com/google/go-github/v60/github"

	"github.com/voc-dev/voc/internal/httpx"
)

// TokenEnv is the environment variable voc reads the GitHub token from.
const TokenEnv = "VOC_GITHUB_TOKEN"

// DefaultBaseURL is the REST API root of github.com.
const DefaultBaseURL = "https://api.github.com/"

// DefaultCreatePace is the least time between two content-creating requests
// (creates, edits, comments) when Config.CreatePace is zero. GitHub's
// secondary rate limits punish bursts of them.
const DefaultCreatePace = time.Second

// NoPacing, as Config.CreatePace, turns pacing off (for tests).
const NoPacing time.Duration = -1

// secondaryMinWait is how long GitHub asks clients to wait after a secondary
// rate limit that names no time.
const secondaryMinWait = time.Minute

// Config says how to reach GitHub.
type Config struct {
	// Token authenticates every request (Authorization: Bearer). voc reads
	// it from VOC_GITHUB_TOKEN. A fine-grained or classic personal access
	// token, or a GitHub App installation token, works the same way; it
	// needs read and write access to issues, and push (triage) access for
	// GitHub to keep the labels voc sets on new issues.
	Token string
	// App, when set (and Token is empty), authenticates as a GitHub App
	// installation, with tokens exchanged and refreshed as they expire.
	App *App
	// BaseURL is the REST API root; empty means https://api.github.com/.
	// For GitHub Enterprise Server use https://HOST/api/v3/.
	BaseURL string
	// HTTP is the client requests are sent with; nil means one with a 30s
	// response-header timeout. Its Timeout, if set, bounds a whole call,
	// retry waits included. Its Transport is wrapped, never modified.
	HTTP *http.Client
	// CreatePace is the least time between two content-creating requests
	// (POST, PATCH, PUT, DELETE), which are also sent one at a time. Zero
	// means DefaultCreatePace (1s); NoPacing (negative) turns pacing off.
	CreatePace time.Duration
	// Retry is the retry policy; zero fields take the defaults of
	// internal/httpx (6 attempts, 500ms first backoff, 60s longest wait, 5m
	// in all). A rate limit asking for a longer wait than MaxDelay is not
	// retried early: the call fails at once, saying until when. Tests set
	// Sleep to record waits instead of sleeping.
	Retry httpx.Policy
}

// Client syncs topics' issues with GitHub. It is safe for concurrent use;
// content-creating requests are sent one at a time, and two syncs of the
// same topic in the same repository never run at once.
type Client struct {
	gh     *gh.Client
	tr     *transport
	policy httpx.Policy
	token  string
	app    *appTokens // GitHub App installation auth, when no token
	now    func() time.Time

	mu    sync.Mutex
	locks map[string]*sync.Mutex // per repository and topic
	// dropped holds repositories where GitHub silently dropped the labels
	// of a new issue: creating more there would make untraceable issues.
	dropped map[string]bool
}

// New returns a client for cfg. It makes no request.
func New(cfg Config) (*Client, error) {
	token := strings.TrimSpace(cfg.Token)
	if token == "" && cfg.App == nil {
		return nil, fmt.Errorf("github: no token (set %s to a personal access token, or configure a GitHub App installation)", TokenEnv)
	}
	base := cfg.BaseURL
	if base == "" {
		base = DefaultBaseURL
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("github: base URL: %v", err)
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, fmt.Errorf("github: base URL %s must start with https:// (or http://)", httpx.MaskURL(u))
	case u.Host == "":
		return nil, fmt.Errorf("github: base URL %s has no host", httpx.MaskURL(u))
	case u.User != nil:
		return nil, fmt.Errorf("github: base URL %s must not contain credentials (set the token instead)", httpx.MaskURL(u))
	case u.RawQuery != "" || u.Fragment != "":
		return nil, fmt.Errorf("github: base URL %s must not have a query or fragment", httpx.MaskURL(u))
	}
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}

	policy := cfg.Retry.WithDefaults()
	pace := cfg.CreatePace
	switch {
	case pace == 0:
		pace = DefaultCreatePace
	case pace < 0:
		pace = 0
	}
	var hc http.Client
	if cfg.HTTP != nil {
		hc = *cfg.HTTP
	}
	base2 := hc.Transport
	if base2 == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.ResponseHeaderTimeout = 30 * time.Second
		base2 = t
	}
	c := &Client{policy: policy, token: token, now: time.Now, locks: map[string]*sync.Mutex{}, dropped: map[string]bool{}}
	c.tr = &transport{base: base2, policy: policy, pace: pace, now: func() time.Time { return c.now() }}
	hc.Transport = c.tr
	if token != "" {
		c.gh = gh.NewClient(&hc).WithAuthToken(token)
	} else {
		tokens, err := newAppTokens(*cfg.App, &http.Client{Transport: c.tr, Timeout: hc.Timeout}, u.String(), func() time.Time { return c.now() })
		if err != nil {
			return nil, err
		}
		c.app = tokens
		hc.Transport = &appAuth{base: c.tr, tokens: tokens}
		c.gh = gh.NewClient(&hc)
	}
	c.gh.BaseURL = u
	c.gh.UserAgent = httpx.UserAgent
	return c, nil
}

// lock serialises syncs of one topic in one repository, so two goroutines
// of the same process cannot both find nothing and both create.
func (c *Client) lock(repo, key string) func() {
	k := strings.ToLower(repo) + "\x00" + key
	c.mu.Lock()
	m := c.locks[k]
	if m == nil {
		m = &sync.Mutex{}
		c.locks[k] = m
	}
	c.mu.Unlock()
	m.Lock()
	return m.Unlock
}

// call runs one go-github call. When go-github refuses to send because it
// remembers a rate limit that resets soon (within Retry.MaxDelay), it waits
// for the reset and tries once more; a later reset fails at once.
func (c *Client) call(ctx context.Context, fn func() error) error {
	err := fn()
	if err == nil {
		return nil
	}
	var wait time.Duration
	var rl *gh.RateLimitError
	var ab *gh.AbuseRateLimitError
	switch {
	case errors.As(err, &rl) && synthetic(rl.Response):
		wait = rl.Rate.Reset.Time.Sub(c.now()) + time.Second
	case errors.As(err, &ab) && synthetic(ab.Response) && ab.RetryAfter != nil:
		wait = *ab.RetryAfter + time.Second
	default:
		return err
	}
	if wait <= 0 || wait > c.policy.MaxDelay {
		return err
	}
	if serr := c.policy.Sleep(ctx, wait); serr != nil {
		return serr
	}
	return fn()
}

// synthetic reports whether go-github made the response up instead of
// sending the request (it does so while it remembers a rate limit).
func synthetic(r *http.Response) bool { return r != nil && len(r.Header) == 0 }

// transport sends every request of the client under the retry policy and
// the pacing of content-creating requests.
type transport struct {
	base   http.RoundTripper
	policy httpx.Policy
	pace   time.Duration
	now    func() time.Time

	writeMu   sync.Mutex // held through a write and its retries
	lastWrite time.Time

	gateMu sync.Mutex
	gate   time.Time // no request before this: a rate limit is in force
}

// gaveUpHeader is set on the last real response when the transport stops
// retrying, so that the error can say why.
const gaveUpHeader = "Voc-Gave-Up"

func isWrite(method string) bool {
	switch method {
	case http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// replayable methods may be sent again after a 5xx or a network error: they
// set state rather than add to it. A POST may have created something even
// though the answer was lost, so it is never resent here (Sync looks for
// the issue again before creating it anew).
func replayable(method string) bool { return method != http.MethodPost }

// RoundTrip implements http.RoundTripper.
func (t *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	write := isWrite(req.Method)
	if write {
		t.writeMu.Lock()
		defer t.writeMu.Unlock()
	}
	start := t.now()
	for attempt := 1; ; attempt++ {
		if err := t.waitGate(ctx); err != nil {
			return nil, err
		}
		if write && t.pace > 0 && !t.lastWrite.IsZero() {
			if d := t.pace - t.now().Sub(t.lastWrite); d > 0 {
				if err := t.policy.Sleep(ctx, d); err != nil {
					return nil, err
				}
			}
		}
		r := req.Clone(ctx)
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		resp, err := t.base.RoundTrip(r)
		if write {
			t.lastWrite = t.now()
		}
		var wait time.Duration
		var why string
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if !replayable(req.Method) {
				return nil, err
			}
			why = err.Error()
		case resp.StatusCode < 400:
			return resp, nil
		default:
			limited, hinted, w := rateLimited(resp, t.now())
			switch {
			case limited:
				why = "rate limited"
				wait = w
				if !hinted {
					wait = max(secondaryMinWait, t.policy.Backoff(attempt))
					wait = min(wait, t.policy.MaxDelay)
				} else if wait > t.policy.MaxDelay {
					return giveUp(resp, fmt.Sprintf("GitHub asks to wait %s, longer than voc waits (%s)", wait.Round(time.Second), t.policy.MaxDelay)), nil
				}
				t.closeGate(wait)
			case httpx.Retryable(resp.StatusCode) && replayable(req.Method):
				why = "HTTP " + strconv.Itoa(resp.StatusCode)
			default:
				return resp, nil
			}
		}
		if wait <= 0 {
			wait = t.policy.Backoff(attempt)
		}
		spent := t.now().Sub(start)
		if attempt >= t.policy.MaxAttempts || spent+wait > t.policy.MaxElapsed {
			msg := fmt.Sprintf("gave up after %d attempts in %s", attempt, spent.Round(time.Second))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", msg, err)
			}
			return giveUp(resp, msg+" (last: "+why+")"), nil
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		if err := t.policy.Sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

func giveUp(resp *http.Response, msg string) *http.Response {
	resp.Header.Set(gaveUpHeader, msg)
	return resp
}

// closeGate holds every request of the client back for d.
func (t *transport) closeGate(d time.Duration) {
	t.gateMu.Lock()
	if until := t.now().Add(d); until.After(t.gate) {
		t.gate = until
	}
	t.gateMu.Unlock()
}

func (t *transport) waitGate(ctx context.Context) error {
	t.gateMu.Lock()
	d := t.gate.Sub(t.now())
	t.gateMu.Unlock()
	if d <= 0 {
		return nil
	}
	return t.policy.Sleep(ctx, d)
}

// rateLimited reads a failed response as GitHub documents its rate limits:
// 429, or 403 with X-RateLimit-Remaining 0 (primary), a Retry-After, or a
// message about a secondary rate limit. hinted says whether GitHub named
// the time to wait (Retry-After, or the reset of an exhausted quota). The
// body is read and put back.
func rateLimited(resp *http.Response, now time.Time) (limited, hinted bool, wait time.Duration) {
	if resp.StatusCode != http.StatusForbidden && resp.StatusCode != http.StatusTooManyRequests {
		return false, false, 0
	}
	wait = httpx.RetryAfter(resp.Header, now)
	hinted = resp.Header.Get("Retry-After") != "" || resp.Header.Get("X-RateLimit-Remaining") == "0"
	if resp.StatusCode == http.StatusTooManyRequests || hinted {
		return true, hinted, wait
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(data))
	low := strings.ToLower(string(data))
	if strings.Contains(low, "secondary rate limit") || strings.Contains(low, "secondary-rate-limits") ||
		strings.Contains(low, "abuse-rate-limits") || strings.Contains(low, "abuse detection") {
		return true, false, 0
	}
	return false, false, 0
}

// ErrNotFound is returned (wrapped) by Status when no issue in the
// repository carries the topic's label.
var ErrNotFound = errors.New("no issue carries the topic's label")

// ErrLabelsDropped is returned (wrapped) by Sync when GitHub created an
// issue but silently dropped its labels, which it does when the token lacks
// push (triage) access to the repository. voc finds issues by label, so it
// then refuses to create more issues in that repository: each would be
// created again on the next run. Give the token write access and re-run.
var ErrLabelsDropped = errors.New("GitHub created the issue without its labels (the token needs push or triage access to set labels); not creating more issues in this repository")

// callError is a failed call, named by what it did and for which topic. Its
// message never contains the token, even if a server echoed it.
type callError struct {
	what  string // "create issue for topic feature-abc in acme/flow"
	err   error
	token string
}

func (e *callError) Error() string {
	msg := "github: " + e.what + ": " + describe(e.err)
	if e.token != "" {
		msg = strings.ReplaceAll(msg, e.token, "xxxxx")
	}
	return msg
}

func (e *callError) Unwrap() error { return e.err }

func (c *Client) fail(what string, err error) error {
	if err == nil {
		return nil
	}
	token := c.token
	if c.app != nil {
		token = c.app.current()
	}
	return &callError{what: what, err: err, token: token}
}

// describe renders an error from go-github for a person, with a hint for
// the answers a person can fix.
func describe(err error) string {
	var rl *gh.RateLimitError
	var ab *gh.AbuseRateLimitError
	var er *gh.ErrorResponse
	var ue *url.Error
	switch {
	case errors.As(err, &rl):
		msg := fmt.Sprintf("%s: primary rate limit of %d requests exhausted until %s", request(rl.Response), rl.Rate.Limit, rl.Rate.Reset.UTC().Format(time.RFC3339))
		if synthetic(rl.Response) {
			msg += " (not asking GitHub again before then)"
		} else if rl.Message != "" {
			msg += " (" + rl.Message + ")"
		}
		return msg + gaveUp(rl.Response)
	case errors.As(err, &ab):
		msg := request(ab.Response) + ": secondary rate limit"
		if ab.RetryAfter != nil {
			msg += fmt.Sprintf(", retry after %s", ab.RetryAfter.Round(time.Second))
		}
		if synthetic(ab.Response) {
			msg += " (not asking GitHub again before then)"
		}
		return msg + gaveUp(ab.Response)
	case errors.As(err, &er):
		return describeResponse(er)
	case errors.As(err, &ue):
		return ue.Op + " " + ue.URL + ": " + ue.Err.Error()
	}
	return err.Error()
}

func describeResponse(er *gh.ErrorResponse) string {
	status := 0
	if er.Response != nil {
		status = er.Response.StatusCode
	}
	msg := fmt.Sprintf("%s: HTTP %d", request(er.Response), status)
	if er.Message != "" {
		msg += " " + er.Message
	}
	var details []string
	for _, e := range er.Errors {
		if e.Message != "" {
			details = append(details, e.Message)
			continue
		}
		details = append(details, strings.TrimSpace(strings.Join([]string{e.Resource, e.Field, e.Code}, " ")))
	}
	if len(details) > 0 {
		msg += ": " + strings.Join(details, "; ")
	}
	switch status {
	case http.StatusUnauthorized:
		msg += " (check " + TokenEnv + ": the token is missing, expired or revoked; installation tokens last an hour)"
	case http.StatusForbidden:
		msg += " (the token may not do this: it needs read and write access to issues in the repository)"
	case http.StatusNotFound:
		msg += " (no such repository, or the token cannot see it)"
	case http.StatusGone:
		msg += " (issues are disabled in this repository)"
	}
	return msg + gaveUp(er.Response)
}

// request names the request a response answers: method and path.
func request(r *http.Response) string {
	if r == nil || r.Request == nil || r.Request.URL == nil {
		return "request"
	}
	u := *r.Request.URL
	u.User = nil
	s := u.EscapedPath()
	if u.RawQuery != "" {
		s += "?" + u.RawQuery
	}
	return r.Request.Method + " " + s
}

func gaveUp(r *http.Response) string {
	if r == nil {
		return ""
	}
	if v := r.Header.Get(gaveUpHeader); v != "" {
		return " (" + v + ")"
	}
	return ""
}

// splitRepo splits "owner/repo".
func splitRepo(repo string) (string, string, error) {
	owner, name, ok := strings.Cut(strings.TrimSpace(repo), "/")
	if !ok || owner == "" || name == "" || strings.ContainsAny(name, "/ ") || strings.ContainsAny(owner, " ") {
		return "", "", fmt.Errorf("repository %q is not owner/repo (set the area's GitHub repository)", repo)
	}
	return owner, name, nil
}

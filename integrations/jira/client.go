// Package jira keeps one Jira issue per voc backlog topic, through
// github.com/andygrunwald/go-jira (v1.17.0).
//
// # Finding the issue of a topic
//
// The issue of a topic carries the label tracker.Label(key) ("voc-KEY") and
// the line tracker.Marker(key) in its description. Sync always searches by
// that label before it creates anything, so a crash between "created in
// Jira" and "recorded in voc's database", or a lost database, never leads to
// a second issue: the next run finds the issue and updates it.
//
// # API versions
//
// Jira Cloud is reached through REST API v3: searches use the current
// enhanced search endpoint GET /rest/api/3/search/jql (nextPageToken and
// isLast paging), and descriptions and comments are sent as a minimal
// Atlassian Document Format (ADF) document converted from voc's Markdown
// (headings, paragraphs with line breaks, block quotes, bullet lists,
// tables, code blocks, rules; links, bold, italics and inline code as
// marks). Jira Server and Data Center have no v3 and no /search/jql, so
// they are reached through REST API v2 with the Markdown sent as plain text
// and searches on /rest/api/2/search (startAt/total paging).
//
// The deployment is told apart by the credentials: an Email means Jira
// Cloud (e-mail and API token, Basic authentication), no Email means Server
// or Data Center (personal access token, Bearer authentication). A site on
// *.atlassian.net, *.jira.com or api.atlassian.com is always treated as
// Cloud. When a Cloud-mode client finds no /rest/api/3/search/jql (HTTP
// 404, as on Server with a username and password), it switches to the v2
// endpoints for the rest of its life.
//
// go-jira v1 builds the requests (its authentication transports, request
// constructor and response handling); the payload types are this package's
// own, because go-jira's Issue type only speaks v2 and cannot decode an ADF
// description.
//
// # Retries
//
// Every request goes through the shared policy of internal/httpx: 429 with
// Retry-After, exponential backoff on 5xx and network errors, bounded
// attempts and time. A create is not blindly retried: before every retry
// the topic's label is searched again, and an issue that the failed attempt
// did create after all is adopted instead of created twice.
//
// # Limits
//
// Jira Cloud's search is eventually consistent: an issue created a moment
// ago may not be found yet, so two syncs of the same topic must not run at
// once (a crash and a re-run are fine: by then the index has caught up). A
// comment whose answer is lost (5xx after the write) may be posted twice.
// In ADF the marker line is visible text (ADF has no hidden comments).
// An issue found in another project than Target is updated where it is.
package jira

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	gojira "github.com/andygrunwald/go-jira"

	"github.com/voc-dev/voc/internal/httpx"
)

// TrackerName is the value of tracker.Remote.Tracker for Jira issues.
const TrackerName = "jira"

// DefaultIssueType is the issue type of new issues when Config.IssueType is
// empty.
const DefaultIssueType = "Task"

// ErrNotFound is returned (wrapped) by Status when no issue carries the
// topic's label.
var ErrNotFound = errors.New("no Jira issue for this topic")

// Config says which Jira to reach and how.
type Config struct {
	// BaseURL is the site, e.g. https://acme.atlassian.net, or the URL of a
	// Server/Data Center instance including its context path
	// (https://jira.example.com/jira).
	BaseURL string
	// Email is the Atlassian account of a Jira Cloud API token (Basic
	// authentication). Leave it empty for Server/Data Center.
	Email string
	// Token comes from VOC_JIRA_TOKEN: a Cloud API token with Email, or a
	// Server/Data Center personal access token (Bearer) without. It is never
	// logged or put in an error.
	Token string
	// IssueType is the type of new issues (default "Task").
	IssueType string
	// BugType, when set (e.g. "Bug"), is the type of new issues of bug
	// topics (those labelled "bug").
	BugType string
	// HTTP is an optional client whose Transport, Timeout (per attempt),
	// Jar and CheckRedirect are used. Default: http.DefaultTransport and a
	// 30s timeout per attempt.
	HTTP *http.Client
	// Retry is the retry policy (the zero value is httpx's defaults); tests
	// replace its Sleep so that nothing really waits.
	Retry httpx.Policy
	// Priorities names the Jira priorities of voc's four levels, most
	// urgent first. Empty means the site's own list (GET priority, which
	// Jira orders most urgent first), taken from the top.
	Priorities []string
	// NoPriority leaves every issue's priority to people.
	NoPriority bool
}

// String renders the config with the token masked, so that printing a
// Config by mistake does not leak it.
func (c Config) String() string {
	tok := ""
	if c.Token != "" {
		tok = "xxxxx"
	}
	return fmt.Sprintf("jira.Config{BaseURL:%q Email:%q Token:%q IssueType:%q BugType:%q}",
		c.BaseURL, c.Email, tok, c.IssueType, c.BugType)
}

// GoString masks the token under %#v as String does under %v.
func (c Config) GoString() string { return c.String() }

// Client talks to one Jira site. It is safe for concurrent use. Create it
// with New.
type Client struct {
	api       *gojira.Client
	base      string // BaseURL without a trailing slash, for links
	secrets   []string
	issueType string
	bugType   string
	// v2 is set for Server/Data Center: REST API v2, plain-text bodies and
	// /rest/api/2/search. A Cloud-mode client sets it when /search/jql is
	// missing.
	v2 atomic.Bool
	// cloudHost is set for sites that are certainly Jira Cloud, which never
	// fall back to v2.
	cloudHost bool
	prio      priorities
}

// New checks the config and returns a client. Every missing or bad setting
// is named in the error; the token never is.
func New(cfg Config) (*Client, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("jira: "+format, args...)) }

	var base *url.URL
	raw := strings.TrimSpace(cfg.BaseURL)
	if raw == "" {
		bad("BaseURL is empty (e.g. https://acme.atlassian.net, or your Server/Data Center URL)")
	} else {
		u, err := url.Parse(raw)
		switch {
		case err != nil:
			bad("BaseURL is not a valid URL")
		case u.Scheme != "http" && u.Scheme != "https":
			bad("BaseURL %s must start with https:// (or http://)", httpx.MaskURL(u))
		case u.Host == "":
			bad("BaseURL %s has no host", httpx.MaskURL(u))
		case u.User != nil:
			bad("BaseURL %s must not contain credentials (set Email and Token instead)", httpx.MaskURL(u))
		case u.RawQuery != "" || u.Fragment != "":
			bad("BaseURL %s must not have a query or fragment", httpx.MaskURL(u))
		default:
			u.Path = strings.TrimRight(u.Path, "/")
			u.RawPath = ""
			base = u
		}
	}
	email := strings.TrimSpace(cfg.Email)
	if email != "" && strings.ContainsAny(email, ": \t") {
		bad("Email %q is not an e-mail address or user name", email)
	}
	token := strings.TrimSpace(cfg.Token)
	switch {
	case token == "":
		bad("Token is empty (set VOC_JIRA_TOKEN: a Cloud API token with Email, or a Server/Data Center personal access token)")
	case strings.ContainsAny(token, "\r\n"):
		bad("Token contains a line break (check VOC_JIRA_TOKEN)")
	}
	issueType := strings.TrimSpace(cfg.IssueType)
	if issueType == "" {
		issueType = DefaultIssueType
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}

	c := &Client{
		base:      base.String(),
		issueType: issueType,
		bugType:   strings.TrimSpace(cfg.BugType),
		cloudHost: isCloudHost(base.Hostname()),
		prio:      priorities{off: cfg.NoPriority, names: cfg.Priorities},
	}
	c.secrets = []string{token, url.QueryEscape(token)}
	if email != "" {
		c.secrets = append(c.secrets, base64.StdEncoding.EncodeToString([]byte(email+":"+token)))
	}

	inner := &http.Client{Timeout: 30 * time.Second}
	if cfg.HTTP != nil {
		inner.Transport = cfg.HTTP.Transport
		inner.Jar = cfg.HTTP.Jar
		inner.CheckRedirect = cfg.HTTP.CheckRedirect
		if cfg.HTTP.Timeout > 0 {
			inner.Timeout = cfg.HTTP.Timeout
		}
	}
	retry := &retryTransport{http: &httpx.Client{HTTP: inner, Policy: cfg.Retry}}
	var auth http.RoundTripper
	if email != "" {
		auth = &gojira.BasicAuthTransport{Username: email, Password: token, Transport: retry}
	} else {
		auth = &gojira.PATAuthTransport{Token: token, Transport: retry}
		c.v2.Store(!c.cloudHost)
	}
	api, err := gojira.NewClient(&http.Client{Transport: auth}, c.base+"/")
	if err != nil {
		return nil, fmt.Errorf("jira: BaseURL %s: %v", httpx.MaskURL(base), err)
	}
	c.api = api
	return c, nil
}

func isCloudHost(host string) bool {
	host = strings.ToLower(host)
	return strings.HasSuffix(host, ".atlassian.net") || strings.HasSuffix(host, ".jira.com") ||
		host == "api.atlassian.com" || strings.HasSuffix(host, ".jira-dev.com")
}

// apiPrefix returns the REST API prefix in use ("rest/api/3" or "rest/api/2").
func (c *Client) apiPrefix() string {
	if c.v2.Load() {
		return "rest/api/2"
	}
	return "rest/api/3"
}

// browse is the link people follow to an issue.
func (c *Client) browse(key string) string { return c.base + "/browse/" + url.PathEscape(key) }

// call sends one request through go-jira and decodes a JSON answer into out
// (when out is not nil).
func (c *Client) call(ctx context.Context, method, path string, in, out any) error {
	req, err := c.api.NewRequestWithContext(ctx, method, path, in)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.api.Do(req, out)
	if resp != nil && resp.Response != nil && resp.Body != nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		resp.Body.Close()
	}
	return err
}

// callError is an error of this package: a message that names the topic and
// the call, with every secret masked, over the cause.
type callError struct {
	msg string
	err error
}

func (e *callError) Error() string { return e.msg }
func (e *callError) Unwrap() error { return e.err }

// fail wraps err as "jira: <what>: <cause>", with the token masked.
func (c *Client) fail(what string, err error) error {
	var se *httpx.StatusError
	if errors.As(err, &se) {
		se.Body = c.mask(se.Body)
		se.URL = c.mask(se.URL)
	}
	return &callError{msg: c.mask("jira: " + what + ": " + describe(err).Error()), err: err}
}

// describe renders a cause briefly: the HTTP status and Jira's own error
// messages rather than the full request line.
func describe(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	var se *httpx.StatusError
	if errors.As(err, &se) {
		msg := fmt.Sprintf("HTTP %d", se.Status)
		if detail := jiraMessages(se.Body); detail != "" {
			msg += ": " + detail
		}
		if hint := statusHint(se.Status); hint != "" {
			msg += " (" + hint + ")"
		}
		// "giving up after 6 attempts: GET <url>: HTTP 503: …" keeps its
		// prefix and loses the request line.
		if full := err.Error(); err != error(se) && strings.HasSuffix(full, se.Error()) {
			msg = strings.TrimSuffix(full, se.Error()) + msg
		}
		return errors.New(msg)
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return fmt.Errorf("timed out: %v", err)
	}
	return err
}

func statusHint(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "check Email and VOC_JIRA_TOKEN"
	case http.StatusForbidden:
		return "the account lacks permission"
	}
	return ""
}

// jiraMessages reads Jira's ErrorCollection ({"errorMessages":[…],
// "errors":{field:msg}}); other bodies are returned as they are.
func jiraMessages(body string) string {
	var ec struct {
		ErrorMessages []string          `json:"errorMessages"`
		Errors        map[string]string `json:"errors"`
	}
	if json.Unmarshal([]byte(body), &ec) != nil || (len(ec.ErrorMessages) == 0 && len(ec.Errors) == 0) {
		return body
	}
	parts := append([]string(nil), ec.ErrorMessages...)
	fields := make([]string, 0, len(ec.Errors))
	for f := range ec.Errors {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		parts = append(parts, f+": "+ec.Errors[f])
	}
	return strings.Join(parts, "; ")
}

// mask replaces every form of the credentials in s.
func (c *Client) mask(s string) string {
	for _, sec := range c.secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "xxxxx")
		}
	}
	return s
}

// isStatus reports whether err is an HTTP error with that status.
func isStatus(err error, status int) bool {
	var se *httpx.StatusError
	return errors.As(err, &se) && se.Status == status
}

// retryTransport sends each request under the httpx retry policy. go-jira
// sits on top of it, and its authentication transport on top of that, so
// every attempt carries the credentials.
type retryTransport struct {
	http *httpx.Client
}

// beforeRetryKey marks a context whose requests run a check before every
// retry; the check may stop the retries by returning an error.
type beforeRetryKey struct{}

func withBeforeRetry(ctx context.Context, f func(context.Context) error) context.Context {
	return context.WithValue(ctx, beforeRetryKey{}, f)
}

func withoutBeforeRetry(ctx context.Context) context.Context {
	return context.WithValue(ctx, beforeRetryKey{}, nil)
}

// RoundTrip implements http.RoundTripper. Non-2xx answers come back as
// errors (*httpx.StatusError) after the policy's retries.
func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	check, _ := req.Context().Value(beforeRetryKey{}).(func(context.Context) error)
	attempt := 0
	return t.http.Do(req.Context(), func(ctx context.Context) (*http.Request, error) {
		attempt++
		if attempt > 1 && check != nil {
			if err := check(withoutBeforeRetry(ctx)); err != nil {
				return nil, err
			}
		}
		r := req.Clone(ctx)
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
			r.ContentLength = int64(len(body))
		}
		return r, nil
	})
}

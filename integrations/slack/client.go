package slack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"

	"github.com/voc-dev/voc/internal/httpx"
)

// DefaultAPIURL is Slack's Web API.
const DefaultAPIURL = "https://slack.com/api/"

// Client defaults.
const (
	// DefaultPostInterval paces chat.postMessage to one message a second
	// per channel, the rate Slack allows it.
	DefaultPostInterval = time.Second
	// DefaultRetries is how many times a call rate-limited with HTTP 429
	// is tried again before the error goes back to the caller's queue.
	DefaultRetries = 3
	// DefaultMaxWait is the longest Retry-After the client waits out;
	// longer ones are returned at once (Retryable says to try later).
	DefaultMaxWait = 60 * time.Second
)

// Client posts voc's messages and opens its dialogs through the Web API
// (slack-go). The bot token travels only in the Authorization header, never
// in a body, a URL or an error; response_url calls carry no token at all.
type Client struct {
	api      *slack.Client
	token    string
	hc       *http.Client
	sleep    func(context.Context, time.Duration) error
	now      func() time.Time
	retries  int
	maxWait  time.Duration
	interval time.Duration

	mu   sync.Mutex
	next map[string]time.Time // channel → earliest time of its next post
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends through hc (default: a client with a 30 s timeout).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithSleep replaces the context-aware sleep used for pacing and
// Retry-After; tests record the waits instead.
func WithSleep(f func(context.Context, time.Duration) error) Option {
	return func(c *Client) { c.sleep = f }
}

// WithClock replaces time.Now for pacing.
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// WithRetries sets how many times a rate-limited call is tried again (0:
// never).
func WithRetries(n int) Option { return func(c *Client) { c.retries = max(n, 0) } }

// WithPostInterval sets the least time between two posts to one channel
// (0: no pacing).
func WithPostInterval(d time.Duration) Option { return func(c *Client) { c.interval = max(d, 0) } }

// NewClient returns a client for the bot token. apiURL is the Web API base,
// "" for Slack's; a base without the /api path ("http://127.0.0.1:8080", a
// fake) gets it added.
func NewClient(token, apiURL string, opts ...Option) *Client {
	c := &Client{
		token:    strings.TrimSpace(token),
		hc:       &http.Client{Timeout: 30 * time.Second},
		sleep:    httpx.Sleep,
		now:      time.Now,
		retries:  DefaultRetries,
		maxWait:  DefaultMaxWait,
		interval: DefaultPostInterval,
		next:     map[string]time.Time{},
	}
	for _, o := range opts {
		o(c)
	}
	base := DefaultAPIURL
	if u := strings.TrimRight(strings.TrimSpace(apiURL), "/"); u != "" {
		if !strings.HasSuffix(u, "/api") {
			u += "/api"
		}
		base = u + "/"
	}
	c.api = slack.New(c.token, slack.OptionAPIURL(base), slack.OptionHTTPClient(&bearer{hc: c.hc, token: c.token}))
	return c
}

// Post sends a message with chat.postMessage, in the thread of threadTS
// when it is set, and returns the new message's ts. Posts to one channel
// are paced to the post interval, and an HTTP 429 is waited out
// (Retry-After) and retried a bounded number of times.
func (c *Client) Post(ctx context.Context, channel, threadTS string, blocks []slack.Block, text string) (string, error) {
	target := "to " + channel
	if strings.TrimSpace(channel) == "" {
		return "", c.wrap("chat.postMessage", "", errors.New("no channel"), 0)
	}
	opts := []slack.MsgOption{slack.MsgOptionText(text, false)}
	if len(blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	if threadTS != "" {
		opts = append(opts, slack.MsgOptionTS(threadTS))
	}
	var ts string
	if c.token == "" {
		return "", c.wrap("chat.postMessage", target, errNoToken, 0)
	}
	err := c.retry(ctx, "chat.postMessage", target, channel, func() error {
		var err error
		_, ts, err = c.api.PostMessageContext(ctx, channel, opts...)
		return err
	})
	return ts, err
}

// Respond answers a slash command or an interaction through its
// response_url, visible only to the person who asked (ephemeral). The URL
// must be https (or http on a loopback address, for tests); it is not
// repeated in errors, as anyone holding it can post.
func (c *Client) Respond(ctx context.Context, responseURL string, text string, blocks []slack.Block) error {
	u, err := url.Parse(responseURL)
	if err != nil || u.Host == "" || !(u.Scheme == "https" || u.Scheme == "http" && isLoopback(u.Hostname())) {
		return c.wrap("response_url", "", errors.New("not an https URL"), 0)
	}
	opts := []slack.MsgOption{
		slack.MsgOptionResponseURL(u.String(), slack.ResponseTypeEphemeral),
		slack.MsgOptionText(text, false),
	}
	if len(blocks) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(blocks...))
	}
	return c.retry(ctx, "response_url", "", "", func() error {
		_, _, err := c.api.PostMessageContext(ctx, "", opts...)
		return err
	})
}

// OpenDeclineDialog opens the DeclineModal of a topic for the person whose
// click produced triggerID. A trigger expires three seconds after the
// click, so views.open is never retried.
func (c *Client) OpenDeclineDialog(ctx context.Context, triggerID string, topicID int64, title string) error {
	return c.openView(ctx, triggerID, "decline topic "+strconv.FormatInt(topicID, 10), DeclineModal(topicID, title))
}

// OpenMergeDialog opens the MergeModal of a topic, like OpenDeclineDialog.
func (c *Client) OpenMergeDialog(ctx context.Context, triggerID string, topicID int64, title string) error {
	return c.openView(ctx, triggerID, "merge topic "+strconv.FormatInt(topicID, 10), MergeModal(topicID, title))
}

func (c *Client) openView(ctx context.Context, triggerID, target string, v slack.ModalViewRequest) error {
	if c.token == "" {
		return c.wrap("views.open", "for "+target, errNoToken, 1)
	}
	if triggerID == "" {
		return c.wrap("views.open", "for "+target, errors.New("no trigger_id"), 0)
	}
	_, err := c.api.OpenViewContext(ctx, triggerID, v)
	return c.wrap("views.open", "for "+target, err, 1)
}

var errNoToken = errors.New("no bot token (set VOC_SLACK_TOKEN)")

// retry runs call, waiting out and retrying HTTP 429s; with a channel it
// also paces the calls to that channel.
func (c *Client) retry(ctx context.Context, method, target, channel string, call func() error) error {
	for attempt := 1; ; attempt++ {
		if channel != "" {
			if err := c.pace(ctx, channel); err != nil {
				return c.wrap(method, target, err, attempt-1)
			}
		}
		err := call()
		if err == nil {
			return nil
		}
		wait, limited := rateLimit(err)
		if !limited || attempt > c.retries || wait > c.maxWait || ctx.Err() != nil {
			return c.wrap(method, target, err, attempt)
		}
		if channel != "" {
			c.hold(channel, wait)
		} else if err := c.sleep(ctx, wait); err != nil {
			return c.wrap(method, target, err, attempt)
		}
	}
}

// pace waits for the channel's next free slot and books the one after it,
// so concurrent posts to one channel queue up an interval apart.
func (c *Client) pace(ctx context.Context, channel string) error {
	c.mu.Lock()
	now := c.now()
	at := c.next[channel]
	if at.Before(now) {
		at = now
	}
	c.next[channel] = at.Add(c.interval)
	c.mu.Unlock()
	if d := at.Sub(now); d > 0 {
		return c.sleep(ctx, d)
	}
	return nil
}

// hold keeps a channel's next post at least wait away (a Retry-After).
func (c *Client) hold(channel string, wait time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if at := c.now().Add(wait); c.next[channel].Before(at) {
		c.next[channel] = at
	}
}

// rateLimit reports whether err is an HTTP 429 and how long Slack asks to
// wait (1 s when it does not say).
func rateLimit(err error) (time.Duration, bool) {
	var rl *slack.RateLimitedError
	if errors.As(err, &rl) {
		return rl.RetryAfter, true
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) && sc.Code == http.StatusTooManyRequests {
		return time.Second, true
	}
	return 0, false
}

// Retryable reports whether a failed call is worth trying again later (a
// durable queue's decision): rate limits, Slack's 5xx and internal errors,
// and network failures. Errors a person must fix (channel_not_found,
// invalid_auth, a bad trigger) are not.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if _, ok := rateLimit(err); ok {
		return true
	}
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code >= 500 && sc.Code != http.StatusNotImplemented
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return true
		}
		return false
	}
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, io.ErrUnexpectedEOF)
}

// apiError is a failed call, named by method and target. Its message never
// contains the token, even if a server echoed it.
type apiError struct {
	method, target string
	attempts       int
	err            error
	token          string
}

func (e *apiError) Error() string {
	msg := "slack " + e.method
	if e.target != "" {
		msg += " " + e.target
	}
	msg += ": " + explain(e.err)
	if _, limited := rateLimit(e.err); limited && e.attempts > 1 {
		msg += fmt.Sprintf(", gave up after %d attempts", e.attempts)
	}
	if len(e.token) >= 8 {
		msg = strings.ReplaceAll(msg, e.token, "xxxxx")
	}
	return msg
}

func (e *apiError) Unwrap() error { return e.err }

func (c *Client) wrap(method, target string, err error, attempts int) error {
	if err == nil {
		return nil
	}
	return &apiError{method: method, target: target, attempts: attempts, err: err, token: c.token}
}

// explain renders an error from slack-go for a person: Slack's error code
// with its messages, the HTTP status, or the network error without the URL.
func explain(err error) string {
	var se slack.SlackErrorResponse
	var rl *slack.RateLimitedError
	var sc slack.StatusCodeError
	var ue *url.Error
	switch {
	case errors.As(err, &se):
		msg := se.Err
		if m := se.ResponseMetadata.Messages; len(m) > 0 {
			msg += " (" + strings.Join(m, "; ") + ")"
		}
		switch se.Err {
		case "not_authed", "invalid_auth", "token_revoked", "token_expired", "account_inactive":
			msg += " (check the bot token in VOC_SLACK_TOKEN)"
		case "missing_scope":
			msg += " (the token needs scope " + firstSet(se.Needed, "chat:write") + ")"
		case "not_in_channel":
			msg += " (invite the bot to the channel: /invite @your-app)"
		}
		return msg
	case errors.As(err, &rl):
		return fmt.Sprintf("rate limited (HTTP 429, retry after %s)", rl.RetryAfter)
	case errors.As(err, &sc):
		return "HTTP " + strconv.Itoa(sc.Code)
	case errors.As(err, &ue):
		return ue.Err.Error()
	}
	return err.Error()
}

// bearer is the HTTP client slack-go sends through. slack-go puts the token
// of form calls (chat.postMessage) in the body; bearer moves it to the
// Authorization header, so that it is never in a body or a URL.
type bearer struct {
	hc    *http.Client
	token string
}

// Do implements slack-go's httpClient.
func (b *bearer) Do(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	if req.Body != nil && strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		if v, err := url.ParseQuery(string(body)); err == nil && v.Has("token") {
			v.Del("token")
			body = []byte(v.Encode())
			req.Header.Set("Authorization", "Bearer "+b.token)
		}
		req.Body = io.NopCloser(strings.NewReader(string(body)))
		req.ContentLength = int64(len(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(body))), nil }
	}
	if q := req.URL.Query(); q.Has("token") {
		q.Del("token")
		req.URL.RawQuery = q.Encode()
		req.Header.Set("Authorization", "Bearer "+b.token)
	}
	req.Header.Set("User-Agent", httpx.UserAgent)
	return b.hc.Do(req)
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

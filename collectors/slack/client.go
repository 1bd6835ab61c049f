package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/voc-dev/voc/internal/httpx"
)

// pageSize is the limit asked of conversations.history and .replies; Slack
// recommends 200 and may return fewer.
const pageSize = 200

// transport is the HTTP client slack-go sends through (slack.OptionHTTPClient).
// It moves the token out of the form body, where slack-go puts it, into an
// Authorization: Bearer header, so that no request body or URL ever carries
// it, and it sends every request under the shared retry policy of
// internal/httpx: 429 waits Retry-After (capped by the policy), 5xx and
// network errors back off, attempts and total time are bounded, and the
// policy's Sleep is injectable. slack-go therefore never sees a 429 and never
// returns a *slack.RateLimitedError; when the policy gives up, the error says
// so ("giving up after 6 attempts: POST …/conversations.history: HTTP 429").
type transport struct {
	http  *httpx.Client
	token string
}

// Do implements slack-go's httpClient.
func (t *transport) Do(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
	}
	if len(body) > 0 && strings.HasPrefix(req.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		if v, err := url.ParseQuery(string(body)); err == nil && v.Has("token") {
			v.Del("token")
			body = []byte(v.Encode())
		}
	}
	u := *req.URL
	if q := u.Query(); q.Has("token") {
		q.Del("token")
		u.RawQuery = q.Encode()
	}
	target := u.String()
	return t.http.Do(req.Context(), func(ctx context.Context) (*http.Request, error) {
		r, err := http.NewRequestWithContext(ctx, req.Method, target, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		r.Header = req.Header.Clone()
		r.Header.Set("Authorization", "Bearer "+t.token)
		return r, nil
	})
}

// callError is a failed Web API call, named by method and channel (or
// user). Its message never contains the token, even if a server echoed it.
type callError struct {
	call   string // "conversations.history"
	target string // "channel C0123", "user U0123"
	err    error
	token  string
}

func (e *callError) Error() string {
	msg := "slack: " + e.call + " " + e.target + ": " + describe(e.err)
	if e.token != "" {
		msg = strings.ReplaceAll(msg, e.token, "xxxxx")
	}
	return msg
}

func (e *callError) Unwrap() error { return e.err }

// describe renders a slack-go error with a hint for the codes a person can
// fix.
func describe(err error) string {
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		msg := se.Err
		switch se.Err {
		case "not_authed", "invalid_auth", "token_revoked", "token_expired", "account_inactive":
			msg += " (check the bot token in VOC_SLACK_TOKEN)"
		case "missing_scope":
			if se.Needed != "" {
				msg += " (the token needs scope " + se.Needed + ")"
			} else {
				msg += " (the token needs channels:history, groups:history, users:read and users:read.email)"
			}
		case "channel_not_found":
			msg += " (check the channel ID; private channels need the bot invited)"
		case "not_in_channel":
			msg += " (invite the bot to the channel: /invite @your-app)"
		}
		return msg
	}
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if errors.As(err, &syn) || errors.As(err, &typ) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "invalid JSON response: " + err.Error()
	}
	return err.Error()
}

// slackCode returns the Web API error code of err ("channel_not_found"), or
// "".
func slackCode(err error) string {
	var se slackgo.SlackErrorResponse
	if errors.As(err, &se) {
		return se.Err
	}
	return ""
}

func (c *Collector) callErr(call, target string, err error) error {
	if err == nil {
		return nil
	}
	if ce := (*callError)(nil); errors.As(err, &ce) {
		return err
	}
	return &callError{call: call, target: target, err: err, token: c.token}
}

// history lists one range of a channel's history, every page, in the order
// Slack returns them: newest page first, each page newest message first.
func (c *Collector) history(ctx context.Context, channel, oldest, latest string, inclusive bool) ([][]slackgo.Message, error) {
	var pages [][]slackgo.Message
	seen := map[string]bool{}
	cursor := ""
	for {
		resp, err := c.api.GetConversationHistoryContext(ctx, &slackgo.GetConversationHistoryParameters{
			ChannelID: channel, Cursor: cursor, Oldest: oldest, Latest: latest, Inclusive: inclusive, Limit: pageSize,
		})
		if err != nil {
			return nil, c.callErr("conversations.history", "channel "+channel, err)
		}
		if !resp.Ok {
			return nil, c.callErr("conversations.history", "channel "+channel, errors.New(`invalid response: no "ok": true`))
		}
		pages = append(pages, resp.Messages)
		cursor = resp.ResponseMetaData.NextCursor
		if cursor == "" {
			return pages, nil
		}
		if seen[cursor] {
			return nil, c.callErr("conversations.history", "channel "+channel, errors.New("invalid response: next_cursor repeats"))
		}
		seen[cursor] = true
	}
}

// replies reads a whole thread, root first, in time order.
func (c *Collector) replies(ctx context.Context, channel, ts string) ([]slackgo.Message, error) {
	var all []slackgo.Message
	have := map[string]bool{}
	seen := map[string]bool{}
	cursor := ""
	for {
		msgs, _, next, err := c.api.GetConversationRepliesContext(ctx, &slackgo.GetConversationRepliesParameters{
			ChannelID: channel, Timestamp: ts, Cursor: cursor, Limit: pageSize,
		})
		if err != nil {
			return nil, c.callErr("conversations.replies", "channel "+channel+" thread "+ts, err)
		}
		for _, m := range msgs {
			// Slack repeats the parent at the top of every page.
			if !have[m.Timestamp] {
				have[m.Timestamp] = true
				all = append(all, m)
			}
		}
		if next == "" {
			break
		}
		if seen[next] {
			return nil, c.callErr("conversations.replies", "channel "+channel+" thread "+ts, errors.New("invalid response: next_cursor repeats"))
		}
		seen[next] = true
		cursor = next
	}
	sort.SliceStable(all, func(i, j int) bool { return tsLess(all[i].Timestamp, all[j].Timestamp) })
	return all, nil
}

// person is what the collector keeps of a Slack user.
type person struct {
	known   bool
	mention string // display name for @mentions
	author  string // "Real Name <email>"
	email   string
	bot     bool
}

// user looks a user up with users.info, once per run. A user Slack says it
// cannot find or show is kept as unknown (named by ID, a customer); any
// other failure (auth, scope) stops the run, so that agents are never
// silently counted as customers.
func (r *run) user(ctx context.Context, id string) (person, error) {
	if p, ok := r.users[id]; ok {
		return p, nil
	}
	u, err := r.c.api.GetUserInfoContext(ctx, id)
	var p person
	switch code := slackCode(err); {
	case err == nil:
		p = personOf(u)
	case code == "user_not_found" || code == "user_not_visible":
		p = person{mention: id, author: id}
	default:
		return person{}, r.c.callErr("users.info", "user "+id, err)
	}
	r.users[id] = p
	return p, nil
}

func personOf(u *slackgo.User) person {
	real := firstNonEmpty(u.Profile.RealName, u.RealName, u.Profile.DisplayName, u.Name, u.ID)
	email := strings.TrimSpace(u.Profile.Email)
	author := real
	if email != "" {
		author = real + " <" + email + ">"
	}
	return person{
		known:   true,
		mention: firstNonEmpty(u.Profile.DisplayName, u.Profile.RealName, u.RealName, u.Name, u.ID),
		author:  author,
		email:   email,
		bot:     u.IsBot || u.ID == "USLACKBOT",
	}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// Slack timestamps ("1512085950.000216") are seconds and microseconds; they
// are compared as numbers, never as strings.

func parseTS(s string) (sec, micro int64, ok bool) {
	a, b, _ := strings.Cut(s, ".")
	sec, err := strconv.ParseInt(a, 10, 64)
	if err != nil || sec < 0 {
		return 0, 0, false
	}
	if len(b) > 6 {
		b = b[:6]
	}
	if b != "" {
		b += strings.Repeat("0", 6-len(b))
		if micro, err = strconv.ParseInt(b, 10, 64); err != nil || micro < 0 {
			return 0, 0, false
		}
	}
	return sec, micro, true
}

func tsLess(a, b string) bool {
	as, am, _ := parseTS(a)
	bs, bm, _ := parseTS(b)
	return as < bs || (as == bs && am < bm)
}

func tsTime(s string) time.Time {
	sec, micro, _ := parseTS(s)
	return time.Unix(sec, micro*1000).UTC()
}

func tsOf(t time.Time) string {
	return strconv.FormatInt(t.Unix(), 10) + "." + strconv.FormatInt(int64(t.Nanosecond()/1000)+1e6, 10)[1:]
}

package zendesk

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/voc-dev/voc/internal/httpx"
)

// maxBody caps one response so that a runaway or hostile server cannot
// exhaust memory; a full export page of 1000 tickets with side-loads is a
// few megabytes.
const maxBody = 256 << 20

// commentsPageSize is the largest page Zendesk allows for comments, so a
// long ticket costs as few requests as possible.
const commentsPageSize = 100

// client calls the Zendesk Support API with API-token authentication. It
// sends every request through the shared httpx.Client so that 429 and
// Retry-After are obeyed and 5xx are retried the same way as everywhere
// else in voc, and it scrubs the token from every error it returns.
type client struct {
	base  *url.URL // scheme, host and optional path prefix, no trailing slash
	email string
	token string
	http  *httpx.Client
}

// endpoint returns the absolute URL of an API path under the base URL.
func (c *client) endpoint(path string, q url.Values) string {
	u := *c.base
	u.Path = strings.TrimSuffix(u.Path, "/") + path
	u.RawPath = ""
	u.RawQuery = q.Encode()
	return u.String()
}

// get sends an authenticated GET and decodes the JSON response into v. A
// body that is not valid JSON is a "decode:" error, so that a truncated or
// garbled page is never mistaken for an empty one.
func (c *client) get(ctx context.Context, rawURL string, v any) error {
	resp, err := c.http.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return nil, err
		}
		req.SetBasicAuth(c.email+"/token", c.token)
		req.Header.Set("Accept", "application/json")
		return req, nil
	})
	if err != nil {
		// Mask the token in the body excerpt itself, not only in the
		// message, for callers that dig the *StatusError out with errors.As.
		var se *httpx.StatusError
		if errors.As(err, &se) {
			se.Body = maskAll(se.Body, c.secrets())
		}
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	if err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	if len(data) > maxBody {
		return fmt.Errorf("response larger than %d MiB", maxBody>>20)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

// exportPage fetches one page of the cursor-based incremental ticket
// export: from start (unix seconds) when cursor is empty, else from the
// cursor. Users and organisations are side-loaded so that roles, locales
// and accounts need no extra request per ticket.
func (c *client) exportPage(ctx context.Context, cursor string, start int64, perPage int) (*exportPage, error) {
	q := url.Values{"include": {"users,organizations"}, "per_page": {strconv.Itoa(perPage)}}
	if cursor != "" {
		q.Set("cursor", cursor)
	} else {
		q.Set("start_time", strconv.FormatInt(start, 10))
	}
	var p exportPage
	if err := c.get(ctx, c.endpoint("/api/v2/incremental/tickets/cursor.json", q), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// comments fetches all comments of a ticket, following its pages, with
// their authors side-loaded.
func (c *client) comments(ctx context.Context, ticketID int64) ([]comment, []user, error) {
	path := fmt.Sprintf("/api/v2/tickets/%d/comments.json", ticketID)
	q := url.Values{"include": {"users"}, "page[size]": {strconv.Itoa(commentsPageSize)}}
	next := c.endpoint(path, q)
	seen := map[string]bool{}
	var (
		out   []comment
		users []user
	)
	for next != "" {
		if seen[next] {
			return nil, nil, fmt.Errorf("comments paging repeats %s", next)
		}
		seen[next] = true
		var p commentsPage
		if err := c.get(ctx, next, &p); err != nil {
			return nil, nil, err
		}
		out = append(out, p.Comments...)
		users = append(users, p.Users...)
		switch {
		case p.Meta.HasMore && p.Meta.AfterCursor != "":
			q.Set("page[after]", p.Meta.AfterCursor)
			next = c.endpoint(path, q)
		case p.Meta.HasMore && p.Links.Next != nil && *p.Links.Next != "":
			u, err := c.sameOrigin(*p.Links.Next)
			if err != nil {
				return nil, nil, err
			}
			next = u
		case !p.Meta.HasMore && p.NextPage != nil && *p.NextPage != "":
			u, err := c.sameOrigin(*p.NextPage)
			if err != nil {
				return nil, nil, err
			}
			next = u
		default:
			next = ""
		}
	}
	return out, users, nil
}

// sameOrigin resolves a next-page link given by the server and refuses it
// unless it points at the configured API, so that the credentials are never
// sent to another host.
func (c *client) sameOrigin(raw string) (string, error) {
	u, err := c.base.Parse(raw)
	if err != nil {
		return "", fmt.Errorf("next page link: %w", err)
	}
	if u.Scheme != c.base.Scheme || u.Host != c.base.Host {
		return "", fmt.Errorf("next page link %s is not on %s://%s; not following it with credentials", httpx.MaskURL(u), c.base.Scheme, c.base.Host)
	}
	u.User = nil
	return u.String(), nil
}

// isNotFound reports whether err is an HTTP 404 from the API.
func isNotFound(err error) bool {
	var se *httpx.StatusError
	return errors.As(err, &se) && se.Status == http.StatusNotFound
}

// secrets returns the forms in which the token could show up in a message:
// as is, URL-escaped, and inside the Basic credentials a server might echo.
func (c *client) secrets() []string {
	if c.token == "" {
		return nil
	}
	cred := c.email + "/token:" + c.token
	return []string{
		base64.StdEncoding.EncodeToString([]byte(cred)),
		base64.URLEncoding.EncodeToString([]byte(cred)),
		cred,
		url.QueryEscape(c.token),
		c.token,
	}
}

// scrubbedError is an error whose message had secrets masked; it still
// unwraps to the original so that errors.Is and errors.As keep working.
type scrubbedError struct {
	msg string
	err error
}

func (e *scrubbedError) Error() string { return e.msg }
func (e *scrubbedError) Unwrap() error { return e.err }

// scrub masks the token in err's message. Errors from the HTTP layer carry
// the start of response bodies, and a misbehaving server or proxy could
// echo the credentials back; they must never reach a log.
func scrub(err error, secrets []string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	clean := maskAll(msg, secrets)
	if clean == msg {
		return err
	}
	return &scrubbedError{msg: clean, err: err}
}

// maskAll replaces every secret in s.
func maskAll(s string, secrets []string) string {
	for _, sec := range secrets {
		if sec != "" {
			s = strings.ReplaceAll(s, sec, "xxxxx")
		}
	}
	return s
}

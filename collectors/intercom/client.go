package intercom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/voc-dev/voc/internal/httpx"
)

// APIVersion is the Intercom REST API version every request pins with the
// Intercom-Version header; the payloads in types.go follow it.
const APIVersion = "2.16"

// maxBody caps one response body. A retrieved conversation carries at most
// 500 parts, far below this.
const maxBody = 64 << 20

// client calls the few Intercom endpoints the collector needs, through the
// shared httpx retry policy.
type client struct {
	base  string // scheme://host[/prefix], no trailing slash
	token string
	http  *httpx.Client
}

// errNotFound marks a 404 answer, which callers turn into a reject.
var errNotFound = errors.New("not found")

// do sends one request (what names it in errors, e.g. "retrieve
// conversation 123") and decodes a 2xx JSON answer into out.
func (c *client) do(ctx context.Context, what, method, path string, body any, out any) error {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
	}
	resp, err := c.http.Do(ctx, func(ctx context.Context) (*http.Request, error) {
		var r io.Reader
		if payload != nil {
			r = bytes.NewReader(payload)
		}
		req, err := http.NewRequestWithContext(ctx, method, c.base+path, r)
		if err != nil {
			return nil, err
		}
		req.Header.Set("Authorization", "Bearer "+c.token)
		req.Header.Set("Accept", "application/json")
		req.Header.Set("Intercom-Version", APIVersion)
		if payload != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		return req, nil
	})
	if err != nil {
		var se *httpx.StatusError
		if errors.As(err, &se) {
			switch se.Status {
			case http.StatusNotFound:
				return fmt.Errorf("%s: %w (HTTP 404): %w", what, errNotFound, err)
			case http.StatusUnauthorized:
				return fmt.Errorf("%s: token rejected (check VOC_INTERCOM_TOKEN): %w", what, err)
			case http.StatusForbidden:
				return fmt.Errorf("%s: access denied (the token's app lacks the scope, or the workspace's plan lacks API access): %w", what, err)
			}
		}
		return fmt.Errorf("%s: %w", what, err)
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxBody))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return &malformedError{what: what, err: err}
	}
	return nil
}

// malformedError is a 2xx answer that is not the JSON the API promises.
type malformedError struct {
	what string
	err  error
}

func (e *malformedError) Error() string {
	return fmt.Sprintf("%s: malformed response: %v", e.what, e.err)
}

func (e *malformedError) Unwrap() error { return e.err }

// search asks for one page of conversations (what names the page in
// errors) and checks that the page can be trusted.
func (c *client) search(ctx context.Context, what string, req searchRequest) (*conversationList, error) {
	var out conversationList
	if err := c.do(ctx, what, http.MethodPost, "/conversations/search", req, &out); err != nil {
		return nil, err
	}
	if err := checkList(&out); err != nil {
		return nil, &malformedError{what: what, err: err}
	}
	return &out, nil
}

// checkList rejects a page that decodes but cannot be trusted: without
// its conversations, or with one lacking the id or time the cursor needs.
func checkList(l *conversationList) error {
	if l.Type != "" && l.Type != "conversation.list" {
		return fmt.Errorf("type is %q, want conversation.list", l.Type)
	}
	if l.Conversations == nil {
		return errors.New("no conversations array")
	}
	for i, cv := range *l.Conversations {
		switch {
		case cv.ID == "":
			return fmt.Errorf("conversations[%d]: no id", i)
		case cv.UpdatedAt <= 0:
			return fmt.Errorf("conversation %s: no updated_at", cv.ID)
		}
	}
	return nil
}

// conversation retrieves one conversation with its parts.
func (c *client) conversation(ctx context.Context, id string) (*conversation, error) {
	what := "retrieve conversation " + id
	var out conversation
	if err := c.do(ctx, what, http.MethodGet, "/conversations/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	if out.ID == "" || out.CreatedAt <= 0 {
		return nil, &malformedError{what: what, err: errors.New("no id or created_at")}
	}
	return &out, nil
}

// company retrieves one company by Intercom's id.
func (c *client) company(ctx context.Context, id string) (*company, error) {
	what := "retrieve company " + id
	var out company
	if err := c.do(ctx, what, http.MethodGet, "/companies/"+url.PathEscape(id), nil, &out); err != nil {
		return nil, err
	}
	if out.ID == "" {
		return nil, &malformedError{what: what, err: errors.New("no id")}
	}
	return &out, nil
}

// redact removes the token from a message, in case a server or proxy
// echoed it back into an error body.
func redact(s, token string) string {
	if token == "" {
		return s
	}
	return strings.ReplaceAll(s, token, "[redacted]")
}

// redactedError carries an error whose message had the token removed; it
// still unwraps to the original so errors.Is and errors.As keep working.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redactErr returns err with the token removed from its message.
func redactErr(err error, token string) error {
	if err == nil || token == "" || !strings.Contains(err.Error(), token) {
		return err
	}
	return &redactedError{msg: redact(err.Error(), token), err: err}
}

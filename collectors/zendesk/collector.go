// Package zendesk collects Zendesk Support tickets into voc. It reads the
// cursor-based incremental ticket export, so that each run fetches only the
// tickets changed since the last one, fetches every ticket's comments as the
// conversation's messages, and hands each export page to the sink in one
// batch together with the cursor after it, so that a run killed at any
// point resumes at the page it was on.
package zendesk

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
	"github.com/voc-dev/voc/internal/httpx"
)

// DefaultSince is how far back the first run reads when Config.Since is
// zero: enough history to show current demand without pulling years of
// tickets through a rate-limited API.
const DefaultSince = 30 * 24 * time.Hour

// DefaultPageSize is the number of tickets asked for per export page. Each
// ticket then costs at least one comments request, so pages are kept much
// smaller than Zendesk's maximum of 1000: a crash loses at most one small
// page of work, and the export's 10 requests per minute is never the limit.
const DefaultPageSize = 100

// MaxPageSize is the largest export page Zendesk serves.
const MaxPageSize = 1000

// RejectFile is the File of the collectors.Reject values this collector
// reports, since a ticket has no file and line of its own.
const RejectFile = "zendesk"

// Config says which Zendesk account to read and how to authenticate.
type Config struct {
	// Name is the source name: the conversations' Source, the prefix of
	// account ids, and the key of the stored cursor (e.g. "zendesk").
	Name string
	// Subdomain is the account's subdomain: "acme" for
	// https://acme.zendesk.com. Ticket links always use it when set.
	Subdomain string
	// BaseURL, when set, is where API requests go instead of
	// https://{Subdomain}.zendesk.com: a proxy, or a fake server in tests.
	// Ticket links use it only when Subdomain is empty.
	BaseURL string
	// Email is the agent whose API token is used ("{email}/token:{token}"
	// Basic authentication).
	Email string
	// Token is the API token. It comes from the environment
	// (VOC_ZENDESK_TOKEN) and is never logged or put in an error.
	Token string
	// Since is where the first run starts (default: DefaultSince ago). It
	// is ignored once a cursor is stored, so changing it never re-reads or
	// skips anything on later runs.
	Since time.Time
	// PageSize is the number of tickets per export page (default
	// DefaultPageSize, at most MaxPageSize).
	PageSize int
	// HTTP is the client every request goes through (default
	// httpx.New(30*time.Second)); tests set its Policy to record waits.
	HTTP *httpx.Client
}

// String renders the config with the token masked, so that printing a
// Config by mistake with %v or %+v does not leak it.
func (c Config) String() string {
	tok := ""
	if c.Token != "" {
		tok = "xxxxx"
	}
	return fmt.Sprintf("zendesk.Config{Name:%q Subdomain:%q BaseURL:%q Email:%q Token:%q Since:%s PageSize:%d}",
		c.Name, c.Subdomain, c.BaseURL, c.Email, tok, c.Since.Format(time.RFC3339), c.PageSize)
}

// GoString masks the token under %#v as String does under %v.
func (c Config) GoString() string { return c.String() }

// Collector reads one Zendesk account. Create it with New.
type Collector struct {
	name     string
	linkBase string // where ticket links point, no trailing slash
	since    time.Time
	pageSize int
	api      *client
	now      func() time.Time
}

var subdomainRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

// New checks the config and returns a collector. Every missing or bad
// setting is named in the error, so that a user fixes them all at once; the
// token is never part of it.
func New(cfg Config) (*Collector, error) {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf("zendesk: "+format, args...)) }

	name := strings.TrimSpace(cfg.Name)
	if name == "" {
		bad("name is empty (the source name, e.g. \"zendesk\")")
	}
	sub := strings.ToLower(strings.TrimSpace(cfg.Subdomain))
	if sub != "" && !subdomainRE.MatchString(sub) {
		bad("subdomain %q is not a Zendesk subdomain (want e.g. \"acme\" for https://acme.zendesk.com)", cfg.Subdomain)
		sub = ""
	}
	var apiBase, linkBase *url.URL
	if sub != "" {
		apiBase = &url.URL{Scheme: "https", Host: sub + ".zendesk.com"}
		linkBase = apiBase
	}
	if raw := strings.TrimSpace(cfg.BaseURL); raw != "" {
		u, err := url.Parse(raw)
		switch {
		case err != nil:
			bad("base URL is not a valid URL")
		case u.Scheme != "http" && u.Scheme != "https":
			bad("base URL %s must start with http:// or https://", httpx.MaskURL(u))
		case u.Host == "":
			bad("base URL %s has no host", httpx.MaskURL(u))
		case u.User != nil:
			bad("base URL %s must not contain credentials (set email and token instead)", httpx.MaskURL(u))
		case u.RawQuery != "" || u.Fragment != "":
			bad("base URL %s must not have a query or fragment", httpx.MaskURL(u))
		default:
			u.Path = strings.TrimRight(u.Path, "/")
			u.RawPath = ""
			apiBase = u
			if linkBase == nil {
				linkBase = u
			}
		}
	} else if strings.TrimSpace(cfg.Subdomain) == "" {
		bad("subdomain is empty (set subdomain, e.g. \"acme\" for https://acme.zendesk.com, or base URL)")
	}
	email := strings.TrimSpace(cfg.Email)
	switch {
	case email == "":
		bad("email is empty (the agent whose API token is used)")
	case !strings.Contains(email, "@"):
		bad("email %q is not an e-mail address", email)
	}
	token := strings.TrimSpace(cfg.Token)
	if token == "" {
		bad("token is empty (set VOC_ZENDESK_TOKEN)")
	}
	size := cfg.PageSize
	switch {
	case size == 0:
		size = DefaultPageSize
	case size < 0 || size > MaxPageSize:
		bad("page size %d is out of range (1 to %d)", size, MaxPageSize)
	}
	api := &client{email: email, token: token, http: cfg.HTTP}
	if len(errs) > 0 {
		return nil, scrub(errors.Join(errs...), api.secrets())
	}
	if api.http == nil {
		api.http = httpx.New(30 * time.Second)
	}
	api.base = apiBase
	return &Collector{
		name:     name,
		linkBase: strings.TrimRight(linkBase.String(), "/"),
		since:    cfg.Since,
		pageSize: size,
		api:      api,
		now:      time.Now,
	}, nil
}

// Name returns the source name, which keys the stored cursor and is the
// Source of every conversation this collector saves.
func (c *Collector) Name() string { return c.name }

// String names the collector and the API it calls without its
// credentials, so that it is safe to print in logs.
func (c *Collector) String() string {
	return fmt.Sprintf("zendesk collector %q (%s)", c.name, c.api.base)
}

// Collect reads the tickets changed since the stored cursor (or since
// Config.Since on the first run) and saves them page by page, each page in
// one batch with the cursor that follows it. Tickets that cannot be read
// are reported as rejects and skipped; the error return is for what stops
// the run (the API refusing us, a garbled page, the sink failing), after
// which a re-run resumes at the page that was not saved.
func (c *Collector) Collect(ctx context.Context, sink collectors.Sink) (collectors.Report, error) {
	rep := collectors.Report{Source: c.name}
	err := c.collect(ctx, sink, &rep)
	return rep, scrub(err, c.api.secrets())
}

// collect does the work of Collect, adding to rep as pages are saved.
func (c *Collector) collect(ctx context.Context, sink collectors.Sink, rep *collectors.Report) error {
	cursor, err := sink.Cursor(ctx, c.name)
	if err != nil {
		return fmt.Errorf("zendesk: read stored cursor of %s: %w", c.name, err)
	}
	var start int64
	if cursor == "" {
		since := c.since
		if since.IsZero() {
			since = c.now().Add(-DefaultSince)
		}
		start = since.Unix()
	}
	for {
		where := "cursor " + cursor
		if cursor == "" {
			where = "start_time " + strconv.FormatInt(start, 10)
		}
		page, err := c.api.exportPage(ctx, cursor, start, c.pageSize)
		if err != nil {
			return fmt.Errorf("zendesk: incremental export page (%s): %w", where, err)
		}
		batch, rejects, err := c.mapPage(ctx, page)
		if err != nil {
			return fmt.Errorf("zendesk: incremental export page (%s): %w", where, err)
		}
		next := cursor
		if page.AfterCursor != nil && *page.AfterCursor != "" {
			next = *page.AfterCursor
		}
		// A page with nothing on it and no new cursor (a re-run with no
		// upstream change) stores nothing at all.
		if len(page.Tickets) > 0 || next != cursor {
			if next != cursor {
				batch.Cursor = &next
			}
			accts, convs, err := sink.SaveBatch(ctx, c.name, batch)
			if err != nil {
				return fmt.Errorf("zendesk: save incremental export page (%s): %w", where, err)
			}
			rep.Accounts.Add(accts)
			rep.Conversations.Add(convs)
		}
		rep.Rejected = append(rep.Rejected, rejects...)
		if page.EndOfStream {
			return nil
		}
		if next == cursor {
			return fmt.Errorf("zendesk: incremental export page (%s): end_of_stream is false but after_cursor did not advance", where)
		}
		cursor, start = next, 0
	}
}

// mapPage fetches the comments of every ticket on an export page and turns
// the page into one batch. Deleted tickets are skipped; a ticket whose
// comments are gone (404) or that has no readable message is rejected.
func (c *Collector) mapPage(ctx context.Context, page *exportPage) (collectors.Batch, []collectors.Reject, error) {
	var (
		batch   collectors.Batch
		rejects []collectors.Reject
	)
	pageUsers := make(map[int64]user, len(page.Users))
	for _, u := range page.Users {
		pageUsers[u.ID] = u
	}
	orgs := make(map[int64]organization, len(page.Organizations))
	for _, o := range page.Organizations {
		orgs[o.ID] = o
	}
	emitted := map[string]bool{}
	for _, t := range page.Tickets {
		if err := ctx.Err(); err != nil {
			return batch, nil, err
		}
		if t.Status == "deleted" {
			continue
		}
		comments, commentUsers, err := c.api.comments(ctx, t.ID)
		if isNotFound(err) {
			rejects = append(rejects, collectors.Reject{File: RejectFile, Field: fmt.Sprintf("ticket %d", t.ID),
				Reason: "comments not found (HTTP 404); the ticket was probably deleted after the export listed it"})
			continue
		}
		if err != nil {
			return batch, nil, fmt.Errorf("comments of ticket %d: %w", t.ID, err)
		}
		users := make(map[int64]user, len(pageUsers)+len(commentUsers))
		for id, u := range pageUsers {
			users[id] = u
		}
		for _, u := range commentUsers {
			users[u.ID] = u
		}
		conv := c.conversation(t, comments, users)
		if err := conv.Validate(); err != nil {
			rejects = append(rejects, collectors.Reject{File: RejectFile, Field: fmt.Sprintf("ticket %d", t.ID),
				Reason: "not importable: " + err.Error()})
			continue
		}
		batch.Conversations = append(batch.Conversations, conv)
		if t.OrganizationID != nil && !emitted[conv.AccountID] {
			if o, ok := orgs[*t.OrganizationID]; ok {
				emitted[conv.AccountID] = true
				batch.Accounts = append(batch.Accounts, voc.Account{ID: conv.AccountID, Name: o.Name, Domains: o.DomainNames})
			}
		}
	}
	return batch, rejects, nil
}

// AccountID returns the voc account id of a Zendesk organisation, prefixed
// with the source name so that ids from two sources never collide.
func AccountID(source string, orgID int64) string {
	return source + ":org:" + strconv.FormatInt(orgID, 10)
}

// conversation maps a ticket and its comments.
func (c *Collector) conversation(t ticket, comments []comment, users map[int64]user) voc.Conversation {
	id := strconv.FormatInt(t.ID, 10)
	conv := voc.Conversation{
		Source:     c.name,
		ExternalID: id,
		Channel:    t.Via.Channel,
		Subject:    t.Subject,
		URL:        c.linkBase + "/agent/tickets/" + id,
		CreatedAt:  t.CreatedAt.UTC(),
		UpdatedAt:  t.UpdatedAt.UTC(),
		Messages:   make([]voc.Message, 0, len(comments)),
	}
	if t.OrganizationID != nil {
		conv.AccountID = AccountID(c.name, *t.OrganizationID)
	}
	var requester int64
	if t.RequesterID != nil {
		requester = *t.RequesterID
		if u, ok := users[requester]; ok {
			conv.Language = language(u.Locale)
		}
	}
	for _, cm := range comments {
		text := strings.TrimSpace(cm.PlainBody)
		if text == "" {
			text = strings.TrimSpace(cm.Body)
		}
		if text == "" {
			continue // attachments only: nothing to read
		}
		u, known := users[cm.AuthorID]
		conv.Messages = append(conv.Messages, voc.Message{
			ExternalID: strconv.FormatInt(cm.ID, 10),
			Role:       role(cm, u, known, requester),
			Author:     author(u, known),
			At:         cm.CreatedAt.UTC(),
			Text:       text,
		})
	}
	return conv
}

// botChannels are comment channels whose text a machine wrote: business
// rules and Zendesk's answer bot.
var botChannels = map[string]bool{
	"rule": true, "system": true, "answer_bot": true, "answer_bot_api": true,
	"answer_bot_for_agents": true, "answer_bot_for_sdk": true,
	"answer_bot_for_slack": true, "answer_bot_for_web_widget": true,
}

// role decides who wrote a comment. An internal note is a note whoever
// wrote it, so that it never counts as the customer's ask; machine-written
// comments are bot turns; otherwise the author's Zendesk role decides. An
// author Zendesk did not side-load is the customer only if they are the
// requester, so that uncertainty never invents demand.
func role(cm comment, u user, known bool, requester int64) voc.Role {
	switch {
	case !cm.Public:
		return voc.RoleNote
	case cm.AuthorID <= 0, botChannels[cm.Via.Channel],
		cm.Via.Source.Rel != nil && (*cm.Via.Source.Rel == "trigger" || *cm.Via.Source.Rel == "automation"):
		return voc.RoleBot
	case known && u.Role == "end-user":
		return voc.RoleCustomer
	case known && (u.Role == "agent" || u.Role == "admin"):
		return voc.RoleAgent
	case cm.AuthorID == requester:
		return voc.RoleCustomer
	}
	return voc.RoleAgent
}

// author renders a user as "Name <email>", the form voc reads to match a
// customer's e-mail domain to an account.
func author(u user, known bool) string {
	if !known {
		return ""
	}
	switch {
	case u.Name != "" && u.Email != "":
		return u.Name + " <" + u.Email + ">"
	case u.Email != "":
		return u.Email
	}
	return u.Name
}

// language returns the language of a Zendesk locale ("ja" for "ja",
// "en" for "en-US"), the form voc's classifier expects.
func language(locale string) string {
	l := strings.ToLower(strings.TrimSpace(locale))
	if i := strings.IndexAny(l, "-_"); i >= 0 {
		l = l[:i]
	}
	return l
}

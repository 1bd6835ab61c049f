// Package intercom collects conversations and the companies behind them
// from Intercom's REST API (version 2.16), incrementally by updated_at.
//
// Each run searches the conversations updated since the stored cursor,
// oldest first, retrieves every one of them for its parts, and hands each
// search page to the sink as one batch together with the cursor after it,
// so that a run killed at any point resumes exactly after its last saved
// page. Requests go through the shared httpx client, which obeys 429 with
// Retry-After or X-RateLimit-Reset and retries 5xx answers.
//
// Mapping:
//
//   - the conversation's source (its first message) then its parts, in the
//     API's order, become messages; parts without a body (assignments,
//     closes, state changes, …) are skipped; bodies are HTML and are turned
//     into plain text;
//   - roles: author type user, lead or contact → customer; admin or team →
//     agent; bot, or a part flagged from_ai_agent → bot; part_type note →
//     note (internal, never read as the customer's ask); an unknown author
//     type is never taken for a customer (→ bot);
//   - the conversation's company becomes a voc.Account with ID
//     "<source name>:company:<Intercom company id>" and is emitted in the
//     same batch as the conversation, whose AccountID it is. Intercom
//     reports monthly_spend in the workspace's currency units without
//     saying which currency; voc assumes US dollars and stores
//     MRR = monthly_spend × 100 cents with Currency "USD".
package intercom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"math/big"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
	"github.com/voc-dev/voc/internal/httpx"
)

// Defaults and limits of Config.
const (
	DefaultName     = "intercom"
	DefaultBaseURL  = "https://api.intercom.io"
	DefaultPerPage  = 50
	MaxPerPage      = 150                 // the search endpoint's maximum
	DefaultLookback = 30 * 24 * time.Hour // first run without Since
	// TokenEnv is the environment variable the token is read from (by the
	// caller); errors about the token name it.
	TokenEnv = "VOC_INTERCOM_TOKEN"
)

// Config configures a Collector.
type Config struct {
	// Name is the source name: the conversations' Source, the key of the
	// stored cursor and the prefix of account ids. Default "intercom".
	Name string
	// BaseURL is the API's root: https://api.intercom.io (the default), or
	// a regional host such as https://api.eu.intercom.io or
	// https://api.au.intercom.io; tests point it at a fake.
	BaseURL string
	// Token is the access token, read by the caller from VOC_INTERCOM_TOKEN.
	// It is sent as a bearer token and never appears in errors, rejects or
	// String.
	Token string
	// Since bounds the first run: conversations updated at or after it
	// (default: 30 days before the run). Later runs start from the cursor.
	Since time.Time
	// PerPage is the search page size and so the number of conversations
	// per batch: default 50, at most 150.
	PerPage int
	// HTTP is the client and retry policy; nil means httpx.New with a 30s
	// timeout and the default policy.
	HTTP *httpx.Client
}

// String renders the configuration for logs, without the token.
func (c Config) String() string {
	tok := "[empty]"
	if c.Token != "" {
		tok = "[set]"
	}
	since := "default"
	if !c.Since.IsZero() {
		since = c.Since.UTC().Format(time.RFC3339)
	}
	return fmt.Sprintf("intercom.Config{Name:%q BaseURL:%q Token:%s Since:%s PerPage:%d}", c.Name, c.BaseURL, tok, since, c.PerPage)
}

// GoString is String, so that %#v does not print the token either.
func (c Config) GoString() string { return c.String() }

// Collector reads conversations and companies from one Intercom workspace.
// It implements collectors.Collector.
type Collector struct {
	cfg    Config
	api    *client
	appURL string           // where links to conversations point
	now    func() time.Time // for the default Since; tests fix it
}

// New checks cfg, fills in the defaults and returns a Collector. Errors
// name the setting at fault.
func New(cfg Config) (*Collector, error) {
	cfg.Name = strings.TrimSpace(cfg.Name)
	if cfg.Name == "" {
		cfg.Name = DefaultName
	}
	if cfg.Token == "" {
		return nil, fmt.Errorf("intercom: token is empty (set %s)", TokenEnv)
	}
	if strings.ContainsAny(cfg.Token, " \t\r\n") {
		return nil, fmt.Errorf("intercom: token contains spaces or line breaks (check %s)", TokenEnv)
	}
	if cfg.BaseURL == "" {
		cfg.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(cfg.BaseURL)
	if err != nil {
		return nil, errors.New("intercom: base URL is not a valid URL (want e.g. https://api.intercom.io or https://api.eu.intercom.io)")
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("intercom: base URL %q: want scheme://host, e.g. https://api.intercom.io or https://api.eu.intercom.io", httpx.MaskURL(u))
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	switch {
	case cfg.PerPage == 0:
		cfg.PerPage = DefaultPerPage
	case cfg.PerPage < 0 || cfg.PerPage > MaxPerPage:
		return nil, fmt.Errorf("intercom: per_page %d is out of range (1 to %d)", cfg.PerPage, MaxPerPage)
	}
	if cfg.HTTP == nil {
		cfg.HTTP = httpx.New(30 * time.Second)
	}
	return &Collector{
		cfg:    cfg,
		api:    &client{base: cfg.BaseURL, token: cfg.Token, http: cfg.HTTP},
		appURL: appURL(u.Hostname()),
		now:    time.Now,
	}, nil
}

// appURL is the web app of the API's region.
func appURL(apiHost string) string {
	switch strings.ToLower(apiHost) {
	case "api.eu.intercom.io":
		return "https://app.eu.intercom.com"
	case "api.au.intercom.io":
		return "https://app.au.intercom.com"
	}
	return "https://app.intercom.com"
}

// Name implements collectors.Collector: the source name.
func (c *Collector) Name() string { return c.cfg.Name }

// position is a place in the stream of conversations ordered by
// updated_at: the last stored conversation's updated_at (unix seconds) and
// id. It is stored as the cursor "1730000000:123".
type position struct {
	at int64
	id string
}

func (p position) String() string { return strconv.FormatInt(p.at, 10) + ":" + p.id }

// less orders positions by time, then by id (numerically when both ids
// are numbers, as Intercom's are).
func (p position) less(q position) bool {
	if p.at != q.at {
		return p.at < q.at
	}
	a, aok := atoi64(p.id)
	b, bok := atoi64(q.id)
	if aok && bok {
		return a < b
	}
	return p.id < q.id
}

// covers reports whether a conversation at q was stored before the run
// that starts at p. Of the conversations updated in p's very second only
// p's own is known to be stored (the API does not promise an order among
// them), so the others are read again; the sink makes that harmless.
func (p position) covers(q position) bool {
	return q.at < p.at || (q.at == p.at && p.id != "" && q.id == p.id)
}

// parseCursor reads a stored cursor.
func parseCursor(s string) (position, error) {
	at, id, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(at, 10, 64)
	if !ok || err != nil || n <= 0 {
		return position{}, fmt.Errorf("stored cursor %q is not <unix seconds>:<conversation id>", s)
	}
	return position{at: n, id: id}, nil
}

// Collect implements collectors.Collector. It searches the conversations
// updated since the cursor (query updated_at > cursor−1 s, sorted by
// updated_at ascending, so that the conversations of the cursor's own
// second are listed whether the API's ">" is strict or, as documented for
// conversation search, inclusive; the one already stored is skipped), and
// saves each search page as one batch with the cursor after it.
//
// A conversation whose retrieval answers 404 (deleted or merged since the
// search) is rejected and the run goes on; so is a company that answers
// 404 (the conversation is stored without an account) and a conversation
// with no message text at all. Any other failure (a malformed page, a
// request that still fails after the retries, the sink) ends the run with
// an error naming the page and the call; nothing of that page is stored
// and the cursor stays after the last saved page.
func (c *Collector) Collect(ctx context.Context, sink collectors.Sink) (rep collectors.Report, err error) {
	rep = collectors.Report{Source: c.cfg.Name}
	defer func() {
		err = redactErr(err, c.cfg.Token)
		for i := range rep.Rejected {
			rep.Rejected[i].Reason = redact(rep.Rejected[i].Reason, c.cfg.Token)
		}
	}()
	raw, err := sink.Cursor(ctx, c.cfg.Name)
	if err != nil {
		return rep, fmt.Errorf("intercom: read cursor: %w", err)
	}
	start := position{at: c.since().Unix()}
	if raw != "" {
		if start, err = parseCursor(raw); err != nil {
			return rep, fmt.Errorf("intercom: %w", err)
		}
	}
	r := &run{c: c, companies: map[string]*voc.Account{}}
	cur, after := start, ""
	seen := map[string]bool{}
	for page := 1; ; page++ {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		what := fmt.Sprintf("search conversations page %d", page)
		if after != "" {
			what += fmt.Sprintf(" (starting_after %q)", after)
		}
		list, err := c.api.search(ctx, what, searchRequest{
			Query:      searchFilter{Field: "updated_at", Operator: ">", Value: strconv.FormatInt(start.at-1, 10)},
			Sort:       &searchSort{Field: "updated_at", Order: "ascending"},
			Pagination: searchPagination{PerPage: c.cfg.PerPage, StartingAfter: after},
		})
		if err != nil {
			return rep, fmt.Errorf("intercom: %w", err)
		}
		var b pageBatch
		next := cur
		for _, item := range *list.Conversations {
			at := position{at: item.UpdatedAt, id: string(item.ID)}
			if start.covers(at) {
				continue
			}
			if err := ctx.Err(); err != nil {
				return rep, err
			}
			if err := r.fetch(ctx, at.id, &b); err != nil {
				return rep, fmt.Errorf("intercom: search conversations page %d: %w", page, err)
			}
			if next.less(at) {
				next = at
			}
		}
		if len(b.convs) > 0 || len(b.accounts) > 0 || next != cur {
			cursor := next.String()
			a, cv, err := sink.SaveBatch(ctx, c.cfg.Name, collectors.Batch{Accounts: b.accounts, Conversations: b.convs, Cursor: &cursor})
			if err != nil {
				return rep, fmt.Errorf("intercom: save search page %d: %w", page, err)
			}
			rep.Accounts.Add(a)
			rep.Conversations.Add(cv)
			cur = next
		}
		rep.Rejected = append(rep.Rejected, b.rejects...)
		if list.Pages == nil || list.Pages.Next == nil || list.Pages.Next.StartingAfter == "" {
			return rep, nil
		}
		after = list.Pages.Next.StartingAfter
		if seen[after] {
			return rep, fmt.Errorf("intercom: search conversations page %d: pages.next repeats starting_after %q", page, after)
		}
		seen[after] = true
	}
}

// since is where a first run starts.
func (c *Collector) since() time.Time {
	if !c.cfg.Since.IsZero() {
		return c.cfg.Since
	}
	return c.now().Add(-DefaultLookback)
}

// pageBatch is what one search page yields.
type pageBatch struct {
	convs      []voc.Conversation
	accounts   []voc.Account
	accountIDs map[string]bool
	rejects    []collectors.Reject
}

func (b *pageBatch) addAccount(a voc.Account) {
	if b.accountIDs == nil {
		b.accountIDs = map[string]bool{}
	}
	if !b.accountIDs[a.ID] {
		b.accountIDs[a.ID] = true
		b.accounts = append(b.accounts, a)
	}
}

// run holds what one Collect call caches.
type run struct {
	c *Collector
	// companies by Intercom id; nil for a company that answered 404.
	companies map[string]*voc.Account
}

// rejectFile is the File of the collector's rejects.
const rejectFile = "intercom"

// fetch retrieves conversation id, maps it and adds it (and its account)
// to b, or adds a reject.
func (r *run) fetch(ctx context.Context, id string, b *pageBatch) error {
	full, err := r.c.api.conversation(ctx, id)
	if errors.Is(err, errNotFound) {
		b.rejects = append(b.rejects, collectors.Reject{File: rejectFile, Field: "conversation " + id,
			Reason: "not found (HTTP 404): deleted or merged since it was listed, or not visible to this token; skipped"})
		return nil
	}
	if err != nil {
		return err
	}
	conv := r.c.mapConversation(full)
	if err := conv.Validate(); err != nil {
		reason := err.Error()
		var fe *voc.FieldError
		if errors.As(err, &fe) && fe.Field == "messages" {
			reason = "no message with text (only events, attachments or redacted parts); skipped"
		}
		b.rejects = append(b.rejects, collectors.Reject{File: rejectFile, Field: "conversation " + id, Reason: reason})
		return nil
	}
	acc, err := r.account(ctx, full, b)
	if err != nil {
		return err
	}
	if acc != nil {
		conv.AccountID = acc.ID
		b.addAccount(*acc)
	}
	b.convs = append(b.convs, conv)
	return nil
}

// account returns the account of the conversation's company, nil when it
// has none. The company is read from the conversation when the payload
// carries its name and monthly_spend, else from GET /companies/{id}; either
// way once per run.
func (r *run) account(ctx context.Context, conv *conversation, b *pageBatch) (*voc.Account, error) {
	co := conv.Company
	if co == nil || co.ID == "" {
		return nil, nil
	}
	id := string(co.ID)
	if a, ok := r.companies[id]; ok {
		return a, nil
	}
	if !co.complete() {
		full, err := r.c.api.company(ctx, id)
		if errors.Is(err, errNotFound) {
			r.companies[id] = nil
			b.rejects = append(b.rejects, collectors.Reject{File: rejectFile, Field: "company " + id,
				Reason: fmt.Sprintf("not found (HTTP 404); conversation %s and the others of this company are stored without an account", conv.ID)})
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("conversation %s: %w", conv.ID, err)
		}
		co = full
	}
	a := r.c.toAccount(id, co)
	r.companies[id] = &a
	return &a, nil
}

// toAccount maps a company.
func (c *Collector) toAccount(id string, co *company) voc.Account {
	a := voc.Account{
		ID:       c.cfg.Name + ":company:" + id,
		Name:     strings.TrimSpace(co.Name),
		Domains:  websiteDomains(co.Website),
		Currency: "USD",
	}
	if a.Name == "" {
		a.Name = co.CompanyID
	}
	if a.Name == "" {
		a.Name = id
	}
	if co.Plan != nil {
		a.Plan = co.Plan.Name
	}
	if co.MonthlySpend != nil {
		a.MRR = dollarsToCents(*co.MonthlySpend)
	}
	if co.UserCount != nil && *co.UserCount > 0 {
		a.Seats = *co.UserCount
	}
	return a
}

// dollarsToCents converts monthly_spend (dollars, possibly with decimals)
// to cents exactly, rounding half away from zero; a negative or
// unreadable amount counts as 0.
func dollarsToCents(n json.Number) int64 {
	r, ok := new(big.Rat).SetString(n.String())
	if !ok || r.Sign() <= 0 {
		return 0
	}
	r.Mul(r, big.NewRat(100, 1))
	q, m := new(big.Int).QuoRem(r.Num(), r.Denom(), new(big.Int))
	if m.Lsh(m, 1).Cmp(r.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return 0
	}
	return q.Int64()
}

// websiteDomains returns the host of a company's website, lower case and
// without "www.", as the e-mail domain its people likely use.
func websiteDomains(w string) []string {
	w = strings.TrimSpace(w)
	if w == "" {
		return nil
	}
	if !strings.Contains(w, "://") {
		w = "http://" + w
	}
	u, err := url.Parse(w)
	if err != nil {
		return nil
	}
	h := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	h = strings.TrimPrefix(h, "www.")
	if h == "" || !strings.Contains(h, ".") {
		return nil
	}
	return []string{h}
}

// mapConversation turns a retrieved conversation into voc's.
func (c *Collector) mapConversation(full *conversation) voc.Conversation {
	id := string(full.ID)
	conv := voc.Conversation{
		Source:     c.cfg.Name,
		ExternalID: id,
		URL:        c.appURL + "/a/inbox/_/inbox/conversation/" + url.PathEscape(id),
		CreatedAt:  unix(full.CreatedAt),
		UpdatedAt:  unix(full.UpdatedAt),
		Messages:   []voc.Message{},
	}
	if src := full.Source; src != nil {
		conv.Channel = channel(src.Type)
		conv.Subject = oneLine(htmlToText(src.Subject))
		if text := htmlToText(deref(src.Body)); text != "" {
			r := role("", src.Author)
			if src.Author.Type == "" && src.DeliveredAs == "customer_initiated" {
				r = voc.RoleCustomer
			}
			conv.Messages = append(conv.Messages, voc.Message{ExternalID: string(src.ID), Role: r,
				Author: authorName(src.Author), At: conv.CreatedAt, Text: text})
		}
	}
	if conv.Subject == "" && full.Title != nil {
		conv.Subject = oneLine(htmlToText(*full.Title))
	}
	if full.ConversationParts != nil {
		for _, p := range full.ConversationParts.ConversationParts {
			text := htmlToText(deref(p.Body))
			if text == "" {
				continue
			}
			at := conv.CreatedAt
			if p.CreatedAt > 0 {
				at = unix(p.CreatedAt)
			}
			conv.Messages = append(conv.Messages, voc.Message{ExternalID: string(p.ID), Role: role(p.PartType, p.Author),
				Author: authorName(p.Author), At: at, Text: text})
		}
	}
	return conv
}

// role maps a part's type and author to voc's roles. Only a contact is a
// customer: anything unknown is kept out of the customer's turns.
func role(partType string, a author) voc.Role {
	if partType == "note" || strings.HasPrefix(partType, "note_") {
		return voc.RoleNote
	}
	if a.FromAIAgent {
		return voc.RoleBot
	}
	switch strings.ToLower(a.Type) {
	case "user", "lead", "contact":
		return voc.RoleCustomer
	case "admin", "team":
		return voc.RoleAgent
	}
	return voc.RoleBot
}

// authorName is "Name <email>", or whichever of them is known.
func authorName(a author) string {
	name, email := strings.TrimSpace(a.Name), strings.TrimSpace(a.Email)
	switch {
	case name != "" && email != "":
		return name + " <" + email + ">"
	case name != "":
		return name
	}
	return email
}

// channel maps the source type to voc's channel names.
func channel(sourceType string) string {
	switch sourceType {
	case "conversation":
		return "chat"
	case "phone_call", "phone_switch":
		return "phone"
	}
	return sourceType
}

func unix(s int64) time.Time {
	if s <= 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// oneLine joins the lines of s with spaces.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// blockTags end a line where they open or close.
var blockTags = map[string]bool{
	"p": true, "div": true, "ul": true, "ol": true, "li": true, "blockquote": true, "pre": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "table": true, "tr": true, "hr": true,
}

// htmlToText renders an Intercom body as plain text: paragraphs, divs and
// list items start lines, <br> breaks lines, list items get "- ", the
// content of script and style is dropped, entities are decoded (with the
// standard html package) and runs of spaces collapse as a browser would.
// A body without tags is only entity-decoded and trimmed.
func htmlToText(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	atLineStart := true
	newline := func() {
		b.WriteByte('\n')
		atLineStart = true
	}
	text := func(t string) {
		t = html.UnescapeString(t)
		for _, r := range t {
			switch r {
			case ' ', '\t', '\n', '\r', '\f', '\u00a0':
				if !atLineStart {
					b.WriteByte(' ')
					atLineStart = true // swallow the rest of the run
				}
				continue
			}
			b.WriteRune(r)
			atLineStart = false
		}
	}
	if !strings.Contains(s, "<") {
		return tidy(strings.ReplaceAll(html.UnescapeString(s), "\u00a0", " "))
	}
	skipUntil := "" // inside script or style
	for s != "" {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			if skipUntil == "" {
				text(s)
			}
			break
		}
		if skipUntil == "" {
			text(s[:i])
		}
		s = s[i:]
		if strings.HasPrefix(s, "<!--") {
			end := strings.Index(s, "-->")
			if end < 0 {
				break
			}
			s = s[end+3:]
			continue
		}
		if len(s) < 2 || !(isLetter(s[1]) || s[1] == '/' || s[1] == '!') {
			if skipUntil == "" {
				text("<")
			}
			s = s[1:]
			continue
		}
		j := strings.IndexByte(s, '>')
		if j < 0 {
			break // an unfinished tag: drop it
		}
		tag := s[1:j]
		s = s[j+1:]
		closing := strings.HasPrefix(tag, "/")
		name := strings.ToLower(strings.TrimLeft(tag, "/!"))
		if k := strings.IndexAny(name, " \t\r\n/"); k >= 0 {
			name = name[:k]
		}
		if skipUntil != "" {
			if closing && name == skipUntil {
				skipUntil = ""
			}
			continue
		}
		switch {
		case name == "script" || name == "style":
			if !closing && !strings.HasSuffix(tag, "/") {
				skipUntil = name
			}
		case name == "br":
			newline()
		case name == "li" && !closing:
			if b.Len() > 0 && !endsWithNewline(&b) {
				newline()
			}
			b.WriteString("- ")
			atLineStart = true
		case name == "td" || name == "th":
			if !closing && !atLineStart {
				b.WriteByte(' ')
				atLineStart = true
			}
		case blockTags[name]:
			if b.Len() > 0 && !endsWithNewline(&b) {
				newline()
			}
		}
	}
	return tidy(b.String())
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func endsWithNewline(b *strings.Builder) bool {
	s := b.String()
	return s != "" && s[len(s)-1] == '\n'
}

// tidy trims every line, keeps at most one blank line in a row and trims
// the whole.
func tidy(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	lines := strings.Split(s, "\n")
	out := make([]string, 0, len(lines))
	blank := 0
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			blank++
			if blank > 1 {
				continue
			}
		} else {
			blank = 0
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}

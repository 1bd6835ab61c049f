// Package slack collects support conversations from Slack channels through
// the Web API (github.com/slack-go/slack): every top-level message of a
// configured channel, with its thread, becomes one voc.Conversation.
//
// # Conversations
//
// ExternalID is "<channel>:<root ts>" ("C0123ABCD:1767258000.000100"); the
// messages are the root and its replies in time order (thread broadcasts
// included once, as replies); Subject is the first line of the root and URL
// its permalink, https://<workspace>.slack.com/archives/<channel>/p<ts
// without the dot>. Channel join/leave/topic and similar system messages
// are skipped, and so is a deleted root (a thread's tombstone) while its
// replies are kept.
//
// Roles: a message with a bot_id or subtype bot_message, or from a user
// Slack flags as a bot, is a bot turn; a user whose e-mail domain (or a
// subdomain of it) is in Config.AgentEmailDomains is an agent; everyone else
// is a customer. Author is "Real Name <email>" from users.info (looked up
// once per run), so voc can match customers to accounts by e-mail domain;
// Config.UserAccounts maps Slack user IDs to account IDs explicitly (the
// first mapped customer of a thread sets its AccountID). A customer message
// carrying a reaction named in Config.Reactions gets that kind as its Label;
// when the reaction is removed upstream the next run clears it.
//
// # Cursor
//
// One cursor per channel, under "<Name>/<channel>" (e.g. "slack/C0123ABCD"),
// holding the ts of the newest top-level message stored, e.g.
// "1767700000.001100". A run reads history after it (oldest=<cursor>),
// oldest page first, and saves one batch per history page with the cursor
// after that page, so a run killed at any point resumes where its last
// saved page ended. Before the first run it starts at Config.Since.
//
// Threads grow after their root is stored, so every run with a cursor also
// lists the history up to the cursor (latest=<cursor>, inclusive) over
// max(LookBack, ReplyWindow) and re-reads a thread when its root is within
// LookBack (new replies, edits, reactions added or removed) or when its
// latest_reply is newer than the cursor and its root within ReplyWindow
// (new replies to older threads). These batches leave the cursor alone; an
// unchanged thread counts as unchanged in the sink. The refresh runs after
// the new range is listed and before its threads are read, so a reply
// posted while a run goes on, or before a killed run is resumed, is always
// newer than the cursor the next run starts from. Replies to threads older
// than ReplyWindow, and reaction or edit changes on threads older than
// LookBack, are not seen. Changing an upstream conversation in place (the
// store upserts by source and external ID) is what makes this idempotent.
//
// # Token and scopes
//
// A bot token (xoxb-…) with channels:history (groups:history for private
// channels), users:read and users:read.email; without users:read.email
// Slack leaves e-mails out and every human becomes a customer. The bot must
// be a member of the channels. The token travels only in the Authorization
// header and never appears in errors.
package slack

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
	"github.com/voc-dev/voc/internal/httpx"
)

// DefaultBaseURL is the Slack Web API.
const DefaultBaseURL = "https://slack.com/api"

// Defaults of Config.
const (
	DefaultSince       = 30 * 24 * time.Hour // first run reads this far back
	DefaultLookBack    = 7 * 24 * time.Hour  // threads re-read on every run
	DefaultReplyWindow = 30 * 24 * time.Hour // older threads re-read on new replies
)

// Config configures the Slack collector. Only Token and Channels are
// required.
type Config struct {
	// Name is the source name of the conversations and the prefix of the
	// cursors (default "slack").
	Name string
	// ThreadsOnly makes a collector that reads single threads (Thread, for
	// messages tagged in any channel the bot is in) and needs no Channels.
	ThreadsOnly bool
	// BaseURL is the Web API base (default https://slack.com/api); tests
	// point it at a fake.
	BaseURL string
	// Token is the bot token, from the environment (VOC_SLACK_TOKEN). It is
	// never logged nor put in an error.
	Token string
	// Workspace is the workspace's subdomain ("acme" for acme.slack.com, or
	// a full host such as "acme.enterprise.slack.com") for permalinks; empty
	// leaves Conversation.URL empty.
	Workspace string
	// Channels are the IDs (C0123ABCD, G…) of the channels to read.
	Channels []string
	// Reactions maps a reaction name ("bug", with or without colons; skin
	// tones are ignored) to the kind it labels a customer message with,
	// e.g. "bug": voc.KindBug, "bulb": voc.KindFeature, "no_entry_sign":
	// voc.KindOutOfScope. The first mapped reaction on a message wins.
	Reactions map[string]voc.Kind
	// AgentEmailDomains are the e-mail domains of support staff: their users
	// (and users of subdomains) are agents, other humans customers.
	AgentEmailDomains []string
	// UserAccounts optionally maps a Slack user ID to a voc account ID.
	UserAccounts map[string]string
	// Since is where a channel's first run starts (default 30 days before
	// the run). When set, threads whose root is older are not re-read
	// either.
	Since time.Time
	// LookBack: threads whose root is this recent are re-read on every run
	// (default 7 days; negative: never).
	LookBack time.Duration
	// ReplyWindow: threads whose root is this recent are re-read when they
	// have replies newer than the cursor (default 30 days; negative: never).
	ReplyWindow time.Duration
	// Sleep waits between retries; tests record instead (default: a real,
	// context-aware sleep).
	Sleep func(context.Context, time.Duration) error
	// Now is the clock (default time.Now); tests fix it.
	Now func() time.Time
}

// Collector reads Slack channels. It implements collectors.Collector.
type Collector struct {
	name         string
	token        string
	host         string
	channels     []string
	reactions    map[string]voc.Kind
	agentDomains []string
	accounts     map[string]string
	since        time.Time
	lookBack     time.Duration
	replyWindow  time.Duration
	now          func() time.Time
	api          *slackgo.Client
}

var _ collectors.Collector = (*Collector)(nil)

// New checks cfg and returns a collector. Errors name the setting at fault
// and never contain the token.
func New(cfg Config) (*Collector, error) {
	c := &Collector{
		name:        strings.TrimSpace(cfg.Name),
		token:       strings.TrimSpace(cfg.Token),
		accounts:    cfg.UserAccounts,
		since:       cfg.Since,
		lookBack:    cfg.LookBack,
		replyWindow: cfg.ReplyWindow,
		now:         cfg.Now,
		reactions:   map[string]voc.Kind{},
	}
	if c.name == "" {
		c.name = "slack"
	}
	if strings.ContainsAny(c.name, "/ \t\n") {
		return nil, fmt.Errorf("slack: name %q must not contain '/' or spaces", c.name)
	}
	if c.token == "" {
		return nil, errors.New("slack: token is empty (set VOC_SLACK_TOKEN)")
	}
	if strings.ContainsAny(c.token, " \t\r\n") {
		return nil, errors.New("slack: token contains whitespace (check VOC_SLACK_TOKEN)")
	}
	base := strings.TrimRight(strings.TrimSpace(cfg.BaseURL), "/")
	if base == "" {
		base = DefaultBaseURL
	}
	if u, err := url.Parse(base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("slack: base URL %q is not an http(s) URL", base)
	}
	seen := map[string]bool{}
	for _, ch := range cfg.Channels {
		ch = strings.TrimSpace(ch)
		switch {
		case ch == "":
			return nil, errors.New("slack: empty channel ID in channels")
		case strings.HasPrefix(ch, "#") || strings.ContainsAny(ch, " /:"):
			return nil, fmt.Errorf("slack: channel %q is not a channel ID (use the ID, e.g. C0123ABCD, from the channel's details)", ch)
		case !seen[ch]:
			seen[ch] = true
			c.channels = append(c.channels, ch)
		}
	}
	if len(c.channels) == 0 && !cfg.ThreadsOnly {
		return nil, errors.New("slack: no channels configured")
	}
	for name, kind := range cfg.Reactions {
		n := reactionName(name)
		if n == "" {
			return nil, fmt.Errorf("slack: reactions: empty reaction name")
		}
		if !kind.Valid() {
			return nil, fmt.Errorf("slack: reactions: %q maps to unknown kind %q (want one of %v)", name, kind, voc.Kinds)
		}
		c.reactions[n] = kind
	}
	for _, d := range cfg.AgentEmailDomains {
		d = strings.ToLower(strings.Trim(strings.TrimSpace(d), "@."))
		if d == "" {
			return nil, errors.New("slack: agent e-mail domains: empty domain")
		}
		c.agentDomains = append(c.agentDomains, d)
	}
	if ws := strings.TrimSpace(cfg.Workspace); ws != "" {
		ws = strings.TrimPrefix(strings.TrimPrefix(ws, "https://"), "http://")
		ws = strings.TrimRight(ws, "/")
		if strings.ContainsAny(ws, "/ ") {
			return nil, fmt.Errorf("slack: workspace %q is not a workspace name (e.g. acme for acme.slack.com)", cfg.Workspace)
		}
		if !strings.Contains(ws, ".") {
			ws += ".slack.com"
		}
		c.host = ws
	}
	if c.lookBack == 0 {
		c.lookBack = DefaultLookBack
	}
	if c.replyWindow == 0 {
		c.replyWindow = DefaultReplyWindow
	}
	if c.now == nil {
		c.now = time.Now
	}
	hc := httpx.New(30 * time.Second)
	hc.Policy.Sleep = cfg.Sleep
	c.api = slackgo.New(c.token,
		slackgo.OptionAPIURL(base+"/"),
		slackgo.OptionHTTPClient(&transport{http: hc, token: c.token}))
	return c, nil
}

// reactionName normalises a reaction name: no colons, no skin tone.
func reactionName(s string) string {
	s = strings.ToLower(strings.Trim(strings.TrimSpace(s), ":"))
	if i := strings.Index(s, "::"); i >= 0 {
		s = s[:i]
	}
	return s
}

// Name returns the source name.
func (c *Collector) Name() string { return c.name }

// CursorKey is the name under which the cursor of a channel is kept in the
// sink: "<source name>/<channel>".
func (c *Collector) CursorKey(channel string) string { return c.name + "/" + channel }

// Collect reads every configured channel: new top-level messages since the
// channel's cursor, one batch per history page, then the recent threads
// that may have changed. A channel Slack does not find, or that the bot is
// not in, is reported as a collectors.Reject and the others are still read;
// any other failure stops the run with an error naming the call and channel.
func (c *Collector) Collect(ctx context.Context, sink collectors.Sink) (collectors.Report, error) {
	rep := collectors.Report{Source: c.name}
	r := &run{c: c, sink: sink, rep: &rep, users: map[string]person{}, now: c.now()}
	for _, ch := range c.channels {
		err := r.channel(ctx, ch)
		if code := slackCode(err); code == "channel_not_found" || code == "not_in_channel" {
			var ce *callError
			reason := err.Error()
			if errors.As(err, &ce) {
				reason = ce.call + ": " + describe(ce.err)
			}
			rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.CursorKey(ch), Field: "channels", Reason: reason})
			continue
		}
		if err != nil {
			return rep, err
		}
	}
	return rep, nil
}

// run is the state of one Collect call.
type run struct {
	c     *Collector
	sink  collectors.Sink
	rep   *collectors.Report
	users map[string]person
	now   time.Time
}

func (r *run) save(ctx context.Context, key string, b collectors.Batch) error {
	acc, convs, err := r.sink.SaveBatch(ctx, key, b)
	if err != nil {
		return fmt.Errorf("slack: save %s: %w", key, err)
	}
	r.rep.Accounts.Add(acc)
	r.rep.Conversations.Add(convs)
	return nil
}

// channel reads one channel. The order matters for threads that grow
// while the run goes on: the new range is listed first (which fixes the
// cursor this run will reach), then the stored threads are refreshed
// against the old cursor, and only then are the new threads read and saved,
// page by page with the cursor. A reply posted after a thread was read has
// a ts newer than any cursor this run saves, so the next run sees it as new
// (latest_reply > cursor), even if this run is killed half-way.
func (r *run) channel(ctx context.Context, ch string) error {
	key := r.c.CursorKey(ch)
	cur, err := r.sink.Cursor(ctx, key)
	if err != nil {
		return fmt.Errorf("slack: cursor of %s: %w", key, err)
	}
	if cur != "" {
		if _, _, ok := parseTS(cur); !ok {
			return fmt.Errorf("slack: cursor of %s is %q, not a Slack timestamp", key, cur)
		}
	}
	since := r.c.since
	if since.IsZero() {
		since = r.now.Add(-DefaultSince)
	}
	oldest := cur
	if oldest == "" {
		oldest = tsOf(since)
	}
	pages, err := r.c.history(ctx, ch, oldest, "", false)
	if err != nil {
		return err
	}
	if cur != "" {
		if err := r.refresh(ctx, ch, cur, since); err != nil {
			return err
		}
	}
	// New top-level messages, oldest page first, the cursor saved with
	// each page.
	for i := len(pages) - 1; i >= 0; i-- {
		msgs := ascending(pages[i])
		if len(msgs) == 0 {
			continue
		}
		var convs []voc.Conversation
		for j := range msgs {
			if !isRoot(&msgs[j]) {
				continue
			}
			conv, ok, err := r.thread(ctx, ch, &msgs[j])
			if err != nil {
				return err
			}
			if ok {
				convs = append(convs, conv)
			}
		}
		newest := msgs[len(msgs)-1].Timestamp
		if err := r.save(ctx, key, collectors.Batch{Conversations: convs, Cursor: &newest}); err != nil {
			return err
		}
	}
	return nil
}

// refresh re-reads the stored threads (root at or before cur) that may
// have changed: those whose root is within LookBack, and those within
// ReplyWindow with a reply newer than cur. Its batches leave the cursor
// alone.
func (r *run) refresh(ctx context.Context, ch, cur string, since time.Time) error {
	var from time.Time
	lookFrom, replyFrom := r.now.Add(-r.c.lookBack), r.now.Add(-r.c.replyWindow)
	switch {
	case r.c.lookBack < 0 && r.c.replyWindow < 0:
		return nil
	case r.c.lookBack < 0:
		from = replyFrom
	case r.c.replyWindow < 0:
		from = lookFrom
	default:
		from = lookFrom
		if replyFrom.Before(from) {
			from = replyFrom
		}
	}
	if from.Before(since) && !r.c.since.IsZero() {
		from = since
	}
	fromTS := tsOf(from)
	if !tsLess(fromTS, cur) {
		return nil
	}
	lookTS, replyTS := tsOf(lookFrom), tsOf(replyFrom)
	pages, err := r.c.history(ctx, ch, fromTS, cur, true)
	if err != nil {
		return err
	}
	key := r.c.CursorKey(ch)
	for i := len(pages) - 1; i >= 0; i-- {
		msgs := ascending(pages[i])
		var convs []voc.Conversation
		for j := range msgs {
			m := &msgs[j]
			if !isRoot(m) || tsLess(cur, m.Timestamp) {
				continue
			}
			recent := r.c.lookBack >= 0 && !tsLess(m.Timestamp, lookTS)
			grown := r.c.replyWindow >= 0 && !tsLess(m.Timestamp, replyTS) && m.LatestReply != "" && tsLess(cur, m.LatestReply)
			if !recent && !grown {
				continue
			}
			conv, ok, err := r.thread(ctx, ch, m)
			if err != nil {
				return err
			}
			if ok {
				convs = append(convs, conv)
			}
		}
		if len(convs) > 0 {
			if err := r.save(ctx, key, collectors.Batch{Conversations: convs}); err != nil {
				return err
			}
		}
	}
	return nil
}

// ascending returns a history page (newest first) oldest first.
func ascending(page []slackgo.Message) []slackgo.Message {
	out := append([]slackgo.Message(nil), page...)
	sort.SliceStable(out, func(i, j int) bool { return tsLess(out[i].Timestamp, out[j].Timestamp) })
	return out
}

// systemSubtypes are messages Slack writes about the channel itself; they
// are no one's words.
var systemSubtypes = map[string]bool{
	"channel_join": true, "channel_leave": true, "channel_topic": true, "channel_purpose": true,
	"channel_name": true, "channel_archive": true, "channel_unarchive": true,
	"channel_convert_to_private": true, "channel_convert_to_public": true, "channel_posting_permissions": true,
	"group_join": true, "group_leave": true, "group_topic": true, "group_purpose": true,
	"group_name": true, "group_archive": true, "group_unarchive": true,
	"pinned_item": true, "unpinned_item": true, "bot_add": true, "bot_remove": true,
	"bot_enable": true, "bot_disable": true, "reminder_add": true, "ekm_access_denied": true,
	"message_changed": true, "message_deleted": true, "message_replied": true,
	"sh_room_created": true, "huddle_thread": true,
}

// isRoot reports whether a history message starts a conversation: a
// top-level message (not a thread broadcast) that someone wrote, or the
// tombstone of a deleted root whose replies remain.
func isRoot(m *slackgo.Message) bool {
	if m.ThreadTimestamp != "" && m.ThreadTimestamp != m.Timestamp {
		return false
	}
	if m.SubType == "tombstone" {
		return m.ReplyCount > 0
	}
	return !systemSubtypes[m.SubType] && !m.Hidden
}

// keep reports whether a thread message is a turn of the conversation.
func keep(m *slackgo.Message) bool {
	return !systemSubtypes[m.SubType] && m.SubType != "tombstone" && !m.Hidden
}

func isBot(m *slackgo.Message) bool {
	return m.BotID != "" || m.SubType == "bot_message"
}

// thread builds the conversation of a root: its replies are read when it
// has some. ok is false when there is nothing to store (a rejected thread is
// added to the report).
func (r *run) thread(ctx context.Context, ch string, root *slackgo.Message) (voc.Conversation, bool, error) {
	msgs := []slackgo.Message{*root}
	if root.ReplyCount > 0 || root.LatestReply != "" {
		var err error
		msgs, err = r.c.replies(ctx, ch, root.Timestamp)
		if slackCode(err) == "thread_not_found" {
			// Deleted between history and replies: the next run will not
			// list it either.
			return voc.Conversation{}, false, nil
		}
		if err != nil {
			return voc.Conversation{}, false, err
		}
	}
	return r.build(ctx, ch, root.Timestamp, msgs)
}

// build turns a thread (root first) into a conversation.
func (r *run) build(ctx context.Context, ch, rootTS string, msgs []slackgo.Message) (voc.Conversation, bool, error) {
	// Look up every author and mentioned user first, so the text of a
	// thread never depends on what an earlier thread looked up.
	for i := range msgs {
		m := &msgs[i]
		if !keep(m) {
			continue
		}
		ids := mentions(m.Text)
		if m.User != "" {
			ids = append(ids, m.User)
		}
		for _, id := range ids {
			if _, err := r.user(ctx, id); err != nil {
				return voc.Conversation{}, false, err
			}
		}
	}
	name := func(id string) string {
		if p, ok := r.users[id]; ok && p.known {
			return p.mention
		}
		return ""
	}
	conv := voc.Conversation{
		Source:     r.c.name,
		ExternalID: ch + ":" + rootTS,
		Channel:    "slack",
		CreatedAt:  tsTime(rootTS),
	}
	if r.c.host != "" {
		conv.URL = "https://" + r.c.host + "/archives/" + ch + "/p" + strings.Replace(rootTS, ".", "", 1)
	}
	for i := range msgs {
		m := &msgs[i]
		if !keep(m) {
			continue
		}
		text := messageText(m, name)
		if text == "" {
			continue
		}
		vm := voc.Message{ExternalID: m.Timestamp, At: tsTime(m.Timestamp), Text: text}
		vm.Role, vm.Author = r.who(m)
		if vm.Role == voc.RoleCustomer {
			vm.Label = r.c.label(m.Reactions)
			if conv.AccountID == "" && m.User != "" {
				conv.AccountID = r.c.accounts[m.User]
			}
		}
		if m.Timestamp == rootTS || conv.Subject == "" && len(conv.Messages) == 0 {
			conv.Subject = firstLine(text)
		}
		conv.Messages = append(conv.Messages, vm)
		if vm.At.After(conv.UpdatedAt) {
			conv.UpdatedAt = vm.At
		}
	}
	if len(conv.Messages) == 0 {
		return voc.Conversation{}, false, nil
	}
	if err := conv.Validate(); err != nil {
		rej := collectors.Reject{File: r.c.CursorKey(ch), Field: "conversation " + conv.ExternalID, Reason: err.Error()}
		var fe *voc.FieldError
		if errors.As(err, &fe) {
			rej.Field, rej.Reason = conv.ExternalID+" "+fe.Field, fe.Reason
		}
		r.rep.Rejected = append(r.rep.Rejected, rej)
		return voc.Conversation{}, false, nil
	}
	return conv, true, nil
}

// who says who wrote a message and names them.
func (r *run) who(m *slackgo.Message) (voc.Role, string) {
	p, known := r.users[m.User]
	if isBot(m) {
		name := m.Username
		if name == "" && m.BotProfile != nil {
			name = m.BotProfile.Name
		}
		if name == "" && known && p.known {
			name = p.author
		}
		return voc.RoleBot, firstNonEmpty(name, m.BotID, m.User, "bot")
	}
	if !known {
		return voc.RoleCustomer, firstNonEmpty(m.User, "unknown")
	}
	switch {
	case p.bot:
		return voc.RoleBot, p.author
	case r.c.isAgent(p.email):
		return voc.RoleAgent, p.author
	}
	return voc.RoleCustomer, p.author
}

// isAgent reports whether an e-mail address is in an agent domain or a
// subdomain of one.
func (c *Collector) isAgent(email string) bool {
	_, domain, ok := strings.Cut(strings.ToLower(email), "@")
	if !ok {
		return false
	}
	for _, d := range c.agentDomains {
		if domain == d || strings.HasSuffix(domain, "."+d) {
			return true
		}
	}
	return false
}

// label returns the kind of the first reaction named in Config.Reactions.
func (c *Collector) label(rs []slackgo.ItemReaction) voc.Kind {
	for _, x := range rs {
		if k, ok := c.reactions[reactionName(x.Name)]; ok {
			return k
		}
	}
	return ""
}

func firstLine(s string) string {
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			return l
		}
	}
	return ""
}

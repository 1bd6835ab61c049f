// Package email imports support conversations from e-mail: mbox files
// (mboxrd or mboxo) and Maildir folders kept locally, or IMAP mailboxes.
//
// Messages are threaded into conversations by Message-ID, In-Reply-To and
// References, with a fallback on the subject for replies that lack those
// headers. A conversation's ExternalID is the Message-ID of its thread's
// root, angle brackets kept; its messages are ordered by Date, and each
// message's author is its From header, "Name <addr>", with a role from the
// sender's domain (AgentDomains) and the automatic-mail headers
// (Auto-Submitted, X-Autoreply, Precedence) or addresses (BotFrom).
//
// Bodies are decoded (quoted-printable, base64, any charset that
// golang.org/x/text knows, ISO-2022-JP included); of a multipart message
// the plain-text part is read, else the HTML part stripped of markup, and
// attachments are skipped. Quoted text ("> …" lines and the "On … wrote:"
// line before them, Outlook's "Original Message" block) and the signature
// after "-- " are dropped, so that a customer's reply does not repeat the
// agent's words as if they were the customer's.
//
// Every run reads all the files again: a conversation is upserted by
// (Name, root Message-ID), so a re-run changes nothing and a reply added to
// a file updates its conversation. No cursor is saved for files.
//
// Threading details: a reply whose root is not in the files keeps the id
// its References name, so the thread's id does not change when the root is
// imported later. A reply without In-Reply-To/References joins a thread only
// when its subject has a reply prefix (Re:, AW:, 返信:, …) and an earlier
// message with the same subject is at most 30 days older. A message without
// a Message-ID gets a stable synthetic one, "<hash@voc.invalid>". The same
// message found twice (an inbox mbox and a Sent Maildir) is imported once.
//
// In an mbox, a "From " line separates messages when it is the first line or
// carries an asctime date; ">From " lines are unescaped (mboxrd, and mboxo
// alike); Content-Length headers (mboxcl) are not used.
//
// # IMAP
//
// An IMAP source reads each configured mailbox incrementally. Its cursor,
// under the key "<Name>/imap/<addr>/<mailbox>", is "<UIDVALIDITY>:<last
// UID>"; a run fetches UIDs from the last one + 1 (UID FETCH n:*, bodies
// with BODY.PEEK[] on a mailbox opened with EXAMINE, so nothing is marked
// seen) and saves them in chunks of 200 messages, each chunk's threads in
// one SaveBatch with the cursor after the chunk: a run killed at any point
// resumes after its last saved chunk. When a mailbox's UIDVALIDITY has
// changed, the mailbox is read again from the start; conversations are
// upserted, so nothing is duplicated. A run with no new mail (UIDNEXT not
// past the cursor) fetches and stores nothing.
//
// Since the sink replaces a conversation whole, every save of a thread
// must hold all of its messages, also those fetched by earlier runs. The
// thread of a message is found on the server: its root is the first entry
// of its References, or, without References, its In-Reply-To (the
// parent); the run searches every configured mailbox of every account of
// the source (UID SEARCH HEADER Message-ID, References or In-Reply-To)
// for that id and every other Message-ID the thread's messages have or
// name, and fetches what it finds, until the thread is complete. The
// conversation is then built as for files, so its ExternalID is the same
// whichever run or mailbox its messages came in, and the same as for an
// mbox export of the mailbox. Over IMAP, threads are joined by those
// headers only, not by subject: a reply without In-Reply-To and References
// is a conversation of its own. A message deleted from the server leaves
// its conversation when the thread is next saved; list the archive folder
// in Mailboxes to keep it.
//
// A source reads either files or IMAP accounts, not both: their threads
// would replace each other. Two accounts of one source may not share a
// server address (it is in the cursor key). In rejects of IMAP messages,
// File is "imap://<addr>/<mailbox>" and Line the message's UID. Passwords
// come from the environment (EnvIMAPPassword) and never appear in errors.
package email

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
)

// BatchSize is how many conversations go to the sink in one SaveBatch.
const BatchSize = 200

// MaxMessageSize caps one message; a larger one is rejected unread.
const MaxMessageSize = 25 << 20

// Channel is the channel of every conversation this collector imports.
const Channel = "email"

// DefaultBotFrom are sender patterns always treated as bots, in addition
// to Config.BotFrom.
var DefaultBotFrom = []string{"mailer-daemon@", "no-reply@", "noreply@", "do-not-reply@", "donotreply@"}

// Config says where the mail is and who is who.
type Config struct {
	// Name is the source name: the conversations' Source and the name
	// in reports, e.g. "email".
	Name string
	// FS is where Mbox and Maildir paths are read (os.DirFS of the
	// config folder in production). Paths are slash-separated and
	// relative to it.
	FS fs.FS
	// Mbox lists mbox files (mboxrd or mboxo, messages separated by
	// "From " lines).
	Mbox []string
	// Maildir lists Maildir folders; the messages of their cur/ and new/
	// folders are read.
	Maildir []string
	// AgentDomains are the support team's mail domains: a message From
	// an address at one of them, or at a subdomain, is the agent's
	// (e.g. "acme.example").
	AgentDomains []string
	// BotFrom are sender addresses treated as bots, besides
	// DefaultBotFrom and the messages that say they are automatic. An
	// entry is a whole address ("alerts@acme.example"), a local part
	// ending with "@" ("no-reply@"), a domain starting with "@"
	// ("@notifications.example"), or a path.Match pattern with '*'.
	BotFrom []string
	// IMAP lists IMAP accounts to read instead of files (a source reads
	// one or the other); see IMAPConfig.
	IMAP []IMAPConfig
}

// Collector imports the e-mail of a Config. Build it with New.
type Collector struct {
	cfg    Config
	agents []string
	bots   []string
}

// New checks cfg and returns its collector. An error names the setting at
// fault: name, fs, mbox[i], maildir[i], imap[i].<field>, agent_domains[i]
// or bot_from[i].
func New(cfg Config) (*Collector, error) {
	cfg.Name = strings.TrimSpace(cfg.Name)
	if cfg.Name == "" {
		return nil, errors.New("email: name: required")
	}
	files := len(cfg.Mbox) > 0 || len(cfg.Maildir) > 0
	switch {
	case !files && len(cfg.IMAP) == 0:
		return nil, fmt.Errorf("email: %s: mbox, maildir: give at least one mbox file or Maildir folder, or an imap account", cfg.Name)
	case files && len(cfg.IMAP) > 0:
		return nil, fmt.Errorf("email: %s: imap: cannot be read with mbox or maildir in one source (their threads would replace each other); make it a source of its own", cfg.Name)
	case files && cfg.FS == nil:
		return nil, fmt.Errorf("email: %s: fs: required", cfg.Name)
	}
	check := func(setting string, ps []string) ([]string, error) {
		out := make([]string, len(ps))
		for i, p := range ps {
			q := path.Clean(strings.TrimSpace(p))
			if strings.TrimSpace(p) == "" || !fs.ValidPath(q) {
				return nil, fmt.Errorf("email: %s: %s[%d]: %q is not a path inside the configuration folder", cfg.Name, setting, i, p)
			}
			out[i] = q
		}
		return out, nil
	}
	var err error
	if cfg.Mbox, err = check("mbox", cfg.Mbox); err != nil {
		return nil, err
	}
	if cfg.Maildir, err = check("maildir", cfg.Maildir); err != nil {
		return nil, err
	}
	if cfg.IMAP, err = checkIMAP(cfg.Name, cfg.IMAP); err != nil {
		return nil, err
	}
	c := &Collector{cfg: cfg}
	for i, d := range cfg.AgentDomains {
		d = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(d), "@"), "."))
		if d == "" || strings.ContainsAny(d, "@ \t<>,;*") || !strings.Contains(d, ".") {
			return nil, fmt.Errorf("email: %s: agent_domains[%d]: %q is not a mail domain (want e.g. acme.example)", cfg.Name, i, cfg.AgentDomains[i])
		}
		c.agents = append(c.agents, d)
	}
	for i, b := range cfg.BotFrom {
		b = strings.ToLower(strings.TrimSpace(b))
		if b == "" || strings.ContainsAny(b, " \t<>,;") {
			return nil, fmt.Errorf("email: %s: bot_from[%d]: %q is not an address or pattern (want e.g. no-reply@ or alerts@acme.example)", cfg.Name, i, cfg.BotFrom[i])
		}
		if strings.ContainsAny(b, "*?[") {
			if _, err := path.Match(b, ""); err != nil {
				return nil, fmt.Errorf("email: %s: bot_from[%d]: %q: %v", cfg.Name, i, cfg.BotFrom[i], err)
			}
		}
		c.bots = append(c.bots, b)
	}
	c.bots = append(c.bots, DefaultBotFrom...)
	return c, nil
}

// Name implements collectors.Collector: the source name.
func (c *Collector) Name() string { return c.cfg.Name }

// isBot reports whether addr matches a bot pattern.
func (c *Collector) isBot(addr string) bool {
	local, domain, _ := strings.Cut(addr, "@")
	for _, p := range c.bots {
		switch {
		case strings.ContainsAny(p, "*?["):
			if ok, _ := path.Match(p, addr); ok {
				return true
			}
		case strings.HasSuffix(p, "@"):
			if local+"@" == p {
				return true
			}
		case strings.HasPrefix(p, "@"):
			if domain == p[1:] || strings.HasSuffix(domain, "."+p[1:]) {
				return true
			}
		case strings.Contains(p, "@"):
			if addr == p {
				return true
			}
		default:
			if local == p {
				return true
			}
		}
	}
	return false
}

// role says who wrote m: a bot when the message says it is automatic or
// its sender is a bot address, an agent when the sender is at an agent
// domain, else the customer.
func (c *Collector) role(m *message) voc.Role {
	if m.auto || c.isBot(m.addr) {
		return voc.RoleBot
	}
	if i := strings.LastIndexByte(m.addr, '@'); i >= 0 {
		domain := m.addr[i+1:]
		for _, d := range c.agents {
			if domain == d || strings.HasSuffix(domain, "."+d) {
				return voc.RoleAgent
			}
		}
	}
	return voc.RoleCustomer
}

// Collect reads every configured file, threads the messages and saves the
// conversations in batches of BatchSize; or, for IMAP, reads the new mail
// of every mailbox (see the package documentation). A message that cannot
// be read is rejected in the report and the others go on; a file that
// cannot be opened, a server that fails, a failing sink or a cancelled ctx
// stops the run with an error.
func (c *Collector) Collect(ctx context.Context, sink collectors.Sink) (collectors.Report, error) {
	if len(c.cfg.IMAP) > 0 {
		return c.collectIMAP(ctx, sink)
	}
	rep := collectors.Report{Source: c.cfg.Name}
	var msgs []*message
	seen := map[string]bool{}
	reject := func(file string, line int, field, reason string) {
		rep.Rejected = append(rep.Rejected, collectors.Reject{File: file, Line: line, Field: field, Reason: reason})
	}
	handle := func(file string, raw rawMessage) {
		if raw.size > MaxMessageSize || raw.data == nil && raw.size > 0 {
			reject(file, raw.line, "message", fmt.Sprintf("larger than %d MiB (%d bytes)", MaxMessageSize>>20, raw.size))
			return
		}
		m, err := parseMessage(raw.data, raw.fromLine)
		if err != nil {
			var pe *parseError
			if errors.As(err, &pe) {
				reject(file, raw.line, pe.field, pe.reason)
			} else {
				reject(file, raw.line, "message", err.Error())
			}
			return
		}
		m.file, m.line, m.seq = file, raw.line, len(msgs)
		if seen[m.id] {
			return // the same message in two folders, or twice in one file
		}
		seen[m.id] = true
		if m.text == "" {
			// Kept for threading (its id and subject), not as a turn.
			reject(file, raw.line, "body", "no text to import (empty, or attachments only)")
		}
		msgs = append(msgs, m)
	}
	for i, p := range c.cfg.Mbox {
		f, err := c.cfg.FS.Open(p)
		if err != nil {
			return rep, fmt.Errorf("email: %s: mbox[%d]: %w", c.cfg.Name, i, err)
		}
		err = readMbox(ctx, f, MaxMessageSize, func(raw rawMessage) error {
			handle(p, raw)
			return nil
		})
		f.Close()
		if err != nil {
			return rep, fmt.Errorf("email: %s: reading %s: %w", c.cfg.Name, p, err)
		}
	}
	for i, dir := range c.cfg.Maildir {
		files, err := listMaildir(c.cfg.FS, dir)
		if err != nil {
			return rep, fmt.Errorf("email: %s: maildir[%d]: %w", c.cfg.Name, i, err)
		}
		for _, mf := range files {
			raw, err := readMaildirFile(ctx, c.cfg.FS, mf, MaxMessageSize)
			if err != nil {
				if ctx.Err() != nil {
					return rep, ctx.Err()
				}
				reject(mf.path, 0, "message", err.Error())
				continue
			}
			handle(mf.path, raw)
		}
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}

	convs := c.conversations(threadMessages(msgs), reject)
	for start := 0; start < len(convs); start += BatchSize {
		end := min(start+BatchSize, len(convs))
		_, n, err := sink.SaveBatch(ctx, c.cfg.Name, collectors.Batch{Conversations: convs[start:end]})
		if err != nil {
			return rep, fmt.Errorf("email: %s: save conversations: %w", c.cfg.Name, err)
		}
		rep.Conversations.Add(n)
	}
	return rep, nil
}

// conversations turns threads into conversations: their messages with
// text, in order, each with its role. A thread that fails validation is
// handed to reject with its first message's place.
func (c *Collector) conversations(ts []*thread, reject func(file string, line int, field, reason string)) []voc.Conversation {
	var convs []voc.Conversation
	for _, t := range ts {
		conv := voc.Conversation{Source: c.cfg.Name, ExternalID: t.root, Channel: Channel, Subject: t.subject()}
		for _, m := range t.messages {
			if m.text == "" {
				continue
			}
			conv.Messages = append(conv.Messages, voc.Message{ExternalID: m.id, Role: c.role(m), Author: m.author, At: m.at, Text: m.text})
		}
		if len(conv.Messages) == 0 {
			continue // every message was rejected
		}
		conv.CreatedAt = conv.Messages[0].At
		conv.UpdatedAt = conv.Messages[len(conv.Messages)-1].At
		if err := conv.Validate(); err != nil {
			m := t.messages[0]
			reject(m.file, m.line, "message", err.Error())
			continue
		}
		convs = append(convs, conv)
	}
	return convs
}

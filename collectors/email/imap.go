package email

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/client"

	"github.com/voc-dev/voc/collectors"
)

// EnvIMAPPassword is the environment variable that the CLI reads an IMAP
// password from, to set IMAPConfig.Password. Passwords are never kept in
// the configuration file.
const EnvIMAPPassword = "VOC_IMAP_PASSWORD"

// DefaultIMAPDialTimeout is IMAPConfig.DialTimeout when it is not set.
const DefaultIMAPDialTimeout = 30 * time.Second

// imapCommandTimeout bounds one IMAP command once connected.
const imapCommandTimeout = 5 * time.Minute

// imapSearchGroup is how many Message-IDs one UID SEARCH looks for.
const imapSearchGroup = 50

// imapFetchBytes bounds the bodies one UID FETCH asks for.
const imapFetchBytes = 32 << 20

// imapChunk is how many new messages of a mailbox go into one SaveBatch,
// with the mailbox's cursor after them. A variable for the tests.
var imapChunk = BatchSize

// IMAPConfig is one IMAP account to read mail from.
type IMAPConfig struct {
	// Addr is the server, host:port (993 for implicit TLS, 143 for
	// STARTTLS). It is part of the cursor key, so two entries of one
	// source may not share it.
	Addr string
	// TLS connects with implicit TLS (imaps, port 993). Without it the
	// connection is upgraded with STARTTLS when the server offers it;
	// when the server does not, the run stops rather than send the
	// password in plain text, unless InsecureAllowPlain is set.
	TLS bool
	// InsecureAllowPlain allows logging in over an unencrypted
	// connection to a server that offers no STARTTLS. Only for a server
	// on the same machine or a test.
	InsecureAllowPlain bool
	// Username is the login name.
	Username string
	// Password is the login password. It comes from the environment
	// (EnvIMAPPassword, set by the CLI), never from a file, and it
	// appears in no error, log or report.
	Password string
	// Mailboxes are the folders to read, e.g. ["INBOX", "Sent"]; default
	// ["INBOX"]. List the folders where agents' replies and archived
	// mail are kept too, so that threads are found whole.
	Mailboxes []string
	// DialTimeout bounds connecting, the TLS handshake, the server's
	// greeting and each command up to the login; default
	// DefaultIMAPDialTimeout. (Later commands have 5 minutes each.)
	DialTimeout time.Duration

	tlsConfig *tls.Config // tests: trust a test certificate
}

// String describes the account without its password.
func (c IMAPConfig) String() string {
	mode := "starttls"
	switch {
	case c.TLS:
		mode = "tls"
	case c.InsecureAllowPlain:
		mode = "starttls-or-plain"
	}
	pw := ""
	if c.Password != "" {
		pw = " password=[set]"
	}
	return fmt.Sprintf("imap{%s@%s %s mailboxes=%q%s}", c.Username, c.Addr, mode, c.Mailboxes, pw)
}

// GoString describes the account without its password, for %#v.
func (c IMAPConfig) GoString() string { return c.String() }

// IMAPCursorKey is the sink cursor key of one mailbox of an IMAP account:
// "<Name>/imap/<addr>/<mailbox>". Its value is "<UIDVALIDITY>:<last UID>",
// the last message saved; deleting it makes the next run read the
// mailbox again from the start.
func (c *Collector) IMAPCursorKey(addr, mailbox string) string {
	return c.cfg.Name + "/imap/" + addr + "/" + mailbox
}

// checkIMAP validates and normalises the IMAP accounts of the source
// name. An error names the setting: imap[i].addr, .username, .password,
// .mailboxes[j] or .dial_timeout.
func checkIMAP(name string, cfgs []IMAPConfig) ([]IMAPConfig, error) {
	out := make([]IMAPConfig, len(cfgs))
	addrs := map[string]int{}
	for i, a := range cfgs {
		bad := func(format string, args ...any) error {
			return fmt.Errorf("email: %s: imap[%d].%s", name, i, fmt.Sprintf(format, args...))
		}
		a.Addr = strings.TrimSpace(a.Addr)
		if a.Addr == "" {
			return nil, bad("addr is empty")
		}
		host, port, err := net.SplitHostPort(a.Addr)
		if err != nil || host == "" || port == "" {
			return nil, bad("addr: %q is not host:port (e.g. imap.example.com:993)", a.Addr)
		}
		if n, err := strconv.Atoi(port); err != nil || n <= 0 || n > 65535 {
			return nil, bad("addr: %q has no valid port", a.Addr)
		}
		if j, dup := addrs[a.Addr]; dup {
			return nil, bad("addr: %s is also imap[%d]; read a second account of one server as another source", a.Addr, j)
		}
		addrs[a.Addr] = i
		if strings.TrimSpace(a.Username) == "" {
			return nil, bad("username is empty")
		}
		if a.Password == "" {
			return nil, bad("password is empty (set %s)", EnvIMAPPassword)
		}
		if a.DialTimeout < 0 {
			return nil, bad("dial_timeout: %v is negative", a.DialTimeout)
		}
		if a.DialTimeout == 0 {
			a.DialTimeout = DefaultIMAPDialTimeout
		}
		if len(a.Mailboxes) == 0 {
			a.Mailboxes = []string{"INBOX"}
		}
		boxes := make([]string, len(a.Mailboxes))
		for j, b := range a.Mailboxes {
			b = strings.TrimSpace(b)
			if b == "" {
				return nil, bad("mailboxes[%d] is empty", j)
			}
			if strings.ContainsAny(b, "\r\n") {
				return nil, bad("mailboxes[%d]: %q is not a mailbox name", j, b)
			}
			if strings.EqualFold(b, "INBOX") {
				b = "INBOX" // case-insensitive by RFC 3501
			}
			if slices.Contains(boxes[:j], b) {
				return nil, bad("mailboxes[%d]: %q is listed twice", j, b)
			}
			boxes[j] = b
		}
		a.Mailboxes = boxes
		out[i] = a
	}
	return out, nil
}

// imapLoc is where a message is: account, mailbox (indexes in the config)
// and UID. Sorted, it is the order in which messages are threaded, so that
// every run threads a given set of messages the same way.
type imapLoc struct {
	acct, box int
	uid       uint32
}

func (l imapLoc) less(o imapLoc) int {
	if l.acct != o.acct {
		return l.acct - o.acct
	}
	if l.box != o.box {
		return l.box - o.box
	}
	switch {
	case l.uid < o.uid:
		return -1
	case l.uid > o.uid:
		return 1
	}
	return 0
}

// imapSession is the connection to one account.
type imapSession struct {
	idx      int
	cfg      IMAPConfig
	cl       *client.Client
	raw      net.Conn
	stop     func() bool // unregisters the close on cancel
	selected int         // index of the selected mailbox, -1 for none
	validity map[int]uint32
}

// imapRun is one Collect over IMAP. Every message fetched is kept parsed
// (as the files are), so that a message is fetched at most once a run.
type imapRun struct {
	c    *Collector
	sink collectors.Sink
	rep  *collectors.Report
	sess []*imapSession
	// msgs holds the messages fetched; nil for one that cannot be
	// imported (its reject is in rejects).
	msgs     map[imapLoc]*message
	sizes    map[imapLoc]uint32
	rejects  map[imapLoc]collectors.Reject
	mentions map[string][]imapLoc // Message-ID → messages with it as id or in refs
	searched map[string]bool      // ids searched for in every mailbox
}

// collectIMAP reads the new mail of every configured mailbox, mailbox by
// mailbox, and saves it in chunks of imapChunk messages with the
// mailbox's cursor after each chunk. See the package documentation.
func (c *Collector) collectIMAP(ctx context.Context, sink collectors.Sink) (collectors.Report, error) {
	rep := collectors.Report{Source: c.cfg.Name}
	r := &imapRun{c: c, sink: sink, rep: &rep,
		msgs: map[imapLoc]*message{}, sizes: map[imapLoc]uint32{}, rejects: map[imapLoc]collectors.Reject{},
		mentions: map[string][]imapLoc{}, searched: map[string]bool{}}
	defer r.close()
	// Every account is connected first: a thread is looked for in all of
	// the source's mailboxes.
	for i, a := range c.cfg.IMAP {
		s, err := r.connect(ctx, i, a)
		if err != nil {
			return rep, r.fail(ctx, err)
		}
		r.sess = append(r.sess, s)
	}
	for _, s := range r.sess {
		for b := range s.cfg.Mailboxes {
			if err := r.mailbox(ctx, s, b); err != nil {
				return rep, r.fail(ctx, err)
			}
		}
	}
	return rep, nil
}

// fail returns ctx's error when the run was cancelled (the connections
// were closed under the commands), else err, without any password in it.
func (r *imapRun) fail(ctx context.Context, err error) error {
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		return ctx.Err()
	}
	msg := err.Error()
	redacted := false
	for _, a := range r.c.cfg.IMAP {
		if a.Password != "" && strings.Contains(msg, a.Password) {
			msg = strings.ReplaceAll(msg, a.Password, "[password]")
			redacted = true
		}
	}
	if redacted {
		return errors.New(msg) // not wrapped: the cause holds the password
	}
	return err
}

func (r *imapRun) close() {
	for _, s := range r.sess {
		s.close()
	}
}

// errf builds an error naming the account and step (and the mailbox when
// box >= 0).
func (s *imapSession) errf(name string, box int, step string, err error) error {
	where := fmt.Sprintf("imap[%d] (%s)", s.idx, s.cfg.Addr)
	if box >= 0 {
		where += fmt.Sprintf(" mailbox %q", s.cfg.Mailboxes[box])
	}
	return fmt.Errorf("email: %s: %s: %s: %w", name, where, step, err)
}

// connect dials the account, secures the connection and logs in.
func (r *imapRun) connect(ctx context.Context, i int, a IMAPConfig) (*imapSession, error) {
	s := &imapSession{idx: i, cfg: a, selected: -1, validity: map[int]uint32{}}
	name := r.c.cfg.Name
	host, _, _ := net.SplitHostPort(a.Addr)
	tcfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if a.tlsConfig != nil {
		tcfg = a.tlsConfig.Clone()
	}
	if tcfg.ServerName == "" {
		tcfg.ServerName = host
	}
	d := net.Dialer{Timeout: a.DialTimeout}
	raw, err := d.DialContext(ctx, "tcp", a.Addr)
	if err != nil {
		return nil, s.errf(name, -1, "connect", err)
	}
	s.raw = raw
	// Closing the socket is how a cancelled ctx stops a command.
	s.stop = context.AfterFunc(ctx, func() { raw.Close() })
	fail := func(step string, err error) (*imapSession, error) {
		s.close()
		return nil, s.errf(name, -1, step, err)
	}
	// The TLS handshake and the greeting must come within DialTimeout,
	// and so must the answer to each command up to the login.
	raw.SetDeadline(time.Now().Add(a.DialTimeout))
	conn := raw
	if a.TLS {
		tc := tls.Client(raw, tcfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return fail("tls handshake", err)
		}
		conn = tc
	}
	cl, err := client.New(conn)
	if err != nil {
		return fail("greeting", err)
	}
	cl.ErrorLog = log.New(io.Discard, "", 0)
	cl.Timeout = a.DialTimeout // up to the login; then imapCommandTimeout
	s.cl = cl
	if !a.TLS {
		ok, err := cl.SupportStartTLS()
		if err != nil {
			return fail("capability", err)
		}
		switch {
		case ok:
			if err := cl.StartTLS(tcfg); err != nil {
				return fail("starttls", err)
			}
		case !a.InsecureAllowPlain:
			return fail("login", errors.New("the server offers no STARTTLS: refusing to send the password unencrypted (use tls for implicit TLS, or insecure_allow_plain for a server on this machine)"))
		}
	}
	if err := cl.Login(a.Username, a.Password); err != nil {
		return fail(fmt.Sprintf("login as %q", a.Username), err)
	}
	cl.Timeout = imapCommandTimeout
	return s, nil
}

func (s *imapSession) close() {
	if s.cl != nil && s.raw != nil {
		s.cl.Timeout = 10 * time.Second
		s.cl.Logout()
	}
	if s.raw != nil {
		s.raw.Close()
	}
	if s.stop != nil {
		s.stop()
	}
}

// sel selects mailbox box read-only (EXAMINE: nothing is marked seen)
// unless it is selected already, and checks that its UIDVALIDITY has not
// changed since this run first selected it.
func (s *imapSession) sel(name string, box int) (*imap.MailboxStatus, error) {
	if s.selected == box {
		return s.cl.Mailbox(), nil
	}
	s.selected = -1
	st, err := s.cl.Select(s.cfg.Mailboxes[box], true)
	if err != nil {
		return nil, s.errf(name, box, "select", err)
	}
	if v, ok := s.validity[box]; ok && v != st.UidValidity {
		return nil, s.errf(name, box, "select", fmt.Errorf("UIDVALIDITY changed during the run (%d, now %d); run again", v, st.UidValidity))
	}
	s.validity[box] = st.UidValidity
	s.selected = box
	return st, nil
}

// parseIMAPCursor reads "<UIDVALIDITY>:<last UID>".
func parseIMAPCursor(cur string) (validity, last uint32, err error) {
	v, u, ok := strings.Cut(cur, ":")
	a, err1 := strconv.ParseUint(v, 10, 32)
	b, err2 := strconv.ParseUint(u, 10, 32)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("cursor %q is not UIDVALIDITY:UID", cur)
	}
	return uint32(a), uint32(b), nil
}

// mailbox reads the messages of one mailbox after its cursor.
func (r *imapRun) mailbox(ctx context.Context, s *imapSession, box int) error {
	name := r.c.cfg.Name
	key := r.c.IMAPCursorKey(s.cfg.Addr, s.cfg.Mailboxes[box])
	cur, err := r.sink.Cursor(ctx, key)
	if err != nil {
		return s.errf(name, box, "read cursor "+key, err)
	}
	var validity, last uint32
	if cur != "" {
		if validity, last, err = parseIMAPCursor(cur); err != nil {
			return s.errf(name, box, "read cursor "+key, err)
		}
	}
	st, err := s.sel(name, box)
	if err != nil {
		return err
	}
	if cur != "" && st.UidValidity != validity {
		// The server renumbered the mailbox: read it all again.
		// Conversations are upserted by their root's Message-ID, so
		// nothing is duplicated.
		last = 0
	}
	if cur != "" && last > 0 && st.UidNext != 0 && st.UidNext <= last+1 {
		return nil // nothing new; nothing fetched
	}
	// UID FETCH last+1:* lists the new messages and their sizes. "n:*"
	// also names the last message when n is past it, hence the filter.
	set := new(imap.SeqSet)
	set.AddRange(last+1, 0)
	var uids []uint32
	err = s.fetch(set, []imap.FetchItem{imap.FetchUid, imap.FetchRFC822Size}, func(m *imap.Message) {
		if m.Uid > last {
			uids = append(uids, m.Uid)
			r.sizes[imapLoc{s.idx, box, m.Uid}] = m.Size
		}
	})
	if err != nil {
		return s.errf(name, box, "list new messages", err)
	}
	slices.Sort(uids)
	uids = slices.Compact(uids)
	for start := 0; start < len(uids); start += imapChunk {
		if err := ctx.Err(); err != nil {
			return err
		}
		chunk := uids[start:min(start+imapChunk, len(uids))]
		if err := r.chunk(ctx, s, box, key, st.UidValidity, chunk); err != nil {
			return err
		}
	}
	return nil
}

// chunk fetches new messages of a mailbox, completes their threads from
// all mailboxes, and saves the threads with the cursor after the chunk.
func (r *imapRun) chunk(ctx context.Context, s *imapSession, box int, key string, validity uint32, uids []uint32) error {
	name := r.c.cfg.Name
	if _, err := s.sel(name, box); err != nil {
		return err
	}
	if err := r.fetchMessages(s, box, uids); err != nil {
		return err
	}
	seeds := make([]imapLoc, len(uids))
	inChunk := map[imapLoc]bool{}
	byPlace := map[collectors.Reject]bool{} // File and Line of the chunk's messages
	for i, u := range uids {
		seeds[i] = imapLoc{s.idx, box, u}
		inChunk[seeds[i]] = true
		byPlace[collectors.Reject{File: s.label(box), Line: int(u)}] = true
		if rj, ok := r.rejects[seeds[i]]; ok {
			r.rep.Rejected = append(r.rep.Rejected, rj)
		}
	}
	set, err := r.closure(seeds)
	if err != nil {
		return err
	}
	// Dedupe by Message-ID (the same message in two mailboxes), in
	// location order, and thread.
	var msgs []*message
	seen := map[string]bool{}
	for _, l := range set {
		m := r.msgs[l]
		if m == nil || seen[m.id] {
			continue
		}
		seen[m.id] = true
		cp := *m
		cp.seq = len(msgs)
		msgs = append(msgs, &cp)
	}
	convs := r.c.conversations(threadMessages(msgs), func(file string, line int, field, reason string) {
		// A thread rejected whole is reported with the chunk that has
		// its first message, not again with every later chunk.
		if byPlace[collectors.Reject{File: file, Line: line}] {
			r.rep.Rejected = append(r.rep.Rejected, collectors.Reject{File: file, Line: line, Field: field, Reason: reason})
		}
	})
	cursor := fmt.Sprintf("%d:%d", validity, uids[len(uids)-1])
	_, n, err := r.sink.SaveBatch(ctx, key, collectors.Batch{Conversations: convs, Cursor: &cursor})
	if err != nil {
		return s.errf(name, box, "save conversations", err)
	}
	r.rep.Conversations.Add(n)
	return nil
}

// label names a mailbox in rejects: File is "imap://<addr>/<mailbox>" and
// Line the message's UID.
func (s *imapSession) label(box int) string {
	return "imap://" + s.cfg.Addr + "/" + s.cfg.Mailboxes[box]
}

// closure returns the seeds and every message of their threads, in
// location order. Starting from the seeds it looks up each Message-ID
// they have or name (References, In-Reply-To) in every mailbox, then
// those of the messages found, until no new message turns up: the
// complete thread as far as headers link it, whichever run and mailbox
// its messages came in.
func (r *imapRun) closure(seeds []imapLoc) ([]imapLoc, error) {
	in := map[imapLoc]bool{}
	var out []imapLoc
	var pending []string
	queued := map[string]bool{}
	var visit func(imapLoc)
	expand := func(id string) {
		switch {
		case r.searched[id]:
			for _, l := range r.mentions[id] {
				visit(l)
			}
		case !queued[id]:
			queued[id] = true
			pending = append(pending, id)
		}
	}
	visit = func(l imapLoc) {
		if in[l] {
			return
		}
		in[l] = true
		out = append(out, l)
		if m := r.msgs[l]; m != nil {
			expand(m.id)
			for _, x := range m.refs {
				expand(x)
			}
		}
	}
	for _, l := range seeds {
		visit(l)
	}
	for len(pending) > 0 {
		ids := pending
		pending = nil
		if err := r.search(ids); err != nil {
			return nil, err
		}
		for _, id := range ids {
			for _, l := range r.mentions[id] {
				visit(l)
			}
		}
	}
	slices.SortFunc(out, imapLoc.less)
	return out, nil
}

// search looks for the messages that have one of ids as Message-ID or
// in References or In-Reply-To, in every mailbox of every account (UID
// SEARCH HEADER …, up to imapSearchGroup ids at once), and fetches those
// not fetched yet.
func (r *imapRun) search(ids []string) error {
	var look []string
	for _, id := range ids {
		// A synthetic id is named by no other message.
		if !strings.HasSuffix(id, "@voc.invalid>") {
			look = append(look, id)
		}
	}
	name := r.c.cfg.Name
	for _, s := range r.sess {
		for box := range s.cfg.Mailboxes {
			if len(look) == 0 {
				break
			}
			if _, err := s.sel(name, box); err != nil {
				return err
			}
			var need []uint32
			for g := range slices.Chunk(look, imapSearchGroup) {
				crit := make([]*imap.SearchCriteria, len(g))
				for i, id := range g {
					crit[i] = anyOf(headerIs("Message-Id", id), headerIs("References", id), headerIs("In-Reply-To", id))
				}
				uids, err := s.cl.UidSearch(anyOf(crit...))
				if err != nil {
					return s.errf(name, box, "search threads", err)
				}
				for _, u := range uids {
					if _, ok := r.msgs[imapLoc{s.idx, box, u}]; !ok {
						need = append(need, u)
					}
				}
			}
			slices.Sort(need)
			if err := r.fetchMessages(s, box, slices.Compact(need)); err != nil {
				return err
			}
		}
	}
	for _, id := range ids {
		r.searched[id] = true
	}
	return nil
}

func headerIs(key, value string) *imap.SearchCriteria {
	c := imap.NewSearchCriteria()
	c.Header.Add(key, value)
	return c
}

// anyOf is the OR of cs, as a balanced tree of IMAP's binary OR.
func anyOf(cs ...*imap.SearchCriteria) *imap.SearchCriteria {
	if len(cs) == 1 {
		return cs[0]
	}
	mid := len(cs) / 2
	return &imap.SearchCriteria{Or: [][2]*imap.SearchCriteria{{anyOf(cs[:mid]...), anyOf(cs[mid:]...)}}}
}

// fetch runs UID FETCH and hands each message to fn as it arrives.
func (s *imapSession) fetch(set *imap.SeqSet, items []imap.FetchItem, fn func(*imap.Message)) error {
	ch := make(chan *imap.Message, 4)
	done := make(chan error, 1)
	go func() { done <- s.cl.UidFetch(set, items, ch) }()
	for m := range ch {
		fn(m)
	}
	return <-done
}

// bodySection is BODY.PEEK[]: the whole message, without marking it seen.
var bodySection = &imap.BodySectionName{Peek: true}

// fetchMessages fetches, parses and indexes the messages at uids of the
// selected mailbox box (with their sizes first when not known): those
// larger than MaxMessageSize are rejected unread.
func (r *imapRun) fetchMessages(s *imapSession, box int, uids []uint32) error {
	name := r.c.cfg.Name
	var todo []uint32
	unsized := new(imap.SeqSet)
	for _, u := range uids {
		l := imapLoc{s.idx, box, u}
		if _, done := r.msgs[l]; done {
			continue
		}
		todo = append(todo, u)
		if _, ok := r.sizes[l]; !ok {
			unsized.AddNum(u)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	if !unsized.Empty() {
		err := s.fetch(unsized, []imap.FetchItem{imap.FetchUid, imap.FetchRFC822Size}, func(m *imap.Message) {
			r.sizes[imapLoc{s.idx, box, m.Uid}] = m.Size
		})
		if err != nil {
			return s.errf(name, box, "fetch sizes", err)
		}
	}
	file := s.label(box)
	reject := func(l imapLoc, field, reason string) {
		r.rejects[l] = collectors.Reject{File: file, Line: int(l.uid), Field: field, Reason: reason}
	}
	// Bodies in groups of at most imapFetchBytes, so that each command
	// ends well within its timeout.
	set, n := new(imap.SeqSet), int64(0)
	var groups []*imap.SeqSet
	for _, u := range todo {
		l := imapLoc{s.idx, box, u}
		size, ok := r.sizes[l]
		switch {
		case !ok:
			// Expunged since it was listed or found.
			r.msgs[l] = nil
			reject(l, "message", "no longer on the server")
			continue
		case int64(size) > MaxMessageSize:
			r.msgs[l] = nil
			reject(l, "message", fmt.Sprintf("larger than %d MiB (%d bytes)", MaxMessageSize>>20, size))
			continue
		}
		if !set.Empty() && n+int64(size) > imapFetchBytes {
			groups = append(groups, set)
			set, n = new(imap.SeqSet), 0
		}
		set.AddNum(u)
		n += int64(size)
	}
	if !set.Empty() {
		groups = append(groups, set)
	}
	items := []imap.FetchItem{imap.FetchUid, bodySection.FetchItem()}
	for _, g := range groups {
		err := s.fetch(g, items, func(m *imap.Message) {
			l := imapLoc{s.idx, box, m.Uid}
			if !g.Contains(m.Uid) {
				return
			}
			body := m.GetBody(bodySection)
			if body == nil {
				return // counted as missing below
			}
			r.add(l, file, body)
		})
		if err != nil {
			return s.errf(name, box, "fetch messages", err)
		}
	}
	for _, u := range todo {
		l := imapLoc{s.idx, box, u}
		if _, done := r.msgs[l]; !done {
			r.msgs[l] = nil
			reject(l, "message", "the server sent no body")
		}
	}
	return nil
}

// add parses one fetched message and indexes it by the ids it has and
// names.
func (r *imapRun) add(l imapLoc, file string, body io.Reader) {
	reject := func(field, reason string) {
		r.rejects[l] = collectors.Reject{File: file, Line: int(l.uid), Field: field, Reason: reason}
	}
	raw, err := io.ReadAll(io.LimitReader(body, MaxMessageSize+1))
	if err != nil {
		r.msgs[l] = nil
		reject("message", err.Error())
		return
	}
	if len(raw) > MaxMessageSize {
		r.msgs[l] = nil
		reject("message", fmt.Sprintf("larger than %d MiB", MaxMessageSize>>20))
		return
	}
	m, err := parseMessage(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n")), "")
	if err != nil {
		r.msgs[l] = nil
		var pe *parseError
		if errors.As(err, &pe) {
			reject(pe.field, pe.reason)
		} else {
			reject("message", err.Error())
		}
		return
	}
	m.file, m.line = file, int(l.uid)
	// Over IMAP, threads are joined by headers only: the subject
	// fallback needs every message at hand, and a run sees new mail only.
	m.norm = ""
	if m.text == "" {
		// Kept for threading (its id), not as a turn.
		reject("body", "no text to import (empty, or attachments only)")
	}
	r.msgs[l] = m
	r.mentions[m.id] = append(r.mentions[m.id], l)
	for _, x := range m.refs {
		r.mentions[x] = append(r.mentions[x], l)
	}
}

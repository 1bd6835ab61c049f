package email

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/emersion/go-imap"
	"github.com/emersion/go-imap/backend"
	"github.com/emersion/go-imap/backend/memory"
	"github.com/emersion/go-imap/server"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
	"github.com/voc-dev/voc/collectors/collectortest"
)

// testPassword is distinctive, so that a test can tell it never leaks.
const testPassword = "s3cret-Pa55-Zq7xK"

// imapBackend is a go-imap memory backend with its own credentials, a
// settable UIDVALIDITY and a log of what clients fetched and searched.
type imapBackend struct {
	mem        *memory.Backend
	user, pass string

	mu       sync.Mutex
	validity uint32
	logins   int
	listings int                 // UID FETCH commands
	searches int                 // UID SEARCH commands
	ranges   []string            // the UID sets of fetches without a body
	bodies   map[string][]uint32 // mailbox → UIDs whose body was fetched
	onBodies func()              // called as a body fetch begins
	peekOnly bool                // every body fetch used BODY.PEEK
}

func newIMAPBackend(t *testing.T) *imapBackend {
	t.Helper()
	b := &imapBackend{mem: memory.New(), user: "support@acme.example", pass: testPassword, validity: 1, peekOnly: true, bodies: map[string][]uint32{}}
	inbox := b.box(t, "INBOX")
	inbox.Messages = nil // the memory backend starts with a sample message
	return b
}

// box returns a mailbox of the memory backend, creating it if need be.
func (b *imapBackend) box(t *testing.T, name string) *memory.Mailbox {
	t.Helper()
	u, err := b.mem.Login(nil, "username", "password")
	if err != nil {
		t.Fatal(err)
	}
	mb, err := u.GetMailbox(name)
	if err != nil {
		if err := u.CreateMailbox(name); err != nil {
			t.Fatal(err)
		}
		mb, err = u.GetMailbox(name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return mb.(*memory.Mailbox)
}

// add appends messages (LF line ends) to a mailbox.
func (b *imapBackend) add(t *testing.T, name string, msgs ...string) {
	t.Helper()
	b.mu.Lock()
	defer b.mu.Unlock()
	mb := b.box(t, name)
	for _, m := range msgs {
		body := bytes.NewBufferString(strings.ReplaceAll(m, "\n", "\r\n"))
		if err := mb.CreateMessage(nil, time.Date(2026, 10, 10, 0, 0, 0, 0, time.UTC), body); err != nil {
			t.Fatal(err)
		}
	}
}

// resetLog forgets what was fetched and searched.
func (b *imapBackend) resetLog() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.listings, b.searches, b.ranges, b.bodies = 0, 0, nil, map[string][]uint32{}
}

func (b *imapBackend) fetched(box string) []uint32 {
	b.mu.Lock()
	defer b.mu.Unlock()
	u := slices.Clone(b.bodies[box])
	slices.Sort(u)
	return u
}

func (b *imapBackend) Login(ci *imap.ConnInfo, user, pass string) (backend.User, error) {
	b.mu.Lock()
	b.logins++
	b.mu.Unlock()
	if user != b.user || pass != b.pass {
		return nil, backend.ErrInvalidCredentials
	}
	u, err := b.mem.Login(ci, "username", "password")
	if err != nil {
		return nil, err
	}
	return &imapUser{User: u, b: b}, nil
}

type imapUser struct {
	backend.User
	b *imapBackend
}

func (u *imapUser) GetMailbox(name string) (backend.Mailbox, error) {
	u.b.mu.Lock()
	defer u.b.mu.Unlock()
	mb, err := u.User.GetMailbox(name)
	if err != nil {
		return nil, err
	}
	return &imapMailbox{Mailbox: mb, b: u.b}, nil
}

type imapMailbox struct {
	backend.Mailbox
	b *imapBackend
}

func (m *imapMailbox) Status(items []imap.StatusItem) (*imap.MailboxStatus, error) {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	st, err := m.Mailbox.Status(items)
	if err == nil {
		st.UidValidity = m.b.validity
	}
	return st, err
}

func (m *imapMailbox) ListMessages(uid bool, set *imap.SeqSet, items []imap.FetchItem, ch chan<- *imap.Message) error {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	m.b.listings++
	body := false
	for _, it := range items {
		if strings.HasPrefix(string(it), "BODY") {
			body = true
			if !strings.HasPrefix(string(it), "BODY.PEEK[") {
				m.b.peekOnly = false
			}
		}
	}
	if !body {
		m.b.ranges = append(m.b.ranges, m.Name()+" "+set.String())
	} else if m.b.onBodies != nil {
		m.b.onBodies()
		time.Sleep(50 * time.Millisecond) // let the client close its end
	}
	inner := make(chan *imap.Message)
	done := make(chan error, 1)
	go func() { done <- m.Mailbox.ListMessages(uid, set, items, inner) }()
	for msg := range inner {
		if body {
			m.b.bodies[m.Name()] = append(m.b.bodies[m.Name()], msg.Uid)
		}
		ch <- msg
	}
	close(ch)
	return <-done
}

func (m *imapMailbox) SearchMessages(uid bool, c *imap.SearchCriteria) ([]uint32, error) {
	m.b.mu.Lock()
	defer m.b.mu.Unlock()
	m.b.searches++
	return m.Mailbox.SearchMessages(uid, c)
}

// renumber gives every message a new UID and the mailboxes a new
// UIDVALIDITY, as a server does when it rebuilds its index.
func (b *imapBackend) renumber(t *testing.T, name string, by uint32) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range b.box(t, name).Messages {
		m.Uid += by
	}
	b.validity++
}

// serve starts a go-imap server on 127.0.0.1. With tlsCfg, it offers
// STARTTLS (and requires it before login) or, when implicit, speaks TLS
// from the start; without, it allows a plain-text login.
func serve(t *testing.T, be backend.Backend, tlsCfg *tls.Config, implicit bool) string {
	t.Helper()
	s := server.New(be)
	s.ErrorLog = log.New(io.Discard, "", 0)
	s.AllowInsecureAuth = tlsCfg == nil
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	switch {
	case implicit:
		l = tls.NewListener(l, tlsCfg)
	case tlsCfg != nil:
		s.TLSConfig = tlsCfg
	}
	go s.Serve(l)
	t.Cleanup(func() { s.Close() })
	return l.Addr().String()
}

// supportMessages returns the messages of testdata/support.mbox (LF line
// ends, mbox quoting undone) and the mbox cut before message n.
func supportMessages(t *testing.T, n int) ([]string, []byte) {
	t.Helper()
	data, err := os.ReadFile("testdata/support.mbox")
	if err != nil {
		t.Fatal(err)
	}
	var msgs []string
	var lines []int
	err = readMbox(context.Background(), bytes.NewReader(data), MaxMessageSize, func(r rawMessage) error {
		msgs = append(msgs, string(r.data))
		lines = append(lines, r.line)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n >= len(msgs) {
		return msgs, data
	}
	cut := 0
	for i := 1; i < lines[n]; i++ {
		cut += bytes.IndexByte(data[cut:], '\n') + 1
	}
	return msgs, data[:cut]
}

// imapConfig is a Config reading addr as the test user.
func imapConfig(addr string, boxes ...string) Config {
	return Config{Name: "email", AgentDomains: []string{"acme.example"}, IMAP: []IMAPConfig{{
		Addr: addr, Username: "support@acme.example", Password: testPassword, InsecureAllowPlain: true, Mailboxes: boxes, DialTimeout: 5 * time.Second,
	}}}
}

func collectIMAP(t *testing.T, cfg Config, sink *collectortest.MemSink) collectors.Report {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := c.Collect(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func convJSON(t *testing.T, sink *collectortest.MemSink) string {
	t.Helper()
	b, err := json.MarshalIndent(sink.Conversations(), "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func cursor(t *testing.T, sink *collectortest.MemSink, key string) string {
	t.Helper()
	c, err := sink.Cursor(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestIMAPFullPull(t *testing.T) {
	msgs, mbox := supportMessages(t, 6)
	be := newIMAPBackend(t)
	// Thread 1 (English, 4 messages), thread 2 (ISO-2022-JP, 2), and a
	// message that cannot be imported.
	be.add(t, "INBOX", msgs[:6]...)
	be.add(t, "INBOX", "From: x@globex.example\nSubject: no date\nDate: yesterday\nMessage-ID: <nodate@globex.example>\n\nhello\n")
	addr := serve(t, be, nil, false)

	sink := collectortest.New()
	rep := collectIMAP(t, imapConfig(addr), sink)
	if rep.Source != "email" || rep.Conversations != (collectors.Counts{New: 2}) {
		t.Fatalf("report %+v", rep)
	}
	if got, want := rejects(rep), fmt.Sprintf(`imap://%s/INBOX:7: Date: "yesterday" is not an RFC 5322 date`, addr); got != want {
		t.Errorf("rejects:\n%s\nwant\n%s", got, want)
	}
	// The same conversations as from an mbox of the same mail.
	fromMbox := collectortest.New()
	collect(t, Config{FS: fstest.MapFS{"part.mbox": {Data: mbox}}, Mbox: []string{"part.mbox"}}, fromMbox)
	if got, want := convJSON(t, sink), convJSON(t, fromMbox); got != want {
		t.Fatalf("IMAP:\n%s\nmbox:\n%s", got, want)
	}
	convs := byID(t, sink)
	checkConv(t, convs, "<20261006100300.A1B2@minato.example>", "請求書のPDFに会社名が表示されません", []turn{
		{voc.RoleCustomer, sato, "会社名を漢字で登録しているのが原因でしょうか。"},
		{voc.RoleAgent, "田中 美咲 <tanaka@acme.example>", "進展があり次第ご連絡いたします。"},
	})
	if n := len(convs["<CAF7dana.001@mail.globex.example>"].Messages); n != 4 {
		t.Errorf("thread 1 has %d messages, want 4", n)
	}
	if got := cursor(t, sink, "email/imap/"+addr+"/INBOX"); got != "1:7" {
		t.Errorf("cursor %q, want 1:7", got)
	}
	// Nothing was marked seen.
	if !be.peekOnly {
		t.Error("a body was fetched without BODY.PEEK")
	}
	be.mu.Lock()
	defer be.mu.Unlock()
	for _, m := range be.box(t, "INBOX").Messages {
		if slices.Contains(m.Flags, imap.SeenFlag) {
			t.Errorf("UID %d marked seen", m.Uid)
		}
	}
}

func TestIMAPIncremental(t *testing.T) {
	msgs, _ := supportMessages(t, 99)
	be := newIMAPBackend(t)
	// UIDs 1–3: thread 1 without Dana's follow-up; 4–5: thread 2.
	be.add(t, "INBOX", msgs[0], msgs[1], msgs[2], msgs[4], msgs[5])
	addr := serve(t, be, nil, false)
	cfg := imapConfig(addr)
	key := "email/imap/" + addr + "/INBOX"

	sink := collectortest.New()
	rep := collectIMAP(t, cfg, sink)
	if rep.Conversations != (collectors.Counts{New: 2}) || cursor(t, sink, key) != "1:5" {
		t.Fatalf("first run: %+v, cursor %q", rep, cursor(t, sink, key))
	}
	if n := len(byID(t, sink)["<CAF7dana.001@mail.globex.example>"].Messages); n != 3 {
		t.Fatalf("thread 1 has %d messages", n)
	}

	// Dana's follow-up (In-Reply-To the agent, References the root) as
	// UID 6, and a new thread's first mail as UID 7.
	be.add(t, "INBOX", msgs[3], msgs[6])
	be.resetLog()
	batches := sink.Batches()
	rep = collectIMAP(t, cfg, sink)
	if rep.Conversations != (collectors.Counts{New: 1, Updated: 1}) || len(rep.Rejected) != 0 {
		t.Fatalf("second run: %+v", rep)
	}
	if sink.Batches() != batches+1 {
		t.Errorf("%d batches, want 1", sink.Batches()-batches)
	}
	// Only the UIDs after the cursor were listed; besides them, only the
	// earlier messages of the thread the reply belongs to were fetched
	// (not thread 2).
	if got := be.ranges; !slices.Equal(got, []string{"INBOX 6:*", "INBOX 1:3"}) {
		t.Errorf("listed %q, want the new UIDs (6:*), then the sizes of the thread's others (1:3)", got)
	}
	if got := be.fetched("INBOX"); !slices.Equal(got, []uint32{1, 2, 3, 6, 7}) {
		t.Errorf("fetched bodies of UIDs %v, want [1 2 3 6 7]", got)
	}
	convs := byID(t, sink)
	c := checkConv(t, convs, "<CAF7dana.001@mail.globex.example>", "CSV export times out for large projects", []turn{
		{voc.RoleCustomer, dana, "Could you add a way to run the export in the background"},
		{voc.RoleBot, "Acme Support <support@acme.example>", "Your request #4821 has been received"},
		{voc.RoleAgent, sam, "Exports above 10,000 rows"},
		{voc.RoleCustomer, dana, "Splitting by month works"},
	})
	if !c.UpdatedAt.Equal(time.Date(2026, 10, 6, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("updated_at %v", c.UpdatedAt)
	}
	checkConv(t, convs, "<DB6PR01MB4123.priya@initech.example>", "Feature request: dark mode for the dashboard", []turn{
		{voc.RoleCustomer, priya, "Our night shift would love a dark mode"},
	})
	if got := cursor(t, sink, key); got != "1:7" {
		t.Errorf("cursor %q, want 1:7", got)
	}
	// The same as reading the whole mailbox at once.
	whole := collectortest.New()
	collectIMAP(t, cfg, whole)
	if a, b := convJSON(t, sink), convJSON(t, whole); a != b {
		t.Fatalf("incremental:\n%s\nwhole:\n%s", a, b)
	}

	// No new mail: nothing fetched, searched or stored.
	be.resetLog()
	batches = sink.Batches()
	rep = collectIMAP(t, cfg, sink)
	if rep.Conversations != (collectors.Counts{}) || sink.Batches() != batches || be.listings != 0 || be.searches != 0 {
		t.Fatalf("re-run without new mail: %+v, %d batches, %d fetches, %d searches", rep, sink.Batches()-batches, be.listings, be.searches)
	}
}

// TestIMAPThreadAcrossMailboxes follows a thread whose messages are in
// INBOX and Sent, with replies that name only their parent (In-Reply-To,
// no References), each arriving in a later run.
func TestIMAPThreadAcrossMailboxes(t *testing.T) {
	mail := func(id, from, date, irt, refs, text string) string {
		h := fmt.Sprintf("From: %s\nSubject: Re: Webhook retries\nDate: %s\nMessage-ID: %s\n", from, date, id)
		if irt != "" {
			h += "In-Reply-To: " + irt + "\n"
		}
		if refs != "" {
			h += "References: " + refs + "\n"
		}
		return h + "\n" + text + "\n"
	}
	q := strings.Replace(mail("<q@globex.example>", dana, "Mon, 12 Oct 2026 09:00:00 +0000", "", "", "Do failed webhooks get retried?"), "Re: ", "", 1)
	samFrom := `"Sam Ortiz (Acme Support)" <sam@support.acme.example>`
	a := mail("<a@acme.example>", samFrom, "Mon, 12 Oct 2026 10:00:00 +0000", "<q@globex.example>", "<q@globex.example>", "Yes, five times.")
	c := mail("<c@globex.example>", dana, "Mon, 12 Oct 2026 11:00:00 +0000", "<a@acme.example>", "", "Over how long?")
	d := mail("<d@acme.example>", samFrom, "Mon, 12 Oct 2026 12:00:00 +0000", "<c@globex.example>", "", "Over 24 hours.")
	other := strings.Replace(mail("<o@initech.example>", priya, "Mon, 12 Oct 2026 09:30:00 +0000", "", "", "Unrelated."), "Re: Webhook retries", "Invoice", 1)

	be := newIMAPBackend(t)
	be.add(t, "INBOX", q, other)
	be.add(t, "Sent", a)
	addr := serve(t, be, nil, false)
	cfg := imapConfig(addr, "INBOX", "Sent")
	sink := collectortest.New()
	collectIMAP(t, cfg, sink)

	want := []turn{{voc.RoleCustomer, dana, "retried"}, {voc.RoleAgent, sam, "five times"}}
	checkConv(t, byID(t, sink), "<q@globex.example>", "Webhook retries", want)

	// Dana's reply names only Sam's, which is in Sent.
	be.add(t, "INBOX", c)
	collectIMAP(t, cfg, sink)
	want = append(want, turn{voc.RoleCustomer, dana, "Over how long?"})
	checkConv(t, byID(t, sink), "<q@globex.example>", "Webhook retries", want)

	// Sam's answer, in Sent, names only Dana's reply, which is in INBOX.
	be.add(t, "Sent", d)
	be.resetLog()
	collectIMAP(t, cfg, sink)
	want = append(want, turn{voc.RoleAgent, sam, "Over 24 hours."})
	checkConv(t, byID(t, sink), "<q@globex.example>", "Webhook retries", want)
	if got := be.fetched("INBOX"); !slices.Equal(got, []uint32{1, 3}) {
		t.Errorf("fetched INBOX UIDs %v, want the thread's [1 3]", got)
	}
	if len(sink.Conversations()) != 2 {
		t.Errorf("%d conversations, want 2", len(sink.Conversations()))
	}
	whole := collectortest.New()
	collectIMAP(t, cfg, whole)
	if a, b := convJSON(t, sink), convJSON(t, whole); a != b {
		t.Fatalf("incremental:\n%s\nwhole:\n%s", a, b)
	}
	for box, want := range map[string]string{"INBOX": "1:3", "Sent": "1:2"} {
		if got := cursor(t, sink, "email/imap/"+addr+"/"+box); got != want {
			t.Errorf("%s cursor %q, want %s", box, got, want)
		}
	}
}

func TestIMAPCrashResume(t *testing.T) {
	defer func(n int) { imapChunk = n }(imapChunk)
	imapChunk = 2
	msgs, _ := supportMessages(t, 99)
	be := newIMAPBackend(t)
	be.add(t, "INBOX", msgs...) // 9 messages: 5 chunks
	addr := serve(t, be, nil, false)
	cfg := imapConfig(addr)
	key := "email/imap/" + addr + "/INBOX"

	whole := collectortest.New()
	rep := collectIMAP(t, cfg, whole)
	if whole.Batches() != 5 || len(rep.Rejected) != 0 {
		t.Fatalf("uninterrupted run: %d batches, %+v", whole.Batches(), rep)
	}

	crashed := collectortest.New()
	crashed.FailAfter = 3
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Collect(context.Background(), crashed)
	if !errors.Is(err, collectortest.ErrCrash) || !strings.Contains(err.Error(), `mailbox "INBOX": save conversations`) {
		t.Fatalf("crash run: %v", err)
	}
	if got := cursor(t, crashed, key); got != "1:4" {
		t.Fatalf("cursor after the crash %q, want 1:4", got)
	}
	crashed.FailAfter = 0
	be.resetLog()
	if _, err := c.Collect(context.Background(), crashed); err != nil {
		t.Fatal(err)
	}
	if got := be.ranges; len(got) != 1 || got[0] != "INBOX 5:*" {
		t.Errorf("resumed run listed %q, want [INBOX 5:*]", got)
	}
	if a, b := convJSON(t, whole), convJSON(t, crashed); a != b {
		t.Fatalf("resumed run differs from an uninterrupted one:\n%s\n%s", b, a)
	}
	if a, b := cursor(t, whole, key), cursor(t, crashed, key); a != b || a != "1:9" {
		t.Fatalf("cursors %q and %q, want 1:9", a, b)
	}
}

func TestIMAPUIDValidityChange(t *testing.T) {
	msgs, _ := supportMessages(t, 6)
	be := newIMAPBackend(t)
	be.add(t, "INBOX", msgs[:6]...)
	addr := serve(t, be, nil, false)
	cfg := imapConfig(addr)
	key := "email/imap/" + addr + "/INBOX"
	sink := collectortest.New()
	collectIMAP(t, cfg, sink)
	before := convJSON(t, sink)

	be.renumber(t, "INBOX", 100)
	be.resetLog()
	rep := collectIMAP(t, cfg, sink)
	if got := be.fetched("INBOX"); !slices.Equal(got, []uint32{101, 102, 103, 104, 105, 106}) {
		t.Errorf("fetched %v, want every message again", got)
	}
	if rep.Conversations != (collectors.Counts{Unchanged: 2}) {
		t.Errorf("report %+v, want 2 unchanged", rep.Conversations)
	}
	if after := convJSON(t, sink); after != before {
		t.Fatalf("conversations changed:\n%s\nwas\n%s", after, before)
	}
	if got := cursor(t, sink, key); got != "2:106" {
		t.Errorf("cursor %q, want 2:106", got)
	}
}

func TestIMAPErrors(t *testing.T) {
	be := newIMAPBackend(t)
	addr := serve(t, be, nil, false)
	run := func(cfg Config) error {
		t.Helper()
		c, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Collect(context.Background(), collectortest.New())
		if err == nil {
			t.Fatal("no error")
		}
		if strings.Contains(err.Error(), testPassword) || strings.Contains(fmt.Sprintf("%+v %#v", cfg, cfg), testPassword) {
			t.Fatalf("the password leaked: %v", err)
		}
		return err
	}

	cfg := imapConfig(addr)
	cfg.IMAP[0].Password = "Wr0ng-" + testPassword
	err := run(cfg)
	if want := fmt.Sprintf(`email: email: imap[0] (%s): login as "support@acme.example": `, addr); !strings.HasPrefix(err.Error(), want) {
		t.Errorf("wrong password: %v, want %s…", err, want)
	}

	err = run(imapConfig(addr, "INBOX", "Archive"))
	if want := fmt.Sprintf(`email: email: imap[0] (%s) mailbox "Archive": select: `, addr); !strings.HasPrefix(err.Error(), want) {
		t.Errorf("missing mailbox: %v, want %s…", err, want)
	}

	// No STARTTLS and plain text not allowed: the password is not sent.
	cfg = imapConfig(addr)
	cfg.IMAP[0].InsecureAllowPlain = false
	be.mu.Lock()
	logins := be.logins
	be.mu.Unlock()
	err = run(cfg)
	if !strings.Contains(err.Error(), "imap[0] ("+addr+"): login: the server offers no STARTTLS: refusing") {
		t.Errorf("plain text: %v", err)
	}
	be.mu.Lock()
	if be.logins != logins {
		t.Error("logged in without TLS")
	}
	be.mu.Unlock()

	// Nothing listens.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := l.Addr().String()
	l.Close()
	err = run(imapConfig(dead))
	if !strings.HasPrefix(err.Error(), "email: email: imap[0] ("+dead+"): connect: ") {
		t.Errorf("no server: %v", err)
	}

	// A cancelled run stops with ctx's error.
	c, _ := New(imapConfig(addr))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Collect(ctx, collectortest.New()); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}

	// A cursor that is not UIDVALIDITY:UID.
	sink := collectortest.New()
	bad := "garbage"
	sink.SaveBatch(context.Background(), "email/imap/"+addr+"/INBOX", collectors.Batch{Cursor: &bad})
	c, _ = New(imapConfig(addr))
	if _, err := c.Collect(context.Background(), sink); err == nil || !strings.Contains(err.Error(), `mailbox "INBOX": read cursor email/imap/`+addr+`/INBOX: cursor "garbage" is not UIDVALIDITY:UID`) {
		t.Errorf("bad cursor: %v", err)
	}
}

// testCert returns a server TLS config for 127.0.0.1 and a client config
// that trusts it.
func testCert(t *testing.T) (srv, cli *tls.Config) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "imap test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}}, &tls.Config{RootCAs: pool}
}

func TestIMAPTLS(t *testing.T) {
	msgs, _ := supportMessages(t, 6)
	srv, cli := testCert(t)
	for _, implicit := range []bool{false, true} {
		be := newIMAPBackend(t)
		be.add(t, "INBOX", msgs[4], msgs[5])
		cfg := imapConfig(serve(t, be, srv, implicit))
		cfg.IMAP[0].TLS = implicit
		cfg.IMAP[0].InsecureAllowPlain = false
		cfg.IMAP[0].tlsConfig = cli
		sink := collectortest.New()
		if rep := collectIMAP(t, cfg, sink); rep.Conversations.New != 1 {
			t.Errorf("implicit TLS %v: %+v", implicit, rep)
		}
		// An untrusted certificate stops the run.
		cfg.IMAP[0].tlsConfig = nil
		c, _ := New(cfg)
		_, err := c.Collect(context.Background(), collectortest.New())
		step := "starttls"
		if implicit {
			step = "tls handshake"
		}
		if err == nil || !strings.Contains(err.Error(), "): "+step+": ") {
			t.Errorf("implicit TLS %v, untrusted certificate: %v", implicit, err)
		}
	}
}

func TestIMAPConfig(t *testing.T) {
	ok := IMAPConfig{Addr: "imap.acme.example:993", TLS: true, Username: "support", Password: testPassword}
	with := func(f func(*IMAPConfig)) Config {
		a := ok
		f(&a)
		return Config{Name: "mail", IMAP: []IMAPConfig{ok, a}}
	}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{with(func(a *IMAPConfig) { a.Addr = " " }), "email: mail: imap[1].addr is empty"},
		{with(func(a *IMAPConfig) { a.Addr = "imap.acme.example" }), `email: mail: imap[1].addr: "imap.acme.example" is not host:port`},
		{with(func(a *IMAPConfig) { a.Addr = "imap.acme.example:imaps" }), `email: mail: imap[1].addr: "imap.acme.example:imaps" has no valid port`},
		{with(func(a *IMAPConfig) {}), "email: mail: imap[1].addr: imap.acme.example:993 is also imap[0]"},
		{with(func(a *IMAPConfig) { a.Addr, a.Username = "other.example:993", "" }), "email: mail: imap[1].username is empty"},
		{with(func(a *IMAPConfig) { a.Addr, a.Password = "other.example:993", "" }), "email: mail: imap[1].password is empty (set VOC_IMAP_PASSWORD)"},
		{with(func(a *IMAPConfig) { a.Addr, a.Mailboxes = "other.example:993", []string{"INBOX", ""} }), "email: mail: imap[1].mailboxes[1] is empty"},
		{with(func(a *IMAPConfig) { a.Addr, a.Mailboxes = "other.example:993", []string{"inbox", "INBOX"} }), `email: mail: imap[1].mailboxes[1]: "INBOX" is listed twice`},
		{with(func(a *IMAPConfig) { a.Addr, a.DialTimeout = "other.example:993", -time.Second }), "email: mail: imap[1].dial_timeout: -1s is negative"},
		{Config{Name: "mail", FS: fstest.MapFS{}, Mbox: []string{"a"}, IMAP: []IMAPConfig{ok}}, "email: mail: imap: cannot be read with mbox or maildir"},
	} {
		_, err := New(tc.cfg)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("got %v, want %s…", err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), testPassword) {
			t.Errorf("password in %v", err)
		}
	}
	// IMAP needs no FS; defaults are filled in; printing the config does
	// not show the password.
	c, err := New(Config{Name: "mail", IMAP: []IMAPConfig{ok}})
	if err != nil {
		t.Fatal(err)
	}
	got := c.cfg.IMAP[0]
	if !slices.Equal(got.Mailboxes, []string{"INBOX"}) || got.DialTimeout != DefaultIMAPDialTimeout {
		t.Errorf("defaults: %+v", got)
	}
	for _, s := range []string{fmt.Sprintf("%v", c.cfg), fmt.Sprintf("%+v", c.cfg), fmt.Sprintf("%#v", c.cfg), got.String()} {
		if strings.Contains(s, testPassword) || !strings.Contains(s, "support@imap.acme.example:993") {
			t.Errorf("printed config: %s", s)
		}
	}
	if key := c.IMAPCursorKey("imap.acme.example:993", "INBOX"); key != "mail/imap/imap.acme.example:993/INBOX" {
		t.Errorf("cursor key %q", key)
	}
}

func TestIMAPCancelMidRun(t *testing.T) {
	msgs, _ := supportMessages(t, 99)
	be := newIMAPBackend(t)
	be.add(t, "INBOX", msgs...)
	c, err := New(imapConfig(serve(t, be, nil, false)))
	if err != nil {
		t.Fatal(err)
	}
	// Cancelled while the server answers the first body fetch: the
	// connection is closed under the command.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	be.mu.Lock()
	be.onBodies = cancel
	be.mu.Unlock()
	sink := collectortest.New()
	if _, err := c.Collect(ctx, sink); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if sink.Batches() != 0 {
		t.Fatalf("%d batches after the cancel, want none", sink.Batches())
	}
}

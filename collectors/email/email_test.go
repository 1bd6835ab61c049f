package email

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
	"github.com/voc-dev/voc/collectors/collectortest"
)

// testdataFS copies testdata into a MapFS, so that a test can change files.
func testdataFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(os.DirFS("testdata"), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile("testdata/" + p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func collect(t *testing.T, cfg Config, sink *collectortest.MemSink) collectors.Report {
	t.Helper()
	if cfg.Name == "" {
		cfg.Name = "email"
	}
	if cfg.FS == nil {
		cfg.FS = os.DirFS("testdata")
	}
	if cfg.AgentDomains == nil {
		cfg.AgentDomains = []string{"acme.example"}
	}
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

func byID(t *testing.T, sink *collectortest.MemSink) map[string]voc.Conversation {
	t.Helper()
	out := map[string]voc.Conversation{}
	for _, c := range sink.Conversations() {
		if err := c.Validate(); err != nil {
			t.Errorf("%s: invalid conversation: %v", c.ExternalID, err)
		}
		out[c.ExternalID] = c
	}
	return out
}

func rejects(rep collectors.Report) string {
	var s []string
	for _, r := range rep.Rejected {
		s = append(s, r.Error())
	}
	return strings.Join(s, "\n")
}

// turn is what a test expects of one message.
type turn struct {
	role   voc.Role
	author string
	text   string // the whole text, or a part of it when partial
}

func checkConv(t *testing.T, convs map[string]voc.Conversation, id, subject string, want []turn) voc.Conversation {
	t.Helper()
	c, ok := convs[id]
	if !ok {
		var ids []string
		for k := range convs {
			ids = append(ids, k)
		}
		t.Fatalf("no conversation %s; have %v", id, ids)
	}
	if c.Subject != subject {
		t.Errorf("%s: subject %q, want %q", id, c.Subject, subject)
	}
	if c.Source != "email" || c.Channel != "email" || c.Language != "" {
		t.Errorf("%s: source %q channel %q language %q", id, c.Source, c.Channel, c.Language)
	}
	if len(c.Messages) != len(want) {
		b, _ := json.MarshalIndent(c.Messages, "", "  ")
		t.Fatalf("%s: %d messages, want %d:\n%s", id, len(c.Messages), len(want), b)
	}
	for i, w := range want {
		m := c.Messages[i]
		if m.Role != w.role || m.Author != w.author {
			t.Errorf("%s message %d: %s %q, want %s %q", id, i, m.Role, m.Author, w.role, w.author)
		}
		if !strings.Contains(m.Text, w.text) {
			t.Errorf("%s message %d: text\n%s\nwant it to contain\n%s", id, i, m.Text, w.text)
		}
		if i > 0 && m.At.Before(c.Messages[i-1].At) {
			t.Errorf("%s: message %d is older than the one before", id, i)
		}
	}
	if !c.CreatedAt.Equal(c.Messages[0].At) || !c.UpdatedAt.Equal(c.Messages[len(c.Messages)-1].At) {
		t.Errorf("%s: created %v updated %v", id, c.CreatedAt, c.UpdatedAt)
	}
	return c
}

func mustNotContain(t *testing.T, c voc.Conversation, bad ...string) {
	t.Helper()
	for _, m := range c.Messages {
		for _, b := range bad {
			if strings.Contains(m.Text, b) {
				t.Errorf("%s: message %s contains %q:\n%s", c.ExternalID, m.ExternalID, b, m.Text)
			}
		}
	}
}

const (
	dana  = "Dana Whitfield <dana@globex.example>"
	sam   = "Sam Ortiz (Acme Support) <sam@support.acme.example>"
	priya = "Priya Nair <priya@initech.example>"
	lee   = "Lee Park <lee@acme.example>"
	tomas = "Tomás Ibarra <tomas@umbrella.example>"
	sato  = "佐藤 健二 <kenji.sato@minato.example>"
	hanko = "山田 花子 <hanako@sakura.example>"
)

func TestMbox(t *testing.T) {
	sink := collectortest.New()
	rep := collect(t, Config{Mbox: []string{"support.mbox"}}, sink)
	if len(rep.Rejected) != 0 {
		t.Fatalf("rejects:\n%s", rejects(rep))
	}
	if rep.Source != "email" || rep.Conversations != (collectors.Counts{New: 3}) {
		t.Fatalf("report %+v", rep)
	}
	convs := byID(t, sink)

	// Thread 1: customer → auto-reply → agent (QP) → customer follow-up
	// quoting the agent, with a ">From " line to unescape.
	c := checkConv(t, convs, "<CAF7dana.001@mail.globex.example>", "CSV export times out for large projects", []turn{
		{voc.RoleCustomer, dana, "Could you add a way to run the export in the background and e-mail me the\nfile when it's ready?\n\nThanks,\nDana"},
		{voc.RoleBot, "Acme Support <support@acme.example>", "Your request #4821 has been received"},
		{voc.RoleAgent, sam, "Thanks for the detailed report — we’re sorry about the timeouts. Exports above 10,000 rows currently run in the browser request, which is why they hit the 60-second limit."},
		{voc.RoleCustomer, dana, "us a lot of clicking.\nFrom what I can tell the timeout started after last week's release, too."},
	})
	if got := c.Messages[0].Text; strings.Contains(got, "Operations lead") || !strings.HasPrefix(got, "Hi,\n\nWhen I export") {
		t.Errorf("signature not cut or text changed:\n%s", got)
	}
	if got, want := c.Messages[3].Text, "Thanks Sam. Splitting by month works, but it's 12 exports every quarter for\nour finance team — a scheduled export straight to our S3 bucket would save\nus a lot of clicking.\nFrom what I can tell the timeout started after last week's release, too."; got != want {
		t.Errorf("follow-up text:\n%q\nwant\n%q", got, want)
	}
	mustNotContain(t, voc.Conversation{ExternalID: c.ExternalID, Messages: c.Messages[2:]}, "wrote:", "Gateway timeout", "> ", "From the logs")
	mustNotContain(t, voc.Conversation{ExternalID: c.ExternalID, Messages: c.Messages[3:]}, "Hi Dana")
	if c.Messages[2].ExternalID != "<reply-4821-1@helpdesk.acme.example>" || !c.Messages[3].At.Equal(time.Date(2026, 10, 6, 8, 30, 0, 0, time.UTC)) {
		t.Errorf("message ids or dates: %+v", c.Messages)
	}

	// Thread 2: ISO-2022-JP with encoded-word subject and name; base64
	// UTF-8 agent reply whose Japanese attribution and quote are dropped.
	c = checkConv(t, convs, "<20261006100300.A1B2@minato.example>", "請求書のPDFに会社名が表示されません", []turn{
		{voc.RoleCustomer, sato, "請求書のPDFをダウンロードすると、宛名の会社名が空白になってしまいます。\n会社名を漢字で登録しているのが原因でしょうか。"},
		{voc.RoleAgent, "田中 美咲 <tanaka@acme.example>", "開発チームに改善要望として伝えました。進展があり次第ご連絡いたします。"},
	})
	mustNotContain(t, c, "\x1b", "\uFFFD", "2026年10月6日", "> ")
	if !strings.HasSuffix(c.Messages[1].Text, "進展があり次第ご連絡いたします。") {
		t.Errorf("quote kept in agent reply:\n%s", c.Messages[1].Text)
	}

	// Thread 3: HTML-only multipart/alternative in windows-1252; agent
	// reply with attachments; a reply without threading headers joined
	// by its subject, its Outlook quote cut.
	c = checkConv(t, convs, "<DB6PR01MB4123.priya@initech.example>", "Feature request: dark mode for the dashboard", []turn{
		{voc.RoleCustomer, priya, "Hello team,\n\nOur night shift would love a dark mode for the dashboard – it’s very bright at 3 am.\n\n- Dashboard\n- Reports & charts\n\nBest regards,\nPriya"},
		{voc.RoleAgent, lee, "Hi Priya, thanks! I've added your vote to the dark mode request. Attached is\nour current theme roadmap."},
		{voc.RoleCustomer, priya, "Thanks Lee. If it helps prioritise: all 40 of our support seats work nights."},
	})
	mustNotContain(t, c, "<", "track(", "margin", "internal notes", "JVBER", "Sent:")
	if c.Messages[2].Text != "Thanks Lee. If it helps prioritise: all 40 of our support seats work nights." {
		t.Errorf("Outlook quote kept: %q", c.Messages[2].Text)
	}
}

func TestMaildir(t *testing.T) {
	sink := collectortest.New()
	rep := collect(t, Config{Maildir: []string{"Maildir"}}, sink)
	if len(rep.Rejected) != 0 {
		t.Fatalf("rejects:\n%s", rejects(rep))
	}
	if rep.Conversations != (collectors.Counts{New: 4}) {
		t.Fatalf("report %+v", rep)
	}
	convs := byID(t, sink)
	if _, ok := convs["<half@written.example>"]; ok {
		t.Error("a message in tmp/ was read")
	}
	// cur/ (CRLF, Latin-1 QP, Q-encoded name) → cur/ (alternative) →
	// new/ (HTML only, with a blockquote).
	c := checkConv(t, convs, "<0d1f9a.tomas@umbrella.example>", "SSO login loops back to the sign-in page", []turn{
		{voc.RoleCustomer, tomas, "after entering their password they land on the sign-in page again. ¿Is something broken on your side?"},
		{voc.RoleAgent, lee, "Hi Tomás, we rotated our SAML certificate yesterday. Please upload the new\ncertificate from Settings > Security > SSO and the loop will stop."},
		{voc.RoleCustomer, tomas, "That fixed it, thanks.\nCould you warn admins by e-mail before the next certificate rotation?"},
	})
	mustNotContain(t, c, "\r", "HTML version", "rotated our SAML certificate yesterday.\n", "wrote:")
	if got := c.Messages[2].Text; got != "That fixed it, thanks.\nCould you warn admins by e-mail before the next certificate rotation?" {
		t.Errorf("HTML reply: %q", got)
	}
	// Shift_JIS 8bit, EUC-JP base64, an out-of-office with X-Autoreply.
	checkConv(t, convs, "<5F2A.hanako@sakura.example>", "ダッシュボードの表示が遅い", []turn{
		{voc.RoleCustomer, hanko, "月曜の朝はダッシュボードの表示に三十秒以上かかります。\nグラフの数を減らさずに速くする方法はありますか。"},
		{voc.RoleAgent, "鈴木 一郎 <suzuki@acme.example>", "グラフの集計期間を「過去7日」にすると表示が速くなります。"},
		{voc.RoleBot, hanko, "10月16日まで休暇をいただいております。"},
	})
	// A no-reply sender with Precedence: bulk.
	checkConv(t, convs, "<status-2026-10-13@status.acme.example>", "Scheduled maintenance on October 18", []turn{
		{voc.RoleBot, "Acme Status <no-reply@status.acme.example>", "read-only on October 18"},
	})
	// A reply whose root is not in the folder: the thread keeps the
	// root's id, and the subject loses its "Re:".
	checkConv(t, convs, "<CAF7dana.001@mail.globex.example>", "CSV export times out for large projects", []turn{
		{voc.RoleAgent, sam, "A background export is on our roadmap"},
	})
}

func TestMboxAndMaildirTogether(t *testing.T) {
	sink := collectortest.New()
	rep := collect(t, Config{Mbox: []string{"support.mbox"}, Maildir: []string{"Maildir"}}, sink)
	if len(rep.Rejected) != 0 {
		t.Fatalf("rejects:\n%s", rejects(rep))
	}
	// Sam's reply is in both; it is imported once, in its thread.
	if rep.Conversations != (collectors.Counts{New: 6}) {
		t.Fatalf("report %+v", rep)
	}
	if c := byID(t, sink)["<CAF7dana.001@mail.globex.example>"]; len(c.Messages) != 4 {
		t.Fatalf("thread has %d messages, want 4", len(c.Messages))
	}
}

// samFollowUp is a second agent reply, appended to the mbox after a run.
const samFollowUp = `From sam@support.acme.example Wed Oct  7 09:00:00 2026
From: "Sam Ortiz (Acme Support)" <sam@support.acme.example>
To: Dana Whitfield <dana@globex.example>
Subject: Re: CSV export times out for large projects
Date: Wed, 07 Oct 2026 09:00:00 +0000
Message-ID: <reply-4821-2@helpdesk.acme.example>
In-Reply-To: <CAF7dana.002@mail.globex.example>
References: <CAF7dana.001@mail.globex.example> <reply-4821-1@helpdesk.acme.example>
 <CAF7dana.002@mail.globex.example>
Content-Type: text/plain; charset=utf-8

Good news, Dana: scheduled exports to S3 are in beta. I've enabled them for Globex.`

func TestRerunAndAppend(t *testing.T) {
	fsys := testdataFS(t)
	sink := collectortest.New()
	cfg := Config{FS: fsys, Mbox: []string{"support.mbox"}, Maildir: []string{"Maildir"}}
	first := collect(t, cfg, sink)
	before, _ := json.Marshal(sink.Conversations())
	again := collect(t, cfg, sink)
	if again.Conversations != (collectors.Counts{Unchanged: first.Conversations.New}) {
		t.Fatalf("re-run: %+v, want all %d unchanged", again.Conversations, first.Conversations.New)
	}
	after, _ := json.Marshal(sink.Conversations())
	if string(before) != string(after) {
		t.Fatal("re-run changed the stored conversations")
	}

	// A reply appended (without a final newline) updates its thread.
	mb := fsys["support.mbox"]
	mb.Data = append(append([]byte(nil), mb.Data...), samFollowUp...)
	rep := collect(t, cfg, sink)
	if rep.Conversations != (collectors.Counts{Updated: 1, Unchanged: first.Conversations.New - 1}) || len(rep.Rejected) != 0 {
		t.Fatalf("after append: %+v %s", rep.Conversations, rejects(rep))
	}
	c := byID(t, sink)["<CAF7dana.001@mail.globex.example>"]
	last := c.Messages[len(c.Messages)-1]
	if len(c.Messages) != 5 || last.ExternalID != "<reply-4821-2@helpdesk.acme.example>" || last.Role != voc.RoleAgent ||
		last.Text != "Good news, Dana: scheduled exports to S3 are in beta. I've enabled them for Globex." {
		t.Fatalf("appended reply: %+v", c.Messages)
	}
	if !c.UpdatedAt.Equal(time.Date(2026, 10, 7, 9, 0, 0, 0, time.UTC)) {
		t.Errorf("updated_at %v", c.UpdatedAt)
	}
	if cur, _ := sink.Cursor(context.Background(), "email"); cur != "" {
		t.Errorf("cursor %q, want none", cur)
	}
}

func TestRejects(t *testing.T) {
	sink := collectortest.New()
	rep := collect(t, Config{Mbox: []string{"corrupt.mbox"}}, sink)
	want := []string{
		`corrupt.mbox:11: message: cannot read the headers: malformed header line: this line has no colon and breaks the header`,
		`corrupt.mbox:28: Content-Type: unknown charset "x-klingon"`,
		`corrupt.mbox:39: Subject: unknown charset "x-tlhIngan"`,
		`corrupt.mbox:48: body: no text to import (empty, or attachments only)`,
		`corrupt.mbox:65: Content-Transfer-Encoding: bad base64: illegal base64 data at input byte 0`,
	}
	if got := rejects(rep); got != strings.Join(want, "\n") {
		t.Fatalf("rejects:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	convs := byID(t, sink)
	if rep.Conversations != (collectors.Counts{New: 2}) || len(convs) != 2 {
		t.Fatalf("imported %+v", rep.Conversations)
	}
	for _, id := range []string{"<w1.olga@vandelay.example>", "<w2.olga@vandelay.example>"} {
		if _, ok := convs[id]; !ok {
			t.Errorf("%s not imported", id)
		}
	}
}

func TestTooLarge(t *testing.T) {
	big := "From big@example.com Tue Oct 13 08:00:00 2026\nFrom: big@example.com\nSubject: logs\nDate: Tue, 13 Oct 2026 08:00:00 +0000\nMessage-ID: <big@example.com>\n\n" +
		strings.Repeat(strings.Repeat("x", 99)+"\n", (MaxMessageSize/100)+10)
	small := func(n int) string {
		return fmt.Sprintf("From a@example.com Tue Oct 13 08:00:00 2026\nFrom: a@example.com\nSubject: s%d\nDate: Tue, 13 Oct 2026 08:00:00 +0000\nMessage-ID: <s%d@example.com>\n\nhello %d\n", n, n, n)
	}
	fsys := fstest.MapFS{
		"big.mbox":              {Data: []byte(small(1) + "\n" + big + "\n" + small(2))},
		"md/cur/huge":           {Data: []byte(big[strings.IndexByte(big, '\n')+1:])},
		"md/new/ok":             {Data: []byte(small(3)[strings.IndexByte(small(3), '\n')+1:])},
		"md/tmp/ignored-always": {Data: []byte("junk")},
	}
	sink := collectortest.New()
	rep := collect(t, Config{FS: fsys, Mbox: []string{"big.mbox"}, Maildir: []string{"md"}}, sink)
	lines := strings.Count(small(1)+"\n", "\n") + 1
	want := fmt.Sprintf("big.mbox:%d: message: larger than 25 MiB", lines)
	got := rejects(rep)
	if !strings.HasPrefix(got, want) || !strings.Contains(got, "\nmd/cur/huge:0: message: larger than 25 MiB") {
		t.Fatalf("rejects:\n%s\nwant %s… and md/cur/huge:0", got, want)
	}
	if rep.Conversations.New != 3 {
		t.Fatalf("imported %+v", rep.Conversations)
	}
}

func TestMboxFraming(t *testing.T) {
	// CRLF line ends, mboxrd quoting (">>From" becomes ">From", a quote,
	// dropped from the text), a "From " body line that was not
	// escaped (no date: not a separator), no final newline.
	crlf := strings.ReplaceAll("From a@globex.example Mon Oct  5 09:00:00 2026\n"+
		"From: a@globex.example\nSubject: one\nDate: Mon, 5 Oct 2026 09:00:00 +0000\nMessage-ID: <1@globex.example>\n\n"+
		"first line\n>From here it is quoted once\n>>From here twice\nFrom the start of a sentence\n\n"+
		"From b@globex.example Mon Oct  5 10:00:00 2026\n"+
		"From: b@globex.example\nSubject: two\nMessage-ID: <2@globex.example>\n\nno date header: the separator's is used", "\n", "\r\n")
	// A lone message without any separator, given as an mbox.
	eml := "From: c@globex.example\nSubject: three\nDate: Mon, 5 Oct 2026 11:00:00 +0000\n\nno message id either\n"
	fsys := fstest.MapFS{"crlf.mbox": {Data: []byte(crlf)}, "lone.mbox": {Data: []byte(eml)}}
	sink := collectortest.New()
	rep := collect(t, Config{FS: fsys, Mbox: []string{"crlf.mbox", "lone.mbox"}}, sink)
	if len(rep.Rejected) != 0 || rep.Conversations.New != 3 {
		t.Fatalf("%+v %s", rep.Conversations, rejects(rep))
	}
	convs := byID(t, sink)
	if got := convs["<1@globex.example>"].Messages[0].Text; got != "first line\nFrom here it is quoted once\nFrom the start of a sentence" {
		t.Errorf("unescaping: %q", got)
	}
	m := convs["<2@globex.example>"].Messages[0]
	if m.Text != "no date header: the separator's is used" || !m.At.Equal(time.Date(2026, 10, 5, 10, 0, 0, 0, time.UTC)) {
		t.Errorf("second message: %+v", m)
	}
	var lone voc.Conversation
	for id, c := range convs {
		if strings.HasSuffix(id, "@voc.invalid>") {
			lone = c
		}
	}
	if lone.Subject != "three" || lone.Messages[0].Text != "no message id either" {
		t.Errorf("message without Message-ID: %+v", convs)
	}
	// The synthetic id is stable.
	sink2 := collectortest.New()
	collect(t, Config{FS: fsys, Mbox: []string{"lone.mbox"}}, sink2)
	if sink2.Conversations()[0].ExternalID != lone.ExternalID {
		t.Error("synthetic Message-ID differs between runs")
	}
}

// bigMbox is n threads of a customer message and an agent reply.
func bigMbox(n int) []byte {
	var b strings.Builder
	base := time.Date(2026, 9, 1, 8, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		at := base.Add(time.Duration(i) * time.Hour)
		fmt.Fprintf(&b, "From c%d@customer.example %s\nFrom: Customer %d <c%d@customer.example>\nSubject: Question %d\nDate: %s\nMessage-ID: <q%d@customer.example>\n\nCan you add feature %d?\n\n",
			i, at.Format(time.ANSIC), i, i, i, at.Format(time.RFC1123Z), i, i)
		at = at.Add(30 * time.Minute)
		fmt.Fprintf(&b, "From agent@acme.example %s\nFrom: Agent <agent@acme.example>\nSubject: Re: Question %d\nDate: %s\nMessage-ID: <a%d@acme.example>\nIn-Reply-To: <q%d@customer.example>\n\nNoted, thanks.\n\n",
			at.Format(time.ANSIC), i, at.Format(time.RFC1123Z), i, i)
	}
	return []byte(b.String())
}

func TestCrashResume(t *testing.T) {
	fsys := fstest.MapFS{"big.mbox": {Data: bigMbox(450)}}
	cfg := Config{FS: fsys, Mbox: []string{"big.mbox"}}

	whole := collectortest.New()
	rep := collect(t, cfg, whole)
	if rep.Conversations.New != 450 || whole.Batches() != 3 {
		t.Fatalf("uninterrupted run: %+v in %d batches", rep.Conversations, whole.Batches())
	}

	crashed := collectortest.New()
	crashed.FailAfter = 2
	c, err := New(Config{Name: "email", FS: fsys, Mbox: []string{"big.mbox"}, AgentDomains: []string{"acme.example"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Collect(context.Background(), crashed); !errors.Is(err, collectortest.ErrCrash) {
		t.Fatalf("crash run: %v", err)
	}
	if n := len(crashed.Conversations()); n != BatchSize {
		t.Fatalf("after the crash the sink holds %d conversations, want %d", n, BatchSize)
	}
	crashed.FailAfter = 0
	rep, err = c.Collect(context.Background(), crashed)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Conversations != (collectors.Counts{New: 250, Unchanged: 200}) {
		t.Fatalf("resumed run: %+v", rep.Conversations)
	}
	a, _ := json.Marshal(whole.Conversations())
	b, _ := json.Marshal(crashed.Conversations())
	if string(a) != string(b) {
		t.Fatal("resumed run differs from an uninterrupted one")
	}
}

func TestCancel(t *testing.T) {
	c, err := New(Config{Name: "email", FS: fstest.MapFS{"big.mbox": {Data: bigMbox(50)}}, Mbox: []string{"big.mbox"}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sink := collectortest.New()
	if _, err := c.Collect(ctx, sink); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	if len(sink.Conversations()) != 0 {
		t.Fatal("a cancelled run saved conversations")
	}
}

func TestNewValidates(t *testing.T) {
	fsys := fstest.MapFS{}
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{FS: fsys, Mbox: []string{"a"}}, "email: name: required"},
		{Config{Name: "mail", Mbox: []string{"a"}}, "email: mail: fs: required"},
		{Config{Name: "mail", FS: fsys}, "email: mail: mbox, maildir: give at least one"},
		{Config{Name: "mail", FS: fsys, Mbox: []string{"ok", "../up.mbox"}}, `email: mail: mbox[1]: "../up.mbox" is not a path inside`},
		{Config{Name: "mail", FS: fsys, Maildir: []string{"/var/mail"}}, `email: mail: maildir[0]: "/var/mail" is not a path inside`},
		{Config{Name: "mail", FS: fsys, Mbox: []string{"a"}, AgentDomains: []string{"acme.example", "sam@"}}, `email: mail: agent_domains[1]: "sam@" is not a mail domain`},
		{Config{Name: "mail", FS: fsys, Mbox: []string{"a"}, BotFrom: []string{" "}}, `email: mail: bot_from[0]: " " is not an address or pattern`},
		{Config{Name: "mail", FS: fsys, Mbox: []string{"a"}, BotFrom: []string{"[a-"}}, `email: mail: bot_from[0]: "[a-"`},
	} {
		_, err := New(tc.cfg)
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%+v: got %v, want %s…", tc.cfg, err, tc.want)
		}
	}
	c, err := New(Config{Name: " mail ", FS: fsys, Maildir: []string{"./box/"}})
	if err != nil || c.Name() != "mail" || c.cfg.Maildir[0] != "box" {
		t.Fatalf("%v %+v", err, c)
	}
	// A missing file stops the run and names the setting.
	_, err = c.Collect(context.Background(), collectortest.New())
	if err == nil || !strings.Contains(err.Error(), "maildir[0]") {
		t.Fatalf("missing Maildir: %v", err)
	}
}

func TestRoles(t *testing.T) {
	c, err := New(Config{Name: "email", FS: fstest.MapFS{}, Mbox: []string{"x"}, AgentDomains: []string{"@Acme.Example"},
		BotFrom: []string{"alerts@monitor.example", "@notify.example", "*-bounces@*", "robot"}})
	if err != nil {
		t.Fatal(err)
	}
	for addr, want := range map[string]voc.Role{
		"sam@acme.example":                voc.RoleAgent,
		"sam@eu.support.acme.example":     voc.RoleAgent,
		"sam@notacme.example":             voc.RoleCustomer,
		"dana@globex.example":             voc.RoleCustomer,
		"alerts@monitor.example":          voc.RoleBot,
		"other@monitor.example":           voc.RoleCustomer,
		"x@notify.example":                voc.RoleBot,
		"x@eu.notify.example":             voc.RoleBot,
		"users-bounces@lists.example":     voc.RoleBot,
		"robot@anything.example":          voc.RoleBot,
		"no-reply@acme.example":           voc.RoleBot,
		"MAILER-DAEMON@mx.globex.example": voc.RoleBot,
	} {
		m := &message{addr: strings.ToLower(addr)}
		if got := c.role(m); got != want {
			t.Errorf("%s: %s, want %s", addr, got, want)
		}
	}
	if got := c.role(&message{addr: "sam@acme.example", auto: true}); got != voc.RoleBot {
		t.Errorf("auto-reply from an agent: %s", got)
	}
}

func TestAutoHeaders(t *testing.T) {
	for hdr, want := range map[string]bool{
		"Auto-Submitted: auto-generated":      true,
		"Auto-Submitted: auto-replied":        true,
		"Auto-Submitted: no":                  false,
		"X-Autoreply: yes":                    true,
		"Precedence: bulk":                    true,
		"Precedence: auto_reply":              true,
		"Precedence: list":                    false,
		"Content-Type: multipart/report; a=b": true,
		"X-Mailer: Thunderbird":               false,
	} {
		m, err := mail.ReadMessage(strings.NewReader(hdr + "\n\n"))
		if err != nil {
			t.Fatalf("%s: %v", hdr, err)
		}
		if got := isAuto(m.Header); got != want {
			t.Errorf("%s: auto %v", hdr, got)
		}
	}
}

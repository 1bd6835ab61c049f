package zendesk

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
	"github.com/voc-dev/voc/collectors/collectortest"
	"github.com/voc-dev/voc/internal/httpx"
)

const (
	testEmail = "ops@acme.example"
	// testToken is distinctive so that any leak into an error is found.
	testToken = "zdTok-MUST-NOT-LEAK-4f9c2a71"
)

var testSince = fakeEpoch.Add(-24 * time.Hour)

// sleeps records the waits the retry policy asks for instead of sleeping.
type sleeps struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (s *sleeps) sleep(_ context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.waits = append(s.waits, d)
	return nil
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.waits...)
}

// newTestCollector returns a collector for the fake, two tickets per
// export page, with a retry policy that records waits.
func newTestCollector(t *testing.T, f *fakeZendesk, edit func(*Config)) (*Collector, *sleeps) {
	t.Helper()
	s := &sleeps{}
	cfg := Config{
		Name: "zendesk", Subdomain: "acme", BaseURL: f.srv.URL,
		Email: testEmail, Token: testToken, Since: testSince, PageSize: 2,
		HTTP: &httpx.Client{HTTP: f.srv.Client(), Policy: httpx.Policy{Sleep: s.sleep, Rand: func() float64 { return 0.5 }}},
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c, s
}

// noLeak fails the test if err's message carries the token in any form.
func noLeak(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	msg := err.Error()
	cred := base64.StdEncoding.EncodeToString([]byte(testEmail + "/token:" + testToken))
	for _, s := range []string{testToken, cred, "MUST-NOT-LEAK"} {
		if strings.Contains(msg, s) {
			t.Fatalf("error leaks the token (%q): %s", s, msg)
		}
	}
}

func collect(t *testing.T, c *Collector, sink collectors.Sink) collectors.Report {
	t.Helper()
	rep, err := c.Collect(context.Background(), sink)
	noLeak(t, err)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return rep
}

func start() string { return "start_time=" + strconv.FormatInt(testSince.Unix(), 10) }

func byID(convs []voc.Conversation) map[string]voc.Conversation {
	out := map[string]voc.Conversation{}
	for _, c := range convs {
		out[c.ExternalID] = c
	}
	return out
}

func roles(c voc.Conversation) string {
	var r []string
	for _, m := range c.Messages {
		r = append(r, string(m.Role))
	}
	return strings.Join(r, ",")
}

func TestFullPull(t *testing.T) {
	f := newFake(t, testEmail, testToken)
	f.seed()
	f.commentPageSize = 2 // ticket 5's five comments take three pages
	c, waits := newTestCollector(t, f, nil)
	sink := collectortest.New()

	rep := collect(t, c, sink)

	if got, want := f.exportCalls(), []string{start(), "cursor=" + encCursor(2), "cursor=" + encCursor(4)}; !reflect.DeepEqual(got, want) {
		t.Errorf("export calls = %v, want %v (3 pages, the last at end_of_stream)", got, want)
	}
	if got := f.commentCalls(); !reflect.DeepEqual(got, map[int64]int{1: 2, 2: 2, 3: 1, 4: 1, 5: 3, 6: 2}) {
		t.Errorf("comment calls by ticket = %v", got)
	}
	if sink.Batches() != 3 {
		t.Errorf("batches = %d, want one per export page (3)", sink.Batches())
	}
	if cur, _ := sink.Cursor(context.Background(), "zendesk"); cur != encCursor(6) {
		t.Errorf("stored cursor = %q, want the last after_cursor %q", cur, encCursor(6))
	}
	if rep.Source != "zendesk" || rep.Conversations != (collectors.Counts{New: 6}) ||
		rep.Accounts != (collectors.Counts{New: 2, Unchanged: 2}) || len(rep.Rejected) != 0 {
		t.Errorf("report = %+v", rep)
	}
	if len(waits.all()) != 0 {
		t.Errorf("waited %v with no error to retry", waits.all())
	}

	convs := byID(sink.Conversations())
	if len(convs) != 6 {
		t.Fatalf("got %d conversations, want 6", len(convs))
	}
	created := fakeEpoch.Add(time.Hour)
	dana, sam := "Dana Reyes <dana@globex.example>", "Sam Support <sam@acme.example>"
	want1 := voc.Conversation{
		Source: "zendesk", ExternalID: "1", AccountID: "zendesk:org:10", Channel: "email", Language: "en",
		Subject: "Export to CSV fails", URL: "https://acme.zendesk.com/agent/tickets/1",
		CreatedAt: created, UpdatedAt: fakeEpoch.Add(48*time.Hour + time.Minute),
		Messages: []voc.Message{
			{ExternalID: "1001", Role: voc.RoleCustomer, Author: dana, At: created, Text: "The CSV export spins forever."},
			{ExternalID: "1002", Role: voc.RoleAgent, Author: sam, At: created.Add(10 * time.Minute), Text: "Thanks Dana, looking into it."},
			{ExternalID: "1003", Role: voc.RoleNote, Author: sam, At: created.Add(20 * time.Minute), Text: "Probably the known timeout bug."},
			{ExternalID: "1004", Role: voc.RoleCustomer, Author: dana, At: created.Add(30 * time.Minute), Text: "Any news? We need it for month end."},
		},
	}
	if !reflect.DeepEqual(convs["1"], want1) {
		t.Errorf("ticket 1:\n got %+v\nwant %+v", convs["1"], want1)
	}
	for id, want := range map[string]struct{ roles, account, lang, channel string }{
		"2": {"customer,bot,agent", "zendesk:org:20", "ja", "web"},                 // trigger comment is the bot; admin is an agent
		"3": {"customer,agent", "", "en", "chat"},                                  // no organisation
		"4": {"customer,note", "zendesk:org:10", "en", "api"},                      // admin's private comment is a note
		"5": {"customer,agent,customer,note,bot", "zendesk:org:20", "ja", "email"}, // system author -1 is a bot
		"6": {"customer,agent", "", "en", "web"},                                   // attachment-only comment dropped
	} {
		got := convs[id]
		if roles(got) != want.roles || got.AccountID != want.account || got.Language != want.lang || got.Channel != want.channel {
			t.Errorf("ticket %s: roles %q account %q language %q channel %q, want %+v", id, roles(got), got.AccountID, got.Language, got.Channel, want)
		}
		if err := got.Validate(); err != nil {
			t.Errorf("ticket %s does not validate: %v", id, err)
		}
	}
	if m := convs["6"].Messages[0]; m.Text != "See the attached error." || m.Author != "Pat Lone <pat@mail.example>" {
		t.Errorf("ticket 6 first message = %+v, want body used when plain_body is empty", m)
	}
	if m := convs["5"].Messages[4]; m.Author != "" || m.Text != "This ticket was merged." {
		t.Errorf("ticket 5 system message = %+v", m)
	}
	conv2 := convs["2"]
	if got := conv2.CustomerText(); !reflect.DeepEqual(got, []string{"ガントチャート表示を追加してください。"}) {
		t.Errorf("ticket 2 customer text = %q", got)
	}

	wantAccounts := map[string]voc.Account{
		"zendesk:org:10": {ID: "zendesk:org:10", Name: "Globex", Domains: []string{"globex.example"}},
		"zendesk:org:20": {ID: "zendesk:org:20", Name: "Initech KK", Domains: []string{"initech.example", "initech.co.jp"}},
	}
	if got := sink.Accounts(); !reflect.DeepEqual(got, wantAccounts) {
		t.Errorf("accounts = %+v, want %+v", got, wantAccounts)
	}
}

func TestDeletedSkippedAndMissingCommentsRejected(t *testing.T) {
	f := newFake(t, testEmail, testToken)
	f.seed()
	f.addTicket(fTicket{ID: 7, Subject: "spam", RequesterID: 102, Channel: "web", Status: "deleted"},
		fComment{AuthorID: 102, PlainBody: "buy now", Public: true})
	f.addTicket(fTicket{ID: 8, Subject: "gone", RequesterID: 102, Channel: "web"},
		fComment{AuthorID: 102, PlainBody: "hello", Public: true})
	f.missing[8] = true
	f.addTicket(fTicket{ID: 9, Subject: "only a file", RequesterID: 102, Channel: "web"},
		fComment{AuthorID: 102, Public: true})
	c, _ := newTestCollector(t, f, nil)
	sink := collectortest.New()

	rep := collect(t, c, sink)

	if n := len(sink.Conversations()); n != 6 {
		t.Errorf("stored %d conversations, want the 6 readable ones", n)
	}
	if f.commentCalls()[7] != 0 {
		t.Error("fetched the comments of a deleted ticket")
	}
	if len(rep.Rejected) != 2 {
		t.Fatalf("rejected = %+v, want tickets 8 and 9", rep.Rejected)
	}
	r := rep.Rejected[0]
	if r.File != "zendesk" || r.Line != 0 || r.Field != "ticket 8" || !strings.Contains(r.Reason, "404") {
		t.Errorf("reject = %+v", r)
	}
	if r := rep.Rejected[1]; r.Field != "ticket 9" || !strings.Contains(r.Reason, "messages") {
		t.Errorf("reject = %+v", r)
	}
	if cur, _ := sink.Cursor(context.Background(), "zendesk"); cur != encCursor(9) {
		t.Errorf("cursor = %q, want it past the skipped and rejected tickets", cur)
	}
}

func TestIncrementalPull(t *testing.T) {
	f := newFake(t, testEmail, testToken)
	f.seed()
	c, _ := newTestCollector(t, f, nil)
	sink := collectortest.New()
	collect(t, c, sink)
	stored, _ := sink.Cursor(context.Background(), "zendesk")

	// Upstream: a reply on ticket 2, a new subject on ticket 4, a new ticket.
	f.resetLog()
	f.addComment(2, fComment{AuthorID: 101, PlainBody: "Also a weekly view, please.", Public: true})
	f.change(4, func(t *fTicket) { t.Subject = "Invoice address (urgent)" })
	f.addTicket(fTicket{ID: 10, Subject: "SSO", RequesterID: 100, OrgID: 10, Channel: "email"},
		fComment{AuthorID: 100, PlainBody: "Do you support Okta?", Public: true})

	rep := collect(t, c, sink)

	if got, want := f.exportCalls(), []string{"cursor=" + stored, "cursor=" + encCursor(8)}; !reflect.DeepEqual(got, want) {
		t.Errorf("export calls = %v, want %v (resume at the stored cursor, never start_time)", got, want)
	}
	if got := f.commentCalls(); !reflect.DeepEqual(got, map[int64]int{2: 1, 4: 1, 10: 1}) {
		t.Errorf("comment calls = %v, want only the changed tickets 2, 4, 10", got)
	}
	if rep.Conversations != (collectors.Counts{New: 1, Updated: 2}) {
		t.Errorf("conversation counts = %+v", rep.Conversations)
	}
	convs := byID(sink.Conversations())
	if len(convs) != 7 || roles(convs["2"]) != "customer,bot,agent,customer" || convs["4"].Subject != "Invoice address (urgent)" {
		t.Errorf("after incremental pull: %d conversations, ticket 2 roles %q, ticket 4 subject %q", len(convs), roles(convs["2"]), convs["4"].Subject)
	}

	// No upstream change: one page, nothing fetched, nothing stored.
	f.resetLog()
	batches := sink.Batches()
	stored, _ = sink.Cursor(context.Background(), "zendesk")
	rep = collect(t, c, sink)
	if got := f.exportCalls(); !reflect.DeepEqual(got, []string{"cursor=" + stored}) {
		t.Errorf("export calls = %v, want one page at the stored cursor", got)
	}
	if n := len(f.commentCalls()); n != 0 || sink.Batches() != batches || rep.Conversations != (collectors.Counts{}) || rep.Accounts != (collectors.Counts{}) {
		t.Errorf("no-change run: %d comment calls, %d new batches, report %+v", n, sink.Batches()-batches, rep)
	}
}

func TestCrashAndResume(t *testing.T) {
	f := newFake(t, testEmail, testToken)
	f.seed()
	c, _ := newTestCollector(t, f, nil)
	sink := collectortest.New()
	sink.FailAfter = 2

	_, err := c.Collect(context.Background(), sink)
	noLeak(t, err)
	if !errors.Is(err, collectortest.ErrCrash) {
		t.Fatalf("first run: err = %v, want the sink's crash", err)
	}
	if !strings.Contains(err.Error(), "zendesk: save incremental export page (cursor "+encCursor(2)+")") {
		t.Errorf("error does not name the page: %v", err)
	}
	if cur, _ := sink.Cursor(context.Background(), "zendesk"); cur != encCursor(2) || len(sink.Conversations()) != 2 {
		t.Fatalf("after crash: cursor %q and %d conversations, want page 1 only", cur, len(sink.Conversations()))
	}

	sink.FailAfter = 0
	collect(t, c, sink)

	if got, want := f.exportCalls(), []string{start(), "cursor=" + encCursor(2), "cursor=" + encCursor(2), "cursor=" + encCursor(4)}; !reflect.DeepEqual(got, want) {
		t.Errorf("export calls = %v, want %v (only the failed page twice)", got, want)
	}
	if got := f.commentCalls(); !reflect.DeepEqual(got, map[int64]int{1: 1, 2: 1, 3: 2, 4: 2, 5: 1, 6: 1}) {
		t.Errorf("comment calls = %v, want only page 2's tickets twice", got)
	}

	fresh := collectortest.New()
	collect(t, c, fresh)
	if !reflect.DeepEqual(sink.Conversations(), fresh.Conversations()) {
		t.Errorf("resumed run differs from an uninterrupted one:\n got %+v\nwant %+v", sink.Conversations(), fresh.Conversations())
	}
	if !reflect.DeepEqual(sink.Accounts(), fresh.Accounts()) {
		t.Errorf("accounts differ: %+v vs %+v", sink.Accounts(), fresh.Accounts())
	}
}

func isExport(r *http.Request) bool {
	return strings.HasSuffix(r.URL.Path, "/incremental/tickets/cursor.json")
}

func isComments(id int64) func(r *http.Request) bool {
	return func(r *http.Request) bool { return r.URL.Path == fmt.Sprintf("/api/v2/tickets/%d/comments.json", id) }
}

func TestRateLimitBurstObeysRetryAfter(t *testing.T) {
	f := newFake(t, testEmail, testToken)
	f.seed()
	f.addFault(&fault{match: isExport, times: 3, status: http.StatusTooManyRequests,
		header: map[string]string{"Retry-After": "7", "Content-Type": "application/json"},
		body:   `{"error":"APIRateLimitExceeded","description":"Number of allowed incremental export API requests per minute exceeded"}`})
	c, waits := newTestCollector(t, f, func(cfg *Config) { cfg.PageSize = 100 })
	sink := collectortest.New()

	collect(t, c, sink)

	if got, want := waits.all(), []time.Duration{7 * time.Second, 7 * time.Second, 7 * time.Second}; !reflect.DeepEqual(got, want) {
		t.Errorf("waits = %v, want %v", got, want)
	}
	var statuses []int
	for _, cl := range f.calls() {
		if cl.Kind == "export" {
			statuses = append(statuses, cl.Status)
		}
	}
	if want := []int{429, 429, 429, 200}; !reflect.DeepEqual(statuses, want) {
		t.Errorf("export requests answered %v, want exactly %v", statuses, want)
	}
	if len(sink.Conversations()) != 6 {
		t.Errorf("stored %d conversations after the burst, want 6", len(sink.Conversations()))
	}
}

func TestMalformedPage(t *testing.T) {
	t.Run("later page", func(t *testing.T) {
		f := newFake(t, testEmail, testToken)
		f.seed()
		f.addFault(&fault{match: func(r *http.Request) bool { return isExport(r) && r.URL.Query().Get("cursor") != "" },
			times: 1, status: 200, header: map[string]string{"Content-Type": "application/json"}, body: `{"tickets":[{"id":3,"subj`})
		c, _ := newTestCollector(t, f, nil)
		sink := collectortest.New()

		_, err := c.Collect(context.Background(), sink)
		noLeak(t, err)
		want := "zendesk: incremental export page (cursor " + encCursor(2) + "): decode: "
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("err = %v, want it to start %q", err, want)
		}
		if cur, _ := sink.Cursor(context.Background(), "zendesk"); cur != encCursor(2) {
			t.Errorf("cursor = %q, want it left at page 1's %q", cur, encCursor(2))
		}
		if n := len(sink.Conversations()); n != 2 || sink.Batches() != 1 {
			t.Errorf("stored %d conversations in %d batches, want page 1 only", n, sink.Batches())
		}
		if n := f.commentCalls()[3]; n != 0 {
			t.Errorf("fetched comments for a ticket of the malformed page")
		}

		// The page is fine again: the re-run picks up exactly there.
		f.resetLog()
		collect(t, c, sink)
		if got := f.exportCalls(); got[0] != "cursor="+encCursor(2) || len(sink.Conversations()) != 6 {
			t.Errorf("re-run export calls %v, %d conversations", got, len(sink.Conversations()))
		}
	})
	t.Run("first page", func(t *testing.T) {
		f := newFake(t, testEmail, testToken)
		f.seed()
		f.addFault(&fault{match: isExport, times: 1, status: 200, body: `<html>maintenance</html>`})
		c, _ := newTestCollector(t, f, nil)
		sink := collectortest.New()

		_, err := c.Collect(context.Background(), sink)
		noLeak(t, err)
		want := "zendesk: incremental export page (start_time " + strconv.FormatInt(testSince.Unix(), 10) + "): decode: "
		if err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Fatalf("err = %v, want it to start %q", err, want)
		}
		if cur, _ := sink.Cursor(context.Background(), "zendesk"); cur != "" || sink.Batches() != 0 {
			t.Errorf("cursor %q, %d batches: want nothing stored", cur, sink.Batches())
		}
	})
}

func TestServerErrorOnCommentsIsRetried(t *testing.T) {
	f := newFake(t, testEmail, testToken)
	f.seed()
	f.addFault(&fault{match: isComments(3), times: 1, status: http.StatusInternalServerError, body: `{"error":"InternalError"}`})
	c, waits := newTestCollector(t, f, nil)
	sink := collectortest.New()

	rep := collect(t, c, sink)

	if w := waits.all(); len(w) != 1 || w[0] <= 0 || w[0] > time.Second {
		t.Errorf("waits = %v, want one short backoff", w)
	}
	if n := f.commentCalls()[3]; n != 2 {
		t.Errorf("ticket 3 comments requested %d times, want 2 (failure + retry)", n)
	}
	if rep.Conversations.New != 6 || roles(byID(sink.Conversations())["3"]) != "customer,agent" {
		t.Errorf("report %+v; ticket 3 roles %q", rep, roles(byID(sink.Conversations())["3"]))
	}
}

func TestCommentsErrorStopsRunAndNamesTheCall(t *testing.T) {
	f := newFake(t, testEmail, testToken)
	f.seed()
	f.addFault(&fault{match: isComments(3), times: 1, status: http.StatusForbidden, body: `{"error":"Forbidden"}`})
	c, _ := newTestCollector(t, f, nil)
	sink := collectortest.New()

	_, err := c.Collect(context.Background(), sink)
	noLeak(t, err)
	if err == nil || !strings.Contains(err.Error(), "comments of ticket 3") || !strings.Contains(err.Error(), "HTTP 403") {
		t.Fatalf("err = %v", err)
	}
	if cur, _ := sink.Cursor(context.Background(), "zendesk"); cur != encCursor(2) || len(sink.Conversations()) != 2 {
		t.Errorf("cursor %q, %d conversations: want page 2 not stored", cur, len(sink.Conversations()))
	}
}

func TestAuthFailureNeverLeaksToken(t *testing.T) {
	f := newFake(t, testEmail, "the-right-token")
	f.seed()
	f.echoAuth = true // the 401 body repeats the credentials it got
	c, waits := newTestCollector(t, f, nil)

	_, err := c.Collect(context.Background(), collectortest.New())
	if err == nil || !strings.Contains(err.Error(), "incremental export page") || !strings.Contains(err.Error(), "HTTP 401") {
		t.Fatalf("err = %v, want the call and the 401 named", err)
	}
	noLeak(t, err)
	var se *httpx.StatusError
	if !errors.As(err, &se) || strings.Contains(se.Body, testToken) {
		t.Errorf("status error body = %q", se.Body)
	}
	if len(waits.all()) != 0 || len(f.calls()) != 1 {
		t.Errorf("a 401 was retried: %d calls", len(f.calls()))
	}
}

func TestConfigValidation(t *testing.T) {
	ok := Config{Name: "zendesk", Subdomain: "acme", Email: testEmail, Token: testToken}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"empty", func(c *Config) { *c = Config{} }, []string{"zendesk: name is empty", "zendesk: subdomain is empty", "zendesk: email is empty", "zendesk: token is empty (set VOC_ZENDESK_TOKEN)"}},
		{"no token", func(c *Config) { c.Token = "  " }, []string{"zendesk: token is empty (set VOC_ZENDESK_TOKEN)"}},
		{"host as subdomain", func(c *Config) { c.Subdomain = "acme.zendesk.com" }, []string{`subdomain "acme.zendesk.com" is not a Zendesk subdomain`}},
		{"bad scheme", func(c *Config) { c.BaseURL = "ftp://zd.internal" }, []string{"base URL ftp://zd.internal must start with http:// or https://"}},
		{"no host", func(c *Config) { c.BaseURL = "https://" }, []string{"has no host"}},
		{"unparsable", func(c *Config) { c.BaseURL = "https://zd.internal/%zz" }, []string{"base URL is not a valid URL"}},
		{"credentials in URL", func(c *Config) { c.BaseURL = "https://ops:" + testToken + "@zd.internal" }, []string{"must not contain credentials"}},
		{"bad email", func(c *Config) { c.Email = "ops" }, []string{`email "ops" is not an e-mail address`}},
		{"page size", func(c *Config) { c.PageSize = 5000 }, []string{"page size 5000 is out of range"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.edit(&cfg)
			_, err := New(cfg)
			if err == nil {
				t.Fatal("no error")
			}
			noLeak(t, err)
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
		})
	}

	c, err := New(ok)
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "zendesk" || c.api.base.String() != "https://acme.zendesk.com" || c.linkBase != "https://acme.zendesk.com" || c.pageSize != DefaultPageSize {
		t.Errorf("collector = %+v", c)
	}
	for _, s := range []string{fmt.Sprintf("%v", ok), fmt.Sprintf("%+v", ok), fmt.Sprintf("%#v", ok), c.String()} {
		if strings.Contains(s, testToken) {
			t.Errorf("printed config leaks the token: %s", s)
		}
	}

	// A base URL alone serves both API calls and ticket links.
	c, err = New(Config{Name: "zd", BaseURL: "https://proxy.internal/zendesk/", Email: testEmail, Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	if got := c.api.endpoint("/api/v2/x.json", nil); got != "https://proxy.internal/zendesk/api/v2/x.json" {
		t.Errorf("endpoint = %s", got)
	}
	if c.linkBase != "https://proxy.internal/zendesk" {
		t.Errorf("link base = %s", c.linkBase)
	}
}

func TestDefaultSince(t *testing.T) {
	f := newFake(t, testEmail, testToken)
	c, _ := newTestCollector(t, f, func(cfg *Config) { cfg.Since = time.Time{} })
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	sink := collectortest.New()
	collect(t, c, sink)
	want := "start_time=" + strconv.FormatInt(now.Add(-30*24*time.Hour).Unix(), 10)
	if got := f.exportCalls(); len(got) != 1 || got[0] != want {
		t.Errorf("export calls = %v, want [%s]", got, want)
	}
}

func TestOffsetPagedComments(t *testing.T) {
	f := newFake(t, testEmail, testToken)
	f.seed()
	f.offsetPaging, f.commentPageSize = true, 2
	c, _ := newTestCollector(t, f, nil)
	sink := collectortest.New()
	collect(t, c, sink)
	if got := roles(byID(sink.Conversations())["5"]); got != "customer,agent,customer,note,bot" || f.commentCalls()[5] != 3 {
		t.Errorf("ticket 5 roles %q over %d calls", got, f.commentCalls()[5])
	}

	// A next_page on another host is refused, not followed with credentials.
	f2 := newFake(t, testEmail, testToken)
	f2.seed()
	f2.offsetPaging, f2.commentPageSize, f2.nextPageHost = true, 2, "evil.example"
	c2, _ := newTestCollector(t, f2, nil)
	_, err := c2.Collect(context.Background(), collectortest.New())
	noLeak(t, err)
	if err == nil || !strings.Contains(err.Error(), "comments of ticket 1") || !strings.Contains(err.Error(), "not following it with credentials") {
		t.Errorf("err = %v", err)
	}
}

// TestDocumentedPayloads runs the collector over hand-written payloads with
// every documented field of the export and comments responses, including
// VoiceComment, trigger comments and a deleted ticket.
func TestDocumentedPayloads(t *testing.T) {
	export, err := os.ReadFile("testdata/export_page.json")
	if err != nil {
		t.Fatal(err)
	}
	comments, err := os.ReadFile("testdata/comments_page.json")
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		switch r.URL.Path {
		case "/api/v2/incremental/tickets/cursor.json":
			w.Write(export)
		case "/api/v2/tickets/48213/comments.json":
			w.Write(comments)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	c, err := New(Config{Name: "zendesk", Subdomain: "acme", BaseURL: srv.URL, Email: testEmail, Token: testToken,
		Since: testSince, HTTP: &httpx.Client{HTTP: srv.Client()}})
	if err != nil {
		t.Fatal(err)
	}
	sink := collectortest.New()
	rep := collect(t, c, sink)

	if len(paths) != 2 {
		t.Errorf("requests = %v, want the export and the comments of the one live ticket", paths)
	}
	convs := sink.Conversations()
	if len(convs) != 1 || len(rep.Rejected) != 0 {
		t.Fatalf("conversations = %+v, rejected %+v", convs, rep.Rejected)
	}
	got := convs[0]
	if got.ExternalID != "48213" || got.Subject != "CSVエクスポートが終わらない" || got.Language != "ja" || got.Channel != "email" ||
		got.AccountID != "zendesk:org:5001" || got.URL != "https://acme.zendesk.com/agent/tickets/48213" ||
		!got.CreatedAt.Equal(time.Date(2026, 10, 2, 9, 14, 0, 0, time.UTC)) || !got.UpdatedAt.Equal(time.Date(2026, 10, 2, 11, 40, 0, 0, time.UTC)) {
		t.Errorf("conversation = %+v", got)
	}
	if r := roles(got); r != "customer,note,agent,bot" {
		t.Errorf("roles = %s, want customer, internal note, voice call by agent, trigger", r)
	}
	if got.Messages[0].Author != "Kenji Sato <kenji@initech.co.jp>" || got.Messages[0].ExternalID != "900001" {
		t.Errorf("first message = %+v", got.Messages[0])
	}
	if cur, _ := sink.Cursor(context.Background(), "zendesk"); cur != "MTc5MDk0MTIwMC4wfHw0ODIxNHw=" {
		t.Errorf("cursor = %q", cur)
	}
	want := voc.Account{ID: "zendesk:org:5001", Name: "Initech KK", Domains: []string{"initech.co.jp", "initech.example"}}
	if a := sink.Accounts()["zendesk:org:5001"]; !reflect.DeepEqual(a, want) {
		t.Errorf("account = %+v", a)
	}
}

func TestLanguage(t *testing.T) {
	for in, want := range map[string]string{"ja": "ja", "en-US": "en", "pt_BR": "pt", "": "", " DE ": "de"} {
		if got := language(in); got != want {
			t.Errorf("language(%q) = %q, want %q", in, got, want)
		}
	}
}

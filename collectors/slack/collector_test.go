package slack

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
	"github.com/voc-dev/voc/collectors/collectortest"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json")

// testNow is the fixed clock: the fixtures run from 1 to 6 January 2026,
// so the default first-run window (30 days) covers them all and the
// look-back window (7 days, from 3 January 12:00) covers the threads of 4
// January on.
var testNow = time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)

const (
	supportCh  = "C0SUPPORT"
	feedbackCh = "C0FEEDBACK"
)

// sleeps records the waits of the retry policy instead of sleeping.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.d = append(s.d, d)
	return ctx.Err()
}

func (s *sleeps) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

func testConfig(f *fakeSlack, sl *sleeps, channels ...string) Config {
	if sl == nil {
		sl = &sleeps{}
	}
	return Config{
		Name:      "slack",
		BaseURL:   f.URL(),
		Token:     fakeToken,
		Workspace: "acme",
		Channels:  channels,
		Reactions: map[string]voc.Kind{
			"bug":           voc.KindBug,
			":bulb:":        voc.KindFeature,
			"no_entry_sign": voc.KindOutOfScope,
		},
		AgentEmailDomains: []string{"voc-support.example"},
		UserAccounts:      map[string]string{"U0CUST2": "acct-globex", "U0CUST3": "acct-initech"},
		Sleep:             sl.sleep,
		Now:               func() time.Time { return testNow },
	}
}

func mustNew(t *testing.T, cfg Config) *Collector {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func collect(t *testing.T, c *Collector, sink collectors.Sink) collectors.Report {
	t.Helper()
	rep, err := c.Collect(context.Background(), sink)
	if err != nil {
		t.Fatalf("Collect: %v", err)
	}
	return rep
}

func byID(sink *collectortest.MemSink) map[string]voc.Conversation {
	out := map[string]voc.Conversation{}
	for _, c := range sink.Conversations() {
		out[c.ExternalID] = c
	}
	return out
}

func cursor(t *testing.T, sink collectors.Sink, key string) string {
	t.Helper()
	c, err := sink.Cursor(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func checkGolden(t *testing.T, name string, v any) {
	t.Helper()
	got, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
	}
}

func roles(c voc.Conversation) []voc.Role {
	var out []voc.Role
	for _, m := range c.Messages {
		out = append(out, m.Role)
	}
	return out
}

func labels(c voc.Conversation) []voc.Kind {
	var out []voc.Kind
	for _, m := range c.Messages {
		out = append(out, m.Label)
	}
	return out
}

// 1. A full pull over two history pages.
func TestFullPull(t *testing.T) {
	f := newFake(t)
	c := mustNew(t, testConfig(f, nil, supportCh, feedbackCh))
	sink := collectortest.New()
	rep := collect(t, c, sink)

	if rep.Source != "slack" || rep.Conversations.New != 8 || rep.Conversations.Updated != 0 || len(rep.Rejected) != 0 {
		t.Fatalf("report = %+v, want 8 new conversations, no rejects", rep)
	}
	got := byID(sink)
	checkGolden(t, "full.golden.json", sink.Conversations())

	// The history of C0SUPPORT (8 top-level messages, 4 a page) took two
	// pages, from 30 days before now.
	var hist []fakeRequest
	for _, r := range f.requests("conversations.history") {
		if r.Params.Get("channel") == supportCh {
			hist = append(hist, r)
		}
	}
	if len(hist) != 2 {
		t.Fatalf("history requests for %s = %d, want 2", supportCh, len(hist))
	}
	if o := hist[0].Params.Get("oldest"); o != "1765454400.000000" {
		t.Errorf("first run oldest = %q, want 30 days before now", o)
	}
	if hist[0].Params.Get("cursor") != "" || hist[1].Params.Get("cursor") == "" {
		t.Errorf("second page was not asked with next_cursor: %v", hist[1].Params)
	}
	// Every request carried the token as a Bearer header and nowhere else.
	for _, r := range f.requests("") {
		if !r.Bearer || r.TokenInBody {
			t.Errorf("%s: bearer=%v token in body=%v", r.Method, r.Bearer, r.TokenInBody)
		}
	}
	// users.info is asked once per user per run.
	asked := map[string]int{}
	for _, r := range f.requests("users.info") {
		asked[r.Params.Get("user")]++
	}
	for u, n := range asked {
		if n != 1 {
			t.Errorf("users.info for %s asked %d times", u, n)
		}
	}
	if len(asked) != 7 {
		t.Errorf("users asked = %v, want the 7 authors and mentioned users", asked)
	}
	// Cursors: the newest top-level message of each channel.
	if cur := cursor(t, sink, "slack/"+supportCh); cur != "1767700000.001300" {
		t.Errorf("cursor = %q", cur)
	}
	if cur := cursor(t, sink, "slack/"+feedbackCh); cur != "1767500000.000200" {
		t.Errorf("cursor = %q", cur)
	}

	// Thread with an agent reply, mention, link and a labelled reply.
	export := got["C0SUPPORT:1767258000.000100"]
	if export.URL != "https://acme.slack.com/archives/C0SUPPORT/p1767258000000100" {
		t.Errorf("URL = %q", export.URL)
	}
	if export.Subject != "Export to CSV fails with a <500> error when I filter by date in #support." {
		t.Errorf("Subject = %q", export.Subject)
	}
	if want := "Export to CSV fails with a <500> error when I filter by date in #support.\nReport: Q4 report (https://app.example.com/reports?id=1&x=2)"; export.Messages[0].Text != want {
		t.Errorf("root text = %q, want %q", export.Messages[0].Text, want)
	}
	if want := []voc.Role{voc.RoleCustomer, voc.RoleAgent, voc.RoleCustomer}; !reflect.DeepEqual(roles(export), want) {
		t.Errorf("roles = %v, want %v", roles(export), want)
	}
	if want := []voc.Kind{"", "", voc.KindBug}; !reflect.DeepEqual(labels(export), want) {
		t.Errorf("labels = %v, want %v", labels(export), want)
	}
	if m := export.Messages[1]; m.Author != "Bob Martins <bob@voc-support.example>" || m.Text != "Thanks @ana, we can reproduce it & are on it." {
		t.Errorf("agent reply = %+v", m)
	}
	if m := export.Messages[0]; m.Author != "Ana Souza <ana@acme.example>" || m.ExternalID != "1767258000.000100" || !m.At.Equal(time.Unix(1767258000, 100_000)) {
		t.Errorf("root = %+v", m)
	}
	if !export.CreatedAt.Equal(time.Unix(1767258000, 100_000)) || !export.UpdatedAt.Equal(time.Unix(1767259000, 300_000)) || export.Channel != "slack" {
		t.Errorf("times/channel = %v %v %q", export.CreatedAt, export.UpdatedAt, export.Channel)
	}
	if export.AccountID != "" {
		t.Errorf("AccountID = %q, want empty (no mapping for U0CUST1)", export.AccountID)
	}

	// The channel_join notice is no conversation; the bot post is.
	if _, ok := got["C0SUPPORT:1767261600.000400"]; ok {
		t.Error("channel_join stored as a conversation")
	}
	bot := got["C0SUPPORT:1767348000.000600"]
	if len(bot.Messages) != 1 || bot.Messages[0].Role != voc.RoleBot || bot.Messages[0].Author != "StatusBot" || bot.Messages[0].Text != "Deploy finished: @here v2.3 is live" {
		t.Errorf("bot post = %+v", bot.Messages)
	}
	// A root with a reaction and no replies.
	dark := got["C0SUPPORT:1767330000.000500"]
	if dark.Messages[0].Label != voc.KindFeature || dark.AccountID != "acct-globex" {
		t.Errorf("dark mode = %+v", dark)
	}
	// A thread broadcast is a reply of its thread, once, and not a
	// conversation of its own.
	sso := got["C0SUPPORT:1767520800.000700"]
	if want := []voc.Kind{"", "", voc.KindFeature}; !reflect.DeepEqual(labels(sso), want) || len(sso.Messages) != 3 {
		t.Errorf("SSO thread labels = %v (%d messages)", labels(sso), len(sso.Messages))
	}
	if _, ok := got["C0SUPPORT:1767522000.000900"]; ok {
		t.Error("thread broadcast stored as a conversation")
	}
	if sso.Subject != "Can we get SSO with Okta?" {
		t.Errorf("Subject = %q", sso.Subject)
	}
	// A thread over two replies pages with a bot user and a subdomain agent.
	inv := got["C0SUPPORT:1767607200.001000"]
	if want := []voc.Role{voc.RoleCustomer, voc.RoleBot, voc.RoleCustomer, voc.RoleAgent}; !reflect.DeepEqual(roles(inv), want) {
		t.Errorf("invoices roles = %v, want %v", roles(inv), want)
	}
	if want := []voc.Kind{voc.KindBug, "", "", ""}; !reflect.DeepEqual(labels(inv), want) {
		t.Errorf("invoices labels = %v, want %v (first mapped reaction wins, eyes is not mapped)", labels(inv), want)
	}
	if inv.Messages[1].Author != "Helpdesk" || inv.Messages[1].Text != "I've opened ticket SUP-12 for @chen" {
		t.Errorf("bot reply = %+v", inv.Messages[1])
	}
	if inv.AccountID != "acct-globex" {
		t.Errorf("AccountID = %q", inv.AccountID)
	}
	// A user Slack does not find is a customer named by ID.
	gone := got["C0SUPPORT:1767700000.001300"]
	if m := gone.Messages[0]; m.Role != voc.RoleCustomer || m.Author != "U0GONE" || m.Text != "hello? anyone? mail ops@acme.example" {
		t.Errorf("unknown user message = %+v", m)
	}
	// Other channel: an out-of-scope label, a file share with a reply.
	sf := got["C0FEEDBACK:1767400000.000100"]
	if sf.Messages[0].Label != voc.KindOutOfScope || sf.AccountID != "acct-initech" || sf.Messages[0].Author != "Dana Scully <dana@initech.example>" {
		t.Errorf("salesforce = %+v", sf)
	}
	file := got["C0FEEDBACK:1767500000.000200"]
	if len(file.Messages) != 2 || file.Messages[0].Text != "[file: screenshot.png]" || file.Subject != "[file: screenshot.png]" ||
		file.Messages[1].Text != "Thanks Dana, @Dana Scully is that the billing page?" {
		t.Errorf("file share = %+v", file)
	}
	for _, conv := range sink.Conversations() {
		if err := conv.Validate(); err != nil {
			t.Errorf("%s: %v", conv.ExternalID, err)
		}
	}
}

// 2. Incremental: a new root and a reply to an old thread.
func TestIncremental(t *testing.T) {
	f := newFake(t)
	c := mustNew(t, testConfig(f, nil, supportCh))
	sink := collectortest.New()
	collect(t, c, sink)
	before := byID(sink)
	cur := cursor(t, sink, "slack/"+supportCh)

	f.add(supportCh, map[string]any{"type": "message", "user": "U0CUST1", "text": "Dashboard loads slowly", "ts": "1767790000.001400", "team": "T012AB3C4"})
	f.add(supportCh, map[string]any{"type": "message", "user": "U0AGENT1", "text": "Looking into it", "ts": "1767790600.001500",
		"thread_ts": "1767790000.001400", "parent_user_id": "U0CUST1", "team": "T012AB3C4"})
	// A reply to the thread of 1 January, older than the look-back window.
	f.add(supportCh, map[string]any{"type": "message", "user": "U0CUST1", "text": "Any news? It still fails.", "ts": "1767795000.001600",
		"thread_ts": "1767258000.000100", "parent_user_id": "U0CUST1", "team": "T012AB3C4"})
	f.resetLog()

	rep := collect(t, c, sink)
	if rep.Conversations.New != 1 || rep.Conversations.Updated != 1 {
		t.Fatalf("report = %+v, want 1 new and 1 updated", rep.Conversations)
	}
	var hist []fakeRequest // first pages only
	for _, r := range f.requests("conversations.history") {
		if r.Params.Get("cursor") == "" {
			hist = append(hist, r)
		}
	}
	if len(hist) != 2 {
		t.Fatalf("history requests = %+v, want the new range and the refresh range", hist)
	}
	if p := hist[0].Params; p.Get("oldest") != cur || p.Get("latest") != "" || p.Get("inclusive") != "0" {
		t.Errorf("new range asked with %v, want oldest=%s exclusive", p, cur)
	}
	if p := hist[1].Params; p.Get("latest") != cur || p.Get("inclusive") != "1" || p.Get("oldest") != "1765454400.000000" {
		t.Errorf("refresh range asked with %v", p)
	}
	var threads []string
	for _, r := range f.requests("conversations.replies") {
		if r.Params.Get("cursor") == "" {
			threads = append(threads, r.Params.Get("ts"))
		}
	}
	sort.Strings(threads)
	// The new thread, the old thread with a new reply and the threads of
	// the look-back window; not the 1 January thread's neighbours.
	want := []string{"1767258000.000100", "1767520800.000700", "1767607200.001000", "1767790000.001400"}
	if !reflect.DeepEqual(threads, want) {
		t.Errorf("threads read = %v, want %v", threads, want)
	}
	asked := map[string]int{} // the users of the threads read, once each
	for _, r := range f.requests("users.info") {
		asked[r.Params.Get("user")]++
	}
	if len(asked) != 6 || len(f.requests("users.info")) != 6 {
		t.Errorf("users.info asked %v, want 6 users once each", asked)
	}

	after := byID(sink)
	for id, conv := range after {
		switch id {
		case "C0SUPPORT:1767790000.001400":
			if len(conv.Messages) != 2 || conv.Messages[1].Role != voc.RoleAgent {
				t.Errorf("new thread = %+v", conv.Messages)
			}
		case "C0SUPPORT:1767258000.000100":
			if n := len(conv.Messages); n != 4 || conv.Messages[3].Text != "Any news? It still fails." || !conv.UpdatedAt.Equal(time.Unix(1767795000, 1_600_000)) {
				t.Errorf("old thread has %d messages: %+v", n, conv.Messages)
			}
		default:
			if !reflect.DeepEqual(conv, before[id]) {
				t.Errorf("%s changed", id)
			}
		}
	}
	if len(after) != len(before)+1 {
		t.Errorf("%d conversations, want %d", len(after), len(before)+1)
	}
	if c := cursor(t, sink, "slack/"+supportCh); c != "1767790000.001400" {
		t.Errorf("cursor = %q", c)
	}

	// Nothing new: nothing stored, the same cursor asked.
	f.resetLog()
	rep = collect(t, c, sink)
	if rep.Conversations.New != 0 || rep.Conversations.Updated != 0 {
		t.Errorf("re-run report = %+v, want nothing new", rep.Conversations)
	}
	if p := f.requests("conversations.history")[0].Params; p.Get("oldest") != "1767790000.001400" {
		t.Errorf("re-run oldest = %q", p.Get("oldest"))
	}
}

// 3. A run killed at its second batch resumes to the state of an
// uninterrupted run.
func TestCrashResume(t *testing.T) {
	f := newFake(t)
	cfg := testConfig(f, nil, supportCh, feedbackCh)

	fresh := collectortest.New()
	collect(t, mustNew(t, cfg), fresh)

	sink := collectortest.New()
	sink.FailAfter = 2
	if _, err := mustNew(t, cfg).Collect(context.Background(), sink); !errors.Is(err, collectortest.ErrCrash) {
		t.Fatalf("first run err = %v, want the simulated crash", err)
	}
	if n := len(sink.Conversations()); n == 0 || n >= len(fresh.Conversations()) {
		t.Fatalf("after the crash %d conversations stored, want some but not all", n)
	}
	mid := cursor(t, sink, "slack/"+supportCh)
	if mid == "" {
		t.Fatal("no cursor saved with the first batch")
	}
	f.resetLog()
	collect(t, mustNew(t, cfg), sink)
	if p := f.requests("conversations.history")[0].Params; p.Get("oldest") != mid {
		t.Errorf("resumed at oldest=%q, want %q", p.Get("oldest"), mid)
	}
	if !reflect.DeepEqual(sink.Conversations(), fresh.Conversations()) {
		t.Error("resumed run differs from an uninterrupted one")
	}
	for _, ch := range []string{supportCh, feedbackCh} {
		if a, b := cursor(t, sink, "slack/"+ch), cursor(t, fresh, "slack/"+ch); a != b {
			t.Errorf("cursor of %s = %q, want %q", ch, a, b)
		}
	}
}

// A run killed at any batch must not lose a reply to an old thread that is
// older than the newest root of that run: the cursor moves only after the
// refresh of the old threads.
func TestCrashDuringRefresh(t *testing.T) {
	for failAt := 3; failAt <= 5; failAt++ { // the second run's batches
		t.Run(strconv.Itoa(failAt), func(t *testing.T) {
			f := newFake(t)
			cfg := testConfig(f, nil, supportCh)
			sink := collectortest.New()
			collect(t, mustNew(t, cfg), sink) // batches 1 and 2

			// A reply to the 1 January thread, then a new root after it.
			f.add(supportCh, map[string]any{"type": "message", "user": "U0CUST1", "text": "Any news?", "ts": "1767780000.001350",
				"thread_ts": "1767258000.000100", "parent_user_id": "U0CUST1"})
			f.add(supportCh, map[string]any{"type": "message", "user": "U0CUST2", "text": "New question", "ts": "1767790000.001400"})
			sink.FailAfter = failAt
			if _, err := mustNew(t, cfg).Collect(context.Background(), sink); err != nil && !errors.Is(err, collectortest.ErrCrash) {
				t.Fatal(err)
			}
			collect(t, mustNew(t, cfg), sink)
			got := byID(sink)
			if n := len(got["C0SUPPORT:1767258000.000100"].Messages); n != 4 {
				t.Errorf("old thread has %d messages, want the new reply too", n)
			}
			if _, ok := got["C0SUPPORT:1767790000.001400"]; !ok {
				t.Error("new root missing")
			}
		})
	}
}

// 4. A burst of 429s is waited out with Retry-After.
func TestRateLimit(t *testing.T) {
	f := newFake(t)
	f.maxHistory = 100
	f.fail("conversations.history",
		fault{Status: http.StatusTooManyRequests, RetryAfter: "3", Body: `{"ok":false,"error":"ratelimited"}`},
		fault{Status: http.StatusTooManyRequests, RetryAfter: "3", Body: `{"ok":false,"error":"ratelimited"}`})
	sl := &sleeps{}
	sink := collectortest.New()
	rep := collect(t, mustNew(t, testConfig(f, sl, supportCh)), sink)
	if got := sl.all(); !reflect.DeepEqual(got, []time.Duration{3 * time.Second, 3 * time.Second}) {
		t.Errorf("waits = %v, want [3s 3s]", got)
	}
	if n := len(f.requests("conversations.history")); n != 3 {
		t.Errorf("history requests = %d, want 3", n)
	}
	if rep.Conversations.New != 6 {
		t.Errorf("report = %+v", rep.Conversations)
	}
}

// A 429 that never ends gives up after a bounded number of attempts.
func TestRateLimitGivesUp(t *testing.T) {
	f := newFake(t)
	for range 20 {
		f.fail("conversations.replies", fault{Status: http.StatusTooManyRequests, RetryAfter: "1"})
	}
	sl := &sleeps{}
	_, err := mustNew(t, testConfig(f, sl, supportCh)).Collect(context.Background(), collectortest.New())
	if err == nil {
		t.Fatal("no error")
	}
	for _, s := range []string{"conversations.replies", "channel C0SUPPORT", "429", "giving up after 6 attempts"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("error %q does not say %q", err, s)
		}
	}
	if strings.Contains(err.Error(), fakeToken) {
		t.Error("token in error")
	}
	if n := len(f.requests("conversations.replies")); n != 6 {
		t.Errorf("replies requests = %d, want 6", n)
	}
	if n := len(sl.all()); n != 5 {
		t.Errorf("waits = %d, want 5", n)
	}
}

// 5. A reaction removed upstream clears the label on the next run.
func TestReactionRemoved(t *testing.T) {
	f := newFake(t)
	c := mustNew(t, testConfig(f, nil, supportCh))
	sink := collectortest.New()
	collect(t, c, sink)
	if l := byID(sink)["C0SUPPORT:1767607200.001000"].Messages[0].Label; l != voc.KindBug {
		t.Fatalf("label before = %q", l)
	}
	f.setReactions(supportCh, "1767607200.001000", []map[string]any{{"name": "eyes", "users": []string{"U0AGENT2"}, "count": 1}})
	f.setReactions(supportCh, "1767522000.000900", nil)

	rep := collect(t, c, sink)
	if rep.Conversations.Updated != 2 || rep.Conversations.New != 0 {
		t.Errorf("report = %+v, want 2 updated", rep.Conversations)
	}
	got := byID(sink)
	if l := got["C0SUPPORT:1767607200.001000"].Messages[0].Label; l != "" {
		t.Errorf("label after = %q, want cleared", l)
	}
	for _, m := range got["C0SUPPORT:1767520800.000700"].Messages {
		if m.Label != "" {
			t.Errorf("broadcast label after = %q, want cleared", m.Label)
		}
	}
}

// 6. A channel Slack does not find is rejected; the others are read.
func TestChannelNotFound(t *testing.T) {
	f := newFake(t)
	sink := collectortest.New()
	rep := collect(t, mustNew(t, testConfig(f, nil, "C0MISSING", supportCh, feedbackCh)), sink)
	if len(rep.Rejected) != 1 {
		t.Fatalf("rejected = %+v, want one", rep.Rejected)
	}
	r := rep.Rejected[0]
	if r.File != "slack/C0MISSING" || r.Field != "channels" || !strings.Contains(r.Reason, "conversations.history: channel_not_found") {
		t.Errorf("reject = %+v", r)
	}
	if rep.Conversations.New != 8 || len(sink.Conversations()) != 8 {
		t.Errorf("report = %+v, want the 8 conversations of the other channels", rep.Conversations)
	}
	if cursor(t, sink, "slack/C0MISSING") != "" {
		t.Error("cursor saved for a missing channel")
	}
}

// 7. Configuration errors name the setting and never the token.
func TestConfigValidation(t *testing.T) {
	const secret = "xoxb-9999-CONFIG-SECRET"
	ok := Config{Token: secret, Channels: []string{"C0SUPPORT"}}
	cases := []struct {
		name string
		mod  func(*Config)
		want string
	}{
		{"no token", func(c *Config) { c.Token = "" }, "slack: token is empty (set VOC_SLACK_TOKEN)"},
		{"blank token", func(c *Config) { c.Token = "  " }, "slack: token is empty (set VOC_SLACK_TOKEN)"},
		{"token with newline", func(c *Config) { c.Token = secret + "\n" + secret }, "slack: token contains whitespace"},
		{"no channels", func(c *Config) { c.Channels = nil }, "slack: no channels configured"},
		{"empty channel", func(c *Config) { c.Channels = []string{""} }, "slack: empty channel ID"},
		{"channel name", func(c *Config) { c.Channels = []string{"#support"} }, `slack: channel "#support" is not a channel ID`},
		{"bad kind", func(c *Config) { c.Reactions = map[string]voc.Kind{"bug": "defect"} }, `slack: reactions: "bug" maps to unknown kind "defect"`},
		{"bad base URL", func(c *Config) { c.BaseURL = "slack.com/api" }, "slack: base URL"},
		{"bad workspace", func(c *Config) { c.Workspace = "https://acme.slack.com/archives" }, "slack: workspace"},
		{"bad name", func(c *Config) { c.Name = "slack/eu" }, "slack: name"},
		{"empty agent domain", func(c *Config) { c.AgentEmailDomains = []string{"@"} }, "slack: agent e-mail domains"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.mod(&cfg)
			_, err := New(cfg)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "CONFIG-SECRET") {
				t.Errorf("token in error %q", err)
			}
		})
	}
	c, err := New(Config{Token: secret, Channels: []string{"C1", "C1", " C2 "}, Workspace: "https://acme.slack.com/"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "slack" || !reflect.DeepEqual(c.channels, []string{"C1", "C2"}) || c.host != "acme.slack.com" || c.CursorKey("C1") != "slack/C1" {
		t.Errorf("defaults: name=%q channels=%v host=%q", c.Name(), c.channels, c.host)
	}
}

// Failures name the call and the channel, and the token never shows, even
// when a server echoes it.
func TestErrorsNameCallAndHideToken(t *testing.T) {
	cases := []struct {
		name  string
		setup func(f *fakeSlack, cfg *Config)
		want  []string
	}{
		{"wrong token", func(f *fakeSlack, cfg *Config) { f.token = "xoxb-other" },
			[]string{"slack: conversations.history channel C0SUPPORT: invalid_auth", "VOC_SLACK_TOKEN"}},
		{"invalid JSON history", func(f *fakeSlack, cfg *Config) {
			f.fail("conversations.history", fault{Body: `{"ok":true,"messages":[{"ts":`})
		}, []string{"slack: conversations.history channel C0SUPPORT: invalid JSON response"}},
		{"HTML instead of JSON", func(f *fakeSlack, cfg *Config) {
			f.fail("conversations.replies", fault{Body: `<html>Service Unavailable</html>`})
		}, []string{"slack: conversations.replies channel C0SUPPORT thread ", "invalid JSON response"}},
		{"no ok", func(f *fakeSlack, cfg *Config) { f.fail("conversations.history", fault{Body: `{"messages":[]}`}) },
			[]string{"slack: conversations.history channel C0SUPPORT: invalid response"}},
		{"missing scope", func(f *fakeSlack, cfg *Config) {
			f.fail("users.info", fault{Body: `{"ok":false,"error":"missing_scope","needed":"users:read","provided":"channels:history"}`})
		}, []string{"slack: users.info user U0", "missing_scope", "users:read"}},
		{"server echoes the token", func(f *fakeSlack, cfg *Config) {
			f.fail("conversations.history", fault{Status: http.StatusBadRequest, Body: "bad request for token " + fakeToken})
		}, []string{"slack: conversations.history channel C0SUPPORT", "HTTP 400", "xxxxx"}},
		{"network", func(f *fakeSlack, cfg *Config) { f.srv.Close() },
			[]string{"slack: conversations.history channel C0SUPPORT", "giving up after"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake(t)
			cfg := testConfig(f, nil, supportCh)
			tc.setup(f, &cfg)
			_, err := mustNew(t, cfg).Collect(context.Background(), collectortest.New())
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), fakeToken) || strings.Contains(err.Error(), "DISTINCTIVE") {
				t.Errorf("token in error %q", err)
			}
		})
	}
}

// A cursor that is not a Slack timestamp stops the channel with a clear
// error rather than re-reading everything.
func TestBadCursor(t *testing.T) {
	f := newFake(t)
	sink := collectortest.New()
	bad := "garbage"
	if _, _, err := sink.SaveBatch(context.Background(), "slack/"+supportCh, collectors.Batch{Cursor: &bad}); err != nil {
		t.Fatal(err)
	}
	_, err := mustNew(t, testConfig(f, nil, supportCh)).Collect(context.Background(), sink)
	if err == nil || !strings.Contains(err.Error(), `cursor of slack/C0SUPPORT is "garbage"`) {
		t.Errorf("err = %v", err)
	}
}

func TestPlainText(t *testing.T) {
	names := map[string]string{"U1": "ana"}
	name := func(id string) string { return names[id] }
	cases := []struct{ in, want string }{
		{"a &amp; b &lt;c&gt;", "a & b <c>"},
		{"&amp;lt; stays", "&lt; stays"},
		{"hi <@U1>", "hi @ana"},
		{"hi <@W2|bob>", "hi @bob"},
		{"hi <@U3>", "hi @U3"},
		{"see <#C1|general> and <#C2>", "see #general and #C2"},
		{"<!here> <!channel> <!everyone|everyone>", "@here @channel @everyone"},
		{"<!subteam^S1|@support> help", "@support help"},
		{"<!date^1392734382^{date}|Feb 18, 2014>", "Feb 18, 2014"},
		{"<https://x.example/a?b=1&amp;c=2|the docs>", "the docs (https://x.example/a?b=1&c=2)"},
		{"<https://x.example>", "https://x.example"},
		{"<https://x.example|https://x.example>", "https://x.example"},
		{"<mailto:a@b.example|a@b.example>", "a@b.example"},
		{"  spaced \n", "spaced"},
	}
	for _, tc := range cases {
		if got := plainText(tc.in, name); got != tc.want {
			t.Errorf("plainText(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTimestamps(t *testing.T) {
	if !tsLess("999.999999", "1000.000000") || tsLess("1000.1", "1000.000100") || !tsLess("1000.000100", "1000.1") {
		t.Error("tsLess compares as strings")
	}
	if got := tsOf(time.Unix(1767258000, 100_000)); got != "1767258000.000100" {
		t.Errorf("tsOf = %q", got)
	}
	if got := tsTime("1767258000.000100"); !got.Equal(time.Unix(1767258000, 100_000)) {
		t.Errorf("tsTime = %v", got)
	}
	if _, _, ok := parseTS("abc"); ok {
		t.Error("parseTS accepted abc")
	}
}

package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/integrations/slack"
	"github.com/voc-dev/voc/store"
)

// fakeSlackToken is the bot token the fake Web API accepts.
const fakeSlackToken = "xoxb-test"

// slackFake serves the Web API methods voc serve calls, at /api/<method>,
// and response URLs at /respond/<id>. Its answers are the published
// examples in testdata/slack (the "200" example filled in from the
// request, the "default" example's {"ok":false,"error":…} shape on
// failure). It checks the bearer token and records every call.
type slackFake struct {
	t        *testing.T
	srv      *httptest.Server
	examples map[string]map[string]any // "<method> <status>" → example answer

	mu      sync.Mutex
	threads map[string][]map[string]any // "<channel>:<ts>" → messages, root first
	users   map[string][2]string        // user ID → real name, e-mail
	calls   []slackCall
	posted  int
	// gate, while set, holds every conversations.replies call until it
	// is closed.
	gate chan struct{}
}

// holdReplies makes thread reads wait until release is called.
func (f *slackFake) holdReplies() (release func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	g := make(chan struct{})
	f.gate = g
	return func() {
		f.mu.Lock()
		f.gate = nil
		f.mu.Unlock()
		close(g)
	}
}

// slackCall is one request the fake saw.
type slackCall struct {
	Method string     // "chat.postMessage", "views.open", "respond/<id>"
	Form   url.Values // form parameters, without the token
	JSON   map[string]any
}

func newSlackFake(t *testing.T) *slackFake {
	t.Helper()
	f := &slackFake{t: t, examples: map[string]map[string]any{}, threads: map[string][]map[string]any{}, users: map[string][2]string{}}
	for _, m := range []string{"conversations.replies", "users.info", "chat.postMessage", "views.open"} {
		var extract map[string]json.RawMessage
		if err := json.Unmarshal(slackTestdata(t, m+".json"), &extract); err != nil {
			t.Fatal(err)
		}
		for _, status := range []string{"200", "default"} {
			var ex struct {
				Example map[string]any `json:"example"`
			}
			if err := json.Unmarshal(extract[status], &ex); err != nil || ex.Example == nil {
				t.Fatalf("%s.json has no %s example (%v)", m, status, err)
			}
			f.examples[m+" "+status] = ex.Example
		}
	}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func slackTestdata(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "slack", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// setThread makes conversations.replies answer msgs for the thread of ts,
// and each reply alone for the reply's own ts, as Slack does.
func (f *slackFake) setThread(channel, ts string, msgs ...map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.threads[channel+":"+ts] = msgs
	for _, m := range msgs {
		if rts, _ := m["ts"].(string); rts != ts {
			f.threads[channel+":"+rts] = []map[string]any{m}
		}
	}
}

func (f *slackFake) addUser(id, name, email string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[id] = [2]string{name, email}
}

// seen returns the calls of one method (a "respond" prefix matches every
// response URL).
func (f *slackFake) seen(method string) []slackCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []slackCall
	for _, c := range f.calls {
		if c.Method == method || strings.HasPrefix(c.Method, method+"/") {
			out = append(out, c)
		}
	}
	return out
}

// posts returns the chat.postMessage calls to one channel.
func (f *slackFake) posts(channel string) []slackCall {
	var out []slackCall
	for _, c := range f.seen("chat.postMessage") {
		if c.Form.Get("channel") == channel {
			out = append(out, c)
		}
	}
	return out
}

func (f *slackFake) answer(method string) map[string]any { return jsonClone(f.examples[method+" 200"]) }

func (f *slackFake) fail(method, code string) map[string]any {
	out := jsonClone(f.examples[method+" default"])
	out["error"] = code
	return out
}

func (f *slackFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/"), "api/")
	body, _ := io.ReadAll(r.Body)
	call := slackCall{Method: method, Form: url.Values{}}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(body, &call.JSON); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	} else {
		v, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		for k, vs := range r.URL.Query() {
			v[k] = append(v[k], vs...)
		}
		v.Del("token")
		call.Form = v
	}
	f.mu.Lock()
	gate := f.gate
	f.mu.Unlock()
	if gate != nil && method == "conversations.replies" {
		<-gate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	if strings.HasPrefix(method, "respond/") {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok")
		return
	}
	var resp map[string]any
	switch p := call.Form; {
	case r.Header.Get("Authorization") != "Bearer "+fakeSlackToken:
		resp = f.fail(method, "invalid_auth")
	case method == "conversations.replies":
		resp = f.replies(p.Get("channel"), p.Get("ts"))
	case method == "users.info":
		resp = f.userInfo(p.Get("user"))
	case method == "chat.postMessage":
		resp = f.postMessage(p)
	case method == "views.open":
		resp = f.viewsOpen(call.JSON)
	default:
		resp = map[string]any{"ok": false, "error": "unknown_method"}
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(resp)
}

func (f *slackFake) replies(channel, ts string) map[string]any {
	msgs, ok := f.threads[channel+":"+ts]
	if !ok {
		return f.fail("conversations.replies", "thread_not_found")
	}
	out := f.answer("conversations.replies")
	out["messages"], out["has_more"] = msgs, false
	out["response_metadata"] = map[string]any{"next_cursor": ""}
	return out
}

func (f *slackFake) userInfo(id string) map[string]any {
	u, ok := f.users[id]
	if !ok {
		return f.fail("users.info", "user_not_found")
	}
	out := f.answer("users.info")
	user := out["user"].(map[string]any)
	profile := user["profile"].(map[string]any)
	user["id"], user["name"], user["real_name"], user["is_admin"] = id, strings.ToLower(strings.Fields(u[0])[0]), u[0], false
	profile["real_name"], profile["real_name_normalized"], profile["display_name"], profile["email"] = u[0], u[0], u[0], u[1]
	return out
}

func (f *slackFake) postMessage(p url.Values) map[string]any {
	if p.Get("channel") == "" {
		return f.fail("chat.postMessage", "channel_not_found")
	}
	if p.Get("text") == "" && p.Get("blocks") == "" {
		return f.fail("chat.postMessage", "no_text")
	}
	f.posted++
	ts := fmt.Sprintf("1503435956.%06d", 247+f.posted)
	out := f.answer("chat.postMessage")
	out["channel"], out["ts"] = p.Get("channel"), ts
	msg := out["message"].(map[string]any)
	msg["ts"], msg["text"] = ts, p.Get("text")
	if tt := p.Get("thread_ts"); tt != "" {
		msg["thread_ts"] = tt
	}
	return out
}

func (f *slackFake) viewsOpen(req map[string]any) map[string]any {
	view, _ := req["view"].(map[string]any)
	if trigger, _ := req["trigger_id"].(string); trigger == "" || view == nil {
		return f.fail("views.open", "invalid_arguments")
	}
	out := f.answer("views.open")
	v := out["view"].(map[string]any)
	for _, k := range []string{"callback_id", "private_metadata", "title", "submit", "close", "blocks"} {
		if x, ok := view[k]; ok {
			v[k] = x
		}
	}
	return out
}

func jsonClone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// slackServe is voc serve on the example workspace, its Slack side wired
// to a slackFake.
type slackServe struct {
	served
	dir  string
	fake *slackFake
}

// newSlackServe opens the example workspace with the Slack bot token and
// signing secret set and serve.slack.api_url on the fake, and starts voc
// serve when run is true.
func newSlackServe(t *testing.T, run bool) *slackServe {
	t.Helper()
	return newSlackServeWith(t, run, "")
}

// newSlackServeWith is newSlackServe with more lines of the serve section
// of the config (indented two spaces).
func newSlackServeWith(t *testing.T, run bool, serve string) *slackServe {
	t.Helper()
	fake := newSlackFake(t)
	// No topic scores high enough to sync: the sync job at start-up
	// would otherwise hold the pipeline lock for a paced minute.
	dir, cfgPath := githubWorkspace(t, newFakeGitHub(t), "  min_score: 100000\n")
	f, err := os.OpenFile(cfgPath, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(f, "serve:\n  slack:\n    api_url: %s/api\n%s", fake.srv.URL, serve)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	t.Setenv(envSlackBot, fakeSlackToken)
	t.Setenv(envSlackSigning, slackSecret)
	t.Setenv(envWebToken, "")
	logs := &lockedBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("voc serve's log:\n%s", logs.String())
		}
	})
	a := openServeApp(t, cfgPath, logs)
	s := &slackServe{served: served{a: a}, dir: dir, fake: fake}
	if !run {
		return s
	}
	s.base = runServe(t, a)
	return s
}

// lockedBuffer is a log sink the server's goroutines may share.
type lockedBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (s *slackServe) entry(t *testing.T, id int64) backlogEntry {
	t.Helper()
	entries, err := s.a.backlog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.ID == id {
			return e
		}
	}
	return backlogEntry{}
}

// openTopics are the backlog's open topics in rank order.
func (s *slackServe) openTopics(t *testing.T, n int) []backlogEntry {
	t.Helper()
	entries, err := s.a.backlog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []backlogEntry
	for _, e := range entries {
		if e.Status == voc.StatusOpen && e.Items > 0 {
			out = append(out, e)
		}
	}
	if len(out) < n {
		t.Fatalf("the example has %d open topics, want %d", len(out), n)
	}
	return out
}

// slackMessage is a conversations.replies message (shape of the example)
// with the reactions named, each by one person (objs_reaction).
func slackMessage(ts, threadTS, user, text string, reactions ...string) map[string]any {
	m := map[string]any{"type": "message", "user": user, "text": text, "ts": ts, "thread_ts": threadTS}
	if ts == threadTS {
		m["reply_count"] = 1
	} else {
		m["parent_user_id"] = user
	}
	var rs []map[string]any
	for _, r := range reactions {
		rs = append(rs, map[string]any{"name": r, "users": []string{"U123ABC456"}, "count": 1})
	}
	if rs != nil {
		m["reactions"] = rs
	}
	return m
}

// reactionEvent is the reaction_added example edited to the reaction,
// message and event ID; typ "reaction_removed" makes it a removal.
func reactionEvent(t *testing.T, typ, reaction, channel, ts, eventID string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(slackTestdata(t, "reaction_added.event_callback.json"), &m); err != nil {
		t.Fatal(err)
	}
	ev := m["event"].(map[string]any)
	ev["type"], ev["reaction"] = typ, reaction
	item := ev["item"].(map[string]any)
	item["channel"], item["ts"] = channel, ts
	m["event_id"], m["event_time"] = eventID, time.Now().Unix()
	b, _ := json.Marshal(m)
	return string(b)
}

// interaction is an interactivity form body: an example payload from
// testdata/slack, edited.
func interaction(t *testing.T, file string, edit func(m map[string]any)) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(slackTestdata(t, file), &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ := json.Marshal(m)
	return url.Values{"payload": {string(b)}}.Encode()
}

// button edits block_actions.json into a click on one of voc's buttons.
func button(t *testing.T, action string, topic int64, trigger, responseURL string) string {
	return interaction(t, "block_actions.json", func(m map[string]any) {
		m["trigger_id"], m["response_url"] = trigger, responseURL
		a := m["actions"].([]any)[0].(map[string]any)
		a["action_id"], a["value"] = action, strconv.FormatInt(topic, 10)
	})
}

// submission edits a view_submission example: the topic, the typed value
// (in the file's one input) and the trigger.
func submission(t *testing.T, file string, topic int64, value, trigger string) string {
	return interaction(t, file, func(m map[string]any) {
		m["trigger_id"] = trigger
		v := m["view"].(map[string]any)
		v["private_metadata"] = strconv.FormatInt(topic, 10)
		for _, inputs := range v["state"].(map[string]any)["values"].(map[string]any) {
			for _, in := range inputs.(map[string]any) {
				in.(map[string]any)["value"] = value
			}
		}
	})
}

func postSlack(t *testing.T, u, body, contentType string) (int, string) {
	t.Helper()
	h := slackHeaders(body)
	h.Set("Content-Type", contentType)
	return send(t, "POST", u, body, h)
}

const formType = "application/x-www-form-urlencoded"

// TestServeSlackReactionTagging tags a customer's message with :bug: in
// Slack: the thread is stored and recorded as a person's bug report in a
// topic, voc says so once in the thread (not again on Slack's retry), and
// removing the reaction takes the label back.
func TestServeSlackReactionTagging(t *testing.T) {
	s := newSlackServe(t, true)
	ctx := context.Background()
	ch := "C123ABC456"
	ts := fmt.Sprintf("%d.000200", time.Now().Add(-2*time.Hour).Unix())
	replyTS := fmt.Sprintf("%d.000300", time.Now().Add(-time.Hour).Unix())
	text := "The invoice export crashes with an error 500 every time I click Download PDF, it is broken since the last update."
	reply := slackMessage(replyTS, ts, "U222222222", "Still broken today, we cannot send any invoices.")
	s.fake.addUser("U222222222", "Dana Scully", "dana@scully.example.com")
	s.fake.setThread(ch, ts, slackMessage(ts, ts, "U222222222", text, "bug"), reply)
	before, err := s.a.st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}

	added := reactionEvent(t, "reaction_added", "bug", ch, ts, "Ev0TAGGED01")
	if code, body := postSlack(t, s.base+"/slack/events", added, "application/json"); code != 200 || !strings.Contains(body, `"queued":true`) {
		t.Fatalf("reaction_added: %d %s", code, body)
	}
	waitFor(t, "the reply in the thread", func() bool { return len(s.fake.posts(ch)) > 0 || s.dead(t) > 0 })
	if len(s.fake.posts(ch)) == 0 {
		t.Fatalf("no reply in the thread (%d events set aside)", s.dead(t))
	}
	conv := ch + ":" + ts
	if _, err := s.a.st.Conversation(ctx, "slack", conv); err != nil {
		t.Fatalf("conversation %s of source slack: %v", conv, err)
	}
	humanBug := func() *store.ItemRow {
		items, err := s.a.st.ConversationItems(ctx, "slack", conv)
		if err != nil {
			t.Fatal(err)
		}
		for i, it := range items {
			if it.Kind == voc.KindBug && it.DecidedBy == voc.ByHuman {
				return &items[i]
			}
		}
		return nil
	}
	bug := humanBug()
	if bug == nil || bug.TopicID == nil {
		t.Fatalf("no human bug label in a topic on %s: %+v", conv, bug)
	}
	posts := s.fake.posts(ch)
	if len(posts) != 1 {
		t.Fatalf("%d replies, want 1", len(posts))
	}
	p := posts[0].Form
	if p.Get("thread_ts") != ts || !strings.Contains(p.Get("text"), "Recorded as a bug report in") || !strings.Contains(p.Get("text"), fmt.Sprintf("#%d", *bug.TopicID)) {
		t.Fatalf("reply: thread_ts %q (want %s), text %q (want the bug report in topic #%d)", p.Get("thread_ts"), ts, p.Get("text"), *bug.TopicID)
	}

	// Slack retries a delivery it thinks failed: same event_id.
	if code, body := postSlack(t, s.base+"/slack/events", added, "application/json"); code != 200 || !strings.Contains(body, `"duplicate":true`) {
		t.Fatalf("redelivered reaction_added: %d %s", code, body)
	}

	// The reaction is removed: Slack's thread no longer carries it.
	s.fake.setThread(ch, ts, slackMessage(ts, ts, "U222222222", text), reply)
	removed := reactionEvent(t, "reaction_removed", "bug", ch, ts, "Ev0UNTAGGED1")
	if code, body := postSlack(t, s.base+"/slack/events", removed, "application/json"); code != 200 || !strings.Contains(body, `"queued":true`) {
		t.Fatalf("reaction_removed: %d %s", code, body)
	}
	waitFor(t, "the second reply", func() bool { return len(s.fake.posts(ch)) >= 2 })
	posts = s.fake.posts(ch)
	if len(posts) != 2 {
		t.Fatalf("%d replies after the retry and the removal, want 2 (the retry must not reply again)", len(posts))
	}
	if p := posts[1].Form; p.Get("thread_ts") != ts || !strings.HasPrefix(p.Get("text"), "No longer recorded as a bug report") {
		t.Fatalf("removal reply: thread_ts %q, text %q", p.Get("thread_ts"), p.Get("text"))
	}
	if it := humanBug(); it != nil {
		t.Fatalf("item %d is still a person's bug report after the reaction was removed", it.ID)
	}
	after, err := s.a.st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after["conversations"] != before["conversations"]+1 {
		t.Fatalf("conversations: %d before, %d after; want exactly one more", before["conversations"], after["conversations"])
	}
}

// TestServeSlackReactionBurst: support staff tag ten threads at once.
// The reactions a worker claims together are stored, classified and ranked
// as one batch, so the burst costs a few rankings of the backlog, not ten,
// and every thread still gets its own label, topic and one reply.
func TestServeSlackReactionBurst(t *testing.T) {
	// No scheduled pipeline run: its rankings would count with the burst's
	// (a quarter-hour due time can fall within the test).
	s := newSlackServeWith(t, true, "  every:\n    collect: -1s\n")
	ctx := context.Background()
	ch := "C123ABC456"
	s.fake.addUser("U222222222", "Dana Scully", "dana@scully.example.com")
	asks := []string{
		"The invoice export crashes with an error 500 every time I click Download PDF.",
		"Could you add a dark mode to the web app? The white screen hurts at night.",
		"Login with Okta SSO fails with an invalid SAML response since this morning.",
		"Please let us export the time report to Excel, not only CSV.",
		"The mobile app logs me out every few minutes on Android 14.",
		"We would love recurring tasks that repeat every Monday.",
		"The calendar sync with Google shows every event an hour late.",
		"Can you add a bulk edit to change the assignee of many tasks at once?",
		"Attachments over 10 MB fail to upload with a network error.",
		"Please add two-factor authentication with an authenticator app.",
	}
	var tss []string
	for i, text := range asks {
		ts := fmt.Sprintf("%d.%06d", time.Now().Add(-2*time.Hour).Unix(), 400+i)
		tss = append(tss, ts)
		s.fake.setThread(ch, ts, slackMessage(ts, ts, "U222222222", text, "bulb"))
	}
	rankings := func() int {
		t.Helper()
		_, metrics := send(t, "GET", s.base+"/metrics", "", nil)
		for _, line := range strings.Split(metrics, "\n") {
			if n, ok := strings.CutPrefix(line, "voc_rank_seconds_count "); ok {
				v, err := strconv.Atoi(n)
				if err != nil {
					t.Fatalf("voc_rank_seconds_count %q: %v", n, err)
				}
				return v
			}
		}
		t.Fatalf("/metrics has no voc_rank_seconds_count:\n%s", metrics)
		return 0
	}
	before := rankings()
	t.Logf("rankings before the burst: %d", before)
	// Thread reads wait until the whole burst is queued, as they would
	// behind a ranking of a large backlog.
	release := s.fake.holdReplies()
	for i, ts := range tss {
		ev := reactionEvent(t, "reaction_added", "bulb", ch, ts, fmt.Sprintf("Ev0BURST%04d", i))
		if code, body := postSlack(t, s.base+"/slack/events", ev, "application/json"); code != 200 || !strings.Contains(body, `"queued":true`) {
			release()
			t.Fatalf("reaction %d: %d %s", i, code, body)
		}
	}
	release()
	waitFor(t, "a reply in every thread", func() bool { return len(s.fake.posts(ch)) >= len(tss) || s.dead(t) > 0 })
	if d := s.dead(t); d > 0 {
		t.Fatalf("%d reaction events set aside", d)
	}
	ranked := rankings() - before
	// Two workers each hold one batch while the reads wait, and the rest
	// (at most the claim size of 8) is the third.
	if ranked < 1 || ranked > 3 {
		t.Fatalf("a burst of %d reactions ranked the backlog %d times, want 1 to 3", len(tss), ranked)
	}
	t.Logf("a burst of %d reactions ranked the backlog %d times", len(tss), ranked)
	replied := map[string]int{}
	for _, p := range s.fake.posts(ch) {
		replied[p.Form.Get("thread_ts")]++
		if !strings.Contains(p.Form.Get("text"), "Recorded as a feature request in") {
			t.Errorf("reply in thread %s: %q, want it recorded as a feature request", p.Form.Get("thread_ts"), p.Form.Get("text"))
		}
	}
	for i, ts := range tss {
		if replied[ts] != 1 {
			t.Errorf("thread %d (%s): %d replies, want 1", i, ts, replied[ts])
		}
		items, err := s.a.st.ConversationItems(ctx, "slack", ch+":"+ts)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, it := range items {
			found = found || (it.Kind == voc.KindFeature && it.DecidedBy == voc.ByHuman && it.TopicID != nil)
		}
		if !found {
			t.Errorf("thread %d (%s): no person's feature request in a topic: %+v", i, ts, items)
		}
	}
}

// TestServeSlackMessageShortcut runs voc's "Tag for the backlog" message
// shortcut on a reply inside a customer's thread: the whole thread is
// stored and ranked, voc answers in the thread (under its root, not the
// reply) with the topic the ask joined, and Slack's redelivery of the same
// shortcut neither stores nor replies again.
func TestServeSlackMessageShortcut(t *testing.T) {
	s := newSlackServe(t, true)
	ctx := context.Background()
	ch := "C0SUPPORT"
	root := fmt.Sprintf("%d.000100", time.Now().Add(-3*time.Hour).Unix())
	msgTS := fmt.Sprintf("%d.000400", time.Now().Add(-2*time.Hour).Unix())
	text := "Could you add recurring tasks? We need a weekly checklist that repeats every Monday for the whole team."
	s.fake.addUser("U0CUST001", "Fox Mulder", "fox@mulder.example.com")
	s.fake.setThread(ch, root, slackMessage(root, root, "U0CUST001", "Hi, a question about planning."), slackMessage(msgTS, root, "U0CUST001", text))
	before, err := s.a.st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	body := interaction(t, "message_action.json", func(m map[string]any) {
		m["channel"].(map[string]any)["id"] = ch
		m["message_ts"] = msgTS
		msg := m["message"].(map[string]any)
		msg["ts"], msg["thread_ts"], msg["text"] = msgTS, root, text
		m["response_url"] = s.fake.srv.URL + "/respond/shortcut"
	})
	if code, ans := postSlack(t, s.base+"/slack/interactions", body, formType); code != 200 || ans != "" {
		t.Fatalf("shortcut: %d %q", code, ans)
	}
	waitFor(t, "the reply in the thread", func() bool { return len(s.fake.posts(ch)) > 0 || s.dead(t) > 0 })
	posts := s.fake.posts(ch)
	if len(posts) != 1 {
		t.Fatalf("%d replies (%d events set aside), want 1", len(posts), s.dead(t))
	}
	conv := ch + ":" + root
	items, err := s.a.st.ConversationItems(ctx, "slack", conv)
	if err != nil {
		t.Fatalf("conversation %s: %v", conv, err)
	}
	var topic *int64
	for _, it := range items {
		if it.TopicID != nil && strings.Contains(it.Quote, "recurring tasks") {
			topic = it.TopicID
		}
	}
	if topic == nil {
		t.Fatalf("the tagged ask is in no topic: %+v", items)
	}
	if p := posts[0].Form; p.Get("thread_ts") != root || !strings.Contains(p.Get("text"), fmt.Sprintf("#%d", *topic)) {
		t.Fatalf("reply: thread_ts %q (want the root %s), text %q (want topic #%d)", p.Get("thread_ts"), root, p.Get("text"), *topic)
	}
	queued := s.queued(t)
	if code, _ := postSlack(t, s.base+"/slack/interactions", body, formType); code != 200 {
		t.Fatalf("redelivered shortcut: %d", code)
	}
	// The delivery is queued, or known as a duplicate, before it is answered.
	if n := s.queued(t); n != queued {
		t.Fatalf("the redelivery queued %d more events, want 0 (same trigger, a duplicate)", n-queued)
	}
	if n := len(s.fake.posts(ch)); n != 1 {
		t.Fatalf("%d replies after the redelivery, want 1", n)
	}
	after, err := s.a.st.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after["conversations"] != before["conversations"]+1 {
		t.Fatalf("conversations: %d before, %d after; want exactly one more", before["conversations"], after["conversations"])
	}
}

// TestServeSlackDigestButtons clicks the digest's buttons and submits its
// dialogs as Slack sends them.
func TestServeSlackDigestButtons(t *testing.T) {
	s := newSlackServe(t, true)
	ctx := context.Background()
	open := s.openTopics(t, 4)
	acceptID, declineID, fromID, intoID := open[0].ID, open[1].ID, open[2].ID, open[3].ID
	interactions := s.base + "/slack/interactions"

	// Accept: the topic is accepted in the name of who clicked, who is told.
	body := button(t, slack.ActionAccept, acceptID, "1001.2001.accept", s.fake.srv.URL+"/respond/accept")
	if code, ans := postSlack(t, interactions, body, formType); code != 200 {
		t.Fatalf("accept: %d %s", code, ans)
	}
	waitFor(t, "the answer to the accept", func() bool { return len(s.fake.seen("respond")) > 0 })
	if e := s.entry(t, acceptID); e.Status != voc.StatusAccepted || e.Decision == nil || e.Decision.Who != "slack:U0CA5" {
		t.Fatalf("topic %d after Accept: status %q decision %+v", acceptID, e.Status, e.Decision)
	}
	if r := s.fake.seen("respond"); len(r) != 1 || r[0].Method != "respond/accept" || !strings.Contains(fmt.Sprint(r[0].JSON["text"]), "accepted") {
		t.Fatalf("response_url calls: %+v", r)
	}

	// Decline: the dialog opens before the click is answered.
	body = button(t, slack.ActionDecline, declineID, "1001.2002.decline", s.fake.srv.URL+"/respond/decline")
	if code, ans := postSlack(t, interactions, body, formType); code != 200 {
		t.Fatalf("decline button: %d %s", code, ans)
	}
	views := s.fake.seen("views.open")
	if len(views) != 1 {
		t.Fatalf("views.open called %d times by the time the click was answered, want 1", len(views))
	}
	view, _ := views[0].JSON["view"].(map[string]any)
	if views[0].JSON["trigger_id"] != "1001.2002.decline" || view["callback_id"] != slack.CallbackDecline || view["private_metadata"] != strconv.FormatInt(declineID, 10) {
		t.Fatalf("views.open: trigger %v, view %v", views[0].JSON["trigger_id"], view)
	}
	reason := "Self-hosting is a non-goal: we run one hosted service."
	body = submission(t, "view_submission.decline.json", declineID, reason, "1001.2003.declined")
	if code, ans := postSlack(t, interactions, body, formType); code != 200 || ans != "" {
		t.Fatalf("decline submitted: %d %q (an empty answer closes the dialog)", code, ans)
	}
	waitFor(t, "the decline", func() bool {
		e := s.entry(t, declineID)
		return e.Status == voc.StatusDeclined && e.Decision != nil && e.Decision.Reason == reason
	})

	// Merge: the topic's asks move to the target.
	from, err := s.a.st.TopicItems(ctx, fromID)
	if err != nil || len(from) == 0 {
		t.Fatalf("items of topic %d: %d, %v", fromID, len(from), err)
	}
	body = submission(t, "view_submission.merge.json", fromID, fmt.Sprintf("#%d", intoID), "1001.2004.merged")
	if code, ans := postSlack(t, interactions, body, formType); code != 200 || ans != "" {
		t.Fatalf("merge submitted: %d %q", code, ans)
	}
	waitFor(t, "the merge", func() bool {
		into, err := s.a.st.TopicItems(ctx, intoID)
		if err != nil {
			t.Fatal(err)
		}
		in := map[int64]bool{}
		for _, it := range into {
			in[it.ID] = true
		}
		for _, it := range from {
			if !in[it.ID] {
				return false
			}
		}
		return true
	})

	// A target that does not exist: the dialog shows the error, nothing
	// is queued or changed.
	entries, _ := s.a.backlog(ctx)
	missing := int64(1000)
	for _, e := range entries {
		missing = max(missing, e.ID+1000)
	}
	queued, counts := s.queued(t), mustCounts(t, s.a.st)
	body = submission(t, "view_submission.merge.json", intoID, strconv.FormatInt(missing, 10), "1001.2005.nowhere")
	code, ans := postSlack(t, interactions, body, formType)
	var viewErr struct {
		Action string            `json:"response_action"`
		Errors map[string]string `json:"errors"`
	}
	if err := json.Unmarshal([]byte(ans), &viewErr); code != 200 || err != nil || viewErr.Action != "errors" || !strings.Contains(viewErr.Errors[slack.BlockTarget], strconv.FormatInt(missing, 10)) {
		t.Fatalf("merge into topic %d: %d %s", missing, code, ans)
	}
	if q, c := s.queued(t), mustCounts(t, s.a.st); q != queued || c["topic_overrides"] != counts["topic_overrides"] || c["decisions"] != counts["decisions"] {
		t.Fatalf("a refused merge changed something: queue %d→%d, overrides %d→%d", queued, q, counts["topic_overrides"], c["topic_overrides"])
	}

	// A target that is not a number is the person's typo too: Slack shows
	// only a generic failure for anything but a 200.
	t.Run("target not a number", func(t *testing.T) {
		body := submission(t, "view_submission.merge.json", intoID, "seven", "1001.2006.typo")
		code, ans := postSlack(t, interactions, body, formType)
		if err := json.Unmarshal([]byte(ans), &viewErr); code != 200 || err != nil || viewErr.Action != "errors" || viewErr.Errors[slack.BlockTarget] == "" {
			t.Fatalf("merge into %q: %d %s", "seven", code, ans)
		}
		if q := s.queued(t); q != queued {
			t.Fatalf("a refused merge was queued")
		}
	})
}

func mustCounts(t *testing.T, st *store.Store) map[string]int64 {
	t.Helper()
	c, err := st.Counts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// digestPost is one chat.postMessage of the digest, decoded.
type digestPost struct {
	blocks   []map[string]any
	sections []string // every section's text, in order
}

func decodeDigest(t *testing.T, c slackCall) digestPost {
	t.Helper()
	var d digestPost
	if err := json.Unmarshal([]byte(c.Form.Get("blocks")), &d.blocks); err != nil {
		t.Fatalf("blocks: %v", err)
	}
	for _, b := range d.blocks {
		if b["type"] == "section" {
			txt, _ := b["text"].(map[string]any)
			s, _ := txt["text"].(string)
			d.sections = append(d.sections, s)
		}
	}
	return d
}

// buttons are the (action_id, value) pairs of the message's buttons.
func (d digestPost) buttons() [][2]string {
	var out [][2]string
	for _, b := range d.blocks {
		els, _ := b["elements"].([]any)
		for _, el := range els {
			m, _ := el.(map[string]any)
			if m["type"] == "button" {
				out = append(out, [2]string{fmt.Sprint(m["action_id"]), fmt.Sprint(m["value"])})
			}
		}
	}
	return out
}

// shownTitle is how a title starts in the digest: redacted, escaped for
// mrkdwn, and short enough never to be clipped.
func shownTitle(a *app, title string) string {
	s := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(a.redactor.Redact(title))
	if utf8.RuneCountInString(s) > 40 {
		s = string([]rune(s)[:40])
	}
	return s
}

// TestServeSlackDigestPost posts the scheduled digest to a channel, as the
// digest job does: within Slack's limits, the top topic with its buttons,
// and then a topic shipped since with the customers to tell.
func TestServeSlackDigestPost(t *testing.T) {
	s := newSlackServe(t, false)
	ctx := context.Background()
	client := func() *slack.Client { return slack.NewClient(fakeSlackToken, s.fake.srv.URL) }
	if err := s.a.postDigest(ctx, io.Discard, s.dir, "C0DIGEST", client(), time.Time{}); err != nil {
		t.Fatal(err)
	}
	posts := s.fake.posts("C0DIGEST")
	if len(posts) != 1 {
		t.Fatalf("%d posts to C0DIGEST, want 1", len(posts))
	}
	d := decodeDigest(t, posts[0])
	if len(d.blocks) == 0 || len(d.blocks) > 50 {
		t.Fatalf("%d blocks, want 1 to 50", len(d.blocks))
	}
	for i, sec := range d.sections {
		if n := utf8.RuneCountInString(sec); n > 3000 {
			t.Fatalf("section %d has %d characters, Slack allows 3000", i, n)
		}
	}
	// The digest's top is the backlog's first topic neither declined nor
	// shipped.
	var top backlogEntry
	entries, err := s.a.backlog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Status != voc.StatusDeclined && e.Status != voc.StatusShipped {
			top = e
			break
		}
	}
	if top.Items == 0 {
		t.Fatalf("the example's top topic %d has no asks", top.ID)
	}
	if !strings.Contains(strings.Join(d.sections, "\n"), shownTitle(s.a, top.Title)) {
		t.Fatalf("the digest lacks the top topic %q:\n%s", top.Title, strings.Join(d.sections, "\n"))
	}
	accept := false
	for _, b := range d.buttons() {
		accept = accept || b == [2]string{slack.ActionAccept, strconv.FormatInt(top.ID, 10)}
	}
	if !accept {
		t.Fatalf("no %s button for topic %d: %v", slack.ActionAccept, top.ID, d.buttons())
	}

	// The top topic ships; the next digest says whom to tell.
	err = s.a.locked(ctx, func() error {
		if err := s.a.st.SetDecision(ctx, store.Decision{TopicKey: top.Key, Status: voc.StatusShipped, By: "test", At: time.Now()}); err != nil {
			return err
		}
		return s.a.rank(ctx, io.Discard)
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.a.postDigest(ctx, io.Discard, s.dir, "C0DIGEST", client(), time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	posts = s.fake.posts("C0DIGEST")
	if len(posts) != 2 {
		t.Fatalf("%d posts to C0DIGEST, want 2", len(posts))
	}
	d = decodeDigest(t, posts[1])
	heading, tell := -1, regexp.MustCompile(`(\d+) customers? to tell`)
	for i, sec := range d.sections {
		if strings.Contains(sec, "Shipped since") {
			heading = i
		}
		if heading >= 0 && i > heading && strings.Contains(sec, shownTitle(s.a, top.Title)) {
			if m := tell.FindStringSubmatch(sec); m != nil && m[1] != "0" {
				return
			}
			t.Fatalf("shipped topic without customers to tell: %q", sec)
		}
	}
	t.Fatalf("no shipped section with topic %q:\n%s", top.Title, strings.Join(d.sections, "\n"))
}

// TestServeSlackForged sends requests that did not come from Slack to
// every Slack endpoint: all refused with 401, none queued.
func TestServeSlackForged(t *testing.T) {
	s := newSlackServe(t, true)
	event := reactionEvent(t, "reaction_added", "bug", "C123ABC456", "1360782400.498405", "Ev0FORGED01")
	command, _ := slackCommand("1001.3001.forged", "bug the export hangs")
	click := button(t, slack.ActionAccept, s.openTopics(t, 1)[0].ID, "1001.3002.forged", s.fake.srv.URL+"/respond/forged")
	queued := s.queued(t)
	for _, r := range []struct{ path, body, ctype string }{
		{"/slack/events", event, "application/json"},
		{"/slack/commands", command, formType},
		{"/slack/interactions", click, formType},
	} {
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		forged := http.Header{"Content-Type": {r.ctype}, "X-Slack-Request-Timestamp": {ts}}
		m := hmac.New(sha256.New, []byte("not-the-signing-secret"))
		fmt.Fprintf(m, "v0:%s:%s", ts, r.body)
		forged.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
		tampered := slackHeaders(r.body + "&x=1") // signed, but for another body
		tampered.Set("Content-Type", r.ctype)
		for name, h := range map[string]http.Header{"unsigned": {"Content-Type": {r.ctype}}, "forged": forged, "tampered": tampered} {
			if code, ans := send(t, "POST", s.base+r.path, r.body, h); code != http.StatusUnauthorized {
				t.Errorf("%s request to %s: %d %s, want 401", name, r.path, code, ans)
			}
		}
	}
	if q := s.queued(t); q != queued {
		t.Fatalf("forged requests queued %d deliveries", q-queued)
	}
	if calls := append(s.fake.seen("views.open"), s.fake.seen("respond")...); len(calls) != 0 {
		t.Fatalf("a forged request reached Slack: %+v", calls)
	}
	// The same command, signed: it is queued, so the count above can move.
	if code, ans := postSlack(t, s.base+"/slack/commands", command, formType); code != 200 {
		t.Fatalf("signed command: %d %s", code, ans)
	}
	if q := s.queued(t); q != queued+1 {
		t.Fatalf("a signed command queued %d deliveries, want 1", q-queued)
	}
}

package jira

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/integrations/tracker"
	"github.com/voc-dev/voc/internal/httpx"
	"github.com/voc-dev/voc/internal/redact"
)

const (
	testEmail = "voc-bot@acme.example"
	testToken = "tokSECRET-9f8e7d6c5b4a" // distinctive, to be looked for in errors
)

// waits records the policy's sleeps instead of sleeping.
type waits struct {
	mu sync.Mutex
	d  []time.Duration
}

func (w *waits) sleep(_ context.Context, d time.Duration) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.d = append(w.d, d)
	return nil
}

func (w *waits) list() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]time.Duration(nil), w.d...)
}

func newClient(t *testing.T, f *fakeJira, email string, w *waits) *Client {
	t.Helper()
	if w == nil {
		w = &waits{}
	}
	c, err := New(Config{
		BaseURL: f.srv.URL, Email: email, Token: testToken, BugType: "Bug",
		HTTP:  f.srv.Client(),
		Retry: httpx.Policy{Sleep: w.sleep, Rand: func() float64 { return 0.5 }},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cloud returns a Cloud fake and a client for it.
func cloud(t *testing.T) (*fakeJira, *Client, *waits) {
	f := newFake(t, basicAuth(testEmail, testToken), false)
	w := &waits{}
	return f, newClient(t, f, testEmail, w), w
}

func topicInput(key, title string, kind voc.Kind) tracker.Input {
	day := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
	return tracker.Input{
		Topic: voc.Topic{ID: 7, Key: key, Title: title, Kind: kind, Area: "reporting",
			Status: voc.StatusOpen, Items: 3, Accounts: 2, MRR: 1234567, Currency: "USD", FirstSeen: day, LastSeen: day.AddDate(0, 1, 0),
			Score: 85.5, Breakdown: voc.Breakdown{"reach": 20, "revenue": 65.5}},
		Area: voc.Area{ID: "reporting", Name: "Reporting & export", JiraProject: "REP"},
		Evidence: []tracker.Evidence{
			{Quote: "We need a Gantt chart\nfor the Q3 plan", Source: "zendesk", ID: "48213", URL: "https://acme.zendesk.example/agent/tickets/48213", AskedAt: day},
			{Quote: "ガントチャートがほしいです", Source: "intercom", ID: "9", AskedAt: day},
		},
		Accounts: []tracker.Account{{ID: "a1", Name: "Globex", Plan: "enterprise", MRR: 1200000}, {ID: "a2", Name: "Initech", Plan: "team", MRR: 34567}},
		Weights:  "reach = accounts × 10; revenue = MRR share",
	}
}

// rendered is a real rendered issue, as voc sends it.
func rendered(key, title string, kind voc.Kind) tracker.Issue {
	return tracker.Render(topicInput(key, title, kind), redact.New())
}

func sync1(t *testing.T, c *Client, iss tracker.Issue) tracker.Result {
	t.Helper()
	res, err := c.Sync(context.Background(), iss)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// 1) The first sync creates the issue with everything voc wants in it.
func TestFirstSyncCreates(t *testing.T) {
	f, c, _ := cloud(t)
	iss := rendered("feature-abc", "Gantt chart view", voc.KindFeature)
	res := sync1(t, c, iss)
	if res.Action != tracker.Created || res.Writes != 1 || res.Remote.ID != "REP-1" || res.Remote.Tracker != "jira" ||
		res.Remote.URL != f.srv.URL+"/browse/REP-1" || res.Remote.State != tracker.StateOpen {
		t.Fatalf("result %+v", res)
	}
	if n := f.count("POST issue"); n != 1 {
		t.Fatalf("%d creates", n)
	}
	if f.count("GET search/jql") != 1 || f.count("GET search") != 0 {
		t.Fatalf("search calls %v", f.calls)
	}
	got := f.byLabel("voc-feature-abc")
	if len(got) != 1 {
		t.Fatalf("%d issues", len(got))
	}
	is := got[0]
	if is.Summary != "Gantt chart view" || is.Project != "REP" || is.Type != "Task" {
		t.Fatalf("issue %+v", is)
	}
	for _, l := range []string{"voc", "voc-feature-abc", "feature", "area-reporting"} {
		if !contains(is.Labels, l) {
			t.Errorf("labels %v lack %q", is.Labels, l)
		}
	}
	var doc adfNode
	if err := json.Unmarshal(is.Description, &doc); err != nil || doc.Type != "doc" {
		t.Fatalf("description is not ADF: %s", is.Description)
	}
	text := adfText(doc)
	for _, want := range []string{tracker.Marker("feature-abc"), "Summary", "Why it ranks here", "Affected accounts", "ガントチャートがほしいです", "zendesk 48213"} {
		if !strings.Contains(text, want) {
			t.Errorf("description lacks %q:\n%s", want, text)
		}
	}
}

// Bug topics get the bug type when BugType is set.
func TestBugTopicGetsBugType(t *testing.T) {
	f, c, _ := cloud(t)
	sync1(t, c, rendered("bug-crash", "Export crashes", voc.KindBug))
	if is := f.byLabel("voc-bug-crash"); len(is) != 1 || is[0].Type != "Bug" {
		t.Fatalf("issues %+v", is)
	}
}

// 2) A re-run with nothing changed makes zero write calls.
func TestRerunUnchangedMakesNoWrites(t *testing.T) {
	f, c, _ := cloud(t)
	iss := rendered("feature-abc", "Gantt chart view", voc.KindFeature)
	sync1(t, c, iss)
	f.resetCounts()
	for i := 0; i < 3; i++ {
		res := sync1(t, c, iss)
		if res.Action != tracker.Unchanged || res.Writes != 0 || res.Remote.ID != "REP-1" {
			t.Fatalf("run %d: %+v", i, res)
		}
	}
	if w := f.writes(); w != 0 {
		t.Fatalf("%d write calls on unchanged re-runs: %v", w, f.calls)
	}
}

// 3) A changed title is one edit, of the summary only.
func TestChangedTitleIsOneEdit(t *testing.T) {
	f, c, _ := cloud(t)
	iss := rendered("feature-abc", "Gantt chart view", voc.KindFeature)
	sync1(t, c, iss)
	f.resetCounts()
	iss.Title = "Gantt chart view with dependencies"
	res := sync1(t, c, iss)
	if res.Action != tracker.Updated || res.Writes != 1 {
		t.Fatalf("result %+v", res)
	}
	if f.writes() != 1 || f.count("PUT issue/*") != 1 || f.count("POST issue") != 0 {
		t.Fatalf("calls %v", f.calls)
	}
	var body map[string]map[string]any
	if err := json.Unmarshal([]byte(f.lastBody("PUT issue/*")), &body); err != nil {
		t.Fatal(err)
	}
	if len(body["fields"]) != 1 || body["fields"]["summary"] != iss.Title || body["update"] != nil {
		t.Fatalf("edit body %v", body)
	}
	if is := f.byLabel("voc-feature-abc"); is[0].Summary != iss.Title {
		t.Fatalf("summary %q", is[0].Summary)
	}
	f.resetCounts()
	if res := sync1(t, c, iss); res.Action != tracker.Unchanged || f.writes() != 0 {
		t.Fatalf("after edit: %+v, calls %v", res, f.calls)
	}
}

// A changed body is one edit of the description; a new label is added
// without dropping the labels people set in Jira.
func TestChangedBodyAndLabels(t *testing.T) {
	f, c, _ := cloud(t)
	iss := rendered("feature-abc", "Gantt chart view", voc.KindFeature)
	sync1(t, c, iss)
	is := f.byLabel("voc-feature-abc")[0]
	f.mu.Lock()
	is.Labels = append(is.Labels, "triaged")
	f.mu.Unlock()

	f.resetCounts()
	in := topicInput("feature-abc", "Gantt chart view", voc.KindFeature)
	in.Evidence = append(in.Evidence, tracker.Evidence{Quote: "Gantt please, with milestones", Source: "email", ID: "m-1", AskedAt: in.Topic.LastSeen})
	iss2 := tracker.Render(in, redact.New())
	iss2.Labels = append(iss2.Labels, "customer-ask")
	res := sync1(t, c, iss2)
	if res.Action != tracker.Updated || res.Writes != 1 || f.writes() != 1 {
		t.Fatalf("result %+v calls %v", res, f.calls)
	}
	var body struct {
		Fields map[string]json.RawMessage `json:"fields"`
		Update map[string][]map[string]string
	}
	if err := json.Unmarshal([]byte(f.lastBody("PUT issue/*")), &body); err != nil {
		t.Fatal(err)
	}
	if _, ok := body.Fields["description"]; !ok || body.Fields["summary"] != nil {
		t.Fatalf("edit fields %v", body.Fields)
	}
	if len(body.Update["labels"]) != 1 || body.Update["labels"][0]["add"] != "customer-ask" {
		t.Fatalf("label ops %v", body.Update)
	}
	if !contains(is.Labels, "triaged") || !contains(is.Labels, "customer-ask") {
		t.Fatalf("labels %v", is.Labels)
	}
	f.resetCounts()
	if res := sync1(t, c, iss2); res.Action != tracker.Unchanged || f.writes() != 0 {
		t.Fatalf("re-run: %+v, calls %v", res, f.calls)
	}
}

// 4) A crash between "created in Jira" and "recorded in voc's database":
// the next run, with a fresh client and no memory, finds the issue by its
// label and creates nothing.
func TestCrashBetweenCreateAndRecordDoesNotDuplicate(t *testing.T) {
	f, c, _ := cloud(t)
	iss := rendered("feature-abc", "Gantt chart view", voc.KindFeature)
	first := sync1(t, c, iss)
	// voc crashed here: first.Remote was never stored. A new process starts.
	f.resetCounts()
	c2 := newClient(t, f, testEmail, nil)
	res := sync1(t, c2, iss)
	if res.Action != tracker.Unchanged || res.Remote.ID != first.Remote.ID || res.Writes != 0 {
		t.Fatalf("after crash: %+v", res)
	}
	if f.count("POST issue") != 0 || len(f.byLabel("voc-feature-abc")) != 1 {
		t.Fatalf("duplicate: calls %v", f.calls)
	}
	// Same when the issue in Jira is stale (made by an older run): updated,
	// not duplicated.
	stale := f.seed("REP", "Old title", "old body", "voc", "voc-feature-old")
	f.resetCounts()
	res = sync1(t, c2, rendered("feature-old", "New title", voc.KindFeature))
	if res.Action != tracker.Updated || res.Remote.ID != stale.Key || f.count("POST issue") != 0 || f.count("PUT issue/*") != 1 {
		t.Fatalf("stale: %+v calls %v", res, f.calls)
	}
}

// Several issues with the label (e.g. made by hand before voc) resolve to
// the oldest one in the target project, across pages of search results.
func TestSearchFollowsNextPageToken(t *testing.T) {
	f, c, _ := cloud(t)
	f.pageSize = 1
	iss := rendered("feature-abc", "Gantt chart view", voc.KindFeature)
	f.seed("OPS", "elsewhere", "x", "voc-feature-abc")
	want := f.seed("REP", iss.Title, "x", "voc-feature-abc")
	f.seed("REP", "newer", "x", "voc-feature-abc")
	f.seed("REP", "other topic", "x", "voc-feature-abcd")
	res := sync1(t, c, iss)
	if res.Remote.ID != want.Key || f.count("POST issue") != 0 {
		t.Fatalf("picked %+v, calls %v", res, f.calls)
	}
	if n := f.count("GET search/jql"); n != 3 {
		t.Fatalf("%d search pages, want 3", n)
	}
}

// 5) 429 with Retry-After is waited out (through the injected Sleep) and
// then the call succeeds.
func TestRateLimitRetryAfter(t *testing.T) {
	f, c, w := cloud(t)
	f.addFault(fault{method: "GET", route: "search/jql", status: 429, retryAfter: "7", times: 2})
	f.addFault(fault{method: "POST", route: "issue", status: 429, retryAfter: "3", times: 1})
	res := sync1(t, c, rendered("feature-abc", "Gantt chart view", voc.KindFeature))
	if res.Action != tracker.Created || res.Writes != 1 {
		t.Fatalf("result %+v", res)
	}
	got := w.list()
	want := []time.Duration{7 * time.Second, 7 * time.Second, 3 * time.Second}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("waits %v, want %v", got, want)
	}
	if len(f.byLabel("voc-feature-abc")) != 1 || f.count("POST issue") != 2 {
		t.Fatalf("calls %v", f.calls)
	}
}

// 6) A 5xx in the middle of a batch is retried with backoff, and the batch
// completes with one issue per topic.
func TestServerErrorMidBatchIsRetried(t *testing.T) {
	f, c, w := cloud(t)
	keys := []string{"feature-a", "feature-b", "feature-c"}
	var issues []tracker.Issue
	for _, k := range keys {
		issues = append(issues, rendered(k, "Topic "+k, voc.KindFeature))
	}
	sync1(t, c, issues[0])
	f.addFault(fault{method: "GET", route: "search/jql", status: 502, times: 1})
	f.addFault(fault{method: "POST", route: "issue", status: 503, times: 1})
	for _, iss := range issues[1:] {
		if res := sync1(t, c, iss); res.Action != tracker.Created {
			t.Fatalf("%s: %+v", iss.Key, res)
		}
	}
	for _, k := range keys {
		if n := len(f.byLabel("voc-" + k)); n != 1 {
			t.Fatalf("%s: %d issues", k, n)
		}
	}
	if len(w.list()) != 2 {
		t.Fatalf("waits %v", w.list())
	}
	// The failed create was followed by a fresh search before it was sent again.
	if n := f.count("GET search/jql"); n != 3+1+1 {
		t.Fatalf("searches %d: %v", n, f.calls)
	}
	f.resetCounts()
	for _, iss := range issues {
		sync1(t, c, iss)
	}
	if f.writes() != 0 {
		t.Fatalf("re-run writes %v", f.calls)
	}
}

// A create that Jira carried out but whose answer was lost (504 after the
// write) is not sent twice: the search before the retry finds the issue.
func TestLostCreateAnswerIsAdoptedNotDuplicated(t *testing.T) {
	f, c, _ := cloud(t)
	f.addFault(fault{method: "POST", route: "issue", status: 504, times: 1, commit: true})
	res := sync1(t, c, rendered("feature-abc", "Gantt chart view", voc.KindFeature))
	if res.Action != tracker.Created || res.Remote.ID != "REP-1" || res.Writes != 1 {
		t.Fatalf("result %+v", res)
	}
	if n := len(f.byLabel("voc-feature-abc")); n != 1 || f.count("POST issue") != 1 {
		t.Fatalf("%d issues, calls %v", n, f.calls)
	}
}

// 7) Status maps status categories and resolutions.
func TestStatusMapping(t *testing.T) {
	f, c, _ := cloud(t)
	ctx := context.Background()
	res := sync1(t, c, rendered("feature-abc", "Gantt chart view", voc.KindFeature))
	key := res.Remote.ID

	_, err := c.Status(ctx, "feature-missing")
	if !errors.Is(err, ErrNotFound) || !strings.Contains(err.Error(), "feature-missing") {
		t.Fatalf("missing topic: %v", err)
	}

	cases := []struct {
		transition, resolution string
		state                  tracker.State
		wantRes                string
	}{
		{"11", "", tracker.StateOpen, ""},
		{"21", "", tracker.StateOpen, ""},
		{"31", "", tracker.StateDone, "Done"},
		{"31", "Fixed", tracker.StateDone, "Fixed"},
		{"31", "Won't Do", tracker.StateWontDo, "Won't Do"},
		{"31", "Won’t Fix", tracker.StateWontDo, "Won’t Fix"},
		{"41", "Declined", tracker.StateWontDo, "Declined"},
		{"41", "Duplicate", tracker.StateWontDo, "Duplicate"},
		{"21", "", tracker.StateOpen, ""}, // reopened
	}
	for _, tc := range cases {
		// An engineer moves the issue through the workflow's transitions.
		transition(t, f, key, tc.transition, tc.resolution)
		r, err := c.Status(ctx, "feature-abc")
		if err != nil {
			t.Fatal(err)
		}
		if r.State != tc.state || r.Resolution != tc.wantRes || r.ID != key || r.Tracker != "jira" || r.URL != f.srv.URL+"/browse/"+key {
			t.Errorf("transition %s %q: %+v, want %s %q", tc.transition, tc.resolution, r, tc.state, tc.wantRes)
		}
	}
	// Sync reports the state too, and a closed issue is left alone when unchanged.
	transition(t, f, key, "31", "Won't Do")
	f.resetCounts()
	res = sync1(t, c, rendered("feature-abc", "Gantt chart view", voc.KindFeature))
	if res.Remote.State != tracker.StateWontDo || res.Remote.Resolution != "Won't Do" || f.writes() != 0 {
		t.Fatalf("sync of closed issue: %+v", res)
	}
}

// transition drives the fake through its REST transitions, as Jira's UI would.
func transition(t *testing.T, f *fakeJira, key, id, resolution string) {
	t.Helper()
	req, _ := http.NewRequest("GET", f.srv.URL+"/rest/api/3/issue/"+key+"/transitions", nil)
	req.Header.Set("Authorization", f.wantAuth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("transitions: %v %v", resp, err)
	}
	var list struct {
		Transitions []struct {
			ID string `json:"id"`
		} `json:"transitions"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if len(list.Transitions) == 0 {
		t.Fatal("no transitions")
	}
	body := map[string]any{"transition": map[string]string{"id": id}}
	if resolution != "" {
		body["fields"] = map[string]any{"resolution": map[string]string{"name": resolution}}
	}
	b, _ := json.Marshal(body)
	req, _ = http.NewRequest("POST", f.srv.URL+"/rest/api/3/issue/"+key+"/transitions", bytes.NewReader(b))
	req.Header.Set("Authorization", f.wantAuth)
	req.Header.Set("Content-Type", "application/json")
	resp, err = http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 204 {
		t.Fatalf("transition %s: %v %v", id, resp, err)
	}
	resp.Body.Close()
}

func TestMapStateCategories(t *testing.T) {
	mk := func(key string, id int, res string) issueFields {
		f := issueFields{Status: &statusBean{}}
		f.Status.StatusCategory.Key, f.Status.StatusCategory.ID = key, id
		if res != "" {
			f.Resolution = &namedBean{Name: res}
		}
		return f
	}
	for _, tc := range []struct {
		f     issueFields
		state tracker.State
	}{
		{issueFields{}, tracker.StateOpen},
		{mk("new", 2, ""), tracker.StateOpen},
		{mk("indeterminate", 4, ""), tracker.StateOpen},
		{mk("indeterminate", 4, "Won't Do"), tracker.StateOpen}, // not closed yet
		{mk("done", 3, "Done"), tracker.StateDone},
		{mk("", 3, "won't  do"), tracker.StateWontDo},
		{mk("done", 3, "DUPLICATE"), tracker.StateWontDo},
	} {
		if got, _ := mapState(tc.f); got != tc.state {
			t.Errorf("%+v: %s, want %s", tc.f.Status, got, tc.state)
		}
	}
}

// 8) Cloud sends Basic e-mail:token; Server/Data Center sends Bearer with a
// personal access token and speaks API v2 with plain-text bodies.
func TestCloudBasicAuth(t *testing.T) {
	f, c, _ := cloud(t) // the fake answers 401 to anything but the exact Basic header
	sync1(t, c, rendered("feature-abc", "Gantt", voc.KindFeature))
	if f.wantAuth != "Basic "+base64.StdEncoding.EncodeToString([]byte(testEmail+":"+testToken)) {
		t.Fatal("test setup")
	}
}

func TestServerBearerAuthAndAPIv2(t *testing.T) {
	f := newFake(t, "Bearer "+testToken, true)
	c := newClient(t, f, "", nil)
	iss := rendered("feature-abc", "Gantt chart view", voc.KindFeature)
	res := sync1(t, c, iss)
	if res.Action != tracker.Created || res.Remote.ID != "REP-1" {
		t.Fatalf("result %+v", res)
	}
	if f.count("GET search/jql") != 0 || f.count("GET search") != 1 {
		t.Fatalf("server search calls %v", f.calls)
	}
	var desc string
	if err := json.Unmarshal(f.byLabel("voc-feature-abc")[0].Description, &desc); err != nil || !strings.HasPrefix(desc, tracker.Marker("feature-abc")) {
		t.Fatalf("v2 description %q %v", desc, err)
	}
	f.resetCounts()
	if res := sync1(t, c, iss); res.Action != tracker.Unchanged || f.writes() != 0 {
		t.Fatalf("re-run %+v %v", res, f.calls)
	}
	if err := c.Comment(context.Background(), "REP-1", "Evidence grew: 3 new asks."); err != nil {
		t.Fatal(err)
	}
	if body := f.lastBody("POST issue/*/comment"); body != `{"body":"Evidence grew: 3 new asks."}`+"\n" {
		t.Fatalf("v2 comment body %s", body)
	}
	if r, err := c.Status(context.Background(), "feature-abc"); err != nil || r.State != tracker.StateOpen {
		t.Fatalf("status %+v %v", r, err)
	}
}

// A Cloud-mode client (e-mail set) against a Server that has no search/jql
// falls back to API v2 once.
func TestFallbackToV2WhenSearchJQLMissing(t *testing.T) {
	f := newFake(t, basicAuth("jsmith", testToken), true)
	c := newClient(t, f, "jsmith", nil)
	iss := rendered("feature-abc", "Gantt chart view", voc.KindFeature)
	sync1(t, c, iss)
	sync1(t, c, iss)
	if f.count("GET search/jql") != 1 || f.count("GET search") != 2 || len(f.byLabel("voc-feature-abc")) != 1 {
		t.Fatalf("calls %v", f.calls)
	}
}

// The token is never in an error: not from New, not from a 401 whose body
// repeats the Authorization header, not from a give-up after retries.
func TestTokenNeverInErrors(t *testing.T) {
	ctx := context.Background()
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", what)
		}
		b64 := base64.StdEncoding.EncodeToString([]byte(testEmail + ":" + testToken))
		if msg := err.Error(); strings.Contains(msg, testToken) || strings.Contains(msg, b64) || strings.Contains(fmt.Sprintf("%+v", err), testToken) {
			t.Fatalf("%s: error leaks the token: %s", what, msg)
		}
	}
	for _, email := range []string{testEmail, ""} {
		f := newFake(t, "Basic wrong", false)
		f.echoAuth = true
		c := newClient(t, f, email, nil)
		_, err := c.Sync(ctx, rendered("feature-abc", "Gantt", voc.KindFeature))
		check("401 sync", err)
		if !strings.Contains(err.Error(), "jira: search issue for topic feature-abc: HTTP 401") || !strings.Contains(err.Error(), "xxxxx") {
			t.Fatalf("401 error %q", err)
		}
		_, err = c.Status(ctx, "feature-abc")
		check("401 status", err)
		check("401 comment", c.Comment(ctx, "REP-1", "hi"))
	}
	_, err := New(Config{BaseURL: "https://user:" + testToken + "@acme.atlassian.net", Token: testToken})
	check("new", err)
	if s := fmt.Sprintf("%v %+v %#v", Config{Token: testToken}, Config{Token: testToken}, Config{Token: testToken}); strings.Contains(s, testToken) {
		t.Fatalf("config prints the token: %s", s)
	}

	f, c, _ := cloud(t)
	f.addFault(fault{method: "GET", route: "search/jql", status: 503, times: 100})
	_, err = c.Sync(ctx, rendered("feature-abc", "Gantt", voc.KindFeature))
	check("give up", err)
	if !strings.Contains(err.Error(), "giving up after 6 attempts") {
		t.Fatalf("give-up error %q", err)
	}
}

// Errors name the topic key, the call and Jira's own message.
func TestErrorsNameTopicAndCall(t *testing.T) {
	_, c, _ := cloud(t)
	iss := rendered("feature-abc", "Gantt chart view", voc.KindFeature)
	iss.Target = "NOPE"
	_, err := c.Sync(context.Background(), iss)
	want := "jira: create issue for topic feature-abc in NOPE: HTTP 400: project: valid project is required"
	if err == nil || err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
	var se *httpx.StatusError
	if !errors.As(err, &se) || se.Status != 400 {
		t.Fatalf("cause not kept: %#v", err)
	}
	iss.Target = ""
	if _, err := c.Sync(context.Background(), iss); err == nil || !strings.Contains(err.Error(), "topic feature-abc") {
		t.Fatalf("no target: %v", err)
	}
}

func TestNewValidatesAndNamesSettings(t *testing.T) {
	_, err := New(Config{})
	if err == nil || !strings.Contains(err.Error(), "BaseURL is empty") || !strings.Contains(err.Error(), "Token is empty") {
		t.Fatalf("empty config: %v", err)
	}
	for _, bad := range []string{"acme.atlassian.net", "ftp://acme", "https://acme.atlassian.net?x=1", "https://"} {
		if _, err := New(Config{BaseURL: bad, Token: "t"}); err == nil || !strings.Contains(err.Error(), "BaseURL") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	c, err := New(Config{BaseURL: "https://acme.atlassian.net/", Token: "t", Email: "a@b.c"})
	if err != nil || c.base != "https://acme.atlassian.net" || c.issueType != "Task" || c.v2.Load() {
		t.Fatalf("%+v %v", c, err)
	}
	// A PAT on a Cloud host still uses v3; a PAT elsewhere means Server/DC.
	if c, _ := New(Config{BaseURL: "https://acme.atlassian.net", Token: "t"}); c.v2.Load() {
		t.Fatal("cloud host with bearer should use v3")
	}
	if c, _ := New(Config{BaseURL: "https://jira.example.com/jira", Token: "t"}); !c.v2.Load() || c.browse("REP-1") != "https://jira.example.com/jira/browse/REP-1" {
		t.Fatal("server")
	}
}

// Comments go to the issue as ADF on Cloud and count as writes.
func TestCommentCloud(t *testing.T) {
	f, c, _ := cloud(t)
	sync1(t, c, rendered("feature-abc", "Gantt chart view", voc.KindFeature))
	f.resetCounts()
	if err := c.Comment(context.Background(), "REP-1", "Evidence grew:\n\n- 3 new asks from **enterprise** accounts"); err != nil {
		t.Fatal(err)
	}
	if f.writes() != 1 {
		t.Fatalf("calls %v", f.calls)
	}
	var body struct {
		Body adfNode `json:"body"`
	}
	if err := json.Unmarshal([]byte(f.lastBody("POST issue/*/comment")), &body); err != nil || body.Body.Type != "doc" {
		t.Fatalf("comment %v", err)
	}
	if text := adfText(body.Body); !strings.Contains(text, "3 new asks from enterprise accounts") {
		t.Fatalf("comment text %q", text)
	}
	if err := c.Comment(context.Background(), "REP-99", "x"); err == nil || !strings.Contains(err.Error(), "jira: comment on REP-99: HTTP 404") {
		t.Fatalf("missing issue: %v", err)
	}
}

// Concurrent syncs of different topics are safe (run with -race).
func TestConcurrentSyncs(t *testing.T) {
	f, c, _ := cloud(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if _, err := c.Sync(context.Background(), rendered(fmt.Sprintf("feature-%d", i), "Topic", voc.KindFeature)); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if f.count("POST issue") != 8 {
		t.Fatalf("calls %v", f.calls)
	}
}

func TestMarkdownToADF(t *testing.T) {
	iss := rendered("feature-abc", "Gantt chart view", voc.KindFeature)
	doc := markdownToADF(iss.Body)
	types := map[string]int{}
	marks := map[string]int{}
	var walk func(n adfNode)
	walk = func(n adfNode) {
		types[n.Type]++
		if n.Type == "text" && n.Text == "" {
			t.Error("empty text node")
		}
		for _, m := range n.Marks {
			marks[m.Type]++
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(doc)
	for _, want := range []string{"heading", "paragraph", "table", "tableRow", "tableHeader", "tableCell", "blockquote", "hardBreak", "rule"} {
		if types[want] == 0 {
			t.Errorf("no %s node in %v", want, types)
		}
	}
	for _, want := range []string{"strong", "link", "em"} {
		if marks[want] == 0 {
			t.Errorf("no %s mark in %v", want, marks)
		}
	}
	// Every word of the Markdown (less its syntax) survives.
	text := adfText(doc)
	for _, w := range []string{"voc:topic=feature-abc", "Feature request", "85.50", "$12,345.67", "ガントチャートがほしいです", "Q3", "Kept in step by voc", "reach = accounts × 10"} {
		if !strings.Contains(text, w) {
			t.Errorf("ADF text lacks %q:\n%s", w, text)
		}
	}
	if got := mdInline("status out_of_scope and _quiet_ `code`"); len(got) != 4 || got[0].Text != "status out_of_scope and " || got[1].Marks[0].Type != "em" || got[3].Marks[0].Type != "code" {
		b, _ := json.Marshal(got)
		t.Errorf("inline: %s", b)
	}
	code := markdownToADF("```go\nfmt.Println(1)\n```\n- a\n- b")
	if code.Content[0].Type != "codeBlock" || code.Content[0].Content[0].Text != "fmt.Println(1)" || code.Content[1].Type != "bulletList" || len(code.Content[1].Content) != 2 {
		b, _ := json.Marshal(code)
		t.Errorf("code/list: %s", b)
	}
}

// The comparison tolerates Jira regrouping ADF (merged text nodes, extra
// attrs) but not changed words.
func TestDescriptionComparison(t *testing.T) {
	md := "<!-- voc:topic=x -->\n\n## Summary\n\nline one\nline two"
	doc := markdownToADF(md)
	// What Jira might return: same words, text nodes merged, attrs added.
	returned := `{"type":"doc","version":1,"content":[
		{"type":"paragraph","content":[{"type":"text","text":"<!-- voc:topic=x -->"}]},
		{"type":"heading","attrs":{"level":2,"localId":"abc"},"content":[{"type":"text","text":"Summary"}]},
		{"type":"paragraph","content":[{"type":"text","text":"line one"},{"type":"hardBreak"},{"type":"text","text":"line two"}]}]}`
	have, isADF := descriptionText(json.RawMessage(returned))
	if !isADF || !sameADFText(have, adfText(doc)) {
		t.Fatalf("%q vs %q", have, adfText(doc))
	}
	changed := strings.Replace(returned, "line two", "line 2", 1)
	if have, _ := descriptionText(json.RawMessage(changed)); sameADFText(have, adfText(doc)) {
		t.Fatal("changed words not seen")
	}
	if have, isADF := descriptionText(json.RawMessage(`"a\r\nb  \n"`)); isADF || !samePlainText(have, "a\nb") {
		t.Fatalf("plain %q", have)
	}
	if have, _ := descriptionText(json.RawMessage(`null`)); have != "" {
		t.Fatal("null")
	}
}

// The fake's answers keep the shapes of the OpenAPI examples they are built
// from.
func TestFakeAnswersKeepExampleShapes(t *testing.T) {
	f, c, _ := cloud(t)
	sync1(t, c, rendered("feature-abc", "Gantt", voc.KindFeature))
	req, _ := http.NewRequest("GET", f.srv.URL+"/rest/api/3/issue/REP-1", nil)
	req.Header.Set("Authorization", f.wantAuth)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&got)
	for k := range f.tmpl.issueV3["fields"].(map[string]any) {
		if _, ok := got["fields"].(map[string]any)[k]; !ok {
			t.Errorf("GET issue lacks field %q of the example", k)
		}
	}
	for _, k := range []string{"id", "key", "self", "fields"} {
		if _, ok := got[k]; !ok {
			t.Errorf("GET issue lacks %q", k)
		}
	}
}

// A recorded decline is created, then moved to the workflow's Rejected
// status; re-runs leave it alone, and a status read maps it to won't do.
func TestWontDoIsTransitionedToRejectedOnce(t *testing.T) {
	f, c, _ := cloud(t)
	iss := rendered("oos-desktop", "Native desktop app", voc.KindOutOfScope)
	iss.WontDo = true
	res := sync1(t, c, iss)
	if res.Action != tracker.Created || res.Writes != 2 || res.Remote.State != tracker.StateWontDo || res.Remote.Resolution != "Rejected" {
		t.Fatalf("first sync: %+v", res)
	}
	if n := f.count("POST issue/*/transitions"); n != 1 {
		t.Fatalf("%d transitions posted, calls %v", n, f.calls)
	}
	got := f.byLabel("voc-oos-desktop")
	if len(got) != 1 || got[0].Status != "Rejected" {
		t.Fatalf("issues %+v", got)
	}
	r, err := c.Status(context.Background(), "oos-desktop")
	if err != nil || r.State != tracker.StateWontDo {
		t.Fatalf("status %+v %v", r, err)
	}
	f.resetCounts()
	if res := sync1(t, c, iss); res.Action != tracker.Unchanged || f.writes() != 0 {
		t.Fatalf("re-run: %+v, calls %v", res, f.calls)
	}
	// A done issue (shipped after all) is never moved back.
	transition(t, f, res.Remote.ID, "31", "Fixed")
	f.resetCounts()
	if res := sync1(t, c, iss); res.Remote.State != tracker.StateDone || f.writes() != 0 {
		t.Fatalf("done issue: %+v, calls %v", res, f.calls)
	}
}

// A workflow with no way to say "won't do" is an error naming the issue,
// never a plain Done (which would read as shipped).
func TestWontDoWithoutSuchTransitionFails(t *testing.T) {
	f, c, _ := cloud(t)
	saved := fakeWorkflow
	fakeWorkflow = fakeWorkflow[:3] // To Do, In Progress, Done
	t.Cleanup(func() { fakeWorkflow = saved })
	iss := rendered("oos-desktop", "Native desktop app", voc.KindOutOfScope)
	iss.WontDo = true
	_, err := c.Sync(context.Background(), iss)
	if err == nil || !strings.Contains(err.Error(), "REP-1") || !strings.Contains(err.Error(), "record_declines") {
		t.Fatalf("err %v", err)
	}
	if got := f.byLabel("voc-oos-desktop"); len(got) != 1 || got[0].Status == "Done" {
		t.Fatalf("issues %+v", got)
	}
}

func TestWontDoResolutionReadsBothShapes(t *testing.T) {
	var f transitionField
	if err := json.Unmarshal([]byte(`{"allowedValues":["red",{"id":"1","name":"Fixed"},{"id":"10000","name":"Won’t Do"},{"name":"Duplicate"}]}`), &f); err != nil {
		t.Fatal(err)
	}
	if got := f.names(); len(got) != 4 || got[0] != "red" || got[2] != "Won’t Do" {
		t.Fatalf("names %q", got)
	}
	if got := wontDoResolution(f.names()); got != "Won’t Do" {
		t.Fatalf("resolution %q", got)
	}
	if got := wontDoResolution([]string{"Duplicate", "Fixed"}); got != "" {
		t.Fatalf("duplicate or fixed is no decline: %q", got)
	}
}

// The issue's priority follows the topic's rank, mapped onto the site's
// own priorities (read once, most urgent first); an unchanged rank band
// writes nothing, and a setting off leaves priorities to people.
func TestPriorityFollowsTheRank(t *testing.T) {
	f, c, _ := cloud(t)
	in := topicInput("feature-abc", "Gantt chart view", voc.KindFeature)
	in.Rank = 2
	iss := tracker.Render(in, redact.New())
	if iss.Priority != tracker.Highest {
		t.Fatalf("rank 2 is %v", iss.Priority)
	}
	sync1(t, c, iss)
	if is := f.byLabel("voc-feature-abc"); len(is) != 1 || is[0].Priority != "Blocker" {
		t.Fatalf("issues %+v, want priority Blocker (the site's first)", is)
	}
	in.Rank = 3 // same band: nothing to write
	f.resetCounts()
	sync1(t, c, tracker.Render(in, redact.New()))
	if f.writes() != 0 || f.count("GET priority") != 0 {
		t.Fatalf("same band: calls %v", f.calls)
	}
	in.Rank = 12 // medium: the site's third
	res := sync1(t, c, tracker.Render(in, redact.New()))
	if is := f.byLabel("voc-feature-abc"); res.Action != tracker.Updated || is[0].Priority != "Major" {
		t.Fatalf("rank 12: %+v, priority %q", res, is[0].Priority)
	}
	if !strings.Contains(f.lastBody("PUT issue/*"), `"priority":{"name":"Major"}`) {
		t.Fatalf("edit body %s", f.lastBody("PUT issue/*"))
	}

	off, err := New(Config{BaseURL: f.srv.URL, Email: testEmail, Token: testToken, HTTP: f.srv.Client(), NoPriority: true})
	if err != nil {
		t.Fatal(err)
	}
	in.Rank = 40
	f.resetCounts()
	if _, err := off.Sync(context.Background(), tracker.Render(in, redact.New())); err != nil {
		t.Fatal(err)
	}
	if is := f.byLabel("voc-feature-abc"); is[0].Priority != "Major" || f.count("GET priority") != 0 {
		t.Fatalf("NoPriority changed it: %q, calls %v", is[0].Priority, f.calls)
	}
}

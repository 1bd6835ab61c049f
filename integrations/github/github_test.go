package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/integrations/tracker"
)

// testToken is distinctive so that a test can tell it never leaks.
const testToken = "ghp_VOCtestTOKEN_do_not_leak_7f3a9c"

type noRedact struct{}

func (noRedact) Redact(s string) string { return s }

// topicIssue is a real rendered issue for a topic whose area lives in
// acme/flow.
func topicIssue(key, title string) tracker.Issue {
	day := time.Date(2026, 10, 2, 0, 0, 0, 0, time.UTC)
	return tracker.Render(tracker.Input{
		Topic: voc.Topic{ID: 7, Key: key, Title: title, Kind: voc.KindFeature, Area: "reporting", Status: voc.StatusOpen,
			Items: 3, Accounts: 2, MRR: 123456, Currency: "USD", FirstSeen: day, LastSeen: day, Score: 42, Breakdown: voc.Breakdown{"reach": 42}},
		Area:     voc.Area{ID: "reporting", Name: "Reporting", GitHubRepo: "acme/flow"},
		Evidence: []tracker.Evidence{{Quote: "Please add a Gantt chart", Source: "zendesk", ID: "1", AskedAt: day}},
	}, noRedact{})
}

func sortedLower(ls []string) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = strings.ToLower(l)
	}
	slices.Sort(out)
	return out
}

func count(reqs []string, prefix string) int {
	n := 0
	for _, r := range reqs {
		if strings.HasPrefix(r, prefix) {
			n++
		}
	}
	return n
}

func mustSync(t *testing.T, c *Client, iss tracker.Issue) tracker.Result {
	t.Helper()
	res, err := c.Sync(context.Background(), iss)
	if err != nil {
		t.Fatalf("Sync %s: %v", iss.Key, err)
	}
	return res
}

func TestSyncCreatesThenRerunWritesNothing(t *testing.T) {
	f := newFake(t, testToken, newClock())
	c := f.client(t)
	iss := topicIssue("feature-abc", "Gantt chart")
	if iss.Target != "acme/flow" || !strings.Contains(iss.Body, tracker.Marker("feature-abc")) {
		t.Fatalf("rendered issue: target %q", iss.Target)
	}

	res := mustSync(t, c, iss)
	want := tracker.Remote{Tracker: "github", ID: "acme/flow#1", URL: "https://github.com/acme/flow/issues/1", State: tracker.StateOpen}
	if res.Action != tracker.Created || res.Writes != 1 || res.Remote != want {
		t.Fatalf("first sync: %+v", res)
	}
	got := f.issues("acme/flow")
	if len(got) != 1 || got[0].Title != iss.Title || got[0].Body != iss.Body || !slices.Equal(sortedLower(got[0].Labels), sortedLower(iss.Labels)) {
		t.Fatalf("created %+v", got)
	}
	reqs := f.requests()
	if len(reqs) != 2 || reqs[0] != "GET /repos/acme/flow/issues?labels=voc-feature-abc&per_page=100&state=all" || reqs[1] != "POST /repos/acme/flow/issues" {
		t.Fatalf("requests %q", reqs)
	}

	// Nothing changed: one read, no write.
	f.resetLog()
	res = mustSync(t, c, iss)
	if res.Action != tracker.Unchanged || res.Writes != 0 || res.Remote != want || f.writeCount() != 0 || len(f.requests()) != 1 {
		t.Fatalf("re-run: %+v, requests %q", res, f.requests())
	}

	// People touched the issue in ways that change nothing voc owns: the
	// web editor saved CRLF line ends, someone added a label, and a label
	// voc sets was re-created with another case. Still no write.
	f.edit("acme/flow", 1, func(is *fakeIssue) {
		is.Body = strings.ReplaceAll(is.Body, "\n", "\r\n") + "\r\n"
		is.Labels = append(is.Labels, "p1")
		for i, l := range is.Labels {
			if l == "feature" {
				is.Labels[i] = "Feature"
			}
		}
	})
	f.resetLog()
	res = mustSync(t, c, iss)
	if res.Action != tracker.Unchanged || res.Writes != 0 || f.writeCount() != 0 {
		t.Fatalf("re-run after harmless edits: %+v, requests %q", res, f.requests())
	}
}

func TestSyncEditsOnlyWhatChanged(t *testing.T) {
	f := newFake(t, testToken, newClock())
	c := f.client(t)
	iss := topicIssue("feature-abc", "Gantt chart")
	mustSync(t, c, iss)
	f.edit("acme/flow", 1, func(is *fakeIssue) { is.Labels = append(is.Labels, "p1") })

	steps := []struct {
		name   string
		change func(*tracker.Issue)
		want   string // the PATCH body
	}{
		{"body", func(is *tracker.Issue) { is.Body = strings.Replace(is.Body, "| Asks | 3 |", "| Asks | 4 |", 1) }, `"body"`},
		{"title", func(is *tracker.Issue) { is.Title = "Gantt chart view" }, `{"title":"Gantt chart view"}`},
		{"labels", func(is *tracker.Issue) { is.Labels = append(is.Labels, "area-planning") }, `"labels"`},
	}
	for _, s := range steps {
		s.change(&iss)
		f.resetLog()
		res := mustSync(t, c, iss)
		payloads := f.writePayloads()
		if res.Action != tracker.Updated || res.Writes != 1 || count(f.requests(), "PATCH /repos/acme/flow/issues/1") != 1 || len(payloads) != 1 {
			t.Fatalf("%s: %+v, requests %q", s.name, res, f.requests())
		}
		var fields map[string]any
		json.Unmarshal([]byte(payloads[0]), &fields)
		if len(fields) != 1 || !strings.Contains(payloads[0], s.want) {
			t.Errorf("%s: PATCH sent %s, want only %s", s.name, payloads[0], s.want)
		}
	}
	is := f.issues("acme/flow")[0]
	if is.Title != "Gantt chart view" || is.Body != iss.Body {
		t.Errorf("issue not in step: %q", is.Title)
	}
	if !slices.Contains(is.Labels, "p1") || !slices.Contains(is.Labels, "area-planning") {
		t.Errorf("labels %q: voc's new label missing or a person's label dropped", is.Labels)
	}
	f.resetLog()
	if res := mustSync(t, c, iss); res.Action != tracker.Unchanged || f.writeCount() != 0 {
		t.Fatalf("after the edits: %+v", res)
	}
}

func TestCrashBetweenCreateAndRecordMakesNoDuplicate(t *testing.T) {
	clock := newClock()
	f := newFake(t, testToken, clock)
	f.pageSize = 2
	iss := topicIssue("feature-abc", "Gantt chart")

	// Run 1 creates the issue on GitHub and dies before voc records it.
	first := mustSync(t, f.client(t), iss)
	if first.Action != tracker.Created {
		t.Fatalf("run 1: %+v", first)
	}
	// Meanwhile the repository fills up: other voc topics, pull requests
	// that mention the topic's label, and the issue is closed, so that it
	// sits on a later page of the labelled list and not among open issues.
	for i := 0; i < 3; i++ {
		f.seed("acme/flow", fakeIssue{Title: "PR " + strconv.Itoa(i), Labels: []string{"voc-feature-abc"}, PR: true})
		f.seed("acme/flow", fakeIssue{Title: "other", Labels: []string{"voc", "voc-bug-1"}})
	}
	f.edit("acme/flow", 1, func(is *fakeIssue) { is.State, is.StateReason = "closed", "completed" })

	// Run 2 has lost the database: it knows nothing but the topic.
	f.resetLog()
	second := mustSync(t, f.client(t), iss)
	if second.Action != tracker.Unchanged || second.Remote.ID != first.Remote.ID || second.Remote.State != tracker.StateDone || f.writeCount() != 0 {
		t.Fatalf("run 2: %+v, requests %q", second, f.requests())
	}
	if n := count(f.requests(), "GET "); n != 2 {
		t.Errorf("run 2 read %d pages, want 2 (pull requests on page 1)", n)
	}
	if n := len(f.issues("acme/flow")); n != 4 {
		t.Fatalf("%d issues, want the topic's and 3 others", n)
	}
}

func TestLostCreateAnswerMakesNoDuplicate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		status int
		apply  bool
		writes int
	}{
		{"502 after GitHub created it", http.StatusBadGateway, true, 1},
		{"connection dropped after GitHub created it", hangUp, true, 1},
		{"502 and nothing created", http.StatusBadGateway, false, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			f := newFake(t, testToken, clock)
			c := f.client(t)
			f.addFault(fault{method: "POST", path: "/repos/acme/flow/issues", status: tc.status, apply: tc.apply,
				body: `{"message":"Server Error","documentation_url":"https://docs.github.com/rest"}`})
			res := mustSync(t, c, topicIssue("feature-abc", "Gantt chart"))
			if n := len(f.issues("acme/flow")); n != 1 {
				t.Fatalf("%d issues, want 1; requests %q", n, f.requests())
			}
			if res.Action != tracker.Created || res.Remote.ID != "acme/flow#1" || res.Writes != tc.writes || count(f.requests(), "POST") != tc.writes {
				t.Fatalf("%+v, requests %q", res, f.requests())
			}
			if len(clock.Sleeps()) != 1 {
				t.Errorf("waits %v, want one backoff before looking again", clock.Sleeps())
			}
		})
	}
}

func TestConcurrentSyncsOfOneTopicCreateOnce(t *testing.T) {
	f := newFake(t, testToken, newClock())
	c := f.client(t)
	iss := topicIssue("feature-abc", "Gantt chart")
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := c.Sync(context.Background(), iss); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := len(f.issues("acme/flow")); n != 1 {
		t.Fatalf("%d issues", n)
	}
}

const secondaryBody = `{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID 0000:00000:0000000:0000000:00000000.","documentation_url":"https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}`

func TestRateLimitsAreWaitedNotHammered(t *testing.T) {
	type step struct {
		method, path string
		status       int
		header       http.Header
		body         string
	}
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	for _, tc := range []struct {
		name   string
		faults func(now time.Time) []step
		waits  []time.Duration
	}{
		{"403 secondary with Retry-After on create", func(time.Time) []step {
			return []step{{"POST", "/repos/acme/flow/issues", 403, h("Retry-After", "7", "X-RateLimit-Remaining", "4000"), secondaryBody}}
		}, []time.Duration{7 * time.Second}},
		{"403 secondary without a time waits a minute", func(time.Time) []step {
			return []step{{"POST", "/repos/acme/flow/issues", 403, h("X-RateLimit-Remaining", "4000"), secondaryBody}}
		}, []time.Duration{time.Minute}},
		{"429 with Retry-After on list", func(time.Time) []step {
			return []step{{"GET", "/repos/acme/flow/issues", 429, h("Retry-After", "3"), `{"message":"Too Many Requests"}`}}
		}, []time.Duration{3 * time.Second}},
		{"403 primary waits for the reset", func(now time.Time) []step {
			return []step{{"GET", "/repos/acme/flow/issues", 403, h("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", strconv.FormatInt(now.Add(30*time.Second).Unix(), 10)),
				`{"message":"API rate limit exceeded for installation ID 1.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}`}}
		}, []time.Duration{30 * time.Second}},
		{"two limits in a row", func(time.Time) []step {
			return []step{
				{"POST", "/repos/acme/flow/issues", 429, h("Retry-After", "2"), `{"message":"Too Many Requests"}`},
				{"POST", "/repos/acme/flow/issues", 403, h("Retry-After", "5"), secondaryBody},
			}
		}, []time.Duration{2 * time.Second, 5 * time.Second}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := newClock()
			f := newFake(t, testToken, clock)
			c := f.client(t)
			steps := tc.faults(clock.Now())
			for _, s := range steps {
				f.addFault(fault{method: s.method, path: s.path, status: s.status, header: s.header, body: s.body})
			}
			res := mustSync(t, c, topicIssue("feature-abc", "Gantt chart"))
			if res.Action != tracker.Created || len(f.issues("acme/flow")) != 1 {
				t.Fatalf("%+v", res)
			}
			if got := clock.Sleeps(); !slices.Equal(got, tc.waits) {
				t.Errorf("waits %v, want %v", got, tc.waits)
			}
			if n := len(f.requests()); n != 2+len(steps) {
				t.Errorf("%d requests, want %d: %q", n, 2+len(steps), f.requests())
			}
		})
	}
}

func TestLongRateLimitFailsAtOnceAndIsRemembered(t *testing.T) {
	clock := newClock()
	f := newFake(t, testToken, clock)
	c := f.client(t)
	f.addFault(fault{method: "GET", path: "/repos/acme/flow/issues", status: 403, header: http.Header{"Retry-After": {"3600"}}, body: secondaryBody})
	_, err := c.Sync(context.Background(), topicIssue("feature-abc", "Gantt chart"))
	if err == nil || !strings.Contains(err.Error(), "secondary rate limit") || !strings.Contains(err.Error(), "wait 1h0m0s") {
		t.Fatalf("error %v", err)
	}
	if len(f.requests()) != 1 || len(clock.Sleeps()) != 0 {
		t.Fatalf("requests %q, waits %v", f.requests(), clock.Sleeps())
	}
	// The next call does not even ask.
	_, err = c.Status(context.Background(), "acme/flow", "feature-abc")
	if err == nil || len(f.requests()) != 1 {
		t.Fatalf("second call: %v, requests %q", err, f.requests())
	}
	t.Log(err)
}

func TestExhaustedQuotaIsNotHammered(t *testing.T) {
	clock := newClock()
	f := newFake(t, testToken, clock)
	c := f.client(t)
	mustSync(t, c, topicIssue("feature-abc", "Gantt chart"))
	zero := 0
	f.rateLimitRemaining = &zero // the last request of the hour
	if _, err := c.Status(context.Background(), "acme/flow", "feature-abc"); err != nil {
		t.Fatal(err)
	}
	f.resetLog()
	_, err := c.Sync(context.Background(), topicIssue("feature-def", "Dark mode"))
	if err == nil || !strings.Contains(err.Error(), "primary rate limit of 5000 requests exhausted until") {
		t.Fatalf("error %v", err)
	}
	if len(f.requests()) != 0 {
		t.Fatalf("asked GitHub anyway: %q", f.requests())
	}
}

func TestPersistent429GivesUp(t *testing.T) {
	clock := newClock()
	f := newFake(t, testToken, clock)
	c := f.client(t)
	f.addFault(fault{method: "GET", path: "/repos/acme/flow/issues", status: 429, header: http.Header{"Retry-After": {"1"}}, body: `{"message":"Too Many Requests"}`, times: 100})
	_, err := c.Sync(context.Background(), topicIssue("feature-abc", "Gantt chart"))
	if err == nil || !strings.Contains(err.Error(), "gave up after 6 attempts") || !strings.Contains(err.Error(), "find issue for topic feature-abc in acme/flow") {
		t.Fatalf("error %v", err)
	}
	if n := len(f.requests()); n != 6 {
		t.Fatalf("%d requests", n)
	}
}

func TestForbiddenIsNotRetried(t *testing.T) {
	f := newFake(t, testToken, newClock())
	c := f.client(t)
	f.addFault(fault{method: "POST", path: "/repos/acme/flow/issues", status: 403,
		body: `{"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue"}`})
	_, err := c.Sync(context.Background(), topicIssue("feature-abc", "Gantt chart"))
	if err == nil || !strings.Contains(err.Error(), "HTTP 403 Resource not accessible by integration") || count(f.requests(), "POST") != 1 {
		t.Fatalf("error %v, requests %q", err, f.requests())
	}
}

func TestServerErrorsMidBatchAreRetried(t *testing.T) {
	clock := newClock()
	f := newFake(t, testToken, clock)
	c := f.client(t)
	keys := []string{"feature-a", "feature-b", "feature-c", "feature-d"}
	batch := func() []tracker.Result {
		var out []tracker.Result
		for i, k := range keys {
			if i == 1 {
				// Mid-batch GitHub stumbles on a read, an edit and a create.
				f.addFault(fault{method: "GET", path: "/repos/acme/flow/issues", status: 502, body: "<html>Bad Gateway</html>"})
				f.addFault(fault{method: "PATCH", path: "/repos/acme/flow/issues/3", status: 502, body: "<html>Bad Gateway</html>"})
				f.addFault(fault{method: "GET", path: "/repos/acme/flow/issues", status: 503, body: `{"message":"Service Unavailable"}`})
			}
			iss := topicIssue(k, "Topic "+k)
			if k == "feature-c" {
				iss.Body += "\nNew evidence.\n"
			}
			out = append(out, mustSync(t, c, iss))
		}
		return out
	}
	// First batch: create a, b, d; c exists with an older body.
	f.seed("acme/flow", fakeIssue{Title: "Topic feature-c"})
	f.seed("acme/flow", fakeIssue{Title: "Topic x", Labels: []string{"voc"}})
	old := topicIssue("feature-c", "Topic feature-c")
	f.seed("acme/flow", fakeIssue{Title: old.Title, Body: old.Body, Labels: old.Labels})
	res := batch()
	actions := []tracker.Action{res[0].Action, res[1].Action, res[2].Action, res[3].Action}
	if !slices.Equal(actions, []tracker.Action{tracker.Created, tracker.Created, tracker.Updated, tracker.Created}) {
		t.Fatalf("actions %v, requests %q", actions, f.requests())
	}
	if len(f.issues("acme/flow")) != 6 {
		t.Fatalf("%d issues", len(f.issues("acme/flow")))
	}
	waits := clock.Sleeps()
	if len(waits) != 3 {
		t.Fatalf("waits %v, want three backoffs", waits)
	}
	for _, w := range waits {
		if w < 250*time.Millisecond || w > time.Second {
			t.Errorf("backoff %v", w)
		}
	}
	// A second batch finds all four and writes nothing.
	f.resetLog()
	for _, r := range batch() {
		if r.Action != tracker.Unchanged {
			t.Errorf("second batch: %+v", r)
		}
	}
	if f.writeCount() != 0 || len(f.issues("acme/flow")) != 6 {
		t.Fatalf("second batch wrote: %q", f.requests())
	}
}

func TestStatusMapsStates(t *testing.T) {
	f := newFake(t, testToken, newClock())
	c := f.client(t)
	cases := []struct {
		key, state, reason string
		want               tracker.State
		resolution         string
	}{
		{"feature-open", "open", "", tracker.StateOpen, ""},
		{"feature-reopened", "open", "reopened", tracker.StateOpen, ""},
		{"feature-done", "closed", "completed", tracker.StateDone, "completed"},
		{"feature-old", "closed", "", tracker.StateDone, ""},
		{"feature-no", "closed", "not_planned", tracker.StateWontDo, "not_planned"},
		{"feature-dup", "closed", "duplicate", tracker.StateWontDo, "duplicate"},
	}
	for _, tc := range cases {
		n := f.seed("acme/flow", fakeIssue{Title: tc.key, Body: tracker.Marker(tc.key), Labels: []string{"voc", tracker.Label(tc.key)}, State: tc.state, StateReason: tc.reason})
		got, err := c.Status(context.Background(), "acme/flow", tc.key)
		if err != nil {
			t.Fatal(err)
		}
		want := tracker.Remote{Tracker: "github", ID: fmt.Sprintf("acme/flow#%d", n), URL: fmt.Sprintf("https://github.com/acme/flow/issues/%d", n), State: tc.want, Resolution: tc.resolution}
		if got != want {
			t.Errorf("%s: %+v, want %+v", tc.key, got, want)
		}
	}
	_, err := c.Status(context.Background(), "acme/flow", "feature-none")
	if !errors.Is(err, ErrNotFound) || !strings.HasPrefix(err.Error(), "github: status of topic feature-none in acme/flow: ") {
		t.Fatalf("missing topic: %v", err)
	}
	if f.writeCount() != 0 {
		t.Fatal("Status wrote")
	}
}

func TestPullRequestsWithTheLabelAreIgnored(t *testing.T) {
	f := newFake(t, testToken, newClock())
	c := f.client(t)
	key := "feature-abc"
	f.seed("acme/flow", fakeIssue{Title: "Add Gantt chart", Body: "Fixes the ask " + tracker.Marker(key), Labels: []string{tracker.Label(key)}, PR: true})
	if _, err := c.Status(context.Background(), "acme/flow", key); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Status found the pull request: %v", err)
	}
	res := mustSync(t, c, topicIssue(key, "Gantt chart"))
	if res.Action != tracker.Created || res.Remote.ID != "acme/flow#2" {
		t.Fatalf("%+v", res)
	}
	if count(f.requests(), "PATCH") != 0 {
		t.Fatal("edited the pull request")
	}
	r, err := c.Status(context.Background(), "acme/flow", key)
	if err != nil || r.ID != "acme/flow#2" {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestDuplicatesAlreadyThereKeepTheMarkedOldest(t *testing.T) {
	f := newFake(t, testToken, newClock())
	c := f.client(t)
	key := "feature-abc"
	iss := topicIssue(key, "Gantt chart")
	f.seed("acme/flow", fakeIssue{Title: "someone's", Body: "no marker", Labels: []string{tracker.Label(key)}})
	f.seed("acme/flow", fakeIssue{Title: iss.Title, Body: iss.Body, Labels: iss.Labels})
	f.seed("acme/flow", fakeIssue{Title: iss.Title, Body: iss.Body, Labels: iss.Labels})
	res := mustSync(t, c, iss)
	if res.Action != tracker.Unchanged || res.Remote.ID != "acme/flow#2" {
		t.Fatalf("%+v", res)
	}
}

func TestLabelsDroppedStopsCreating(t *testing.T) {
	f := newFake(t, testToken, newClock())
	f.dropLabels = true
	c := f.client(t)
	res, err := c.Sync(context.Background(), topicIssue("feature-abc", "Gantt chart"))
	if !errors.Is(err, ErrLabelsDropped) || res.Writes != 1 || res.Remote.ID != "acme/flow#1" || !strings.Contains(err.Error(), "created acme/flow#1") {
		t.Fatalf("%+v %v", res, err)
	}
	f.resetLog()
	_, err = c.Sync(context.Background(), topicIssue("feature-def", "Dark mode"))
	if !errors.Is(err, ErrLabelsDropped) || count(f.requests(), "POST") != 0 {
		t.Fatalf("%v, requests %q", err, f.requests())
	}
}

// TestListFollowsRecordedLinkHeaders replays the five recorded pages of
// octokit's paginate-issues scenario, with their real link headers (which
// point at /repositories/1000 on api.github.com: go-github takes the page
// number and stays on the configured host).
func TestListFollowsRecordedLinkHeaders(t *testing.T) {
	var pages []struct {
		Path     string
		Response json.RawMessage
		Headers  map[string]any
	}
	readJSON(t, "testdata/paginate-issues.normalized-fixture.json", &pages)
	var mu sync.Mutex
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		got = append(got, r.URL.RequestURI())
		mu.Unlock()
		if r.URL.Path != "/api/v3/repos/octokit-fixture-org/paginate-issues/issues" {
			t.Errorf("request %s", r.URL)
			http.NotFound(w, r)
			return
		}
		p, _ := strconv.Atoi(r.URL.Query().Get("page"))
		p = max(p, 1)
		for k, v := range pages[p-1].Headers {
			if k != "content-length" && k != "connection" {
				w.Header().Set(k, fmt.Sprint(v))
			}
		}
		w.Write(pages[p-1].Response)
	}))
	defer srv.Close()
	c, err := New(Config{Token: testToken, BaseURL: srv.URL + "/api/v3", CreatePace: NoPacing})
	if err != nil {
		t.Fatal(err)
	}
	issues, err := c.listLabelled(context.Background(), "octokit-fixture-org", "paginate-issues", "x")
	if err != nil {
		t.Fatal(err)
	}
	var numbers []int
	for _, is := range issues {
		numbers = append(numbers, is.GetNumber())
	}
	if !slices.Equal(numbers, []int{13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1}) {
		t.Fatalf("numbers %v", numbers)
	}
	if len(got) != 5 || !strings.Contains(got[4], "page=5") {
		t.Fatalf("requests %q", got)
	}
}

func TestCommentIsPacedAndCounted(t *testing.T) {
	clock := newClock()
	f := newFake(t, testToken, clock)
	c := f.clientWith(t, Config{CreatePace: time.Second})
	res := mustSync(t, c, topicIssue("feature-abc", "Gantt chart"))
	if len(clock.Sleeps()) != 0 {
		t.Fatalf("first write waited %v", clock.Sleeps())
	}
	for _, body := range []string{"Shipped in 4.2.", "Customers told."} {
		if err := c.Comment(context.Background(), "acme/flow", 1, body); err != nil {
			t.Fatal(err)
		}
	}
	if got := clock.Sleeps(); !slices.Equal(got, []time.Duration{time.Second, time.Second}) {
		t.Fatalf("waits %v, want 1s before each comment", got)
	}
	if is := f.issues("acme/flow")[0]; !slices.Equal(is.Comments, []string{"Shipped in 4.2.", "Customers told."}) || res.Writes != 1 {
		t.Fatalf("comments %q", is.Comments)
	}
	// Reads are not paced.
	clock.sleeps = nil
	if _, err := c.Status(context.Background(), "acme/flow", "feature-abc"); err != nil || len(clock.Sleeps()) != 0 {
		t.Fatalf("%v %v", err, clock.Sleeps())
	}

	err := c.Comment(context.Background(), "acme/flow", 99, "hello")
	if err == nil || !strings.HasPrefix(err.Error(), "github: comment on acme/flow#99: POST /api/v3/repos/acme/flow/issues/99/comments: HTTP 404 Not Found") {
		t.Fatalf("error %v", err)
	}
	f.addFault(fault{method: "POST", path: "/repos/acme/flow/issues/1/comments", status: 502, body: "bad gateway"})
	f.resetLog()
	err = c.Comment(context.Background(), "acme/flow", 1, "again")
	if err == nil || !strings.Contains(err.Error(), "may have been posted") || len(f.requests()) != 1 {
		t.Fatalf("error %v, requests %q", err, f.requests())
	}
}

func TestNewDefaultsAndChecks(t *testing.T) {
	c, err := New(Config{Token: testToken})
	if err != nil {
		t.Fatal(err)
	}
	if c.tr.pace != time.Second || c.gh.BaseURL.String() != "https://api.github.com/" {
		t.Fatalf("pace %v, base %v", c.tr.pace, c.gh.BaseURL)
	}
	c, err = New(Config{Token: testToken, BaseURL: "https://ghe.example.com/api/v3"})
	if err != nil || c.gh.BaseURL.String() != "https://ghe.example.com/api/v3/" {
		t.Fatalf("%v %v", err, c)
	}
	for _, cfg := range []Config{
		{},
		{Token: "  "},
		{Token: testToken, BaseURL: "ftp://x"},
		{Token: testToken, BaseURL: "https://user:" + testToken + "@ghe.example.com/api/v3/"},
		{Token: testToken, BaseURL: "https://ghe.example.com/api/v3/?x=1"},
	} {
		_, err := New(cfg)
		if err == nil {
			t.Errorf("%+v accepted", cfg.BaseURL)
			continue
		}
		if strings.Contains(err.Error(), testToken) {
			t.Errorf("error shows the token: %v", err)
		}
	}
}

func TestErrorsNameTheCallAndHideTheToken(t *testing.T) {
	clock := newClock()
	f := newFake(t, testToken, clock)
	c := f.client(t)
	ctx := context.Background()
	iss := topicIssue("feature-abc", "Gantt chart")
	var errs []error
	check := func(err error, prefix string, more ...string) {
		t.Helper()
		if err == nil {
			t.Fatalf("no error, want %q", prefix)
		}
		t.Log(err)
		errs = append(errs, err)
		if !strings.HasPrefix(err.Error(), prefix) {
			t.Errorf("error %q\nwant prefix %q", err, prefix)
		}
		for _, m := range more {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("error %q lacks %q", err, m)
			}
		}
	}

	// A 422 in the recorded shape, from a server that echoes the token.
	f.addFault(fault{method: "POST", path: "/repos/acme/flow/issues", status: 422,
		body: `{"message":"Validation Failed","errors":[{"resource":"Issue","code":"invalid","field":"labels"},{"resource":"Issue","code":"custom","message":"bad token ` + testToken + `"}],"documentation_url":"https://docs.github.com/rest/issues/issues#create-an-issue"}`})
	_, err := c.Sync(ctx, iss)
	check(err, "github: create issue for topic feature-abc in acme/flow: POST /api/v3/repos/acme/flow/issues: HTTP 422 Validation Failed: Issue labels invalid; bad token xxxxx")
	if count(f.requests(), "POST") != 1 {
		t.Errorf("a 422 was retried: %q", f.requests())
	}

	// A fake 422 of the fake itself: no title.
	bad := iss
	bad.Title = " "
	_, err = c.Sync(ctx, bad)
	check(err, "github: sync issue for topic feature-abc in acme/flow: the issue has no title")

	_, err = c.Sync(ctx, tracker.Issue{Key: "feature-abc", Title: "t", Body: "b", Target: "acme/missing"})
	check(err, "github: find issue for topic feature-abc in acme/missing: GET /api/v3/repos/acme/missing/issues?", "HTTP 404 Not Found (no such repository")

	_, err = c.Sync(ctx, tracker.Issue{Key: "feature-abc", Title: "t", Body: "b", Target: "REP"})
	check(err, `github: sync issue for topic feature-abc in REP: repository "REP" is not owner/repo`)

	_, err = c.Sync(ctx, tracker.Issue{Key: "feature,abc", Title: "t", Body: "b", Target: "acme/flow"})
	check(err, "github: sync issue for topic feature,abc in acme/flow: topic key")

	f.addFault(fault{method: "GET", path: "/repos/acme/flow/issues", status: 500, body: `{"message":"Server Error"}`, times: 100})
	_, err = c.Status(ctx, "acme/flow", "feature-abc")
	check(err, "github: find issue for topic feature-abc in acme/flow: GET ", "HTTP 500 Server Error (gave up after 6 attempts")
	f.mu.Lock()
	f.faults = nil
	f.mu.Unlock()

	// A wrong token, itself distinctive.
	wrong := "ghp_WRONGtoken_also_secret_1234"
	cw := f.clientWith(t, Config{Token: wrong, CreatePace: NoPacing})
	_, err = cw.Sync(ctx, iss)
	check(err, "github: find issue for topic feature-abc in acme/flow: GET ", "HTTP 401 Bad credentials (check VOC_GITHUB_TOKEN")
	if strings.Contains(err.Error(), wrong) {
		t.Errorf("error shows the wrong token: %v", err)
	}

	// Nobody answers.
	f.srv.Close()
	_, err = c.Sync(ctx, iss)
	check(err, "github: find issue for topic feature-abc in acme/flow: ", "gave up after 6 attempts")

	for _, err := range errs {
		if strings.Contains(err.Error(), testToken) {
			t.Errorf("error shows the token: %v", err)
		}
	}
}

// TestVerifyWebhook checks the real vector from GitHub's documentation.
func TestVerifyWebhook(t *testing.T) {
	b, err := os.ReadFile("testdata/webhook_signature_vector.txt")
	if err != nil {
		t.Fatal(err)
	}
	vec := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok && !strings.HasPrefix(line, "#") {
			vec[k] = v
		}
	}
	secret, body, sig := vec["secret"], []byte(vec["payload"]), vec["X-Hub-Signature-256"]
	if secret != "It's a Secret to Everybody" || string(body) != "Hello, World!" || !strings.HasPrefix(sig, "sha256=757107ea") {
		t.Fatalf("vector not read: %q", vec)
	}
	if !VerifyWebhook(secret, sig, body) {
		t.Fatal("the real vector is refused")
	}
	hexSig := strings.TrimPrefix(sig, "sha256=")
	flipped := []byte(hexSig)
	if flipped[10] == '0' {
		flipped[10] = '1'
	} else {
		flipped[10] = '0'
	}
	for name, tc := range map[string]struct {
		secret, header string
		body           []byte
	}{
		"wrong secret":     {"It's a secret to everybody", sig, body},
		"changed body":     {secret, sig, []byte("Hello, World?")},
		"trailing newline": {secret, sig, append(append([]byte(nil), body...), '\n')},
		"unsigned":         {secret, "", body},
		"empty secret":     {"", sig, body},
		"no prefix":        {secret, hexSig, body},
		"sha1 prefix":      {secret, "sha1=" + hexSig, body},
		"one digit forged": {secret, "sha256=" + string(flipped), body},
		"truncated":        {secret, sig[:len(sig)-2], body},
		"not hex":          {secret, "sha256=" + strings.Repeat("zz", 32), body},
		"prefix only":      {secret, "sha256=", body},
	} {
		if VerifyWebhook(tc.secret, tc.header, tc.body) {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestWontDoIsCreatedClosedAsNotPlannedOnce(t *testing.T) {
	f := newFake(t, testToken, newClock())
	c := f.client(t)
	iss := topicIssue("oos-abc", "Native Windows desktop app")
	iss.WontDo = true

	res := mustSync(t, c, iss)
	if res.Action != tracker.Created || res.Writes != 2 || res.Remote.State != tracker.StateWontDo || res.Remote.Resolution != "not_planned" {
		t.Fatalf("first sync: %+v", res)
	}
	got := f.issues("acme/flow")
	if len(got) != 1 || got[0].State != "closed" || got[0].StateReason != "not_planned" {
		t.Fatalf("issue %+v: want one issue closed as not_planned", got)
	}
	// The re-run finds it closed and writes nothing.
	f.resetLog()
	if res := mustSync(t, c, iss); res.Action != tracker.Unchanged || f.writeCount() != 0 {
		t.Fatalf("re-run: %+v, requests %q", res, f.requests())
	}
	// Someone reopened it on GitHub: voc closes it again (the decline is
	// voc's call), in one edit carrying only the state.
	f.edit("acme/flow", 1, func(is *fakeIssue) { is.State, is.StateReason = "open", "reopened" })
	f.resetLog()
	res = mustSync(t, c, iss)
	payloads := f.writePayloads()
	if res.Action != tracker.Updated || len(payloads) != 1 || !strings.Contains(payloads[0], `"state":"closed"`) || !strings.Contains(payloads[0], `"state_reason":"not_planned"`) || strings.Contains(payloads[0], `"body"`) {
		t.Fatalf("after a reopen: %+v, payloads %q", res, payloads)
	}
	// An issue closed as completed is never reopened or re-closed.
	f.edit("acme/flow", 1, func(is *fakeIssue) { is.State, is.StateReason = "closed", "completed" })
	f.resetLog()
	if res := mustSync(t, c, iss); res.Writes != 0 || f.writeCount() != 0 {
		t.Fatalf("closed as completed: %+v", res)
	}
}

func TestPriorityLabelFollowsTheRank(t *testing.T) {
	f := newFake(t, testToken, newClock())
	c := f.client(t)
	iss := topicIssue("feature-abc", "Gantt chart")
	iss.Priority = tracker.High
	mustSync(t, c, iss)
	f.edit("acme/flow", 1, func(is *fakeIssue) { is.Labels = append(is.Labels, "p1-customer") })
	if got := f.issues("acme/flow")[0].Labels; !slices.Contains(got, "priority-high") {
		t.Fatalf("labels %q", got)
	}
	// The topic climbs: the label changes in one edit; people's labels stay.
	iss.Priority = tracker.Highest
	f.resetLog()
	res := mustSync(t, c, iss)
	got := f.issues("acme/flow")[0].Labels
	if res.Writes != 1 || !slices.Contains(got, "priority-highest") || slices.Contains(got, "priority-high") || !slices.Contains(got, "p1-customer") {
		t.Fatalf("after the climb: %+v, labels %q", res, got)
	}
	f.resetLog()
	if res := mustSync(t, c, iss); res.Writes != 0 || f.writeCount() != 0 {
		t.Fatalf("re-run: %+v", res)
	}
}

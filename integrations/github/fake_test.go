package github

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voc-dev/voc/internal/httpx"
)

// fakeClock is the time the client and the fake GitHub share. Sleep records
// the wait and moves the clock on instead of sleeping.
type fakeClock struct {
	mu     sync.Mutex
	t      time.Time
	sleeps []time.Duration
}

func newClock() *fakeClock { return &fakeClock{t: time.Now().Truncate(time.Second)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *fakeClock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// fakeIssue is an issue or pull request the fake keeps in memory.
type fakeIssue struct {
	Number      int
	Title       string
	Body        string
	Labels      []string
	State       string // open, closed
	StateReason string // "" is null
	PR          bool
	Comments    []string
}

// fault is an answer the fake gives instead of the real one, to requests
// matching method and path (after the API root, without the query).
type fault struct {
	method, path string
	status       int
	header       http.Header
	body         string
	// apply does the request and then answers with the fault: the answer
	// is lost but the work is done, like a 502 after GitHub created the
	// issue.
	apply bool
	times int
}

// fakeGitHub is an in-memory GitHub REST API (version 2022-11-28) mounted
// at /api/v3/, answering in the shapes of the recorded octokit fixtures in
// testdata, and counting the write calls it receives.
type fakeGitHub struct {
	t     *testing.T
	srv   *httptest.Server
	clock *fakeClock
	token string

	mu         sync.Mutex
	repos      map[string][]*fakeIssue // by lower-case "owner/repo"
	labelNames map[string]map[string]string
	pageSize   int // largest page the fake serves, whatever per_page says
	faults     []*fault
	log        []string
	payloads   []string // bodies of the write requests, in order
	writes     int
	dropLabels bool // GitHub's answer to a token without push access
	remaining  int
	// rateLimitRemaining, when set, is the x-ratelimit-remaining the next
	// successful answers carry.
	rateLimitRemaining *int

	issueTemplate map[string]any
	labelTemplate map[string]any
	errorShape    map[string]any
}

const fakeRoot = "/api/v3"

// hangUp, as a fault's status, closes the connection without an answer.
const hangUp = -1

func newFake(t *testing.T, token string, clock *fakeClock) *fakeGitHub {
	t.Helper()
	f := &fakeGitHub{t: t, clock: clock, token: token, repos: map[string][]*fakeIssue{}, labelNames: map[string]map[string]string{}, pageSize: 100, remaining: 5000}

	// Shapes from recorded api.github.com traffic.
	var created []struct{ Response json.RawMessage }
	readJSON(t, "testdata/add-labels-to-issue.normalized-fixture.json", &created)
	var labels []map[string]any
	if err := json.Unmarshal(created[0].Response, &f.issueTemplate); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(created[1].Response, &labels); err != nil {
		t.Fatal(err)
	}
	f.labelTemplate = labels[0]
	var errs []struct{ Response map[string]any }
	readJSON(t, "testdata/errors.normalized-fixture.json", &errs)
	f.errorShape = errs[0].Response

	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// client returns a client of the fake with no pacing and the fake's clock.
func (f *fakeGitHub) client(t *testing.T) *Client {
	t.Helper()
	return f.clientWith(t, Config{CreatePace: NoPacing})
}

func (f *fakeGitHub) clientWith(t *testing.T, cfg Config) *Client {
	t.Helper()
	if cfg.Token == "" {
		cfg.Token = f.token
	}
	cfg.BaseURL = f.srv.URL + fakeRoot + "/"
	cfg.Retry.Sleep = f.clock.Sleep
	cfg.Retry.Rand = func() float64 { return 0 }
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c.now = f.clock.Now
	return c
}

func (f *fakeGitHub) seed(repo string, is fakeIssue) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	k := strings.ToLower(repo)
	is.Number = len(f.repos[k]) + 1
	if is.State == "" {
		is.State = "open"
	}
	is.Labels = f.canonLabels(k, is.Labels)
	f.repos[k] = append(f.repos[k], &is)
	return is.Number
}

func (f *fakeGitHub) issues(repo string) []fakeIssue {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeIssue
	for _, is := range f.repos[strings.ToLower(repo)] {
		if !is.PR {
			c := *is
			c.Labels = append([]string(nil), is.Labels...)
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeGitHub) edit(repo string, n int, fn func(*fakeIssue)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f.repos[strings.ToLower(repo)][n-1])
}

func (f *fakeGitHub) addFault(ft fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if ft.times == 0 {
		ft.times = 1
	}
	f.faults = append(f.faults, &ft)
}

func (f *fakeGitHub) writeCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writes
}

func (f *fakeGitHub) requests() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.log...)
}

func (f *fakeGitHub) writePayloads() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.payloads...)
}

func (f *fakeGitHub) resetLog() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log, f.writes, f.payloads = nil, 0, nil
}

// canonLabels spells labels as the repository already spells them (label
// names are case-insensitive on GitHub) and creates the others.
func (f *fakeGitHub) canonLabels(repo string, labels []string) []string {
	if f.labelNames[repo] == nil {
		f.labelNames[repo] = map[string]string{}
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range labels {
		low := strings.ToLower(l)
		if seen[low] {
			continue
		}
		seen[low] = true
		if name, ok := f.labelNames[repo][low]; ok {
			l = name
		} else {
			f.labelNames[repo][low] = l
		}
		out = append(out, l)
	}
	return out
}

func (f *fakeGitHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var payload []byte
	if r.Body != nil {
		payload, _ = io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(payload))
	}
	f.mu.Lock()
	f.log = append(f.log, r.Method+" "+strings.TrimPrefix(r.URL.RequestURI(), fakeRoot))
	if r.Method != http.MethodGet {
		f.writes++
		f.payloads = append(f.payloads, string(payload))
	}
	f.mu.Unlock()

	if !strings.HasPrefix(r.URL.Path, fakeRoot+"/") {
		f.t.Errorf("request outside the API root: %s %s", r.Method, r.URL)
		http.NotFound(w, r)
		return
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+f.token {
		f.reply(w, http.StatusUnauthorized, nil, map[string]any{"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	if v := r.Header.Get("X-GitHub-Api-Version"); v != "2022-11-28" {
		f.t.Errorf("X-GitHub-Api-Version %q, want 2022-11-28", v)
	}
	if ua := r.Header.Get("User-Agent"); ua != httpx.UserAgent {
		f.t.Errorf("User-Agent %q", ua)
	}
	path := strings.TrimPrefix(r.URL.Path, fakeRoot)

	f.mu.Lock()
	var ft *fault
	for _, x := range f.faults {
		if x.times > 0 && x.method == r.Method && x.path == path {
			x.times--
			ft = x
			break
		}
	}
	f.mu.Unlock()
	if ft != nil {
		if ft.apply {
			f.route(httptest.NewRecorder(), r, path)
		}
		if ft.status == hangUp {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				f.t.Error(err)
				return
			}
			conn.Close()
			return
		}
		for k, vs := range ft.header {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(ft.status)
		fmt.Fprint(w, ft.body)
		return
	}
	f.route(w, r, path)
}

func (f *fakeGitHub) route(w http.ResponseWriter, r *http.Request, path string) {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	if len(parts) < 4 || parts[0] != "repos" || parts[3] != "issues" {
		f.t.Errorf("unexpected request %s %s", r.Method, path)
		f.notFound(w)
		return
	}
	repo := strings.ToLower(parts[1] + "/" + parts[2])
	if parts[2] == "missing" {
		f.notFound(w)
		return
	}
	switch {
	case len(parts) == 4 && r.Method == http.MethodGet:
		f.list(w, r, repo)
	case len(parts) == 4 && r.Method == http.MethodPost:
		f.create(w, r, repo)
	case len(parts) == 5 && r.Method == http.MethodPatch:
		f.patch(w, r, repo, parts[4])
	case len(parts) == 6 && parts[5] == "comments" && r.Method == http.MethodPost:
		f.comment(w, r, repo, parts[4])
	default:
		f.t.Errorf("unexpected request %s %s", r.Method, path)
		f.notFound(w)
	}
}

func (f *fakeGitHub) notFound(w http.ResponseWriter) {
	f.reply(w, http.StatusNotFound, nil, map[string]any{"message": "Not Found", "documentation_url": "https://docs.github.com/rest/issues/issues"})
}

// reply writes a JSON answer with the headers api.github.com sends.
func (f *fakeGitHub) reply(w http.ResponseWriter, status int, extra http.Header, v any) {
	f.mu.Lock()
	if f.remaining > 0 {
		f.remaining--
	}
	remaining := f.remaining
	if f.rateLimitRemaining != nil && status < 300 {
		remaining = *f.rateLimitRemaining
	}
	f.mu.Unlock()
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-GitHub-Media-Type", "github.v3; format=json")
	h.Set("X-GitHub-Request-Id", "0000:00000:0000000:0000000:00000000")
	h.Set("X-RateLimit-Limit", "5000")
	h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
	h.Set("X-RateLimit-Used", strconv.Itoa(5000-remaining))
	h.Set("X-RateLimit-Reset", strconv.FormatInt(f.clock.Now().Add(time.Hour).Unix(), 10))
	h.Set("X-RateLimit-Resource", "core")
	for k, vs := range extra {
		h[k] = vs
	}
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeGitHub) validation(w http.ResponseWriter, resource, field, code, doc string) {
	body := clone(f.errorShape)
	body["errors"] = []map[string]any{{"resource": resource, "code": code, "field": field}}
	body["documentation_url"] = doc
	f.reply(w, http.StatusUnprocessableEntity, nil, body)
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	json.Unmarshal(b, &out)
	return out
}

// render is an issue in the shape of the recorded create answer.
func (f *fakeGitHub) render(repo string, is *fakeIssue) map[string]any {
	api := "https://api.github.com/repos/" + repo + "/issues/" + strconv.Itoa(is.Number)
	m := clone(f.issueTemplate)
	m["url"] = api
	m["repository_url"] = "https://api.github.com/repos/" + repo
	m["labels_url"] = api + "/labels{/name}"
	m["comments_url"] = api + "/comments"
	m["events_url"] = api + "/events"
	m["timeline_url"] = api + "/timeline"
	m["html_url"] = "https://github.com/" + repo + "/issues/" + strconv.Itoa(is.Number)
	m["id"] = 1000 + is.Number
	m["number"] = is.Number
	m["title"] = is.Title
	m["body"] = nil
	if is.Body != "" {
		m["body"] = is.Body
	}
	m["state"] = is.State
	m["state_reason"] = nil
	if is.StateReason != "" {
		m["state_reason"] = is.StateReason
	}
	if is.State == "closed" {
		m["closed_at"] = "2017-10-11T16:00:00Z"
	}
	m["comments"] = len(is.Comments)
	var labels []map[string]any
	for i, l := range is.Labels {
		lm := clone(f.labelTemplate)
		lm["id"] = 2000 + i
		lm["name"] = l
		lm["url"] = "https://api.github.com/repos/" + repo + "/labels/" + url.PathEscape(l)
		labels = append(labels, lm)
	}
	m["labels"] = labels
	if m["labels"] == nil {
		m["labels"] = []any{}
	}
	if is.PR {
		pr := "https://api.github.com/repos/" + repo + "/pulls/" + strconv.Itoa(is.Number)
		html := "https://github.com/" + repo + "/pull/" + strconv.Itoa(is.Number)
		m["html_url"] = html
		m["draft"] = false
		m["pull_request"] = map[string]any{"url": pr, "html_url": html, "diff_url": html + ".diff", "patch_url": html + ".patch", "merged_at": nil}
	}
	return m
}

func (f *fakeGitHub) list(w http.ResponseWriter, r *http.Request, repo string) {
	q := r.URL.Query()
	state := q.Get("state")
	if state == "" {
		state = "open"
	}
	var want []string
	if v := q.Get("labels"); v != "" {
		want = strings.Split(v, ",")
	}
	f.mu.Lock()
	var match []*fakeIssue
	for _, is := range f.repos[repo] {
		if state != "all" && is.State != state {
			continue
		}
		ok := true
		for _, l := range want {
			has := false
			for _, il := range is.Labels {
				has = has || strings.EqualFold(il, l)
			}
			ok = ok && has
		}
		if ok {
			c := *is
			match = append(match, &c)
		}
	}
	f.mu.Unlock()
	sort.Slice(match, func(i, j int) bool { return match[i].Number > match[j].Number }) // newest first

	per, _ := strconv.Atoi(q.Get("per_page"))
	if per <= 0 {
		per = 30
	}
	per = min(per, f.pageSize)
	page, _ := strconv.Atoi(q.Get("page"))
	if page <= 0 {
		page = 1
	}
	last := max(1, (len(match)+per-1)/per)
	var items []map[string]any
	for i := (page - 1) * per; i < min(page*per, len(match)); i++ {
		items = append(items, f.render(repo, match[i]))
	}
	if items == nil {
		items = []map[string]any{}
	}
	// Like the recorded link headers: the /repositories/{id} form, with
	// the query kept and page and per_page set.
	link := func(p int, rel string) string {
		lq := url.Values{}
		for k, v := range q {
			lq[k] = v
		}
		lq.Set("page", strconv.Itoa(p))
		lq.Set("per_page", strconv.Itoa(per))
		return fmt.Sprintf("<%s%s/repositories/1000/issues?%s>; rel=%q", f.srv.URL, fakeRoot, lq.Encode(), rel)
	}
	var links []string
	if page > 1 {
		links = append(links, link(page-1, "prev"))
	}
	if page < last {
		links = append(links, link(page+1, "next"), link(last, "last"))
	}
	if page > 1 {
		links = append(links, link(1, "first"))
	}
	h := http.Header{}
	if len(links) > 0 {
		h.Set("Link", strings.Join(links, ", "))
	}
	f.reply(w, http.StatusOK, h, items)
}

type issueRequest struct {
	Title       *string   `json:"title"`
	Body        *string   `json:"body"`
	Labels      *[]string `json:"labels"`
	State       *string   `json:"state"`
	StateReason *string   `json:"state_reason"`
}

func (f *fakeGitHub) create(w http.ResponseWriter, r *http.Request, repo string) {
	var req issueRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		f.reply(w, http.StatusBadRequest, nil, map[string]any{"message": "Problems parsing JSON"})
		return
	}
	if req.Title == nil || *req.Title == "" {
		f.validation(w, "Issue", "title", "missing_field", "https://docs.github.com/rest/issues/issues#create-an-issue")
		return
	}
	f.mu.Lock()
	is := &fakeIssue{Number: len(f.repos[repo]) + 1, Title: *req.Title, State: "open"}
	if req.Body != nil {
		is.Body = *req.Body
	}
	if req.Labels != nil && !f.dropLabels {
		is.Labels = f.canonLabels(repo, *req.Labels)
	}
	f.repos[repo] = append(f.repos[repo], is)
	out := f.render(repo, is)
	f.mu.Unlock()
	h := http.Header{}
	h.Set("Location", "https://api.github.com/repos/"+repo+"/issues/"+strconv.Itoa(is.Number))
	f.reply(w, http.StatusCreated, h, out)
}

func (f *fakeGitHub) lookup(repo, num string) *fakeIssue {
	n, err := strconv.Atoi(num)
	if err != nil || n < 1 || n > len(f.repos[repo]) {
		return nil
	}
	return f.repos[repo][n-1]
}

func (f *fakeGitHub) patch(w http.ResponseWriter, r *http.Request, repo, num string) {
	var req issueRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		f.reply(w, http.StatusBadRequest, nil, map[string]any{"message": "Problems parsing JSON"})
		return
	}
	f.mu.Lock()
	is := f.lookup(repo, num)
	if is == nil {
		f.mu.Unlock()
		f.notFound(w)
		return
	}
	if req.Title != nil {
		is.Title = *req.Title
	}
	if req.Body != nil {
		is.Body = *req.Body
	}
	if req.Labels != nil && !f.dropLabels {
		is.Labels = f.canonLabels(repo, *req.Labels)
	}
	if req.State != nil {
		is.State = *req.State
	}
	if req.StateReason != nil {
		is.StateReason = *req.StateReason
	}
	out := f.render(repo, is)
	f.mu.Unlock()
	f.reply(w, http.StatusOK, nil, out)
}

func (f *fakeGitHub) comment(w http.ResponseWriter, r *http.Request, repo, num string) {
	var req struct {
		Body string `json:"body"`
	}
	json.NewDecoder(r.Body).Decode(&req)
	f.mu.Lock()
	is := f.lookup(repo, num)
	if is == nil {
		f.mu.Unlock()
		f.notFound(w)
		return
	}
	is.Comments = append(is.Comments, req.Body)
	id := 3000 + len(is.Comments)
	f.mu.Unlock()
	api := "https://api.github.com/repos/" + repo + "/issues"
	h := http.Header{}
	h.Set("Location", fmt.Sprintf("%s/comments/%d", api, id))
	f.reply(w, http.StatusCreated, h, map[string]any{
		"url":                      fmt.Sprintf("%s/comments/%d", api, id),
		"html_url":                 fmt.Sprintf("https://github.com/%s/issues/%s#issuecomment-%d", repo, num, id),
		"issue_url":                api + "/" + num,
		"id":                       id,
		"node_id":                  "MDA6RW50aXR5MQ==",
		"user":                     clone(f.issueTemplate)["user"],
		"created_at":               "2017-10-10T16:00:00Z",
		"updated_at":               "2017-10-10T16:00:00Z",
		"author_association":       "MEMBER",
		"body":                     req.Body,
		"reactions":                map[string]any{"total_count": 0},
		"performed_via_github_app": nil,
	})
}

// clientRetry is the retry policy of test clients: the fake's clock, no
// jitter.
func (f *fakeGitHub) clientRetry() httpx.Policy {
	return httpx.Policy{Sleep: f.clock.Sleep, Rand: func() float64 { return 0 }}
}

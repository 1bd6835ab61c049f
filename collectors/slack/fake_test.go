package slack

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeSlack serves the Web API methods the collector calls at
// /api/<method>, shaped like the examples of slackapi/slack-api-specs
// (shared/apidata/slack/web-api-examples): HTTP 200 with {"ok":true,…} or
// {"ok":false,"error":"<code>"}, history newest first with cursor
// pagination and has_more, threads with the parent first on every page.
// Its workspace is testdata/users.json and testdata/channels/<ID>.json (every
// message, replies included, as Slack stores them); thread fields of a
// parent (reply_count, latest_reply, …) are computed from its replies so
// that tests can add replies and change reactions.
type fakeSlack struct {
	t          testing.TB
	srv        *httptest.Server
	token      string
	maxHistory int // most messages per history page, whatever limit asks
	maxReplies int // most replies per replies page

	mu       sync.Mutex
	channels map[string][]map[string]any
	users    map[string]map[string]any
	faults   map[string][]fault
	log      []fakeRequest
}

// fakeRequest is one request the fake saw.
type fakeRequest struct {
	Method      string
	Params      url.Values // without the token
	Bearer      bool       // token sent as Authorization: Bearer
	TokenInBody bool       // token sent as a form or query parameter
}

// fault is a canned response served instead of the method's answer.
type fault struct {
	Status     int
	RetryAfter string
	Body       string
}

const fakeToken = "xoxb-1111-2222-DISTINCTIVE-s3cr3t"

func newFake(t testing.TB) *fakeSlack {
	t.Helper()
	f := &fakeSlack{t: t, token: fakeToken, maxHistory: 4, maxReplies: 2,
		channels: map[string][]map[string]any{}, users: map[string]map[string]any{}, faults: map[string][]fault{}}
	var users []map[string]any
	readJSON(t, filepath.Join("testdata", "users.json"), &users)
	for _, u := range users {
		f.users[u["id"].(string)] = u
	}
	files, err := filepath.Glob(filepath.Join("testdata", "channels", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no channel fixtures: %v", err)
	}
	for _, p := range files {
		var msgs []map[string]any
		readJSON(t, p, &msgs)
		f.channels[strings.TrimSuffix(filepath.Base(p), ".json")] = msgs
	}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

func readJSON(t testing.TB, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// URL is the base URL to configure (BaseURL).
func (f *fakeSlack) URL() string { return f.srv.URL + "/api" }

// add appends a message to a channel.
func (f *fakeSlack) add(channel string, msg map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.channels[channel] = append(f.channels[channel], msg)
}

// setReactions replaces the reactions of a message (nil removes them).
func (f *fakeSlack) setReactions(channel, ts string, reactions []map[string]any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, m := range f.channels[channel] {
		if m["ts"] == ts {
			if reactions == nil {
				delete(m, "reactions")
			} else {
				rs := make([]any, len(reactions))
				for i, r := range reactions {
					rs[i] = r
				}
				m["reactions"] = rs
			}
			return
		}
	}
	f.t.Fatalf("fake: no message %s in %s", ts, channel)
}

// fail queues canned responses for a method, served before its answers.
func (f *fakeSlack) fail(method string, fs ...fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[method] = append(f.faults[method], fs...)
}

// requests returns the requests seen for a method ("" for all).
func (f *fakeSlack) requests(method string) []fakeRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeRequest
	for _, r := range f.log {
		if method == "" || r.Method == method {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeSlack) resetLog() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = nil
}

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	params := url.Values{}
	for k, v := range r.Form {
		params[k] = append([]string(nil), v...)
	}
	formToken := params.Get("token")
	params.Del("token")
	auth := r.Header.Get("Authorization")

	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, fakeRequest{Method: method, Params: params, Bearer: strings.HasPrefix(auth, "Bearer "), TokenInBody: formToken != ""})

	if q := f.faults[method]; len(q) > 0 {
		ft := q[0]
		f.faults[method] = q[1:]
		if ft.RetryAfter != "" {
			w.Header().Set("Retry-After", ft.RetryAfter)
		}
		if ft.Status == 0 {
			ft.Status = http.StatusOK
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(ft.Status)
		_, _ = w.Write([]byte(ft.Body))
		return
	}

	token := strings.TrimPrefix(auth, "Bearer ")
	if auth == "" {
		token = formToken
	}
	var resp any
	switch {
	case token == "":
		resp = slackErr("not_authed")
	case token != f.token:
		resp = slackErr("invalid_auth")
	case method == "conversations.history":
		resp = f.history(params)
	case method == "conversations.replies":
		resp = f.replies(params)
	case method == "users.info":
		resp = f.userInfo(params)
	default:
		resp = slackErr("unknown_method")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(resp)
}

func slackErr(code string) map[string]any { return map[string]any{"ok": false, "error": code} }

// micros orders Slack timestamps in the fake, independently of the
// collector's own parsing.
func micros(ts string) int64 {
	a, b, _ := strings.Cut(ts, ".")
	s, _ := strconv.ParseInt(a, 10, 64)
	b = (b + "000000")[:6]
	m, _ := strconv.ParseInt(b, 10, 64)
	return s*1_000_000 + m
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

func encodeCursor(ts string) string {
	return base64.StdEncoding.EncodeToString([]byte("next_ts:" + strings.Replace(ts, ".", "", 1)))
}

// withThread returns a copy of a parent message with the thread fields
// Slack adds to it when it has replies.
func (f *fakeSlack) withThread(channel string, m map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		out[k] = v
	}
	ts := str(m, "ts")
	var latest string
	var users []any
	seen := map[string]bool{}
	n := 0
	for _, r := range f.channels[channel] {
		if str(r, "thread_ts") != ts || str(r, "ts") == ts {
			continue
		}
		n++
		if latest == "" || micros(str(r, "ts")) > micros(latest) {
			latest = str(r, "ts")
		}
		if u := str(r, "user"); u != "" && !seen[u] {
			seen[u] = true
			users = append(users, u)
		}
	}
	if n > 0 {
		out["thread_ts"] = ts
		out["reply_count"] = n
		out["reply_users_count"] = len(users)
		out["reply_users"] = users
		out["latest_reply"] = latest
		out["is_locked"] = false
		out["subscribed"] = false
	}
	return out
}

func isTopLevel(m map[string]any) bool {
	tt := str(m, "thread_ts")
	return tt == "" || tt == str(m, "ts") || str(m, "subtype") == "thread_broadcast"
}

func pageLimit(p url.Values, max int) int {
	limit, _ := strconv.Atoi(p.Get("limit"))
	if limit <= 0 {
		limit = 100
	}
	if max > 0 && limit > max {
		limit = max
	}
	return limit
}

// history serves conversations.history: newest first, oldest/latest
// exclusive unless inclusive=1, cursor "next_ts:<ts without dot>".
func (f *fakeSlack) history(p url.Values) any {
	ch := p.Get("channel")
	msgs, ok := f.channels[ch]
	if !ok {
		return slackErr("channel_not_found")
	}
	inclusive := p.Get("inclusive") == "1" || p.Get("inclusive") == "true"
	var top []map[string]any
	for _, m := range msgs {
		if !isTopLevel(m) {
			continue
		}
		t := micros(str(m, "ts"))
		if o := p.Get("oldest"); o != "" && (t < micros(o) || t == micros(o) && !inclusive) {
			continue
		}
		if l := p.Get("latest"); l != "" && (t > micros(l) || t == micros(l) && !inclusive) {
			continue
		}
		top = append(top, f.withThread(ch, m))
	}
	sort.SliceStable(top, func(i, j int) bool { return micros(str(top[i], "ts")) > micros(str(top[j], "ts")) })
	start := 0
	if c := p.Get("cursor"); c != "" {
		start = -1
		for i, m := range top {
			if encodeCursor(str(m, "ts")) == c {
				start = i
			}
		}
		if start < 0 {
			return slackErr("invalid_cursor")
		}
	}
	end := min(start+pageLimit(p, f.maxHistory), len(top))
	next := ""
	if end < len(top) {
		next = encodeCursor(str(top[end], "ts"))
	}
	page := top[start:end]
	if page == nil {
		page = []map[string]any{}
	}
	return map[string]any{
		"ok":                    true,
		"messages":              page,
		"has_more":              next != "",
		"pin_count":             0,
		"channel_actions_ts":    nil,
		"channel_actions_count": 0,
		"response_metadata":     map[string]any{"next_cursor": next},
	}
}

// replies serves conversations.replies: the parent, then a page of its
// replies oldest first.
func (f *fakeSlack) replies(p url.Values) any {
	ch, ts := p.Get("channel"), p.Get("ts")
	msgs, ok := f.channels[ch]
	if !ok {
		return slackErr("channel_not_found")
	}
	var parent map[string]any
	var thread []map[string]any
	for _, m := range msgs {
		switch {
		case str(m, "ts") == ts && isTopLevel(m):
			parent = f.withThread(ch, m)
		case str(m, "thread_ts") == ts:
			thread = append(thread, m)
		}
	}
	if parent == nil {
		return slackErr("thread_not_found")
	}
	sort.SliceStable(thread, func(i, j int) bool { return micros(str(thread[i], "ts")) < micros(str(thread[j], "ts")) })
	start := 0
	if c := p.Get("cursor"); c != "" {
		start = -1
		for i, m := range thread {
			if encodeCursor(str(m, "ts")) == c {
				start = i
			}
		}
		if start < 0 {
			return slackErr("invalid_cursor")
		}
	}
	end := min(start+pageLimit(p, f.maxReplies), len(thread))
	next := ""
	if end < len(thread) {
		next = encodeCursor(str(thread[end], "ts"))
	}
	page := append([]map[string]any{parent}, thread[start:end]...)
	return map[string]any{
		"ok":                true,
		"messages":          page,
		"has_more":          next != "",
		"response_metadata": map[string]any{"next_cursor": next},
	}
}

// userInfo serves users.info.
func (f *fakeSlack) userInfo(p url.Values) any {
	u, ok := f.users[p.Get("user")]
	if !ok {
		return slackErr("user_not_found")
	}
	return map[string]any{"ok": true, "user": u}
}

package slack

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// fakeAPI serves the Web API calls the Client makes, at /api/<method>, and
// response URLs at /respond/<id>. Its answers are the published examples of
// slackapi/slack-api-specs (testdata/chat.postMessage.json, views.open.json):
// the "200" example on success, the "default" example's shape
// ({"ok":false,"error":<code>}) on failure. It checks the bearer token,
// records every call and can be told to answer 429 with Retry-After.
type fakeAPI struct {
	t     testing.TB
	srv   *httptest.Server
	token string

	mu       sync.Mutex
	channels map[string]bool // channels the bot may post to
	triggers map[string]bool // trigger IDs still valid
	faults   map[string][]fakeFault
	calls    []fakeCall
	posted   int

	postOK, viewOK, viewErr map[string]any
}

// fakeCall is one request the fake saw.
type fakeCall struct {
	Path        string     // "chat.postMessage", "views.open", "respond/<id>"
	Form        url.Values // form parameters, without the token
	JSON        map[string]any
	Auth        string // the Authorization header
	TokenInBody bool
}

// fakeFault is a canned answer served instead of the method's own.
type fakeFault struct {
	Status     int
	RetryAfter string
	Body       string
}

const (
	testToken   = "xoxb-4242-DISTINCTIVE-t0ken"
	testTrigger = "12466734323.1395872398.d8c1bb837935619ccad0f624c448ffb3"
)

func newFakeAPI(t testing.TB) *fakeAPI {
	t.Helper()
	f := &fakeAPI{t: t, token: testToken,
		channels: map[string]bool{"C0FEEDBACK": true, "C0SUPPORT": true},
		triggers: map[string]bool{testTrigger: true},
		faults:   map[string][]fakeFault{}}
	f.postOK = example(t, "chat.postMessage.json", "200")
	f.viewOK = example(t, "views.open.json", "200")
	f.viewErr = example(t, "views.open.json", "default")
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

// example reads the example answer of a method extract.
func example(t testing.TB, file, status string) map[string]any {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(testdata(t, file), &m); err != nil {
		t.Fatal(err)
	}
	var answer struct {
		Example map[string]any `json:"example"`
	}
	if err := json.Unmarshal(m[status], &answer); err != nil {
		t.Fatalf("%s %s: %v", file, status, err)
	}
	ex, ok := answer.Example, answer.Example != nil
	if !ok {
		t.Fatalf("%s has no %s example", file, status)
	}
	return ex
}

// URL is the server's base, as NewClient takes it.
func (f *fakeAPI) URL() string { return f.srv.URL }

// ResponseURL is a response_url the fake answers.
func (f *fakeAPI) ResponseURL(id string) string { return f.srv.URL + "/respond/" + id }

func (f *fakeAPI) fail(path string, fs ...fakeFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults[path] = append(f.faults[path], fs...)
}

func (f *fakeAPI) seen(path string) []fakeCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []fakeCall
	for _, c := range f.calls {
		if path == "" || c.Path == path || strings.HasPrefix(c.Path, path+"/") {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/"), "api/")
	body, _ := io.ReadAll(r.Body)
	call := fakeCall{Path: path, Auth: r.Header.Get("Authorization"), Form: url.Values{}}
	if r.Method != http.MethodPost {
		http.Error(w, "POST only", http.StatusMethodNotAllowed)
		return
	}
	switch ct := r.Header.Get("Content-Type"); {
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		v, err := url.ParseQuery(string(body))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		call.TokenInBody = v.Has("token")
		v.Del("token")
		call.Form = v
	case strings.HasPrefix(ct, "application/json"):
		if err := json.Unmarshal(body, &call.JSON); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
	}
	call.TokenInBody = call.TokenInBody || r.URL.Query().Has("token")

	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, call)
	if q := f.faults[path]; len(q) > 0 {
		ft := q[0]
		f.faults[path] = q[1:]
		if ft.RetryAfter != "" {
			w.Header().Set("Retry-After", ft.RetryAfter)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(ft.Status)
		_, _ = io.WriteString(w, ft.Body)
		return
	}
	if strings.HasPrefix(path, "respond/") {
		// Response URLs answer a plain-text "ok" [mem; slack-go's
		// response parser accepts this or JSON] and take no token.
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok")
		return
	}
	var resp map[string]any
	switch token := strings.TrimPrefix(call.Auth, "Bearer "); {
	case call.Auth == "":
		resp = fakeErr("not_authed")
	case token != f.token:
		resp = fakeErr("invalid_auth")
	case path == "chat.postMessage":
		resp = f.postMessage(call.Form)
	case path == "views.open":
		resp = f.viewsOpen(call.JSON)
	default:
		resp = fakeErr("unknown_method")
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(resp)
}

func fakeErr(code string) map[string]any { return map[string]any{"ok": false, "error": code} }

// postMessage answers like the example, with the channel asked and a new ts.
func (f *fakeAPI) postMessage(p url.Values) map[string]any {
	ch := p.Get("channel")
	switch {
	case ch == "":
		return fakeErr("channel_not_found")
	case !f.channels[ch]:
		return fakeErr("channel_not_found")
	case p.Get("text") == "" && p.Get("blocks") == "":
		return fakeErr("no_text")
	}
	if b := p.Get("blocks"); b != "" {
		var blocks []map[string]any
		if err := json.Unmarshal([]byte(b), &blocks); err != nil {
			return fakeErr("invalid_blocks")
		}
	}
	f.posted++
	ts := "1503435956." + strconv.Itoa(1000000 + 247 + f.posted)[1:]
	out := clone(f.postOK)
	out["channel"], out["ts"] = ch, ts
	msg := out["message"].(map[string]any)
	msg["ts"], msg["text"] = ts, p.Get("text")
	if tt := p.Get("thread_ts"); tt != "" {
		msg["thread_ts"] = tt
	}
	return out
}

// viewsOpen answers the example view carrying what was asked.
func (f *fakeAPI) viewsOpen(req map[string]any) map[string]any {
	trigger, _ := req["trigger_id"].(string)
	view, _ := req["view"].(map[string]any)
	if !f.triggers[trigger] || view == nil {
		return clone(f.viewErr)
	}
	out := clone(f.viewOK)
	v := out["view"].(map[string]any)
	for _, k := range []string{"callback_id", "private_metadata", "title", "submit", "close", "blocks"} {
		if x, ok := view[k]; ok {
			v[k] = x
		}
	}
	return out
}

func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

package web

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeBackend is an in-memory Backend that records what the page asked for.
type fakeBackend struct {
	mu        sync.Mutex
	rows      []Row
	details   map[int64]Detail
	filters   []Filter
	decisions []decision
	err       error // when set, every method fails with it
}

// decision is one recorded Decide call.
type decision struct {
	ID     int64
	Accept bool
	Reason string
	Who    string
}

func (f *fakeBackend) Backlog(_ context.Context, flt Filter) ([]Row, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.filters = append(f.filters, flt)
	if f.err != nil {
		return nil, f.err
	}
	var out []Row
	for _, r := range f.rows {
		if (flt.Kind == "" || r.Kind == flt.Kind) && (flt.Status == "" || r.Status == flt.Status) &&
			(flt.Query == "" || strings.Contains(strings.ToLower(r.Title), strings.ToLower(flt.Query))) &&
			r.Accounts >= flt.MinAccounts {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fakeBackend) Topic(_ context.Context, id int64) (Detail, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return Detail{}, f.err
	}
	d, ok := f.details[id]
	if !ok {
		return Detail{}, fmt.Errorf("fake: topic %d: %w", id, ErrNotFound)
	}
	return d, nil
}

func (f *fakeBackend) Decide(_ context.Context, id int64, accept bool, reason, who string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return f.err
	}
	d, ok := f.details[id]
	if !ok {
		return fmt.Errorf("fake: decide %d: %w", id, ErrNotFound)
	}
	f.decisions = append(f.decisions, decision{id, accept, reason, who})
	status := "declined"
	if accept {
		status = "accepted"
	}
	d.Decision = &Decision{Status: status, Who: who, Reason: reason, At: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	d.Status = status
	f.details[id] = d
	for i := range f.rows {
		if f.rows[i].ID == id {
			f.rows[i].Status = status
		}
	}
	return nil
}

func (f *fakeBackend) recorded() []decision {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.decisions)
}

func (f *fakeBackend) lastFilter() (Filter, int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.filters) == 0 {
		return Filter{}, 0
	}
	return f.filters[len(f.filters)-1], len(f.filters)
}

// newFake returns a backend holding the given titles as topics 1..n, ranked
// in that order, each with a little evidence.
func newFake(titles ...string) *fakeBackend {
	f := &fakeBackend{details: map[int64]Detail{}}
	start := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	kinds := []string{"feature", "bug", "out_of_scope"}
	for i, title := range titles {
		id := int64(i + 1)
		score := float64(100 - 9*i)
		row := Row{
			Rank: i + 1, ID: id, Title: title, Kind: kinds[i%len(kinds)], Area: []string{"billing", "reports", "mobile"}[i%3],
			Status: "open", Score: score,
			Breakdown: []Part{{"accounts", score * 0.5}, {"revenue", score * 0.3}, {"trend", score * 0.2}},
			Accounts:  12 - i, MRR: fmt.Sprintf("$%d,200", 9-i), Trend: fmt.Sprintf("+%d%% w/w", 40-5*i),
			FirstSeen: start, LastSeen: start.AddDate(0, 0, 56-i), IssueURL: fmt.Sprintf("https://github.com/acme/app/issues/%d", 100+id),
		}
		var weeks []Week
		for w := range 9 {
			weeks = append(weeks, Week{Start: start.AddDate(0, 0, 7*w), Items: (w*(i+2))%7 + w})
		}
		f.rows = append(f.rows, row)
		f.details[id] = Detail{
			Row: row,
			Quotes: []Quote{
				{Text: "We need this for our month-end close, [email] asked twice.", Source: "zendesk", URL: fmt.Sprintf("https://acme.zendesk.com/agent/tickets/%d", 500+id), Account: "Globex", At: start.AddDate(0, 0, 10)},
				{Text: "月末の締め処理で必要です。", Source: "intercom", URL: "https://app.intercom.com/a/inbox/x/conversation/77", Account: "株式会社サンプル", At: start.AddDate(0, 0, 20)},
			},
			Customers: []Customer{{"Globex", "Enterprise", "enterprise", "$4,000"}, {"株式会社サンプル", "Business", "mid-market", "¥120,000"}},
			Weekly:    weeks,
		}
	}
	return f
}

// Test fixtures: the shared token and a fixed session key.
const testToken = "s3cret-token-for-tests"

var testKey = bytes.Repeat([]byte("k"), 32)

// newTestHandler builds the page over f with a token and anything set in a.
func newTestHandler(t *testing.T, f Backend, a Auth) (http.Handler, *bytes.Buffer) {
	t.Helper()
	if a.SessionKey == nil {
		a.SessionKey = testKey
	}
	var logs bytes.Buffer
	h, err := New(f, a, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h, &logs
}

// do sends one request to h and returns the recorded answer.
func do(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// signIn posts the token form as name and returns the session cookie.
func signIn(t *testing.T, h http.Handler, name string) *http.Cookie {
	t.Helper()
	form := url.Values{"token": {testToken}, "name": {name}, "next": {"/"}}
	r := httptest.NewRequest("POST", "/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	w := do(h, r)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("sign in: status %d, body %s", w.Code, w.Body)
	}
	c := cookieNamed(w.Result().Cookies(), sessionCookie)
	if c == nil || c.Value == "" {
		t.Fatal("sign in set no session cookie")
	}
	return c
}

func cookieNamed(cs []*http.Cookie, name string) *http.Cookie {
	for _, c := range cs {
		if c.Name == name {
			return c
		}
	}
	return nil
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfFrom fetches path with the cookie and returns the form's CSRF token.
func csrfFrom(t *testing.T, h http.Handler, c *http.Cookie, path string) string {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	r.AddCookie(c)
	w := do(h, r)
	m := csrfRE.FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || m == nil {
		t.Fatalf("GET %s: status %d, no csrf token in page", path, w.Code)
	}
	return m[1]
}

// postForm posts form to path with the cookie.
func postForm(h http.Handler, path string, c *http.Cookie, form url.Values) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if c != nil {
		r.AddCookie(c)
	}
	return do(h, r)
}

package web

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// get fetches path signed in with the bearer token.
func get(h http.Handler, path string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", path, nil)
	r.Header.Set("Authorization", "Bearer "+testToken)
	return do(h, r)
}

func TestFiltersReachBackendAndStayInForm(t *testing.T) {
	f := newFake("Export to CSV", "Login fails on Safari")
	h, _ := newTestHandler(t, f, Auth{Token: testToken})
	q := url.Values{"kind": {"bug"}, "area": {"billing"}, "status": {"open"}, "segment": {"enterprise"},
		"q": {"safari"}, "since": {"2026-01-02"}, "min_accounts": {"3"}}
	w := get(h, "/?"+q.Encode())
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	got, _ := f.lastFilter()
	want := Filter{Kind: "bug", Area: "billing", Status: "open", Segment: "enterprise", Query: "safari",
		Since: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), MinAccounts: 3}
	if got != want {
		t.Errorf("filter %+v, want %+v", got, want)
	}
	body := w.Body.String()
	for _, s := range []string{`<option value="bug" selected>`, `<option value="open" selected>`, `value="billing"`,
		`value="enterprise"`, `value="safari"`, `value="2026-01-02"`, `value="3"`, "Clear filters"} {
		if !strings.Contains(body, s) {
			t.Errorf("form does not keep %s", s)
		}
	}
	if strings.Contains(body, "Export to CSV") || !strings.Contains(body, "Login fails on Safari") {
		t.Error("table does not show the filtered rows")
	}
}

func TestBadFilterIs400WithoutBackend(t *testing.T) {
	f := newFake("a")
	h, _ := newTestHandler(t, f, Auth{Token: testToken})
	for _, q := range []string{"since=yesterday", "min_accounts=-1", "min_accounts=lots"} {
		w := get(h, "/?"+q)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `class="error"`) {
			t.Errorf("%s: status %d, want 400 with a message", q, w.Code)
		}
	}
	if _, n := f.lastFilter(); n != 0 {
		t.Errorf("backend called %d times for bad filters", n)
	}
}

func TestBacklogTable(t *testing.T) {
	f := newFake("Export to CSV", "請求書のPDF出力", "Dark mode")
	h, _ := newTestHandler(t, f, Auth{Token: testToken})
	body := get(h, "/").Body.String()
	for _, s := range []string{`<html lang="en">`, `href="#main"`, "<caption>3 topics, best first", `<th scope="col" class="num">Rank</th>`,
		`<a href="/topics/2">請求書のPDF出力</a>`, "<summary>91.0</summary>", "revenue", "27.30", "&#43;35% w/w", "$8,200", "out of scope"} {
		if !strings.Contains(body, s) {
			t.Errorf("backlog page lacks %q", s)
		}
	}
	if i, j := strings.Index(body, "Export to CSV"), strings.Index(body, "Dark mode"); i < 0 || j < i {
		t.Error("rows not in rank order")
	}
	if strings.Contains(body, "<script") {
		t.Error("the page carries JavaScript")
	}
}

func TestHostileTitleIsEscaped(t *testing.T) {
	evil := `<script>alert("x")</script><img src=x onerror=alert(1)>`
	f := newFake(evil)
	d := f.details[1]
	d.Quotes[0].Text = `</blockquote><script>steal()</script>`
	d.Quotes[0].URL = `javascript:alert(1)`
	f.details[1] = d
	h, _ := newTestHandler(t, f, Auth{Token: testToken})
	for _, path := range []string{"/", "/topics/1"} {
		body := get(h, path).Body.String()
		if strings.Contains(body, "<script") || strings.Contains(body, "<img") || strings.Contains(body, "javascript:") {
			t.Errorf("%s: hostile markup reached the page", path)
		}
		if !strings.Contains(body, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
			t.Errorf("%s: the title is not shown escaped", path)
		}
	}
}

func TestTopicDetail(t *testing.T) {
	f := newFake("Export to CSV")
	d := f.details[1]
	d.Decision = &Decision{Status: "declined", Who: "Mika", Reason: "Not for now", NonGoal: "No spreadsheet features", Rationale: "We stay a dashboard", At: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}
	f.details[1] = d
	h, _ := newTestHandler(t, f, Auth{Token: testToken})
	w := get(h, "/topics/1")
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	body := w.Body.String()
	for _, s := range []string{
		`<svg xmlns="http://www.w3.org/2000/svg"`, `<title id="chart-title">Items per week for “Export to CSV”</title>`, `role="img"`,
		"Items per week as a table", `<time datetime="2026-01-05T00:00:00Z">2026-01-05</time>`,
		`<a href="https://acme.zendesk.com/agent/tickets/501">view in zendesk</a>`, "月末の締め処理で必要です。",
		`<th scope="row">Globex</th><td>Enterprise</td><td>enterprise</td><td class="num">$4,000</td>`,
		"by Mika", "No spreadsheet features", "We stay a dashboard", "First seen", "2026-03-02",
		`href="https://github.com/acme/app/issues/101"`,
	} {
		if !strings.Contains(body, s) {
			t.Errorf("topic page lacks %q", s)
		}
	}
	if n := strings.Count(body, `<rect class="bar"`); n != len(d.Weekly) {
		t.Errorf("chart has %d bars, want %d", n, len(d.Weekly))
	}
}

func TestMissingTopicIs404(t *testing.T) {
	f := newFake("a")
	h, _ := newTestHandler(t, f, Auth{Token: testToken})
	for _, path := range []string{"/topics/999", "/topics/abc", "/topics/-1", "/no-such-page"} {
		if w := get(h, path); w.Code != http.StatusNotFound || !strings.Contains(w.Body.String(), "not found") {
			t.Errorf("%s: status %d, want a 404 page", path, w.Code)
		}
	}
	r := httptest.NewRequest("POST", "/topics/999/decision", strings.NewReader("decision=accept"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Authorization", "Bearer "+testToken)
	if w := do(h, r); w.Code != http.StatusNotFound {
		t.Errorf("decide on an unknown topic: status %d, want 404", w.Code)
	}
}

func TestBackendErrorIs500WithoutLeak(t *testing.T) {
	f := newFake("a")
	f.err = errors.New(`pq: password authentication failed for user "voc_admin" at db.internal:5432`)
	h, logs := newTestHandler(t, f, Auth{Token: testToken})
	for _, path := range []string{"/", "/topics/1"} {
		w := get(h, path)
		body := w.Body.String()
		if w.Code != http.StatusInternalServerError || strings.Contains(body, "voc_admin") || strings.Contains(body, "pq:") {
			t.Errorf("%s: status %d, or the page leaks the error", path, w.Code)
		}
		ref := strings.SplitN(strings.SplitN(body, "<code>", 2)[1], "</code>", 2)[0]
		if !strings.Contains(logs.String(), "ref="+ref) || !strings.Contains(logs.String(), "voc_admin") {
			t.Errorf("%s: the error and its reference %q were not logged", path, ref)
		}
	}
}

func TestDecisionNeedsCSRF(t *testing.T) {
	f := newFake("a")
	h, _ := newTestHandler(t, f, Auth{Token: testToken})
	c := signIn(t, h, "Ana")
	other := signIn(t, h, "Bob")
	foreign := csrfFrom(t, h, other, "/topics/1")
	for name, form := range map[string]url.Values{
		"no token":                {"decision": {"accept"}},
		"another session's token": {"decision": {"accept"}, "csrf": {foreign}},
		"garbage token":           {"decision": {"accept"}, "csrf": {"AAAA"}},
	} {
		if w := postForm(h, "/topics/1/decision", c, form); w.Code != http.StatusForbidden {
			t.Errorf("%s: status %d, want 403", name, w.Code)
		}
	}
	if got := f.recorded(); len(got) != 0 {
		t.Errorf("recorded %+v despite bad csrf", got)
	}
}

func TestDeclineNeedsReason(t *testing.T) {
	f := newFake("a")
	h, _ := newTestHandler(t, f, Auth{Token: testToken})
	c := signIn(t, h, "Ana")
	tok := csrfFrom(t, h, c, "/topics/1")
	for _, reason := range []string{"", "   \n"} {
		w := postForm(h, "/topics/1/decision", c, url.Values{"csrf": {tok}, "decision": {"decline"}, "reason": {reason}})
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), "A reason is required") {
			t.Errorf("reason %q: status %d, want 400 with the message", reason, w.Code)
		}
	}
	if w := postForm(h, "/topics/1/decision", c, url.Values{"csrf": {tok}, "decision": {"maybe"}}); w.Code != http.StatusBadRequest {
		t.Errorf("unknown decision: status %d, want 400", w.Code)
	}
	if got := f.recorded(); len(got) != 0 {
		t.Errorf("recorded %+v, want nothing", got)
	}
}

func TestDecisionsRecordedAsSignedInUser(t *testing.T) {
	f := newFake("a", "b")
	h, _ := newTestHandler(t, f, Auth{Token: testToken})
	c := signIn(t, h, "  Ana Tanaka ")
	tok := csrfFrom(t, h, c, "/topics/1")
	w := postForm(h, "/topics/1/decision", c, url.Values{"csrf": {tok}, "decision": {"accept"}, "reason": {"Top ask of Q1"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/topics/1#decision" {
		t.Fatalf("accept: status %d, Location %q", w.Code, w.Header().Get("Location"))
	}
	w = postForm(h, "/topics/2/decision", c, url.Values{"csrf": {tok}, "decision": {"decline"}, "reason": {" Outside strategy: we are not a spreadsheet "}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("decline: status %d", w.Code)
	}
	want := []decision{{1, true, "Top ask of Q1", "Ana Tanaka"}, {2, false, "Outside strategy: we are not a spreadsheet", "Ana Tanaka"}}
	got := f.recorded()
	if len(got) != len(want) {
		t.Fatalf("recorded %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("decision %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	r := httptest.NewRequest("GET", "/topics/2", nil)
	r.AddCookie(c)
	if body := do(h, r).Body.String(); !strings.Contains(body, "by Ana Tanaka") {
		t.Error("the recorded decision is not shown on the topic page")
	}
}

func TestStaticCSSNeedsNoSignIn(t *testing.T) {
	h, _ := newTestHandler(t, newFake("a"), Auth{Token: testToken})
	w := do(h, httptest.NewRequest("GET", "/static/style.css", nil))
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "text/css") {
		t.Errorf("style.css: status %d, type %q", w.Code, w.Header().Get("Content-Type"))
	}
	if csp := w.Header().Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("CSP %q", csp)
	}
}

package intercom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
	"github.com/voc-dev/voc/collectors/collectortest"
	"github.com/voc-dev/voc/internal/httpx"
)

// since is before every fixture conversation (the first is updated at
// 1730000100).
var since = time.Unix(1729990000, 0)

const (
	globexID   = "intercom:company:6762f07f1bb69f9f2193bb01"
	initechID  = "intercom:company:6762f07f1bb69f9f2193baf5"
	goneCoID   = "6762f0aa1bb69f9f2193bc01"
	initechRaw = "6762f07f1bb69f9f2193baf5"
)

// newCollector returns a collector on the fake with 3 conversations a page
// (the 7 fixtures make 3 pages) and a policy that records waits instead of
// sleeping.
func newCollector(t *testing.T, fk *fakeIntercom, waits *[]time.Duration) *Collector {
	t.Helper()
	if waits == nil {
		waits = new([]time.Duration)
	}
	c, err := New(Config{Name: "intercom", BaseURL: fk.srv.URL, Token: testToken, Since: since, PerPage: 3,
		HTTP: &httpx.Client{HTTP: fk.srv.Client(), Policy: httpx.Policy{
			Sleep: func(_ context.Context, d time.Duration) error { *waits = append(*waits, d); return nil },
			Rand:  func() float64 { return 0.5 },
		}}})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func cursorOf(t *testing.T, sink *collectortest.MemSink) string {
	t.Helper()
	cur, err := sink.Cursor(context.Background(), "intercom")
	if err != nil {
		t.Fatal(err)
	}
	return cur
}

func byID(convs []voc.Conversation) map[string]voc.Conversation {
	m := map[string]voc.Conversation{}
	for _, c := range convs {
		m[c.ExternalID] = c
	}
	return m
}

func storedIDs(sink *collectortest.MemSink) []string {
	var ids []string
	for _, c := range sink.Conversations() {
		ids = append(ids, c.ExternalID)
	}
	return ids
}

func roles(c voc.Conversation) []voc.Role {
	var out []voc.Role
	for _, m := range c.Messages {
		out = append(out, m.Role)
	}
	return out
}

func at(s int64) time.Time { return time.Unix(s, 0).UTC() }

func TestFullPullOverThreePages(t *testing.T) {
	fk := newFake(t)
	sink := collectortest.New()
	rep, err := newCollector(t, fk, nil).Collect(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}

	// Three search pages chained by starting_after; the last one has no
	// pages.next.
	searches := fk.requests("search")
	if len(searches) != 3 {
		t.Fatalf("%d search requests, want 3", len(searches))
	}
	for i, s := range searches {
		q := s.Search
		if q.Query != (searchFilter{Field: "updated_at", Operator: ">", Value: "1729989999"}) || q.Sort == nil ||
			*q.Sort != (searchSort{Field: "updated_at", Order: "ascending"}) || q.Pagination.PerPage != 3 {
			t.Errorf("search %d: %+v", i+1, q)
		}
		if (i == 0) != (q.Pagination.StartingAfter == "") {
			t.Errorf("search %d: starting_after %q", i+1, q.Pagination.StartingAfter)
		}
	}
	if got, want := fk.ids("conversation"), []string{"101", "102", "103", "104", "105", "106", "107"}; !reflect.DeepEqual(got, want) {
		t.Errorf("retrieved %v, want %v", got, want)
	}
	// Globex comes complete inside its conversations; Initech is fetched
	// once for two conversations; the missing company once.
	if got, want := fk.ids("company"), []string{initechRaw, goneCoID}; !reflect.DeepEqual(got, want) {
		t.Errorf("companies fetched %v, want %v", got, want)
	}

	convs := byID(sink.Conversations())
	if got := storedIDs(sink); !reflect.DeepEqual(got, []string{"101", "102", "103", "104", "106", "107"}) {
		t.Fatalf("stored %v", got)
	}
	for _, c := range convs {
		if err := c.Validate(); err != nil {
			t.Errorf("conversation %s: %v", c.ExternalID, err)
		}
	}
	fin := "Fin <operator+abcd1234@intercom.io>"
	sam := "Sam Lee <sam@acme.example>"
	dana := "Dana Reyes <dana@globex.example>"
	want101 := voc.Conversation{
		Source: "intercom", ExternalID: "101", AccountID: globexID, Channel: "email", Subject: "Export to CSV fails",
		URL:       "https://app.intercom.com/a/inbox/_/inbox/conversation/101",
		CreatedAt: at(1730000000), UpdatedAt: at(1730000100),
		Messages: []voc.Message{
			{ExternalID: "403918101", Role: voc.RoleCustomer, Author: dana, At: at(1730000000), Text: "Hi team,\n\nThe CSV export & the PDF export spin forever."},
			{ExternalID: "2", Role: voc.RoleBot, Author: fin, At: at(1730000020), Text: "I can help with exports. Have you tried a smaller date range?"},
			{ExternalID: "3", Role: voc.RoleCustomer, Author: dana, At: at(1730000030), Text: "Still broken today.\nAny news?"},
			{ExternalID: "4", Role: voc.RoleNote, Author: sam, At: at(1730000040), Text: "Internal: reproduced on v2.3, see PROJ-7"},
			{ExternalID: "5", Role: voc.RoleAgent, Author: sam, At: at(1730000050), Text: "Thanks Dana, a fix ships Friday."},
			{ExternalID: "6", Role: voc.RoleAgent, Author: "Billing", At: at(1730000060), Text: "Your ticket was handed to the Billing team."},
		},
	}
	if got := convs["101"]; !reflect.DeepEqual(got, want101) {
		g, _ := json.MarshalIndent(got, "", " ")
		w, _ := json.MarshalIndent(want101, "", " ")
		t.Errorf("conversation 101:\n got %s\nwant %s", g, w)
	}

	checks := []struct {
		id      string
		account string
		channel string
		subject string
		roles   []voc.Role
		texts   []string
	}{
		{"102", "", "chat", "", []voc.Role{voc.RoleCustomer, voc.RoleBot, voc.RoleCustomer},
			[]string{"Can I get a dark mode?", "Hi! I'm Fin, a bot. Dark mode is on our roadmap.", "Please make it a priority — my eyes hurt at night."}},
		{"103", initechID, "chat", "", []voc.Role{voc.RoleAgent, voc.RoleCustomer, voc.RoleAgent},
			[]string{"this is the message body", "We need SSO with Okta before we roll out to 300 seats.", "Noted, I'll pass it on."}},
		{"104", initechID, "chat", "", []voc.Role{voc.RoleCustomer, voc.RoleCustomer},
			[]string{"Audit log export please", "- CSV\n- JSON"}},
		{"106", globexID, "email", "Billing question", []voc.Role{voc.RoleCustomer, voc.RoleAgent},
			[]string{"Why was I charged twice?", "Refunded, sorry about that."}},
		{"107", "", "chat", "", []voc.Role{voc.RoleCustomer}, []string{"Webhooks time out after 5s"}},
	}
	for _, ck := range checks {
		c := convs[ck.id]
		var texts []string
		for _, m := range c.Messages {
			texts = append(texts, m.Text)
		}
		if c.AccountID != ck.account || c.Channel != ck.channel || c.Subject != ck.subject ||
			!reflect.DeepEqual(roles(c), ck.roles) || !reflect.DeepEqual(texts, ck.texts) {
			t.Errorf("conversation %s: account %q channel %q subject %q roles %v texts %q", ck.id, c.AccountID, c.Channel, c.Subject, roles(c), texts)
		}
	}
	if a := convs["102"].Messages[0].Author; a != "" {
		t.Errorf("anonymous lead's author %q", a)
	}

	wantAccounts := map[string]voc.Account{
		globexID:  {ID: globexID, Name: "Globex", Domains: []string{"globex.example"}, Plan: "Business", MRR: 125000, Currency: "USD", Seats: 42},
		initechID: {ID: initechID, Name: "Initech", Domains: []string{"initech.example"}, Plan: "Enterprise", MRR: 49900, Currency: "USD", Seats: 300},
	}
	if got := sink.Accounts(); !reflect.DeepEqual(got, wantAccounts) {
		t.Errorf("accounts\n got %+v\nwant %+v", got, wantAccounts)
	}

	if rep.Source != "intercom" || rep.Conversations != (collectors.Counts{New: 6}) || rep.Accounts != (collectors.Counts{New: 2, Unchanged: 2}) {
		t.Errorf("report %+v", rep)
	}
	if len(rep.Rejected) != 2 ||
		rep.Rejected[0].File != "intercom" || rep.Rejected[0].Field != "conversation 105" || !strings.Contains(rep.Rejected[0].Reason, "404") ||
		rep.Rejected[1].File != "intercom" || rep.Rejected[1].Field != "company "+goneCoID || !strings.Contains(rep.Rejected[1].Reason, "107") {
		t.Errorf("rejects %+v", rep.Rejected)
	}
	if cur := cursorOf(t, sink); cur != "1730000600:107" {
		t.Errorf("cursor %q", cur)
	}
	if sink.Batches() != 3 {
		t.Errorf("%d batches, want one per page", sink.Batches())
	}
}

func TestIncrementalFetchesOnlyUpdated(t *testing.T) {
	fk := newFake(t)
	sink := collectortest.New()
	c := newCollector(t, fk, nil)
	if _, err := c.Collect(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	stored := cursorOf(t, sink)
	storedAt, _, _ := strings.Cut(stored, ":")
	n, _ := strconv.ParseInt(storedAt, 10, 64)

	fk.resetLog()
	fk.update("102", 1730001000, "lead", "", "<p>Any update on dark mode?</p>")
	fk.update("106", 1730001100, "admin", "Sam Lee", "<p>The duplicate charge is refunded.</p>")
	rep, err := c.Collect(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	searches := fk.requests("search")
	if len(searches) != 1 {
		t.Fatalf("%d searches, want 1", len(searches))
	}
	// The query starts at the stored cursor's second (> cursor−1), so the
	// conversations of that second are listed whatever ">" means; the one
	// stored (107) is not retrieved again.
	if q := searches[0].Search.Query; q.Field != "updated_at" || q.Operator != ">" || q.Value != strconv.FormatInt(n-1, 10) {
		t.Errorf("query %+v, want updated_at > %d (cursor %s)", q, n-1, stored)
	}
	if got := fk.ids("conversation"); !reflect.DeepEqual(got, []string{"102", "106"}) {
		t.Errorf("retrieved %v, want only the two updated", got)
	}
	if rep.Conversations != (collectors.Counts{Updated: 2}) || rep.Accounts != (collectors.Counts{Unchanged: 1}) || len(rep.Rejected) != 0 {
		t.Errorf("report %+v", rep)
	}
	c102 := byID(sink.Conversations())["102"]
	if last := c102.Messages[len(c102.Messages)-1]; last.Text != "Any update on dark mode?" || last.Role != voc.RoleCustomer || !c102.UpdatedAt.Equal(at(1730001000)) {
		t.Errorf("102 after update: %+v", c102)
	}
	if cur := cursorOf(t, sink); cur != "1730001100:106" {
		t.Errorf("cursor %q", cur)
	}

	// Nothing new: one search, nothing retrieved, nothing saved.
	fk.resetLog()
	batches := sink.Batches()
	rep, err = c.Collect(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	if len(fk.requests("search")) != 1 || len(fk.requests("conversation")) != 0 || sink.Batches() != batches ||
		rep.Conversations != (collectors.Counts{}) {
		t.Errorf("idle run: %v, %d batches, report %+v", fk.ids(""), sink.Batches()-batches, rep)
	}
}

func TestCrashThenResumeEqualsUninterrupted(t *testing.T) {
	// 103 and 104 are updated in the same second and straddle the boundary
	// of pages 1 and 2, in either order; ">" strict or inclusive.
	variants := []struct {
		strict, tiesDesc bool
		cursor           string   // after the crash in page 2
		stored, resumed  []string // stored by then; retrieved on resuming
	}{
		{false, false, "1730000300:103", []string{"101", "102", "103"}, []string{"104", "105", "106", "107"}},
		{true, false, "1730000300:103", []string{"101", "102", "103"}, []string{"104", "105", "106", "107"}},
		{false, true, "1730000300:104", []string{"101", "102", "104"}, []string{"103", "105", "106", "107"}},
		{true, true, "1730000300:104", []string{"101", "102", "104"}, []string{"103", "105", "106", "107"}},
	}
	for _, v := range variants {
		t.Run(fmt.Sprintf("strict=%v,tiesDesc=%v", v.strict, v.tiesDesc), func(t *testing.T) {
			ref := newFake(t)
			ref.strict, ref.tiesDesc = v.strict, v.tiesDesc
			want := collectortest.New()
			if _, err := newCollector(t, ref, nil).Collect(context.Background(), want); err != nil {
				t.Fatal(err)
			}

			fk := newFake(t)
			fk.strict, fk.tiesDesc = v.strict, v.tiesDesc
			c := newCollector(t, fk, nil)
			sink := collectortest.New()
			sink.FailAfter = 2
			rep, err := c.Collect(context.Background(), sink)
			if !errors.Is(err, collectortest.ErrCrash) || !strings.Contains(err.Error(), "save search page 2") {
				t.Fatalf("err %v", err)
			}
			if len(rep.Rejected) != 0 {
				t.Errorf("rejects of the unsaved page reported: %+v", rep.Rejected)
			}
			if cur := cursorOf(t, sink); cur != v.cursor {
				t.Fatalf("cursor after crash %q, want %q", cur, v.cursor)
			}
			if got := storedIDs(sink); !reflect.DeepEqual(got, v.stored) {
				t.Fatalf("stored after crash %v", got)
			}

			fk.resetLog()
			rep, err = c.Collect(context.Background(), sink)
			if err != nil {
				t.Fatal(err)
			}
			if got := fk.ids("conversation"); !reflect.DeepEqual(got, v.resumed) {
				t.Errorf("resumed run retrieved %v, want %v", got, v.resumed)
			}
			if !reflect.DeepEqual(sink.Conversations(), want.Conversations()) {
				t.Errorf("conversations differ from an uninterrupted run")
			}
			if !reflect.DeepEqual(sink.Accounts(), want.Accounts()) {
				t.Errorf("accounts differ:\n got %+v\nwant %+v", sink.Accounts(), want.Accounts())
			}
			if cursorOf(t, sink) != cursorOf(t, want) || len(rep.Rejected) != 2 {
				t.Errorf("cursor %q vs %q, rejects %+v", cursorOf(t, sink), cursorOf(t, want), rep.Rejected)
			}
		})
	}
}

func TestRateLimitBurstObeysRetryAfter(t *testing.T) {
	fk := newFake(t)
	fk.only("106")
	fk.intercept = func(w http.ResponseWriter, req fakeRequest, n int) bool {
		if req.Kind != "search" || n > 3 {
			return false
		}
		w.Header().Set("Retry-After", "5")
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(5*time.Second).Unix(), 10))
		writeError(w, http.StatusTooManyRequests, "rate_limit_exceeded", "Exceeded rate limit of 10000 in 10_seconds")
		return true
	}
	var waits []time.Duration
	sink := collectortest.New()
	if _, err := newCollector(t, fk, &waits).Collect(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(waits, []time.Duration{5 * time.Second, 5 * time.Second, 5 * time.Second}) {
		t.Errorf("waits %v, want 3 × 5s", waits)
	}
	if n := len(fk.requests("search")); n != 4 {
		t.Errorf("%d search requests, want exactly 4 (3 refused, 1 answered)", n)
	}
	if got := fk.ids(""); len(got) != 5 {
		t.Errorf("%d requests in all, want 4 searches + 1 retrieve", len(got))
	}
	if got := storedIDs(sink); !reflect.DeepEqual(got, []string{"106"}) {
		t.Errorf("stored %v", got)
	}

	t.Run("X-RateLimit-Reset", func(t *testing.T) {
		fk := newFake(t)
		fk.only("106")
		fk.intercept = func(w http.ResponseWriter, req fakeRequest, n int) bool {
			if req.Kind != "search" || n > 1 {
				return false
			}
			w.Header().Set("X-RateLimit-Remaining", "0")
			w.Header().Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(7*time.Second).Unix(), 10))
			writeError(w, http.StatusTooManyRequests, "rate_limit_exceeded", "Exceeded rate limit")
			return true
		}
		var waits []time.Duration
		if _, err := newCollector(t, fk, &waits).Collect(context.Background(), collectortest.New()); err != nil {
			t.Fatal(err)
		}
		if len(waits) != 1 || waits[0] <= 5*time.Second || waits[0] > 7*time.Second {
			t.Errorf("waits %v, want one wait until the reset (~7s)", waits)
		}
	})
}

func TestMalformedPageStoresNothingFromIt(t *testing.T) {
	bodies := map[string]string{
		"truncated":        `{"type":"conversation.list","pages":{"type":"pages","page":2,"per_page":3`,
		"not an array":     `{"type":"conversation.list","pages":{"type":"pages","page":2},"total_count":7,"conversations":{"id":"104"}}`,
		"no conversations": `{"type":"conversation.list","pages":{"type":"pages","page":2,"per_page":3,"total_pages":3},"total_count":7}`,
		"no id":            `{"type":"conversation.list","pages":{"type":"pages","page":2},"total_count":7,"conversations":[{"type":"conversation","created_at":1730000260,"updated_at":1730000300}]}`,
		"no updated_at":    `{"type":"conversation.list","pages":{"type":"pages","page":2},"total_count":7,"conversations":[{"type":"conversation","id":"104","created_at":1730000260}]}`,
		"wrong type":       `{"type":"error.list","errors":[{"code":"server_error","message":"oops"}],"conversations":[]}`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			fk := newFake(t)
			fk.intercept = func(w http.ResponseWriter, req fakeRequest, n int) bool {
				if req.Kind != "search" || n != 2 {
					return false
				}
				w.Header().Set("Content-Type", "application/json")
				w.Write([]byte(body))
				return true
			}
			sink := collectortest.New()
			_, err := newCollector(t, fk, nil).Collect(context.Background(), sink)
			if err == nil || !strings.Contains(err.Error(), "search conversations page 2") || !strings.Contains(err.Error(), "malformed response") {
				t.Fatalf("err %v", err)
			}
			if cur := cursorOf(t, sink); cur != "1730000300:103" {
				t.Errorf("cursor %q, want the one after page 1", cur)
			}
			if got := fk.ids("conversation"); !reflect.DeepEqual(got, []string{"101", "102", "103"}) {
				t.Errorf("retrieved %v: nothing of the bad page may be fetched", got)
			}
			if got := storedIDs(sink); !reflect.DeepEqual(got, []string{"101", "102", "103"}) {
				t.Errorf("stored %v", got)
			}
		})
	}

	t.Run("first page of an incremental run", func(t *testing.T) {
		fk := newFake(t)
		sink := collectortest.New()
		c := newCollector(t, fk, nil)
		if _, err := c.Collect(context.Background(), sink); err != nil {
			t.Fatal(err)
		}
		before, convs := cursorOf(t, sink), sink.Conversations()
		fk.update("102", 1730001000, "lead", "", "<p>ping</p>")
		fk.resetLog()
		fk.intercept = func(w http.ResponseWriter, req fakeRequest, n int) bool {
			if req.Kind != "search" {
				return false
			}
			w.Write([]byte(`{"type":"conversation.list","conversations":[{"id":`))
			return true
		}
		_, err := c.Collect(context.Background(), sink)
		if err == nil || !strings.Contains(err.Error(), "search conversations page 1: malformed response") {
			t.Fatalf("err %v", err)
		}
		if cursorOf(t, sink) != before || !reflect.DeepEqual(sink.Conversations(), convs) || len(fk.requests("conversation")) != 0 {
			t.Errorf("cursor %q (was %q), retrieved %v", cursorOf(t, sink), before, fk.ids("conversation"))
		}
	})
}

func TestBadGatewayOnceIsRetried(t *testing.T) {
	ref := newFake(t)
	want := collectortest.New()
	if _, err := newCollector(t, ref, nil).Collect(context.Background(), want); err != nil {
		t.Fatal(err)
	}

	fk := newFake(t)
	failed := false
	fk.intercept = func(w http.ResponseWriter, req fakeRequest, n int) bool {
		if req.Kind == "conversation" && req.ID == "104" && !failed {
			failed = true
			w.Header().Set("Content-Type", "text/html")
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte("<html><body>502 Bad Gateway</body></html>"))
			return true
		}
		return false
	}
	var waits []time.Duration
	sink := collectortest.New()
	if _, err := newCollector(t, fk, &waits).Collect(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 1 || waits[0] <= 0 {
		t.Errorf("waits %v, want one backoff", waits)
	}
	n := 0
	for _, id := range fk.ids("conversation") {
		if id == "104" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("conversation 104 requested %d times, want 2", n)
	}
	if !reflect.DeepEqual(sink.Conversations(), want.Conversations()) || !reflect.DeepEqual(sink.Accounts(), want.Accounts()) ||
		cursorOf(t, sink) != cursorOf(t, want) {
		t.Errorf("run with a retried 502 differs from a clean run")
	}
}

func TestConfigValidation(t *testing.T) {
	tok := testToken
	cases := []struct {
		name string
		cfg  Config
		want string
	}{
		{"no token", Config{}, "intercom: token is empty (set VOC_INTERCOM_TOKEN)"},
		{"token with newline", Config{Token: tok + "\n"}, "intercom: token contains spaces or line breaks (check VOC_INTERCOM_TOKEN)"},
		{"no scheme", Config{Token: tok, BaseURL: "api.intercom.io"}, "intercom: base URL"},
		{"ftp", Config{Token: tok, BaseURL: "ftp://api.intercom.io"}, "intercom: base URL"},
		{"query", Config{Token: tok, BaseURL: "https://api.intercom.io/?access_token=" + tok}, "intercom: base URL"},
		{"unparsable", Config{Token: tok, BaseURL: "https://api intercom io/%zz"}, "intercom: base URL is not a valid URL"},
		{"per page too big", Config{Token: tok, PerPage: 151}, "intercom: per_page 151 is out of range (1 to 150)"},
		{"per page negative", Config{Token: tok, PerPage: -1}, "intercom: per_page -1 is out of range"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg)
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("err %v, want %q", err, tc.want)
			}
			if strings.Contains(err.Error(), tok) {
				t.Fatalf("token in error %q", err)
			}
		})
	}

	c, err := New(Config{Token: tok})
	if err != nil {
		t.Fatal(err)
	}
	if c.Name() != "intercom" || c.cfg.BaseURL != DefaultBaseURL || c.cfg.PerPage != 50 || c.cfg.HTTP == nil || c.appURL != "https://app.intercom.com" {
		t.Errorf("defaults %+v", c.cfg)
	}
	now := time.Date(2026, 10, 31, 12, 0, 0, 0, time.UTC)
	c.now = func() time.Time { return now }
	if got := c.since(); !got.Equal(now.AddDate(0, 0, -30)) {
		t.Errorf("default since %v", got)
	}
	eu, err := New(Config{Name: "intercom-eu", Token: tok, BaseURL: "https://api.eu.intercom.io/", PerPage: 150})
	if err != nil || eu.Name() != "intercom-eu" || eu.cfg.BaseURL != "https://api.eu.intercom.io" || eu.appURL != "https://app.eu.intercom.com" {
		t.Errorf("EU config: %v %+v", err, eu)
	}
	for _, s := range []string{fmt.Sprint(c.cfg), fmt.Sprintf("%+v", c.cfg), fmt.Sprintf("%#v", c.cfg), c.cfg.String()} {
		if strings.Contains(s, tok) || !strings.Contains(s, "Token:[set]") {
			t.Errorf("config renders as %s", s)
		}
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	echo := func(w http.ResponseWriter, status int, req fakeRequest) {
		// A server (or proxy) that echoes the credentials it was sent.
		writeError(w, status, "unauthorized", "Access Token Invalid: "+req.Auth)
	}

	t.Run("401", func(t *testing.T) {
		fk := newFake(t)
		fk.intercept = func(w http.ResponseWriter, req fakeRequest, n int) bool {
			echo(w, http.StatusUnauthorized, req)
			return true
		}
		_, err := newCollector(t, fk, nil).Collect(context.Background(), collectortest.New())
		if err == nil || strings.Contains(err.Error(), testToken) {
			t.Fatalf("err %v", err)
		}
		for _, s := range []string{"search conversations page 1", "401", "VOC_INTERCOM_TOKEN", "[redacted]"} {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("error %q lacks %q", err, s)
			}
		}
		var se *httpx.StatusError
		if !errors.As(err, &se) || se.Status != 401 {
			t.Errorf("error does not unwrap to the status: %v", err)
		}
	})

	t.Run("5xx until giving up", func(t *testing.T) {
		fk := newFake(t)
		fk.intercept = func(w http.ResponseWriter, req fakeRequest, n int) bool {
			if req.Kind != "conversation" {
				return false
			}
			echo(w, http.StatusInternalServerError, req)
			return true
		}
		c := newCollector(t, fk, nil)
		c.cfg.HTTP.Policy.MaxAttempts = 2
		_, err := c.Collect(context.Background(), collectortest.New())
		if err == nil || strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "retrieve conversation 101") ||
			!strings.Contains(err.Error(), "giving up after 2 attempts") {
			t.Fatalf("err %v", err)
		}
	})

	t.Run("404 rejects", func(t *testing.T) {
		fk := newFake(t)
		fk.intercept = func(w http.ResponseWriter, req fakeRequest, n int) bool {
			if req.Kind != "conversation" && req.Kind != "company" {
				return false
			}
			echo(w, http.StatusNotFound, req)
			return true
		}
		rep, err := newCollector(t, fk, nil).Collect(context.Background(), collectortest.New())
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Rejected) != 7 {
			t.Errorf("%d rejects, want 7", len(rep.Rejected))
		}
		for _, r := range rep.Rejected {
			if strings.Contains(r.Error(), testToken) {
				t.Errorf("token in reject %v", r)
			}
		}
	})

	t.Run("bad cursor", func(t *testing.T) {
		fk := newFake(t)
		sink := collectortest.New()
		s := "yesterday"
		if _, _, err := sink.SaveBatch(context.Background(), "intercom", collectors.Batch{Cursor: &s}); err != nil {
			t.Fatal(err)
		}
		_, err := newCollector(t, fk, nil).Collect(context.Background(), sink)
		if err == nil || !strings.Contains(err.Error(), `stored cursor "yesterday"`) || len(fk.requests("")) != 0 {
			t.Fatalf("err %v", err)
		}
	})
}

func TestHTMLToText(t *testing.T) {
	cases := map[string]string{
		"":                                "",
		"plain text, no tags":             "plain text, no tags",
		"<p>this is the message body</p>": "this is the message body",
		"<p>Okay!</p>":                    "Okay!",
		"<p>a</p><p>b</p>":                "a\nb",
		"<p>a</p><p><br></p><p>b</p>":     "a\n\nb",
		"<p>x<br>y<br/>z</p>":             "x\ny\nz",
		"<p>Tom &amp; Jerry &lt;3 &#39;q&#39; &quot;d&quot; caf&eacute;&nbsp;!</p>": "Tom & Jerry <3 'q' \"d\" café !",
		"<p>spread\n   over   lines</p>":                                            "spread over lines",
		"<ul><li>one</li><li>two</li></ul>":                                         "- one\n- two",
		`<p>see <a href="https://x.example/?a=1&amp;b=2">the docs</a></p>`:          "see the docs",
		"<div>a<style>p{color:red}</style>b<script>alert(1)</script></div>":         "ab",
		"<p>1 < 2 and 3 > 2</p>":                                                    "1 < 2 and 3 > 2",
		"<!-- c --><p>kept</p>":                                                     "kept",
		"<p>  </p><p></p>":                                                          "",
		"<img src=\"x.png\">":                                                       "",
		"<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>":           "a b\nc",
		"<p>unfinished <b":                                                          "unfinished",
		"&lt;b&gt;not a tag&lt;/b&gt;":                                              "<b>not a tag</b>",
	}
	for in, want := range cases {
		if got := htmlToText(in); got != want {
			t.Errorf("htmlToText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDollarsToCents(t *testing.T) {
	cases := map[string]int64{"0": 0, "1250": 125000, "99.5": 9950, "155.555": 15556, "0.004": 0, "0.005": 1, "-3": 0, "1e3": 100000}
	for in, want := range cases {
		if got := dollarsToCents(json.Number(in)); got != want {
			t.Errorf("dollarsToCents(%s) = %d, want %d", in, got, want)
		}
	}
}

func TestWebsiteDomains(t *testing.T) {
	cases := map[string][]string{
		"":                              nil,
		"https://www.Globex.example/":   {"globex.example"},
		"initech.example":               {"initech.example"},
		"http://shop.acme.example:8080": {"shop.acme.example"},
		"localhost":                     nil,
	}
	for in, want := range cases {
		if got := websiteDomains(in); !reflect.DeepEqual(got, want) {
			t.Errorf("websiteDomains(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestEmptyConversationIsRejected(t *testing.T) {
	fk := newFake(t)
	fk.only("107")
	fk.mu.Lock()
	fk.convs["107"]["source"].(map[string]any)["body"] = "<p> </p>"
	fk.mu.Unlock()
	sink := collectortest.New()
	rep, err := newCollector(t, fk, nil).Collect(context.Background(), sink)
	if err != nil {
		t.Fatal(err)
	}
	if len(sink.Conversations()) != 0 || len(rep.Rejected) != 1 || rep.Rejected[0].Field != "conversation 107" ||
		!strings.Contains(rep.Rejected[0].Reason, "no message with text") {
		t.Errorf("report %+v", rep)
	}
	if cur := cursorOf(t, sink); cur != "1730000600:107" {
		t.Errorf("cursor %q: a rejected conversation is still passed", cur)
	}
}

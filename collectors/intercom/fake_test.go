package intercom

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeIntercom answers like Intercom's REST API 2.16 for the endpoints the
// collector uses, from the fixtures in testdata (shaped like the examples of
// the OpenAPI description): POST /conversations/search, GET
// /conversations/{id} and GET /companies/{id}. It checks the bearer token
// and the version header, logs every request and lets a test intercept
// requests to inject faults.
type fakeIntercom struct {
	t     *testing.T
	token string
	srv   *httptest.Server

	mu        sync.Mutex
	convs     map[string]map[string]any // id → conversation as retrieved
	companies map[string]json.RawMessage
	gone      map[string]bool // listed by search, 404 on retrieve
	// strict makes ">" strictly greater; Intercom documents ">" on
	// conversation search as "greater (or equal) than", the default here.
	strict bool
	// tiesDesc orders conversations updated in the same second by
	// descending id (Intercom does not document its order among them).
	tiesDesc bool
	log      []fakeRequest
	counts   map[string]int
	// intercept, when set, sees every authorised request first (n counts
	// the requests of that kind, this one included) and answers it itself
	// by returning true.
	intercept func(w http.ResponseWriter, req fakeRequest, n int) bool
}

// fakeRequest is one logged request.
type fakeRequest struct {
	Kind   string // search, conversation, company, other
	Method string
	Path   string
	ID     string         // conversation or company id
	Search *searchRequest // decoded search body
	Auth   string
}

const testToken = "tok_ICTEST_d1f2e3a4b5c6_distinctive"

func newFake(t *testing.T) *fakeIntercom {
	t.Helper()
	fk := &fakeIntercom{t: t, token: testToken, convs: map[string]map[string]any{},
		companies: map[string]json.RawMessage{}, gone: map[string]bool{"105": true}, counts: map[string]int{}}
	var convs []map[string]any
	readJSON(t, "testdata/conversations.json", &convs)
	for _, c := range convs {
		fk.convs[c["id"].(string)] = c
	}
	var cos []json.RawMessage
	readJSON(t, "testdata/companies.json", &cos)
	for _, raw := range cos {
		var co struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(raw, &co); err != nil {
			t.Fatal(err)
		}
		fk.companies[co.ID] = raw
	}
	fk.srv = httptest.NewServer(fk)
	t.Cleanup(fk.srv.Close)
	return fk
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// only keeps the listed conversations.
func (fk *fakeIntercom) only(ids ...string) {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	keep := map[string]bool{}
	for _, id := range ids {
		keep[id] = true
	}
	for id := range fk.convs {
		if !keep[id] {
			delete(fk.convs, id)
		}
	}
}

// update moves a conversation to updatedAt and appends a comment part, as
// a reply in Intercom would.
func (fk *fakeIntercom) update(id string, updatedAt int64, authorType, authorName, body string) {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	c := fk.convs[id]
	c["updated_at"] = json.Number(strconv.FormatInt(updatedAt, 10))
	parts := c["conversation_parts"].(map[string]any)
	list, _ := parts["conversation_parts"].([]any)
	list = append(list, map[string]any{
		"type": "conversation_part", "id": json.Number(strconv.FormatInt(updatedAt, 10)), "part_type": "comment",
		"body": body, "created_at": updatedAt, "updated_at": updatedAt, "notified_at": updatedAt,
		"assigned_to": nil, "author": map[string]any{"type": authorType, "id": "9", "name": authorName, "email": nil},
		"attachments": []any{}, "external_id": nil, "redacted": false, "email_message_metadata": nil,
		"state": "open", "tags": []any{}, "event_details": nil, "app_package_code": nil,
	})
	parts["conversation_parts"] = list
	parts["total_count"] = len(list)
}

// requests returns the logged requests of one kind ("" for all).
func (fk *fakeIntercom) requests(kind string) []fakeRequest {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	var out []fakeRequest
	for _, r := range fk.log {
		if kind == "" || r.Kind == kind {
			out = append(out, r)
		}
	}
	return out
}

// ids returns the ids of the logged requests of one kind, in order.
func (fk *fakeIntercom) ids(kind string) []string {
	var out []string
	for _, r := range fk.requests(kind) {
		out = append(out, r.ID)
	}
	return out
}

func (fk *fakeIntercom) resetLog() {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	fk.log = nil
	fk.counts = map[string]int{}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeError answers with Intercom's error.list.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, map[string]any{"type": "error.list", "request_id": "8c288c4f-b699-4209-9de4-064398f02785",
		"errors": []map[string]string{{"code": code, "message": msg}}})
}

func (fk *fakeIntercom) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	req := fakeRequest{Method: r.Method, Path: r.URL.Path, Auth: r.Header.Get("Authorization"), Kind: "other"}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/conversations/search":
		req.Kind = "search"
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/conversations/"):
		req.Kind, req.ID = "conversation", strings.TrimPrefix(r.URL.Path, "/conversations/")
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/companies/"):
		req.Kind, req.ID = "company", strings.TrimPrefix(r.URL.Path, "/companies/")
	}
	var search *fakeSearch
	if req.Kind == "search" {
		var err error
		if search, err = decodeSearch(body); err != nil {
			fk.t.Errorf("fake: search body %s: %v", body, err)
			writeError(w, http.StatusBadRequest, "parameter_invalid", err.Error())
			return
		}
		req.Search = &searchRequest{Query: searchFilter{Field: search.Query.Field, Operator: search.Query.Operator, Value: search.value},
			Sort: search.Sort, Pagination: searchPagination{PerPage: search.perPage, StartingAfter: search.after}}
	}
	fk.mu.Lock()
	fk.log = append(fk.log, req)
	fk.counts[req.Kind]++
	n := fk.counts[req.Kind]
	intercept := fk.intercept
	fk.mu.Unlock()

	h := w.Header()
	h.Set("X-RateLimit-Limit", "10000")
	h.Set("X-RateLimit-Remaining", "9990")
	h.Set("X-RateLimit-Reset", strconv.FormatInt(time.Now().Add(10*time.Second).Unix(), 10))
	if req.Auth != "Bearer "+fk.token {
		writeError(w, http.StatusUnauthorized, "unauthorized", "Access Token Invalid")
		return
	}
	if v := r.Header.Get("Intercom-Version"); v != "2.16" {
		fk.t.Errorf("fake: Intercom-Version %q", v)
		writeError(w, http.StatusBadRequest, "intercom_version_invalid", "Requested version is not valid")
		return
	}
	if a := r.Header.Get("Accept"); a != "application/json" {
		fk.t.Errorf("fake: Accept %q", a)
	}
	if intercept != nil && intercept(w, req, n) {
		return
	}
	switch req.Kind {
	case "search":
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			fk.t.Errorf("fake: search Content-Type %q", ct)
		}
		fk.search(w, search)
	case "conversation":
		fk.mu.Lock()
		c, ok := fk.convs[req.ID]
		var b []byte
		if ok && !fk.gone[req.ID] {
			b, _ = json.Marshal(c)
		}
		fk.mu.Unlock()
		if b == nil {
			writeError(w, http.StatusNotFound, "not_found", "Resource Not Found")
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(b)
	case "company":
		fk.mu.Lock()
		b, ok := fk.companies[req.ID]
		fk.mu.Unlock()
		if !ok {
			writeError(w, http.StatusNotFound, "company_not_found", "Company Not Found")
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(b)
	default:
		fk.t.Errorf("fake: unexpected %s %s", r.Method, r.URL.Path)
		writeError(w, http.StatusNotFound, "not_found", "Resource Not Found")
	}
}

// fakeSearch is a decoded search body, read strictly.
type fakeSearch struct {
	Query struct {
		Field    string          `json:"field"`
		Operator string          `json:"operator"`
		Value    json.RawMessage `json:"value"`
	} `json:"query"`
	Sort       *searchSort `json:"sort"`
	Pagination *struct {
		PerPage       *int    `json:"per_page"`
		StartingAfter *string `json:"starting_after"`
	} `json:"pagination"`

	value   string
	since   int64
	perPage int
	after   string
}

func decodeSearch(body []byte) (*fakeSearch, error) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	var s fakeSearch
	if err := d.Decode(&s); err != nil {
		return nil, err
	}
	if s.Query.Field != "updated_at" {
		return nil, fmt.Errorf("query field %q, want updated_at", s.Query.Field)
	}
	switch s.Query.Operator {
	case ">", "<", "=":
	default:
		return nil, fmt.Errorf("operator %q is not supported on date fields", s.Query.Operator)
	}
	if err := json.Unmarshal(s.Query.Value, &s.value); err != nil {
		var n json.Number
		if json.Unmarshal(s.Query.Value, &n) != nil {
			return nil, fmt.Errorf("value %s is not a date", s.Query.Value)
		}
		s.value = n.String()
	}
	var err error
	if s.since, err = strconv.ParseInt(s.value, 10, 64); err != nil {
		return nil, fmt.Errorf("value %q is not a unix timestamp", s.value)
	}
	if s.Query.Operator != ">" {
		return nil, fmt.Errorf("the fake only knows >")
	}
	s.perPage = 20
	if p := s.Pagination; p != nil {
		if p.PerPage != nil {
			s.perPage = *p.PerPage
		}
		if p.StartingAfter != nil {
			s.after = *p.StartingAfter
		}
	}
	if s.perPage < 1 || s.perPage > 150 {
		return nil, fmt.Errorf("per_page %d out of range", s.perPage)
	}
	if s.Sort != nil && (s.Sort.Order != "ascending" && s.Sort.Order != "descending") {
		return nil, fmt.Errorf("invalid_sort_order %q", s.Sort.Order)
	}
	return &s, nil
}

// sortKey orders conversations by updated_at, then numeric id.
type sortKey struct {
	at int64
	id int64
}

func (k sortKey) less(o sortKey) bool {
	if k.at != o.at {
		return k.at < o.at
	}
	return k.id < o.id
}

func keyOf(c map[string]any) sortKey {
	at, _ := strconv.ParseInt(fmt.Sprint(c["updated_at"]), 10, 64)
	id, _ := strconv.ParseInt(c["id"].(string), 10, 64)
	return sortKey{at, id}
}

// cursorFor encodes a position like Intercom's opaque starting_after
// values (base64 of "[updated_at in ms,id]").
func cursorFor(k sortKey) string {
	return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("[%d,%d]", k.at*1000, k.id)))
}

func (fk *fakeIntercom) search(w http.ResponseWriter, s *fakeSearch) {
	fk.mu.Lock()
	var items []map[string]any
	for _, c := range fk.convs {
		k := keyOf(c)
		if k.at > s.since || (!fk.strict && k.at == s.since) {
			items = append(items, c)
		}
	}
	desc := s.Sort == nil || s.Sort.Order == "descending" || s.Sort.Field != "updated_at"
	// before orders two keys as the answer lists them.
	before := func(a, b sortKey) bool {
		if a.at == b.at && fk.tiesDesc {
			a, b = b, a
		}
		if desc {
			return b.less(a)
		}
		return a.less(b)
	}
	sort.Slice(items, func(i, j int) bool { return before(keyOf(items[i]), keyOf(items[j])) })
	pos := 0
	if s.after != "" {
		raw, err := base64.StdEncoding.DecodeString(s.after)
		var pair [2]int64
		if err != nil || json.Unmarshal(raw, &pair) != nil {
			fk.mu.Unlock()
			writeError(w, http.StatusBadRequest, "parameter_invalid", "starting_after is invalid")
			return
		}
		after := sortKey{pair[0] / 1000, pair[1]}
		for pos < len(items) {
			if before(after, keyOf(items[pos])) {
				break
			}
			pos++
		}
	}
	end := min(pos+s.perPage, len(items))
	page := []map[string]any{}
	for _, c := range items[pos:end] {
		listed := map[string]any{}
		for k, v := range c {
			if k != "conversation_parts" {
				listed[k] = v
			}
		}
		page = append(page, listed)
	}
	pages := map[string]any{"type": "pages", "page": pos/s.perPage + 1, "per_page": s.perPage,
		"total_pages": (len(items) + s.perPage - 1) / s.perPage}
	if end < len(items) {
		pages["next"] = map[string]any{"per_page": s.perPage, "starting_after": cursorFor(keyOf(items[end-1]))}
	}
	fk.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"type": "conversation.list", "pages": pages,
		"total_count": len(items), "conversations": page})
}

package zendesk

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeZendesk is an httptest stand-in for the parts of the Zendesk Support
// API the collector calls: the cursor-based incremental ticket export with
// users and organisations side-loaded, and ticket comments with users
// side-loaded, paged by cursor (or by next_page when offsetPaging is set).
// Payloads follow the documented shapes, including fields the collector
// does not read. Every request must carry "{email}/token:{token}" Basic
// auth. Every change to a ticket moves it to the end of the export order,
// as Zendesk's export orders tickets by when they last changed.
type fakeZendesk struct {
	t     *testing.T
	srv   *httptest.Server
	email string
	token string

	mu       sync.Mutex
	seq      int64 // export order: bumped by every change
	tickets  map[int64]*fTicket
	users    map[int64]fUser
	orgs     map[int64]fOrg
	comments map[int64][]fComment
	missing  map[int64]bool // comments answer 404
	faults   []*fault
	log      []call

	// commentPageSize caps comments per page, to exercise paging.
	commentPageSize int
	// offsetPaging makes comments paged by page/next_page, as Zendesk
	// does when no page[size] is given; nextPageHost, if set, replaces
	// the host of next_page links (a hostile or misconfigured server).
	offsetPaging bool
	nextPageHost string
	// echoAuth makes a failed authentication echo back the credentials
	// it received, as a badly behaved proxy might.
	echoAuth bool
}

type fTicket struct {
	ID          int64
	Subject     string
	Description string
	Status      string
	RequesterID int64
	OrgID       int64 // 0: none
	Channel     string
	CreatedAt   time.Time
	UpdatedAt   time.Time
	seq         int64
}

type fUser struct {
	ID     int64
	Name   string
	Email  string
	Role   string
	Locale string
	OrgID  int64
}

type fOrg struct {
	ID      int64
	Name    string
	Domains []string
}

type fComment struct {
	ID        int64
	AuthorID  int64
	Body      string
	PlainBody string
	Public    bool
	Channel   string // via.channel, "web" when empty
	Rel       string // via.source.rel
	CreatedAt time.Time
}

// fault makes matching requests fail the given number of times.
type fault struct {
	match  func(r *http.Request) bool
	times  int
	status int
	header map[string]string
	body   string
}

// call is one logged request.
type call struct {
	Kind      string // "export" or "comments"
	Cursor    string // export: cursor param
	StartTime string // export: start_time param
	Ticket    int64  // comments: ticket id
	Query     url.Values
	Status    int
}

var fakeEpoch = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func newFake(t *testing.T, email, token string) *fakeZendesk {
	f := &fakeZendesk{t: t, email: email, token: token,
		tickets: map[int64]*fTicket{}, users: map[int64]fUser{}, orgs: map[int64]fOrg{},
		comments: map[int64][]fComment{}, missing: map[int64]bool{}, commentPageSize: 100}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// seed loads the standard data set: two organisations, end-users with and
// without one, an agent and an admin, and six tickets whose comments mix
// public replies, internal notes, a trigger's comment, a comment with only
// an HTML body and an attachment-only comment.
func (f *fakeZendesk) seed() {
	f.addOrg(fOrg{ID: 10, Name: "Globex", Domains: []string{"globex.example"}})
	f.addOrg(fOrg{ID: 20, Name: "Initech KK", Domains: []string{"initech.example", "initech.co.jp"}})
	f.addUser(fUser{ID: 100, Name: "Dana Reyes", Email: "dana@globex.example", Role: "end-user", Locale: "en-US", OrgID: 10})
	f.addUser(fUser{ID: 101, Name: "Kenji Sato", Email: "kenji@initech.co.jp", Role: "end-user", Locale: "ja", OrgID: 20})
	f.addUser(fUser{ID: 102, Name: "Pat Lone", Email: "pat@mail.example", Role: "end-user", Locale: "en"})
	f.addUser(fUser{ID: 200, Name: "Sam Support", Email: "sam@acme.example", Role: "agent", Locale: "en-US"})
	f.addUser(fUser{ID: 201, Name: "Alex Admin", Email: "alex@acme.example", Role: "admin", Locale: "en-US"})

	f.addTicket(fTicket{ID: 1, Subject: "Export to CSV fails", RequesterID: 100, OrgID: 10, Channel: "email"},
		fComment{AuthorID: 100, PlainBody: "The CSV export spins forever.", Public: true, Channel: "email"},
		fComment{AuthorID: 200, PlainBody: "Thanks Dana, looking into it.", Public: true},
		fComment{AuthorID: 200, PlainBody: "Probably the known timeout bug.", Public: false},
		fComment{AuthorID: 100, PlainBody: "Any news? We need it for month end.", Public: true, Channel: "email"})
	f.addTicket(fTicket{ID: 2, Subject: "ガントチャート", RequesterID: 101, OrgID: 20, Channel: "web"},
		fComment{AuthorID: 101, PlainBody: "ガントチャート表示を追加してください。", Public: true},
		fComment{AuthorID: 200, PlainBody: "We received your request.", Public: true, Channel: "rule", Rel: "trigger"},
		fComment{AuthorID: 201, PlainBody: "Logged as a feature request.", Public: true})
	f.addTicket(fTicket{ID: 3, Subject: "Login loop", RequesterID: 102, Channel: "chat"},
		fComment{AuthorID: 102, PlainBody: "I get sent back to the login page.", Public: true, Channel: "chat"},
		fComment{AuthorID: 200, PlainBody: "Please clear your cookies.", Public: true, Channel: "chat"})
	f.addTicket(fTicket{ID: 4, Subject: "Invoice address", RequesterID: 100, OrgID: 10, Channel: "api"},
		fComment{AuthorID: 100, PlainBody: "Please change our invoice address.", Public: true, Channel: "api"},
		fComment{AuthorID: 201, PlainBody: "Billing owns this, routing.", Public: false})
	f.addTicket(fTicket{ID: 5, Subject: "Slow dashboard", RequesterID: 101, OrgID: 20, Channel: "email"},
		fComment{AuthorID: 101, PlainBody: "The dashboard takes 20 seconds.", Public: true},
		fComment{AuthorID: 200, PlainBody: "Which browser?", Public: true},
		fComment{AuthorID: 101, PlainBody: "Chrome.", Public: true},
		fComment{AuthorID: 200, PlainBody: "Reproduced.", Public: false},
		fComment{AuthorID: -1, PlainBody: "This ticket was merged.", Public: true, Channel: "system"})
	f.addTicket(fTicket{ID: 6, Subject: "Screenshot", RequesterID: 102, Channel: "web"},
		fComment{AuthorID: 102, Body: "See the attached error.", Public: true},
		fComment{AuthorID: 102, Public: true}, // attachment only
		fComment{AuthorID: 200, PlainBody: "Got it.", Public: true})
}

func (f *fakeZendesk) addOrg(o fOrg) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.orgs[o.ID] = o
}

func (f *fakeZendesk) addUser(u fUser) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.users[u.ID] = u
}

// addTicket creates a ticket with its comments, the first being the
// description, and puts it at the end of the export order.
func (f *fakeZendesk) addTicket(t fTicket, cs ...fComment) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	if t.Status == "" {
		t.Status = "open"
	}
	t.CreatedAt = fakeEpoch.Add(time.Duration(t.ID) * time.Hour)
	t.UpdatedAt = fakeEpoch.Add(48*time.Hour + time.Duration(f.seq)*time.Minute)
	t.seq = f.seq
	for i := range cs {
		cs[i].ID = t.ID*1000 + int64(i) + 1
		cs[i].CreatedAt = t.CreatedAt.Add(time.Duration(i) * 10 * time.Minute)
	}
	if len(cs) > 0 {
		t.Description = cs[0].PlainBody
	}
	f.tickets[t.ID] = &t
	f.comments[t.ID] = cs
}

// change edits a ticket and moves it to the end of the export order.
func (f *fakeZendesk) change(id int64, edit func(t *fTicket)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := f.tickets[id]
	f.seq++
	edit(t)
	t.seq = f.seq
	t.UpdatedAt = fakeEpoch.Add(48*time.Hour + time.Duration(f.seq)*time.Minute)
}

// addComment appends a comment to a ticket, which changes the ticket.
func (f *fakeZendesk) addComment(id int64, c fComment) {
	f.change(id, func(t *fTicket) {
		cs := f.comments[id]
		c.ID = id*1000 + int64(len(cs)) + 1
		c.CreatedAt = t.CreatedAt.Add(time.Duration(len(cs)) * 10 * time.Minute)
		f.comments[id] = append(cs, c)
	})
}

func (f *fakeZendesk) addFault(fl *fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.faults = append(f.faults, fl)
}

// calls returns the request log.
func (f *fakeZendesk) calls() []call {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]call(nil), f.log...)
}

func (f *fakeZendesk) resetLog() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = nil
}

// exportCalls renders the export requests as "start_time=N" or
// "cursor=C", in order.
func (f *fakeZendesk) exportCalls() []string {
	var out []string
	for _, c := range f.calls() {
		if c.Kind == "export" {
			if c.Cursor != "" {
				out = append(out, "cursor="+c.Cursor)
			} else {
				out = append(out, "start_time="+c.StartTime)
			}
		}
	}
	return out
}

// commentCalls counts comments requests by ticket.
func (f *fakeZendesk) commentCalls() map[int64]int {
	out := map[int64]int{}
	for _, c := range f.calls() {
		if c.Kind == "comments" {
			out[c.Ticket]++
		}
	}
	return out
}

func encCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("zd-export:" + strconv.FormatInt(seq, 10)))
}

func decCursor(s string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), "zd-export:") {
		return 0, false
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(string(b), "zd-export:"), 10, 64)
	return n, err == nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (f *fakeZendesk) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := call{Query: r.URL.Query()}
	path := r.URL.Path
	switch {
	case path == "/api/v2/incremental/tickets/cursor.json":
		c.Kind = "export"
		c.Cursor, c.StartTime = c.Query.Get("cursor"), c.Query.Get("start_time")
	case strings.HasPrefix(path, "/api/v2/tickets/") && strings.HasSuffix(path, "/comments.json"):
		c.Kind = "comments"
		c.Ticket, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(path, "/api/v2/tickets/"), "/comments.json"), 10, 64)
	}
	status := f.respond(w, r, c)
	c.Status = status
	f.log = append(f.log, c)
}

func (f *fakeZendesk) respond(w http.ResponseWriter, r *http.Request, c call) int {
	if r.Method != http.MethodGet {
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "MethodNotAllowed"})
		return http.StatusMethodNotAllowed
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != f.email+"/token" || pass != f.token {
		body := map[string]string{"error": "Couldn't authenticate you"}
		if f.echoAuth {
			body["received"] = r.Header.Get("Authorization") + " " + user + ":" + pass
		}
		writeJSON(w, http.StatusUnauthorized, body)
		return http.StatusUnauthorized
	}
	for _, fl := range f.faults {
		if fl.times > 0 && fl.match(r) {
			fl.times--
			for k, v := range fl.header {
				w.Header().Set(k, v)
			}
			w.WriteHeader(fl.status)
			fmt.Fprint(w, fl.body)
			return fl.status
		}
	}
	switch c.Kind {
	case "export":
		return f.export(w, r)
	case "comments":
		return f.ticketComments(w, r, c.Ticket)
	}
	writeJSON(w, http.StatusNotFound, map[string]string{"error": "InvalidEndpoint", "description": "Not found"})
	return http.StatusNotFound
}

func (f *fakeZendesk) export(w http.ResponseWriter, r *http.Request) int {
	q := r.URL.Query()
	if q.Get("include") != "users,organizations" {
		f.t.Errorf("export request without include=users,organizations: %s", r.URL.RawQuery)
	}
	perPage := 1000
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "InvalidPaginationParameter"})
			return http.StatusBadRequest
		}
		perPage = n
	}
	all := make([]*fTicket, 0, len(f.tickets))
	for _, t := range f.tickets {
		all = append(all, t)
	}
	sort.Slice(all, func(i, j int) bool { return all[i].seq < all[j].seq })
	var after int64
	var rest []*fTicket
	switch {
	case q.Get("cursor") != "":
		n, ok := decCursor(q.Get("cursor"))
		if !ok {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "InvalidCursor"})
			return http.StatusBadRequest
		}
		after = n
		for _, t := range all {
			if t.seq > n {
				rest = append(rest, t)
			}
		}
	case q.Get("start_time") != "":
		st, err := strconv.ParseInt(q.Get("start_time"), 10, 64)
		if err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "InvalidValue"})
			return http.StatusBadRequest
		}
		after = f.seq
		for _, t := range all {
			if t.UpdatedAt.Unix() >= st {
				rest = append(rest, t)
			}
		}
		if len(rest) > 0 {
			after = rest[0].seq - 1
		}
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "InvalidValue", "description": "start_time or cursor is required"})
		return http.StatusBadRequest
	}
	page := rest
	if len(page) > perPage {
		page = page[:perPage]
	}
	if len(page) > 0 {
		after = page[len(page)-1].seq
	}
	var before int64
	if len(page) > 0 {
		before = page[0].seq - 1
	}
	tickets := make([]any, 0, len(page))
	userIDs, orgIDs := map[int64]bool{}, map[int64]bool{}
	for _, t := range page {
		tickets = append(tickets, f.ticketJSON(t))
		userIDs[t.RequesterID] = true
		if t.OrgID != 0 {
			orgIDs[t.OrgID] = true
		}
	}
	base := f.srv.URL + r.URL.Path + "?cursor="
	writeJSON(w, http.StatusOK, map[string]any{
		"tickets":       tickets,
		"users":         f.usersJSON(userIDs),
		"organizations": f.orgsJSON(orgIDs),
		"after_url":     base + encCursor(after),
		"after_cursor":  encCursor(after),
		"before_url":    base + encCursor(before),
		"before_cursor": encCursor(before),
		"end_of_stream": len(rest) <= perPage,
	})
	return http.StatusOK
}

func (f *fakeZendesk) ticketJSON(t *fTicket) map[string]any {
	var org any
	if t.OrgID != 0 {
		org = t.OrgID
	}
	return map[string]any{
		"url":                 fmt.Sprintf("%s/api/v2/tickets/%d.json", f.srv.URL, t.ID),
		"id":                  t.ID,
		"external_id":         nil,
		"via":                 map[string]any{"channel": t.Channel, "source": map[string]any{"from": map[string]any{}, "to": map[string]any{}, "rel": nil}},
		"created_at":          t.CreatedAt.Format(time.RFC3339),
		"updated_at":          t.UpdatedAt.Format(time.RFC3339),
		"generated_timestamp": t.UpdatedAt.Unix(),
		"type":                "question",
		"subject":             t.Subject,
		"raw_subject":         t.Subject,
		"description":         t.Description,
		"priority":            "normal",
		"status":              t.Status,
		"recipient":           "support@acme.example",
		"requester_id":        t.RequesterID,
		"submitter_id":        t.RequesterID,
		"assignee_id":         200,
		"organization_id":     org,
		"group_id":            360001,
		"collaborator_ids":    []int64{},
		"follower_ids":        []int64{},
		"email_cc_ids":        []int64{},
		"has_incidents":       false,
		"is_public":           true,
		"due_at":              nil,
		"tags":                []string{"voc-test"},
		"custom_fields":       []map[string]any{{"id": 360005, "value": nil}},
		"satisfaction_rating": nil,
		"ticket_form_id":      360007,
		"brand_id":            360009,
		"allow_channelback":   false,
		"allow_attachments":   true,
	}
}

func (f *fakeZendesk) usersJSON(ids map[int64]bool) []any {
	keys := make([]int64, 0, len(ids))
	for id := range ids {
		if _, ok := f.users[id]; ok {
			keys = append(keys, id)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	out := make([]any, 0, len(keys))
	for _, id := range keys {
		u := f.users[id]
		var org any
		if u.OrgID != 0 {
			org = u.OrgID
		}
		out = append(out, map[string]any{
			"id": u.ID, "url": fmt.Sprintf("%s/api/v2/users/%d.json", f.srv.URL, u.ID),
			"name": u.Name, "email": u.Email, "role": u.Role, "locale": u.Locale, "locale_id": 1,
			"organization_id": org, "active": true, "verified": true, "time_zone": "UTC",
		})
	}
	return out
}

func (f *fakeZendesk) orgsJSON(ids map[int64]bool) []any {
	keys := make([]int64, 0, len(ids))
	for id := range ids {
		if _, ok := f.orgs[id]; ok {
			keys = append(keys, id)
		}
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	out := make([]any, 0, len(keys))
	for _, id := range keys {
		o := f.orgs[id]
		out = append(out, map[string]any{
			"id": o.ID, "url": fmt.Sprintf("%s/api/v2/organizations/%d.json", f.srv.URL, o.ID),
			"name": o.Name, "domain_names": o.Domains, "details": "", "notes": "",
			"shared_tickets": false, "shared_comments": false, "tags": []string{},
			"created_at": fakeEpoch.Add(-24 * time.Hour).Format(time.RFC3339), "updated_at": fakeEpoch.Format(time.RFC3339),
		})
	}
	return out
}

func (f *fakeZendesk) ticketComments(w http.ResponseWriter, r *http.Request, id int64) int {
	t, ok := f.tickets[id]
	if !ok || f.missing[id] {
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "RecordNotFound", "description": "Not found"})
		return http.StatusNotFound
	}
	q := r.URL.Query()
	if q.Get("include") != "users" {
		f.t.Errorf("comments request without include=users: %s", r.URL.RawQuery)
	}
	cs := f.comments[t.ID]
	size := f.commentPageSize
	from := 0
	if f.offsetPaging {
		if p, err := strconv.Atoi(q.Get("page")); err == nil && p > 1 {
			from = (p - 1) * size
		}
	} else {
		if v := q.Get("page[size]"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 100 {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "InvalidPaginationParameter"})
				return http.StatusBadRequest
			}
			size = min(size, n)
		}
		if v := q.Get("page[after]"); v != "" {
			n, err := strconv.Atoi(strings.TrimPrefix(v, "c"))
			if err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]string{"error": "InvalidPaginationParameter"})
				return http.StatusBadRequest
			}
			from = n
		}
	}
	to := min(from+size, len(cs))
	from = min(from, to)
	page := cs[from:to]
	out := make([]any, 0, len(page))
	authors := map[int64]bool{}
	for _, c := range page {
		ch := c.Channel
		if ch == "" {
			ch = "web"
		}
		var rel any
		if c.Rel != "" {
			rel = c.Rel
		}
		body := c.Body
		if body == "" {
			body = c.PlainBody
		}
		out = append(out, map[string]any{
			"id": c.ID, "type": "Comment", "author_id": c.AuthorID, "body": body,
			"html_body": "<div class=\"zd-comment\"><p>" + body + "</p></div>", "plain_body": c.PlainBody,
			"public": c.Public, "attachments": []any{}, "audit_id": c.ID + 500000,
			"via":        map[string]any{"channel": ch, "source": map[string]any{"from": map[string]any{}, "to": map[string]any{}, "rel": rel}},
			"created_at": c.CreatedAt.Format(time.RFC3339),
			"metadata":   map[string]any{"system": map[string]any{"client": "Mozilla/5.0"}, "custom": map[string]any{}},
		})
		if c.AuthorID > 0 {
			authors[c.AuthorID] = true
		}
	}
	resp := map[string]any{"comments": out, "users": f.usersJSON(authors)}
	more := to < len(cs)
	if f.offsetPaging {
		var next any
		if more {
			host := f.srv.URL
			if f.nextPageHost != "" {
				host = "http://" + f.nextPageHost
			}
			next = fmt.Sprintf("%s%s?include=users&page=%d", host, r.URL.Path, to/size+1)
		}
		resp["next_page"], resp["previous_page"], resp["count"] = next, nil, len(cs)
	} else {
		var next any
		after := "c" + strconv.Itoa(to)
		if more {
			next = fmt.Sprintf("%s%s?include=users&page[after]=%s&page[size]=%d", f.srv.URL, r.URL.Path, after, size)
		}
		resp["meta"] = map[string]any{"has_more": more, "after_cursor": after, "before_cursor": "c" + strconv.Itoa(from)}
		resp["links"] = map[string]any{"next": next, "prev": nil}
	}
	writeJSON(w, http.StatusOK, resp)
	return http.StatusOK
}

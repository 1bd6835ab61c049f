package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/store"
)

// The secrets of the serve zendesk tests: the webhook signing secret and
// the API token with the agent email it belongs to.
const (
	zdWebhookSecret = "zd-webhook-secret-9c4f2a"
	zdToken         = "tok_ZDSERVE_3b8e6f_distinctive"
	zdEmail         = "voc-bot@acme.example"
)

// zdFake answers like the Zendesk Support API for what the zendesk
// collector calls: the cursor-based incremental ticket export with users
// and organizations side-loaded, and ticket comments with users
// side-loaded. Trimmed from collectors/zendesk/fake_test.go (itself shaped
// from Zendesk's documented payloads); every change moves a ticket to the
// end of the export order. It logs every request.
type zdFake struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	seq      int64
	tickets  map[int64]*zdTicket
	comments map[int64][]zdComment
	log      []string // "export start_time=N", "export cursor=C" or "comments <id>"
}

type zdTicket struct {
	id, requester, org int64
	subject            string
	at                 time.Time
	seq                int64
}

type zdComment struct {
	id, author int64
	body       string
	at         time.Time
}

// zdUsers and zdOrgs are the people and organisations the fake knows.
var (
	zdUsers = map[int64]map[string]any{
		9001: {"id": 9001, "name": "Dana Reyes", "email": "dana@globex.example", "role": "end-user", "locale": "en-US", "organization_id": 5001},
		7001: {"id": 7001, "name": "Sam Support", "email": "sam@acme.example", "role": "agent", "locale": "en-US", "organization_id": nil},
	}
	zdOrgs = map[int64]map[string]any{
		5001: {"id": 5001, "name": "Globex", "domain_names": []string{"globex.example"}, "details": "", "notes": "",
			"shared_tickets": false, "shared_comments": false, "tags": []string{}},
	}
)

func newZDFake(t *testing.T) *zdFake {
	t.Helper()
	fk := &zdFake{t: t, tickets: map[int64]*zdTicket{}, comments: map[int64][]zdComment{}}
	fk.srv = httptest.NewServer(http.HandlerFunc(fk.serve))
	t.Cleanup(fk.srv.Close)
	return fk
}

// add makes ticket id, opened now by customer 9001 of Globex with ask and
// answered by agent 7001.
func (fk *zdFake) add(id int64, subject, ask string) {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	fk.seq++
	now := time.Now().UTC().Truncate(time.Second)
	fk.tickets[id] = &zdTicket{id: id, requester: 9001, org: 5001, subject: subject, at: now, seq: fk.seq}
	fk.comments[id] = []zdComment{{id: id*1000 + 1, author: 9001, body: ask, at: now},
		{id: id*1000 + 2, author: 7001, body: "Thanks Dana, I have passed this on to the product team.", at: now}}
}

// requests returns the request log.
func (fk *zdFake) requests() []string {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	return append([]string(nil), fk.log...)
}

func (fk *zdFake) resetLog() {
	fk.mu.Lock()
	fk.log = nil
	fk.mu.Unlock()
}

// exports counts the export requests logged since the last reset.
func (fk *zdFake) exports() int {
	n := 0
	for _, r := range fk.requests() {
		if strings.HasPrefix(r, "export ") {
			n++
		}
	}
	return n
}

func zdCursor(seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("zd-export:" + strconv.FormatInt(seq, 10)))
}

func zdWrite(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func (fk *zdFake) serve(w http.ResponseWriter, r *http.Request) {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	if user, pass, ok := r.BasicAuth(); !ok || user != zdEmail+"/token" || pass != zdToken {
		zdWrite(w, http.StatusUnauthorized, map[string]string{"error": "Couldn't authenticate you"})
		return
	}
	q := r.URL.Query()
	switch p := r.URL.Path; {
	case r.Method == http.MethodGet && p == "/api/v2/incremental/tickets/cursor.json":
		if c := q.Get("cursor"); c != "" {
			fk.log = append(fk.log, "export cursor="+c)
		} else {
			fk.log = append(fk.log, "export start_time="+q.Get("start_time"))
		}
		fk.export(w, q)
	case r.Method == http.MethodGet && strings.HasPrefix(p, "/api/v2/tickets/") && strings.HasSuffix(p, "/comments.json"):
		id, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(p, "/api/v2/tickets/"), "/comments.json"), 10, 64)
		fk.log = append(fk.log, fmt.Sprintf("comments %d", id))
		fk.ticketComments(w, q, id)
	default:
		fk.t.Errorf("fake zendesk: unexpected %s %s", r.Method, r.URL)
		zdWrite(w, http.StatusNotFound, map[string]string{"error": "InvalidEndpoint", "description": "Not found"})
	}
}

// export answers one page holding every ticket after the cursor (or
// updated at or after start_time), in export order.
func (fk *zdFake) export(w http.ResponseWriter, q map[string][]string) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	if get("include") != "users,organizations" {
		fk.t.Errorf("fake zendesk: export without include=users,organizations: %v", q)
	}
	var after int64 = -1
	var start int64 = -1
	if c := get("cursor"); c != "" {
		b, err := base64.RawURLEncoding.DecodeString(c)
		n, perr := strconv.ParseInt(strings.TrimPrefix(string(b), "zd-export:"), 10, 64)
		if err != nil || perr != nil || !strings.HasPrefix(string(b), "zd-export:") {
			zdWrite(w, http.StatusBadRequest, map[string]string{"error": "InvalidCursor"})
			return
		}
		after = n
	} else if st, err := strconv.ParseInt(get("start_time"), 10, 64); err == nil {
		start = st
	} else {
		zdWrite(w, http.StatusBadRequest, map[string]string{"error": "InvalidValue", "description": "start_time or cursor is required"})
		return
	}
	var page []*zdTicket
	for _, t := range fk.tickets {
		if (after >= 0 && t.seq > after) || (start >= 0 && t.at.Unix() >= start) {
			page = append(page, t)
		}
	}
	sort.Slice(page, func(i, j int) bool { return page[i].seq < page[j].seq })
	last := max(after, 0)
	if start >= 0 {
		last = fk.seq
	}
	tickets, users, orgs := []any{}, []any{}, []any{}
	seenU, seenO := map[int64]bool{}, map[int64]bool{}
	for _, t := range page {
		last = t.seq
		tickets = append(tickets, fk.ticketJSON(t))
		if !seenU[t.requester] {
			seenU[t.requester] = true
			users = append(users, zdUsers[t.requester])
		}
		if !seenO[t.org] {
			seenO[t.org] = true
			orgs = append(orgs, zdOrgs[t.org])
		}
	}
	base := fk.srv.URL + "/api/v2/incremental/tickets/cursor.json?cursor="
	zdWrite(w, http.StatusOK, map[string]any{"tickets": tickets, "users": users, "organizations": orgs,
		"after_url": base + zdCursor(last), "after_cursor": zdCursor(last),
		"before_url": nil, "before_cursor": nil, "end_of_stream": true})
}

func (fk *zdFake) ticketJSON(t *zdTicket) map[string]any {
	return map[string]any{
		"url": fmt.Sprintf("%s/api/v2/tickets/%d.json", fk.srv.URL, t.id), "id": t.id, "external_id": nil,
		"via":        map[string]any{"channel": "web", "source": map[string]any{"from": map[string]any{}, "to": map[string]any{}, "rel": nil}},
		"created_at": t.at.Format(time.RFC3339), "updated_at": t.at.Format(time.RFC3339), "generated_timestamp": t.at.Unix(),
		"type": "question", "subject": t.subject, "raw_subject": t.subject, "description": fk.comments[t.id][0].body,
		"priority": "normal", "status": "new", "recipient": "support@acme.example",
		"requester_id": t.requester, "submitter_id": t.requester, "assignee_id": 7001, "organization_id": t.org,
		"group_id": 360000123, "collaborator_ids": []int64{}, "follower_ids": []int64{}, "email_cc_ids": []int64{},
		"has_incidents": false, "is_public": true, "due_at": nil, "tags": []string{"feature_request"},
		"custom_fields": []map[string]any{{"id": 360001, "value": nil}}, "satisfaction_rating": nil,
		"ticket_form_id": 360007, "brand_id": 360009, "allow_channelback": false, "allow_attachments": true,
	}
}

// ticketComments answers every comment of a ticket on one cursor page.
func (fk *zdFake) ticketComments(w http.ResponseWriter, q map[string][]string, id int64) {
	cs, ok := fk.comments[id]
	if !ok {
		zdWrite(w, http.StatusNotFound, map[string]string{"error": "RecordNotFound", "description": "Not found"})
		return
	}
	if inc := q["include"]; len(inc) != 1 || inc[0] != "users" {
		fk.t.Errorf("fake zendesk: comments without include=users: %v", q)
	}
	out, users := []any{}, []any{}
	seen := map[int64]bool{}
	for _, c := range cs {
		out = append(out, map[string]any{
			"id": c.id, "type": "Comment", "author_id": c.author, "body": c.body,
			"html_body": `<div class="zd-comment"><p>` + c.body + "</p></div>", "plain_body": c.body,
			"public": true, "attachments": []any{}, "audit_id": c.id + 500000,
			"via":        map[string]any{"channel": "web", "source": map[string]any{"from": map[string]any{}, "to": map[string]any{}, "rel": nil}},
			"created_at": c.at.Format(time.RFC3339),
			"metadata":   map[string]any{"system": map[string]any{"client": "Mozilla/5.0"}, "custom": map[string]any{}},
		})
		if !seen[c.author] {
			seen[c.author] = true
			users = append(users, zdUsers[c.author])
		}
	}
	zdWrite(w, http.StatusOK, map[string]any{"comments": out, "users": users,
		"meta":  map[string]any{"has_more": false, "after_cursor": "c" + strconv.Itoa(len(cs)), "before_cursor": "c0"},
		"links": map[string]any{"next": nil, "prev": nil}})
}

// zdEvent is a Zendesk event webhook delivery about ticket id, shaped like
// Zendesk's ticket.created event, signed with secret at the given time.
func zdEvent(t *testing.T, invocation string, ticket int64, secret string, at time.Time) (string, http.Header) {
	t.Helper()
	id := strconv.FormatInt(ticket, 10)
	b, err := json.Marshal(map[string]any{"type": "zen:event-type:ticket.created", "account_id": 22129848,
		"id": "cbe4028c-7239-495d-b020-f22348516046", "time": at.UTC().Format(time.RFC3339),
		"zendesk_event_version": "2022-11-06", "subject": "zen:ticket:" + id,
		"detail": map[string]any{"id": id, "actor_id": "9001", "assignee_id": nil, "brand_id": "360009",
			"created_at": at.UTC().Format(time.RFC3339), "description": "Feature request", "external_id": nil,
			"form_id": "360007", "group_id": nil, "is_public": true, "organization_id": "5001", "priority": "NORMAL",
			"requester_id": "9001", "status": "NEW", "subject": "Recurring tasks", "submitter_id": "9001",
			"tags": []string{"feature_request"}, "type": "QUESTION", "updated_at": at.UTC().Format(time.RFC3339), "via": map[string]any{"channel": "web_form"}},
		"event": map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	ts := at.UTC().Format(time.RFC3339)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write(b)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Zendesk-Webhook-Id", "01GXB8PSE4ZW9BN9WXSQ2Y1S2Y")
	h.Set("X-Zendesk-Webhook-Invocation-Id", invocation)
	h.Set("X-Zendesk-Webhook-Signature-Timestamp", ts)
	h.Set("X-Zendesk-Webhook-Signature", base64.StdEncoding.EncodeToString(m.Sum(nil)))
	return string(b), h
}

// zdServe is voc serve in-process on the demo's workspace with one zendesk
// source pointing at a zdFake.
type zdServe struct {
	served
	fk *zdFake
}

func newZDServe(t *testing.T) *zdServe {
	t.Helper()
	fk := newZDFake(t)
	_, cfgPath := serveWorkspace(t, fmt.Sprintf("sources:\n  - name: zendesk\n    type: zendesk\n    base_url: %s\n    email: %s\n"+
		"serve:\n  every: {collect: 8760h, sync: -1s, pull: -1s, purge: -1s}\n", fk.srv.URL, zdEmail))
	t.Setenv(envZendeskWebhook, zdWebhookSecret)
	t.Setenv("VOC_ZENDESK_TOKEN", zdToken)
	a := openServeApp(t, cfgPath, nil)
	base := runServe(t, a)
	var run store.JobRun
	waitFor(t, "the start's pipeline run", func() bool {
		var err error
		run, err = a.st.LastJobRun(context.Background(), "pipeline", "")
		return err == nil && run.State != "running"
	})
	if run.State != "done" {
		t.Fatalf("the start's pipeline run: %s %s", run.State, run.Error)
	}
	if n := fk.exports(); n != 1 {
		t.Fatalf("the start's collect made %d export requests, want 1: %q", n, fk.requests())
	}
	fk.resetLog()
	return &zdServe{served: served{a: a, base: base}, fk: fk}
}

// classified waits for ticket id to be stored with the customer's ask
// classified as a feature request in a topic.
func (zs *zdServe) classified(t *testing.T, id, ask string) {
	t.Helper()
	ctx := context.Background()
	waitFor(t, "zendesk ticket "+id+" classified into a topic", func() bool {
		items, err := zs.a.st.ConversationItems(ctx, "zendesk", id)
		return err == nil && len(items) > 0 && items[0].TopicID != nil
	})
	conv, err := zs.a.st.Conversation(ctx, "zendesk", id)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Messages) != 2 || conv.Messages[0].Role != voc.RoleCustomer || !strings.Contains(conv.Messages[0].Text, ask) ||
		conv.Messages[1].Role != voc.RoleAgent {
		t.Fatalf("ticket %s stored as %+v", id, conv.Messages)
	}
	if conv.AccountID != "zendesk:org:5001" {
		t.Errorf("ticket %s account %q", id, conv.AccountID)
	}
	items, _ := zs.a.st.ConversationItems(ctx, "zendesk", id)
	if items[0].Kind != voc.KindFeature {
		t.Errorf("ticket %s item kind %s, want feature: %q", id, items[0].Kind, items[0].Quote)
	}
}

// TestServeZendeskWebhook: a signed Zendesk event makes the worker collect
// the source, so the new ticket is stored and classified into a topic;
// stale, forged and unsigned deliveries are refused and queue nothing.
func TestServeZendeskWebhook(t *testing.T) {
	zs := newZDServe(t)
	zs.fk.add(35436, "Recurring tasks", askRecurring)
	before := zs.queue(t)

	now := time.Now()
	stale, hs := zdEvent(t, "01HZ0STALE", 35436, zdWebhookSecret, now.Add(-10*time.Minute))
	forged, hf := zdEvent(t, "01HZ0FORGED", 35436, "guessed-secret", now)
	unsigned, hu := zdEvent(t, "01HZ0UNSIGNED", 35436, zdWebhookSecret, now)
	hu.Del("X-Zendesk-Webhook-Signature")
	hu.Del("X-Zendesk-Webhook-Signature-Timestamp")
	for _, d := range []struct {
		name string
		body string
		h    http.Header
	}{{"stale", stale, hs}, {"forged", forged, hf}, {"unsigned", unsigned, hu}} {
		if code, ans := send(t, "POST", zs.base+"/hooks/zendesk", d.body, d.h); code != 401 {
			t.Errorf("%s delivery: %d %s", d.name, code, ans)
		}
	}
	if q := zs.queue(t); q != before {
		t.Fatalf("refused deliveries changed the queue: %+v -> %+v", before, q)
	}
	if r := zs.fk.requests(); len(r) != 0 {
		t.Fatalf("refused deliveries made requests to zendesk: %q", r)
	}

	body, h := zdEvent(t, "01HZ0GOOD", 35436, zdWebhookSecret, time.Now())
	if code, ans := send(t, "POST", zs.base+"/hooks/zendesk", body, h); code != 200 || !strings.Contains(ans, `"queued":true`) {
		t.Fatalf("signed delivery: %d %s", code, ans)
	}
	zs.classified(t, "35436", "recurring tasks to boards")
	zs.drained(t, before.Done+1)
	if n := zs.fk.exports(); n != 1 {
		t.Errorf("one delivery made %d export requests, want 1: %q", n, zs.fk.requests())
	}
	if r := zs.fk.requests(); len(r) == 0 || !strings.HasPrefix(r[0], "export cursor=") {
		t.Errorf("the collect did not resume from the stored cursor: %q", r)
	}
	code, metrics := send(t, "GET", zs.base+"/metrics", "", nil)
	for _, want := range []string{`voc_webhook_deliveries_total{outcome="rejected",source="zendesk"} 3`,
		`voc_webhook_deliveries_total{outcome="queued",source="zendesk"} 1`} {
		if code != 200 || !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestServeZendeskRedelivery: a delivery sent again with the same
// invocation id is answered as a duplicate and queues nothing, so no
// collect runs for it.
func TestServeZendeskRedelivery(t *testing.T) {
	zs := newZDServe(t)
	zs.fk.add(35436, "Recurring tasks", askRecurring)
	body, h := zdEvent(t, "01HZ1FIRST", 35436, zdWebhookSecret, time.Now())
	if code, ans := send(t, "POST", zs.base+"/hooks/zendesk", body, h); code != 200 || !strings.Contains(ans, `"queued":true`) {
		t.Fatalf("delivery: %d %s", code, ans)
	}
	zs.classified(t, "35436", "recurring tasks to boards")
	zs.drained(t, 1)
	zs.fk.resetLog()
	before := zs.queue(t)

	// Zendesk re-signs a retry with a fresh timestamp; the invocation id
	// stays the same.
	body, h = zdEvent(t, "01HZ1FIRST", 35436, zdWebhookSecret, time.Now())
	code, ans := send(t, "POST", zs.base+"/hooks/zendesk", body, h)
	if code != 200 || !strings.Contains(ans, `"duplicate":true`) || strings.Contains(ans, `"queued":true`) {
		t.Fatalf("redelivery: %d %s", code, ans)
	}
	if q := zs.queue(t); q != before {
		t.Fatalf("redelivery changed the queue: %+v -> %+v", before, q)
	}
	// A fresh delivery behind it: once it is done, anything the
	// redelivery had queued (ahead of it) would be done too.
	body, h = zdEvent(t, "01HZ1SECOND", 35436, zdWebhookSecret, time.Now())
	if code, ans := send(t, "POST", zs.base+"/hooks/zendesk", body, h); code != 200 || !strings.Contains(ans, `"queued":true`) {
		t.Fatalf("fresh delivery: %d %s", code, ans)
	}
	zs.drained(t, before.Done+1)
	if n := zs.fk.exports(); n != 1 {
		t.Fatalf("redelivery then a fresh delivery made %d export requests, want 1 (the fresh one's): %q", n, zs.fk.requests())
	}
	_, metrics := send(t, "GET", zs.base+"/metrics", "", nil)
	if want := `voc_webhook_deliveries_total{outcome="duplicate",source="zendesk"} 1`; !strings.Contains(metrics, want) {
		t.Errorf("metrics lack %q", want)
	}
}

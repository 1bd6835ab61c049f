package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/store"
)

// The secrets of the serve collect tests: Intercom's app client secret
// (signs webhooks) and the REST API access token.
const (
	icClientSecret = "ic-client-secret-5b7e1d"
	icToken        = "tok_ICSERVE_7c1e9a_distinctive"
)

// icFake answers like Intercom's REST API 2.16 for what the intercom
// collector calls (POST /conversations/search, GET /conversations/{id}),
// trimmed from collectors/intercom/fake_test.go. Conversations start from
// testdata/intercom/conversation.json. It logs every request, and while
// hold is set, search requests wait for it to close.
type icFake struct {
	t   *testing.T
	srv *httptest.Server

	mu    sync.Mutex
	tmpl  []byte
	convs map[string]map[string]any
	log   []string // "search" or "conversation <id>"
	hold  chan struct{}
}

func newICFake(t *testing.T) *icFake {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "intercom", "conversation.json"))
	if err != nil {
		t.Fatal(err)
	}
	fk := &icFake{t: t, tmpl: b, convs: map[string]map[string]any{}}
	fk.srv = httptest.NewServer(fk)
	t.Cleanup(fk.srv.Close)
	return fk
}

// add makes conversation id, started by a customer with ask, updated now.
func (fk *icFake) add(id, ask string) {
	d := json.NewDecoder(bytes.NewReader(fk.tmpl))
	d.UseNumber()
	var c map[string]any
	if err := d.Decode(&c); err != nil {
		fk.t.Fatal(err)
	}
	now := json.Number(strconv.FormatInt(time.Now().Unix(), 10))
	c["id"], c["created_at"], c["updated_at"] = id, now, now
	c["source"].(map[string]any)["body"] = "<p>" + ask + "</p>"
	fk.mu.Lock()
	fk.convs[id] = c
	fk.mu.Unlock()
}

// searches counts the search requests logged since the last reset.
func (fk *icFake) searches() int {
	fk.mu.Lock()
	defer fk.mu.Unlock()
	n := 0
	for _, r := range fk.log {
		if r == "search" {
			n++
		}
	}
	return n
}

func (fk *icFake) resetLog() {
	fk.mu.Lock()
	fk.log = nil
	fk.mu.Unlock()
}

// holdSearches makes searches wait until the returned func is called.
func (fk *icFake) holdSearches() (release func()) {
	ch := make(chan struct{})
	fk.mu.Lock()
	fk.hold = ch
	fk.mu.Unlock()
	return func() {
		fk.mu.Lock()
		fk.hold = nil
		fk.mu.Unlock()
		close(ch)
	}
}

func icError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"type": "error.list", "request_id": "8c288c4f-b699-4209-9de4-064398f02785",
		"errors": []map[string]string{{"code": code, "message": msg}}})
}

func (fk *icFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if r.Header.Get("Authorization") != "Bearer "+icToken {
		icError(w, http.StatusUnauthorized, "unauthorized", "Access Token Invalid")
		return
	}
	if v := r.Header.Get("Intercom-Version"); v != "2.16" {
		fk.t.Errorf("fake intercom: Intercom-Version %q", v)
		icError(w, http.StatusBadRequest, "intercom_version_invalid", "Requested version is not valid")
		return
	}
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/conversations/search":
		fk.mu.Lock()
		fk.log = append(fk.log, "search")
		hold := fk.hold
		fk.mu.Unlock()
		if hold != nil {
			<-hold
		}
		fk.search(w, body)
	case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/conversations/"):
		id := strings.TrimPrefix(r.URL.Path, "/conversations/")
		fk.mu.Lock()
		fk.log = append(fk.log, "conversation "+id)
		c, ok := fk.convs[id]
		b, _ := json.Marshal(c)
		fk.mu.Unlock()
		if !ok {
			icError(w, http.StatusNotFound, "not_found", "Resource Not Found")
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(b)
	default:
		fk.t.Errorf("fake intercom: unexpected %s %s", r.Method, r.URL.Path)
		icError(w, http.StatusNotFound, "not_found", "Resource Not Found")
	}
}

// search answers a single-filter "updated_at >" search, ascending, with
// ">" inclusive as Intercom documents it for conversation search. Every
// match fits on one page here.
func (fk *icFake) search(w http.ResponseWriter, body []byte) {
	var s struct {
		Query struct {
			Field    string `json:"field"`
			Operator string `json:"operator"`
			Value    string `json:"value"`
		} `json:"query"`
		Sort struct {
			Field string `json:"field"`
			Order string `json:"order"`
		} `json:"sort"`
		Pagination struct {
			PerPage       int    `json:"per_page"`
			StartingAfter string `json:"starting_after"`
		} `json:"pagination"`
	}
	d := json.NewDecoder(bytes.NewReader(body))
	d.DisallowUnknownFields()
	err := d.Decode(&s)
	since, perr := strconv.ParseInt(s.Query.Value, 10, 64)
	if err != nil || perr != nil || s.Query.Field != "updated_at" || s.Query.Operator != ">" ||
		s.Sort.Field != "updated_at" || s.Sort.Order != "ascending" || s.Pagination.PerPage < 1 || s.Pagination.PerPage > 150 {
		fk.t.Errorf("fake intercom: search body %s (%v)", body, err)
		icError(w, http.StatusBadRequest, "parameter_invalid", "search body not understood")
		return
	}
	fk.mu.Lock()
	page := []map[string]any{}
	for _, c := range fk.convs {
		if at, _ := strconv.ParseInt(fmt.Sprint(c["updated_at"]), 10, 64); at >= since {
			listed := map[string]any{}
			for k, v := range c {
				if k != "conversation_parts" {
					listed[k] = v
				}
			}
			page = append(page, listed)
		}
	}
	fk.mu.Unlock()
	sort.Slice(page, func(i, j int) bool {
		a, b := fmt.Sprint(page[i]["updated_at"], page[i]["id"]), fmt.Sprint(page[j]["updated_at"], page[j]["id"])
		return a < b
	})
	if len(page) > s.Pagination.PerPage {
		fk.t.Errorf("fake intercom: %d matches exceed per_page %d", len(page), s.Pagination.PerPage)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(map[string]any{"type": "conversation.list", "total_count": len(page), "conversations": page,
		"pages": map[string]any{"type": "pages", "page": 1, "per_page": s.Pagination.PerPage, "total_pages": 1}})
}

// icNotification is a signed webhook notification about conversation id,
// shaped like Intercom's notification object.
func icNotification(t *testing.T, notifID, topic, convID, secret string) (string, http.Header) {
	t.Helper()
	now := time.Now().Unix()
	b, err := json.Marshal(map[string]any{"type": "notification_event", "app_id": "this_is_an_id159_that_should_be_at_least_",
		"data": map[string]any{"type": "notification_event_data", "item": map[string]any{"type": "conversation", "id": convID,
			"created_at": now, "updated_at": now, "open": true, "state": "open"}},
		"links": map[string]any{}, "id": notifID, "topic": topic, "delivery_status": "pending", "delivery_attempts": 1,
		"delivered_at": 0, "first_sent_at": now, "created_at": now, "self": nil})
	if err != nil {
		t.Fatal(err)
	}
	m := hmac.New(sha1.New, []byte(secret))
	m.Write(b)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("X-Hub-Signature", "sha1="+hex.EncodeToString(m.Sum(nil)))
	return string(b), h
}

var demoOnce struct {
	sync.Once
	db  []byte
	err error
}

// demoDB is the database voc demo leaves, made once for all the serve
// collect tests.
func demoDB(t *testing.T) []byte {
	t.Helper()
	demoOnce.Do(func() {
		dir, err := os.MkdirTemp("", "voc-serve-collect-")
		if err != nil {
			demoOnce.err = err
			return
		}
		defer os.RemoveAll(dir)
		if code, _, errs := runVoc(t, "demo", "--dir", dir); code != 0 {
			demoOnce.err = fmt.Errorf("voc demo: %s", errs)
			return
		}
		demoOnce.db, demoOnce.err = os.ReadFile(filepath.Join(dir, "voc.db"))
	})
	if demoOnce.err != nil {
		t.Fatal(demoOnce.err)
	}
	return demoOnce.db
}

// collectServe is voc serve in-process on the demo's database with one
// intercom source pointing at an icFake.
type collectServe struct {
	served
	fk *icFake
}

func newCollectServe(t *testing.T) *collectServe {
	t.Helper()
	fk := newICFake(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "voc.db"), demoDB(t), 0o644); err != nil {
		t.Fatal(err)
	}
	strategy, err := os.ReadFile(filepath.Join("..", "..", "examples", "acme", "strategy.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// The scheduled jobs run once at start; a year apart, not again.
	cfg := fmt.Sprintf("db: voc.db\nstrategy: strategy.yaml\nsources:\n  - name: intercom\n    type: intercom\n    base_url: %s\n"+
		"serve:\n  every: {collect: 8760h, sync: 8760h, pull: 8760h, purge: 8760h}\n", fk.srv.URL)
	cfgPath := filepath.Join(dir, "voc.yaml")
	for path, b := range map[string][]byte{filepath.Join(dir, "strategy.yaml"): strategy, cfgPath: []byte(cfg)} {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(envIntercomSecret, icClientSecret)
	t.Setenv("VOC_INTERCOM_TOKEN", icToken)
	a := openServeApp(t, cfgPath, nil)
	base := runServe(t, a)
	// Let the pipeline job of the start finish, so that what follows is
	// the webhooks' doing alone.
	var run store.JobRun
	waitFor(t, "the start's pipeline run", func() bool {
		var err error
		run, err = a.st.LastJobRun(context.Background(), "pipeline", "")
		return err == nil && run.State != "running"
	})
	if run.State != "done" {
		t.Fatalf("the start's pipeline run: %s %s", run.State, run.Error)
	}
	fk.resetLog()
	return &collectServe{served: served{a: a, base: base}, fk: fk}
}

// notify delivers a signed notification and checks it was queued.
func (cs *collectServe) notify(t *testing.T, notifID, convID string) {
	t.Helper()
	body, h := icNotification(t, notifID, "conversation.user.created", convID, icClientSecret)
	if code, ans := send(t, "POST", cs.base+"/hooks/intercom", body, h); code != 200 || !strings.Contains(ans, `"queued":true`) {
		t.Fatalf("notification %s: %d %s", notifID, code, ans)
	}
}

// classified waits for conversation id to be stored with its ask
// classified as a feature request in a topic.
func (cs *collectServe) classified(t *testing.T, id, ask string) {
	t.Helper()
	ctx := context.Background()
	waitFor(t, "intercom conversation "+id+" classified into a topic", func() bool {
		items, err := cs.a.st.ConversationItems(ctx, "intercom", id)
		return err == nil && len(items) > 0 && items[0].TopicID != nil
	})
	conv, err := cs.a.st.Conversation(ctx, "intercom", id)
	if err != nil {
		t.Fatal(err)
	}
	if len(conv.Messages) == 0 || conv.Messages[0].Role != voc.RoleCustomer || !strings.Contains(conv.Messages[0].Text, ask) {
		t.Fatalf("conversation %s stored as %+v", id, conv.Messages)
	}
	if conv.AccountID != "intercom:company:6762f07f1bb69f9f2193bb01" {
		t.Errorf("conversation %s account %q", id, conv.AccountID)
	}
	items, _ := cs.a.st.ConversationItems(ctx, "intercom", id)
	if items[0].Kind != voc.KindFeature {
		t.Errorf("conversation %s item kind %s, want feature: %q", id, items[0].Kind, items[0].Quote)
	}
}

const (
	askRecurring = "Feature request: could you add recurring tasks to boards? We want the weekly checklist card created again every Monday without copying it by hand."
	askXLSX      = "Please add an Excel (.xlsx) export option, our finance team cannot work with CSV files."
)

// TestServeCollectOnNotification: a signed Intercom notification makes the
// worker collect the source, so the conversation is stored and classified
// into a topic; a forged one is refused and queues nothing.
func TestServeCollectOnNotification(t *testing.T) {
	cs := newCollectServe(t)
	cs.fk.add("503", askRecurring)
	before := cs.queue(t)

	body, h := icNotification(t, "notif_2f0c5a9e-1b7d-4c1e-9d3f-6a5b4c3d2e1f", "conversation.user.created", "503", "guessed-secret")
	if code, ans := send(t, "POST", cs.base+"/hooks/intercom", body, h); code != 401 {
		t.Fatalf("forged notification: %d %s", code, ans)
	}
	if q := cs.queue(t); q != before {
		t.Fatalf("forged notification changed the queue: %+v -> %+v", before, q)
	}
	if n := cs.fk.searches(); n != 0 {
		t.Fatalf("forged notification: %d searches", n)
	}

	cs.notify(t, "notif_2f0c5a9e-1b7d-4c1e-9d3f-6a5b4c3d2e1f", "503")
	cs.classified(t, "503", "recurring tasks to boards")
	cs.drained(t, before.Done+1)
	if n := cs.fk.searches(); n != 1 {
		t.Errorf("one notification made %d searches, want 1", n)
	}
	code, metrics := send(t, "GET", cs.base+"/metrics", "", nil)
	for _, want := range []string{`voc_webhook_deliveries_total{outcome="rejected",source="intercom"} 1`,
		`voc_webhook_deliveries_total{outcome="queued",source="intercom"} 1`} {
		if code != 200 || !strings.Contains(metrics, want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

// TestServeCollectBurst: ten distinct notifications received while a
// collect is under way cost a collect or two, not ten, and miss nothing.
func TestServeCollectBurst(t *testing.T) {
	cs := newCollectServe(t)
	cs.fk.add("503", askRecurring)
	cs.notify(t, "notif_0", "503")
	cs.classified(t, "503", "recurring tasks to boards")
	cs.drained(t, 1)

	cs.fk.add("504", askXLSX)
	cs.fk.resetLog()
	// Searches wait until the whole burst is acknowledged, so every
	// delivery arrives before the first collect it causes has finished.
	release := cs.fk.holdSearches()
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, h := icNotification(t, fmt.Sprintf("notif_burst_%d", i), "conversation.user.replied", "504", icClientSecret)
			if code, ans := send(t, "POST", cs.base+"/hooks/intercom", body, h); code != 200 || !strings.Contains(ans, `"queued":true`) {
				t.Errorf("burst notification %d: %d %s", i, code, ans)
			}
		}()
	}
	wg.Wait()
	release()
	if t.Failed() {
		t.FailNow()
	}
	waitFor(t, "the burst worked off", func() bool { return cs.queue(t).Pending == 0 || cs.fk.searches() > 3 })
	if n := cs.fk.searches(); n > 3 {
		t.Fatalf("a burst of 10 notifications made %d searches or more, want at most 3", n)
	}
	cs.drained(t, 11)
	cs.classified(t, "504", "xlsx")
	cs.classified(t, "503", "recurring tasks to boards")
	n := cs.fk.searches()
	if n < 1 || n > 3 {
		t.Fatalf("a burst of 10 notifications made %d searches, want 1 to 3", n)
	}
	t.Logf("a burst of 10 notifications made %d searches", n)
}

// TestServeCollectRedelivery: a notification delivered again is answered
// as a duplicate and queues nothing, so no collect runs for it.
func TestServeCollectRedelivery(t *testing.T) {
	cs := newCollectServe(t)
	cs.fk.add("503", askRecurring)
	body, h := icNotification(t, "notif_7d1e", "conversation.user.created", "503", icClientSecret)
	if code, ans := send(t, "POST", cs.base+"/hooks/intercom", body, h); code != 200 || !strings.Contains(ans, `"queued":true`) {
		t.Fatalf("notification: %d %s", code, ans)
	}
	cs.classified(t, "503", "recurring tasks to boards")
	cs.drained(t, 1)
	cs.fk.resetLog()
	before := cs.queue(t)

	code, ans := send(t, "POST", cs.base+"/hooks/intercom", body, h)
	if code != 200 || !strings.Contains(ans, `"duplicate":true`) || strings.Contains(ans, `"queued":true`) {
		t.Fatalf("redelivery: %d %s", code, ans)
	}
	if q := cs.queue(t); q != before {
		t.Fatalf("redelivery changed the queue: %+v -> %+v", before, q)
	}
	// A fresh notification behind it: once it is done, anything the
	// redelivery had queued (ahead of it) would be done too.
	cs.notify(t, "notif_7d1f", "503")
	cs.drained(t, before.Done+1)
	if n := cs.fk.searches(); n != 1 {
		t.Fatalf("redelivery then a fresh notification made %d searches, want 1 (the fresh one's)", n)
	}
	_, metrics := send(t, "GET", cs.base+"/metrics", "", nil)
	if want := `voc_webhook_deliveries_total{outcome="duplicate",source="intercom"} 1`; !strings.Contains(metrics, want) {
		t.Errorf("metrics lack %q", want)
	}
}

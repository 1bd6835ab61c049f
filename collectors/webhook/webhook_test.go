package webhook

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/voc-dev/voc/collectors/collectortest"
)

const one = `{"external_id":"%s","created_at":"2026-10-01T09:00:00Z","messages":[{"role":"customer","text":"Please add a Gantt chart."}]}`

func conv(id string) string { return strings.Replace(one, "%s", id, 1) }

func post(h http.Handler, body, ctype, token string) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", "/intake/conversations", strings.NewReader(body))
	r.Header.Set("Content-Type", ctype)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestIntake(t *testing.T) {
	sink := collectortest.New()
	h := &Handler{Source: "webhook", Token: "t0ken", Sink: sink, MaxBody: 4096}
	if w := post(h, conv("1"), "application/json", "wrong"); w.Code != http.StatusUnauthorized {
		t.Fatalf("wrong token: %d", w.Code)
	}
	if w := post(h, conv("1"), "application/json", ""); w.Code != http.StatusUnauthorized {
		t.Fatalf("no token: %d", w.Code)
	}
	w := post(h, conv("1"), "application/json", "t0ken")
	if w.Code != http.StatusAccepted || !strings.Contains(w.Body.String(), `"new":1`) {
		t.Fatalf("single: %d %s", w.Code, w.Body)
	}
	w = post(h, "["+conv("1")+","+conv("2")+"]", "application/json", "t0ken")
	if w.Code != http.StatusAccepted || !strings.Contains(w.Body.String(), `"new":1`) || !strings.Contains(w.Body.String(), `"unchanged":1`) {
		t.Fatalf("array: %d %s", w.Code, w.Body)
	}
	w = post(h, conv("3")+"\n"+conv("4")+"\n", "application/x-ndjson", "t0ken")
	if w.Code != http.StatusAccepted || !strings.Contains(w.Body.String(), `"new":2`) {
		t.Fatalf("jsonl: %d %s", w.Code, w.Body)
	}
	// One bad record rejects the whole request, naming it.
	bad := strings.Replace(conv("6"), `"customer"`, `"boss"`, 1)
	w = post(h, conv("5")+"\n"+bad, "application/x-ndjson", "t0ken")
	var p problem
	json.Unmarshal(w.Body.Bytes(), &p)
	if w.Code != http.StatusBadRequest || p.Record != 2 || p.Field != "messages[0].role" {
		t.Fatalf("bad record: %d %s", w.Code, w.Body)
	}
	if w := post(h, conv("7")+strings.Repeat(" ", 5000), "application/json", "t0ken"); w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("huge body: %d", w.Code)
	}
	if w := post(h, `{"external_id":`, "application/json", "t0ken"); w.Code != http.StatusBadRequest {
		t.Fatalf("broken json: %d", w.Code)
	}
	got := sink.Conversations()
	if len(got) != 4 || got[0].Source != "webhook" {
		t.Fatalf("stored %d conversations (want 1-4, nothing from rejected requests): %+v", len(got), got)
	}
	r := httptest.NewRequest("GET", "/intake/conversations", nil)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	if rec.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", rec.Code)
	}
}

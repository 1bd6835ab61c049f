package server

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

func sign256(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// vector reads GitHub's documented signing example.
func vector(t *testing.T) (secret, payload, sig string) {
	f, err := os.Open("testdata/webhook_signature_vector.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ": ")
		if !ok || strings.HasPrefix(k, "#") {
			continue
		}
		switch k {
		case "secret":
			secret = v
		case "payload":
			payload = v
		case "X-Hub-Signature-256":
			sig = v
		}
	}
	return
}

func TestGitHubVectorAccepted(t *testing.T) {
	secret, payload, sig := vector(t)
	wh := GitHubWebhook(secret)
	h := http.Header{}
	h.Set("X-Hub-Signature-256", sig)
	if err := wh.Verify(h, []byte(payload)); err != nil {
		t.Fatalf("GitHub's own test vector rejected: %v", err)
	}
	h.Set("X-Hub-Signature-256", strings.Replace(sig, "7", "8", 1))
	if wh.Verify(h, []byte(payload)) == nil {
		t.Fatal("altered signature accepted")
	}
}

func post(t *testing.T, h http.Handler, body []byte, hdr map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(string(body)))
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestWebhookIntake(t *testing.T) {
	st := sqliteStore(t)
	s := newServer(t, st, nil)
	body, err := os.ReadFile("testdata/issues_reopened.payload.json")
	if err != nil {
		t.Fatal(err)
	}
	const secret = "gh-secret"
	gh := s.Webhook(GitHubWebhook(secret))
	good := map[string]string{"X-Hub-Signature-256": sign256(secret, body), "X-GitHub-Delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958", "X-GitHub-Event": "issues"}
	cases := []struct {
		name string
		hdr  map[string]string
		body []byte
		code int
	}{
		{"unsigned", map[string]string{"X-GitHub-Delivery": "x", "X-GitHub-Event": "issues"}, body, 401},
		{"forged", map[string]string{"X-Hub-Signature-256": sign256("guess", body), "X-GitHub-Delivery": "x", "X-GitHub-Event": "issues"}, body, 401},
		{"tampered body", good, append([]byte(" "), body...), 401},
		{"no delivery id", map[string]string{"X-Hub-Signature-256": sign256(secret, body), "X-GitHub-Event": "issues"}, body, 400},
		{"good", good, body, 200},
		{"redelivered", good, body, 200},
	}
	for _, c := range cases {
		w := post(t, gh, c.body, c.hdr)
		if w.Code != c.code {
			t.Errorf("%s: %d %s, want %d", c.name, w.Code, w.Body, c.code)
		}
		if c.code == 401 && strings.Contains(w.Body.String(), secret) {
			t.Errorf("%s: the answer leaks the secret", c.name)
		}
	}
	ctx := context.Background()
	q, _ := st.QueueStats(ctx)
	if q.Pending != 1 {
		t.Fatalf("queued %d events, want exactly the one good delivery", q.Pending)
	}
	evs, _ := st.ClaimEvents(ctx, "t", 5, time.Minute)
	if len(evs) != 1 || evs[0].Kind != "github.issues" || string(evs[0].Payload) != string(body) {
		t.Fatalf("queued event %+v", evs)
	}
	// A ping is answered but queues nothing.
	ping := []byte(`{"zen":"Keep it logically awesome.","hook_id":1}`)
	w := post(t, gh, ping, map[string]string{"X-Hub-Signature-256": sign256(secret, ping), "X-GitHub-Delivery": "p1", "X-GitHub-Event": "ping"})
	if w.Code != 200 || !strings.Contains(w.Body.String(), "pong") {
		t.Fatalf("ping: %d %s", w.Code, w.Body)
	}
	big := make([]byte, DefaultMaxBody+1)
	if w := post(t, gh, big, good); w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized body: %d", w.Code)
	}
	if q, _ := st.QueueStats(ctx); q.Pending != 1 {
		t.Fatalf("queue changed by rejected requests: %+v", q)
	}
}

func TestSourcesRejectForgedStaleAndUnsigned(t *testing.T) {
	st := sqliteStore(t)
	s := newServer(t, st, nil)
	now := time.Date(2026, 12, 2, 7, 0, 0, 0, time.UTC)
	zdBody := []byte(`{"type":"zen:event-type:ticket.comment_added","detail":{"id":"35436"}}`)
	zd := func(secret string, ts time.Time) map[string]string {
		stamp := ts.Format(time.RFC3339)
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte(stamp))
		m.Write(zdBody)
		return map[string]string{"X-Zendesk-Webhook-Signature": base64.StdEncoding.EncodeToString(m.Sum(nil)),
			"X-Zendesk-Webhook-Signature-Timestamp": stamp, "X-Zendesk-Webhook-Invocation-Id": "inv-1"}
	}
	icBody := []byte(`{"type":"notification_event","id":"notif_ccd8a4d0","topic":"conversation.user.replied","data":{"item":{"id":"123"}}}`)
	ic := func(secret string) map[string]string {
		m := hmac.New(sha1.New, []byte(secret))
		m.Write(icBody)
		return map[string]string{"X-Hub-Signature": "sha1=" + hex.EncodeToString(m.Sum(nil))}
	}
	jiraBody := []byte(`{"timestamp":1764658800000,"webhookEvent":"jira:issue_updated","issue":{"id":"10002","key":"VOC-7"}}`)
	jira := func(secret string) map[string]string {
		return map[string]string{"X-Hub-Signature": sign256(secret, jiraBody), "X-Atlassian-Webhook-Identifier": "wh-1"}
	}
	zdH := s.Webhook(ZendeskWebhook("zd", func() time.Time { return now }))
	icH := s.Webhook(IntercomWebhook("ic"))
	jiraH := s.Webhook(JiraWebhook("jr"))
	for _, c := range []struct {
		name string
		h    http.Handler
		body []byte
		hdr  map[string]string
		code int
	}{
		{"zendesk good", zdH, zdBody, zd("zd", now.Add(-time.Minute)), 200},
		{"zendesk stale", zdH, zdBody, zd("zd", now.Add(-10*time.Minute)), 401},
		{"zendesk forged", zdH, zdBody, zd("other", now), 401},
		{"zendesk unsigned", zdH, zdBody, nil, 401},
		{"intercom good", icH, icBody, ic("ic"), 200},
		{"intercom forged", icH, icBody, ic("x"), 401},
		{"intercom unsigned", icH, icBody, nil, 401},
		{"jira good", jiraH, jiraBody, jira("jr"), 200},
		{"jira forged", jiraH, jiraBody, jira("x"), 401},
		{"jira unsigned", jiraH, jiraBody, nil, 401},
	} {
		if w := post(t, c.h, c.body, c.hdr); w.Code != c.code {
			t.Errorf("%s: %d %s, want %d", c.name, w.Code, w.Body, c.code)
		}
	}
	evs, _ := st.ClaimEvents(context.Background(), "t", 10, time.Minute)
	kinds := map[string]string{}
	for _, e := range evs {
		kinds[e.Source] = e.Kind + " " + e.DeliveryID
	}
	want := map[string]string{"zendesk": "zendesk.ticket.comment_added inv-1", "intercom": "intercom.conversation.user.replied notif_ccd8a4d0", "jira": "jira.jira:issue_updated wh-1"}
	for k, v := range want {
		if kinds[k] != v {
			t.Errorf("%s event: %q, want %q", k, kinds[k], v)
		}
	}
	if len(evs) != 3 {
		t.Errorf("%d events queued, want 3", len(evs))
	}
	// A webhook without a secret configured accepts nothing.
	if w := post(t, s.Webhook(GitHubWebhook("")), []byte(`{}`), map[string]string{"X-Hub-Signature-256": sign256("", []byte(`{}`))}); w.Code != 401 {
		t.Errorf("empty secret: %d", w.Code)
	}
}

package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/store"
)

// TestServeJiraWebhookShipsTopic delivers Jira issue events (shaped like
// Jira Cloud's jira:issue_updated, fields as in integrations/jira's
// recorded issue payloads) for a topic linked to a Jira issue: a forged one
// is refused, "Done" ships the topic once whatever the redeliveries, and
// reopening hands the topic back to the backlog.
func TestServeJiraWebhookShipsTopic(t *testing.T) {
	_, cfgPath := serveWorkspace(t, "trackers:\n  jira:\n    base_url: https://acme.atlassian.net\nserve:\n  every:\n    collect: -1s\n    sync: -1s\n    purge: -1s\n")
	t.Setenv(envJiraWebhook, "jira-secret")
	t.Setenv(envSlackSigning, "")
	a := openServeApp(t, cfgPath, nil)
	ctx := context.Background()
	entries, err := a.backlog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	topic := entries[0]
	if err := a.st.SaveLink(ctx, store.Link{TopicKey: topic.Key, Tracker: "jira", RemoteID: "VOC-7", URL: "https://acme.atlassian.net/browse/VOC-7", State: "open", SyncedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	base := runServe(t, a)
	event := func(id, status, category string, resolution any) []byte {
		b, _ := json.Marshal(map[string]any{
			"timestamp": time.Now().UnixMilli(), "webhookEvent": "jira:issue_updated", "issue_event_type_name": "issue_generic",
			"issue": map[string]any{"id": "10007", "key": "VOC-7", "self": "https://acme.atlassian.net/rest/api/3/issue/10007",
				"fields": map[string]any{"summary": topic.Title, "labels": []string{"voc", "voc-" + topic.Key},
					"status":     map[string]any{"id": id, "name": status, "statusCategory": map[string]any{"id": 3, "key": category, "name": status}},
					"resolution": resolution}}})
		return b
	}
	post := func(body []byte, secret, delivery string) int {
		h := http.Header{}
		h.Set("Content-Type", "application/json")
		h.Set("X-Hub-Signature", sign256(secret, body))
		h.Set("X-Atlassian-Webhook-Identifier", delivery)
		code, _ := send(t, "POST", base+"/hooks/jira", string(body), h)
		return code
	}
	status := func() (voc.Status, *voc.Decision) {
		tp, err := a.st.Topic(ctx, topic.ID)
		if err != nil {
			t.Fatal(err)
		}
		return tp.Status, tp.Decision
	}
	doneEv := event("10001", "Done", "done", map[string]any{"name": "Done"})
	if code := post(doneEv, "guess", "forged-1"); code != 401 {
		t.Fatalf("forged Jira delivery: %d", code)
	}
	for i, d := range []string{"d-1", "d-1", "d-2"} { // a redelivery, and the same change sent twice
		if code := post(doneEv, "jira-secret", d); code != 200 {
			t.Fatalf("delivery %d: %d", i, code)
		}
	}
	waitFor(t, "the topic to ship", func() bool { s, _ := status(); return s == voc.StatusShipped })
	_, d := status()
	if d == nil || d.Who != "jira" && string(d.By) != "jira" || !strings.Contains(d.Reason, "VOC-7") {
		t.Fatalf("shipped decision: %+v", d)
	}
	waitFor(t, "the queue to drain", func() bool { q, _ := a.st.QueueStats(ctx); return q.Pending == 0 })
	if q, _ := a.st.QueueStats(ctx); q.Done != 2 {
		t.Fatalf("queue %+v: want 2 done (the redelivery of d-1 not queued)", q)
	}
	if code := post(event("10000", "To Do", "new", nil), "jira-secret", "d-3"); code != 200 {
		t.Fatalf("reopen: %d", code)
	}
	waitFor(t, "the topic to reopen", func() bool { s, _ := status(); return s != voc.StatusShipped })
}

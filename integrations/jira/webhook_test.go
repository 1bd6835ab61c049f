package jira

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/voc-dev/voc/integrations/tracker"
)

// A jira:issue_updated delivery in the documented shape (webhookEvent,
// issue with key and fields.labels/status/resolution).
const delivery = `{"timestamp":1730000000000,"webhookEvent":"jira:issue_updated","issue_event_type_name":"issue_generic",
"issue":{"id":"10001","key":"REP-12","self":"https://acme.atlassian.net/rest/api/3/issue/10001",
"fields":{"summary":"Gantt chart","labels":["voc","voc-feature-abc123"],
"status":{"id":"10002","name":"Done","statusCategory":{"id":3,"key":"done","name":"Done"}},
"resolution":{"id":"10001","name":"Won't Do"}}}}`

func sign(secret, body string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(body))
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

func req(body, sig string) *http.Request {
	r := httptest.NewRequest("POST", "/webhooks/jira", bytes.NewReader([]byte(body)))
	if sig != "" {
		r.Header.Set("X-Hub-Signature", sig)
	}
	return r
}

func TestParseIssueEvent(t *testing.T) {
	ev, ok, err := ParseIssueEvent("s3cret", "https://acme.atlassian.net/", req(delivery, sign("s3cret", delivery)))
	if err != nil || !ok {
		t.Fatalf("parse: %v %v", ok, err)
	}
	if ev.TopicKey != "feature-abc123" || ev.Remote.ID != "REP-12" || ev.Remote.State != tracker.StateWontDo || ev.Remote.Resolution != "Won't Do" ||
		ev.Remote.URL != "https://acme.atlassian.net/browse/REP-12" {
		t.Fatalf("event: %+v", ev)
	}
	forged := strings.Replace(delivery, "Won't Do", "Done", 1)
	for name, r := range map[string]*http.Request{
		"forged":       req(forged, sign("s3cret", delivery)),
		"unsigned":     req(delivery, ""),
		"wrong secret": req(delivery, sign("other", delivery)),
		"sha1":         req(delivery, "sha1=00"),
	} {
		if _, _, err := ParseIssueEvent("s3cret", "https://acme.atlassian.net", r); !errors.Is(err, ErrBadSignature) {
			t.Errorf("%s delivery accepted: %v", name, err)
		}
	}
	if VerifyWebhook("", sign("", delivery), []byte(delivery)) {
		t.Error("empty secret accepted")
	}
	other := `{"webhookEvent":"comment_created","comment":{"id":"1"}}`
	if _, ok, err := ParseIssueEvent("s3cret", "https://x", req(other, sign("s3cret", other))); ok || err != nil {
		t.Errorf("comment event: %v %v", ok, err)
	}
}

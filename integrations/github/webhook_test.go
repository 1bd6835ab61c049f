package github

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/voc-dev/voc/integrations/tracker"
)

func signed(t *testing.T, secret, event string, body []byte) *http.Request {
	t.Helper()
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	r := httptest.NewRequest("POST", "/webhooks/github", bytes.NewReader(body))
	r.Header.Set("X-GitHub-Event", event)
	r.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	return r
}

func TestParseIssueEventFromRealPayloads(t *testing.T) {
	body, err := os.ReadFile("testdata/issues_reopened.payload.json")
	if err != nil {
		t.Fatal(err)
	}
	// Give the real payload a voc label and close it as not planned.
	closed := strings.Replace(string(body), `"action": "reopened"`, `"action": "closed"`, 1)
	closed = strings.Replace(closed, `"labels": [`, `"labels": [{"id": 9, "name": "voc-feature-abc123", "color": "ededed"},`, 1)
	closed = strings.Replace(closed, `"state": "open"`, `"state": "closed", "state_reason": "not_planned"`, 1)

	req := signed(t, "s3cret", "issues", []byte(closed))
	ev, ok, err := ParseIssueEvent("s3cret", req)
	if err != nil || !ok {
		t.Fatalf("parse: %v %v", ok, err)
	}
	if ev.TopicKey != "feature-abc123" || ev.Action != "closed" || ev.Remote.State != tracker.StateWontDo || ev.Remote.Resolution != "not_planned" ||
		ev.Remote.ID != "Codertocat/Hello-World#1" {
		t.Fatalf("event: %+v", ev)
	}
	// Forged: body changed after signing.
	forged := signed(t, "s3cret", "issues", []byte(closed))
	forged.Body = io.NopCloser(strings.NewReader(strings.Replace(closed, "not_planned", "completed", 1)))
	if _, _, err := ParseIssueEvent("s3cret", forged); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("forged delivery accepted: %v", err)
	}
	// Unsigned, and signed with another secret.
	unsigned := signed(t, "s3cret", "issues", []byte(closed))
	unsigned.Header.Del("X-Hub-Signature-256")
	if _, _, err := ParseIssueEvent("s3cret", unsigned); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("unsigned delivery accepted: %v", err)
	}
	if _, _, err := ParseIssueEvent("other", signed(t, "s3cret", "issues", []byte(closed))); !errors.Is(err, ErrBadSignature) {
		t.Fatalf("wrong secret accepted: %v", err)
	}
	// A ping is verified and ignored.
	ping, _ := os.ReadFile("testdata/ping_payload.payload.json")
	if _, ok, err := ParseIssueEvent("s3cret", signed(t, "s3cret", "ping", ping)); ok || err != nil {
		t.Fatalf("ping: %v %v", ok, err)
	}
}

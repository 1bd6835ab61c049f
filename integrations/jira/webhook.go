package jira

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/voc-dev/voc/integrations/tracker"
	"github.com/voc-dev/voc/internal/webhooksig"
)

// MaxWebhookBody caps a webhook delivery.
const MaxWebhookBody = 1 << 20

// ErrBadSignature means a delivery was not signed with the shared secret:
// it is rejected before anything in it is read.
var ErrBadSignature = errors.New("jira webhook: missing or wrong X-Hub-Signature")

// VerifyWebhook checks Jira's X-Hub-Signature header ("sha256=" and the hex
// HMAC-SHA256 of the raw body with the webhook's secret) in constant time.
// An empty secret is always refused.
func VerifyWebhook(secret, header string, body []byte) bool {
	return webhooksig.Valid(secret, header, body)
}

// IssueEvent is what voc needs from an issue delivery: which topic's issue
// (by its voc- label) and the state it is in now.
type IssueEvent struct {
	WebhookEvent string // jira:issue_updated, jira:issue_created, …
	TopicKey     string // "" when the issue carries no voc label
	Remote       tracker.Remote
}

// ParseIssueEvent verifies the delivery's signature, then reads an issue
// event; baseURL builds the issue's link. Deliveries that are not issue
// events return ok false.
func ParseIssueEvent(secret, baseURL string, r *http.Request) (ev IssueEvent, ok bool, err error) {
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, MaxWebhookBody))
	if err != nil {
		return ev, false, fmt.Errorf("jira webhook: read body: %w", err)
	}
	if !VerifyWebhook(secret, r.Header.Get("X-Hub-Signature"), body) {
		return ev, false, ErrBadSignature
	}
	return DecodeIssueEvent(body, baseURL)
}

// DecodeIssueEvent reads the body of a delivery whose signature was
// verified already (by the webhook intake, before it was queued).
// Deliveries that are not issue events return ok false.
func DecodeIssueEvent(body []byte, baseURL string) (ev IssueEvent, ok bool, err error) {
	var d struct {
		WebhookEvent string     `json:"webhookEvent"`
		Issue        *issueBean `json:"issue"`
	}
	if err := json.Unmarshal(body, &d); err != nil {
		return ev, false, fmt.Errorf("jira webhook: decode: %w", err)
	}
	if d.Issue == nil || !strings.HasPrefix(d.WebhookEvent, "jira:issue_") {
		return ev, false, nil
	}
	ev.WebhookEvent = d.WebhookEvent
	for _, l := range d.Issue.Fields.Labels {
		if k, found := strings.CutPrefix(l, "voc-"); found {
			ev.TopicKey = k
		}
	}
	ev.Remote = tracker.Remote{Tracker: TrackerName, ID: d.Issue.Key, URL: strings.TrimRight(baseURL, "/") + "/browse/" + d.Issue.Key}
	ev.Remote.State, ev.Remote.Resolution = mapState(d.Issue.Fields)
	return ev, true, nil
}

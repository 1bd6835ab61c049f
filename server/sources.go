package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/voc-dev/voc/internal/webhooksig"
)

// ReplayWindow is how far a signed timestamp may be from now.
const ReplayWindow = 5 * time.Minute

var errSignature = errors.New("missing or wrong signature")

// GitHubWebhook is GitHub's endpoint: X-Hub-Signature-256 over the body,
// the delivery named by X-GitHub-Delivery, the kind by X-GitHub-Event.
func GitHubWebhook(secret string) Webhook {
	return Webhook{Source: "github",
		Verify: func(h http.Header, body []byte) error {
			if !webhooksig.Valid(secret, h.Get("X-Hub-Signature-256"), body) {
				return errSignature
			}
			return nil
		},
		Classify: func(r *http.Request, body []byte) (Delivery, error) {
			id, event := r.Header.Get("X-GitHub-Delivery"), r.Header.Get("X-GitHub-Event")
			if id == "" || event == "" {
				return Delivery{}, errors.New("github webhook: headers X-GitHub-Delivery and X-GitHub-Event are required")
			}
			if !json.Valid(body) {
				return Delivery{}, fmt.Errorf("github webhook %s: body: not JSON", id)
			}
			return Delivery{ID: id, Kind: "github." + event, Skip: event == "ping", Answer: pong(event)}, nil
		}}
}

func pong(event string) []byte {
	if event == "ping" {
		return []byte(`{"pong":true}` + "\n")
	}
	return nil
}

// JiraWebhook is Jira's endpoint: X-Hub-Signature ("sha256=" HMAC of the
// body with the webhook's secret), the delivery named by
// X-Atlassian-Webhook-Identifier (else the body's hash), the kind by the
// body's webhookEvent.
func JiraWebhook(secret string) Webhook {
	return Webhook{Source: "jira",
		Verify: func(h http.Header, body []byte) error {
			if !webhooksig.Valid(secret, h.Get("X-Hub-Signature"), body) {
				return errSignature
			}
			return nil
		},
		Classify: func(r *http.Request, body []byte) (Delivery, error) {
			var b struct {
				WebhookEvent string `json:"webhookEvent"`
			}
			if err := json.Unmarshal(body, &b); err != nil {
				return Delivery{}, fmt.Errorf("jira webhook: body: %v", err)
			}
			if b.WebhookEvent == "" {
				return Delivery{}, errors.New("jira webhook: webhookEvent: missing")
			}
			return Delivery{ID: firstOr(r.Header.Get("X-Atlassian-Webhook-Identifier"), body), Kind: "jira." + b.WebhookEvent}, nil
		}}
}

// ZendeskWebhook is Zendesk's endpoint: X-Zendesk-Webhook-Signature, a
// base64 HMAC-SHA256 of X-Zendesk-Webhook-Signature-Timestamp and the body,
// within ReplayWindow of now; the delivery named by
// X-Zendesk-Webhook-Invocation-Id (else the body's hash).
func ZendeskWebhook(secret string, now func() time.Time) Webhook {
	return Webhook{Source: "zendesk",
		Verify: func(h http.Header, body []byte) error {
			if !webhooksig.ValidZendesk(secret, h.Get("X-Zendesk-Webhook-Signature"), h.Get("X-Zendesk-Webhook-Signature-Timestamp"), body, now(), ReplayWindow) {
				return errSignature
			}
			return nil
		},
		Classify: func(r *http.Request, body []byte) (Delivery, error) {
			var b struct {
				Type string `json:"type"`
			}
			if err := json.Unmarshal(body, &b); err != nil {
				return Delivery{}, fmt.Errorf("zendesk webhook: body: %v", err)
			}
			kind := "zendesk.ticket"
			if t := strings.TrimPrefix(b.Type, "zen:event-type:"); t != "" {
				kind = "zendesk." + t
			}
			return Delivery{ID: firstOr(r.Header.Get("X-Zendesk-Webhook-Invocation-Id"), body), Kind: kind}, nil
		}}
}

// IntercomWebhook is Intercom's endpoint: X-Hub-Signature ("sha1=" HMAC of
// the body with the app's client secret); the notification's id names the
// delivery and its topic the kind.
func IntercomWebhook(secret string) Webhook {
	return Webhook{Source: "intercom",
		Verify: func(h http.Header, body []byte) error {
			if !webhooksig.ValidIntercom(secret, h.Get("X-Hub-Signature"), body) {
				return errSignature
			}
			return nil
		},
		Classify: func(r *http.Request, body []byte) (Delivery, error) {
			var b struct {
				ID    string `json:"id"`
				Topic string `json:"topic"`
			}
			if err := json.Unmarshal(body, &b); err != nil {
				return Delivery{}, fmt.Errorf("intercom webhook: body: %v", err)
			}
			if b.Topic == "" {
				return Delivery{}, errors.New("intercom webhook: topic: missing")
			}
			return Delivery{ID: firstOr(b.ID, body), Kind: "intercom." + b.Topic, Skip: b.Topic == "ping"}, nil
		}}
}

// firstOr is id, or when the sender gave none, a hash of the body, so an
// identical redelivery is still recognised.
func firstOr(id string, body []byte) string {
	if id != "" {
		return id
	}
	sum := sha256.Sum256(body)
	return "sha256:" + hex.EncodeToString(sum[:16])
}

// Package webhooksig checks the signatures senders put on webhook
// deliveries: "sha256=<hex HMAC-SHA256 of the raw body>" from GitHub
// (X-Hub-Signature-256) and Jira (X-Hub-Signature), Zendesk's base64
// HMAC-SHA256 of timestamp and body, and Intercom's "sha1=" HMAC-SHA1.
package webhooksig

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// Valid reports, in constant time, whether header is "sha256=" and the hex
// HMAC-SHA256 of body with secret. An empty secret is always refused, so a
// missing configuration can never accept unsigned deliveries.
func Valid(secret, header string, body []byte) bool {
	if secret == "" {
		return false
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

package webhooksig

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// ValidZendesk checks a Zendesk webhook: X-Zendesk-Webhook-Signature is
// base64(HMAC-SHA256(secret, X-Zendesk-Webhook-Signature-Timestamp + body)).
// The timestamp (RFC 3339, as Zendesk sends it, or Unix seconds) must lie
// within window of now, so a captured delivery cannot be replayed later.
func ValidZendesk(secret, signature, timestamp string, body []byte, now time.Time, window time.Duration) bool {
	if secret == "" || signature == "" || timestamp == "" {
		return false
	}
	at, ok := parseTimestamp(timestamp)
	if !ok || now.Sub(at).Abs() > window {
		return false
	}
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(signature))
	if err != nil || len(got) != sha256.Size {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(timestamp))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

func parseTimestamp(s string) (time.Time, bool) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		return time.Unix(n, 0), true
	}
	return time.Time{}, false
}

// ValidIntercom checks an Intercom webhook: X-Hub-Signature is
// "sha1=<hex HMAC-SHA1(client secret, body)>".
func ValidIntercom(secret, header string, body []byte) bool {
	if secret == "" {
		return false
	}
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha1=")
	if !ok {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha1.Size {
		return false
	}
	mac := hmac.New(sha1.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

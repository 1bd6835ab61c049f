package webhooksig

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"testing"
	"time"
)

func TestValidZendesk(t *testing.T) {
	body := []byte(`{"type":"zen:event-type:ticket.created","detail":{"id":"35436"}}`)
	const ts = "2026-12-02T07:00:00Z"
	now, _ := time.Parse(time.RFC3339, ts)
	mac := hmac.New(sha256.New, []byte("zd-secret"))
	mac.Write([]byte(ts + string(body)))
	sig := base64.StdEncoding.EncodeToString(mac.Sum(nil))
	if !ValidZendesk("zd-secret", sig, ts, body, now.Add(time.Minute), 5*time.Minute) {
		t.Fatal("good signature rejected")
	}
	for name, c := range map[string]struct {
		secret, sig, ts string
		body            []byte
		now             time.Time
	}{
		"wrong secret": {"other", sig, ts, body, now},
		"stale":        {"zd-secret", sig, ts, body, now.Add(6 * time.Minute)},
		"future":       {"zd-secret", sig, ts, body, now.Add(-6 * time.Minute)},
		"other ts":     {"zd-secret", sig, "2026-12-02T07:00:01Z", body, now},
		"changed body": {"zd-secret", sig, ts, append([]byte(" "), body...), now},
		"unsigned":     {"zd-secret", "", ts, body, now},
		"no ts":        {"zd-secret", sig, "", body, now},
		"hex not b64":  {"zd-secret", hex.EncodeToString(mac.Sum(nil)), ts, body, now},
		"empty secret": {"", sig, ts, body, now},
	} {
		if ValidZendesk(c.secret, c.sig, c.ts, c.body, c.now, 5*time.Minute) {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestValidIntercom(t *testing.T) {
	body := []byte(`{"type":"notification_event","id":"notif_1","topic":"conversation.user.created"}`)
	mac := hmac.New(sha1.New, []byte("ic-secret"))
	mac.Write(body)
	sig := "sha1=" + hex.EncodeToString(mac.Sum(nil))
	if !ValidIntercom("ic-secret", sig, body) {
		t.Fatal("good signature rejected")
	}
	for name, c := range map[string]struct{ secret, header string }{
		"wrong secret": {"x", sig}, "empty secret": {"", sig}, "no prefix": {"ic-secret", sig[5:]},
		"sha256 prefix": {"ic-secret", "sha256=" + sig[5:]}, "short": {"ic-secret", "sha1=abcd"},
	} {
		if ValidIntercom(c.secret, c.header, body) {
			t.Errorf("%s accepted", name)
		}
	}
	if ValidIntercom("ic-secret", sig, []byte(`{}`)) {
		t.Error("changed body accepted")
	}
}

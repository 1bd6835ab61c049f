package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Slack's request-signing headers.
const (
	HeaderSignature = "X-Slack-Signature"
	HeaderTimestamp = "X-Slack-Request-Timestamp"
)

// MaxClockSkew is how far a request's timestamp may be from now, in either
// direction, before Verify treats it as a replay.
const MaxClockSkew = 5 * time.Minute

// Verify's errors; they never contain the secret or the signature, so they
// are safe to log. A caller answers all of them with 401.
var (
	ErrNoSecret     = errors.New("slack signature: no signing secret configured")
	ErrUnsigned     = errors.New("slack signature: missing " + HeaderSignature + " or " + HeaderTimestamp)
	ErrBadTimestamp = errors.New("slack signature: " + HeaderTimestamp + " is not a Unix time")
	ErrStale        = errors.New("slack signature: timestamp more than 5 minutes from now")
	ErrBadSignature = errors.New("slack signature: signature does not match")
)

// Verify checks that body was sent by Slack: the v0 signature in
// X-Slack-Signature must be the hex HMAC-SHA256, keyed with the app's
// signing secret, of "v0:<X-Slack-Request-Timestamp>:<body>", and the
// timestamp within MaxClockSkew of now (which tests fix; slack-go's
// SecretsVerifier reads the real clock). The comparison is constant-time and
// an empty secret refuses everything, so a missing configuration never
// accepts unsigned requests.
func Verify(secret string, header http.Header, body []byte, now time.Time) error {
	if secret == "" {
		return ErrNoSecret
	}
	sig, stamp := strings.TrimSpace(header.Get(HeaderSignature)), strings.TrimSpace(header.Get(HeaderTimestamp))
	if sig == "" || stamp == "" {
		return ErrUnsigned
	}
	ts, err := strconv.ParseInt(stamp, 10, 64)
	if err != nil || ts <= 0 {
		return ErrBadTimestamp
	}
	if d := now.Sub(time.Unix(ts, 0)); d > MaxClockSkew || d < -MaxClockSkew {
		return ErrStale
	}
	hexSig, ok := strings.CutPrefix(sig, "v0=")
	if !ok {
		return ErrBadSignature
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil || len(got) != sha256.Size {
		return ErrBadSignature
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("v0:" + stamp + ":"))
	mac.Write(body)
	if !hmac.Equal(got, mac.Sum(nil)) {
		return ErrBadSignature
	}
	return nil
}

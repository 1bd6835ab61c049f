package web

import (
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"strings"
)

// Auth says who may use the page. At least one method must be configured,
// else New fails (never an open page by accident).
type Auth struct {
	// Token is a shared token: sent as "Authorization: Bearer <token>", or
	// typed once into the sign-in form, which sets a session cookie.
	Token string
	// TrustedHeader names the header (e.g. "X-Forwarded-User") in which a
	// reverse proxy passes the signed-in user's name...
	TrustedHeader string
	// TrustedProxies are the addresses whose TrustedHeader is honoured; from
	// any other RemoteAddr the header is ignored.
	TrustedProxies []netip.Prefix
	// OIDC enables "Sign in with Slack" (OpenID Connect); optional.
	OIDC *OIDC
	// SessionKey is the HMAC key for session cookies (>= 32 bytes); New
	// makes a random one if empty, so sessions then end with the process.
	SessionKey []byte
	// Secure sets the Secure flag on cookies (true behind https).
	Secure bool
}

// OIDC configures sign-in through an OpenID Connect provider, Slack by
// default.
type OIDC struct {
	Issuer       string // "https://slack.com"
	ClientID     string
	ClientSecret string
	RedirectURL  string // this page's /auth/callback as the provider sees it
	// TeamID, when set, must equal the ID token's
	// "https://slack.com/team_id" claim, so only one workspace gets in.
	TeamID string
}

// minSessionKey is the shortest HMAC key accepted for session cookies.
const minSessionKey = 32

// validate refuses a configuration that would leave the page open or could
// never let anyone in.
func (a Auth) validate() error {
	methods := 0
	if a.Token != "" {
		methods++
	}
	if a.TrustedHeader != "" {
		if len(a.TrustedProxies) == 0 {
			return errors.New("web: trusted header needs at least one trusted proxy prefix")
		}
		for _, p := range a.TrustedProxies {
			if !p.IsValid() {
				return errors.New("web: invalid trusted proxy prefix")
			}
		}
		methods++
	}
	if o := a.OIDC; o != nil {
		if o.Issuer == "" || o.ClientID == "" || o.ClientSecret == "" || o.RedirectURL == "" {
			return errors.New("web: oidc needs issuer, client id, client secret and redirect url")
		}
		methods++
	}
	if methods == 0 {
		return errors.New("web: no sign-in method configured (token, trusted header or oidc)")
	}
	if n := len(a.SessionKey); n != 0 && n < minSessionKey {
		return fmt.Errorf("web: session key is %d bytes, want at least %d", n, minSessionKey)
	}
	return nil
}

// tokenMatches compares a presented token with the configured one in
// constant time; hashing first hides the length too.
func (a Auth) tokenMatches(got string) bool {
	if a.Token == "" || got == "" {
		return false
	}
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(a.Token))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// fromTrustedProxy reports whether r came straight from a trusted proxy.
func (a Auth) fromTrustedProxy(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	addr := ap.Addr().Unmap()
	for _, p := range a.TrustedProxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// bearer returns the token of an "Authorization: Bearer" header, and whether
// there was one.
func bearer(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	return strings.TrimSpace(tok), true
}

// cleanName makes a user name safe to record and display: trimmed, without
// control characters, at most 100 runes.
func cleanName(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range strings.TrimSpace(s) {
		if r < 0x20 || r == 0x7f {
			continue
		}
		if n == 100 {
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}

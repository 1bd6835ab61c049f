package github

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v4"
	gh "github.com/google/go-github/v60/github"
)

// The environment variables of GitHub App authentication. The private key
// is a secret, so it is read from the environment (the PEM itself, or the
// path of a file holding it), never from voc's config file.
const (
	AppKeyEnv     = "VOC_GITHUB_APP_PRIVATE_KEY"
	AppKeyFileEnv = "VOC_GITHUB_APP_PRIVATE_KEY_FILE"
)

// App authenticates as a GitHub App installation instead of with a token:
// voc signs a short JWT with the app's private key, exchanges it for an
// installation token (which lasts an hour), and exchanges again a few
// minutes before that one expires, so a long-running `voc serve` never
// sends an expired token.
type App struct {
	ID             int64  // the App ID from the app's settings page
	InstallationID int64  // from the installation's URL or the app's installations
	PrivateKey     []byte // PEM, as GitHub issues it
}

// appTokens hands out the installation's current token.
type appTokens struct {
	app   App
	key   *rsa.PrivateKey
	http  *http.Client // the client's own transport (retries, pacing)
	base  string
	now   func() time.Time
	mu    sync.Mutex
	token string
	until time.Time
}

// refreshBefore is how long before its expiry a token is replaced.
const refreshBefore = 5 * time.Minute

func newAppTokens(app App, hc *http.Client, base string, now func() time.Time) (*appTokens, error) {
	switch {
	case app.ID <= 0:
		return nil, errors.New("github: app: the App ID is not set")
	case app.InstallationID <= 0:
		return nil, errors.New("github: app: the installation ID is not set")
	case len(app.PrivateKey) == 0:
		return nil, fmt.Errorf("github: app: no private key (set %s to the PEM, or %s to its file)", AppKeyEnv, AppKeyFileEnv)
	}
	key, err := jwt.ParseRSAPrivateKeyFromPEM(app.PrivateKey)
	if err != nil {
		// The parser's message never quotes the key.
		return nil, fmt.Errorf("github: app: the private key is not an RSA key in PEM form: %v", err)
	}
	return &appTokens{app: app, key: key, http: hc, base: base, now: now}, nil
}

// Token returns a valid installation token, exchanging a new one when the
// current one is missing or about to expire.
func (a *appTokens) Token(ctx context.Context) (string, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.token != "" && a.now().Add(refreshBefore).Before(a.until) {
		return a.token, nil
	}
	signed, err := a.jwt()
	if err != nil {
		return "", err
	}
	c := gh.NewClient(a.http).WithAuthToken(signed)
	if c.BaseURL, err = c.BaseURL.Parse(a.base); err != nil {
		return "", err
	}
	tok, _, err := c.Apps.CreateInstallationToken(ctx, a.app.InstallationID, nil)
	if err != nil {
		msg := strings.ReplaceAll(err.Error(), signed, "xxxxx")
		return "", fmt.Errorf("github: app %d: installation %d token: %s", a.app.ID, a.app.InstallationID, msg)
	}
	if tok.GetToken() == "" {
		return "", fmt.Errorf("github: app %d: installation %d token: the answer has no token", a.app.ID, a.app.InstallationID)
	}
	a.token, a.until = tok.GetToken(), tok.GetExpiresAt().Time
	if a.until.IsZero() {
		a.until = a.now().Add(time.Hour)
	}
	return a.token, nil
}

// current is the token in use, for masking in errors.
func (a *appTokens) current() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.token
}

// jwt is the app's assertion: issued a minute in the past (GitHub allows
// for clock drift that way) and valid for nine minutes, under the ten
// GitHub accepts.
func (a *appTokens) jwt() (string, error) {
	now := a.now()
	claims := jwt.RegisteredClaims{
		Issuer:    fmt.Sprint(a.app.ID),
		IssuedAt:  jwt.NewNumericDate(now.Add(-time.Minute)),
		ExpiresAt: jwt.NewNumericDate(now.Add(9 * time.Minute)),
	}
	s, err := jwt.NewWithClaims(jwt.SigningMethodRS256, claims).SignedString(a.key)
	if err != nil {
		return "", fmt.Errorf("github: app %d: sign JWT: %w", a.app.ID, err)
	}
	return s, nil
}

// appAuth sets each request's Authorization to the installation token.
type appAuth struct {
	base   http.RoundTripper
	tokens *appTokens
}

// RoundTrip implements http.RoundTripper.
func (t *appAuth) RoundTrip(req *http.Request) (*http.Response, error) {
	tok, err := t.tokens.Token(req.Context())
	if err != nil {
		return nil, err
	}
	r := req.Clone(req.Context())
	r.Header.Set("Authorization", "Bearer "+tok)
	return t.base.RoundTrip(r)
}

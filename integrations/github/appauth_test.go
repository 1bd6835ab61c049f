package github

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// fakeApp stands in front of the fake GitHub and plays GitHub's side of
// App authentication: POST /app/installations/{id}/access_tokens takes a
// JWT signed by the app's key and answers 201 with an installation token
// that expires an hour later (the documented shape: token, expires_at,
// permissions, repository_selection). Other requests must carry a token it
// issued that has not expired; they reach the fake as its own token.
type fakeApp struct {
	t      *testing.T
	f      *fakeGitHub
	pub    *rsa.PublicKey
	appID  string
	instID int64

	mu      sync.Mutex
	issued  map[string]time.Time // token -> expiry
	minted  int
	expired int // requests that carried an expired token
}

func (a *fakeApp) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if r.Method == "POST" && r.URL.Path == fmt.Sprintf("/api/v3/app/installations/%d/access_tokens", a.instID) {
		tok, err := jwt.ParseWithClaims(auth, &jwt.RegisteredClaims{}, func(tk *jwt.Token) (any, error) {
			if tk.Method != jwt.SigningMethodRS256 {
				return nil, fmt.Errorf("alg %v", tk.Header["alg"])
			}
			return a.pub, nil
		}, jwt.WithoutClaimsValidation())
		c, _ := tok.Claims.(*jwt.RegisteredClaims)
		if err != nil || c.Issuer != a.appID || c.ExpiresAt.Sub(c.IssuedAt.Time) > 10*time.Minute || c.ExpiresAt.Before(a.f.clock.Now()) {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"message":"A JSON web token could not be decoded","documentation_url":"https://docs.github.com/rest"}`)
			return
		}
		a.mu.Lock()
		a.minted++
		token := fmt.Sprintf("ghs_installation%02d", a.minted)
		exp := a.f.clock.Now().Add(time.Hour)
		a.issued[token] = exp
		a.mu.Unlock()
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{"token": token, "expires_at": exp.UTC().Format(time.RFC3339),
			"permissions": map[string]string{"issues": "write", "metadata": "read"}, "repository_selection": "selected"})
		return
	}
	a.mu.Lock()
	exp, ok := a.issued[auth]
	if ok && !a.f.clock.Now().Before(exp) {
		a.expired++
		ok = false
	}
	a.mu.Unlock()
	if ok {
		r.Header.Set("Authorization", "Bearer "+a.f.token)
	}
	a.f.ServeHTTP(w, r)
}

func appKey(t *testing.T) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

func TestAppInstallationTokensAreMintedAndRefreshed(t *testing.T) {
	f := newFake(t, "internal-fake-token", newClock())
	key, pemKey := appKey(t)
	app := &fakeApp{t: t, f: f, pub: &key.PublicKey, appID: "7", instID: 42, issued: map[string]time.Time{}}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	c, err := New(Config{App: &App{ID: 7, InstallationID: 42, PrivateKey: pemKey}, BaseURL: srv.URL + fakeRoot + "/",
		CreatePace: NoPacing, Retry: f.clientRetry()})
	if err != nil {
		t.Fatal(err)
	}
	c.now = f.clock.Now

	iss := topicIssue("feature-abc", "Gantt chart")
	if res := mustSync(t, c, iss); res.Remote.ID != "acme/flow#1" {
		t.Fatalf("sync: %+v", res)
	}
	mustSync(t, c, iss)
	if app.minted != 1 {
		t.Fatalf("%d tokens minted for two syncs within the hour, want 1", app.minted)
	}
	// 56 minutes later the token has under five minutes left: a new one.
	f.clock.Sleep(context.Background(), 56*time.Minute)
	mustSync(t, c, iss)
	if app.minted != 2 || app.expired != 0 {
		t.Fatalf("minted %d, requests with an expired token %d", app.minted, app.expired)
	}
	if n := len(f.issues("acme/flow")); n != 1 {
		t.Fatalf("%d issues", n)
	}
}

func TestAppAuthErrorsNameTheAppAndHideSecrets(t *testing.T) {
	f := newFake(t, "internal-fake-token", newClock())
	_, pemKey := appKey(t)
	other, _ := appKey(t) // GitHub knows another key: every JWT is refused
	app := &fakeApp{t: t, f: f, pub: &other.PublicKey, appID: "7", instID: 42, issued: map[string]time.Time{}}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	c, err := New(Config{App: &App{ID: 7, InstallationID: 42, PrivateKey: pemKey}, BaseURL: srv.URL + fakeRoot + "/", CreatePace: NoPacing, Retry: f.clientRetry()})
	if err != nil {
		t.Fatal(err)
	}
	c.now = f.clock.Now
	_, err = c.Sync(context.Background(), topicIssue("feature-abc", "Gantt chart"))
	if err == nil || !strings.Contains(err.Error(), "app 7") || !strings.Contains(err.Error(), "installation 42") || strings.Contains(err.Error(), "eyJ") {
		t.Fatalf("err %v", err)
	}
	if _, err := New(Config{App: &App{ID: 7, InstallationID: 42, PrivateKey: []byte("-----BEGIN RSA PRIVATE KEY-----\nnot a key\n-----END RSA PRIVATE KEY-----\n")}}); err == nil || strings.Contains(err.Error(), "not a key") {
		t.Fatalf("bad key: %v", err)
	}
	if _, err := New(Config{App: &App{ID: 7, PrivateKey: pemKey}}); err == nil || !strings.Contains(err.Error(), "installation") {
		t.Fatalf("no installation: %v", err)
	}
}

package web

import (
	"bytes"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// fakeSlack is a local OpenID provider shaped from Slack's published
// discovery document, token response and ID token claims (see testdata).
type fakeSlack struct {
	t      *testing.T
	srv    *httptest.Server
	key    *rsa.PrivateKey
	client string
	secret string

	mu        sync.Mutex
	codes     map[string]string // code -> nonce asked for at /authorize
	exchanges int
	team      string // team_id claim to issue
	nonce     string // when set, issued instead of the one asked for
}

func newFakeSlack(t *testing.T) *fakeSlack {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeSlack{t: t, key: key, client: "25259531569.11152291", secret: "e1b9e11dfcd19c1982d5de12921e17e8c", codes: map[string]string{}, team: "T0RR"}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", p.discovery)
	mux.HandleFunc("GET /openid/connect/keys", p.keys)
	mux.HandleFunc("GET /openid/connect/authorize", p.authorize)
	mux.HandleFunc("POST /api/openid.connect.token", p.token)
	p.srv = httptest.NewServer(mux)
	t.Cleanup(p.srv.Close)
	return p
}

func (p *fakeSlack) discovery(w http.ResponseWriter, r *http.Request) {
	doc, err := os.ReadFile("testdata/slack-openid-configuration.json")
	if err != nil {
		p.t.Error(err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(strings.ReplaceAll(string(doc), "https://slack.com", p.srv.URL)))
}

func (p *fakeSlack) keys(w http.ResponseWriter, r *http.Request) {
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &p.key.PublicKey, KeyID: "k1", Algorithm: "RS256", Use: "sig"}}}
	json.NewEncoder(w).Encode(set)
}

// authorize plays the user approving the app: it sends the browser back
// with a code, remembering the nonce that code was asked for with.
func (p *fakeSlack) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.client || q.Get("response_type") != "code" || !strings.Contains(q.Get("scope"), "openid") {
		http.Error(w, "bad authorize request", http.StatusBadRequest)
		return
	}
	code := randomString(12)
	p.mu.Lock()
	p.codes[code] = q.Get("nonce")
	p.mu.Unlock()
	back, _ := url.Parse(q.Get("redirect_uri"))
	back.RawQuery = url.Values{"code": {code}, "state": {q.Get("state")}}.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token answers openid.connect.token like Slack's example, with an ID
// token signed by the provider's key.
func (p *fakeSlack) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	p.mu.Lock()
	p.exchanges++
	nonce, known := p.codes[r.PostForm.Get("code")]
	delete(p.codes, r.PostForm.Get("code"))
	if p.nonce != "" {
		nonce = p.nonce
	}
	team := p.team
	p.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	if id != p.client || secret != p.secret || !known || r.PostForm.Get("grant_type") != "authorization_code" {
		w.Write([]byte(`{"ok":false,"error":"invalid_code"}`))
		return
	}
	var claims map[string]any
	readJSON(p.t, "testdata/slack-id-token-claims.json", &claims)
	now := time.Now()
	claims["iss"], claims["aud"], claims["nonce"] = p.srv.URL, p.client, nonce
	claims["iat"], claims["auth_time"], claims["exp"] = now.Unix(), now.Unix(), now.Add(5*time.Minute).Unix()
	claims["https://slack.com/team_id"] = team
	payload, _ := json.Marshal(claims)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: p.key, KeyID: "k1"}}, nil)
	if err != nil {
		p.t.Fatal(err)
	}
	jws, err := signer.Sign(payload)
	if err != nil {
		p.t.Fatal(err)
	}
	idToken, _ := jws.CompactSerialize()
	var resp map[string]any
	readJSON(p.t, "testdata/slack-openid-token.json", &resp)
	resp["id_token"] = idToken
	json.NewEncoder(w).Encode(resp)
}

func readJSON(t *testing.T, path string, v any) {
	data, err := os.ReadFile(path)
	if err == nil {
		err = json.Unmarshal(data, v)
	}
	if err != nil {
		t.Error(err)
	}
}

// oidcHandler is the page configured to sign in with p.
func oidcHandler(t *testing.T, p *fakeSlack, team string) (http.Handler, *bytes.Buffer) {
	return newTestHandler(t, newFake("Export to CSV"), Auth{OIDC: &OIDC{
		Issuer: p.srv.URL, ClientID: p.client, ClientSecret: p.secret,
		RedirectURL: "http://voc.test/auth/callback", TeamID: team,
	}})
}

// startOIDC begins sign-in at the page and lets the fake provider approve
// it; it returns the callback URL the browser is sent to and the page's
// state cookie.
func startOIDC(t *testing.T, h http.Handler, p *fakeSlack) (*url.URL, *http.Cookie) {
	t.Helper()
	w := do(h, httptest.NewRequest("GET", "/login/oidc?next=/topics/1", nil))
	if w.Code != http.StatusFound {
		t.Fatalf("start: status %d, body %s", w.Code, w.Body)
	}
	state := cookieNamed(w.Result().Cookies(), oidcCookie)
	if state == nil {
		t.Fatal("start set no state cookie")
	}
	auth := w.Header().Get("Location")
	if !strings.HasPrefix(auth, p.srv.URL+"/openid/connect/authorize?") {
		t.Fatalf("start redirected to %q, not to the provider", auth)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(auth)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound || back.Path != "/auth/callback" {
		t.Fatalf("provider answered %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return back, state
}

// callback delivers the provider's redirect to the page.
func callback(h http.Handler, back *url.URL, state *http.Cookie) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", back.RequestURI(), nil)
	if state != nil {
		r.AddCookie(state)
	}
	return do(h, r)
}

func TestOIDCSignIn(t *testing.T) {
	p := newFakeSlack(t)
	h, _ := oidcHandler(t, p, "T0RR")
	back, state := startOIDC(t, h, p)
	w := callback(h, back, state)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/topics/1" {
		t.Fatalf("callback: status %d, Location %q, body %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	c := cookieNamed(w.Result().Cookies(), sessionCookie)
	if c == nil {
		t.Fatal("no session after sign-in")
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(c)
	w = do(h, r)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "brent &lt;bront@slack-corp.com&gt;") {
		t.Fatalf("page after sign-in: status %d, user not shown", w.Code)
	}
	// The state cookie is single use: replaying the callback fails.
	if w := callback(h, back, nil); w.Code != http.StatusBadRequest {
		t.Errorf("replayed callback without its cookie: status %d, want 400", w.Code)
	}
}

func TestOIDCLoginPageOffersSlack(t *testing.T) {
	p := newFakeSlack(t)
	h, _ := oidcHandler(t, p, "")
	body := do(h, httptest.NewRequest("GET", "/login?next=/topics/2", nil)).Body.String()
	if !strings.Contains(body, `href="/login/oidc?next=%2ftopics%2f2"`) || strings.Contains(body, `name="token"`) {
		t.Errorf("login page should offer only Slack, with next kept: %s", body)
	}
}

func TestOIDCRefusals(t *testing.T) {
	cases := []struct {
		name     string
		team     string // the page's TeamID
		issue    func(*fakeSlack)
		tamper   func(*url.URL, **http.Cookie)
		status   int
		why      string // in the page or the log: the refusal's own reason
		exchange bool   // whether the code may reach the token endpoint
	}{
		{name: "wrong team", team: "T0RR", issue: func(p *fakeSlack) { p.team = "TEVIL" }, status: http.StatusUnauthorized, exchange: true, why: "not in the workspace"},
		{name: "bad nonce", team: "T0RR", issue: func(p *fakeSlack) { p.nonce = "abcd" }, status: http.StatusUnauthorized, exchange: true, why: "nonce mismatch"},
		{name: "bad state", team: "T0RR", tamper: func(u *url.URL, _ **http.Cookie) {
			q := u.Query()
			q.Set("state", "forged")
			u.RawQuery = q.Encode()
		}, status: http.StatusBadRequest, why: "has expired or was not started here"},
		{name: "no state cookie", tamper: func(_ *url.URL, c **http.Cookie) { *c = nil }, status: http.StatusBadRequest, why: "has expired"},
		{name: "forged state cookie", tamper: func(_ *url.URL, c **http.Cookie) {
			forged := **c
			forged.Value = "eyJzIjoiZm9yZ2VkIn0.AAAA"
			*c = &forged
		}, status: http.StatusBadRequest, why: "has expired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := newFakeSlack(t)
			if tc.issue != nil {
				tc.issue(p)
			}
			h, logs := oidcHandler(t, p, tc.team)
			back, state := startOIDC(t, h, p)
			if tc.tamper != nil {
				tc.tamper(back, &state)
			}
			w := callback(h, back, state)
			if w.Code != tc.status {
				t.Errorf("status %d, want %d", w.Code, tc.status)
			}
			if !strings.Contains(w.Body.String()+logs.String(), tc.why) {
				t.Errorf("refused, but not because of %q: %s", tc.why, logs)
			}
			if c := cookieNamed(w.Result().Cookies(), sessionCookie); c != nil {
				t.Error("a refused sign-in set a session cookie")
			}
			p.mu.Lock()
			n := p.exchanges
			p.mu.Unlock()
			if !tc.exchange && n != 0 {
				t.Errorf("the code was exchanged %d times despite a bad state", n)
			}
		})
	}
}

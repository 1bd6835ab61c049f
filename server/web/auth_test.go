package web

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"
)

func TestNewRefusesAnOpenOrBrokenConfig(t *testing.T) {
	f := newFake("a")
	cases := map[string]Auth{
		"no method":              {},
		"only a session key":     {SessionKey: testKey},
		"short session key":      {Token: testToken, SessionKey: []byte("short")},
		"header without a proxy": {TrustedHeader: "X-Forwarded-User"},
		"oidc without a secret":  {OIDC: &OIDC{Issuer: "https://slack.com", ClientID: "c", RedirectURL: "https://voc.example/auth/callback"}},
		"invalid proxy prefix":   {TrustedHeader: "X-Forwarded-User", TrustedProxies: []netip.Prefix{{}}},
	}
	for name, a := range cases {
		if _, err := New(f, a, nil); err == nil {
			t.Errorf("%s: New succeeded, want an error", name)
		}
	}
	if _, err := New(nil, Auth{Token: testToken}, nil); err == nil {
		t.Error("nil backend: New succeeded")
	}
	if _, err := New(f, Auth{Token: testToken}, nil); err != nil {
		t.Errorf("token only: %v", err)
	}
}

func TestBearerToken(t *testing.T) {
	f := newFake("Export to CSV")
	h, _ := newTestHandler(t, f, Auth{Token: testToken})

	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer "+testToken)
	if w := do(h, r); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Export to CSV") {
		t.Fatalf("right token: status %d", w.Code)
	}

	r = httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Authorization", "Bearer wrong")
	w := do(h, r)
	if w.Code != http.StatusUnauthorized {
		t.Fatalf("wrong token: status %d, want 401", w.Code)
	}
	if !strings.Contains(w.Header().Get("WWW-Authenticate"), "Bearer") {
		t.Error("401 without a WWW-Authenticate challenge")
	}
	if _, n := f.lastFilter(); n != 1 {
		t.Errorf("backend called %d times, want 1 (not for the wrong token)", n)
	}
}

func TestNoAuthRedirectsToLogin(t *testing.T) {
	h, _ := newTestHandler(t, newFake("a"), Auth{Token: testToken})
	w := do(h, httptest.NewRequest("GET", "/topics/1?x=1", nil))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("status %d, want 303", w.Code)
	}
	if got, want := w.Header().Get("Location"), "/login?next="+url.QueryEscape("/topics/1?x=1"); got != want {
		t.Errorf("Location %q, want %q", got, want)
	}
	// A tampered cookie is no session either.
	c := signIn(t, h, "Ana")
	c.Value = strings.Replace(c.Value, ".", "x.", 1)
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(c)
	if w := do(h, r); w.Code != http.StatusSeeOther {
		t.Errorf("tampered cookie: status %d, want 303", w.Code)
	}
}

func TestTokenFormSetsSessionCookie(t *testing.T) {
	h, _ := newTestHandler(t, newFake("Dark mode"), Auth{Token: testToken, Secure: true})

	form := url.Values{"token": {"nope"}, "name": {"Ana"}}
	w := postForm(h, "/login", nil, form)
	if w.Code != http.StatusUnauthorized || cookieNamed(w.Result().Cookies(), sessionCookie) != nil {
		t.Fatalf("wrong token: status %d, cookies %v", w.Code, w.Result().Cookies())
	}
	if !strings.Contains(w.Body.String(), `value="Ana"`) {
		t.Error("refused form does not keep the typed name")
	}

	form = url.Values{"token": {testToken}, "name": {"Ana"}, "next": {"/topics/1"}}
	w = postForm(h, "/login", nil, form)
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/topics/1" {
		t.Fatalf("sign in: status %d, Location %q", w.Code, w.Header().Get("Location"))
	}
	c := cookieNamed(w.Result().Cookies(), sessionCookie)
	if c == nil || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie %+v: want HttpOnly, Secure, SameSite=Lax", c)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(c)
	w = do(h, r)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Signed in as <strong>Ana</strong>") {
		t.Fatalf("page with cookie: status %d", w.Code)
	}
}

func TestLoginNextStaysOnSite(t *testing.T) {
	h, _ := newTestHandler(t, newFake("a"), Auth{Token: testToken})
	for _, next := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example", "topics"} {
		w := postForm(h, "/login", nil, url.Values{"token": {testToken}, "next": {next}})
		if got := w.Header().Get("Location"); got != "/" {
			t.Errorf("next %q: redirected to %q, want /", next, got)
		}
	}
}

func TestRotatedTokenEndsSessions(t *testing.T) {
	old, _ := newTestHandler(t, newFake("a"), Auth{Token: testToken})
	c := signIn(t, old, "Ana")
	rotated, _ := newTestHandler(t, newFake("a"), Auth{Token: "a-brand-new-token"})
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(c)
	if w := do(rotated, r); w.Code != http.StatusSeeOther {
		t.Errorf("old session after rotation: status %d, want 303 to login", w.Code)
	}
	r = httptest.NewRequest("GET", "/", nil)
	r.AddCookie(c)
	if w := do(old, r); w.Code != http.StatusOK {
		t.Errorf("same token: status %d, want 200", w.Code)
	}
}

func TestTrustedHeaderOnlyFromTrustedProxy(t *testing.T) {
	f := newFake("Dark mode")
	a := Auth{TrustedHeader: "X-Forwarded-User", TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.1.0.0/16"), netip.MustParsePrefix("::1/128")}}
	h, logs := newTestHandler(t, f, a)

	for _, remote := range []string{"10.1.2.3:5555", "[::1]:5555"} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = remote
		r.Header.Set("X-Forwarded-User", "alice@example.com")
		w := do(h, r)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "alice@example.com") {
			t.Errorf("from proxy %s: status %d", remote, w.Code)
		}
		if strings.Contains(w.Body.String(), `action="/logout"`) {
			t.Error("a proxy-vouched user is offered a sign-out that cannot work")
		}
	}

	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "203.0.113.9:4444"
	r.Header.Set("X-Forwarded-User", "mallory")
	if w := do(h, r); w.Code != http.StatusSeeOther {
		t.Fatalf("from an untrusted address: status %d, want 303 to login", w.Code)
	}
	if !strings.Contains(logs.String(), "ignored trusted header") {
		t.Error("the ignored header was not logged")
	}

	// The cookie handed out alongside is no session on its own.
	r = httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "10.1.2.3:5555"
	r.Header.Set("X-Forwarded-User", "alice")
	c := cookieNamed(do(h, r).Result().Cookies(), sessionCookie)
	if c == nil {
		t.Fatal("no session cookie for the header user")
	}
	r = httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "203.0.113.9:4444"
	r.AddCookie(c)
	if w := do(h, r); w.Code != http.StatusSeeOther {
		t.Errorf("header session replayed without the proxy: status %d, want 303", w.Code)
	}
}

func TestTrustedHeaderUserDecides(t *testing.T) {
	f := newFake("Dark mode")
	a := Auth{TrustedHeader: "X-Forwarded-User", TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.1/32")}}
	h, _ := newTestHandler(t, f, a)
	viaProxy := func(r *http.Request) *http.Request {
		r.RemoteAddr = "10.0.0.1:80"
		r.Header.Set("X-Forwarded-User", "alice")
		return r
	}
	w := do(h, viaProxy(httptest.NewRequest("GET", "/topics/1", nil)))
	c := cookieNamed(w.Result().Cookies(), sessionCookie)
	m := csrfRE.FindStringSubmatch(w.Body.String())
	if c == nil || m == nil {
		t.Fatal("topic page via the proxy gave no cookie or no csrf token")
	}
	r := httptest.NewRequest("POST", "/topics/1/decision", strings.NewReader(url.Values{"csrf": {m[1]}, "decision": {"accept"}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(c)
	if w := do(h, viaProxy(r)); w.Code != http.StatusSeeOther {
		t.Fatalf("decision via the proxy: status %d", w.Code)
	}
	if got := f.recorded(); len(got) != 1 || got[0].Who != "alice" || !got[0].Accept {
		t.Errorf("recorded %+v, want one accept by alice", got)
	}
}

func TestLogoutClearsCookie(t *testing.T) {
	h, _ := newTestHandler(t, newFake("a"), Auth{Token: testToken})
	c := signIn(t, h, "Ana")
	if w := postForm(h, "/logout", c, url.Values{}); w.Code != http.StatusForbidden {
		t.Errorf("logout without csrf: status %d, want 403", w.Code)
	}
	tok := csrfFrom(t, h, c, "/")
	w := postForm(h, "/logout", c, url.Values{"csrf": {tok}})
	cleared := cookieNamed(w.Result().Cookies(), sessionCookie)
	if w.Code != http.StatusSeeOther || cleared == nil || cleared.MaxAge >= 0 {
		t.Errorf("logout: status %d, cookie %+v, want 303 and a cleared cookie", w.Code, cleared)
	}
}

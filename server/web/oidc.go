package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// oidcClient discovers the provider on first use, not in New, so the page
// starts even while the provider is unreachable, and retries later.
type oidcClient struct {
	cfg      OIDC
	mu       sync.Mutex
	oauth    *oauth2.Config
	verifier *oidc.IDTokenVerifier
}

// get returns the OAuth config and ID token verifier, discovering the
// provider if that has not succeeded yet.
func (c *oidcClient) get(ctx context.Context) (*oauth2.Config, *oidc.IDTokenVerifier, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.oauth != nil {
		return c.oauth, c.verifier, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, c.cfg.Issuer)
	if err != nil {
		return nil, nil, fmt.Errorf("web: oidc discovery %s: %w", c.cfg.Issuer, err)
	}
	c.oauth = &oauth2.Config{
		ClientID: c.cfg.ClientID, ClientSecret: c.cfg.ClientSecret, RedirectURL: c.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: []string{oidc.ScopeOpenID, "profile", "email"},
	}
	c.verifier = p.Verifier(&oidc.Config{ClientID: c.cfg.ClientID})
	return c.oauth, c.verifier, nil
}

// oidcState is what the short-lived sign-in cookie remembers between the
// redirect to the provider and the callback.
type oidcState struct {
	State string `json:"s"`
	Nonce string `json:"n"`
	Next  string `json:"x"`
	Exp   int64  `json:"e"`
}

// oidcStart serves GET /login/oidc: it sends the browser to the provider
// with a fresh state and nonce, remembered in a signed cookie.
func (h *handler) oidcStart(w http.ResponseWriter, r *http.Request) {
	if h.oidc == nil {
		h.fail(w, r, principal{}, http.StatusNotFound, "Page not found", "Sign in with Slack is not enabled here.")
		return
	}
	conf, _, err := h.oidc.get(r.Context())
	if err != nil {
		h.log.Error("web: oidc provider unavailable", "err", err)
		h.showLogin(w, r, http.StatusBadGateway, "/", "", "Slack could not be reached to sign you in. Try again in a moment.")
		return
	}
	st := oidcState{State: randomString(24), Nonce: randomString(24), Next: safeNext(r.URL.Query().Get("next")), Exp: time.Now().Add(oidcTTL).Unix()}
	v, err := h.sign.seal(oidcCookie, st)
	if err != nil {
		h.internal(w, r, principal{}, "seal oidc state", err)
		return
	}
	h.setCookie(w, oidcCookie, v, oidcTTL)
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, conf.AuthCodeURL(st.State, oidc.Nonce(st.Nonce)), http.StatusFound)
}

// errSignIn is a refused sign-in; its text is safe to show.
type errSignIn struct{ msg string }

func (e errSignIn) Error() string { return e.msg }

// oidcCallback serves GET /auth/callback: it checks the state against the
// cookie, exchanges the code, verifies the ID token (signature, issuer,
// audience, expiry by go-oidc; nonce and team here) and starts a session.
func (h *handler) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if h.oidc == nil {
		h.fail(w, r, principal{}, http.StatusNotFound, "Page not found", "Sign in with Slack is not enabled here.")
		return
	}
	h.setCookie(w, oidcCookie, "", 0) // one use only, whatever happens next
	st, user, err := h.finishOIDC(r)
	if err != nil {
		status, msg := http.StatusUnauthorized, "Signing in with Slack did not work. Try again."
		var refused errSignIn
		if errors.As(err, &refused) {
			msg = refused.msg
		}
		if errors.Is(err, errBadState) {
			status = http.StatusBadRequest
		}
		h.log.Warn("web: oidc sign-in refused", "remote", r.RemoteAddr, "err", err)
		h.showLogin(w, r, status, "/", "", msg)
		return
	}
	h.startSession(w, user, "oidc", "")
	h.log.Info("web: signed in", "method", "oidc", "who", user)
	http.Redirect(w, r, st.Next, http.StatusSeeOther)
}

var errBadState = errSignIn{"This sign-in link has expired or was not started here. Try again."}

// finishOIDC does the checks of the callback and returns the user's name.
func (h *handler) finishOIDC(r *http.Request) (oidcState, string, error) {
	var st oidcState
	c, err := r.Cookie(oidcCookie)
	if err != nil || h.sign.open(oidcCookie, c.Value, &st) != nil || time.Now().Unix() >= st.Exp {
		return st, "", errBadState
	}
	q := r.URL.Query()
	if got := q.Get("state"); got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(st.State)) != 1 {
		return st, "", errBadState
	}
	if e := q.Get("error"); e != "" {
		return st, "", errSignIn{"Slack did not sign you in (" + cleanName(e) + ")."}
	}
	conf, verifier, err := h.oidc.get(r.Context())
	if err != nil {
		return st, "", err
	}
	ctx, cancel := context.WithTimeout(r.Context(), 15*time.Second)
	defer cancel()
	tok, err := conf.Exchange(ctx, q.Get("code"))
	if err != nil {
		return st, "", fmt.Errorf("web: oidc code exchange: %w", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return st, "", errors.New("web: oidc token response has no id_token")
	}
	idt, err := verifier.Verify(ctx, raw)
	if err != nil {
		return st, "", fmt.Errorf("web: oidc verify id token: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(st.Nonce)) != 1 {
		return st, "", errors.New("web: oidc nonce mismatch")
	}
	var claims struct {
		Name   string `json:"name"`
		Email  string `json:"email"`
		TeamID string `json:"https://slack.com/team_id"`
	}
	if err := idt.Claims(&claims); err != nil {
		return st, "", fmt.Errorf("web: oidc claims: %w", err)
	}
	if h.oidc.cfg.TeamID != "" && claims.TeamID != h.oidc.cfg.TeamID {
		return st, "", errSignIn{"Your Slack account is not in the workspace this page belongs to."}
	}
	return st, userName(claims.Name, claims.Email, idt.Subject), nil
}

// userName is how an OIDC user appears in decisions: "Name <email>" when
// both are known, else whichever is.
func userName(name, email, sub string) string {
	name, email = cleanName(name), cleanName(email)
	switch {
	case name != "" && email != "":
		return name + " <" + email + ">"
	case email != "":
		return email
	case name != "":
		return name
	}
	return cleanName(strings.TrimSpace(sub))
}

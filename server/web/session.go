package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Cookie names, and how long a session lasts.
const (
	sessionCookie = "voc_session"
	oidcCookie    = "voc_oidc"
	sessionTTL    = 12 * time.Hour
	oidcTTL       = 10 * time.Minute
)

// session is what the signed session cookie carries.
type session struct {
	User   string `json:"u"`
	Method string `json:"m"`           // token, header or oidc
	SID    string `json:"s"`           // random per sign-in; CSRF tokens derive from it
	Key    string `json:"k,omitempty"` // for token sessions, which token opened it
	Exp    int64  `json:"e"`
}

// signer makes and checks HMAC-signed cookie values. The purpose is mixed
// into the MAC, so a value made for one cookie is useless as another.
type signer struct{ key []byte }

var errBadCookie = errors.New("web: bad or expired cookie")

func (s signer) mac(purpose string, data []byte) []byte {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte(purpose))
	m.Write([]byte{0})
	m.Write(data)
	return m.Sum(nil)
}

// seal encodes v as JSON and signs it.
func (s signer) seal(purpose string, v any) (string, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	return enc.EncodeToString(data) + "." + enc.EncodeToString(s.mac(purpose, data)), nil
}

// open checks a sealed value's signature and decodes it into v.
func (s signer) open(purpose, value string, v any) error {
	enc := base64.RawURLEncoding
	p, m, ok := strings.Cut(value, ".")
	if !ok {
		return errBadCookie
	}
	data, err1 := enc.DecodeString(p)
	sum, err2 := enc.DecodeString(m)
	if err1 != nil || err2 != nil || !hmac.Equal(sum, s.mac(purpose, data)) {
		return errBadCookie
	}
	if json.Unmarshal(data, v) != nil {
		return errBadCookie
	}
	return nil
}

// csrfToken is the form token tied to one session.
func (s signer) csrfToken(sid string) string {
	return base64.RawURLEncoding.EncodeToString(s.mac("csrf", []byte(sid)))
}

// checkCSRF reports whether got is the form token of session sid.
func (s signer) checkCSRF(sid, got string) bool {
	if sid == "" || got == "" {
		return false
	}
	return hmac.Equal([]byte(got), []byte(s.csrfToken(sid)))
}

// randomString returns n random bytes, URL-safe encoded.
func randomString(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand panics rather than returning an error)
	return base64.RawURLEncoding.EncodeToString(b)
}

// readSession returns the valid session in r's cookie, if any.
func (h *handler) readSession(r *http.Request) (session, bool) {
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return session{}, false
	}
	var s session
	if h.sign.open(sessionCookie, c.Value, &s) != nil || s.User == "" || s.SID == "" {
		return session{}, false
	}
	if time.Now().Unix() >= s.Exp {
		return session{}, false
	}
	return s, true
}

// startSession signs user in on w with a new session id and returns it.
func (h *handler) startSession(w http.ResponseWriter, user, method, key string) session {
	s := session{User: user, Method: method, SID: randomString(18), Key: key, Exp: time.Now().Add(sessionTTL).Unix()}
	v, err := h.sign.seal(sessionCookie, s)
	if err != nil { // a struct of strings always marshals
		panic(err)
	}
	h.setCookie(w, sessionCookie, v, sessionTTL)
	return s
}

// setCookie sets (or, with ttl 0, clears) one of the page's cookies.
func (h *handler) setCookie(w http.ResponseWriter, name, value string, ttl time.Duration) {
	c := &http.Cookie{
		Name: name, Value: value, Path: "/",
		HttpOnly: true, Secure: h.auth.Secure, SameSite: http.SameSiteLaxMode,
		MaxAge: int(ttl / time.Second),
	}
	if ttl == 0 {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

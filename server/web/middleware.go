package web

import (
	"encoding/base64"
	"net/http"
	"net/url"
)

// principal is the signed-in user of one request.
type principal struct {
	User   string
	Method string // bearer, token, header or oidc
	SID    string // the session id, empty for bearer requests
}

// needsCSRF reports whether a form post by p must carry the session's CSRF
// token: every cookie-borne session does; a bearer header cannot be forged
// by another site.
func (p principal) needsCSRF() bool { return p.Method != "bearer" }

// private lets only signed-in users through. A wrong bearer token gets 401
// (an API client wants a status, not a page to sign in on); a browser
// without a session is sent to /login.
func (h *handler) private(next func(http.ResponseWriter, *http.Request, principal)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		if tok, ok := bearer(r); ok {
			if !h.auth.tokenMatches(tok) {
				w.Header().Set("WWW-Authenticate", `Bearer realm="voc"`)
				h.log.Warn("web: wrong bearer token", "remote", r.RemoteAddr, "path", r.URL.Path)
				h.fail(w, r, principal{}, http.StatusUnauthorized, "Not signed in", "The token sent with this request is not valid.")
				return
			}
			next(w, r, principal{User: "token", Method: "bearer"})
			return
		}
		if p, ok := h.fromHeader(w, r); ok {
			next(w, r, p)
			return
		}
		if s, ok := h.readSession(r); ok && h.sessionStillAllowed(s) {
			next(w, r, principal{User: s.User, Method: s.Method, SID: s.SID})
			return
		}
		to := "/login"
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			to += "?next=" + url.QueryEscape(r.URL.RequestURI())
		}
		http.Redirect(w, r, to, http.StatusSeeOther)
	}
}

// fromHeader honours the trusted header when the request comes from a
// trusted proxy. It keeps a session cookie alongside, only so that forms
// have a CSRF token tied to something the browser holds.
func (h *handler) fromHeader(w http.ResponseWriter, r *http.Request) (principal, bool) {
	if h.auth.TrustedHeader == "" {
		return principal{}, false
	}
	name := cleanName(r.Header.Get(h.auth.TrustedHeader))
	if name == "" {
		return principal{}, false
	}
	if !h.auth.fromTrustedProxy(r) {
		h.log.Warn("web: ignored trusted header from an untrusted address", "header", h.auth.TrustedHeader, "remote", r.RemoteAddr)
		return principal{}, false
	}
	s, ok := h.readSession(r)
	if !ok || s.Method != "header" || s.User != name {
		s = h.startSession(w, name, "header", "")
	}
	return principal{User: name, Method: "header", SID: s.SID}, true
}

// sessionStillAllowed drops sessions whose method was switched off or whose
// token was rotated since sign-in. Header sessions never stand alone: the
// proxy must vouch on every request.
func (h *handler) sessionStillAllowed(s session) bool {
	switch s.Method {
	case "token":
		return h.auth.Token != "" && s.Key == h.tokenKey()
	case "oidc":
		return h.auth.OIDC != nil
	}
	return false
}

// tokenKey fingerprints the configured token, so rotating it ends the
// sessions it opened.
func (h *handler) tokenKey() string {
	return base64.RawURLEncoding.EncodeToString(h.sign.mac("token", []byte(h.auth.Token))[:9])
}

// checkCSRF answers 403 and returns false when a form post lacks the
// session's token. The caller must have parsed the form.
func (h *handler) checkCSRF(w http.ResponseWriter, r *http.Request, p principal) bool {
	if !p.needsCSRF() || h.sign.checkCSRF(p.SID, r.PostForm.Get("csrf")) {
		return true
	}
	h.log.Warn("web: form post without a valid csrf token", "remote", r.RemoteAddr, "path", r.URL.Path)
	h.fail(w, r, p, http.StatusForbidden, "Form expired", "This form is no longer valid. Go back, reload the page and try again.")
	return false
}

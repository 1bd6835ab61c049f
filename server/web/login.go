package web

import (
	"net/http"
	"strings"
)

// loginPage is the data of the login template.
type loginPage struct {
	base
	Token bool   // the token form is offered
	OIDC  bool   // the "Sign in with Slack" button is offered
	Proxy bool   // a reverse proxy may sign people in
	Next  string // where to go after signing in
	Name  string // the name as typed, shown back after a refusal
	Error string
}

// safeNext keeps a post-login target on this site: a local path, never
// "//host" or a full URL, so the login page cannot be an open redirect.
func safeNext(s string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") || strings.ContainsAny(s, "\r\n") {
		return "/"
	}
	return s
}

// loginForm serves GET /login.
func (h *handler) loginForm(w http.ResponseWriter, r *http.Request) {
	h.showLogin(w, r, http.StatusOK, safeNext(r.URL.Query().Get("next")), "", "")
}

// showLogin renders the sign-in page with the methods that are configured.
func (h *handler) showLogin(w http.ResponseWriter, r *http.Request, status int, next, name, msg string) {
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r, status, "login", loginPage{
		base:  base{Title: "Sign in"},
		Token: h.auth.Token != "", OIDC: h.oidc != nil, Proxy: h.auth.TrustedHeader != "",
		Next: next, Name: name, Error: msg,
	})
}

// login serves POST /login: the shared token typed into the form. The name
// is the one decisions are recorded under; with a shared token it is the
// person's own word, which docs/web.md says plainly.
func (h *handler) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		h.showLogin(w, r, http.StatusBadRequest, "/", "", "The form could not be read.")
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	name := cleanName(r.PostForm.Get("name"))
	if h.auth.Token == "" {
		h.showLogin(w, r, http.StatusBadRequest, next, name, "Signing in with a token is not enabled here.")
		return
	}
	if !h.auth.tokenMatches(strings.TrimSpace(r.PostForm.Get("token"))) {
		h.log.Warn("web: wrong token at sign-in", "remote", r.RemoteAddr)
		h.showLogin(w, r, http.StatusUnauthorized, next, name, "That access token is not valid.")
		return
	}
	if name == "" {
		name = "token"
	}
	h.startSession(w, name, "token", h.tokenKey())
	h.log.Info("web: signed in", "method", "token", "who", name)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// logout serves POST /logout. It checks the CSRF token, so another site
// cannot sign people out.
func (h *handler) logout(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	if s, ok := h.readSession(r); ok {
		if !h.checkCSRF(w, r, principal{User: s.User, Method: s.Method, SID: s.SID}) {
			return
		}
		h.log.Info("web: signed out", "who", s.User)
	}
	h.setCookie(w, sessionCookie, "", 0)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// Package web is voc's backlog page for product owners: the ranked backlog
// with the evidence behind every rank, topic detail, and accept/decline
// decisions, behind a shared token, a trusted reverse proxy or Sign in with
// Slack. It renders server-side HTML with no JavaScript.
package web

import (
	"crypto/rand"
	"embed"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/*.css
var staticFS embed.FS

// handler serves every page; New builds it.
type handler struct {
	b     Backend
	auth  Auth
	sign  signer
	log   *slog.Logger
	pages map[string]*pageTemplate
	oidc  *oidcClient
	mux   *http.ServeMux
}

// New returns the page's handler, to be mounted at "/". It fails when no
// sign-in method is configured or the configuration is unusable.
func New(b Backend, a Auth, log *slog.Logger) (http.Handler, error) {
	if b == nil {
		return nil, errors.New("web: nil backend")
	}
	if err := a.validate(); err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.Default()
	}
	key := a.SessionKey
	if len(key) == 0 {
		key = make([]byte, minSessionKey)
		rand.Read(key)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	h := &handler{b: b, auth: a, sign: signer{key: key}, log: log, pages: pages}
	if a.OIDC != nil {
		h.oidc = &oidcClient{cfg: *a.OIDC}
	}
	h.routes()
	return h, nil
}

// routes registers every page on the mux.
func (h *handler) routes() {
	static, _ := fs.Sub(staticFS, "static")
	m := http.NewServeMux()
	m.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /{$}", h.private(h.backlog))
	m.HandleFunc("GET /topics/{id}", h.private(h.topic))
	m.HandleFunc("POST /topics/{id}/decision", h.private(h.decide))
	m.HandleFunc("GET /login", h.loginForm)
	m.HandleFunc("POST /login", h.login)
	m.HandleFunc("POST /logout", h.logout)
	m.HandleFunc("GET /login/oidc", h.oidcStart)
	m.HandleFunc("GET /auth/callback", h.oidcCallback)
	m.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		h.fail(w, r, principal{}, http.StatusNotFound, "Page not found", "There is no page at this address.")
	})
	h.mux = m
}

// ServeHTTP adds the headers every answer carries and dispatches.
func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "same-origin")
	hd.Set("X-Frame-Options", "DENY")
	h.mux.ServeHTTP(w, r)
}

package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// pageTemplate is one page parsed together with the shared layout.
type pageTemplate = template.Template

// pageNames are the files under templates/ that are whole pages.
var pageNames = []string{"backlog", "topic", "login", "error"}

// funcs are the helpers templates may call.
var funcs = template.FuncMap{
	"date": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02")
	},
	"isodate": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"score":   func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
	"part":    func(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) },
	"num":     func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
	"label":   func(s string) string { return strings.ReplaceAll(s, "_", " ") },
}

// parsePages parses every page with the layout.
func parsePages() (map[string]*pageTemplate, error) {
	out := make(map[string]*pageTemplate, len(pageNames))
	for _, name := range pageNames {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: parse template %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// base is what the layout needs on every page.
type base struct {
	Title     string
	User      string
	CSRF      string
	CanLogout bool // a session of our own, not one the proxy vouches for
}

// baseFor fills the layout's fields for p.
func (h *handler) baseFor(title string, p principal) base {
	b := base{Title: title, User: p.User, CanLogout: p.Method == "token" || p.Method == "oidc"}
	if p.SID != "" {
		b.CSRF = h.sign.csrfToken(p.SID)
	}
	return b
}

// render writes page name with data and status. It renders into a buffer
// first, so a template error becomes a clean 500 instead of half a page.
func (h *handler) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		h.log.Error("web: render page", "page", name, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		w.Write(buf.Bytes())
	}
}

// errorPage is the data of the error template.
type errorPage struct {
	base
	Status  int
	Message string
	Ref     string
}

// fail answers with an error page that says what went wrong in user terms.
func (h *handler) fail(w http.ResponseWriter, r *http.Request, p principal, status int, heading, msg string) {
	h.render(w, r, status, "error", errorPage{base: h.baseFor(heading, p), Status: status, Message: msg})
}

// internal logs err with a reference and answers 500 with only the
// reference, so nothing of the backend's internals reaches the page.
func (h *handler) internal(w http.ResponseWriter, r *http.Request, p principal, what string, err error) {
	ref := randomString(6)
	h.log.Error("web: "+what, "ref", ref, "path", r.URL.Path, "err", err)
	h.render(w, r, http.StatusInternalServerError, "error", errorPage{
		base:    h.baseFor("Something went wrong", p),
		Status:  http.StatusInternalServerError,
		Message: "The page could not be loaded. The error was logged; quote this reference when you report it.",
		Ref:     ref,
	})
}

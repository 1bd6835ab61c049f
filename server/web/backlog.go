package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// option is one choice of a filter's select.
type option struct{ Value, Label string }

// Choices for the select filters; the empty value means "any".
var (
	kindOptions   = []option{{"", "any"}, {"bug", "bug"}, {"feature", "feature"}, {"out_of_scope", "out of scope"}}
	statusOptions = []option{{"", "any"}, {"open", "open"}, {"accepted", "accepted"}, {"declined", "declined"}, {"shipped", "shipped"}}
)

// filterForm holds the filter as typed, so the form shows it back unchanged.
type filterForm struct {
	Kind, Area, Status, Segment, Query, Since, MinAccounts string
}

// Any reports whether some filter is set.
func (f filterForm) Any() bool { return f != filterForm{} }

// backlogPage is the data of the backlog template.
type backlogPage struct {
	base
	Form     filterForm
	Rows     []Row
	Error    string
	Kinds    []option
	Statuses []option
}

// backlog serves GET /: the ranked topics, filtered by the query string.
func (h *handler) backlog(w http.ResponseWriter, r *http.Request, p principal) {
	f, form, err := parseFilter(r.URL.Query())
	page := backlogPage{base: h.baseFor("Backlog", p), Form: form, Kinds: kindOptions, Statuses: statusOptions}
	if err != nil {
		page.Error = err.Error()
		h.render(w, r, http.StatusBadRequest, "backlog", page)
		return
	}
	rows, err := h.b.Backlog(r.Context(), f)
	if err != nil {
		h.internal(w, r, p, "load backlog", err)
		return
	}
	page.Rows = rows
	h.render(w, r, http.StatusOK, "backlog", page)
}

// maxField bounds each filter value; longer input is cut.
const maxField = 200

// parseFilter reads the filter form's fields. A bad date or count is an
// error worded for the person who typed it.
func parseFilter(q url.Values) (Filter, filterForm, error) {
	get := func(k string) string {
		v := strings.TrimSpace(q.Get(k))
		if len(v) > maxField {
			v = v[:maxField]
		}
		return v
	}
	form := filterForm{
		Kind: get("kind"), Area: get("area"), Status: get("status"), Segment: get("segment"),
		Query: get("q"), Since: get("since"), MinAccounts: get("min_accounts"),
	}
	f := Filter{Kind: form.Kind, Area: form.Area, Status: form.Status, Segment: form.Segment, Query: form.Query}
	var errs []string
	if form.Since != "" {
		t, err := time.Parse("2006-01-02", form.Since)
		if err != nil {
			errs = append(errs, "“Seen since” must be a date like 2026-01-31.")
		}
		f.Since = t
	}
	if form.MinAccounts != "" {
		n, err := strconv.Atoi(form.MinAccounts)
		if err != nil || n < 0 {
			errs = append(errs, "“At least this many accounts” must be a whole number, 0 or more.")
		}
		f.MinAccounts = n
	}
	if len(errs) > 0 {
		return Filter{}, form, errors.New(strings.Join(errs, " "))
	}
	return f, form, nil
}

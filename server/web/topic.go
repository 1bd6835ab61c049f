package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxReason bounds a decision's reason, in characters.
const maxReason = 2000

// topicPage is the data of the topic template.
type topicPage struct {
	base
	Topic  Detail
	Chart  chart
	Error  string // why the decision form was refused
	Reason string // the reason as typed, shown back after a refusal
}

// topicID reads the {id} path segment; a malformed one is as good as unknown.
func topicID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	return id, err == nil && id > 0
}

// topic serves GET /topics/{id}: one topic with its evidence.
func (h *handler) topic(w http.ResponseWriter, r *http.Request, p principal) {
	h.showTopic(w, r, p, http.StatusOK, "", "")
}

// showTopic renders a topic page with status, and the decision form's error
// and typed reason when a post was refused.
func (h *handler) showTopic(w http.ResponseWriter, r *http.Request, p principal, status int, formErr, reason string) {
	id, ok := topicID(r)
	if !ok {
		h.notFound(w, r, p)
		return
	}
	d, err := h.b.Topic(r.Context(), id)
	if errors.Is(err, ErrNotFound) {
		h.notFound(w, r, p)
		return
	}
	if err != nil {
		h.internal(w, r, p, "load topic", err)
		return
	}
	h.render(w, r, status, "topic", topicPage{
		base:  h.baseFor(d.Title, p),
		Topic: d, Chart: buildChart(d.Title, d.Weekly),
		Error: formErr, Reason: reason,
	})
}

// notFound is the 404 page for a topic id that does not exist.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request, p principal) {
	h.fail(w, r, p, http.StatusNotFound, "Topic not found", "There is no topic with this number. It may have been merged into another one.")
}

// decide serves POST /topics/{id}/decision: accept, or decline with a
// reason, recorded under the signed-in user's name.
func (h *handler) decide(w http.ResponseWriter, r *http.Request, p principal) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, p, http.StatusBadRequest, "Bad form", "The form could not be read.")
		return
	}
	if !h.checkCSRF(w, r, p) {
		return
	}
	id, ok := topicID(r)
	if !ok {
		h.notFound(w, r, p)
		return
	}
	reason := strings.TrimSpace(r.PostForm.Get("reason"))
	var accept bool
	switch r.PostForm.Get("decision") {
	case "accept":
		accept = true
	case "decline":
		if reason == "" {
			h.showTopic(w, r, p, http.StatusBadRequest, "A reason is required to decline a topic: it is what customers and the team will be told.", reason)
			return
		}
	default:
		h.showTopic(w, r, p, http.StatusBadRequest, "Choose Accept or Decline.", reason)
		return
	}
	if utf8.RuneCountInString(reason) > maxReason {
		h.showTopic(w, r, p, http.StatusBadRequest, "The reason is too long: keep it under 2000 characters.", reason)
		return
	}
	err := h.b.Decide(r.Context(), id, accept, reason, p.User)
	if errors.Is(err, ErrNotFound) {
		h.notFound(w, r, p)
		return
	}
	if err != nil {
		h.internal(w, r, p, "record decision", err)
		return
	}
	h.log.Info("web: decision recorded", "topic", id, "accept", accept, "who", p.User)
	http.Redirect(w, r, "/topics/"+strconv.FormatInt(id, 10)+"#decision", http.StatusSeeOther)
}

package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// DefaultMaxBody caps a webhook body unless the Webhook says otherwise.
const DefaultMaxBody = 1 << 20

// Webhook describes one sender's endpoint: how to check its signature and
// how to name a delivery. The handler verifies the signature before it
// reads anything else, stores the delivery in the durable queue, and only
// then acknowledges it, so an acknowledged event survives any crash.
type Webhook struct {
	Source  string // "github", "jira", "zendesk", "intercom", "slack"
	MaxBody int64  // default DefaultMaxBody
	// Verify checks the request's signature over the raw body.
	Verify func(h http.Header, body []byte) error
	// Classify names the verified delivery. Its error is the sender's
	// fault (a 400 naming the bad field).
	Classify func(r *http.Request, body []byte) (Delivery, error)
}

// Delivery is what one verified request is.
type Delivery struct {
	ID   string // the sender's delivery ID, the dedup key
	Kind string // e.g. "github.issues"
	// Skip answers without queueing anything (a ping, Slack's
	// url_verification, an interaction answered on the spot).
	Skip bool
	// Answer, when set, is the response body (JSON) instead of the default.
	Answer []byte
}

type intakeReply struct {
	Queued    bool   `json:"queued"`
	Duplicate bool   `json:"duplicate,omitempty"`
	Error     string `json:"error,omitempty"`
}

// Webhook returns the HTTP handler of wh; mount it with Handle.
func (s *Server) Webhook(wh Webhook) http.Handler {
	max := wh.MaxBody
	if max <= 0 {
		max = DefaultMaxBody
	}
	count := func(outcome string) { s.metrics.intake.WithLabelValues(wh.Source, outcome).Inc() }
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			replyJSON(w, http.StatusMethodNotAllowed, intakeReply{Error: "use POST"})
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			count("too_large")
			replyJSON(w, http.StatusRequestEntityTooLarge, intakeReply{Error: fmt.Sprintf("body larger than %d bytes", max)})
			return
		case err != nil:
			count("rejected")
			replyJSON(w, http.StatusBadRequest, intakeReply{Error: "cannot read the body"})
			return
		}
		if err := wh.Verify(r.Header, body); err != nil {
			count("rejected")
			s.log.Warn("webhook rejected: signature", "source", wh.Source, "remote", r.RemoteAddr, "reason", err.Error())
			replyJSON(w, http.StatusUnauthorized, intakeReply{Error: "signature check failed"})
			return
		}
		d, err := wh.Classify(r, body)
		if err != nil {
			count("rejected")
			replyJSON(w, http.StatusBadRequest, intakeReply{Error: err.Error()})
			return
		}
		if d.Skip {
			count("answered")
			answer(w, d.Answer, intakeReply{})
			return
		}
		dup, err := s.cfg.Queue.Enqueue(r.Context(), wh.Source, d.ID, d.Kind, body)
		if err != nil {
			count("error")
			s.log.Error("webhook not queued", "source", wh.Source, "delivery", d.ID, "err", err)
			// Not acknowledged: the sender will deliver it again.
			replyJSON(w, http.StatusServiceUnavailable, intakeReply{Error: "could not queue the delivery; retry later"})
			return
		}
		if dup {
			count("duplicate")
		} else {
			count("queued")
			s.notify()
		}
		answer(w, d.Answer, intakeReply{Queued: !dup, Duplicate: dup})
	})
}

func answer(w http.ResponseWriter, custom []byte, def intakeReply) {
	if custom != nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		w.Write(custom)
		return
	}
	replyJSON(w, http.StatusOK, def)
}

func replyJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

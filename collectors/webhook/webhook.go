// Package webhook accepts conversations pushed over HTTP in voc's JSON
// schema (docs/formats.md): one object, an array, or JSONL. A request is
// all or nothing: it is validated whole before anything is stored, so a
// sender that gets a 400 can fix the named record and send again.
package webhook

import (
	"bufio"
	"bytes"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
)

// DefaultMaxBody caps a request body.
const DefaultMaxBody = 10 << 20

// Handler is the intake endpoint.
type Handler struct {
	Source  string // conversations without a source get this one
	Token   string // required bearer token (from VOC_WEBHOOK_TOKEN)
	Sink    collectors.Sink
	MaxBody int64
	Log     *slog.Logger
}

type problem struct {
	Error  string `json:"error"`
	Record int    `json:"record,omitempty"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason,omitempty"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeJSON(w, http.StatusMethodNotAllowed, problem{Error: "use POST"})
		return
	}
	if h.Token == "" {
		writeJSON(w, http.StatusServiceUnavailable, problem{Error: "intake is not configured (set VOC_WEBHOOK_TOKEN)"})
		return
	}
	got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	if subtle.ConstantTimeCompare([]byte(got), []byte(h.Token)) != 1 {
		writeJSON(w, http.StatusUnauthorized, problem{Error: "missing or wrong bearer token"})
		return
	}
	max := h.MaxBody
	if max <= 0 {
		max = DefaultMaxBody
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, max))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeJSON(w, http.StatusRequestEntityTooLarge, problem{Error: fmt.Sprintf("body larger than %d bytes", max)})
		return
	case err != nil:
		writeJSON(w, http.StatusBadRequest, problem{Error: "cannot read body: " + err.Error()})
		return
	}
	convs, p := h.decode(body, r.Header.Get("Content-Type"))
	if p != nil {
		writeJSON(w, http.StatusBadRequest, p)
		return
	}
	if len(convs) == 0 {
		writeJSON(w, http.StatusBadRequest, problem{Error: "no conversations in the body"})
		return
	}
	counts, err := h.Sink.SaveConversations(r.Context(), convs)
	if err != nil {
		if h.Log != nil {
			h.Log.Error("webhook intake: store", "err", err)
		}
		writeJSON(w, http.StatusInternalServerError, problem{Error: "could not store the conversations; retry later"})
		return
	}
	writeJSON(w, http.StatusAccepted, counts)
}

// decode reads every record first; any bad one rejects the request.
func (h *Handler) decode(body []byte, contentType string) ([]voc.Conversation, *problem) {
	var records [][]byte
	trimmed := bytes.TrimSpace(body)
	switch {
	case strings.Contains(contentType, "ndjson") || strings.Contains(contentType, "jsonl"):
		sc := bufio.NewScanner(bytes.NewReader(trimmed))
		sc.Buffer(nil, len(trimmed)+1)
		for sc.Scan() {
			if line := bytes.TrimSpace(sc.Bytes()); len(line) > 0 {
				records = append(records, append([]byte(nil), line...))
			}
		}
	case len(trimmed) > 0 && trimmed[0] == '[':
		var raw []json.RawMessage
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, &problem{Error: "body is not a JSON array of conversations: " + err.Error()}
		}
		for _, r := range raw {
			records = append(records, r)
		}
	default:
		records = [][]byte{trimmed}
	}
	convs := make([]voc.Conversation, 0, len(records))
	for i, rec := range records {
		c, field, reason := collectors.DecodeConversation(rec)
		if reason != "" {
			return nil, &problem{Error: fmt.Sprintf("record %d: %s: %s", i+1, field, reason), Record: i + 1, Field: field, Reason: reason}
		}
		if c.Source == "" {
			c.Source = h.Source
		}
		convs = append(convs, c)
	}
	return convs, nil
}

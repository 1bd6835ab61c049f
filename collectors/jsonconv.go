package collectors

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/voc-dev/voc"
)

// jsonConversation mirrors the JSONL schema with times as strings, so that
// a bad time can be reported with the name of its field.
type jsonConversation struct {
	Source     string        `json:"source"`
	ExternalID string        `json:"external_id"`
	AccountID  string        `json:"account_id"`
	Channel    string        `json:"channel"`
	Language   string        `json:"language"`
	Subject    string        `json:"subject"`
	URL        string        `json:"url"`
	CreatedAt  string        `json:"created_at"`
	UpdatedAt  string        `json:"updated_at"`
	Messages   []jsonMessage `json:"messages"`
}

type jsonMessage struct {
	ID     string `json:"id"`
	Role   string `json:"role"`
	Author string `json:"author"`
	At     string `json:"at"`
	Text   string `json:"text"`
	Label  string `json:"label"`
}

// DecodeConversation reads one conversation in voc's JSON schema (one line
// of a JSONL import, or a webhook body; see docs/formats.md). On failure it
// returns the field at fault and why, for a "file:line: field: reason" or an
// HTTP 400 answer; a conversation without a source gets "" (the caller
// fills it in).
func DecodeConversation(rec []byte) (voc.Conversation, string, string) {
	if !utf8.Valid(rec) {
		return voc.Conversation{}, "encoding", "not valid UTF-8 (convert the file to UTF-8)"
	}
	var j jsonConversation
	dec := json.NewDecoder(bytes.NewReader(rec))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return voc.Conversation{}, jsonErrorField(err), jsonErrorReason(err)
	}
	if dec.More() {
		return voc.Conversation{}, "record", "more than one JSON value on the line"
	}
	conv := voc.Conversation{Source: strings.TrimSpace(j.Source), ExternalID: strings.TrimSpace(j.ExternalID), AccountID: strings.TrimSpace(j.AccountID),
		Channel: j.Channel, Language: j.Language, Subject: j.Subject, URL: j.URL}
	var err error
	if conv.CreatedAt, err = ParseTime(j.CreatedAt, true); err != nil {
		return conv, "created_at", err.Error()
	}
	if conv.UpdatedAt, err = ParseTime(j.UpdatedAt, false); err != nil {
		return conv, "updated_at", err.Error()
	}
	for i, m := range j.Messages {
		at, err := ParseTime(m.At, false)
		if err != nil {
			return conv, fmt.Sprintf("messages[%d].at", i), err.Error()
		}
		label := voc.Kind(strings.ToLower(strings.TrimSpace(m.Label)))
		if label != "" && !label.Valid() {
			return conv, fmt.Sprintf("messages[%d].label", i), fmt.Sprintf("unknown kind %q (want bug, feature, out_of_scope, question or other)", m.Label)
		}
		conv.Messages = append(conv.Messages, voc.Message{ExternalID: m.ID, Role: voc.Role(strings.ToLower(m.Role)), Author: m.Author, At: at, Text: m.Text, Label: label})
	}
	if conv.Source == "" {
		conv.Source = "-" // filled in by the collector; keeps Validate from flagging it
	}
	if err := conv.Validate(); err != nil {
		var fe *voc.FieldError
		if errors.As(err, &fe) {
			return conv, fe.Field, fe.Reason
		}
		return conv, "record", err.Error()
	}
	if conv.Source == "-" {
		conv.Source = ""
	}
	return conv, "", ""
}

// ParseTime reads an RFC 3339 time; empty is an error only when required.
func ParseTime(s string, required bool) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if required {
			return time.Time{}, errors.New("required")
		}
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time (like 2026-10-02T09:14:00Z)", s)
	}
	return t.UTC(), nil
}

func jsonErrorField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return te.Field
	}
	if strings.HasPrefix(err.Error(), "json: unknown field ") {
		return strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
	}
	return "json"
}

func jsonErrorReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("want %s, got JSON %s", te.Type, te.Value)
	}
	if strings.HasPrefix(err.Error(), "json: unknown field ") {
		return "unknown field (see docs/formats.md)"
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "truncated JSON object"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

package files

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
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
}

func (c *Collector) importJSONL(ctx context.Context, name string, sink collectors.Sink, rep *collectors.Report) error {
	f, err := c.FS.Open(name)
	if err != nil {
		return fmt.Errorf("files: %w", err)
	}
	defer f.Close()
	b := &convBatch{c: c, sink: sink, rep: rep}
	r := bufio.NewReaderSize(f, 64<<10)
	for line := 1; ; line++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		rec, tooLong, err := readLine(r, c.maxRecord())
		if err == io.EOF && len(rec) == 0 && !tooLong {
			break
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("files: %s:%d: %w", c.Prefix+name, line, err)
		}
		if tooLong {
			rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.Prefix + name, Line: line, Field: "record", Reason: fmt.Sprintf("longer than %d bytes", c.maxRecord())})
			continue
		}
		if line == 1 {
			rec = bytes.TrimPrefix(rec, []byte("\xef\xbb\xbf"))
		}
		if len(bytes.TrimSpace(rec)) == 0 {
			continue
		}
		conv, field, reason := parseJSONConversation(rec)
		if reason != "" {
			rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.Prefix + name, Line: line, Field: field, Reason: reason})
			continue
		}
		if err := b.add(ctx, conv); err != nil {
			return err
		}
	}
	return b.flush(ctx)
}

// readLine returns the next line without its newline. A line longer than
// max is consumed and reported as tooLong instead of being buffered.
func readLine(r *bufio.Reader, max int) (line []byte, tooLong bool, err error) {
	for {
		frag, isPrefix, err := r.ReadLine()
		if !tooLong {
			line = append(line, frag...)
			if len(line) > max {
				tooLong, line = true, nil
			}
		}
		if err != nil || !isPrefix {
			if err == io.EOF && (len(line) > 0 || tooLong) {
				err = nil
			}
			return line, tooLong, err
		}
	}
}

func parseJSONConversation(rec []byte) (voc.Conversation, string, string) {
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
	if conv.CreatedAt, err = parseTime(j.CreatedAt, true); err != nil {
		return conv, "created_at", err.Error()
	}
	if conv.UpdatedAt, err = parseTime(j.UpdatedAt, false); err != nil {
		return conv, "updated_at", err.Error()
	}
	for i, m := range j.Messages {
		at, err := parseTime(m.At, false)
		if err != nil {
			return conv, fmt.Sprintf("messages[%d].at", i), err.Error()
		}
		conv.Messages = append(conv.Messages, voc.Message{ExternalID: m.ID, Role: voc.Role(strings.ToLower(m.Role)), Author: m.Author, At: at, Text: m.Text})
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

func parseTime(s string, required bool) (time.Time, error) {
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

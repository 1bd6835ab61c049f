package files

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/text/currency"

	"github.com/voc-dev/voc"
	"github.com/voc-dev/voc/collectors"
)

// csvTable reads a CSV file with a header row and looks columns up by name.
type csvTable struct {
	name string
	r    *csv.Reader
	cols map[string]int
	max  int
}

func openCSV(c *Collector, name string, required ...string) (*csvTable, io.Closer, error) {
	f, err := c.FS.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("files: %w", err)
	}
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("files: %s%s:1: header: %w", c.Prefix, name, err)
	}
	t := &csvTable{name: c.Prefix + name, r: r, cols: map[string]int{}, max: c.maxRecord()}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		t.cols[h] = i
	}
	for _, col := range required {
		if _, ok := t.cols[col]; !ok {
			f.Close()
			return nil, nil, fmt.Errorf("files: %s%s:1: header: missing column %q", c.Prefix, name, col)
		}
	}
	return t, f, nil
}

// next returns the next row and its line, or a reject for an unreadable row.
// It returns io.EOF at the end.
func (t *csvTable) next() ([]string, int, *collectors.Reject, error) {
	row, err := t.r.Read()
	if err == io.EOF {
		return nil, 0, nil, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return nil, 0, &collectors.Reject{File: t.name, Line: pe.Line, Field: "csv", Reason: pe.Err.Error()}, nil
	}
	if err != nil {
		return nil, 0, nil, fmt.Errorf("files: %s: %w", t.name, err)
	}
	line, _ := t.r.FieldPos(0)
	for i, v := range row {
		if !utf8.ValidString(v) {
			return nil, line, &collectors.Reject{File: t.name, Line: line, Field: t.colName(i), Reason: "not valid UTF-8 (convert the file to UTF-8)"}, nil
		}
		if len(v) > t.max {
			return nil, line, &collectors.Reject{File: t.name, Line: line, Field: t.colName(i), Reason: fmt.Sprintf("longer than %d bytes", t.max)}, nil
		}
	}
	return row, line, nil, nil
}

func (t *csvTable) colName(i int) string {
	for k, v := range t.cols {
		if v == i {
			return k
		}
	}
	return "column " + strconv.Itoa(i+1)
}

func (t *csvTable) get(row []string, col string) string {
	i, ok := t.cols[col]
	if !ok || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func (c *Collector) importConversationsCSV(ctx context.Context, name string, sink collectors.Sink, rep *collectors.Report) error {
	t, closer, err := openCSV(c, name, "conversation_id", "role", "text")
	if err != nil {
		return err
	}
	defer closer.Close()
	b := &convBatch{c: c, sink: sink, rep: rep}
	var (
		cur      *voc.Conversation
		curLine  int
		curBad   bool
		finished = map[string]bool{} // ids already flushed, to catch split groups
	)
	finish := func() error {
		if cur == nil {
			return nil
		}
		conv := *cur
		cur = nil
		finished[conv.ExternalID] = true
		if curBad {
			return nil
		}
		if conv.CreatedAt.IsZero() && len(conv.Messages) > 0 {
			conv.CreatedAt = conv.Messages[0].At
		}
		if conv.Source == "" {
			conv.Source = "-"
		}
		if err := conv.Validate(); err != nil {
			var fe *voc.FieldError
			field, reason := "record", err.Error()
			if errors.As(err, &fe) {
				field, reason = fe.Field, fe.Reason
			}
			rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.Prefix + name, Line: curLine, Field: field, Reason: reason})
			return nil
		}
		if conv.Source == "-" {
			conv.Source = ""
		}
		return b.add(ctx, conv)
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		row, line, rej, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if rej != nil {
			rep.Rejected = append(rep.Rejected, *rej)
			if cur != nil {
				curBad = true // a conversation missing a message must not be stored half
			}
			continue
		}
		id := t.get(row, "conversation_id")
		if id == "" {
			rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.Prefix + name, Line: line, Field: "conversation_id", Reason: "required"})
			continue
		}
		if cur == nil || cur.ExternalID != id {
			if err := finish(); err != nil {
				return err
			}
			if finished[id] {
				rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.Prefix + name, Line: line, Field: "conversation_id",
					Reason: fmt.Sprintf("rows of conversation %q are not contiguous", id)})
				continue
			}
			created, err := collectors.ParseTime(t.get(row, "created_at"), false)
			cur, curLine, curBad = &voc.Conversation{ExternalID: id, Source: t.get(row, "source"), AccountID: t.get(row, "account_id"),
				Channel: t.get(row, "channel"), Language: t.get(row, "language"), Subject: t.get(row, "subject"), URL: t.get(row, "url"),
				CreatedAt: created}, line, false
			if err != nil {
				rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.Prefix + name, Line: line, Field: "created_at", Reason: err.Error()})
				curBad = true
			}
		}
		if curBad {
			continue
		}
		at, err := collectors.ParseTime(t.get(row, "sent_at"), false)
		if err != nil {
			rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.Prefix + name, Line: line, Field: "sent_at", Reason: err.Error()})
			curBad = true
			continue
		}
		if at.IsZero() {
			at = cur.CreatedAt
		}
		m := voc.Message{ExternalID: t.get(row, "message_id"), Role: voc.Role(strings.ToLower(t.get(row, "role"))), Author: t.get(row, "author"), At: at, Text: t.get(row, "text")}
		if !m.Role.Valid() {
			rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.Prefix + name, Line: line, Field: "role", Reason: fmt.Sprintf("unknown role %q (want customer, agent, bot or note)", m.Role)})
			curBad = true
			continue
		}
		if m.Text == "" {
			rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.Prefix + name, Line: line, Field: "text", Reason: "required"})
			curBad = true
			continue
		}
		cur.Messages = append(cur.Messages, m)
	}
	if err := finish(); err != nil {
		return err
	}
	return b.flush(ctx)
}

func (c *Collector) importAccounts(ctx context.Context, name string, sink collectors.Sink, rep *collectors.Report) error {
	t, closer, err := openCSV(c, name, "id", "name")
	if err != nil {
		return err
	}
	defer closer.Close()
	var buf []voc.Account
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		n, err := sink.SaveAccounts(ctx, buf)
		if err != nil {
			return fmt.Errorf("files: save accounts: %w", err)
		}
		rep.Accounts.Add(n)
		buf = buf[:0]
		return nil
	}
	seen := map[string]int{}
	for {
		row, line, rej, err := t.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		if rej != nil {
			rep.Rejected = append(rep.Rejected, *rej)
			continue
		}
		a, field, reason := parseAccount(t, row)
		if reason == "" {
			if prev, dup := seen[a.ID]; dup {
				field, reason = "id", fmt.Sprintf("duplicate of line %d", prev)
			}
		}
		if reason != "" {
			rep.Rejected = append(rep.Rejected, collectors.Reject{File: c.Prefix + name, Line: line, Field: field, Reason: reason})
			continue
		}
		seen[a.ID] = line
		buf = append(buf, a)
		if len(buf) >= c.batchSize() {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func parseAccount(t *csvTable, row []string) (voc.Account, string, string) {
	a := voc.Account{ID: t.get(row, "id"), Name: t.get(row, "name"), Plan: t.get(row, "plan"),
		Currency: strings.ToUpper(t.get(row, "currency")), Segment: t.get(row, "segment"), Owner: t.get(row, "owner")}
	if a.ID == "" {
		return a, "id", "required"
	}
	if a.Name == "" {
		return a, "name", "required"
	}
	for _, d := range strings.Split(t.get(row, "domains"), ";") {
		if d = strings.ToLower(strings.TrimSpace(d)); d != "" {
			if strings.ContainsAny(d, " @/") || !strings.Contains(d, ".") {
				return a, "domains", fmt.Sprintf("%q is not a domain name", d)
			}
			a.Domains = append(a.Domains, d)
		}
	}
	if v := t.get(row, "mrr"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return a, "mrr", fmt.Sprintf("%q is not a non-negative integer of minor units (cents, or yen for JPY)", v)
		}
		a.MRR = n
	}
	if a.Currency != "" {
		if _, err := currency.ParseISO(a.Currency); err != nil {
			return a, "currency", fmt.Sprintf("%q is not an ISO 4217 currency code", a.Currency)
		}
	} else if a.MRR > 0 {
		return a, "currency", "required when mrr is set"
	}
	if v := t.get(row, "seats"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return a, "seats", fmt.Sprintf("%q is not a non-negative integer", v)
		}
		a.Seats = n
	}
	if v := t.get(row, "renewal_date"); v != "" {
		d, err := time.Parse(time.DateOnly, v)
		if err != nil {
			return a, "renewal_date", fmt.Sprintf("%q is not a date like 2027-01-31", v)
		}
		a.RenewalDate = d
	}
	return a, "", ""
}

package classifier

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// Row is one row of a dataset file as ScanRows hands it out. Its strings
// point into the reader's buffer: they are valid only until fn returns
// (strings.Clone what you keep).
type Row struct {
	ID, Text, Group string
	// Label is the raw label cell ("bug|other"), "" when there is none.
	Label string
	// HasLabels tells whether the file has a label column at all.
	HasLabels bool
}

// Labels appends the row's acceptable labels (the label cell split on "|",
// trimmed, empty ones dropped) to dst; they share the row's lifetime.
func (r *Row) Labels(dst []string) []string {
	if !r.HasLabels {
		return dst
	}
	for l := range strings.SplitSeq(r.Label, "|") {
		if l = strings.TrimSpace(l); l != "" {
			dst = append(dst, l)
		}
	}
	return dst
}

// ScanRows reads id,text,label[,group] rows as ScanDataset does (the same
// checks, the same errors naming the line) and calls fn for each without
// allocating: the fast path of `voc predict`.
func ScanRows(r io.Reader, name string, fn func(*Row) error) error {
	cr := newCSVReader(r)
	header, err := cr.read()
	if err != nil {
		return fmt.Errorf("%s:1: header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(string(h), "\ufeff")))] = i
	}
	ti, ok := col["text"]
	if !ok {
		return fmt.Errorf("%s:1: header: missing column \"text\"", name)
	}
	li, hasLabel := col["label"]
	ii, hasID := col["id"]
	gi, hasGroup := col["group"]
	row := &Row{HasLabels: hasLabel}
	for {
		rec, err := cr.read()
		if err != nil {
			if err == io.EOF {
				return nil
			}
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return fmt.Errorf("%s:%d: csv: %w", name, pe.Line, pe.Err)
			}
			return fmt.Errorf("%s: %w", name, err)
		}
		line := cr.recLine
		if ti >= len(rec) {
			return fmt.Errorf("%s:%d: text: missing", name, line)
		}
		if !utf8.Valid(rec[ti]) {
			return fmt.Errorf("%s:%d: text: not valid UTF-8", name, line)
		}
		*row = Row{Text: unsafeString(rec[ti]), HasLabels: hasLabel}
		if hasID && ii < len(rec) {
			row.ID = unsafeString(rec[ii])
		}
		if hasGroup && gi < len(rec) {
			row.Group = unsafeString(rec[gi])
		}
		if hasLabel && li < len(rec) {
			row.Label = unsafeString(rec[li])
		}
		if err := fn(row); err != nil {
			return err
		}
	}
}

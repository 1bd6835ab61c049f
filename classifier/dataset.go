package classifier

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"
)

// Example is one labelled text of a dataset. Labels holds every acceptable
// label (a file's "bug|other"): a prediction matching any of them is right.
type Example struct {
	ID     string
	Text   string
	Labels []string
	Group  string
}

// Dataset is a labelled CSV file with header id,text,label[,group].
type Dataset struct {
	Examples []Example
	// Classes lists the labels that occur, in first-seen order.
	Classes []string
}

// ReadDatasetFile reads a dataset from a CSV file.
func ReadDatasetFile(path string) (*Dataset, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	ds, err := ReadDataset(f, path)
	if err != nil {
		return nil, err
	}
	return ds, nil
}

// ReadDataset reads id,text,label[,group] rows. A row without a label is
// kept with no labels (for prediction); a malformed row is an error naming
// its line, because a silently skipped row would skew every figure.
func ReadDataset(r io.Reader, name string) (*Dataset, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s:1: header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	ti, ok := col["text"]
	if !ok {
		return nil, fmt.Errorf("%s:1: header: missing column \"text\"", name)
	}
	li, hasLabel := col["label"]
	ii, hasID := col["id"]
	gi, hasGroup := col["group"]
	ds := &Dataset{}
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: csv: %w", name, pe.Line, pe.Err)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if ti >= len(rec) {
			return nil, fmt.Errorf("%s:%d: text: missing", name, line)
		}
		ex := Example{Text: rec[ti]}
		if !utf8.ValidString(ex.Text) {
			return nil, fmt.Errorf("%s:%d: text: not valid UTF-8", name, line)
		}
		if hasID && ii < len(rec) {
			ex.ID = rec[ii]
		}
		if hasGroup && gi < len(rec) {
			ex.Group = rec[gi]
		}
		if hasLabel && li < len(rec) {
			for _, l := range strings.Split(rec[li], "|") {
				if l = strings.TrimSpace(l); l != "" {
					ex.Labels = append(ex.Labels, l)
					if !seen[l] {
						seen[l] = true
						ds.Classes = append(ds.Classes, l)
					}
				}
			}
		}
		ds.Examples = append(ds.Examples, ex)
	}
	return ds, nil
}

// Groups lists the distinct groups in first-seen order.
func (d *Dataset) Groups() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range d.Examples {
		if !seen[e.Group] {
			seen[e.Group] = true
			out = append(out, e.Group)
		}
	}
	return out
}

// Filter returns the examples of one group as a dataset.
func (d *Dataset) Filter(group string) *Dataset {
	out := &Dataset{Classes: d.Classes}
	for _, e := range d.Examples {
		if e.Group == group {
			out.Examples = append(out.Examples, e)
		}
	}
	return out
}

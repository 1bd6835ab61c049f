package classifier

import (
	"bufio"
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
	ds := &Dataset{}
	seen := map[string]bool{}
	err := ScanDataset(r, name, func(ex Example) error {
		for _, l := range ex.Labels {
			if !seen[l] {
				seen[l] = true
				ds.Classes = append(ds.Classes, l)
			}
		}
		ds.Examples = append(ds.Examples, ex)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ds, nil
}

// ScanDataset calls fn for each row in order without holding the file in
// memory, so a prediction run over millions of rows stays small.
func ScanDataset(r io.Reader, name string, fn func(Example) error) error {
	cr := csv.NewReader(bufio.NewReaderSize(r, 256<<10))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("%s:1: header: %w", name, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	ti, ok := col["text"]
	if !ok {
		return fmt.Errorf("%s:1: header: missing column \"text\"", name)
	}
	li, hasLabel := col["label"]
	ii, hasID := col["id"]
	gi, hasGroup := col["group"]
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line, _ := cr.FieldPos(0)
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			return fmt.Errorf("%s:%d: csv: %w", name, pe.Line, pe.Err)
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if ti >= len(rec) {
			return fmt.Errorf("%s:%d: text: missing", name, line)
		}
		ex := Example{Text: rec[ti]}
		if !utf8.ValidString(ex.Text) {
			return fmt.Errorf("%s:%d: text: not valid UTF-8", name, line)
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
				}
			}
		}
		if err := fn(ex); err != nil {
			return err
		}
	}
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

package classifier

import (
	"io"
	"os"
	"strings"
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
	var labels []string
	return ScanRows(r, name, func(row *Row) error {
		ex := Example{ID: strings.Clone(row.ID), Text: strings.Clone(row.Text), Group: strings.Clone(row.Group)}
		labels = row.Labels(labels[:0])
		for _, l := range labels {
			ex.Labels = append(ex.Labels, strings.Clone(l))
		}
		return fn(ex)
	})
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

package classifier

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/rand"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// randomCSV draws input from the pieces that matter to a CSV reader.
func randomCSV(rng *rand.Rand) string {
	pieces := []string{"a", "text", ",", ",", "\"", "\"\"", "\n", "\n", "\r\n", "\r", " ", "é", "\xff", "\ufeff",
		"id,text,label,group\n", "1,\"quoted, \"\"x\"\"\"\n", "\"multi\nline\"", "|", "bug", strings.Repeat("y", 40)}
	var b strings.Builder
	for n := rng.Intn(30); n > 0; n-- {
		b.WriteString(pieces[rng.Intn(len(pieces))])
	}
	return b.String()
}

// csvRecords reads all records with encoding/csv as ScanDataset used to:
// each record, the line of its first field, and the final error.
func csvRecords(in string) (recs [][]string, lines []int, err error) {
	cr := csv.NewReader(bufio.NewReaderSize(strings.NewReader(in), 16))
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	for {
		rec, err := cr.Read()
		recs = append(recs, append([]string(nil), rec...))
		if len(rec) > 0 {
			line, _ := cr.FieldPos(0)
			lines = append(lines, line)
		} else {
			lines = append(lines, 0)
		}
		if err != nil {
			return recs, lines, err
		}
	}
}

func fastRecords(in string) (recs [][]string, lines []int, err error) {
	cr := newCSVReaderSize(strings.NewReader(in), 16)
	for {
		rec, err := cr.read()
		var strs []string
		for _, f := range rec {
			strs = append(strs, string(f))
		}
		recs = append(recs, strs)
		if len(rec) > 0 {
			lines = append(lines, cr.recLine)
		} else {
			lines = append(lines, 0)
		}
		if err != nil {
			return recs, lines, err
		}
	}
}

func sameRecords(t *testing.T, in string) {
	t.Helper()
	wr, wl, we := csvRecords(in)
	gr, gl, ge := fastRecords(in)
	if !reflect.DeepEqual(gr, wr) || !reflect.DeepEqual(gl, wl) || !reflect.DeepEqual(ge, we) {
		t.Fatalf("%q:\n got %q lines %v err %#v\nwant %q lines %v err %#v", in, gr, gl, ge, wr, wl, we)
	}
}

// TestCSVReaderMatchesEncodingCSV checks the allocation-free reader
// against encoding/csv, record for record, on hand-picked and random
// input, errors and line numbers included, through a buffer small enough
// that long lines take the ErrBufferFull path.
func TestCSVReaderMatchesEncodingCSV(t *testing.T) {
	for _, in := range []string{"", "\n", "a", "a\r", "a,b\r\n\r\nc", "\"a\"b", "a\"b", "\"unterminated\nx",
		"x,\"a\r\nb\"\r\n", "\"\"", "\",\"", "a,\n", strings.Repeat("long ", 40) + "\n\"" + strings.Repeat("q", 50) + "\n\"\n"} {
		sameRecords(t, in)
	}
	rng := rand.New(rand.NewSource(3))
	for i := 0; i < 5000; i++ {
		sameRecords(t, randomCSV(rng))
	}
}

// FuzzCSVReader compares the reader with encoding/csv on any input.
func FuzzCSVReader(f *testing.F) {
	f.Add("id,text\n1,\"a \"\"b\"\"\r\nc\"\n2,x\"y\n")
	f.Fuzz(func(t *testing.T, in string) { sameRecords(t, in) })
}

// refScanDataset is ScanDataset as it was, on encoding/csv; it panicked
// (csv's FieldPos) on a malformed first field, reported here as such.
func refScanDataset(r io.Reader, name string, fn func(Example) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
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

func scanAll(scan func(io.Reader, string, func(Example) error) error, in string) ([]Example, string) {
	var exs []Example
	err := scan(strings.NewReader(in), "f.csv", func(e Example) error {
		exs = append(exs, e)
		return nil
	})
	if err != nil {
		return exs, err.Error()
	}
	return exs, ""
}

// TestScanDatasetMatchesReference checks the rows and error messages of
// ScanDataset against the encoding/csv version on random files with a
// header; where the old one panicked, the new one must name the line.
func TestScanDatasetMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewSource(4))
	headers := []string{"id,text,label,group\n", "\ufeffText, ID ,LABEL\n", "text\n", "id,body\n", "\"id,text\n"}
	for i := 0; i < 5000; i++ {
		in := headers[rng.Intn(len(headers))] + randomCSV(rng)
		want, wantErr := scanAll(refScanDataset, in)
		got, gotErr := scanAll(ScanDataset, in)
		if strings.HasPrefix(wantErr, "panic: ") {
			if !strings.Contains(gotErr, ": csv: ") {
				t.Fatalf("%q: got error %q, want a csv error where the old reader panicked", in, gotErr)
			}
			continue
		}
		if gotErr != wantErr || !reflect.DeepEqual(got, want) {
			t.Fatalf("%q:\n got %q %+v\nwant %q %+v", in, gotErr, got, wantErr, want)
		}
	}
}

package classifier

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

// TestScanRowsFieldsAndLabels reads columns in any order and case, quoted
// cells and split labels, and names the line of a row that is not UTF-8.
func TestScanRowsFieldsAndLabels(t *testing.T) {
	in := "Group,ID,Text,Label\nr1,1,\"crash, \"\"again\"\"\",bug| other \n,2,add it,\n"
	type got struct {
		ID, Text, Group string
		Labels          []string
	}
	var rows []got
	err := ScanRows(strings.NewReader(in), "f.csv", func(r *Row) error {
		rows = append(rows, got{strings.Clone(r.ID), strings.Clone(r.Text), strings.Clone(r.Group), r.Labels(nil)})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []got{{"1", `crash, "again"`, "r1", []string{"bug", "other"}}, {"2", "add it", "", nil}}
	if !reflect.DeepEqual(rows, want) {
		t.Fatalf("rows %+v, want %+v", rows, want)
	}
	err = ScanRows(strings.NewReader("id,text\n1,ok\n2,\xff\n"), "g.csv", func(*Row) error { return nil })
	if err == nil || err.Error() != "g.csv:3: text: not valid UTF-8" {
		t.Fatalf("invalid UTF-8: error %v", err)
	}
}

// TestScanRowsDoesNotAllocatePerRow checks that reading a hundred times
// the rows costs no more allocations: the predict path's rows are free.
func TestScanRowsDoesNotAllocatePerRow(t *testing.T) {
	file := func(n int) string {
		var b strings.Builder
		b.WriteString("id,text,label\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "%05d,\"row %05d, quoted \"\"text\"\"\",bug|other\n", i, i)
		}
		return b.String()
	}
	allocs := func(in string) float64 {
		var labels []string
		return testing.AllocsPerRun(5, func() {
			ScanRows(strings.NewReader(in), "f.csv", func(r *Row) error {
				labels = r.Labels(labels[:0])
				return nil
			})
		})
	}
	// A few allocations of slack: buffers may grow once more.
	small, large := allocs(file(100)), allocs(file(10000))
	if large > small+5 {
		t.Fatalf("%v allocations for 10000 rows, %v for 100", large, small)
	}
}
